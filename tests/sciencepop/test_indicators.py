"""Survey results and venues move the plan's indicators through the rollup jobs by themselves."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from plan.models import Indicator
from sciencepop import services
from tasks.models import IndicatorRollup, IndicatorValue
from tasks.rollups.feeds import feed_period


def province_value(indicator, period):
    row = IndicatorRollup.objects.filter(indicator=indicator, period=period, org_key=0).first()
    return row and row.value


def test_saving_a_survey_moves_the_province_literacy_rate(sp, django_capture_on_commit_callbacks):
    period = feed_period(sp.plan, 2025)
    assert province_value(sp.literacy, period) is None
    with django_capture_on_commit_callbacks(execute=True):
        services.literacy_survey_save(
            actor=sp.users["xining_officer"],
            organization=sp.orgs["xining"],
            year=2025,
            sample_size=1000,
            sample_literate=120,
            population=2_000_000,
        )
    assert province_value(sp.literacy, period) == Decimal("12")
    with django_capture_on_commit_callbacks(execute=True):
        services.literacy_survey_save(
            actor=sp.users["haixi_officer"],
            organization=sp.orgs["haixi"],
            year=2025,
            reported_rate=Decimal("6"),
            population=300_000,
        )
    # weighted by population: (240,000 + 18,000) / 2,300,000, not the mean of 12 % and 6 %
    row = IndicatorRollup.objects.get(indicator=sp.literacy, period=period, org_key=0)
    assert row.numerator == Decimal("258000") and row.denominator == Decimal("2300000")
    assert row.value == (Decimal(258000) * 100 / Decimal(2300000)).quantize(Decimal("0.000001"))
    value = IndicatorValue.objects.get(indicator=sp.literacy, organization=sp.orgs["haixi"])
    assert (value.state, value.report_id, value.value) == ("approved", None, Decimal("6"))


def test_changing_and_deleting_a_survey_moves_it_back(sp, django_capture_on_commit_callbacks):
    period = feed_period(sp.plan, 2024)
    officer = sp.users["xining_officer"]
    with django_capture_on_commit_callbacks(execute=True):
        survey = services.literacy_survey_save(
            actor=officer,
            organization=sp.orgs["xining"],
            year=2024,
            reported_rate=Decimal("9.5"),
            population=1_000_000,
        )
    assert province_value(sp.literacy, period) == Decimal("9.5")
    with django_capture_on_commit_callbacks(execute=True):
        services.literacy_survey_save(
            actor=officer,
            organization=sp.orgs["xining"],
            year=2024,
            survey=survey,
            reported_rate=Decimal("10.25"),
            population=1_000_000,
        )
    assert province_value(sp.literacy, period) == Decimal("10.25")
    assert survey.history.count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        services.literacy_survey_delete(actor=officer, survey=survey)
    assert not IndicatorValue.objects.filter(
        indicator=sp.literacy, organization=sp.orgs["xining"], period=period
    ).exists()
    assert province_value(sp.literacy, period) is None


def test_venue_coverage_is_a_portal_defined_indicator_that_follows_the_venues(
    sp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.coverage_indicator_ensure(plan=sp.plan)
        services.venue_coverage_feed_all(today=dt.date(2025, 6, 1))
    coverage = Indicator.objects.get(plan=sp.plan, code=services.COVERAGE_INDICATOR)
    assert not coverage.is_headline and "本平台定义" in coverage.description
    assert coverage.aggregation == "ratio" and coverage.key_task.number == 22
    period = feed_period(sp.plan, 2025)
    counties = len(
        [
            o
            for o in sp.orgs.values()
            if o.kind == "county_sta" and o.path.startswith(sp.orgs["xining"].path)
        ]
    )
    counties_all = len([o for o in sp.orgs.values() if o.kind == "county_sta"])
    assert province_value(coverage, period) == Decimal(0)
    with django_capture_on_commit_callbacks(execute=True):
        services.venue_save(
            actor=sp.users["datong_officer"],
            organization=sp.orgs["xining-datong"],
            name="大通县科技馆",
            kind="science_museum",
            status="open",
            opened_on=dt.date(2023, 5, 1),
        )
    row = IndicatorRollup.objects.get(indicator=coverage, period=period, org_key=0)
    assert (row.numerator, row.denominator) == (1, counties_all)
    xining = IndicatorRollup.objects.get(
        indicator=coverage, period=period, org_key=sp.orgs["xining"].pk
    )
    assert xining.value == (Decimal(100) / counties).quantize(Decimal("0.000001"))
    # a venue opened in 2023 did not cover the county in 2022
    assert province_value(coverage, feed_period(sp.plan, 2022)) == Decimal(0)


def test_the_coverage_indicator_command_keeps_existing_rows(sp):
    call_command("sciencepop_indicators", stdout=io.StringIO())
    Indicator.objects.filter(code=services.COVERAGE_INDICATOR).update(target=80)
    call_command("sciencepop_indicators", stdout=io.StringIO())
    assert Indicator.objects.get(code=services.COVERAGE_INDICATOR).target == 80


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"sample_size": 100, "sample_literate": 101, "population": 10}, "sample_literate"),
        ({"sample_size": 100, "population": 10}, "sample_literate"),
        ({"population": 10}, "reported_rate"),
        ({"reported_rate": Decimal("101"), "population": 10}, "reported_rate"),
        (
            {"sample_size": 100, "sample_literate": 10, "reported_rate": 20, "population": 10},
            "reported_rate",
        ),
        ({"reported_rate": 5, "population": 0}, "population"),
    ],
)
def test_bad_survey_figures_are_refused_with_the_field_named(sp, fields, field):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        services.literacy_survey_save(
            actor=sp.users["xining_officer"], organization=sp.orgs["xining"], year=2025, **fields
        )
    assert field in exc.value.message_dict


def test_survey_results_are_per_prefecture(sp):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        services.literacy_survey_save(
            actor=sp.users["xining_officer"],
            organization=sp.orgs["xining-datong"],
            year=2025,
            reported_rate=5,
            population=100,
        )
    assert "organization" in exc.value.message_dict

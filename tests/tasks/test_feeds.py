"""Figures fed by the portal's registers: stored as approved values, rolled up through the outbox,
a no-op when unchanged, withdrawn when the register's records go."""

from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from orgs.models import Organization
from tasks.models import IndicatorRollup, IndicatorValue, ReportingPeriod, RollupRequest
from tasks.rollups.compute import rollup_full
from tasks.rollups.feeds import feed_period, indicator_feed, indicator_feed_clear
from tasks.rollups.outbox import rollup_relay
from tasks.services import periods_generate


@pytest.fixture
def literacy_world(reporting):
    orgs = {o.code: o for o in Organization.objects.filter(code__in=["qhsta", "xining", "haixi"])}
    return reporting, orgs


def province(indicator, period):
    return IndicatorRollup.objects.get(indicator=indicator, period=period, org_key=0)


def feed(indicator, org, period, numerator, denominator):
    return indicator_feed(
        indicator=indicator,
        organization=org,
        period=period,
        numerator=numerator,
        denominator=denominator,
        source="survey 2025",
    )


def test_fed_ratios_roll_up_as_summed_numerators_over_summed_denominators(
    literacy_world, django_capture_on_commit_callbacks
):
    reporting, orgs = literacy_world
    period = reporting.period
    with django_capture_on_commit_callbacks(execute=True):
        feed(reporting.literacy, orgs["xining"], period, 1200, 10000)
    with django_capture_on_commit_callbacks(execute=True):
        feed(reporting.literacy, orgs["haixi"], period, 300, 5000)
    row = province(reporting.literacy, period)
    # (1200 + 300) / (10000 + 5000) = 10 %, not the mean of 12 % and 6 %
    assert row.value == Decimal("10")
    assert (row.numerator, row.denominator) == (Decimal("1500"), Decimal("15000"))
    assert row.reported == 2
    xining = IndicatorRollup.objects.get(
        indicator=reporting.literacy, period=period, org_key=orgs["xining"].pk
    )
    assert xining.value == Decimal("12")
    value = IndicatorValue.objects.get(indicator=reporting.literacy, organization=orgs["haixi"])
    assert (value.state, value.report, value.value) == ("approved", None, Decimal("6"))
    assert value.history.first().history_change_reason == "survey 2025"
    assert not RollupRequest.objects.filter(
        published_at__isnull=True, indicator__isnull=False
    ).exists()


def test_the_incremental_result_equals_a_full_recompute(
    literacy_world, plan14, django_capture_on_commit_callbacks
):
    reporting, orgs = literacy_world
    rollup_full(plan14, reporting.period)  # the period's figures from its opening on
    with django_capture_on_commit_callbacks(execute=True):
        feed(reporting.literacy, orgs["xining"], reporting.period, 1200, 10000)
        feed(reporting.literacy, orgs["haixi"], reporting.period, 300, 5000)
    before = province(reporting.literacy, reporting.period)
    rollup_full(plan14, reporting.period)
    after = province(reporting.literacy, reporting.period)
    assert (after.value, after.reported, after.missing) == (
        before.value,
        before.reported,
        before.missing,
    )


def test_an_unchanged_figure_writes_nothing(literacy_world, django_capture_on_commit_callbacks):
    reporting, orgs = literacy_world
    with django_capture_on_commit_callbacks(execute=True):
        first = feed(reporting.literacy, orgs["xining"], reporting.period, 1200, 10000)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = feed(reporting.literacy, orgs["xining"], reporting.period, "1200.000", 10000)
    assert again.pk == first.pk
    assert callbacks == []
    assert first.history.count() == 1
    assert RollupRequest.objects.count() == 1


def test_clearing_withdraws_the_figure_from_the_rollup(
    literacy_world, django_capture_on_commit_callbacks
):
    reporting, orgs = literacy_world
    with django_capture_on_commit_callbacks(execute=True):
        feed(reporting.literacy, orgs["xining"], reporting.period, 1200, 10000)
        feed(reporting.literacy, orgs["haixi"], reporting.period, 300, 5000)
    with django_capture_on_commit_callbacks(execute=True):
        assert indicator_feed_clear(
            indicator=reporting.literacy, organization=orgs["haixi"], period=reporting.period
        )
    row = province(reporting.literacy, reporting.period)
    assert row.value == Decimal("12")
    assert "haixi" not in [c["organization"] for c in row.explanation["children"]]
    assert not indicator_feed_clear(
        indicator=reporting.literacy, organization=orgs["haixi"], period=reporting.period
    )


def test_broker_down_marks_the_indicator_stale_until_the_relay(
    literacy_world, django_capture_on_commit_callbacks
):
    reporting, orgs = literacy_world
    with django_capture_on_commit_callbacks(execute=True):
        feed(reporting.literacy, orgs["xining"], reporting.period, 1200, 10000)
    from tasks.jobs import recompute_indicator

    with (
        mock.patch.object(recompute_indicator, "apply_async", side_effect=OSError("down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        feed(reporting.literacy, orgs["xining"], reporting.period, 1500, 10000)
    row = province(reporting.literacy, reporting.period)
    assert row.stale and row.stale_since is not None
    assert row.value == Decimal("12")
    assert rollup_relay() == 1
    row = province(reporting.literacy, reporting.period)
    assert (row.stale, row.value) == (False, Decimal("15"))


def test_bad_figures_are_refused_with_a_message(literacy_world):
    reporting, orgs = literacy_world
    with pytest.raises(ValidationError, match="需要分子和分母"):
        indicator_feed(
            indicator=reporting.literacy,
            organization=orgs["xining"],
            period=reporting.period,
            value=12,
            source="x",
        )
    assert not IndicatorValue.objects.exists()


def test_feed_period_prefers_the_annual_period(plan14):
    periods_generate(plan=plan14, kind="quarter")
    assert feed_period(plan14, 2024) == ReportingPeriod.objects.get(
        plan=plan14, kind="quarter", year=2024, number=4
    )
    periods_generate(plan=plan14, kind="year")
    assert feed_period(plan14, 2024).kind == "year"
    assert feed_period(plan14, 2031) is None

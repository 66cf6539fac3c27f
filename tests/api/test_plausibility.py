"""Plausibility over the API: impossible or oversized figures answer 400 in the API's error shape
with the field named and store nothing (on SQLite and PostgreSQL alike), flagged values need an
explanation to be submitted, register-fed values are read-only."""

from decimal import Decimal

import pytest

from tasks.models import IndicatorValue, ProgressReport
from tasks.rollups.feeds import indicator_feed

pytestmark = pytest.mark.django_db


def _draft(client, r) -> dict:
    response = client.post(
        "/api/v1/progress-reports/",
        {"assignment": r.xining.pk, "period": r.period.pk},
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def _nothing_stored(report_id: int, version: int) -> None:
    assert not IndicatorValue.objects.exists()
    assert IndicatorValue.history.count() == 0
    assert ProgressReport.objects.get(pk=report_id).version == version


def test_the_issues_payload_answers_400_naming_the_field_and_stores_nothing(
    reporting, token_client
):
    officer = token_client(reporting.users["xining_officer"])
    report = _draft(officer, reporting)
    url = f"/api/v1/progress-reports/{report['id']}/"
    response = officer.patch(
        url,
        {
            "version": report["version"],
            "values": [
                {
                    "indicator": reporting.rate.pk,
                    "numerator": "99999999999999",
                    "denominator": "0.000001",
                }
            ],
        },
        format="json",
    )
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid" and body["message"]
    assert (
        "分子（99999999999999）不能大于分母（0.000001）" in body["errors"]["values[0].numerator"][0]
    )
    _nothing_stored(report["id"], report["version"])
    # the lists and the report still answer
    assert officer.get("/api/v1/indicator-values/").status_code == 200
    assert officer.get("/api/v1/progress-reports/").status_code == 200
    assert officer.get(url).status_code == 200


@pytest.mark.parametrize(
    ("figures", "field"),
    [
        ({"numerator": "123456789012345678901", "denominator": "1"}, "numerator"),
        ({"numerator": "1", "denominator": "1e30"}, "denominator"),
        ({"numerator": "0.0000001", "denominator": "1"}, "numerator"),
        ({"numerator": "abc", "denominator": "1"}, "numerator"),
        ({"numerator": "NaN", "denominator": "1"}, "numerator"),
        ({"numerator": "-5", "denominator": "10"}, "numerator"),
        ({"numerator": "5", "denominator": "0"}, "denominator"),
        ({"numerator": "5"}, "denominator"),
    ],
)
def test_oversized_malformed_and_impossible_figures_answer_400(
    reporting, token_client, figures, field
):
    officer = token_client(reporting.users["xining_officer"])
    report = _draft(officer, reporting)
    response = officer.patch(
        f"/api/v1/progress-reports/{report['id']}/",
        {"version": report["version"], "values": [{"indicator": reporting.rate.pk, **figures}]},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == [f"values[0].{field}"]
    _nothing_stored(report["id"], report["version"])


def test_a_flagged_value_is_submitted_only_with_its_explanation(reporting, token_client):
    r = reporting
    IndicatorValue.objects.create(
        indicator=r.rate,
        organization=r.xining.organization,
        period=r.earlier,
        numerator=Decimal(50),
        denominator=Decimal(100),
        value=Decimal(50),
        state="approved",
    )
    officer = token_client(r.users["xining_officer"])
    report = _draft(officer, r)
    url = f"/api/v1/progress-reports/{report['id']}/"
    complete = {"percent_complete": 50, "progress_status": "on_track", "narrative": "调查过半"}
    saved = officer.patch(
        url,
        {
            "version": 1,
            **complete,
            "values": [{"indicator": r.rate.pk, "numerator": 95, "denominator": 100}],
        },
        format="json",
    )
    assert saved.status_code == 200, saved.content
    value = saved.json()["values"][0]
    assert [f["code"] for f in value["flags"]] == ["change"]
    assert "95较2025年第2季度的50变化90%" in value["flags"][0]["message"]
    assert value["explanation"] == "" and value["fed_by"] is None

    refused = officer.post(f"{url}submit/", {"version": 2}, format="json")
    assert refused.status_code == 400
    assert "请先填写说明再提交报告" in refused.json()["errors"]["explanation"][0]
    assert ProgressReport.objects.get(pk=report["id"]).state == "draft"

    explained = officer.patch(
        url,
        {
            "version": 2,
            "values": [
                {
                    "indicator": r.rate.pk,
                    "numerator": 95,
                    "denominator": 100,
                    "explanation": "集中入户调查",
                }
            ],
        },
        format="json",
    )
    assert explained.status_code == 200
    submitted = officer.post(f"{url}submit/", {"version": 3}, format="json")
    assert submitted.status_code == 200, submitted.content
    reviewer = token_client(r.users["reviewer"])
    seen = reviewer.get(url).json()["values"][0]
    assert seen["explanation"] == "集中入户调查" and seen["flags"]


def test_a_register_fed_value_is_read_only_over_the_api(reporting, token_client):
    r = reporting
    r.xining.indicators.add(r.literacy)
    indicator_feed(
        indicator=r.literacy,
        organization=r.xining.organization,
        period=r.period,
        numerator=Decimal(1200),
        denominator=Decimal(10000),
        source="sciencepop.LiteracySurvey xining 2025",
    )
    officer = token_client(r.users["xining_officer"])
    report = _draft(officer, r)
    refused = officer.patch(
        f"/api/v1/progress-reports/{report['id']}/",
        {
            "version": 1,
            "values": [{"indicator": r.literacy.pk, "numerator": 1, "denominator": 2}],
        },
        format="json",
    )
    assert refused.status_code == 400
    assert "由科学素质调查登记自动汇入" in refused.json()["errors"]["values[0].numerator"][0]
    created = officer.post(
        "/api/v1/indicator-values/",
        {
            "indicator": r.literacy.pk,
            "organization": "xining",
            "period": r.earlier.pk,
            "numerator": 1,
            "denominator": 2,
        },
        format="json",
    )
    assert created.status_code == 400 and "numerator" in created.json()["errors"]
    fed = IndicatorValue.objects.get(indicator=r.literacy)
    assert (fed.numerator, fed.report_id, fed.state) == (Decimal(1200), None, "approved")

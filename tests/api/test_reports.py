"""Writing through the API: drafts, values, the review workflow and lost-update protection,
with the same rules as the browser (tasks.services) and one error shape."""

from decimal import Decimal

import pytest

from tasks.models import IndicatorValue, ProgressReport

pytestmark = pytest.mark.django_db


def _open(client, reporting):
    response = client.post(
        "/api/v1/progress-reports/",
        {"assignment": reporting.xining.pk, "period": reporting.period.pk},
        format="json",
    )
    return response


def test_an_officer_writes_submits_and_a_reviewer_approves(reporting, token_client):
    officer = token_client(reporting.users["xining_officer"])
    response = _open(officer, reporting)
    assert response.status_code == 201, response.content
    report = response.json()
    assert report["state"] == "draft" and report["version"] == 1
    assert _open(officer, reporting).status_code == 200  # the same draft again

    patch = officer.patch(
        f"/api/v1/progress-reports/{report['id']}/",
        {
            "version": 1,
            "percent_complete": 60,
            "progress_status": "on_track",
            "narrative": "完成抽样调查方案",
            "values": [{"indicator": reporting.rate.pk, "numerator": 436, "denominator": 4000}],
        },
        format="json",
    )
    assert patch.status_code == 200, patch.content
    body = patch.json()
    assert body["version"] == 2 and body["percent_complete"] == 60
    assert body["values"][0]["indicator_code"] == "survey-sample-completion"
    assert Decimal(str(body["values"][0]["value"])) == Decimal("10.9")

    submit = officer.post(
        f"/api/v1/progress-reports/{report['id']}/submit/", {"version": 2}, format="json"
    )
    assert submit.status_code == 200, submit.content
    assert submit.json()["state"] == "submitted"

    # an officer cannot approve: visible, but not theirs to review
    refused = officer.post(
        f"/api/v1/progress-reports/{report['id']}/approve/", {"version": 3}, format="json"
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied" and refused.json()["message"]

    reviewer = token_client(reporting.users["reviewer"])
    approve = reviewer.post(
        f"/api/v1/progress-reports/{report['id']}/approve/", {"version": 3}, format="json"
    )
    assert approve.status_code == 200, approve.content
    assert approve.json()["state"] == "approved" and approve.json()["reviewed_by"] == "reviewer"
    assert IndicatorValue.objects.get(report_id=report["id"]).state == "approved"

    # approved: no more changes, a clear message
    late = officer.patch(
        f"/api/v1/progress-reports/{report['id']}/", {"version": 4, "narrative": "x"}, format="json"
    )
    assert late.status_code == 400
    assert "更正" in late.json()["message"]  # Chinese first, like the pages


def test_a_stale_version_answers_409_with_who_and_when(reporting, token_client):
    officer = token_client(reporting.users["xining_officer"])
    report = _open(officer, reporting).json()
    first = officer.patch(
        f"/api/v1/progress-reports/{report['id']}/", {"version": 1, "narrative": "a"}, format="json"
    )
    assert first.status_code == 200
    stale = officer.patch(
        f"/api/v1/progress-reports/{report['id']}/", {"version": 1, "narrative": "b"}, format="json"
    )
    assert stale.status_code == 409
    body = stale.json()
    assert body["status"] == 409 and body["code"] == "conflict"
    assert body["current"]["version"] == 2 and body["current"]["updated_by"] == "xining_officer"
    assert body["current"]["updated_at"] in body["message"] or body["message"]
    assert ProgressReport.objects.get(pk=report["id"]).narrative == "a"  # nothing lost


def test_validation_errors_name_the_field(reporting, token_client):
    officer = token_client(reporting.users["xining_officer"])
    report = _open(officer, reporting).json()
    url = f"/api/v1/progress-reports/{report['id']}/"
    bad = officer.patch(url, {"version": 1, "percent_complete": 150}, format="json")
    assert bad.status_code == 400
    assert "percent_complete" in bad.json()["errors"]
    assert "percent_complete" in bad.json()["message"]

    missing = officer.patch(url, {"narrative": "x"}, format="json")
    assert missing.status_code == 400 and "version" in missing.json()["errors"]

    half = officer.patch(
        url,
        {"version": 1, "values": [{"indicator": reporting.rate.pk, "numerator": 5}]},
        format="json",
    )
    assert half.status_code == 400
    assert list(half.json()["errors"]) == ["values[0].denominator"]  # the field it lacks

    incomplete = officer.post(f"{url}submit/", {"version": 1}, format="json")
    assert incomplete.status_code == 400
    assert {"percent_complete", "progress_status", "narrative"} <= set(incomplete.json()["errors"])


def test_a_reviewer_returns_with_a_comment(reporting, token_client):
    officer = token_client(reporting.users["xining_officer"])
    report = _open(officer, reporting).json()
    url = f"/api/v1/progress-reports/{report['id']}/"
    officer.patch(
        url,
        {"version": 1, "percent_complete": 10, "progress_status": "on_track", "narrative": "n"},
        format="json",
    )
    assert officer.post(f"{url}submit/", {"version": 2}, format="json").status_code == 200
    reviewer = token_client(reporting.users["reviewer"])
    empty = reviewer.post(f"{url}return/", {"version": 3, "comment": " "}, format="json")
    assert empty.status_code == 400 and "comment" in empty.json()["errors"]
    back = reviewer.post(f"{url}return/", {"version": 3, "comment": "请补充"}, format="json")
    assert back.status_code == 200 and back.json()["state"] == "returned"
    assert back.json()["review_comment"] == "请补充"


def test_indicator_values_are_written_through_the_draft(reporting, token_client):
    officer = token_client(reporting.users["xining_officer"])
    created = officer.post(
        "/api/v1/indicator-values/",
        {
            "indicator": reporting.rate.pk,
            "organization": "xining",
            "period": reporting.period.pk,
            "numerator": 400,
            "denominator": 4000,
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    value = created.json()
    assert value["value"] == 10 and value["status"] == "draft" and value["report_version"] == 2
    again = officer.post(
        "/api/v1/indicator-values/",
        {
            "indicator": reporting.rate.pk,
            "organization": "xining",
            "period": reporting.period.pk,
            "numerator": 1,
            "denominator": 2,
        },
        format="json",
    )
    assert again.status_code == 400 and "indicator" in again.json()["errors"]

    url = f"/api/v1/indicator-values/{value['id']}/"
    changed = officer.patch(
        url, {"version": 2, "numerator": 420, "denominator": 4000}, format="json"
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["value"] == 10.5
    stale = officer.patch(url, {"version": 2, "numerator": 1, "denominator": 2}, format="json")
    assert stale.status_code == 409
    wrong_shape = officer.patch(url, {"version": 3, "value": 12}, format="json")
    assert wrong_shape.status_code == 400 and "value" in wrong_shape.json()["errors"]
    zero = officer.patch(url, {"version": 3, "numerator": 1, "denominator": 0}, format="json")
    assert zero.status_code == 400 and "denominator" in zero.json()["errors"]

    # Haixi's officer is not Xining's: not even visible
    haixi = token_client(reporting.users["haixi_officer"])
    assert (
        haixi.patch(
            url, {"version": 3, "numerator": 1, "denominator": 2}, format="json"
        ).status_code
        == 404
    )
    # the leader sees it but may not change it
    leader = token_client(reporting.users["leader"])
    assert leader.get(url).status_code == 200
    assert (
        leader.patch(
            url, {"version": 3, "numerator": 1, "denominator": 2}, format="json"
        ).status_code
        == 403
    )


def test_no_value_without_an_assignment_that_reports_it(reporting, token_client):
    officer = token_client(reporting.users["haixi_officer"])
    response = officer.post(
        "/api/v1/indicator-values/",
        {
            "indicator": reporting.rate.pk,
            "organization": "haixi",
            "period": reporting.period.pk,
            "numerator": 1,
            "denominator": 2,
        },
        format="json",
    )
    assert response.status_code == 400
    assert "indicator" in response.json()["errors"]
    outside = officer.post(
        "/api/v1/indicator-values/",
        {
            "indicator": reporting.rate.pk,
            "organization": "xining",
            "period": reporting.period.pk,
            "numerator": 1,
            "denominator": 2,
        },
        format="json",
    )
    assert outside.status_code == 400 and "organization" in outside.json()["errors"]
    # the leader sees Xining's assignment but reports nothing: refused with a message
    leader = token_client(reporting.users["leader"])
    refused = leader.post(
        "/api/v1/indicator-values/",
        {
            "indicator": reporting.rate.pk,
            "organization": "xining",
            "period": reporting.period.pk,
            "numerator": 1,
            "denominator": 2,
        },
        format="json",
    )
    assert refused.status_code == 403 and refused.json()["message"]
    opened = leader.post(
        "/api/v1/progress-reports/",
        {"assignment": reporting.xining.pk, "period": reporting.period.pk},
        format="json",
    )
    assert opened.status_code == 403
    assert not IndicatorValue.objects.exists() and not ProgressReport.objects.exists()

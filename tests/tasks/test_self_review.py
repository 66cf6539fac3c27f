"""Nobody reviews a report they submitted: the rule of the service, seen through the review page,
the bulk approval of the queue and the API."""

import pytest
from rest_framework.test import APIClient

from orgs.services import membership_grant
from qhsta.api.services import token_issue
from tasks import services
from tasks.models import ProgressReport

MESSAGE = "不能审核自己提交的报告"


@pytest.fixture
def own_report(reporting):
    """xining_officer, also a reviewer at Xining, submitted the report now waiting for review."""
    r = reporting
    officer = r.users["xining_officer"]
    membership_grant(user=officer, organization=r.xining.organization, role="reviewer")
    officer = type(officer).objects.get(pk=officer.pk)
    report = services.report_open(user=officer, assignment=r.xining, period=r.period)
    report = services.report_save(
        user=officer,
        report=report,
        version=report.version,
        data={"percent_complete": 40, "progress_status": "on_track", "narrative": "进展顺利。"},
    )
    report = services.report_submit(user=officer, report=report, version=report.version)
    return officer, report


def test_the_review_page_refuses_ones_own_report(own_report, client):
    officer, report = own_report
    client.force_login(officer)
    response = client.post(
        f"/reports/{report.pk}/review/", {"decision": "approve", "version": report.version}
    )
    assert response.status_code == 403
    assert MESSAGE in response.content.decode()
    assert ProgressReport.objects.get(pk=report.pk).state == "submitted"
    response = client.post(
        f"/reports/{report.pk}/review/",
        {"decision": "return", "version": report.version, "review_comment": "重写。"},
    )
    assert response.status_code == 403
    assert ProgressReport.objects.get(pk=report.pk).state == "submitted"


def test_bulk_approval_leaves_ones_own_report_waiting(own_report, client):
    officer, report = own_report
    client.force_login(officer)
    page = client.post("/review/approve/", {"report": [report.pk]}, follow=True)
    assert page.status_code == 200
    assert MESSAGE in page.content.decode()
    assert ProgressReport.objects.get(pk=report.pk).state == "submitted"


def test_the_api_refuses_ones_own_report(own_report, reporting):
    officer, report = own_report
    client = APIClient()
    _, key = token_issue(user=officer, name="tests")
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    for action, data in (
        ("approve", {"version": report.version}),
        ("return", {"version": report.version, "comment": "重写。"}),
    ):
        response = client.post(
            f"/api/v1/progress-reports/{report.pk}/{action}/", data, format="json"
        )
        assert response.status_code == 403, action
        assert MESSAGE in response.json()["message"]
    assert ProgressReport.objects.get(pk=report.pk).state == "submitted"
    # another reviewer of the province approves it
    reviewer = APIClient()
    _, key = token_issue(user=reporting.users["reviewer"], name="tests")
    reviewer.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = reviewer.post(
        f"/api/v1/progress-reports/{report.pk}/approve/", {"version": report.version}, format="json"
    )
    assert response.status_code == 200 and response.json()["state"] == "approved"

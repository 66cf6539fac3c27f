"""Approval independence: nobody approves or returns a report whose content they wrote or edited
at any revision, through the service, the pages and the API alike."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from rest_framework.test import APIClient

from orgs.models import AccessEvent, Organization
from orgs.services import membership_grant, user_ensure
from tasks import services
from tasks.models import ProgressReport
from tasks.services import ValueInput

COMPLETE = {
    "percent_complete": Decimal("60"),
    "progress_status": "on_track",
    "narrative": "完成西宁市四个区县的抽样调查。",
    "problems": "",
    "next_steps": "汇总调查数据。",
}
REFUSAL = "您编写或修改过这份报告（任一修订版）的内容，不能审核它，须由其他审核人审核。"


@pytest.fixture
def xining_admin(reporting):
    admin = user_ensure(username="xining_admin", full_name="西宁市科协管理员", password="x")
    membership_grant(user=admin, organization=Organization.objects.get(code="xining"), role="admin")
    reporting.users["xining_admin"] = admin
    return admin


def _save(r, report, user, **data):
    return services.report_save(
        user=r.users[user], report=report, version=report.version, data={**COMPLETE, **data}
    )


def _submit(r, report, user="xining_officer"):
    return services.report_submit(user=r.users[user], report=report, version=report.version)


@pytest.fixture
def edited_by_admin(reporting, xining_admin):
    """Report 109's story: xining_admin edited it, xining_officer submitted it."""
    r = reporting
    report = services.report_open(
        user=r.users["xining_officer"], assignment=r.xining, period=r.period
    )
    report = _save(r, report, "xining_officer")
    report = _save(r, report, "xining_admin", narrative="管理员改写的进展情况。")
    return _submit(r, report)


def test_the_service_refuses_an_editor_and_logs_it(reporting, edited_by_admin):
    r, report = reporting, edited_by_admin
    with pytest.raises(PermissionDenied) as refused:
        services.report_approve(user=r.users["xining_admin"], report=report)
    assert str(refused.value) == REFUSAL
    with pytest.raises(PermissionDenied):
        services.report_return(user=r.users["xining_admin"], report=report, comment="请补充。")
    assert ProgressReport.objects.get(pk=report.pk).state == "submitted"
    refusal = AccessEvent.objects.get(
        kind="denied_write",
        actor=r.users["xining_admin"],
        object_id=str(report.pk),
        detail__startswith="approve",
    )
    assert refusal.outcome == "failure"
    # an independent reviewer approves, and that is in the audit log too
    services.report_approve(user=r.users["reviewer"], report=report)
    assert ProgressReport.objects.get(pk=report.pk).state == "approved"
    assert AccessEvent.objects.filter(
        kind="report_approved", actor=r.users["reviewer"], object_id=str(report.pk)
    ).exists()


def test_writing_at_an_earlier_revision_counts(reporting, xining_admin):
    r = reporting
    report = services.report_open(
        user=r.users["xining_admin"], assignment=r.xining, period=r.period
    )
    report = _submit(r, _save(r, report, "xining_admin"), user="xining_admin")
    services.report_approve(user=r.users["reviewer"], report=report)
    correction = services.report_correct(user=r.users["xining_officer"], report=report)
    correction = _submit(r, _save(r, correction, "xining_officer", percent_complete=Decimal("70")))
    assert correction.revision == 2
    with pytest.raises(PermissionDenied, match="任一修订版"):
        services.report_approve(user=r.users["xining_admin"], report=correction)


def test_saving_only_indicator_values_counts(reporting, xining_admin):
    r = reporting
    report = services.report_open(
        user=r.users["xining_officer"], assignment=r.xining, period=r.period
    )
    report = _save(r, report, "xining_officer")
    report = services.report_save(
        user=r.users["xining_admin"],
        report=report,
        version=report.version,
        data={},
        values=[ValueInput(r.rate, numerator=Decimal("5200"), denominator=Decimal("50000"))],
    )
    report = _submit(r, report)
    assert services.review_refusal(r.users["xining_admin"], report) == REFUSAL


def test_reviewing_is_not_writing(reporting, xining_admin):
    """A reviewer who returned a report (a review step, not writing) still reviews it."""
    r = reporting
    report = services.report_open(
        user=r.users["xining_officer"], assignment=r.xining, period=r.period
    )
    report = _submit(r, _save(r, report, "xining_officer"))
    report = services.report_return(
        user=r.users["xining_admin"], report=report, comment="请补充样本量。"
    )
    report = _submit(r, _save(r, report, "xining_officer", narrative="样本量50000人。"))
    report = services.report_approve(user=r.users["xining_admin"], report=report)
    assert report.state == "approved"


def test_the_pages_neither_offer_nor_accept_the_approval(reporting, edited_by_admin, client):
    r, report = reporting, edited_by_admin
    client.force_login(r.users["xining_admin"])
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert 'value="approve"' not in page and REFUSAL in page
    queue = client.get("/review/").content.decode()
    assert f'data-report="{report.pk}"' in queue
    assert f'name="report" value="{report.pk}"' not in queue and "不由您审核" in queue

    response = client.post(
        f"/reports/{report.pk}/review/", {"decision": "approve", "version": report.version}
    )
    assert response.status_code == 403 and REFUSAL in response.content.decode()
    response = client.post("/review/approve/", {"report": [report.pk]}, follow=True)
    assert REFUSAL in response.content.decode()
    assert ProgressReport.objects.get(pk=report.pk).state == "submitted"

    client.force_login(r.users["reviewer"])
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert 'value="approve"' in page
    assert f'name="report" value="{report.pk}"' in client.get("/review/").content.decode()


def test_the_api_refuses_with_the_reason(reporting, edited_by_admin):
    r, report = reporting, edited_by_admin
    api = APIClient()
    api.force_login(r.users["xining_admin"])
    for action, body in (
        ("approve", {"version": report.version}),
        ("return", {"version": report.version, "comment": "请补充。"}),
    ):
        response = api.post(f"/api/v1/progress-reports/{report.pk}/{action}/", body, format="json")
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"
        assert response.json()["message"] == REFUSAL
    assert ProgressReport.objects.get(pk=report.pk).state == "submitted"
    reviewer = APIClient()
    reviewer.force_login(r.users["reviewer"])
    response = reviewer.post(
        f"/api/v1/progress-reports/{report.pk}/approve/", {"version": report.version}, format="json"
    )
    assert response.status_code == 200 and response.json()["state"] == "approved"


def test_the_submitter_is_refused_through_the_page_and_the_api(reporting, xining_admin, client):
    """Submitting is not writing, but the submitter does not review either."""
    r = reporting
    report = services.report_open(
        user=r.users["xining_officer"], assignment=r.xining, period=r.period
    )
    report = _submit(r, _save(r, report, "xining_officer"), user="xining_admin")
    client.force_login(xining_admin)
    assert 'value="approve"' not in client.get(f"/reports/{report.pk}/").content.decode()
    response = client.post(
        f"/reports/{report.pk}/review/", {"decision": "approve", "version": report.version}
    )
    assert response.status_code == 403 and "不能审核自己提交的报告" in response.content.decode()
    api = APIClient()
    api.force_login(xining_admin)
    response = api.post(
        f"/api/v1/progress-reports/{report.pk}/approve/", {"version": report.version}, format="json"
    )
    assert response.status_code == 403 and response.json()["message"] == "不能审核自己提交的报告。"
    assert ProgressReport.objects.get(pk=report.pk).state == "submitted"

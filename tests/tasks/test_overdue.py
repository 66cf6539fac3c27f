"""Overdue means overdue (issue 14, point 8): a report sent, waiting for review or approved is
never shown as overdue to its officer; one never sent after its deadline is 已逾期N天; a closed
period takes no reports, sends no reminders and shows nothing overdue."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from tasks import services
from tasks.models import ProgressReport, ReminderLog, ReportingPeriod
from tasks.reporting.reminders import reminders_due, reminders_send

TODAY = dt.date(2025, 12, 4)  # every 2025 quarter but Q4 (deadline 2026-01-15) has passed
NOON = "2025-12-04 12:00+08:00"
FORM = {"percent_complete": 60, "progress_status": "on_track", "narrative": "按计划推进。"}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def quarter(r, n: int) -> ReportingPeriod:
    return ReportingPeriod.objects.get(plan=r.period.plan, kind="quarter", year=2025, number=n)


def write(r, n: int, state: str, who="xining_officer", assignment=None) -> ProgressReport:
    user = r.users[who]
    report = services.report_open(
        user=user, assignment=assignment or r.xining, period=quarter(r, n)
    )
    report = services.report_save(user=user, report=report, version=report.version, data=FORM)
    if state == "draft":
        return report
    report = services.report_submit(user=user, report=report, version=report.version)
    if state == "approved":
        report = services.report_approve(user=r.users["reviewer"], report=report)
    elif state == "returned":
        report = services.report_return(user=r.users["reviewer"], report=report, comment="请补充。")
    return report


def days_late(r, n: int) -> int:
    return (TODAY - quarter(r, n).deadline).days


def section(html: str, key: str) -> str:
    found = re.search(
        rf'<section class="mb-4 work-section" id="work-{key}">.*?</section>', html, re.S
    )
    return found.group(0) if found else ""


@pytest.fixture
def scene(reporting, time_machine):
    time_machine.move_to(NOON, tick=False)
    return reporting


def test_a_sent_report_is_never_overdue_an_unsent_one_is_已逾期N天(scene):
    r = scene
    submitted = write(r, 3, "submitted")  # sent 50 days after its deadline, waiting for review
    returned = write(r, 2, "returned")
    approved = write(r, 1, "approved")
    correction = services.report_correct(user=r.users["xining_officer"], report=approved)
    draft = write(r, 1, "draft", who="haixi_officer", assignment=r.haixi)

    html = client_for(r.users["xining_officer"]).get("/work/").content.decode()
    waiting = section(html, "submitted")
    assert "开展2025年公民科学素质抽样调查" in waiting and r.period.label in waiting
    for key in ("submitted", "returned", "draft"):  # sent once, or an approved one corrected
        assert "已逾期" not in section(html, key) and "text-danger" not in section(html, key)
    assert section(html, "overdue") == ""  # Xining owes nothing it never sent
    assert "迟了" not in html
    for report in (submitted, returned, correction):
        page = client_for(r.users["xining_officer"]).get(f"/reports/{report.pk}/")
        assert "已逾期" not in page.content.decode(), report.state

    haixi = client_for(r.users["haixi_officer"]).get("/work/").content.decode()
    overdue = section(haixi, "overdue")
    for n in (1, 2, 3):  # Q1's draft and Q2, Q3 with no report: never sent, deadline passed
        assert f"已逾期{days_late(r, n)}天" in overdue
    assert quarter(r, 4).label not in overdue
    page = client_for(r.users["haixi_officer"]).get(f"/reports/{draft.pk}/").content.decode()
    assert (
        f'<span class="badge text-bg-danger overdue-days">已逾期{days_late(r, 1)}天</span>' in page
    )
    # the same report, once sent, is no longer overdue anywhere
    write(r, 2, "submitted", who="haixi_officer", assignment=r.haixi)
    haixi = client_for(r.users["haixi_officer"]).get("/work/").content.decode()
    assert f"已逾期{days_late(r, 2)}天" not in haixi
    assert quarter(r, 2).label in section(haixi, "submitted")


def reminded(today=TODAY) -> dict[str, list[int]]:
    return {
        rem.user.username: sorted(i.period.number for i in rem.items)
        for rem in reminders_due(today=today)
    }


def test_reminders_skip_submitted_reports_and_closed_periods(scene, mailoutbox):
    r = scene
    admin = r.users["province_admin"]
    assert reminded()["xining_officer"] == [1, 2, 3]
    write(r, 3, "submitted")
    write(r, 2, "returned")
    got = {rem.user.username: rem for rem in reminders_due(today=TODAY)}["xining_officer"]
    assert sorted(i.period.number for i in got.items) == [1, 2]
    assert [i.period.number for i in got.overdue] == [1]  # Q2 was sent: returned, not overdue
    assert [i.period.number for i in got.unfinished] == [2]

    for n in (1, 2, 3):
        services.period_close(actor=admin, period=quarter(r, n))
    assert "xining_officer" not in reminded() and "haixi_officer" not in reminded()
    assert reminders_send(today=TODAY) == [] and mailoutbox == []
    assert not ReminderLog.objects.exists()
    # nothing is shown as overdue either
    html = client_for(r.users["haixi_officer"]).get("/work/").content.decode()
    assert "overdue-days" not in html and section(html, "overdue") == ""

    services.period_reopen(actor=admin, period=quarter(r, 1))
    assert reminded()["haixi_officer"] == [1]
    sent = reminders_send(today=TODAY)
    assert {log.user.username for log in sent} >= {"xining_officer", "haixi_officer"}
    body = next(m.body for m in mailoutbox if m.to == [r.users["haixi_officer"].email])
    assert f"已逾期{days_late(r, 1)}天" in body
    assert quarter(r, 2).label not in body and quarter(r, 3).label not in body


def test_closing_a_period_refuses_new_and_changed_reports(scene):
    r = scene
    draft = write(r, 3, "draft", who="haixi_officer", assignment=r.haixi)
    waiting = write(r, 3, "submitted")
    officer, admin = r.users["haixi_officer"], r.users["province_admin"]

    # only the plan's (provincial) administrators close a period
    refused = client_for(r.users["xining_officer"]).post(f"/periods/close/{r.period.pk}/")
    assert refused.status_code in (403, 404)
    assert not ReportingPeriod.objects.get(pk=r.period.pk).is_closed
    page = client_for(admin).post(f"/periods/close/{r.period.pk}/", follow=True)
    assert page.status_code == 200 and "的填报已关闭" in page.content.decode()
    period = ReportingPeriod.objects.get(pk=r.period.pk)
    assert period.is_closed and period.closed_by == admin
    listed = client_for(officer).get(f"/api/v1/periods/{period.pk}/").json()
    assert listed["closed_at"] == "2025-12-04T12:00:00+08:00"
    assert f"已于 {TODAY.isoformat()} 关闭" in page.content.decode()

    message = f"{period.label}的填报已于 {TODAY.isoformat()} 关闭"
    with pytest.raises(ValidationError, match=message):
        services.report_submit(user=officer, report=draft, version=draft.version)
    with pytest.raises(ValidationError, match=message):
        services.report_save(user=officer, report=draft, version=draft.version, data=FORM)
    services.period_close(actor=admin, period=quarter(r, 4))
    with pytest.raises(ValidationError, match="已于"):
        services.report_open(
            user=r.users["xining_officer"], assignment=r.xining, period=quarter(r, 4)
        )
    assert ProgressReport.objects.get(pk=draft.pk).state == "draft"

    # the pages say so and offer nothing to write
    client = client_for(officer)
    detail = client.get(f"/reports/{draft.pk}/").content.decode()
    assert message in detail and f"/reports/{draft.pk}/edit/" not in detail
    assert client.get(f"/reports/{draft.pk}/edit/").status_code == 302
    posted = client.post(
        f"/reports/{draft.pk}/edit/", {**FORM, "version": draft.version, "submit": "1"}
    )
    assert posted.status_code == 400 and message in posted.content.decode()
    assert ProgressReport.objects.get(pk=draft.pk).state == "draft"
    opened = client_for(r.users["xining_officer"]).post(
        f"/assignments/{r.xining.pk}/periods/{quarter(r, 4).pk}/report/", follow=True
    )
    assert (
        "已于" in opened.content.decode()
        and not ProgressReport.objects.filter(assignment=r.xining, period=quarter(r, 4)).exists()
    )
    # the API answers 400 with the same message, and stores nothing
    api = client.patch(
        f"/api/v1/progress-reports/{draft.pk}/",
        {"version": draft.version, "narrative": "改了"},
        content_type="application/json",
    )
    assert api.status_code == 400 and message in api.json()["message"]
    assert ProgressReport.objects.get(pk=draft.pk).narrative == FORM["narrative"]

    # a report sent before the period closed can still be reviewed
    services.report_approve(user=r.users["reviewer"], report=waiting)

    services.period_reopen(actor=admin, period=period)
    services.report_submit(user=officer, report=draft, version=draft.version)
    assert ProgressReport.objects.get(pk=draft.pk).state == "submitted"


def test_the_admin_closes_and_reopens_periods(scene, django_user_model):
    r = scene
    root = django_user_model.objects.create_superuser("root", "root@example.invalid", "x")
    client = client_for(root)
    url = "/admin/tasks/reportingperiod/"
    ids = [quarter(r, 1).pk, quarter(r, 2).pk]
    client.post(url, {"action": "close_periods", "_selected_action": ids})
    assert ReportingPeriod.objects.filter(pk__in=ids, closed_by=root).count() == 2
    client.post(url, {"action": "reopen_periods", "_selected_action": ids[:1]})
    assert [p.is_closed for p in ReportingPeriod.objects.filter(pk__in=ids).order_by("number")] == [
        False,
        True,
    ]

"""Report reminders: who is reminded of what on a day, one e-mail per user, sent once a day."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from orgs.models import Organization, OrganizationUserObjectPermission
from orgs.services import membership_grant, organization_ensure
from plan.models import KeyTask
from tasks import services
from tasks.jobs import send_report_reminders
from tasks.models import Assignment, ReminderLog, ReportingPeriod, WorkItem
from tasks.reporting.reminders import (
    ReminderDeliveryError,
    reminder_message,
    reminders_due,
    reminders_send,
)

TODAY = dt.date(2025, 10, 10)  # Q3 2025's deadline (10-15) is 5 days away; Q1 and Q2 have passed
TITLE = "开展2025年公民科学素质抽样调查"


class Scene:
    """A 2025 work item of task 19 for Xining (lead), Haixi and Datong county, and their people."""

    def __init__(self, plan):
        services.periods_generate(plan=plan, kind="quarter")
        self.plan = plan
        self.orgs = {o.code: o for o in Organization.objects.all()}
        datong, _ = organization_ensure(
            code="xining-datong",
            name="大通回族土族自治县科学技术协会",
            kind="county_sta",
            parent=self.orgs["xining"],
        )
        self.orgs["xining-datong"] = datong
        item = WorkItem.objects.create(
            key_task=KeyTask.objects.get(plan=plan, number=19),
            year=2025,
            title=TITLE,
            due_date=dt.date(2025, 12, 31),
        )
        self.xining = Assignment.objects.create(
            work_item=item, organization=self.orgs["xining"], role="lead"
        )
        self.haixi = Assignment.objects.create(
            work_item=item, organization=self.orgs["haixi"], role="supporting"
        )
        self.datong = Assignment.objects.create(
            work_item=item, organization=datong, role="supporting"
        )
        self.users = {}
        for username, role, code in [
            ("xining_officer", "officer", "xining"),
            ("xining_admin", "admin", "xining"),
            ("haixi_officer", "officer", "haixi"),
            ("datong_officer", "officer", "xining-datong"),
            ("province_officer", "officer", "qhsta"),
            ("reviewer", "reviewer", "qhsta"),
            ("leader", "leader", "qhsta"),
        ]:
            self.user(username, role, code)
        self.user("no_email", "officer", "xining", email="")
        self.user("inactive", "officer", "xining", active=False)

    def user(self, username, role, code, email=None, active=True):
        user = get_user_model().objects.create_user(
            username=username,
            first_name=f"{username}同志",
            email=f"{username}@example.org" if email is None else email,
            is_active=active,
        )
        membership_grant(user=user, organization=self.orgs[code], role=role)
        self.users[username] = user
        return user

    def quarter(self, n: int, year: int = 2025) -> ReportingPeriod:
        return ReportingPeriod.objects.get(plan=self.plan, kind="quarter", year=year, number=n)

    def report(self, who, assignment, quarter, state, nothing=False):
        user, reviewer = self.users[who], self.users["reviewer"]
        report = services.report_open(
            user=user, assignment=assignment, period=self.quarter(quarter)
        )
        data = (
            {"nothing_to_report": True}
            if nothing
            else {
                "percent_complete": 40,
                "progress_status": "on_track",
                "narrative": "按计划推进。",
            }
        )
        report = services.report_save(user=user, report=report, version=report.version, data=data)
        if state == "draft":
            return report
        report = services.report_submit(user=user, report=report, version=report.version)
        if state == "approved":
            report = services.report_approve(user=reviewer, report=report)
        elif state == "returned":
            report = services.report_return(user=reviewer, report=report, comment="请补充样本量。")
        return report


@pytest.fixture
def scene(plan14):
    return Scene(plan14)


def reminded(today=TODAY) -> dict[str, list[tuple[str, int]]]:
    """username -> [(organisation code, quarter), ...] as the reminders have them."""
    return {
        r.user.username: [(i.assignment.organization.code, i.period.number) for i in r.items]
        for r in reminders_due(today=today)
    }


def test_due_within_7_days_and_overdue_reports_are_reminded(scene):
    got = reminded()
    overdue_then_due = [("xining", 1), ("xining", 2), ("xining", 3)]  # Q4 is not due yet
    assert got["xining_officer"] == overdue_then_due
    assert got["xining_admin"] == overdue_then_due
    assert got["haixi_officer"] == [("haixi", 1), ("haixi", 2), ("haixi", 3)]
    assert got["datong_officer"] == [
        ("xining-datong", 1),
        ("xining-datong", 2),
        ("xining-datong", 3),
    ]
    items = {r.user.username: r for r in reminders_due(today=TODAY)}["xining_officer"].items
    assert [i.overdue for i in items] == [True, True, False]
    assert items[2].days_left == 5 and items[0].days_left == (dt.date(2025, 4, 15) - TODAY).days


@pytest.mark.parametrize(
    ("today", "q3_reminded"),
    [
        (dt.date(2025, 10, 7), False),  # 8 days before the deadline
        (dt.date(2025, 10, 8), True),  # 7 days before
        (dt.date(2025, 10, 15), True),  # the deadline itself
        (dt.date(2025, 10, 16), True),  # overdue
    ],
)
def test_the_seven_day_window(scene, today, q3_reminded):
    assert (("xining", 3) in reminded(today)["xining_officer"]) is q3_reminded


def test_nothing_is_reminded_before_any_deadline_is_near(scene):
    assert reminded(dt.date(2025, 4, 7)) == {}


def test_submitted_approved_and_nothing_to_report_are_done_returned_and_drafts_are_not(scene):
    scene.report("xining_officer", scene.xining, 1, "submitted")
    scene.report("xining_officer", scene.xining, 2, "approved")
    scene.report("haixi_officer", scene.haixi, 1, "submitted", nothing=True)
    scene.report("haixi_officer", scene.haixi, 2, "returned")
    scene.report("haixi_officer", scene.haixi, 3, "draft")
    got = reminded()
    assert got["xining_officer"] == [("xining", 3)]
    assert got["haixi_officer"] == [("haixi", 2), ("haixi", 3)]
    states = {
        i.period.number: i.report.state
        for r in reminders_due(today=TODAY)
        if r.user.username == "haixi_officer"
        for i in r.items
    }
    assert states == {2: "returned", 3: "draft"}


def test_a_correction_in_progress_is_reminded_again(scene):
    approved = scene.report("xining_officer", scene.xining, 1, "approved")
    assert ("xining", 1) not in reminded()["xining_officer"]
    services.report_correct(user=scene.users["xining_officer"], report=approved)
    assert ("xining", 1) in reminded()["xining_officer"]


def test_who_is_reminded(scene):
    got = reminded()
    # those who answer for the organisation itself, with an address, active
    assert set(got) == {"xining_officer", "xining_admin", "haixi_officer", "datong_officer"}
    # a role higher up the tree does not bring every county's reports in
    assert all(code == "xining" for code, _ in got["xining_officer"])
    assert "province_officer" not in got
    # nobody ever hears of another organisation's reports
    assert all(code == "haixi" for code, _ in got["haixi_officer"])
    assert all(code == "xining-datong" for code, _ in got["datong_officer"])


def test_the_scoping_api_has_the_last_word(scene):
    user = scene.users["xining_officer"]
    OrganizationUserObjectPermission.objects.filter(user=user).delete()  # rights gone, role left
    assert "xining_officer" not in reminded()
    haixi = scene.orgs["haixi"]
    haixi.is_active = False
    haixi.save()
    assert "haixi_officer" not in reminded()


def test_the_message_names_item_organisation_period_deadline_and_the_work_page(scene):
    scene.report("haixi_officer", scene.haixi, 2, "returned")
    reminder = next(r for r in reminders_due(today=TODAY) if r.user.username == "haixi_officer")
    subject, body = reminder_message(reminder)
    with translation.override("zh-hans"):
        # Q2 was sent and returned: it is reminded, but not as overdue (issue 14, point 8)
        assert subject == translation.gettext(
            "Reporting reminder: %(overdue)s overdue, %(due)s due within 7 days, "
            "%(unfinished)s returned or being corrected"
        ) % {"overdue": 1, "due": 1, "unfinished": 1}
        assert subject == "填报提醒:1 项已逾期,1 项将在7天内到期,1 项被退回或正在更正"
        assert translation.gettext("returned for changes") in body
        for n in (1, 2, 3):
            assert scene.quarter(n).label in body
    assert "haixi_officer同志" in body
    assert body.count(TITLE) == 3
    assert body.count("海西蒙古族藏族自治州科学技术协会") == 3
    for deadline in ("2025-04-15", "2025-07-15", "2025-10-15"):
        assert deadline in body
    assert "2026-01-15" not in body  # Q4 is not due yet
    assert "/work/" in body
    assert "西宁" not in body


def test_the_job_sends_one_e_mail_per_user_and_only_once_a_day(scene, mailoutbox):
    result = send_report_reminders.apply(kwargs={"day": TODAY.isoformat()}).get()
    assert result == {"date": "2025-10-10", "sent": 4}
    recipients = sorted(m.to[0] for m in mailoutbox)
    assert recipients == sorted(
        f"{u}@example.org"
        for u in ("xining_officer", "xining_admin", "haixi_officer", "datong_officer")
    )
    assert all(len(m.to) == 1 for m in mailoutbox)
    assert set(
        ReminderLog.objects.filter(date=TODAY, sent_at__isnull=False).values_list(
            "user__username", flat=True
        )
    ) == {"xining_officer", "xining_admin", "haixi_officer", "datong_officer"}
    log = ReminderLog.objects.get(user__username="xining_officer")
    assert (log.overdue, log.due_soon, len(log.items)) == (2, 1, 3)

    again = send_report_reminders.apply(kwargs={"day": TODAY.isoformat()}).get()
    assert again == {"date": "2025-10-10", "sent": 0} and len(mailoutbox) == 4

    tomorrow = send_report_reminders.apply(kwargs={"day": "2025-10-11"}).get()
    assert tomorrow["sent"] == 4 and len(mailoutbox) == 8


def test_an_e_mail_that_cannot_be_sent_is_not_logged_and_goes_out_on_the_retry(
    scene, mailoutbox, monkeypatch
):
    from django.core.mail import EmailMessage

    real_send = EmailMessage.send

    def flaky(message, *args, **kwargs):
        if message.to == ["haixi_officer@example.org"]:
            raise OSError("mail server said no")
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", flaky)
    with pytest.raises(ReminderDeliveryError, match="haixi_officer"):
        reminders_send(today=TODAY)
    assert len(mailoutbox) == 3
    assert not ReminderLog.objects.filter(user__username="haixi_officer").exists()

    monkeypatch.setattr(EmailMessage, "send", real_send)
    assert [log.user.username for log in reminders_send(today=TODAY)] == ["haixi_officer"]
    assert len(mailoutbox) == 4


def test_the_job_runs_daily_from_beat():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["send-report-reminders"]
    assert entry["task"] == send_report_reminders.name == "tasks.jobs.send_report_reminders"


def test_a_real_worker_runs_the_job_through_the_broker(celery_worker, plan14):
    scene = Scene(plan14)
    scene.report("xining_officer", scene.xining, 1, "approved")
    logged = celery_worker.run("tasks.jobs.send_report_reminders", day=TODAY.isoformat())
    assert "'sent': 4" in logged
    logs = ReminderLog.objects.filter(date=TODAY)
    assert set(logs.values_list("user__username", flat=True)) == {
        "xining_officer",
        "xining_admin",
        "haixi_officer",
        "datong_officer",
    }
    assert all(log.sent_at is not None for log in logs)
    assert logs.get(user=scene.users["xining_officer"]).items == [
        [scene.xining.pk, scene.quarter(2).pk],
        [scene.xining.pk, scene.quarter(3).pk],
    ]
    # the same day again: the worker sends nothing new
    assert "'sent': 0" in celery_worker.run(
        "tasks.jobs.send_report_reminders", day=TODAY.isoformat()
    )
    assert ReminderLog.objects.filter(date=TODAY).count() == 4

"""The demo reporting data: a living portal after `load_demo`, the same after a second run."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from plan.models import Indicator
from tasks.choices import ReportState
from tasks.models import Assignment, IndicatorValue, ProgressReport, ReportingPeriod, WorkItem

DEMO_TASKS = {14, 17, 19, 22, 26}


@pytest.fixture
def demo_reports(demo):
    """The demo with its reports (the test settings leave them out of the plain `demo`)."""
    call_command("load_demo", reports=True, verbosity=0)


def counts() -> dict:
    return {
        "periods": ReportingPeriod.objects.count(),
        "work_items": WorkItem.objects.count(),
        "assignments": Assignment.objects.count(),
        "reports": ProgressReport.objects.count(),
        "values": IndicatorValue.objects.count(),
        "work_item_history": WorkItem.history.count(),
        "report_history": ProgressReport.history.count(),
        "value_history": IndicatorValue.history.count(),
        "users": get_user_model().objects.count(),
    }


def test_reports_in_every_state_over_several_periods_by_the_demo_accounts(demo_reports):
    latest = ProgressReport.objects.filter(is_latest=True)
    assert set(latest.values_list("state", flat=True)) == set(ReportState.values)
    assert latest.filter(nothing_to_report=True, state=ReportState.APPROVED).exists()
    assert latest.filter(nothing_to_report=True, state=ReportState.SUBMITTED).exists()
    returned = latest.filter(state=ReportState.RETURNED)
    assert returned.exists() and all(r.review_comment for r in returned)
    # approved, then corrected: revision 1 stays approved, revision 2 goes through review again
    second = ProgressReport.objects.filter(revision=2)
    assert set(second.values_list("state", flat=True)) >= {"draft", "submitted", "approved"}
    for rev2 in second:
        first = ProgressReport.objects.get(
            assignment=rev2.assignment, period=rev2.period, revision=1
        )
        assert first.state == ReportState.APPROVED and not first.is_latest
    assert ProgressReport.objects.values("period").distinct().count() >= 8
    assert {2024, 2025} <= set(WorkItem.objects.values_list("year", flat=True))
    assert set(WorkItem.objects.values_list("key_task__number", flat=True)) >= DEMO_TASKS
    codes = set(Assignment.objects.values_list("organization__code", flat=True))
    assert {"xining", "haixi", "xining-datong", "soc-agri", "qhsta-sciencepop-dept"} <= codes

    # written by the demo accounts: submitter and reviewer are real and different users
    reports = ProgressReport.objects.exclude(submitted_by=None)
    assert reports.exists()
    for report in reports.exclude(reviewed_by=None):
        assert report.reviewed_by.username == "reviewer"
        assert report.submitted_by_id != report.reviewed_by_id
    assert not ProgressReport.history.filter(history_user=None).exists()
    assert not WorkItem.history.filter(history_user=None).exists()
    officers = set(reports.values_list("submitted_by__username", flat=True))
    assert {"xining_officer", "haixi_officer", "datong_officer", "society_officer"} <= officers

    # the literacy indicator is carried by the prefectures of task 19, reported with Q4
    literacy = Indicator.objects.get(code="science-literacy-rate")
    carriers = Assignment.objects.filter(indicators=literacy)
    assert {a.work_item.key_task.number for a in carriers} == {19}
    assert {a.organization.kind for a in carriers} == {"prefecture_sta"}
    assert {"xining", "haixi"} <= {a.organization.code for a in carriers}
    # its figures come from the survey register, not typed into the reports
    assert not IndicatorValue.objects.filter(indicator=literacy, report__isnull=False).exists()
    value = IndicatorValue.objects.get(
        indicator=literacy, organization__code="xining", period__year=2024, period__number=4
    )
    assert value.value == Decimal("12.4") and value.state == ReportState.APPROVED
    assert value.denominator == 1_750_000  # weighted by the population the survey stands for


def test_the_officers_have_work_and_the_reviewer_a_queue(demo_reports, login):
    for officer in ("xining_officer", "haixi_officer"):
        html = login(officer).get("/work/").content.decode()
        assert 'id="work-overdue"' in html, officer
        assert 'id="work-returned"' in html, officer
    html = login("xining_officer").get("/work/").content.decode()
    assert "推进西宁市“科创中国”试点城市建设" in html
    assert "海西蒙古族藏族自治州科学技术协会" not in html
    queue = login("reviewer").get("/review/").content.decode()
    assert queue.count("data-report=") >= 5


def test_the_demo_reports_are_on_by_default_and_left_out_only_when_asked(demo, settings):
    assert not WorkItem.objects.exists()  # the test settings turn them off
    del settings.DEMO_REPORTS
    call_command("load_demo", verbosity=0)
    assert WorkItem.objects.exists() and ProgressReport.objects.exists()


def test_loading_the_demo_again_changes_nothing(demo_reports):
    report = ProgressReport.objects.filter(state=ReportState.DRAFT, revision=1).first()
    report.narrative = "用户自己改写的进展。"
    report.save()
    item = WorkItem.objects.get(title="建立学会工作考评指标体系")
    item.description = "用户改写的说明。"
    item.save()
    before = counts()
    call_command("load_demo", reports=True, verbosity=0)
    assert counts() == before
    report.refresh_from_db()
    item.refresh_from_db()
    assert report.narrative == "用户自己改写的进展。"
    assert item.description == "用户改写的说明。"

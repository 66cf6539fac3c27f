"""The report workflow as services enforce it: every transition, and the forbidden ones."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from orgs.services import membership_grant
from tasks import services
from tasks.models import IndicatorValue, ProgressReport
from tasks.services import ValueInput

COMPLETE = {
    "percent_complete": Decimal("60"),
    "progress_status": "on_track",
    "narrative": "完成西宁市四个区县的抽样调查。",
    "problems": "",
    "next_steps": "汇总调查数据。",
}


def draft(r, user="xining_officer", assignment=None, period=None):
    return services.report_open(
        user=r.users[user], assignment=assignment or r.xining, period=period or r.period
    )


def save(r, report, user="xining_officer", **data):
    return services.report_save(
        user=r.users[user], report=report, version=report.version, data={**COMPLETE, **data}
    )


def test_draft_submit_return_resubmit_approve(reporting):
    r = reporting
    report = draft(r)
    assert report.state == "draft" and report.revision == 1
    report = services.report_save(
        user=r.users["xining_officer"],
        report=report,
        version=report.version,
        data=COMPLETE,
        values=[ValueInput(r.rate, numerator=Decimal("5200"), denominator=Decimal("50000"))],
    )
    report = services.report_submit(
        user=r.users["xining_officer"], report=report, version=report.version
    )
    assert report.state == "submitted" and report.submitted_by == r.users["xining_officer"]
    value = IndicatorValue.objects.get(
        indicator=r.rate, organization=r.xining.organization, period=r.period
    )
    assert value.value == Decimal("10.4") and value.state == "submitted"

    report = services.report_return(
        user=r.users["reviewer"], report=report, comment="请补充调查样本量。"
    )
    assert report.state == "returned" and report.review_comment == "请补充调查样本量。"
    report = save(r, report, narrative="完成抽样调查,样本量50000人。")
    report = services.report_submit(
        user=r.users["xining_officer"], report=report, version=report.version
    )
    report = services.report_approve(user=r.users["reviewer"], report=report)
    assert report.state == "approved" and report.reviewed_by == r.users["reviewer"]
    assert IndicatorValue.objects.get(pk=value.pk).state == "approved"
    states = [h.state for h in report.history.order_by("history_date")]
    assert [s for i, s in enumerate(states) if i == 0 or s != states[i - 1]] == [
        "draft",
        "submitted",
        "returned",
        "submitted",
        "approved",
    ]


def test_return_needs_a_comment(reporting):
    r = reporting
    report = save(r, draft(r))
    report = services.report_submit(
        user=r.users["xining_officer"], report=report, version=report.version
    )
    with pytest.raises(ValidationError) as info:
        services.report_return(user=r.users["reviewer"], report=report, comment="  ")
    assert "review_comment" in info.value.message_dict
    assert ProgressReport.objects.get(pk=report.pk).state == "submitted"


def test_an_officer_cannot_approve_their_own_report(reporting):
    r = reporting
    officer = r.users["xining_officer"]
    membership_grant(user=officer, organization=r.xining.organization, role="reviewer")
    officer = type(officer).objects.get(pk=officer.pk)
    report = save(r, draft(r))
    report = services.report_submit(user=officer, report=report, version=report.version)
    with pytest.raises(PermissionDenied, match="不能审核自己提交的报告"):
        services.report_approve(user=officer, report=report)
    assert ProgressReport.objects.get(pk=report.pk).state == "submitted"


@pytest.mark.parametrize("who", ["leader", "haixi_officer", "datong_officer", "society_officer"])
def test_only_reviewers_of_the_scope_review(reporting, who):
    r = reporting
    report = save(r, draft(r))
    report = services.report_submit(
        user=r.users["xining_officer"], report=report, version=report.version
    )
    with pytest.raises(PermissionDenied):
        services.report_approve(user=r.users[who], report=report)


def test_an_approved_report_is_locked_and_corrected_by_a_new_revision(reporting):
    r = reporting
    report = save(r, draft(r))
    report = services.report_submit(
        user=r.users["xining_officer"], report=report, version=report.version
    )
    report = services.report_approve(user=r.users["reviewer"], report=report)
    with pytest.raises(ValidationError):
        save(r, report, narrative="改写已批准的报告")
    assert ProgressReport.objects.get(pk=report.pk).narrative == COMPLETE["narrative"]

    correction = services.report_correct(user=r.users["xining_officer"], report=report)
    assert (correction.revision, correction.state, correction.is_latest) == (2, "draft", True)
    old = ProgressReport.objects.get(pk=report.pk)
    assert (old.state, old.is_latest, old.narrative) == ("approved", False, COMPLETE["narrative"])
    correction = save(r, correction, narrative="更正:样本量为48000人。")
    correction = services.report_submit(
        user=r.users["xining_officer"], report=correction, version=correction.version
    )
    assert correction.state == "submitted"
    with pytest.raises(ValidationError):
        services.report_correct(user=r.users["xining_officer"], report=old)


def test_a_prefecture_officer_cannot_report_for_another_prefecture(reporting):
    r = reporting
    with pytest.raises(PermissionDenied):
        services.report_open(user=r.users["haixi_officer"], assignment=r.xining, period=r.period)
    report = draft(r)
    with pytest.raises(PermissionDenied):
        save(r, report, user="haixi_officer")
    with pytest.raises(PermissionDenied):
        services.report_open(user=r.users["leader"], assignment=r.xining, period=r.period)


def test_a_county_officer_reports_only_for_assignments_of_its_county(reporting):
    r = reporting
    with pytest.raises(PermissionDenied):
        services.report_open(user=r.users["datong_officer"], assignment=r.xining, period=r.period)


def test_submitting_needs_a_complete_report(reporting):
    r = reporting
    report = draft(r)
    report = services.report_save(
        user=r.users["xining_officer"],
        report=report,
        version=report.version,
        data={"narrative": ""},
    )
    with pytest.raises(ValidationError) as info:
        services.report_submit(
            user=r.users["xining_officer"], report=report, version=report.version
        )
    assert {"percent_complete", "progress_status", "narrative"} <= set(info.value.message_dict)
    report = save(r, report, progress_status="delayed", problems="")
    with pytest.raises(ValidationError) as info:
        services.report_submit(
            user=r.users["xining_officer"], report=report, version=report.version
        )
    assert set(info.value.message_dict) == {"problems"}


def test_nothing_to_report_is_an_explicit_answer(reporting):
    r = reporting
    report = draft(r, assignment=r.haixi, user="haixi_officer")
    report = services.report_save(
        user=r.users["haixi_officer"],
        report=report,
        version=report.version,
        data={"nothing_to_report": True},
    )
    report = services.report_submit(
        user=r.users["haixi_officer"], report=report, version=report.version
    )
    assert (
        report.state == "submitted" and report.nothing_to_report and report.percent_complete is None
    )
    assert not ProgressReport.objects.filter(
        assignment=r.haixi, period=r.earlier
    ).exists()  # not reported at all


def test_percent_outside_0_100_and_bad_ratio_are_refused_next_to_the_field(reporting):
    r = reporting
    report = draft(r)
    with pytest.raises(ValidationError) as info:
        save(r, report, percent_complete=Decimal("120"))
    assert "percent_complete" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        services.report_save(
            user=r.users["xining_officer"],
            report=report,
            version=report.version,
            data=COMPLETE,
            values=[ValueInput(r.rate, numerator=Decimal("10"), denominator=Decimal("0"))],
        )
    assert f"indicator_{r.rate.pk}" in info.value.message_dict
    assert ProgressReport.objects.get(pk=report.pk).narrative == ""  # nothing half-saved


def test_a_stale_version_is_refused_and_nothing_is_overwritten(reporting):
    r = reporting
    report = draft(r)
    first = services.report_save(
        user=r.users["xining_officer"],
        report=report,
        version=report.version,
        data={"narrative": "甲的内容"},
    )
    with pytest.raises(services.ReportConflict) as info:
        services.report_save(
            user=r.users["xining_officer"],
            report=report,
            version=report.version,
            data={"narrative": "乙的内容"},
        )
    assert (
        info.value.current.narrative == "甲的内容" and info.value.current.version == first.version
    )
    assert ProgressReport.objects.get(pk=report.pk).narrative == "甲的内容"


def test_bulk_approval_approves_what_it_may_and_says_why_not_for_the_rest(reporting):
    r = reporting
    a = save(r, draft(r))
    a = services.report_submit(user=r.users["xining_officer"], report=a, version=a.version)
    b = services.report_save(
        user=r.users["haixi_officer"],
        report=draft(r, user="haixi_officer", assignment=r.haixi),
        version=1,
        data={"nothing_to_report": True},
    )
    b = services.report_submit(user=r.users["haixi_officer"], report=b, version=b.version)
    c = save(r, draft(r, period=r.earlier))  # still a draft
    approved, refused = services.reports_bulk_approve(user=r.users["reviewer"], reports=[a, b, c])
    assert {x.pk for x in approved} == {a.pk, b.pk}
    assert list(refused) == [c.pk]

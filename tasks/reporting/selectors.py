"""Reads for the officers' and reviewers' pages; all rows come through the scoping API."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from plan.models import Indicator
from qhsta.history import history_entries
from qhsta.scoping import Action

from ..choices import ReportState
from ..models import Assignment, IndicatorValue, ProgressReport, ReportingPeriod

DUE_SOON_DAYS = 7


def report_slots(*, assignments, periods) -> list[tuple]:
    """(assignment, period, latest revision or None) for every period each assignment is reported
    for: its plan's periods of its work item's year. Reports are read in one query.

    The officer's page and the reminders both start from this, so they always agree on what is
    owed. `assignments` is a queryset (used as a subquery), `periods` an ordered list.
    """
    by_plan_year: dict[tuple[int, int], list[ReportingPeriod]] = defaultdict(list)
    for period in periods:
        by_plan_year[(period.plan_id, period.year)].append(period)
    assignments = list(assignments.select_related("work_item__key_task", "organization"))
    latest = {
        (r.assignment_id, r.period_id): r
        for r in ProgressReport.objects.filter(
            assignment__in=[a.pk for a in assignments],
            period__in=[p.pk for p in periods],
            is_latest=True,
        ).only(
            "pk",
            "assignment_id",
            "period_id",
            "state",
            "nothing_to_report",
            "review_comment",
            "updated_at",
            "revision",
        )
    }
    return [
        (assignment, period, latest.get((assignment.pk, period.pk)))
        for assignment in assignments
        for period in by_plan_year.get(
            (assignment.work_item.key_task.plan_id, assignment.work_item.year), ()
        )
    ]


def overdue_days(*, period: ReportingPeriod, report: ProgressReport | None, today: dt.date) -> int:
    """How many days the report of an assignment for `period` is overdue on `today`; 0 if it is
    not. The one rule for the officer's page, the report page and the reminders.

    Overdue means owed and never sent: the period is open (not closed), its deadline has passed,
    and no revision was ever submitted: no report yet, or a first draft. A report submitted and
    waiting for review, approved, returned for changes (it was sent; the reviewer handed it back)
    or being corrected (an earlier revision was approved) is not overdue. `report` is the latest
    revision.
    """
    if period.is_closed or period.deadline >= today:
        return 0
    if report is not None and (report.state != ReportState.DRAFT or report.revision > 1):
        return 0
    return (today - period.deadline).days


@dataclass
class WorkRow:
    assignment: Assignment
    period: ReportingPeriod
    report: ProgressReport | None
    bucket: str  # overdue, due, returned, draft, submitted
    today: dt.date

    @property
    def days_left(self) -> int:
        return (self.period.deadline - self.today).days

    @property
    def overdue_days(self) -> int:
        return overdue_days(period=self.period, report=self.report, today=self.today)


def _bucket(report: ProgressReport | None, period: ReportingPeriod, today: dt.date) -> str | None:
    state = report.state if report else None
    if state == ReportState.APPROVED:
        return None  # done: nothing to show
    if state == ReportState.SUBMITTED:
        return state  # waiting for review, even in a closed period
    if period.is_closed:
        return None  # a closed period takes no more reports: nothing to do
    if state == ReportState.RETURNED:
        return state
    if overdue_days(period=period, report=report, today=today):
        return "overdue"
    if today <= period.deadline <= today + dt.timedelta(days=DUE_SOON_DAYS):
        return "due"
    return "draft" if report else None


def my_work(*, user, today: dt.date, limit: int = 500) -> dict[str, list[WorkRow]]:
    """What the user's organisations have to report: overdue, due within 7 days, returned, drafts."""
    assignments = Assignment.objects.restrict(user, Action.REPORT).order_by(
        "work_item__due_date", "pk"
    )[:limit]
    periods = ReportingPeriod.objects.filter(
        plan_id__in=assignments.values("work_item__key_task__plan_id"),
        starts_on__lte=today + dt.timedelta(days=DUE_SOON_DAYS),
    ).order_by("starts_on")
    buckets: dict[str, list[WorkRow]] = {
        k: [] for k in ("overdue", "due", "returned", "draft", "submitted")
    }
    for assignment, period, report in report_slots(assignments=assignments, periods=list(periods)):
        bucket = _bucket(report, period, today)
        if bucket:
            buckets[bucket].append(WorkRow(assignment, period, report, bucket, today))
    return buckets


def review_queue(*, user, period_id: int | None = None):
    """Submitted reports the user may review, oldest first."""
    reports = ProgressReport.objects.restrict(user, Action.REVIEW).filter(
        state=ReportState.SUBMITTED, is_latest=True
    )
    if period_id:
        reports = reports.filter(period_id=period_id)
    return reports.select_related(
        "assignment__work_item__key_task", "organization", "period", "submitted_by"
    ).order_by("submitted_at")


def previous_reports(*, reports) -> dict[int, ProgressReport]:
    """For each report (by id), the approved report of its assignment for the period before (one query)."""
    reports = list(reports)
    candidates = (
        ProgressReport.objects.filter(
            assignment_id__in={r.assignment_id for r in reports},
            state=ReportState.APPROVED,
        )
        .select_related("period")
        .order_by("-period__starts_on", "-revision")
    )
    by_assignment: dict[int, list[ProgressReport]] = {}
    for candidate in candidates:
        by_assignment.setdefault(candidate.assignment_id, []).append(candidate)
    found = {}
    for report in reports:
        for candidate in by_assignment.get(report.assignment_id, []):
            same_series = (candidate.period.plan_id, candidate.period.kind) == (
                report.period.plan_id,
                report.period.kind,
            )
            if same_series and candidate.period.starts_on < report.period.starts_on:
                found[report.pk] = candidate
                break
    return found


@dataclass
class FlaggedValue:
    value: IndicatorValue
    messages: list[str]

    @property
    def explanation(self) -> str:
        return self.value.explanation


def flagged_values(*, reports) -> dict[int, list[FlaggedValue]]:
    """For each report (by id) its values the plausibility rules flagged, with their warnings
    and the officer's explanation (one query)."""
    from ..plausibility import flag_messages

    found: dict[int, list[FlaggedValue]] = defaultdict(list)
    rows = IndicatorValue.objects.filter(report__in=[r.pk for r in reports]).select_related(
        "indicator"
    )
    for row in rows.order_by("indicator__code"):
        if row.flags:
            found[row.report_id].append(FlaggedValue(row, flag_messages(row.flags)))
    return dict(found)


def previous_report(*, report: ProgressReport):
    """The approved report of the same assignment for the period before, for comparison."""
    return previous_reports(reports=[report]).get(report.pk)


def report_detail(*, user, report: ProgressReport) -> dict:
    """A visible report's files, values, earlier revisions, and the history of it and its values."""
    from ..plausibility import flag_messages

    values = list(IndicatorValue.objects.filter(report=report).select_related("indicator"))
    for v in values:
        v.warnings = flag_messages(v.flags)
    value_history = IndicatorValue.history.filter(id__in=[v.pk for v in values]).select_related(
        "history_user"
    )
    return {
        "evidence": list(report.evidence.all()),
        "values": values,
        "revisions": list(
            ProgressReport.objects.filter(
                assignment_id=report.assignment_id, period_id=report.period_id
            )
            .exclude(pk=report.pk)
            .order_by("-revision")
        ),
        "history": history_entries(
            user=user, model=ProgressReport, records=report.history.select_related("history_user")
        ),
        "value_history": history_entries(
            user=user,
            model=IndicatorValue,
            records=value_history,
            label=lambda record, names: names.one(Indicator, record.indicator_id),
        ),
    }

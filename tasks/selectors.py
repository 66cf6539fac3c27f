"""Reads for the officers' and reviewers' pages; all rows come through the scoping API."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from plan.models import Indicator
from qhsta.history import history_entries
from qhsta.scoping import Action

from .choices import ReportState
from .models import Assignment, Evidence, IndicatorValue, ProgressReport, ReportingPeriod

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
    def days_late(self) -> int:
        return max(0, -self.days_left)


def _bucket(report: ProgressReport | None, period: ReportingPeriod, today: dt.date) -> str | None:
    state = report.state if report else None
    if state == ReportState.APPROVED:
        return None  # done: nothing to show
    if state in (ReportState.SUBMITTED, ReportState.RETURNED):
        return state
    if period.deadline < today:
        return "overdue"
    if period.deadline <= today + dt.timedelta(days=DUE_SOON_DAYS):
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


def previous_report(*, report: ProgressReport):
    """The approved report of the same assignment for the period before, for comparison."""
    return previous_reports(reports=[report]).get(report.pk)


def report_detail(*, user, report: ProgressReport) -> dict:
    """A visible report's files, values, earlier revisions, and the history of it and its values."""
    values = list(IndicatorValue.objects.filter(report=report).select_related("indicator"))
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


REPORT_CONTENT_FIELDS = (
    "nothing_to_report",
    "percent_complete",
    "progress_status",
    "narrative",
    "problems",
    "next_steps",
)
VALUE_CONTENT_FIELDS = ("value", "numerator", "denominator")


def _writers(rows, fields) -> set[int]:
    """The users of history rows that created a record or changed one of `fields` of it."""
    writers, last = set(), {}
    for row in rows:
        content = tuple(row[name] for name in fields)
        if (
            row["history_type"] == "+"
            or (row["history_type"] == "~" and last.get(row["id"]) != content)
        ) and row["history_user_id"] is not None:
            writers.add(row["history_user_id"])
        last[row["id"]] = content
    return writers


def report_writers(*, reports) -> dict[int, set[int]]:
    """For each report (by id), the users who wrote or edited its content at any revision: who
    created a revision or changed its text or figures (the report's history), saved one of its
    indicator values, or attached evidence to it. Review steps (submit, approve, return) are not
    writing. Three queries for any number of reports."""
    reports = list(reports)
    if not reports:
        return {}
    slots = {(r.assignment_id, r.period_id) for r in reports}
    history = (
        ProgressReport.history.filter(
            assignment_id__in={a for a, _ in slots}, period_id__in={p for _, p in slots}
        )
        .order_by("history_date", "history_id")
        .values(
            "id",
            "assignment_id",
            "period_id",
            "history_type",
            "history_user_id",
            *REPORT_CONTENT_FIELDS,
        )
    )
    rows_by_slot: dict[tuple[int, int], list[dict]] = defaultdict(list)
    for row in history:
        rows_by_slot[(row["assignment_id"], row["period_id"])].append(row)
    revisions = {
        slot: {row["id"] for row in rows} for slot, rows in rows_by_slot.items() if slot in slots
    }
    report_slot = {rid: slot for slot, ids in revisions.items() for rid in ids}
    value_rows = (
        IndicatorValue.history.filter(report_id__in=report_slot)
        .order_by("history_date", "history_id")
        .values("id", "report_id", "history_type", "history_user_id", *VALUE_CONTENT_FIELDS)
    )
    values_by_slot: dict[tuple[int, int], list[dict]] = defaultdict(list)
    for row in value_rows:
        values_by_slot[report_slot[row["report_id"]]].append(row)
    uploaders: dict[tuple[int, int], set[int]] = defaultdict(set)
    for report_id, user_id in Evidence.objects.filter(
        report_id__in=report_slot, uploaded_by__isnull=False
    ).values_list("report_id", "uploaded_by_id"):
        uploaders[report_slot[report_id]].add(user_id)
    result = {}
    for report in reports:
        slot = (report.assignment_id, report.period_id)
        result[report.pk] = (
            _writers(rows_by_slot.get(slot, []), REPORT_CONTENT_FIELDS)
            | _writers(values_by_slot.get(slot, []), VALUE_CONTENT_FIELDS)
            | uploaders.get(slot, set())
        )
    return result

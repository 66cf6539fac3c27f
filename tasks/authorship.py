"""Who wrote a report: the users who created or edited its content at any revision, read from the
history (approval independence: nobody approves a report they wrote, tasks.services)."""

from collections import defaultdict

from .models import Evidence, IndicatorValue, ProgressReport

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
    """The users of history rows that created a record or changed one of `fields` of it. A change
    is read against the record's previous history row; a record written before it had history
    (imported in bulk) has none, so its first recorded save counts only by what the next one
    shows — a review step (state only) never makes its user a writer."""
    writers, last = set(), {}
    for row in rows:
        content = tuple(row[name] for name in fields)
        if (
            row["history_type"] == "+"
            or (row["history_type"] == "~" and row["id"] in last and last[row["id"]] != content)
        ) and row["history_user_id"] is not None:
            writers.add(row["history_user_id"])
        last[row["id"]] = content
    return writers


def report_writers(*, reports) -> dict[int, set[int]]:
    """For each report (by id), the users who wrote or edited its content at any revision: who
    created a revision or changed its text or figures (the report's history), saved one of its
    indicator values, or attached evidence to it. Review steps (submit, approve, return) are not
    writing. Four queries for any number of reports."""
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
    # a value's whole history (its creation may precede its joining the report)
    value_slot = dict(
        (value_id, report_slot[report_id])
        for value_id, report_id in IndicatorValue.history.filter(
            report_id__in=report_slot
        ).values_list("id", "report_id")
    )
    value_rows = (
        IndicatorValue.history.filter(id__in=value_slot)
        .order_by("history_date", "history_id")
        .values("id", "history_type", "history_user_id", *VALUE_CONTENT_FIELDS)
    )
    values_by_slot: dict[tuple[int, int], list[dict]] = defaultdict(list)
    for row in value_rows:
        values_by_slot[value_slot[row["id"]]].append(row)
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

"""Reads for the work-item pages; every row comes through the scoping API."""

from django.db.models import Case, IntegerField, Prefetch, Value, When

from orgs.models import Organization
from plan.models import Indicator
from qhsta.history import history_entries
from qhsta.scoping import Action

from ..models import Assignment, ProgressReport, WorkItem


def work_item_list(items, *, user, plan, task_number=None, year=None):
    """The plan's work items among `items` (already scoped), with the assignments the user may see."""
    items = items.filter(key_task__plan=plan)
    if task_number is not None:
        items = items.filter(key_task__number=task_number)
    if year is not None:
        items = items.filter(year=year)
    return items.select_related("key_task").prefetch_related(visible_assignments(user))


def visible_assignments(user) -> Prefetch:
    return Prefetch(
        "assignments",
        queryset=Assignment.objects.restrict(user, Action.VIEW)
        .select_related("organization")
        .order_by("role", "organization__path"),
        to_attr="visible_assignments",
    )


def assignments_with_state(*, user, work_item: WorkItem) -> list[Assignment]:
    """The work item's assignments the user may see, each with its latest visible report."""
    assignments = list(
        Assignment.objects.restrict(user, Action.VIEW)
        .filter(work_item=work_item)
        .select_related("organization")
        .prefetch_related("indicators")
        .order_by("role", "organization__path")
    )
    latest: dict[int, ProgressReport] = {}
    reports = (
        ProgressReport.objects.restrict(user, Action.VIEW)
        .filter(assignment__in=assignments, is_latest=True)
        .select_related("period")
        .order_by("-period__starts_on", "-period__ends_on")
    )
    for report in reports:
        latest.setdefault(report.assignment_id, report)
    for assignment in assignments:
        assignment.latest_report = latest.get(assignment.pk)
    return assignments


def indicator_choices(*, user, work_item: WorkItem):
    """The plan's indicators an assignment may carry, those of the work item's key task first."""
    return (
        Indicator.objects.restrict(user, Action.VIEW)
        .filter(plan_id=work_item.key_task.plan_id)
        .annotate(
            own=Case(
                When(key_task_id=work_item.key_task_id, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("own", "code")
    )


# ---- history -------------------------------------------------------------------------------


def work_item_history(*, user, work_item: WorkItem) -> list[dict]:
    """The work item's own versions, oldest first."""
    records = work_item.history.select_related("history_user")
    return history_entries(user=user, model=WorkItem, records=records)


def assignment_history(*, user, work_item: WorkItem, assignment: Assignment | None = None):
    """Versions of the work item's assignments the user may see (removed ones too), oldest first."""
    visible_orgs = Organization.objects.restrict(user, Action.VIEW).values("pk")
    records = Assignment.history.filter(work_item_id=work_item.pk, organization_id__in=visible_orgs)
    if assignment is not None:
        records = records.filter(id=assignment.pk)
    return history_entries(
        user=user,
        model=Assignment,
        records=records.select_related("history_user"),
        label=lambda record, names: names.one(Organization, record.organization_id),
    )

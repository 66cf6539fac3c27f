"""Keeps the stored figures complete: every change to what a period's figures rest on (its work
items, assignments and the indicators they carry, the period itself, the plan's indicators and
rollup settings, the organisation tree) queues a full recompute of the periods it touches
through the rollup outbox, in the transaction that made the change.

Signals rather than calls in each service, because the admin, the loaders, the importers and
the services all change these rows and a figure left behind by one path is a wrong figure.
Bulk loaders wrap their work in `tasks.rollups.outbox.rollups_deferred()`: the periods touched
are collected and queued once when the outermost block ends.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from .rollups.outbox import periods_due


def _plan_periods(plan_id, years=None) -> list[int]:
    from .models import ReportingPeriod

    periods = ReportingPeriod.objects.filter(plan_id=plan_id)
    if years is not None:
        periods = periods.filter(year__in=[y for y in years if y])
    return list(periods.values_list("pk", flat=True))


def _work_item_plan(work_item_id) -> tuple[int | None, int | None]:
    from .models import WorkItem

    row = WorkItem.objects.filter(pk=work_item_id).values_list("key_task__plan_id", "year").first()
    return row or (None, None)


# ---- receivers -----------------------------------------------------------------------------


def _work_item_before(sender, instance, raw=False, **kwargs):
    instance._rollup_year_before = None if instance.pk is None else _work_item_plan(instance.pk)[1]


def _work_item_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    from plan.models import KeyTask

    plan_id = KeyTask.objects.filter(pk=instance.key_task_id).values_list("plan_id", flat=True)
    years = {instance.year, getattr(instance, "_rollup_year_before", None)}
    if plan_id:
        periods_due(_plan_periods(plan_id[0], years))


def _assignment_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    plan_id, year = _work_item_plan(instance.work_item_id)
    if plan_id is not None:
        periods_due(_plan_periods(plan_id, [year]))


def _assignment_indicators_changed(sender, instance, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        _assignment_changed(sender, instance)


def _period_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        periods_due([instance.pk])


def _plan_part_changed(sender, instance, raw=False, **kwargs):
    """An indicator or the rollup settings: every period of its plan."""
    if not raw:
        periods_due(_plan_periods(instance.plan_id))


def _tree_changed(sender, instance, raw=False, **kwargs):
    """An organisation added, moved, (de)activated or removed: every period of every plan."""
    if raw:
        return
    from .models import ReportingPeriod

    periods_due(ReportingPeriod.objects.values_list("pk", flat=True))


def connect() -> None:
    from orgs.models import Organization
    from plan.models import Indicator

    from .models import Assignment, ReportingPeriod, RollupSettings, WorkItem

    uid = "tasks.rollup_triggers"
    pre_save.connect(_work_item_before, sender=WorkItem, dispatch_uid=f"{uid}.wi.pre")
    post_save.connect(_work_item_changed, sender=WorkItem, dispatch_uid=f"{uid}.wi.save")
    post_delete.connect(_work_item_changed, sender=WorkItem, dispatch_uid=f"{uid}.wi.del")
    post_save.connect(_assignment_changed, sender=Assignment, dispatch_uid=f"{uid}.a.save")
    post_delete.connect(_assignment_changed, sender=Assignment, dispatch_uid=f"{uid}.a.del")
    m2m_changed.connect(
        _assignment_indicators_changed,
        sender=Assignment.indicators.through,
        dispatch_uid=f"{uid}.a.ind",
    )
    post_save.connect(_period_changed, sender=ReportingPeriod, dispatch_uid=f"{uid}.p.save")
    for model in (Indicator, RollupSettings):
        post_save.connect(_plan_part_changed, sender=model, dispatch_uid=f"{uid}.{model}.save")
        post_delete.connect(_plan_part_changed, sender=model, dispatch_uid=f"{uid}.{model}.del")
    post_save.connect(_tree_changed, sender=Organization, dispatch_uid=f"{uid}.o.save")
    post_delete.connect(_tree_changed, sender=Organization, dispatch_uid=f"{uid}.o.del")

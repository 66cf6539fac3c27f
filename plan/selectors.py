"""Reads of the plan structure for pages. They receive a plan or task already read through the
scoping API; the parts of a visible plan are visible with it."""

from django.db.models import Prefetch

from .models import Indicator, KeyTask, Plan, TaskGroup


def plan_document(*, plan: Plan) -> dict:
    """Everything the plan page shows, in a fixed number of queries."""
    groups = TaskGroup.objects.filter(plan=plan).prefetch_related(
        Prefetch("key_tasks", queryset=KeyTask.objects.order_by("number"))
    )
    return {
        "plan": plan,
        "principles": list(plan.principles.all()),
        "specific_goals": list(plan.specific_goals.all()),
        "task_groups": list(groups),
        "guarantees": list(plan.guarantees.all()),
        "indicators": list(
            Indicator.objects.filter(plan=plan).select_related("key_task", "specific_goal")
        ),
    }


def key_task_context(*, task: KeyTask) -> dict:
    """A key task's indicators and its neighbours in the plan."""
    numbers = [task.number - 1, task.number + 1]
    neighbours = {t.number: t for t in KeyTask.objects.filter(plan=task.plan, number__in=numbers)}
    return {
        "plan": task.plan,
        "indicators": list(task.indicators.all()),
        "previous": neighbours.get(task.number - 1),
        "next": neighbours.get(task.number + 1),
    }

"""Reads of the plan structure for pages."""

from django.db.models import Prefetch
from django.http import Http404

from .models import Indicator, KeyTask, Plan, TaskGroup


def plan_get(*, code: str | None = None) -> Plan:
    """The plan with `code`, or the current plan; 404 when there is none."""
    plan = Plan.objects.filter(code=code).first() if code else Plan.objects.current()
    if plan is None:
        raise Http404("no such plan")
    return plan


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
        "other_plans": list(Plan.objects.exclude(pk=plan.pk).only("code", "title", "short_title")),
    }


def key_task_get(*, plan: Plan, number: int) -> dict:
    """One key task with its group, indicators and neighbours."""
    task = KeyTask.objects.select_related("group", "plan").filter(plan=plan, number=number).first()
    if task is None:
        raise Http404("no such key task")
    neighbours = {
        t.number: t for t in KeyTask.objects.filter(plan=plan, number__in=[number - 1, number + 1])
    }
    return {
        "plan": plan,
        "task": task,
        "indicators": list(task.indicators.all()),
        "previous": neighbours.get(number - 1),
        "next": neighbours.get(number + 1),
    }

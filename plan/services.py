"""Writes to the plan structure."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from orgs.models import Organization

from .models import Guarantee, Indicator, KeyTask, Plan, Principle, SpecificGoal, TaskGroup
from .plan_file import PlanFileError, read_plan_file

PLAN_FIELDS = (
    "code",
    "title",
    "short_title",
    "document_number",
    "issuer",
    "notice",
    "preamble",
    "foreword",
    "guiding_ideology",
    "overall_goal",
    "start_year",
    "end_year",
)


@dataclass
class LoadResult:
    path: str
    plan: Plan | None = None
    created: Counter = field(default_factory=Counter)
    kept: Counter = field(default_factory=Counter)

    def ensure(self, element: str, model, lookup: dict, values: dict):
        """The row with `lookup`; created from `values` when missing, left untouched when present."""
        obj = model.objects.filter(**lookup).first()
        if obj is not None:
            self.kept[model._meta.model_name] += 1
            return obj
        obj = model(**lookup, **values)
        try:
            obj.full_clean()
        except ValidationError as exc:
            raise PlanFileError(self.path, element, "; ".join(exc.messages)) from exc
        obj.save()
        self.created[model._meta.model_name] += 1
        return obj


@transaction.atomic
def plan_load(*, path: Path | str) -> LoadResult:
    """Load a plan data file: create what is missing, leave every existing row as users left it."""
    data = read_plan_file(path)
    result = LoadResult(path=str(path))
    values = {key: data[key] for key in PLAN_FIELDS if key in data and key != "code"}
    if data.get("issued_on"):
        values["issued_on"] = dt.date.fromisoformat(data["issued_on"])
    values["organization"] = Organization.objects.filter(code=data["organization"]).first()
    if values["organization"] is None:
        raise PlanFileError(
            path,
            "plan.organization",
            f"no organisation with code {data['organization']!r} (run load_orgs first)",
        )
    plan = result.plan = result.ensure("plan", Plan, {"code": data["code"]}, values)

    for i, item in enumerate(data["principles"]):
        result.ensure(f"plan.principles[{i}]", Principle, {"plan": plan, "number": i + 1}, item)
    goals = {}
    for i, item in enumerate(data["specific_goals"]):
        goals[i + 1] = result.ensure(
            f"plan.specific_goals[{i}]", SpecificGoal, {"plan": plan, "number": i + 1}, item
        )
    for i, item in enumerate(data["guarantees"]):
        result.ensure(
            f"plan.guarantees[{i}]",
            Guarantee,
            {"plan": plan, "number": item["number"]},
            {k: item[k] for k in ("label", "title", "text") if k in item},
        )

    tasks = {}
    for gi, item in enumerate(data["task_groups"]):
        group = result.ensure(
            f"plan.task_groups[{gi}]",
            TaskGroup,
            {"plan": plan, "number": item["number"]},
            {"label": item.get("label", ""), "title": item["title"]},
        )
        for ti, task in enumerate(item["tasks"]):
            tasks[task["number"]] = result.ensure(
                f"plan.task_groups[{gi}].tasks[{ti}]",
                KeyTask,
                {"plan": plan, "number": task["number"]},
                {"group": group, "title": task["title"], "text": task["text"]},
            )

    indicators = {}
    for i, item in enumerate(data.get("indicators", [])):
        whole = indicators.get(item.get("part_of"))
        indicators[item["code"]] = result.ensure(
            f"plan.indicators[{i}]",
            Indicator,
            {"plan": plan, "code": item["code"]},
            {
                "name": item["name"],
                "name_en": item.get("name_en", ""),
                "unit": item["unit"],
                "baseline": item.get("baseline"),
                "baseline_year": item.get("baseline_year"),
                "target": item["target"],
                "target_year": item["target_year"],
                "comparison": item.get("comparison", "gte"),
                "aggregation": item["aggregation"],
                "reporting_kind": item.get("reported_by", ""),
                "key_task": tasks.get(item.get("key_task")),
                "specific_goal": goals.get(item.get("specific_goal")),
                "part_of": whole,
                "part_label": item.get("part_label", ""),
                "is_headline": item.get("headline", False),
                "source_text": item.get("source_text", ""),
                "description": item.get("description", ""),
            },
        )
    return result

"""Reading and checking a plan data file before anything is written."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import jsonschema
import yaml

from orgs.choices import OrganizationKind

from .choices import Aggregation, Comparison


class PlanFileError(Exception):
    """A plan data file that cannot be loaded; the message names the file and the element."""

    def __init__(self, path: Path | str, element: str, problem: str):
        self.path, self.element, self.problem = str(path), element, problem
        super().__init__(f"{path}: {element}: {problem}")


_text = {"type": "string", "minLength": 1}
_section = {
    "type": "object",
    "required": ["title", "text"],
    "properties": {"title": _text, "text": _text},
    "additionalProperties": False,
}
_number = {"type": ["number", "string"]}

SCHEMA = {
    "type": "object",
    "required": ["plan"],
    "additionalProperties": False,
    "properties": {
        "plan": {
            "type": "object",
            "required": [
                "code",
                "organization",
                "title",
                "start_year",
                "end_year",
                "overall_goal",
                "principles",
                "specific_goals",
                "task_groups",
                "guarantees",
            ],
            "additionalProperties": False,
            "properties": {
                "code": {"type": "string", "pattern": "^[a-z0-9-]+$"},
                "organization": {"type": "string", "minLength": 1},
                "title": _text,
                "short_title": {"type": "string"},
                "document_number": {"type": "string"},
                "issuer": {"type": "string"},
                "issued_on": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
                "start_year": {"type": "integer", "minimum": 1949, "maximum": 2200},
                "end_year": {"type": "integer", "minimum": 1949, "maximum": 2200},
                "notice": {"type": "string"},
                "preamble": {"type": "string"},
                "foreword": {"type": "string"},
                "guiding_ideology": {"type": "string"},
                "overall_goal": _text,
                "principles": {"type": "array", "minItems": 1, "items": _section},
                "specific_goals": {"type": "array", "minItems": 1, "items": _section},
                "guarantees": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["number", "title", "text"],
                        "additionalProperties": False,
                        "properties": {
                            "number": {"type": "integer", "minimum": 1},
                            "label": {"type": "string"},
                            "title": _text,
                            "text": _text,
                        },
                    },
                },
                "task_groups": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "required": ["number", "title", "tasks"],
                        "additionalProperties": False,
                        "properties": {
                            "number": {"type": "integer", "minimum": 1},
                            "label": {"type": "string"},
                            "title": _text,
                            "tasks": {
                                "type": "array",
                                "minItems": 1,
                                "items": {
                                    "type": "object",
                                    "required": ["number", "title", "text"],
                                    "additionalProperties": False,
                                    "properties": {
                                        "number": {"type": "integer", "minimum": 1},
                                        "title": _text,
                                        "text": _text,
                                    },
                                },
                            },
                        },
                    },
                },
                "indicators": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": [
                            "code",
                            "name",
                            "unit",
                            "target",
                            "target_year",
                            "aggregation",
                        ],
                        "additionalProperties": False,
                        "properties": {
                            "code": {"type": "string", "pattern": "^[a-z0-9-]+$"},
                            "name": _text,
                            "name_en": {"type": "string"},
                            "unit": _text,
                            "baseline": _number,
                            "baseline_year": {"type": "integer"},
                            "target": _number,
                            "target_year": {"type": "integer"},
                            "comparison": {"enum": list(Comparison.values)},
                            "aggregation": {"enum": list(Aggregation.values)},
                            "reported_by": {"enum": list(OrganizationKind.values)},
                            "key_task": {"type": "integer"},
                            "specific_goal": {"type": "integer"},
                            "headline": {"type": "boolean"},
                            "part_of": {"type": "string", "pattern": "^[a-z0-9-]+$"},
                            "part_label": {"type": "string", "maxLength": 60},
                            "source_text": {"type": "string"},
                            "description": {"type": "string"},
                        },
                    },
                },
            },
        }
    },
}


def _element(path_parts) -> str:
    """jsonschema's path as the reader sees it: plan.task_groups[2].tasks[0].title."""
    out = ""
    for part in path_parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def read_plan_file(path: Path | str) -> dict:
    """Parse and check a plan data file; raise PlanFileError naming the element at fault."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PlanFileError(path, "(file)", exc.strerror or str(exc)) from exc
    except UnicodeDecodeError as exc:
        raise PlanFileError(path, "(file)", "not UTF-8 text") from exc
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "(file)"
        raise PlanFileError(path, where, f"not valid YAML: {getattr(exc, 'problem', exc)}") from exc

    validator = jsonschema.Draft202012Validator(SCHEMA)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        err = errors[0]
        raise PlanFileError(path, _element(err.absolute_path), err.message)

    plan = data["plan"]
    _check_consistency(path, plan)
    return plan


def _check_consistency(path: Path, plan: dict) -> None:
    """What a schema cannot say: numbering, years, cross-references."""
    if plan["end_year"] < plan["start_year"]:
        raise PlanFileError(path, "plan.end_year", "the last year is before the first year")
    if "issued_on" in plan:
        try:
            dt.date.fromisoformat(plan["issued_on"])
        except ValueError as exc:
            raise PlanFileError(path, "plan.issued_on", f"not a date: {exc}") from exc

    expected_task = 1
    for gi, group in enumerate(plan["task_groups"]):
        if group["number"] != gi + 1:
            raise PlanFileError(
                path,
                f"plan.task_groups[{gi}].number",
                f"expected {gi + 1}, found {group['number']}",
            )
        for ti, task in enumerate(group["tasks"]):
            if task["number"] != expected_task:
                raise PlanFileError(
                    path,
                    f"plan.task_groups[{gi}].tasks[{ti}].number",
                    f"key tasks are numbered 1, 2, 3 … across groups: expected {expected_task}, "
                    f"found {task['number']}",
                )
            expected_task += 1
    for gi, guarantee in enumerate(plan["guarantees"]):
        if guarantee["number"] != gi + 1:
            raise PlanFileError(path, f"plan.guarantees[{gi}].number", f"expected {gi + 1}")

    task_count = expected_task - 1
    codes = set()
    parts = set()
    for ii, ind in enumerate(plan.get("indicators", [])):
        where = f"plan.indicators[{ii}]"
        if ind["code"] in codes:
            raise PlanFileError(path, f"{where}.code", f"duplicate code {ind['code']!r}")
        codes.add(ind["code"])
        for key in ("baseline", "target"):
            if key in ind:
                try:
                    ind[key] = Decimal(str(ind[key]))
                except ArithmeticError as exc:
                    raise PlanFileError(path, f"{where}.{key}", "not a number") from exc
        if ("baseline" in ind) != ("baseline_year" in ind):
            raise PlanFileError(path, where, "baseline and baseline_year go together")
        if "baseline_year" in ind and ind["baseline_year"] >= ind["target_year"]:
            raise PlanFileError(path, f"{where}.target_year", "must follow the baseline year")
        if "part_of" in ind:
            # a part names an indicator listed before it, which is not a part itself
            if ind["part_of"] not in codes - {ind["code"]} or ind["part_of"] in parts:
                raise PlanFileError(
                    path,
                    f"{where}.part_of",
                    f"no whole indicator {ind['part_of']!r} listed before this one",
                )
            parts.add(ind["code"])
        if not 1 <= ind.get("key_task", 1) <= task_count:
            raise PlanFileError(path, f"{where}.key_task", f"no key task {ind['key_task']}")
        if not 1 <= ind.get("specific_goal", 1) <= len(plan["specific_goals"]):
            raise PlanFileError(
                path, f"{where}.specific_goal", f"no specific goal {ind['specific_goal']}"
            )

"""Import annual work items and their assignments from an Excel sheet (.xlsx).

One row is one work item with its lead (牵头) and supporting (配合) organisations, in the columns a
provincial office uses. Every row is read and checked first; if any row is wrong, the errors come
back by row number and nothing of the file is saved. Otherwise everything is saved in one
transaction through tasks.services, with the same permission checks as the pages.

A row whose key task, year and work item title match an existing work item changes that work item
(content, weight, due date) and adds or changes its assignments; assignments not named in the file
are kept.
"""

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from orgs.models import Organization
from plan.models import KeyTask, Plan
from qhsta.scoping import Action, user_can
from qhsta.sheets import (  # the sheet reader's pieces, shared with the registers' imports
    XLSX_TYPE,  # noqa: F401  (re-exported: the pages name importers.XLSX_TYPE)
    ImportRejected,
    RowError,
    _append,
    _text,
    first_sheet_rows,
)

from .. import services
from ..choices import AssignmentRole
from ..models import Assignment, WorkItem

MAX_ROWS = 1000  # about 10 s to save; a province's annual plan has a few hundred rows
MAX_SHEET_ROWS = 20 * MAX_ROWS
HEADER_SEARCH_ROWS = 5  # the header may follow a title row or two
MAX_WEIGHT = Decimal("9999.99")

# The columns, in the order of the template; the headers are the sheet's own (Chinese) words.
COLUMNS = {
    "task": "重点任务编号",
    "year": "年度",
    "title": "工作事项",
    "description": "工作内容",
    "weight": "权重",
    "due_date": "完成时限",
    "lead": "牵头单位",
    "supporting": "配合单位",
}
REQUIRED = ("task", "year", "title", "due_date", "lead")
SEPARATORS = re.compile(r"[、,，;；\n\r]+")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")


@dataclass
class ImportRow:
    row: int
    key_task: KeyTask
    year: int
    title: str
    description: str
    weight: Decimal
    due_date: dt.date
    lead: Organization
    supporting: list[Organization]
    existing: WorkItem | None = None


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    assignments: int = 0
    rows: list[ImportRow] = field(default_factory=list)


# ---- reading the file ----------------------------------------------------------------------


def read_sheet(upload) -> list[tuple[int, dict]]:
    """The data rows of the first sheet as (row number, {column key: cell value}); blank rows skipped."""
    return first_sheet_rows(upload, _rows)


def _empty():
    raise ImportRejected([RowError(0, "", _("The sheet is empty."))])


def _header_positions(values) -> dict[str, int]:
    position: dict[str, int] = {}
    for index, value in enumerate(values):
        name = _text(value).replace("*", "").replace(" ", "").replace("\u3000", "")
        for key, title in COLUMNS.items():
            if name == title and key not in position:
                position[key] = index
    return position


def _rows(sheet) -> list[tuple[int, dict]]:
    """Rows under the header; the header is the first row naming the columns (a title row or
    two above it, as office sheets often have, is allowed)."""
    lines = sheet.iter_rows(values_only=True)
    found, best, content = None, (1, {}), False
    for number, values in enumerate(lines, start=1):
        content = content or any(_text(v) for v in values)
        position = _header_positions(values)
        if all(k in position for k in REQUIRED):
            found = (number, position)
            break
        if len(position) > len(best[1]):
            best = (number, position)
        if number >= HEADER_SEARCH_ROWS:
            break
    if found is None and not content:
        _empty()
    header_row, position = found or best
    missing = [COLUMNS[k] for k in REQUIRED if k not in position]
    if missing:
        raise ImportRejected(
            [
                RowError(
                    header_row,
                    title,
                    _("The header row has no column “%(name)s”.") % {"name": title},
                )
                for title in missing
            ]
        )
    rows = []
    for number, values in enumerate(lines, start=header_row + 1):
        if number > MAX_SHEET_ROWS:  # blank rows count too: a sheet cannot run on for ever
            raise ImportRejected([_too_many(number)])
        cells = {key: (values[i] if i < len(values) else None) for key, i in position.items()}
        if not any(_text(v) for v in cells.values()):
            continue
        if len(rows) >= MAX_ROWS:
            raise ImportRejected([_too_many(number)])
        rows.append((number, cells))
    if not rows:
        _empty()
    return rows


def _too_many(number: int) -> RowError:
    return RowError(
        number,
        "",
        _("The file has more than %(max)s rows; split it into several files.") % {"max": MAX_ROWS},
    )


# ---- checking every row --------------------------------------------------------------------


class _Checker:
    """Checks rows one by one against the plan and what the importer may manage."""

    def __init__(self, *, user, plan: Plan):
        self.user = user
        self.plan = plan
        self.errors: list[RowError] = []
        self.tasks = {t.number: t for t in KeyTask.objects.restrict(user).filter(plan=plan)}
        # Organisations the importer can see, to tell an unknown name from one out of reach.
        visible = list(
            Organization.objects.restrict(user, Action.VIEW).only(
                "pk", "code", "name", "path", "is_active"
            )
        )
        self.by_code = {o.code.lower(): o for o in visible}
        self.by_name: dict[str, list[Organization]] = {}
        for org in visible:
            self.by_name.setdefault(org.name, []).append(org)
        self.manageable = set(
            Organization.objects.restrict(user, Action.MANAGE)
            .filter(path__startswith=plan.organization.path, is_active=True)
            .values_list("pk", flat=True)
        )
        self.seen: dict[tuple, int] = {}

    def error(self, row: int, key: str, message: str) -> None:
        self.errors.append(RowError(row, COLUMNS.get(key, ""), message))

    # cells -----------------------------------------------------------------------------------

    def integer(self, row: int, key: str, value) -> int | None:
        text = _text(value).removesuffix("年").removeprefix("第").removesuffix("项")
        if isinstance(value, bool) or not re.fullmatch(r"\d{1,6}", text):
            self.error(row, key, _("“%(value)s” is not a whole number.") % {"value": _text(value)})
            return None
        return int(text)

    def weight(self, row: int, value) -> Decimal | None:
        if _text(value) == "":
            return Decimal(1)
        try:
            if isinstance(value, bool):
                raise InvalidOperation
            weight = Decimal(_text(value))
        except InvalidOperation:
            weight = None
        if weight is None or not weight.is_finite():
            self.error(row, "weight", _("“%(value)s” is not a number.") % {"value": _text(value)})
            return None
        if weight < 0:
            self.error(row, "weight", _("The weight cannot be negative."))
            return None
        if weight > MAX_WEIGHT:
            self.error(row, "weight", _("The weight cannot exceed %(max)s.") % {"max": MAX_WEIGHT})
            return None
        if weight != weight.quantize(Decimal("0.01")):
            self.error(row, "weight", _("Give the weight with at most two decimal places."))
            return None
        return weight.quantize(Decimal("0.01"))

    def date(self, row: int, value) -> dt.date | None:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = _text(value)
        for fmt in DATE_FORMATS:
            try:
                return dt.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        self.error(
            row,
            "due_date",
            _("“%(value)s” is not a date; write it as 2025-12-31 or format the cell as a date.")
            % {"value": text},
        )
        return None

    def organization(self, row: int, key: str, text: str) -> Organization | None:
        org = self.by_code.get(text.lower())
        if org is None:
            named = self.by_name.get(text, [])
            if len(named) > 1:
                usable = [o for o in named if o.pk in self.manageable]
                if len(usable) != 1:
                    self.error(
                        row,
                        key,
                        _("Several organisations are called “%(name)s”; give its code instead.")
                        % {"name": text},
                    )
                    return None
                named = usable
            org = named[0] if named else None
        if org is None:
            self.error(row, key, _("There is no organisation “%(name)s”.") % {"name": text})
            return None
        if not org.is_active:
            self.error(row, key, _("%(name)s is deactivated.") % {"name": org.name})
            return None
        if org.pk not in self.manageable:
            self.error(
                row,
                key,
                _("%(name)s is outside the organisations you manage for this plan.")
                % {"name": org.name},
            )
            return None
        return org

    # rows ------------------------------------------------------------------------------------

    def check(self, row: int, cells: dict) -> ImportRow | None:
        before = len(self.errors)
        for key in REQUIRED:
            if _text(cells.get(key)) == "":
                self.error(row, key, _("This cell must not be empty."))
        if len(self.errors) > before:
            return None

        task = None
        number = self.integer(row, "task", cells["task"])
        if number is not None:
            task = self.tasks.get(number)
            if task is None:
                self.error(
                    row, "task", _("There is no key task %(n)s in this plan.") % {"n": number}
                )
        year = self.integer(row, "year", cells["year"])
        if year is not None and not self.plan.start_year <= year <= self.plan.end_year:
            self.error(
                row,
                "year",
                _("The year must lie within the plan (%(start)s–%(end)s).")
                % {"start": self.plan.start_year, "end": self.plan.end_year},
            )
        title = _text(cells["title"])
        if len(title) > 300:
            self.error(row, "title", _("The work item's title is longer than 300 characters."))
        description = _text(cells.get("description"))
        weight = self.weight(row, cells.get("weight"))
        due_date = self.date(row, cells["due_date"])

        lead_names = [n.strip() for n in SEPARATORS.split(_text(cells["lead"])) if n.strip()]
        lead = None
        if len(lead_names) > 1:
            self.error(row, "lead", _("A work item has exactly one lead organisation."))
        elif lead_names:
            lead = self.organization(row, "lead", lead_names[0])
        supporting: list[Organization] = []
        for name in SEPARATORS.split(_text(cells.get("supporting"))):
            org = self.organization(row, "supporting", name.strip()) if name.strip() else None
            if org is None or org in supporting:
                continue
            if lead is not None and org.pk == lead.pk:
                self.error(
                    row,
                    "supporting",
                    _("%(name)s is the lead; it cannot also be a supporting unit.")
                    % {"name": org.name},
                )
                continue
            supporting.append(org)

        if task is not None and year is not None:
            key = (task.pk, year, title)
            if key in self.seen:
                self.error(
                    row,
                    "title",
                    _("The same work item is already in row %(row)s.") % {"row": self.seen[key]},
                )
            self.seen.setdefault(key, row)
        if len(self.errors) > before:
            return None
        return ImportRow(row, task, year, title, description, weight, due_date, lead, supporting)

    def link_existing(self, rows: list[ImportRow]) -> None:
        """Find the work items the rows change, and refuse a row that would replace a lead."""
        if not rows:
            return
        existing = {
            (w.key_task_id, w.year, w.title): w
            for w in WorkItem.objects.restrict(self.user, Action.MANAGE).filter(
                key_task__plan=self.plan, title__in={r.title for r in rows}
            )
        }
        leads = {
            a.work_item_id: a
            for a in Assignment.objects.restrict(self.user, Action.VIEW)
            .filter(work_item__in=list(existing.values()), role=AssignmentRole.LEAD)
            .select_related("organization")
        }
        for item in rows:
            item.existing = existing.get((item.key_task.pk, item.year, item.title))
            current = leads.get(item.existing.pk) if item.existing else None
            if current is not None and current.organization_id != item.lead.pk:
                self.error(
                    item.row,
                    "lead",
                    _(
                        "This work item already has %(name)s as its lead; change the lead on "
                        "the work item's page."
                    )
                    % {"name": current.organization.name},
                )


def check_rows(*, user, plan: Plan, rows: list[tuple[int, dict]]) -> list[ImportRow]:
    """Every row checked; raises ImportRejected with all the errors if any row is wrong."""
    checker = _Checker(user=user, plan=plan)
    checked = [checker.check(number, cells) for number, cells in rows]
    checker.link_existing([r for r in checked if r is not None])
    if checker.errors:
        errors = sorted(checker.errors, key=lambda e: e.row)
        raise ImportRejected(errors)
    return checked


# ---- saving --------------------------------------------------------------------------------


def save_rows(*, user, rows: list[ImportRow]) -> ImportResult:
    """Save checked rows in one transaction through tasks.services; all or nothing."""
    result = ImportResult(rows=rows)
    current = _current_assignments(user, [r.existing for r in rows if r.existing])
    row = 0
    try:
        with transaction.atomic():
            for item in rows:
                row = item.row
                _save_row(user, item, current, result)
    except (ValidationError, PermissionDenied, IntegrityError) as exc:
        # checked beforehand; only a change made by someone else meanwhile gets here
        message = " ".join(getattr(exc, "messages", None) or [str(exc)])
        raise ImportRejected([RowError(row, "", message)]) from exc
    return result


def _current_assignments(user, items: list[WorkItem]) -> dict[tuple[int, int], str]:
    return {
        (a.work_item_id, a.organization_id): a.role
        for a in Assignment.objects.restrict(user, Action.VIEW).filter(work_item__in=items)
    }


def _save_row(user, item: ImportRow, current: dict, result: ImportResult) -> None:
    fields = {
        "year": item.year,
        "title": item.title,
        "description": item.description,
        "weight": item.weight,
        "due_date": item.due_date,
    }
    work_item = item.existing
    if work_item is None:
        work_item = services.work_item_save(actor=user, key_task=item.key_task, **fields)
        result.created += 1
    elif any(getattr(work_item, name) != value for name, value in fields.items()):
        services.work_item_save(actor=user, key_task=item.key_task, work_item=work_item, **fields)
        result.updated += 1
    else:
        result.unchanged += 1
    wanted = [(item.lead, AssignmentRole.LEAD)]
    wanted += [(org, AssignmentRole.SUPPORTING) for org in item.supporting]
    for org, role in wanted:
        if current.get((work_item.pk, org.pk)) == role:
            continue  # already so: no empty history entry
        services.assignment_save(actor=user, work_item=work_item, organization=org, role=role)
        current[(work_item.pk, org.pk)] = role
        result.assignments += 1


def import_work_items(*, user, plan: Plan, upload) -> ImportResult:
    """Read, check and save a file; raises ImportRejected (nothing saved) or PermissionDenied."""
    if not user_can(user, Action.MANAGE, plan):
        raise PermissionDenied(_("Only the plan's administrators set work items."))
    rows = check_rows(user=user, plan=plan, rows=read_sheet(upload))
    return save_rows(user=user, rows=rows)


# ---- the template --------------------------------------------------------------------------


def template_workbook(*, user, plan: Plan | None = None) -> bytes:
    """An empty import sheet with the header row, notes, and the codes the user may use."""
    import openpyxl
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "年度工作计划"
    sheet.append(list(COLUMNS.values()))
    widths = {"title": 40, "description": 60, "lead": 24, "supporting": 40}
    for index, key in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = widths.get(key, 14)
        if key == "due_date":
            for row in range(2, 502):
                sheet.cell(row=row, column=index).number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"

    notes = workbook.create_sheet(_("Notes")[:31])
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 90
    notes.append([_("Column"), _("What to enter")])
    notes["A1"].font = notes["B1"].font = Font(bold=True)
    for key, text in column_notes().items():
        _append(notes, [COLUMNS[key], text])
    notes.append([])
    for line in general_notes():
        _append(notes, ["", line])

    if plan is not None:
        tasks = workbook.create_sheet(_("Key tasks")[:31])
        tasks.append([COLUMNS["task"], _("Key task")])
        tasks.column_dimensions["B"].width = 60
        for task in KeyTask.objects.restrict(user).filter(plan=plan).order_by("number"):
            _append(tasks, [task.number, task.title])
        orgs = workbook.create_sheet(_("Organisations")[:31])
        orgs.append([_("Code"), _("Name")])
        orgs.column_dimensions["A"].width = 28
        orgs.column_dimensions["B"].width = 50
        for org in Organization.objects.restrict(user, Action.MANAGE).filter(
            path__startswith=plan.organization.path, is_active=True
        ):
            _append(orgs, [org.code, org.name])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def column_notes() -> dict[str, str]:
    return {
        "task": _("Required. The number of the key task in the plan, for example 7."),
        "year": _("Required. The year of the work plan, for example 2025."),
        "title": _("Required. The work item, in one line."),
        "description": _("Optional. What is to be done."),
        "weight": _("Optional. A number of zero or more, at most two decimals; empty means 1."),
        "due_date": _("Required. A date such as 2025-12-31."),
        "lead": _("Required. One organisation, by its code or its exact name."),
        "supporting": _(
            "Optional. Organisations by code or exact name, separated by 、 or a comma or a "
            "semicolon."
        ),
    }


def general_notes() -> list[str]:
    return [
        _("The header row must stay as it is; one row is one work item."),
        _(
            "A row with the same key task, year and work item as an existing one changes that "
            "work item and adds its assignments; other assignments are kept."
        ),
        _("If any row has an error, nothing of the file is saved; the errors name their rows."),
        _("At most %(max)s rows per file.") % {"max": MAX_ROWS},
    ]

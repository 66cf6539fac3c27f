"""Excel import for the portal's registers and work items (tasks/workitems/importers.py): the sheet's own
Chinese headers (a title row or two above them allowed), every row checked first, errors by row number, nothing
saved from a bad file, a row limit and a template to download. A register describes its sheet
with a `SheetSpec` and checks one row at a time in a `RowChecker` subclass.
"""

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from qhsta.formulas import append_row
from qhsta.scoping import Action
from qhsta.scoping.registry import organization_model

__all__ = [
    "XLSX_TYPE",
    "ImportRejected",
    "RowChecker",
    "RowError",
    "SheetSpec",
    "read_sheet",
    "rejected",
    "run_import",
    "template_workbook",
]

MAX_ERRORS = 50
MAX_BYTES = 10 * 1024 * 1024
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_SEARCH_ROWS = 5
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")


@dataclass(frozen=True)
class RowError:
    row: int  # the row number as Excel shows it (the header is row 1)
    column: str  # the column header, or "" for the whole row or file
    message: str


class ImportRejected(Exception):
    """The file cannot be imported; `errors` say where and why (nothing was saved)."""

    def __init__(self, errors: list[RowError], total: int | None = None):
        self.errors = errors[:MAX_ERRORS]
        self.total = total if total is not None else len(errors)
        super().__init__(f"{self.total} errors")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _append(sheet, values: list) -> None:
    """Append a row of plain values: formula-like text stays text (qhsta.formulas)."""
    append_row(sheet, values)


@dataclass(frozen=True)
class SheetSpec:
    title: str  # the sheet's name in the template
    columns: dict  # key -> Chinese header, in template order
    required: tuple
    notes: dict  # key -> what to enter
    max_rows: int = 500
    widths: dict = field(default_factory=dict)
    # the template's aids: a dropdown of words per column, and columns formatted as dates
    dropdowns: dict = field(default_factory=dict)
    dates: tuple = ()


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _clean_header(value) -> str:
    return _text(value).replace("*", "").replace(" ", "").replace("\u3000", "")


def first_sheet_rows(upload, rows) -> list[tuple[int, dict]]:
    """`rows(sheet)` of an uploaded workbook's first sheet: the size, the .xlsx format and an
    empty workbook refused with a message, the workbook closed after reading (every import's
    reader, the registers' and the work items')."""
    import openpyxl

    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ImportRejected(
            [RowError(0, "", _("The file is larger than %(mb)s MB.") % {"mb": MAX_BYTES >> 20})]
        )
    data = upload.read() if hasattr(upload, "read") else bytes(upload)
    not_xlsx = RowError(
        0, "", _("This is not an Excel .xlsx file; save it as an Excel workbook (.xlsx) and retry.")
    )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ImportRejected([not_xlsx])
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise ImportRejected([not_xlsx]) from exc
    try:
        if not workbook.worksheets:
            raise ImportRejected([RowError(0, "", _("The sheet is empty."))])
        return rows(workbook.worksheets[0])
    finally:
        workbook.close()


def read_sheet(spec: SheetSpec, upload) -> list[tuple[int, dict]]:
    """The data rows of the first sheet as (row number, {column key: cell}); blank rows skipped."""
    return first_sheet_rows(upload, lambda sheet: _rows(spec, sheet))


def _rows(spec: SheetSpec, sheet) -> list[tuple[int, dict]]:
    lines = sheet.iter_rows(values_only=True)
    found, best, content = None, (1, {}), False
    for number, values in enumerate(lines, start=1):
        content = content or any(_text(v) for v in values)
        position = {}
        for index, value in enumerate(values):
            name = _clean_header(value)
            for key, title in spec.columns.items():
                if name == title and key not in position:
                    position[key] = index
        if all(k in position for k in spec.required):
            found = (number, position)
            break
        if len(position) > len(best[1]):
            best = (number, position)
        if number >= HEADER_SEARCH_ROWS:
            break
    if found is None and not content:
        raise ImportRejected([RowError(0, "", _("The sheet is empty."))])
    header_row, position = found or best
    missing = [spec.columns[k] for k in spec.required if k not in position]
    if missing:
        raise ImportRejected(
            [
                RowError(header_row, t, _("The header row has no column “%(name)s”.") % {"name": t})
                for t in missing
            ]
        )
    rows = []
    for number, values in enumerate(lines, start=header_row + 1):
        cells = {key: (values[i] if i < len(values) else None) for key, i in position.items()}
        if not any(_text(v) for v in cells.values()):
            if number > header_row + 20 * spec.max_rows:
                break
            continue
        if len(rows) >= spec.max_rows:
            raise ImportRejected(
                [
                    RowError(
                        number,
                        "",
                        _("The file has more than %(max)s rows; split it into several files.")
                        % {"max": spec.max_rows},
                    )
                ]
            )
        rows.append((number, cells))
    if not rows:
        raise ImportRejected([RowError(0, "", _("The sheet is empty."))])
    return rows


class RowChecker:
    """Cell checks shared by the registers; subclasses implement check(row, cells)."""

    spec: SheetSpec
    org_kinds: tuple = ()  # organisation kinds a row may name

    def __init__(self, *, user):
        self.user = user
        self.errors: list[RowError] = []

    # the organisations a row may name, read when a register's row first names one
    @cached_property
    def _visible(self) -> list:
        return list(
            organization_model()
            .objects.restrict(self.user, Action.VIEW)
            .only("pk", "code", "name", "kind", "path", "is_active")
        )

    @cached_property
    def by_code(self) -> dict:
        return {o.code.lower(): o for o in self._visible}

    @cached_property
    def by_name(self) -> dict[str, list]:
        named: dict[str, list] = {}
        for org in self._visible:
            named.setdefault(org.name, []).append(org)
        return named

    @cached_property
    def reportable(self) -> set[int]:
        return set(
            organization_model()
            .objects.restrict(self.user, Action.REPORT)
            .values_list("pk", flat=True)
        )

    def error(self, row: int, key: str, message: str) -> None:
        self.errors.append(RowError(row, self.spec.columns.get(key, ""), message))

    def required(self, row: int, cells: dict) -> bool:
        ok = True
        for key in self.spec.required:
            if _text(cells.get(key)) == "":
                self.error(row, key, _("This cell must not be empty."))
                ok = False
        return ok

    def text(self, row: int, key: str, cells: dict, max_length: int) -> str:
        value = _text(cells.get(key))
        if len(value) > max_length:
            self.error(row, key, _("Longer than %(n)s characters.") % {"n": max_length})
        return value

    def integer(self, row: int, key: str, value, *, minimum=0, maximum=None) -> int | None:
        text = _text(value).replace(",", "").removesuffix("年").removesuffix("人")
        if text == "":
            return None
        if isinstance(value, bool) or not re.fullmatch(r"-?\d{1,12}", text):
            self.error(row, key, _("“%(value)s” is not a whole number.") % {"value": _text(value)})
            return None
        number = int(text)
        if number < minimum or (maximum is not None and number > maximum):
            self.error(
                row,
                key,
                _("%(value)s is out of range (%(min)s–%(max)s).")
                % {"value": number, "min": minimum, "max": maximum if maximum is not None else "…"},
            )
            return None
        return number

    def decimal(self, row: int, key: str, value, *, minimum=0, maximum=None, places=4):
        text = _text(value).replace(",", "").removesuffix("%").strip()
        if text == "":
            return None
        try:
            if isinstance(value, bool):
                raise InvalidOperation
            number = Decimal(text)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            self.error(row, key, _("“%(value)s” is not a number.") % {"value": _text(value)})
            return None
        if number < minimum or (maximum is not None and number > maximum):
            self.error(
                row,
                key,
                _("%(value)s is out of range (%(min)s–%(max)s).")
                % {"value": text, "min": minimum, "max": maximum if maximum is not None else "…"},
            )
            return None
        return number.quantize(Decimal(1).scaleb(-places))

    def date(self, row: int, key: str, value) -> dt.date | None:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = _text(value)
        if text == "":
            return None
        for fmt in DATE_FORMATS:
            try:
                return dt.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        self.error(
            row,
            key,
            _("“%(value)s” is not a date; write it as 2025-12-31 or format the cell as a date.")
            % {"value": text},
        )
        return None

    def choice(self, row: int, key: str, value, choices, aliases=None) -> str | None:
        """A choice by its Chinese name (`aliases`, the sheet's own words), its label in the
        current or English language, or its code."""
        text = _text(value)
        if text == "":
            return None
        from django.utils import translation

        aliases = aliases or {}
        if text in aliases:
            return aliases[text]

        for code, label in choices:
            with translation.override("zh-hans"):
                zh = str(label)
            with translation.override("en"):
                en = str(label)
            if text in (code, zh, en) or text.lower() == en.lower():
                return code
        names = "、".join(aliases) or "、".join(str(label) for _code, label in choices)
        self.error(
            row, key, _("“%(value)s” is not one of: %(names)s.") % {"value": text, "names": names}
        )
        return None

    def organization(self, row: int, key: str, value):
        text = _text(value)
        org = self.by_code.get(text.lower())
        if org is None:
            named = self.by_name.get(text, [])
            if self.org_kinds:
                named = [o for o in named if o.kind in self.org_kinds]
            if len(named) > 1:
                self.error(
                    row,
                    key,
                    _("Several organisations are called “%(name)s”; give its code instead.")
                    % {"name": text},
                )
                return None
            org = named[0] if named else None
        if org is None:
            self.error(row, key, _("There is no organisation “%(name)s”.") % {"name": text})
            return None
        if self.org_kinds and org.kind not in self.org_kinds:
            self.error(row, key, self.wrong_kind_message(org))
            return None
        if not org.is_active:
            self.error(row, key, _("%(name)s is deactivated.") % {"name": org.name})
            return None
        if org.pk not in self.reportable:
            self.error(
                row,
                key,
                _("You may not enter records for %(name)s.") % {"name": org.name},
            )
            return None
        return org

    def wrong_kind_message(self, org) -> str:
        return _("%(name)s is not the right kind of organisation here.") % {"name": org.name}

    def check(self, row: int, cells: dict):  # pragma: no cover - abstract
        raise NotImplementedError

    def finish(self, rows: list) -> None:
        """Checks across rows (duplicates, existing records); may add errors."""


def rejected(errors: list[RowError]) -> ImportRejected:
    """The refusal of a file: its errors by row, the first MAX_ERRORS of them, and how many."""
    errors = sorted(errors, key=lambda e: e.row)
    return ImportRejected(errors[:MAX_ERRORS], total=len(errors))


def run_import(*, checker: RowChecker, upload, save) -> ImportResult:
    """Read and check every row; if any is wrong raise ImportRejected (nothing saved); otherwise
    call `save(row, result)` for each checked row in one transaction."""
    rows = read_sheet(checker.spec, upload)
    checked = [checker.check(number, cells) for number, cells in rows]
    checked = [c for c in checked if c is not None]
    checker.finish(checked)
    if checker.errors:
        raise rejected(checker.errors)
    result = ImportResult()
    number = 0
    try:
        with transaction.atomic():
            for item in checked:
                number = item["row"]
                save(item, result)
    except (ValidationError, PermissionDenied, IntegrityError) as exc:
        message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        raise ImportRejected([RowError(number, "", message)]) from exc
    return result


def template_workbook(spec: SheetSpec, *, examples: list | None = None, lists=None) -> bytes:
    """An empty import sheet with the header row, a sheet of notes, and optional lists of the
    codes the user may use (`lists`: [(sheet title, header, rows)])."""
    import openpyxl
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = spec.title[:31]
    sheet.append(list(spec.columns.values()))
    for index, key in enumerate(spec.columns, start=1):
        sheet.cell(row=1, column=index).font = Font(bold=True)
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = spec.widths.get(key, 16)
        if key in spec.dates:
            for row in range(2, spec.max_rows + 2):
                sheet.cell(row=row, column=index).number_format = "yyyy-mm-dd"
        if key in spec.dropdowns:
            words = DataValidation(
                type="list", formula1='"' + ",".join(spec.dropdowns[key]) + '"', allow_blank=True
            )
            words.add(f"{letter}2:{letter}{spec.max_rows + 1}")
            sheet.add_data_validation(words)
    for example in examples or []:
        _append(sheet, example)
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet(_("Notes")[:31])
    notes.column_dimensions["A"].width = 20
    notes.column_dimensions["B"].width = 90
    notes.append([_("Column"), _("What to enter")])
    for key, text in spec.notes.items():
        _append(notes, [spec.columns[key], str(text)])
    notes.append([])
    _append(
        notes,
        [
            "",
            _("If any row has an error, nothing of the file is saved; the errors name their rows."),
        ],
    )
    _append(notes, ["", _("At most %(max)s rows per file.") % {"max": spec.max_rows}])
    for title, header, rows in lists or []:
        extra = workbook.create_sheet(title[:31])
        extra.append(header)
        extra.column_dimensions["A"].width = 28
        extra.column_dimensions["B"].width = 50
        for values in rows:
            _append(extra, values)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

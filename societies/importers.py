"""Import a council list (理事会名单) from an Excel sheet (.xlsx) into one council term.

One row is one member, in the columns a society's secretariat uses. Every row is read and checked
first; if any row is wrong, the errors come back by row number and nothing of the file is saved.
Otherwise the rows are saved in one transaction through societies.services (a row naming a
member already on the term, by name and employer, changes that member), and the council
indicator is refreshed once. The reading of the sheet and the error shapes are the work-item
importer's (tasks.importers), so both imports behave alike.
"""

import datetime as dt
import io
import zipfile
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.utils.translation import gettext as _

from tasks import importers as base
from tasks.importers import XLSX_TYPE, ImportRejected, RowError, _text

from . import rules, services
from .choices import CouncilPosition, MemberCategory
from .models import CouncilTerm

__all__ = ["XLSX_TYPE", "ImportRejected", "RowError", "import_council", "template_workbook"]

MAX_ROWS = 500  # the largest provincial councils have a few hundred members

COLUMNS = {
    "name": "姓名",
    "employer": "工作单位",
    "position": "理事会职务",
    "category": "人员类别",
    "joined_on": "任职日期",
    "left_on": "离任日期",
}
REQUIRED = ("name", "position", "category")

# The words a sheet may use in the choice columns (Chinese first, the stored value, English).
POSITION_WORDS = {
    "理事长": CouncilPosition.PRESIDENT,
    "会长": CouncilPosition.PRESIDENT,
    "副理事长": CouncilPosition.VICE_PRESIDENT,
    "副会长": CouncilPosition.VICE_PRESIDENT,
    "秘书长": CouncilPosition.SECRETARY_GENERAL,
    "常务理事": CouncilPosition.STANDING_DIRECTOR,
    "理事": CouncilPosition.DIRECTOR,
}
CATEGORY_WORDS = {
    "科技领军人才": MemberCategory.LEADING,
    "领军人才": MemberCategory.LEADING,
    "青年科技骨干": MemberCategory.YOUNG,
    "青年骨干": MemberCategory.YOUNG,
    "基层一线科技工作者": MemberCategory.GRASSROOTS,
    "基层一线": MemberCategory.GRASSROOTS,
    "其他": MemberCategory.OTHER,
}


def _words(words: dict, choices) -> dict[str, str]:
    known = {k: str(v) for k, v in words.items()}
    for value, label in choices.choices:
        known[value] = value
        known[str(label).lower()] = value
    return known


@dataclass
class CouncilImportResult:
    added: int
    changed: int
    unchanged: int


def read_sheet(upload) -> list[tuple[int, dict]]:
    """The data rows of the first sheet as (row number, {column key: value}); blank rows skipped."""
    import openpyxl

    size = getattr(upload, "size", None)
    if size is not None and size > base.MAX_BYTES:
        raise ImportRejected(
            [
                RowError(
                    0,
                    "",
                    _("The file is larger than %(mb)s MB.")
                    % {"mb": base.MAX_BYTES // (1024 * 1024)},
                )
            ]
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
        return _rows(workbook.worksheets[0])
    finally:
        workbook.close()


def _header_positions(values) -> dict[str, int]:
    position: dict[str, int] = {}
    for index, value in enumerate(values):
        name = _text(value).replace("*", "").replace(" ", "").replace("\u3000", "")
        for key, title in COLUMNS.items():
            if name == title and key not in position:
                position[key] = index
    return position


def _rows(sheet) -> list[tuple[int, dict]]:
    empty = ImportRejected([RowError(0, "", _("The sheet is empty."))])
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
        if number >= base.HEADER_SEARCH_ROWS:
            break
    if found is None and not content:
        raise empty
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
    too_many = _("The file has more than %(max)s rows; split it into several files.") % {
        "max": MAX_ROWS
    }
    rows = []
    for number, values in enumerate(lines, start=header_row + 1):
        if number > 20 * MAX_ROWS:
            raise ImportRejected([RowError(number, "", too_many)])
        cells = {key: (values[i] if i < len(values) else None) for key, i in position.items()}
        if not any(_text(v) for v in cells.values()):
            continue
        if len(rows) >= MAX_ROWS:
            raise ImportRejected([RowError(number, "", too_many)])
        rows.append((number, cells))
    if not rows:
        raise empty
    return rows


class _Checker:
    def __init__(self, term: CouncilTerm):
        self.term = term
        self.errors: list[RowError] = []
        self.positions = _words(POSITION_WORDS, CouncilPosition)
        self.categories = _words(CATEGORY_WORDS, MemberCategory)
        self.seen: dict[tuple[str, str], int] = {}

    def error(self, row: int, key: str, message: str) -> None:
        self.errors.append(RowError(row, COLUMNS[key], message))

    def choice(self, row: int, key: str, value, known: dict[str, str]) -> str | None:
        text = _text(value).replace(" ", "")
        found = known.get(text) or known.get(text.lower())
        if found is None:
            words = "、".join(k for k in known if not k.isascii())
            self.error(
                row,
                key,
                _("“%(value)s” is not one of: %(words)s.")
                % {"value": _text(value), "words": words},
            )
        return found

    def date(self, row: int, key: str, value) -> dt.date | None:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = _text(value)
        if not text:
            return None
        for fmt in base.DATE_FORMATS:
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

    def check(self, row: int, cells: dict) -> dict | None:
        before = len(self.errors)
        for key in REQUIRED:
            if _text(cells.get(key)) == "":
                self.error(row, key, _("This cell must not be empty."))
        if len(self.errors) > before:
            return None
        name, employer = _text(cells["name"]), _text(cells.get("employer"))
        if len(name) > 100:
            self.error(row, "name", _("The name is longer than 100 characters."))
        if len(employer) > 200:
            self.error(row, "employer", _("The employer is longer than 200 characters."))
        fields = {
            "name": name,
            "employer": employer,
            "position": self.choice(row, "position", cells["position"], self.positions),
            "category": self.choice(row, "category", cells["category"], self.categories),
            "joined_on": self.date(row, "joined_on", cells.get("joined_on")),
            "left_on": self.date(row, "left_on", cells.get("left_on")),
        }
        term = self.term
        if fields["joined_on"] and fields["joined_on"] < term.starts_on:
            self.error(
                row,
                "joined_on",
                _("The term was elected on %(date)s; a member joins on or after it.")
                % {"date": term.starts_on.isoformat()},
            )
        if fields["left_on"] and fields["left_on"] <= (fields["joined_on"] or term.starts_on):
            self.error(row, "left_on", _("A member leaves after joining."))
        key = (name, employer)
        if key in self.seen:
            self.error(
                row,
                "name",
                _("The same member is already in row %(row)s.") % {"row": self.seen[key]},
            )
        self.seen.setdefault(key, row)
        return None if len(self.errors) > before else fields


def import_council(*, user, term: CouncilTerm, upload) -> CouncilImportResult:
    """Read, check and save a council list into `term`; raises ImportRejected (nothing saved)
    or PermissionDenied."""
    if not rules.may_keep_records(user, term.society):
        raise PermissionDenied(
            _("Only the society's officers and the provincial STA change its records.")
        )
    checker = _Checker(term)
    checked = [checker.check(number, cells) for number, cells in read_sheet(upload)]
    if checker.errors:
        raise ImportRejected(sorted(checker.errors, key=lambda e: e.row))
    rows = [r for r in checked if r is not None]
    try:
        added, changed = services.council_members_import(actor=user, term=term, rows=rows)
    except (ValidationError, IntegrityError) as exc:
        message = " ".join(getattr(exc, "messages", None) or [str(exc)])
        raise ImportRejected([RowError(0, "", message)]) from exc
    return CouncilImportResult(added=added, changed=changed, unchanged=len(rows) - added - changed)


def column_notes() -> dict[str, str]:
    return {
        "name": _("Required. The member's name."),
        "employer": _(
            "Optional. Where the member works; with the name it tells two members apart, and a "
            "row with the name and employer of a member already on the term changes that member."
        ),
        "position": _("Required. 理事长, 副理事长, 秘书长, 常务理事 or 理事."),
        "category": _("Required. 科技领军人才, 青年科技骨干, 基层一线科技工作者 or 其他."),
        "joined_on": _("Optional. A date such as 2024-05-20; empty means from the election."),
        "left_on": _("Optional. The date the member left the council; empty means serving."),
    }


def template_workbook() -> bytes:
    """An empty council list with the header row and a notes sheet."""
    import openpyxl
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "理事会名单"
    sheet.append(list(COLUMNS.values()))
    for index, key in enumerate(COLUMNS, start=1):
        sheet.cell(row=1, column=index).font = Font(bold=True)
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = 36 if key == "employer" else 16
        if key in ("joined_on", "left_on"):
            for row in range(2, MAX_ROWS + 2):
                sheet.cell(row=row, column=index).number_format = "yyyy-mm-dd"
    for key, words in (("position", POSITION_WORDS), ("category", CATEGORY_WORDS)):
        letter = get_column_letter(list(COLUMNS).index(key) + 1)
        options = [
            w for w in words if w not in ("会长", "副会长", "领军人才", "青年骨干", "基层一线")
        ]
        check = DataValidation(type="list", formula1='"' + ",".join(options) + '"')
        check.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
        sheet.add_data_validation(check)
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet(_("Notes")[:31])
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 90
    notes.append([_("Column"), _("What to enter")])
    for key, text in column_notes().items():
        base._append(notes, [COLUMNS[key], text])
    notes.append([])
    base._append(
        notes,
        [
            "",
            _("If any row has an error, nothing of the file is saved; the errors name their rows."),
        ],
    )
    base._append(notes, ["", _("At most %(max)s rows per file.") % {"max": MAX_ROWS}])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

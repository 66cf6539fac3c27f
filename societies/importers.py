"""Import a council list (理事会名单) from an Excel sheet (.xlsx) into one council term.

One row is one member, in the columns a society's secretariat uses. The sheet is read and every
row checked the way the portal's other registers are (qhsta.sheets); if any row is wrong, the
errors come back by row number and nothing of the file is saved. Otherwise the rows are saved
in one transaction through societies.services (a row naming a member already on the term, by
name and employer, changes that member), and the council indicator is refreshed once.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qhsta.sheets import (
    XLSX_TYPE,
    ImportRejected,
    RowChecker,
    RowError,
    SheetSpec,
    read_sheet,
    rejected,
)
from qhsta.sheets import template_workbook as sheet_template

from . import rules, services
from .choices import CouncilPosition, MemberCategory
from .models import CouncilTerm

__all__ = ["XLSX_TYPE", "ImportRejected", "RowError", "import_council", "template_workbook"]

# The words a sheet may use in the choice columns besides the choices' own names and codes;
# the first of each choice is offered in the template's dropdown.
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


def _first_words(words: dict) -> list[str]:
    """The first word a sheet may use for each choice, in order."""
    first: dict[str, str] = {}
    for word, value in words.items():
        first.setdefault(value, word)
    return list(first.values())


COUNCIL_SHEET = SheetSpec(
    title="理事会名单",
    columns={
        "name": "姓名",
        "employer": "工作单位",
        "position": "理事会职务",
        "category": "人员类别",
        "joined_on": "任职日期",
        "left_on": "离任日期",
    },
    required=("name", "position", "category"),
    notes={
        "name": gettext_lazy("Required. The member's name."),
        "employer": gettext_lazy(
            "Optional. Where the member works; with the name it tells two members apart, and a "
            "row with the name and employer of a member already on the term changes that member."
        ),
        "position": gettext_lazy("Required. 理事长, 副理事长, 秘书长, 常务理事 or 理事."),
        "category": gettext_lazy(
            "Required. 科技领军人才, 青年科技骨干, 基层一线科技工作者 or 其他."
        ),
        "joined_on": gettext_lazy(
            "Optional. A date such as 2024-05-20; empty means from the election."
        ),
        "left_on": gettext_lazy(
            "Optional. The date the member left the council; empty means serving."
        ),
    },
    max_rows=500,  # the largest provincial councils have a few hundred members
    widths={"employer": 36},
    dropdowns={
        "position": _first_words(POSITION_WORDS),
        "category": _first_words(CATEGORY_WORDS),
    },
    dates=("joined_on", "left_on"),
)
POSITION_ALIASES = {word: str(value) for word, value in POSITION_WORDS.items()}
CATEGORY_ALIASES = {word: str(value) for word, value in CATEGORY_WORDS.items()}
COLUMNS = COUNCIL_SHEET.columns
MAX_ROWS = COUNCIL_SHEET.max_rows


@dataclass
class CouncilImportResult:
    added: int
    changed: int
    unchanged: int


class _Checker(RowChecker):
    spec = COUNCIL_SHEET

    def __init__(self, *, user, term: CouncilTerm):
        super().__init__(user=user)
        self.term = term
        self.seen: dict[tuple[str, str], int] = {}

    def check(self, row: int, cells: dict) -> dict | None:
        before = len(self.errors)
        if not self.required(row, cells):
            return None
        name = self.text(row, "name", cells, 100)
        employer = self.text(row, "employer", cells, 200)
        fields = {
            "name": name,
            "employer": employer,
            "position": self.choice(
                row, "position", cells["position"], CouncilPosition.choices, POSITION_ALIASES
            ),
            "category": self.choice(
                row, "category", cells["category"], MemberCategory.choices, CATEGORY_ALIASES
            ),
            "joined_on": self.date(row, "joined_on", cells.get("joined_on")),
            "left_on": self.date(row, "left_on", cells.get("left_on")),
        }
        starts_on = self.term.starts_on
        if fields["joined_on"] and fields["joined_on"] < starts_on:
            self.error(
                row,
                "joined_on",
                _("The term was elected on %(date)s; a member joins on or after it.")
                % {"date": starts_on.isoformat()},
            )
        if fields["left_on"] and fields["left_on"] <= (fields["joined_on"] or starts_on):
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
    checker = _Checker(user=user, term=term)
    checked = [checker.check(number, cells) for number, cells in read_sheet(COUNCIL_SHEET, upload)]
    if checker.errors:
        raise rejected(checker.errors)
    rows = [r for r in checked if r is not None]
    try:
        added, changed = services.council_members_import(actor=user, term=term, rows=rows)
    except (ValidationError, IntegrityError) as exc:
        message = " ".join(getattr(exc, "messages", None) or [str(exc)])
        raise ImportRejected([RowError(0, "", message)]) from exc
    return CouncilImportResult(added=added, changed=changed, unchanged=len(rows) - added - changed)


def column_notes() -> dict[str, str]:
    return {key: str(text) for key, text in COUNCIL_SHEET.notes.items()}


def template_workbook() -> bytes:
    """An empty council list with the header row, dropdowns and a notes sheet."""
    return sheet_template(COUNCIL_SHEET)

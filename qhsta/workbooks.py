"""The one builder of Excel workbooks every export uses: write-only, one sheet per table, a bold
header row, formula-like text written as text (qhsta.formulas), and a last sheet saying when
and on which clock the workbook was made."""

from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .formulas import as_text, xlsx_row

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Sheets:
    """A write-only workbook: one sheet per table, a bold header row; text that a spreadsheet would
    read as a formula (a work item titled `=HYPERLINK(...)`) is written as text."""

    def __init__(self):
        self.book = Workbook(write_only=True)

    def sheet(self, title: str, headers: list[str], rows):
        sheet = self.book.create_sheet(title=title[:31])
        header = []
        for text in headers:  # an indicator's name heads a column of the units' table
            cell = WriteOnlyCell(sheet, value=text)
            cell.font = Font(bold=True)
            as_text(cell)
            header.append(cell)
        sheet.append(header)
        for row in rows:
            sheet.append(xlsx_row(sheet, row))

    def about(self, items=()):
        """The last sheet: when the workbook was made, on which clock, and `items` about it."""
        self.sheet(
            _("About this export"),
            [_("Item"), _("Value")],
            [
                [_("Exported at (Beijing time, UTC+8)"), timezone.localtime().replace(tzinfo=None)],
                *items,
                [
                    _("Times"),
                    _("Every time in this workbook is Beijing time (Asia/Shanghai, UTC+8)."),
                ],
            ],
        )

    def response(self, filename: str) -> HttpResponse:
        buffer = BytesIO()
        self.book.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

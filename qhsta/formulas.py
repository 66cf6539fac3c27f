"""Formula injection in exports: the one rule every spreadsheet and CSV the portal writes follows.

A cell whose text begins with `=`, `+`, `-`, `@`, a tab or a carriage return is taken by Excel,
WPS and LibreOffice as a formula (`=HYPERLINK(...)`, `-2+3+cmd|...`), so a work item's title could
run in the reader's spreadsheet. Such text is written as text (OWASP, "CSV injection"):

- in .xlsx the cell is a string cell with the quote prefix set, as Excel itself stores a value typed
  with a leading apostrophe: it shows the text exactly and stays text when edited;
- in CSV, which has no types, the text is prefixed with an apostrophe.

Numbers stay numbers: only strings are neutralised, and a string that is a plain number
(`-3.50`, as the API writes decimals) is a number, not a formula.
"""

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def is_formula_like(value) -> bool:
    """True for text that a spreadsheet would read as a formula."""
    return (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and _NUMBER.fullmatch(value) is None
    )


def csv_value(value):
    """The value as a CSV cell: formula-like text gets a leading apostrophe."""
    return "'" + value if is_formula_like(value) else value


def as_text(cell) -> None:
    """Make an openpyxl cell (normal or write-only) that holds formula-like text a text cell."""
    if is_formula_like(cell.value) or cell.data_type == "f":
        cell.data_type = "s"
        cell.quotePrefix = True


def xlsx_row(sheet, values: list) -> list:
    """A row for a write-only sheet: formula-like text becomes a text cell, the rest as given."""
    from openpyxl.cell import WriteOnlyCell

    row = []
    for value in values:
        if is_formula_like(value):
            cell = WriteOnlyCell(sheet, value=value)
            as_text(cell)
            row.append(cell)
        else:
            row.append(value)
    return row


def append_row(sheet, values: list) -> None:
    """Append a row of plain values to a normal (not write-only) sheet, all formula-like text as
    text."""
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        as_text(cell)

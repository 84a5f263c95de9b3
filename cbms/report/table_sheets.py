"""A workbook sheet that is one long table of published figures (the budget and coverage sheets): exact values with
the decimals every output shows, `x` where a figure is protected, and the notes below the table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from cbms import spreadsheet
from cbms.published.numbers import excel_format, ratio_format
from cbms.report.tables import NOT_APPLICABLE, SUPPRESSED

GREY = Font(color="FF666666")
RIGHT = Alignment(horizontal="right")
SOLES = "soles"  # a column of soles: whole soles, as the count format shows them
RATIO = "ratio"  # women over men


@dataclass(frozen=True, slots=True)
class Column:
    """A column: its header and how its numbers show (a value unit of numbers.py, `soles`, or '' for text)."""

    header: str
    unit: str = ""


def figure(value: float | None, protected: bool) -> float | str:
    """A figure as a sheet shows it: the exact number, `x` when protected, `n.a.` when there is none (a rate over
    zero)."""
    if protected:
        return SUPPRESSED
    return NOT_APPLICABLE if value is None else value


def write_table_sheet(ws: Worksheet, columns: Sequence[Column], rows: Sequence[Sequence[object]],
                      notes: Sequence[str] = (), wrap: Sequence[int] = ()) -> None:
    """The table from row 1 (header) on, each number column in its format, `x` right-aligned, then the notes."""
    spreadsheet.write_table(ws, [c.header for c in columns], rows, wrap=wrap)
    for k, column in enumerate(columns, 1):
        if not column.unit:
            continue
        number_format = ratio_format() if column.unit == RATIO else excel_format(
            "count" if column.unit == SOLES else column.unit)
        for r in range(2, len(rows) + 2):
            cell = ws.cell(row=r, column=k)
            if isinstance(cell.value, str):
                cell.alignment = RIGHT
            else:
                cell.number_format = number_format
    r = len(rows) + 2
    for note in notes:
        r += 1
        ws.cell(row=r, column=1, value=spreadsheet.safe_value(note)).font = GREY

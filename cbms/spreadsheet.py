"""Put untrusted answers into .xlsx sheets safely (no live formulas, no illegal characters) as readable tables."""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import TIME_TYPES
from openpyxl.compat.numbers import NUMERIC_TYPES
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

# OWASP "CSV injection": a cell starting with one of these can be read as a formula by Excel or LibreOffice.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL_CHARS = 32_767  # Excel's limit per cell
MAX_WIDTH = 60
MIN_WIDTH = 6
LINE_HEIGHT = 15.0  # points, one line of the default 11-point font
FILTER_BUTTON = 2  # characters the autofilter arrow covers in a header cell
# Everything XML 1.0 forbids in a sheet (a superset of openpyxl's ILLEGAL_CHARACTERS_RE, which lacks the
# surrogates and U+FFFE/U+FFFF): openpyxl refuses some, the rest would make the file need a repair.
ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill(fill_type="solid", start_color="FFD9E1F2", end_color="FFD9E1F2")
HEADER_ALIGNMENT = Alignment(vertical="top", wrap_text=True)
WRAP = Alignment(wrap_text=True)  # bottom, like the unstyled cells beside it

NUMBERS = (*NUMERIC_TYPES, bool)  # what openpyxl writes as a number (numpy's too)


def safe_text(value: object) -> str | None:
    """`value` as text a spreadsheet shows as written: never a formula (a leading `= + - @`, tab or CR gets a
    `'` in front, per OWASP), without characters XML forbids, cut to Excel's 32,767 characters. None and NaN
    stay empty (None)."""
    if _missing(value):
        return None
    text = ILLEGAL_XML.sub("", str(value))
    if text.startswith(FORMULA_TRIGGERS):
        text = "'" + text
    return text[:MAX_CELL_CHARS]


def _missing(value: object) -> bool:
    """None, NaN, and pandas' NA and NaT (known by type name: this module does not need pandas)."""
    if value is None:
        return True
    if isinstance(value, NUMERIC_TYPES):
        return bool(value != value)  # only NaN differs from itself
    return type(value).__name__ in ("NAType", "NaTType")


def safe_value(value: object) -> object:
    """A cell value: numbers, booleans and dates as they are (NaN empty; infinity, which a sheet cannot hold as a
    number, as text), anything else through `safe_text`."""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, NUMBERS):
        if math.isfinite(value):
            return value
        return None if math.isnan(value) else safe_text(value)
    if isinstance(value, TIME_TYPES):
        return value
    return safe_text(value)


def safe_rows_of(rows: Sequence[Sequence[object]]) -> list[list[object]]:
    """Every value through `safe_value`, each distinct value once (answers repeat a lot down a column)."""
    done: dict[tuple[type, object], object] = {}
    out = []
    for row in rows:
        safe_row = []
        for value in row:
            key = (type(value), value)  # type too: 1, 1.0 and True are equal keys
            if key not in done:
                done[key] = safe_value(value)
            safe_row.append(done[key])
        out.append(safe_row)
    return out


def text_width(value: object) -> int:
    """Characters of the longest line of `value` as a cell shows it."""
    if value is None:
        return 0
    text = value if isinstance(value, str) else str(value)
    return max(len(line) for line in text.split("\n")) if "\n" in text else len(text)


def fit_widths(headers: Sequence[str], rows: Sequence[Sequence[object]], cap: int = MAX_WIDTH) -> list[float]:
    """Column widths (in characters) that fit the header (beside its filter button) and the longest value,
    between MIN_WIDTH and `cap`."""
    widest = [text_width(h) + FILTER_BUTTON if h else 0 for h in headers]
    for row in rows:
        for i, value in enumerate(row):
            n = text_width(value)
            if n > widest[i]:
                widest[i] = n
    return [float(min(max(n + 2, MIN_WIDTH), cap)) for n in widest]


def set_widths(ws: Any, widths: Sequence[float]) -> None:
    """Set column widths (before the first row, for a write-only sheet)."""
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width


def set_print(ws: Any, header_row: int | None = None) -> None:
    """Landscape, fitted to the page width (as many pages down as needed), the header row on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    if header_row is not None:
        ws.print_title_rows = f"{header_row}:{header_row}"


def header_cells(ws: Any, labels: Sequence[str]) -> list[Any]:
    """A bold, filled header row for `ws.append`."""
    cells = []
    for label in labels:
        cell = WriteOnlyCell(ws, value=safe_text(label))
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGNMENT
        cells.append(cell)
    return cells


def styled_row(ws: Any, values: Sequence[object], wrap: Mapping[int, float] | None = None) -> list[Any]:
    """A row for `ws.append`, every value made safe; text in a `wrap` column (0-based index -> its width) that
    does not fit on one line wraps."""
    return _cells(ws, [safe_value(v) for v in values], wrap or {})


def row_lines(values: Sequence[object], wrap: Mapping[int, float]) -> int:
    """Lines the tallest wrapped cell of a row needs (a guess: a character is about one width unit)."""
    lines = 1
    for i, width in wrap.items():
        value = values[i] if i < len(values) else None
        if isinstance(value, str):
            per_line = max(int(width) - 2, 1)
            lines = max(lines, sum(-(-max(len(part), 1) // per_line) for part in value.split("\n")))
    return lines


def set_row_height(ws: Any, row_number: int, lines: int) -> None:
    """Give a row room for `lines` lines: LibreOffice does not refit rows with wrapped text on every sheet, and
    Excel does not on opening (call before appending the row to a write-only sheet)."""
    if lines > 1:
        ws.row_dimensions[row_number].height = LINE_HEIGHT * lines


def _cells(ws: Any, safe: Sequence[object], wrap: Mapping[int, float]) -> list[Any]:
    """Plain values, except text in a `wrap` column (index -> width) that does not fit on one line of it."""
    row: list[Any] = []
    for i, value in enumerate(safe):
        width = wrap.get(i)
        # a styled cell costs several times a plain one to write: wrap only where wrapping shows
        if width is not None and isinstance(value, str) and (len(value) > width - 2 or "\n" in value):
            cell = WriteOnlyCell(ws, value=value)
            cell.alignment = WRAP
            row.append(cell)
        else:
            row.append(value)
    return row


def write_table(ws: Any, headers: Sequence[str], rows: Sequence[Sequence[object]],
                wrap: Collection[int] = (), cap: int = MAX_WIDTH) -> None:
    """A sheet that is one table: bold filled header (frozen, repeated on printed pages), autofilter over the
    data, widths fitted to the content, text too long for its column wrapped in the `wrap` columns (0-based)
    with the row made taller, landscape fitted to width. Works on a fresh write-only sheet (widths and heights
    must precede the rows there) and on an empty normal one."""
    safe_rows = safe_rows_of(rows)
    widths = fit_widths(headers, safe_rows, cap)
    set_widths(ws, widths)
    ws.freeze_panes = "A2"
    set_print(ws, header_row=1)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(safe_rows) + 1}"
    ws.append(header_cells(ws, headers))
    wrapped = {i: widths[i] for i in wrap}
    for number, row in enumerate(safe_rows, 2):
        if wrapped:
            set_row_height(ws, number, row_lines(row, wrapped))
            ws.append(_cells(ws, row, wrapped))
        else:
            ws.append(row)

"""Refuse an XLSX whose sheets would not fit in memory, before calamine reads it.

calamine keeps a sheet as a dense grid from its first to its farthest cell (32 bytes a cell), so a 300 KB
workbook with one cell at XFD1048576 asks for 550 GB and aborts the process (a Rust allocation failure cannot be
caught); and an 18 MB sheet that inflates to 3 GB reached 7.5 GB of memory. Here every part of the workbook is
inflated once, a chunk at a time (its CRC and declared size checked), and the cell references of each sheet are
scanned: the usual sheet is proven small by one regular-expression pass (RE2 in pyarrow: ~2 GB/s, without the
GIL); only an unusual one is walked cell by cell the way calamine places cells.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from cbms.errors import ING_005, ING_016, CbmsError
from cbms.ingest.files import CHUNK, zip_errors

# The uncompressed XML of a 100,000-household KoBo export is ~1.1 GB and calamine peaks near 2.8 GB on it; a
# bigger export is better read from the API's JSON (cbms pull --kobo), which streams.
MAX_XLSX_BYTES = 2 * 1024**3
# A sheet's grid: 19 million cells for the members of 100,000 households; the limit is ~2 GiB inside calamine.
MAX_SHEET_CELLS = 1 << 26
SCAN_CHUNK = 16 * CHUNK
OVERLAP = 64  # longer than any pattern below can match, so a match cut by a chunk's end is seen whole next time
_DIMENSION = re.compile(rb'<(?:[\w.-]+:)?dimension\s+ref\s*=\s*["\']([A-Za-z]+)([0-9]+)(?::([A-Za-z]+)([0-9]+))?')
_TAG = re.compile(rb"<(/?)(?:[\w.-]+:)?(row|c)(?=[\s/>])([^>]*)>")
_R_ATTRIBUTE = re.compile(rb"""(?:^|\s)r\s*=\s*(["'])([A-Za-z]*)([0-9]+)\1""")
_ATTRIBUTE = re.compile(rb"""([\w.:-]+)\s*=\s*(["'])(.*?)\2""", re.S)
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DIGITS = "0123456789"


@dataclass(frozen=True, slots=True)
class Grid:
    """Where a sheet's cells reach, 1-based, as calamine would place them."""

    first_row: int
    last_row: int
    first_column: int
    last_column: int

    @property
    def cells(self) -> int:
        return (self.last_row - self.first_row + 1) * (self.last_column - self.first_column + 1)


class WorkbookCheck:
    """The checks of one workbook: its size and small parts at once; each sheet on a thread of its own, in the
    order the reader asks for them, so a sheet is checked while calamine parses the one before (calamine lets
    go of the GIL): at 20,000 households the check then costs ~0.4 s instead of ~1.9 s.

        with WorkbookCheck(where, data) as check:
            check.sheet("member")  # returns once that sheet is proven readable, or raises ING_016 / ING_004
    """

    def __init__(self, where: str, data: bytes, order: Sequence[str] = ()) -> None:
        self.where = where
        self._archive = _open(where, data)
        infos = [i for i in self._archive.infolist() if not i.is_dir()]
        total = sum(i.file_size for i in infos)
        if total > MAX_XLSX_BYTES:
            raise CbmsError(ING_005, path=where, size=total, limit=MAX_XLSX_BYTES)
        with zip_errors(where):
            self._parts = sheet_parts(self._archive)
            sheets = set(self._parts.values())
            for info in infos:  # inflated all the same, so their CRC and size are checked before calamine trusts them
                if info.filename not in sheets:
                    with self._archive.open(info) as member:
                        while member.read(SCAN_CHUNK):
                            pass
        names = [*order, *(n for n in self._parts if n not in order)]
        self._pool = ThreadPoolExecutor(max_workers=1)
        self._checks = {name: self._pool.submit(self._check, name) for name in names if name in self._parts}

    def __enter__(self) -> WorkbookCheck:
        return self

    def __exit__(self, *exc: object) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._archive.close()

    def sheet(self, name: str) -> None:
        """Wait for sheet `name`'s check (every sheet's when the workbook does not say which part it is)."""
        for check in ([self._checks[name]] if name in self._checks else self._checks.values()):
            check.result()

    def _check(self, name: str) -> None:
        info = self._archive.getinfo(self._parts[name])
        with zip_errors(self.where):
            grid = grid_of(self._archive, info)
        if grid is not None and grid.cells > MAX_SHEET_CELLS:
            cell = f"{column_label(grid.last_column)}{grid.last_row}"
            raise CbmsError(ING_016, path=self.where, sheet=name, cell=cell, cells=grid.cells, limit=MAX_SHEET_CELLS)


def check_workbook(where: str, data: bytes) -> None:
    """Refuse (ING_005, ING_016, ING_004) a workbook too big to read, checking every sheet now."""
    with WorkbookCheck(where, data) as check:
        for name in check._parts:
            check.sheet(name)


def _open(where: str, data: bytes) -> zipfile.ZipFile:
    with zip_errors(where):
        return zipfile.ZipFile(io.BytesIO(data))


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its part (`member` -> `xl/worksheets/sheet2.xml`), from the workbook and its relations as
    calamine finds them; a worksheet part no sheet names is kept under its own path, so it is checked all the
    same."""
    def tags(part: str, name: bytes) -> list[dict[bytes, str]]:
        info = archive.NameToInfo.get(part)
        data = archive.read(info) if info is not None and info.file_size <= SCAN_CHUNK else b""
        return [{key.rsplit(b":", 1)[-1]: html.unescape(value.decode("utf-8", "replace"))
                 for key, _, value in _ATTRIBUTE.findall(tag)}
                for tag in re.findall(rb"<(?:[\w.-]+:)?" + name + rb"\b([^>]*)>", data)]

    targets = {t.get(b"Id"): t.get(b"Target", "") for t in tags("xl/_rels/workbook.xml.rels", b"Relationship")}
    parts: dict[str, str] = {}
    for sheet in tags("xl/workbook.xml", b"sheet"):
        target = (targets.get(sheet.get(b"id")) or "").lstrip("/")
        parts[sheet.get(b"name", "")] = target if target.startswith("xl/") else f"xl/{target}"
    named = set(parts.values())
    for info in archive.infolist():
        if info.filename.startswith("xl/worksheets/") and info.filename not in named:
            parts[info.filename] = info.filename
    return {name: part for name, part in parts.items() if part in archive.NameToInfo}


def grid_of(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Grid | None:
    """A bound on the grid calamine would build for a sheet: never smaller, equal for the usual sheet counted
    from A1. None for a sheet without cells."""
    return _quick_grid(archive, info) or _walked_grid(archive, info)


def _quick_grid(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Grid | None:
    """The grid the sheet's `<dimension>` declares, when one regular-expression pass proves that every cell
    lies inside it and is written the usual way (`<c r="B7"`); None when that is not proven."""
    with archive.open(info) as stream:
        head = stream.read(SCAN_CHUNK)
        declared = _DIMENSION.search(head)
        if declared is None:
            return None
        last_column = column_number((declared.group(3) or declared.group(1)).decode())
        last_row = int(declared.group(4) or declared.group(2))
        grid = Grid(1, max(last_row, 1), 1, max(last_column, 1))
        if grid.cells > MAX_SHEET_CELLS:
            return None
        pattern = _outside(column_label(grid.last_column), str(grid.last_row))
        buffer = head
        while True:
            if _matches(buffer, pattern):
                return None
            chunk = stream.read(SCAN_CHUNK)
            if not chunk:
                return grid
            buffer = buffer[-OVERLAP:] + chunk


def _matches(buffer: bytes, pattern: str) -> bool:
    found = pc.match_substring_regex(pa.array([buffer], pa.large_binary()), pattern=pattern)
    return bool(found[0].as_py())


def _outside(last_column: str, last_row: str) -> str:
    """RE2 pattern of what the quick proof cannot vouch for: a usual cell reference beyond the declared grid
    (a column after `last_column`, a row after `last_row`, lower case, a leading zero), a cell tag written
    another way (attributes in another order, other spacing, a namespace prefix, no reference)."""
    beyond = (f"[A-Z]*[a-z]|{_greater(last_column, LETTERS)}|[A-Za-z]+0|[A-Za-z]+(?:{_greater(last_row, DIGITS)})\"")
    return (f'<c r="(?:{beyond})'
            r'|<c(?:[\t\r\n/>]| (?:[^r]|r[^=]|r=[^"]))'
            r"|:c[\t\r\n />]")


def _greater(limit: str, alphabet: str) -> str:
    """RE2 alternatives matching the strings over `alphabet` (in order; no leading zero for digits) that stand
    for a number greater than `limit`: longer ones, and same-length ones that are greater at some position."""
    low, high = alphabet[0], alphabet[-1]
    lead = alphabet[1] if alphabet is DIGITS else low
    parts = [f"[{lead}-{high}][{low}-{high}]{{{len(limit)},}}"]
    for i, char in enumerate(limit):
        following = alphabet.index(char) + 1
        if following < len(alphabet):
            rest = len(limit) - i - 1
            parts.append(limit[:i] + f"[{alphabet[following]}-{high}]" + (f"[{low}-{high}]{{{rest}}}" if rest else ""))
    return "|".join(parts)


def _walked_grid(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Grid | None:
    """Where the cells reach, placing each as calamine does: by its `r` reference, else after the previous
    cell of its row (a row's `r`, else after the previous row). A self-closing cell or row moves the position
    (calamine's XML reader expands it) but a cell without a value does not count. None for a sheet without
    cells."""
    row, column = 1, 0
    rows: list[int] = []
    columns: list[int] = []
    tail = b""
    with archive.open(info) as stream:
        while chunk := stream.read(SCAN_CHUNK):
            buffer = tail + chunk
            end = buffer.rfind(b"<")
            end = len(buffer) if end < 0 or b">" in buffer[end:] else end
            for match in _TAG.finditer(buffer, 0, end):
                closing, name, attributes = match.group(1), match.group(2), match.group(3)
                empty = attributes.endswith(b"/")
                reference = None if closing else _R_ATTRIBUTE.search(attributes)
                if name == b"row":
                    if reference is not None:
                        row = int(reference.group(3))
                    if closing or empty:
                        row, column = row + 1, 0
                elif not closing:
                    if reference is not None and reference.group(2):
                        row_of, column = int(reference.group(3)), column_number(reference.group(2).decode())
                    else:
                        row_of, column = row, column + 1
                    if not empty:  # counted even when it holds no value: a bound, never less
                        rows.append(row_of)
                        columns.append(column)
                    if len(rows) > 1 << 16:  # keep only the extremes seen so far
                        rows[:] = [min(rows), max(rows)]
                        columns[:] = [min(columns), max(columns)]
            tail = buffer[end:]
    if not rows:
        return None
    return Grid(min(rows), max(rows), min(columns), max(columns))


def column_number(label: str) -> int:
    """`A` -> 1, `Z` -> 26, `AA` -> 27, `XFD` -> 16384 (either case, as calamine reads them)."""
    number = 0
    for char in label.upper():
        number = number * 26 + ord(char) - ord("A") + 1
    return number


def column_label(number: int) -> str:
    """1 -> `A`, 27 -> `AA`."""
    label = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        label = LETTERS[rest] + label
    return label

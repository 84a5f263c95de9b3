"""The budget file as the municipality keeps it — a CSV (UTF-8 or Windows-1252, `,` or `;`) or a workbook (XLSX,
XLS or ODS, through calamine) — read into its header and numbered rows, a damaged or oversized file refused before
it is read."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from python_calamine import CalamineError, CalamineWorkbook

from cbms.errors import BUD_001, BUD_002, BUD_003, CbmsError, Notice
from cbms.ingest.text import read_csv_text, unique_names

# A budget is a few hundred rows: kilobytes. Far past this it is not a budget, or it is a zip bomb.
MAX_BYTES = 50 * 1024**2
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old Excel format (.xls)

Cell = object  # text from a CSV; text, a number, a date or a boolean from a workbook; None when empty


@dataclass(frozen=True, slots=True)
class Sheet:
    """A budget table: where it is (as messages show it), its header, and its rows numbered as a spreadsheet
    shows them (the header row is row 1 in a CSV)."""

    label: str
    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[Cell, ...]], ...]
    notes: tuple[Notice, ...] = ()


def read_sheet(path: Path, sheet: str | None = None) -> Sheet:
    """Read a budget file (the format is told by its first bytes, not its name)."""
    if not path.is_file():
        raise CbmsError(BUD_001, path=path)
    with path.open("rb") as handle:
        head = handle.read(len(OLE2))
    if head.startswith(b"PK"):
        _check_zip(path)
        return _workbook(path, sheet)
    if path.stat().st_size > MAX_BYTES:
        raise CbmsError(BUD_003, path=path, size=path.stat().st_size, limit=MAX_BYTES)
    if head == OLE2:
        return _workbook(path, sheet)
    return _csv(path)


def _check_zip(path: Path) -> None:
    """A workbook is a zip: its directory says how large it is once inflated, before anything is inflated."""
    try:
        with zipfile.ZipFile(path) as archive:
            size = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError) as exc:
        raise CbmsError(BUD_002, path=path, reason=str(exc)) from exc
    if size > MAX_BYTES:
        raise CbmsError(BUD_003, path=path, size=size, limit=MAX_BYTES)


def _csv(path: Path) -> Sheet:
    data = path.read_bytes()
    if not data.strip():
        return Sheet(str(path), (), ())
    text = read_csv_text(path, path.name, data)
    columns = [text.table.column(name).to_pylist() for name in text.header]
    rows = tuple((number, row) for number, row in enumerate(zip(*columns, strict=True), start=2))
    notes = tuple(Notice(notice.detail, notice.context) for notice in text.notices)
    return Sheet(str(path), text.header, rows, notes)


def _workbook(path: Path, sheet: str | None) -> Sheet:
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        names = list(workbook.sheet_names)
        if sheet is not None and sheet not in names:
            raise CbmsError(BUD_002, path=path, reason=f"no hay hoja '{sheet}' / no sheet '{sheet}': "
                                                        f"{', '.join(names)}")
        name = sheet if sheet is not None else names[0]
        values = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except (CalamineError, IndexError) as exc:
        raise CbmsError(BUD_002, path=path, reason=str(exc) or "sin hojas / no sheets") from exc
    label = f"{path} [{name}]"
    numbered = [(number, tuple(None if v == "" else v for v in row)) for number, row in enumerate(values, start=1)]
    # a title row or two often sits above the header ("PRESUPUESTO PARTICIPATIVO 2026"): the header is the first
    # row with at least two cells written
    start = next((i for i, (_, row) in enumerate(numbered) if sum(v is not None for v in row) >= 2), None)
    if start is None:
        return Sheet(label, (), ())
    header = tuple(unique_names([_header(v) for v in numbered[start][1]]))
    return Sheet(label, header, tuple(numbered[start + 1:]))


def _header(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()

"""Read an XLSForm's sheets as rows with their spreadsheet row numbers, refusing hostile files first."""

from __future__ import annotations

import warnings
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cbms.errors import FORM_001, FORM_002, FORM_007, FORM_009, FORM_010, CbmsError

# An XLSForm of a few thousand rows is well under 20 MB once unzipped; a zip bomb is far above.
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old Excel format (.xls), which pyxform also reads
SHEETS = ("survey", "choices", "settings")


@dataclass(frozen=True, slots=True)
class Row:
    """One non-empty spreadsheet row: its 1-based row number and its cells by header."""

    row: int
    cells: Mapping[str, str]

    def get(self, column: str) -> str:
        """The stripped text of a cell, '' when empty or absent."""
        return self.cells.get(column, "")


@dataclass(frozen=True, slots=True)
class Sheet:
    """A sheet's headers in order and its non-empty rows."""

    name: str
    headers: tuple[str, ...]
    rows: tuple[Row, ...]


def is_xls(path: Path) -> bool:
    """An .xls workbook (OLE2 compound file), not a zipped .xlsx."""
    with path.open("rb") as handle:
        return handle.read(len(OLE2)) == OLE2


def check_archive(path: Path) -> None:
    """Refuse a missing file, a file that is not a zip (or an .xls), or a zip too large to open."""
    if not path.is_file():
        raise CbmsError(FORM_001, path=path)
    if is_xls(path):  # not compressed: its size on disk is what is read
        if path.stat().st_size > MAX_UNCOMPRESSED_BYTES:
            raise CbmsError(FORM_007, path=path, size=path.stat().st_size, limit=MAX_UNCOMPRESSED_BYTES)
        return
    if not zipfile.is_zipfile(path):
        raise CbmsError(FORM_009, path=path)
    try:
        with zipfile.ZipFile(path) as archive:
            size = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise CbmsError(FORM_002, path=path, reason=str(exc)) from exc
    if size > MAX_UNCOMPRESSED_BYTES:
        raise CbmsError(FORM_007, path=path, size=size, limit=MAX_UNCOMPRESSED_BYTES)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_sheets(path: Path) -> dict[str, Sheet]:
    """The survey, choices and settings sheets (those present) of an .xlsx or .xls XLSForm."""
    check_archive(path)
    if is_xls(path):
        return _read_xls(path)
    with warnings.catch_warnings():
        # openpyxl warns about Excel extensions it drops (data validation, formatting): harmless here
        warnings.simplefilter("ignore", UserWarning)
        return _read_workbook(path)


def _read_workbook(path: Path) -> dict[str, Sheet]:
    from openpyxl import load_workbook  # imported here: a cached form needs no openpyxl (form/cache.py)
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise CbmsError(FORM_002, path=path, reason=str(exc)) from exc
    try:
        names = {name.strip().lower(): name for name in workbook.sheetnames}
        if "survey" not in names:
            raise CbmsError(FORM_010, path=path)
        sheets: dict[str, Sheet] = {}
        for wanted in SHEETS:
            if wanted not in names:
                continue
            sheets[wanted] = _read_sheet(wanted, workbook[names[wanted]].iter_rows(values_only=True))
        return sheets
    finally:
        workbook.close()


def _read_xls(path: Path) -> dict[str, Sheet]:
    """An .xls XLSForm's sheets, through calamine (openpyxl reads .xlsx only)."""
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        names = {name.strip().lower(): name for name in workbook.sheet_names}
        if "survey" not in names:
            raise CbmsError(FORM_010, path=path)
        return {wanted: _read_sheet(wanted, workbook.get_sheet_by_name(names[wanted]).to_python(
            skip_empty_area=False)) for wanted in SHEETS if wanted in names}
    except CalamineError as exc:
        raise CbmsError(FORM_002, path=path, reason=str(exc)) from exc


def _header(value: object) -> str:
    """XLSForm headers as pyxform reads them: `list name` is `list_name`, `Label::X` is `label::X`."""
    text = _text(value)
    column, sep, language = text.partition("::")
    return "_".join(column.lower().split()) + sep + language.strip()


def _read_sheet(name: str, values: object) -> Sheet:
    rows_iter = iter(values)  # type: ignore[call-overload]
    header_row = next(rows_iter, ())
    headers = tuple(_header(h) for h in header_row)
    while headers and not headers[-1]:
        headers = headers[:-1]
    rows: list[Row] = []
    for number, raw in enumerate(rows_iter, start=2):
        cells = {h: _text(v) for h, v in zip(headers, raw, strict=False) if h and _text(v)}
        if cells:
            rows.append(Row(number, cells))
    return Sheet(name, tuple(h for h in headers if h), tuple(rows))

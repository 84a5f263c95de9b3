"""Bytes of a CSV as Central or Excel wrote them -> an Arrow table of text (UTF-8 or Windows-1252, `,` or `;`)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from cbms.errors import ING_006, ING_011, ING_012, CbmsError, Detail


@dataclass(frozen=True, slots=True)
class CsvText:
    """A parsed CSV: its header, its rows as text (empty -> null), and what had to be guessed."""

    header: tuple[str, ...]
    table: pa.Table
    notices: tuple[tuple[Detail, str], ...]  # (message, path) pairs for the load report


def read_csv_text(path: Path, name: str, data: bytes) -> CsvText:
    """Parse a CSV export member, every column as text, refusing a truncated or malformed file."""
    where = str(path / name) if path.suffix.lower() == ".zip" or path.is_dir() else str(path)
    notices: list[tuple[Detail, str]] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        table = _parse_text(where, data, _first_line(data).decode("utf-8"), notices)
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in the ANSI code page; Windows-1252 is a superset of Latin-1
        data = data.decode("cp1252", errors="replace").encode("utf-8")
        notices = [(ING_011, where)]
        table = _parse_text(where, data, _first_line(data).decode("utf-8"), notices)
    return CsvText(tuple(table.column_names), table, tuple(notices))


def _first_line(data: bytes) -> bytes:
    end = data.find(b"\n")
    return data if end < 0 else data[:end]


def _parse_text(where: str, data: bytes, first_line: str, notices: list[tuple[Detail, str]]) -> pa.Table:
    """Parse UTF-8 CSV bytes; UnicodeDecodeError when they are not UTF-8 (pyarrow checks every value)."""
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    if delimiter == ";":
        notices.append((ING_012, where))
    header = tuple(unique_names(next(csv.reader([first_line.rstrip("\r")], delimiter=delimiter))))
    try:
        # Most exports have no line break inside an answer, and parsing is twice as fast (and parallel)
        # when pyarrow may assume so; a quoted line break then breaks a row's column count, and we parse again.
        return _parse(data, delimiter, header, newlines_in_values=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        if "UTF8" in str(exc):
            raise UnicodeDecodeError("utf-8", b"", 0, 1, str(exc)) from exc
        try:
            return _parse(data, delimiter, header, newlines_in_values=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError) as again:
            if "UTF8" in str(again):
                raise UnicodeDecodeError("utf-8", b"", 0, 1, str(again)) from again
            raise CbmsError(ING_006, path=where, row=_row_of(str(again)), reason=_short(str(again))) from again


def _parse(data: bytes, delimiter: str, header: tuple[str, ...], newlines_in_values: bool) -> pa.Table:
    return pacsv.read_csv(
        pa.BufferReader(data),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=newlines_in_values),
        convert_options=pacsv.ConvertOptions(
            # only an empty cell is missing: an answer "NA", "null" or "N/A" is text like any other
            column_types=dict.fromkeys(header, pa.string()), strings_can_be_null=True, null_values=[""],
            quoted_strings_can_be_null=True),
        read_options=pacsv.ReadOptions(column_names=list(header), skip_rows=1, block_size=1 << 22),
    )


def unique_names(header: list[str]) -> list[str]:
    """Column names made unique the way a spreadsheet reader would: the second `x` becomes `x~1`; a blank one
    (pandas and R write the row index under an empty header) is named by its position, `_unnamed_1`."""
    seen: dict[str, int] = {}
    out = []
    for position, name in enumerate(header, start=1):
        column = name if name.strip() else f"_unnamed_{position}"
        seen[column] = seen.get(column, 0) + 1
        out.append(column if seen[column] == 1 else f"{column}~{seen[column] - 1}")
    return out


def _row_of(message: str) -> str:
    marker = "row "
    if marker in message:
        tail = message.split(marker, 1)[1].split()[0].strip(":,")
        if tail.isdigit():
            return tail
    return "?"


def _short(message: str) -> str:
    return " ".join(message.split())[:300]

"""Bytes of a CSV as Central or Excel wrote them -> an Arrow table of text (UTF-8, UTF-16 or Windows-1252,
`,` or `;`, any line ends)."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from cbms.errors import ING_006, ING_011, ING_012, ING_025, CbmsError

BLOCK = 1 << 22  # bytes pyarrow parses at a time; an answer longer than this is parsed again as one block
STREAM_BLOCK = 1 << 24  # bytes of a big member parsed at a time (a batch of ~20,000 rows)
HEAD_BYTES = 1 << 20  # bytes read to find a big member's header line
SHOWN_LINES = 5  # lines named in a warning about replaced bytes
# a multi-byte UTF-8 sequence: text saved by Excel as Windows-1252 practically never holds one (an accented letter
# there is one byte followed by ASCII), so a file with one is UTF-8 with a few stray bytes, not another encoding
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


@dataclass(frozen=True, slots=True)
class CsvText:
    """A parsed CSV: its header, its rows as text (empty -> null), and what had to be guessed."""

    header: tuple[str, ...]
    table: pa.Table
    notices: tuple[CbmsError, ...]  # warnings for the load report, each in either language


def read_csv_text(path: Path, name: str, data: bytes) -> CsvText:
    """Parse a CSV export member, every column as text, refusing a truncated or malformed file."""
    inside = path.is_dir() or (path.suffix.lower() == ".zip" and name != path.name)
    where = str(path / name) if inside else str(path)
    notices: list[CbmsError] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text": UTF-16 with its byte-order mark
        data = data.decode("utf-16", errors="replace").encode("utf-8")
    try:
        table = _parse_text(where, data, notices)
    except UnicodeDecodeError:
        if _UTF8_SEQUENCE.search(data):
            data, count, lines = _replace_strays(data)
            notices = [CbmsError(ING_025, path=where, count=count, lines=lines)]
        else:
            # Excel on Windows saves "CSV" in the ANSI code page; Windows-1252 is a superset of Latin-1
            data = data.decode("cp1252", errors="replace").encode("utf-8")
            notices = [CbmsError(ING_011, path=where)]
        table = _parse_text(where, data, notices)
    return CsvText(tuple(table.column_names), table, tuple(notices))


@dataclass(frozen=True, slots=True)
class CsvStream:
    """A CSV export member too big to hold, parsed a block at a time: its header and its rows as text batches
    (empty -> null), exactly as `read_csv_text` would give them. `batches()` raises pyarrow's ArrowInvalid on a
    file the careful reading must handle (a line break in an answer, another encoding, a malformed row)."""

    header: tuple[str, ...]
    path: Path
    delimiter: str
    notices: tuple[CbmsError, ...]

    def batches(self) -> Iterator[pa.RecordBatch]:
        reader = pacsv.open_csv(
            str(self.path),
            parse_options=pacsv.ParseOptions(delimiter=self.delimiter),
            convert_options=_convert(self.header),
            read_options=pacsv.ReadOptions(column_names=list(self.header), skip_rows=1, block_size=STREAM_BLOCK))
        yield from reader


def stream_csv_text(path: Path, name: str, file: Path) -> CsvStream | None:
    """A member saved in `file`, to be parsed a block at a time; None when its first bytes say it needs the careful
    reading of the whole file (`read_csv_text`): UTF-16, or a header that is not UTF-8."""
    inside = path.is_dir() or (path.suffix.lower() == ".zip" and name != path.name)
    where = str(path / name) if inside else str(path)
    with file.open("rb") as f:
        head = f.read(HEAD_BYTES)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    first = _first_line(head.removeprefix(b"\xef\xbb\xbf"))
    if len(first) == len(head.removeprefix(b"\xef\xbb\xbf")) and len(head) == HEAD_BYTES:
        return None  # a header longer than the head read: the careful reading parses it
    try:
        first.decode("utf-8")
    except UnicodeDecodeError:
        return None
    notices: list[CbmsError] = []
    delimiter = ";" if first.count(b";") > first.count(b",") else ","
    if delimiter == ";":
        notices.append(CbmsError(ING_012, path=where))
    header = tuple(unique_names(_header(where, first, delimiter)))
    return CsvStream(header, file, delimiter, tuple(notices))


def _replace_strays(data: bytes) -> tuple[bytes, int, str]:
    """UTF-8 with the bytes that are not UTF-8 replaced by U+FFFD; how many, and on which lines (1 = header)."""
    text = data.decode("utf-8", errors="replace")
    lines: list[int] = []
    line, last = 1, 0
    for match in re.finditer("\ufffd", text):
        line += text.count("\n", last, match.start())
        last = match.start()
        if not lines or lines[-1] != line:
            lines.append(line)
    count = text.count("\ufffd") - data.count("\ufffd".encode())
    shown = ", ".join(map(str, lines[:SHOWN_LINES])) + (", …" if len(lines) > SHOWN_LINES else "")
    return text.encode("utf-8"), count, shown


def _first_line(data: bytes) -> bytes:
    """The header line, whatever ends it (`\\n`, `\\r\\n`, or a lone `\\r` as old Mac and some Excel saves)."""
    end = len(data)
    for mark in (b"\n", b"\r"):
        at = data.find(mark, 0, end)
        if at >= 0:
            end = at
    return data[:end]


def _parse_text(where: str, data: bytes, notices: list[CbmsError]) -> pa.Table:
    """Parse UTF-8 CSV bytes; UnicodeDecodeError when they are not UTF-8 (pyarrow checks every value)."""
    first = _first_line(data)
    delimiter = ";" if first.count(b";") > first.count(b",") else ","
    if delimiter == ";":
        notices.append(CbmsError(ING_012, path=where))
    header = tuple(unique_names(_header(where, first, delimiter)))
    # Most exports have no line break inside an answer, and parsing is twice as fast (and parallel) when pyarrow
    # may assume so; a quoted line break then breaks a row's column count, and we parse again. An answer longer
    # than a block ("straddling object") needs the whole file as one block.
    try:
        return _parse(data, delimiter, header, False, BLOCK)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        _raise_if_not_utf8(exc)
    try:
        return _parse(data, delimiter, header, True, BLOCK)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        _raise_if_not_utf8(exc)
        failure = exc
    if "block" in str(failure):
        try:
            return _parse(data, delimiter, header, True, len(data) + 1)
        except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
            _raise_if_not_utf8(exc)
            failure = exc
    row = _bad_row(data, delimiter, header)
    raise CbmsError(ING_006, path=where, row=row, reason=_short(str(failure))) from failure


def _raise_if_not_utf8(exc: Exception) -> None:
    if "UTF8" in str(exc):
        raise UnicodeDecodeError("utf-8", b"", 0, 1, str(exc)) from exc


def _header(where: str, first: bytes, delimiter: str) -> list[str]:
    """The column names of a header line, parsed by pyarrow like the rows (the csv module refuses a name over
    131,072 characters; pyarrow takes whatever fits the line)."""
    def parse(types: dict[str, pa.DataType] | None) -> pa.Table:
        return pacsv.read_csv(
            pa.BufferReader(first + b"\n"),
            parse_options=pacsv.ParseOptions(delimiter=delimiter),
            convert_options=pacsv.ConvertOptions(column_types=types or {}, strings_can_be_null=False),
            read_options=pacsv.ReadOptions(autogenerate_column_names=True, block_size=len(first) + 2))

    try:
        shape = parse(None)
        names = parse({c: pa.string() for c in shape.column_names}).to_pylist()[0]
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        _raise_if_not_utf8(exc)
        raise CbmsError(ING_006, path=where, row=1, reason=_short(str(exc))) from exc
    return [str(names[c]) for c in shape.column_names]


def _convert(header: tuple[str, ...]) -> pacsv.ConvertOptions:
    # only an empty cell is missing: an answer "NA", "null" or "N/A" is text like any other
    return pacsv.ConvertOptions(column_types=dict.fromkeys(header, pa.string()), strings_can_be_null=True,
                                null_values=[""], quoted_strings_can_be_null=True)


def _parse(data: bytes, delimiter: str, header: tuple[str, ...], newlines_in_values: bool, block: int,
           threads: bool = True) -> pa.Table:
    return pacsv.read_csv(
        pa.BufferReader(data),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=newlines_in_values),
        convert_options=_convert(header),
        read_options=pacsv.ReadOptions(column_names=list(header), skip_rows=1, block_size=block, use_threads=threads),
    )


def _bad_row(data: bytes, delimiter: str, header: tuple[str, ...]) -> str:
    """The line of the first row pyarrow cannot take, found by parsing again on one thread (it numbers rows
    only then); '?' when the trouble is not a row's column count (an unclosed quote at the end)."""
    bad: list[int] = []
    data = data.decode("utf-8", errors="replace").encode("utf-8")  # pyarrow hands the handler the row as text

    def note(row: pacsv.InvalidRow) -> str:
        if row.number is not None:
            bad.append(row.number)
        return "error"

    with contextlib.suppress(pa.ArrowInvalid, pa.ArrowTypeError):  # the same failure again: only its line is wanted
        pacsv.read_csv(
            pa.BufferReader(data),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True, invalid_row_handler=note),
            convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(header, pa.string())),
            read_options=pacsv.ReadOptions(column_names=list(header), skip_rows=1, block_size=len(data) + 1,
                                           use_threads=False))
    return str(bad[0]) if bad else "?"


def unique_names(header: list[str]) -> list[str]:
    """Column names made unique the way a spreadsheet reader would: the second `x` becomes `x~1`. A blank one
    (pandas and R write the row index under an empty header) stays blank: it is kept in `_extra` like any
    column the form does not know."""
    seen: dict[str, int] = {}
    out = []
    for column in header:
        seen[column] = seen.get(column, 0) + 1
        out.append(column if seen[column] == 1 else f"{column}~{seen[column] - 1}")
    return out


def _short(message: str) -> str:
    return " ".join(message.split())[:300]

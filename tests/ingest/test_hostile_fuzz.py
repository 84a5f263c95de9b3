"""Issue 20's hostile-input suite, in the spirit of fuzzing: real exports of a demo census (all four formats) are
corrupted by hypothesis — truncated, bytes flipped, re-encoded, values nested, rows duplicated, reordered, cells
enlarged — and loaded with `cbms ingest` onto a database that holds the census. Every case must end one of two
ways: exit 1 with one coded line and the database's content unchanged, or exit 0 with every answer of the
corrupted export in the database (read back independently: Python's csv and json modules, calamine's cells).

60 cases per run (about a minute); `FUZZ_EXAMPLES=300 pytest tests/ingest/test_hostile_fuzz.py
--hypothesis-show-statistics` runs more and shows how each kind of corruption ended."""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import random
import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from cbms.cli import main
from cbms.demo import FORM
from cbms.form import read_form
from cbms.ingest.kobo_json import submission_key
from cbms.ingest.model import CENTRAL_META
from tests.conftest import Census
from tests.database import content_hash, leftovers

pytestmark = pytest.mark.slow
CODED = re.compile(r"^✗ \[[A-Z]+_\d{3}\] ")
MUTATIONS = ("truncate", "flip", "encoding", "nest", "duplicate", "reorder", "enlarge")
# CI replays the same cases every run (a red build names a real regression); a run on a workstation explores
SETTINGS = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "60")), deadline=None,
                    derandomize=bool(os.environ.get("CI")),
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large])


# --- corrupting an export -------------------------------------------------------------------------------------


def _flip(data: bytes, draw: Callable[[st.SearchStrategy[Any]], Any]) -> bytes:
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, max(len(out) - 1, 0)))
        out[at] ^= draw(st.integers(1, 255))
    return bytes(out)


def _encode(text: str, encoding: str) -> bytes:
    if encoding == "utf-8-sig":
        return codecs.BOM_UTF8 + text.encode("utf-8")
    return text.encode(encoding, errors="replace")


def _csv_member(data: bytes, how: str, draw: Callable[[st.SearchStrategy[Any]], Any]) -> bytes:
    text = data.decode("utf-8")
    lines = text.split("\n")
    header, rows = lines[0], [line for line in lines[1:] if line]
    rng = random.Random(draw(st.integers(0, 10**6)))
    if how == "encoding":
        return _encode(text, draw(st.sampled_from(["cp1252", "utf-16", "utf-8-sig", "latin-1"])))
    if how == "duplicate" and rows:
        rows.insert(rng.randrange(len(rows) + 1), rng.choice(rows))
    elif how == "reorder" and rows:
        if draw(st.booleans()):
            rng.shuffle(rows)
        else:  # the columns, header and rows alike
            table = list(csv.reader([header, *rows]))
            order = list(range(len(table[0])))
            rng.shuffle(order)
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\n").writerows([[r[i] for i in order] for r in table])
            return buffer.getvalue().encode("utf-8")
    elif how in ("nest", "enlarge") and rows:
        table = list(csv.reader(rows))
        row = rng.randrange(len(table))
        column = rng.randrange(len(table[row]))
        table[row][column] = ('x' * draw(st.integers(1, 300_000)) if how == "enlarge"
                              else 'a,"b"\n' * draw(st.integers(1, 5)) + table[row][column])
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(table)
        rows = buffer.getvalue().rstrip("\n").split("\n")
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def _nest(value: Any, depth: int) -> Any:
    for _ in range(depth):
        value = [value] if depth % 2 else {"v": value}
    return value


def _json_page(data: bytes, how: str, draw: Callable[[st.SearchStrategy[Any]], Any]) -> bytes:
    page = json.loads(data)
    records = page.get("value", page.get("results"))
    rng = random.Random(draw(st.integers(0, 10**6)))
    if how == "encoding":
        which = draw(st.sampled_from(["utf-16", "utf-8-sig", "ascii-escapes"]))
        if which == "ascii-escapes":
            return json.dumps(page, ensure_ascii=True).encode()
        return _encode(json.dumps(page, ensure_ascii=False), which)
    record = rng.choice(records)
    if how == "duplicate":
        records.insert(rng.randrange(len(records) + 1), json.loads(json.dumps(record)))
    elif how == "reorder":
        rng.shuffle(records)
        for i, one in enumerate(records):
            keys = list(one)
            rng.shuffle(keys)
            records[i] = {k: one[k] for k in keys}
    elif how in ("nest", "enlarge"):
        key = rng.choice([k for k in record if k not in ("__id", "meta/rootUuid", "_uuid", "meta/instanceID")])
        record[key] = ("x" * draw(st.integers(1, 300_000)) if how == "enlarge"
                       else _nest(record[key], draw(st.integers(1, 90))))
    return json.dumps(page, ensure_ascii=False).encode("utf-8")


def _sheet(data: bytes, how: str, draw: Callable[[st.SearchStrategy[Any]], Any]) -> bytes:
    rng = random.Random(draw(st.integers(0, 10**6)))
    head, _, rest = data.partition(b"<sheetData>")
    body, _, tail = rest.partition(b"</sheetData>")
    rows = re.findall(rb"<row\b.*?</row>", body, flags=re.S)
    if how == "duplicate" and rows:
        rows.insert(rng.randrange(len(rows) + 1), rng.choice(rows))
    elif how == "reorder":
        rng.shuffle(rows)
    elif how in ("nest", "enlarge", "encoding") and rows:
        at = rng.randrange(len(rows))
        texts = re.findall(rb"<t>(.*?)</t>", rows[at], flags=re.S)
        if texts:
            old = rng.choice(texts)
            new = {"enlarge": b"x" * draw(st.integers(1, 300_000)),
                   "nest": b"&lt;c r=&quot;XFD1048576&quot;&gt;" * draw(st.integers(1, 5)) + old,
                   "encoding": old.decode("utf-8").encode("ascii", "xmlcharrefreplace")}[how]
            rows[at] = rows[at].replace(b"<t>" + old + b"</t>", b"<t>" + new + b"</t>", 1)
    return head + b"<sheetData>" + b"".join(rows) + b"</sheetData>" + tail


def _rezip(source: Path, target: Path, change: Callable[[str, bytes], bytes]) -> Path:
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, change(info.filename, zin.read(info)))
    return target


def corrupt(census: Census, fmt: str, how: str, draw: Callable[[st.SearchStrategy[Any]], Any],
            folder: Path) -> Path:
    source = census.exports[fmt]
    target = folder / source.name
    if how in ("truncate", "flip") and draw(st.booleans()):  # the file's own bytes (a zip's container too)
        data = source.read_bytes()
        target.write_bytes(data[:draw(st.integers(0, len(data)))] if how == "truncate" else _flip(data, draw))
        return target
    if fmt == "odk-csv":
        names = sorted(zipfile.ZipFile(source).namelist())
        chosen = draw(st.sampled_from(names))
        return _rezip(source, target, lambda name, data: _member_bytes(data, how, draw) if name == chosen else data)
    if fmt == "kobo-xlsx":
        return _rezip(source, target, lambda name, data: (
            _member_bytes(data, how, draw, _sheet) if name == "xl/worksheets/sheet1.xml" else data))
    target.write_bytes(_member_bytes(source.read_bytes(), how, draw, _json_page))
    return target


def _member_bytes(data: bytes, how: str, draw: Callable[[st.SearchStrategy[Any]], Any],
                  content: Callable[..., bytes] = _csv_member) -> bytes:
    if how == "truncate":
        return data[:draw(st.integers(0, len(data)))]
    if how == "flip":
        return _flip(data, draw)
    return content(data, how, draw)


# --- reading the corrupted export back without cbms, and the database -----------------------------------------


def _text_of(data: bytes) -> str:
    """The documented decoding: a BOM says; UTF-8; UTF-8 with stray bytes replaced; else Windows-1252."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        if re.search(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}", data):
            return data.decode("utf-8", errors="replace")
        return data.decode("cp1252", errors="replace")


def _answers_csv(path: Path) -> list[tuple[str, str]]:
    """(row key, answer) of every non-empty cell but Central's metadata, the form's meta block (which version,
    not what was answered) and the 0/1 columns Central splits a select_multiple into."""
    form = read_form(FORM)
    splits = (*("-".join(q.path) + "-" for q in form.questions if q.type == "select_multiple"), "meta-")
    csv.field_size_limit(1 << 30)  # the enlarged cells: the csv module stops at 131,072 characters
    out = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            rows = list(csv.reader(io.StringIO(_text_of(archive.read(name)), newline="")))
            header = rows[0]
            key = header.index("KEY")
            for row in rows[1:]:
                out += [(row[key], value) for column, value in zip(header, row, strict=False)
                        if value and not column.startswith(splits) and column not in CENTRAL_META]
    return out


def _leaves(value: Any, answers: bool = True) -> list[str]:
    """The texts in a JSON value; with `answers`, only answers: not server metadata (`__system`, `__id`, KoBo's
    `_...` keys), not the meta block, not a GeoJSON point's `type`, not OData's navigation links."""
    if isinstance(value, dict):
        return [x for k, v in value.items() if not answers or not (_metadata(k) or (k == "type" and v == "Point"))
                for x in _leaves(v, answers)]
    if isinstance(value, list):
        return [x for v in value for x in _leaves(v, answers)]
    if value is None or value == "":
        return []
    if isinstance(value, bool):
        return ["true" if value else "false"]
    if isinstance(value, float) and value.is_integer():
        return [str(int(value))]
    return [str(value)]


def _metadata(key: str) -> bool:
    return (key in ("__system", "__id", "meta", "formhub/uuid", "__version__") or key.startswith(("meta/", "_"))
            or "/_" in key or "@odata" in key)


def _answers_json(path: Path, fmt: str) -> list[tuple[str, str]]:
    page = json.loads(path.read_bytes())
    out = []
    for record in page["value" if fmt == "odk-odata" else "results"]:
        key = str(record["__id"]) if fmt == "odk-odata" else str(submission_key(record))
        out += [(key, leaf) for leaf in _leaves(record)]
    return out


def _answers_xlsx(path: Path) -> list[tuple[str, str]]:
    """Every non-empty cell of every sheet but the 0/1 columns KoBo splits a select_multiple into, keyed by
    nothing ('' = anywhere in the database)."""
    splits = tuple(q.xpath + "/" for q in read_form(FORM).questions if q.type == "select_multiple")
    book = CalamineWorkbook.from_path(str(path))
    out = []
    for name in book.sheet_names:
        rows = book.get_sheet_by_name(name).to_python()
        header = [str(h) for h in rows[0]] if rows else []
        for row in rows[1:]:
            out += [("", leaf) for column, value in zip(header, row, strict=False)
                    if not column.startswith(splits) and not _metadata(column) for leaf in _leaves(value)]
    return out


def _stored(db: Path) -> dict[str, str]:
    """Everything the database holds, as text by row key and by submission key ('' = all of it together)."""
    texts: dict[str, list[str]] = {"": []}
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'raw' "
                                            "AND table_name <> 'submission_versions'").fetchall()]
        rows = [dict(zip([d[0] for d in con.execute(f'SELECT * FROM raw."{t}"').description], r, strict=True))
                for t in tables for r in con.execute(f'SELECT * FROM raw."{t}"').fetchall()]
        for (content,) in con.execute("SELECT content FROM raw.submission_versions WHERE content IS NOT NULL"
                                      ).fetchall():
            rows += [r for level in json.loads(content).values() for r in level]
    finally:
        con.close()
    for row in rows:
        leaves = [x for v in row.values() if isinstance(v, str) for x in [v, *_json_leaves(v)]]
        for key in {row.get("_row_key"), row.get("_submission_key")} - {None}:
            texts.setdefault(str(key), []).extend(leaves)
        texts[""].extend(leaves)
    return {k: "\x1f".join(v) for k, v in texts.items()}


def _json_leaves(text: str) -> list[str]:
    if not text.startswith(("{", "[")):
        return []
    try:
        return [x for leaf in _leaves(json.loads(text), answers=False) for x in [leaf, *_json_leaves(leaf)]]
    except (json.JSONDecodeError, RecursionError):
        return []


def _kept(answer: str, text: str) -> bool:
    """An answer is in the database as written, or in a spelling with the same meaning (spaces around it, a
    number written otherwise: the load compares by meaning and keeps the stored spelling)."""
    if answer in text or answer.strip() in text:
        return True
    try:
        number = float(answer)
    except ValueError:
        return False
    return any(_same_number(token, number) for token in re.split(r"[\s\x1f,;]+", text))


def _same_number(token: str, number: float) -> bool:
    try:
        return float(token) == number
    except ValueError:
        return False


# --- the property ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def loaded(census: Census, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A database per format holding the census loaded from that format's export (so a corrupted export that
    still says the same is 'unchanged' with the same server metadata, not another format's)."""
    folder = tmp_path_factory.mktemp("loaded")
    out = {}
    for fmt, export in census.exports.items():
        out[fmt] = folder / f"{fmt}.duckdb"
        assert main(["ingest", str(export), "--db", str(out[fmt]), "--form", str(FORM)]) == 0
    return out


@SETTINGS
@given(data=st.data(), fmt=st.sampled_from(["odk-csv", "odk-odata", "kobo-json", "kobo-xlsx"]),
       how=st.sampled_from(MUTATIONS))
def test_a_corrupted_export_is_refused_cleanly_or_loaded_whole(
        census: Census, loaded: dict[str, Path], tmp_path_factory: pytest.TempPathFactory,
        capsys: pytest.CaptureFixture[str], data: st.DataObject, fmt: str, how: str) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    path = corrupt(census, fmt, how, data.draw, folder)
    db = folder / "cbms.duckdb"
    shutil.copy(loaded[fmt], db)
    before = content_hash(db)
    capsys.readouterr()

    code = main(["ingest", str(path), "--db", str(db), "--form", str(FORM)])

    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    event(f"{fmt} {how}: exit {code}" + (f" {err[-1][3:11]}" if code else ""))  # --hypothesis-show-statistics
    assert leftovers(folder) == []
    if code == 1:
        assert CODED.match(err[-1]), err
        assert content_hash(db) == before
        return
    assert code == 0, err
    answers = {"odk-csv": _answers_csv, "kobo-xlsx": _answers_xlsx}.get(fmt, lambda p: _answers_json(p, fmt))(path)
    stored = _stored(db)
    lost = [(key, answer[:60]) for key, answer in answers if not _kept(answer, stored.get(key, ""))]
    assert not lost, lost[:5]

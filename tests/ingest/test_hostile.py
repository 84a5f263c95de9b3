"""Issue 20, the hostile and broken exports one by one: each ends in one coded line and exit 1 with the database
as it was, or loads without losing an answer. Files are generated small; what each case used to do is said beside
it (measured with tests/ingest/bench_hostile.py on the code before the fix)."""

from __future__ import annotations

import io
import json
import random
import re
import struct
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from cbms import errors
from cbms.errors import CbmsError
from cbms.form import FormSpec
from cbms.ingest import files, read_export, text
from tests.conftest import Census, Outcome

FORM_ID = "cbms_grb_hogar"


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {i.filename: archive.read(i) for i in archive.infolist()}


def _zip(target: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return target


def _refused(outcome: Outcome, detail: errors.Detail) -> None:
    assert (outcome.code, outcome.unchanged) == (1, True), outcome
    assert outcome.last_error.startswith(f"✗ [{detail.code}]"), outcome.last_error


def _rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


# --- 1. tracebacks on bad input (before: _csv.Error, RecursionError, AttributeError) ---------------------------


def test_random_bytes_named_zip_are_one_coded_line(tmp_path: Path, ingest: Callable[..., Outcome]) -> None:
    # 300 files of random bytes (a third starting "PK") once gave 63 `_csv.Error` tracebacks: each is coded now
    for seed in range(40):
        rng = random.Random(seed)
        path = tmp_path / "random.zip"
        path.write_bytes((b"PK" if seed % 3 == 0 else b"") + rng.randbytes(rng.choice([10, 100, 1000, 20000])))
        outcome = ingest(path)
        assert (outcome.code, outcome.unchanged) == (1, True) and outcome.last_error.startswith("✗ [ING_"), seed


def test_a_csv_with_carriage_return_line_ends_reads_like_the_original(census: Census, tmp_path: Path,
                                                                      form: FormSpec) -> None:
    members = _members(census.exports["odk-csv"])
    mac = _zip(tmp_path / "mac.zip", {n: d.replace(b"\r\n", b"\n").replace(b"\n", b"\r") for n, d in members.items()})
    original, cr_only = read_export(census.exports["odk-csv"], form), read_export(mac, form)
    for level, table in original.tables.items():  # before: _csv.Error "new-line character seen in unquoted field"
        assert cr_only.tables[level].drop_columns(["_source_file"]).equals(table.drop_columns(["_source_file"]))


def test_a_200000_character_column_name_is_read(census: Census, tmp_path: Path, form: FormSpec) -> None:
    members = _members(census.exports["odk-csv"])
    head, _, rows = members[f"{FORM_ID}.csv"].partition(b"\n")
    long_name = "x" * 200_000
    members[f"{FORM_ID}.csv"] = head + b"," + long_name.encode() + b"\n" + rows.replace(b"\n", b",kept\n")
    export = read_export(_zip(tmp_path / "wide.zip", members), form)  # before: _csv.Error "field larger than ..."
    extra = [json.loads(x) for x in export.tables["household"].column("_extra").to_pylist()]
    assert [e[long_name] for e in extra] == ["kept"] * 6  # six households, each with its answer in the new column


def test_json_nested_a_million_levels_deep(tmp_path: Path, ingest: Callable[..., Outcome]) -> None:
    deep = tmp_path / "deep.json"  # before: RecursionError
    deep.write_bytes(b'{"value": [{"__id": "uuid:a", "q": ' + b"[" * 1_000_000 + b"]" * 1_000_000 + b"}]}")
    _refused(ingest(deep), errors.ING_014)
    nested = tmp_path / "nested.json"  # deep enough to pass json, too deep for any form: refused by the walk
    nested.write_bytes(b'{"value": [{"__id": "uuid:a", "g": ' + b'{"g": ' * 200 + b"1" + b"}" * 200 + b"}]}")
    _refused(ingest(nested), errors.ING_014)


@pytest.mark.parametrize(("page", "detail"), [
    ({"value": ["a", "b"]}, errors.ING_023),
    ({"value": [{"__id": "uuid:a", "member": ["not", "a", "record"]}]}, errors.ING_023),
    ({"value": [{"name": "no id"}]}, errors.ING_024),
    ({"results": ["a", "b"]}, errors.ING_023),
    ({"results": [{"member": [{"age": 3}, 7]}, ]}, errors.ING_024),
    ({"results": [{"_uuid": "u1", "member": [{"age": 3}, 7]}]}, errors.ING_023),
    ({"count": 1, "next": None}, errors.ING_031),
], ids=["odata-strings", "odata-repeat-strings", "odata-no-id", "kobo-strings", "kobo-no-id", "kobo-repeat-strings",
        "no-list"])
def test_pages_whose_records_are_not_records(tmp_path: Path, ingest: Callable[..., Outcome], page: object,
                                             detail: errors.Detail) -> None:
    path = tmp_path / "page.json"  # before: AttributeError 'str' object has no attribute 'get'
    path.write_text(json.dumps(page))
    _refused(ingest(path), detail)


# --- 2. one stray byte (before: exit 0, every accented name of the file garbled as Windows-1252) -------------


def test_one_stray_byte_is_replaced_and_located_not_the_whole_file(census: Census, tmp_path: Path,
                                                                   ingest: Callable[..., Outcome]) -> None:
    members = _members(census.exports["odk-csv"])
    member = members[f"{FORM_ID}-member.csv"]
    start_of_line_4 = [i for i, b in enumerate(member) if b == ord("\n")][2] + 1
    members[f"{FORM_ID}-member.csv"] = member[:start_of_line_4] + b"\xff" + member[start_of_line_4:]
    path = _zip(tmp_path / "stray.zip", members)
    assert "á" in member.decode() or "é" in member.decode() or "ñ" in member.decode()  # names to garble

    outcome = ingest(path)

    where = f"{path}/{FORM_ID}-member.csv"
    assert (outcome.code, outcome.last_error) == (0, "! " + errors.ING_025.format("es", path=where, count=1, lines="4"))
    warning = read_export(path, census_form()).warnings
    assert [w.message("en") for w in warning] == [errors.ING_025.format("en", path=where, count=1, lines="4")]
    table = read_export(path, census_form()).tables["member"]
    names = table.column("full_name").to_pylist()
    assert not [n for n in names if n and "Ã" in n]  # nothing read as Windows-1252
    original = read_export(census.exports["odk-csv"], census_form()).tables["member"].column("line_no").to_pylist()
    changed = [i for i, (a, b) in enumerate(zip(table.column("line_no").to_pylist(), original, strict=True)) if a != b]
    assert changed == [2]  # line 4 of the file is its third data row, whose first answer got the stray byte


def census_form() -> FormSpec:
    from cbms.demo import FORM
    from cbms.form import read_form

    return read_form(FORM)


@pytest.fixture
def form() -> FormSpec:
    return census_form()


def test_a_windows_1252_file_is_still_read_as_such(tmp_path: Path) -> None:
    data = "KEY,name\nuuid:a,Begoña Peñafiel\n".encode("cp1252")
    parsed = text.read_csv_text(tmp_path, "x.csv", data)
    assert parsed.table.column("name").to_pylist() == ["Begoña Peñafiel"]
    assert [n.code for n in parsed.notices] == ["ING_011"]


def test_utf16_with_its_byte_order_mark_is_read(tmp_path: Path) -> None:
    parsed = text.read_csv_text(tmp_path, "x.csv", "KEY,name\nuuid:a,Begoña\n".encode("utf-16"))
    assert parsed.table.column("name").to_pylist() == ["Begoña"] and not parsed.notices


# --- 3. crafted XLSX (before: exit 134 with a Rust backtrace; 7.9 GB for a 3 GB sheet) ---------------------


def _rewrite_xlsx(source: Path, target: Path, change: Callable[[str, bytes], bytes]) -> Path:
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, change(info.filename, zin.read(info)))
    return target


def test_a_cell_at_xfd1048576_is_refused_before_calamine(census: Census, tmp_path: Path,
                                                         ingest: Callable[..., Outcome]) -> None:
    far = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    path = _rewrite_xlsx(census.exports["kobo-xlsx"], tmp_path / "far.xlsx", lambda name, data: data.replace(
        b"</sheetData>", far) if name == "xl/worksheets/sheet2.xml" else data)
    outcome = ingest(path)
    _refused(outcome, errors.ING_016)
    assert "XFD1048576" in outcome.last_error and "17179869184" in outcome.last_error  # 1048576 x 16384 cells


def test_a_sheet_that_inflates_past_the_limit_is_refused(census: Census, tmp_path: Path,
                                                         ingest: Callable[..., Outcome],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from cbms.ingest import xlsx_size

    monkeypatch.setattr(xlsx_size, "MAX_XLSX_BYTES", 1_000_000)  # the real limit, 2 GiB, scaled to a small file
    rows = b"".join(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>yes</t></is></c></row>' % (n, n)
                    for n in range(2, 40_000))
    path = _rewrite_xlsx(census.exports["kobo-xlsx"], tmp_path / "big.xlsx", lambda name, data: data.replace(
        b"</sheetData>", rows + b"</sheetData>") if name == "xl/worksheets/sheet1.xml" else data)
    _refused(ingest(path), errors.ING_005)


# --- 4. a zip that lies about its sizes (before: 2 GB of memory before the CRC failed) -----------------------


def lying_zip(target: Path, inflated: int, declared: int) -> Path:
    """One member whose deflate stream inflates to `inflated` bytes while the zip directory says `declared`."""
    name = f"{FORM_ID}.csv".encode()
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = packer.compress(b"0" * inflated) + packer.flush()
    crc = zlib.crc32(b"0" * inflated)
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(data), declared, len(name), 0) + name
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(data), declared,
                          len(name), 0, 0, 0, 0, 0, 0) + name
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central), len(local) + len(data), 0)
    target.write_bytes(local + data + central + end)
    return target


def test_a_zip_that_lies_about_its_size_never_inflates_past_it(tmp_path: Path, form: FormSpec) -> None:
    path = lying_zip(tmp_path / "lying.zip", inflated=64 * 1024**2, declared=1000)
    tracemalloc.start()
    try:
        with pytest.raises(CbmsError) as refused:
            read_export(path, form)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert refused.value.code == "ING_004"
    # ZipFile.read inflated all 64 MB in one call; a chunk at a time, memory stays near the declared 1,000 bytes
    assert peak < 8 * files.CHUNK


# --- 5. many members (before: each reopened the archive; 1,000 members 3.2 s, 5,000 members 75 s) ----------


def test_a_zip_is_opened_a_fixed_number_of_times_whatever_its_members(census: Census, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    members = _members(census.exports["odk-csv"])
    many = _zip(tmp_path / "many.zip", {**members, **{f"notas/n{i}.csv": b"a,b\n1,2\n" for i in range(300)}})
    opened = []
    original = zipfile.ZipFile.__init__

    def counting(self: zipfile.ZipFile, *args: object, **kwargs: object) -> None:
        opened.append(args[0])
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(zipfile.ZipFile, "__init__", counting)
    bundle = files.open_export(many)
    assert len(bundle.files) == 303 and len(opened) == 3  # the directory check, then one handle per thread


def test_two_members_with_one_name_are_refused(census: Census, tmp_path: Path,
                                               ingest: Callable[..., Outcome]) -> None:
    members = _members(census.exports["odk-csv"])
    twice = _zip(tmp_path / "twice.zip", {**members, f"old/{FORM_ID}.csv": members[f"{FORM_ID}.csv"]})
    _refused(ingest(twice), errors.ING_027)  # before: the second silently replaced the first


# --- 9. KoBo's own lists of objects (before: ING_013, the whole export refused) ------------------------------


def test_kobo_attachments_and_notes_are_metadata_not_repeats(census: Census, tmp_path: Path,
                                                             ingest: Callable[..., Outcome]) -> None:
    page = json.loads(census.exports["kobo-json"].read_bytes())
    attachment = {"download_url": "https://kf.kobotoolbox.org/a.jpg", "mimetype": "image/jpeg", "id": 7}
    page["results"][0]["_attachments"] = [attachment]
    page["results"][1]["_notes"] = [{"note": "revisar", "id": 3}]
    path = tmp_path / "kobo.json"
    path.write_text(json.dumps(page))

    assert ingest(path).code == 0
    export = read_export(path, census_form())
    meta = [json.loads(m) for m in export.tables["household"].column("_meta").to_pylist()]
    assert json.loads(meta[0]["_attachments"]) == [attachment]
    assert json.loads(meta[1]["_notes"]) == [{"note": "revisar", "id": 3}]


# --- 11. the minor messages -----------------------------------------------------------------------------------


def test_the_ratio_rule_names_the_ratio_not_the_size_limit(tmp_path: Path, ingest: Callable[..., Outcome]) -> None:
    path = _zip(tmp_path / "ratio.zip", {f"{FORM_ID}.csv": b"0" * 60_000_000})
    outcome = ingest(path)
    _refused(outcome, errors.ING_015)
    packed = zipfile.ZipFile(path).infolist()[0].compress_size
    assert outcome.last_error == "✗ " + errors.ING_015.format("es", path=path, ratio=60_000_000 // packed,
                                                               limit=files.MAX_RATIO)


def test_an_answer_longer_than_a_parse_block_is_read_whole(census: Census, tmp_path: Path, form: FormSpec,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text, "BLOCK", 1 << 16)  # 4 MiB in use; a 50 MB cell was "truncated or malformed"
    members = _members(census.exports["odk-csv"])
    head, _, rows = members[f"{FORM_ID}.csv"].partition(b"\n")
    column = head.decode().split(",").index("ident-address")
    lines = rows.split(b"\n")
    cells = lines[0].split(b",")
    cells[column] = b"x" * 200_000
    lines[0] = b",".join(cells)
    members[f"{FORM_ID}.csv"] = head + b"\n" + b"\n".join(lines)
    table = read_export(_zip(tmp_path / "long.zip", members), form).tables["household"]
    assert table.column("address").to_pylist()[0] == "x" * 200_000


def test_reasons_are_in_the_chosen_language_only(tmp_path: Path, ingest: Callable[..., Outcome]) -> None:
    folder = tmp_path / "nothing"
    folder.mkdir()
    (folder / "notes.txt").write_text("nada")
    outcome = ingest(folder, "--lang", "en")  # before: "...: la carpeta no tiene ... / the folder holds no ..."
    assert outcome.last_error == "✗ " + errors.ING_017.format("en", path=folder)


def test_every_ingest_message_says_one_language() -> None:
    spanish = ("archivo", "carpeta", "registro", " no es ", "falta")
    english = ("file", "folder", "record", " is not ", "missing")
    for name, detail in vars(errors).items():
        if isinstance(detail, errors.Detail) and name.startswith("ING_"):
            es, en = (re.sub(r"\{[^}]*\}", "", t) for t in (detail.es, detail.en))  # placeholders aside
            assert not any(word in en for word in spanish), name
            assert not any(word in es for word in english), name


def test_an_export_with_no_submission_is_refused(census: Census, tmp_path: Path,
                                                 ingest: Callable[..., Outcome]) -> None:
    members = _members(census.exports["odk-csv"])
    empty = _zip(tmp_path / "empty.zip", {n: d.split(b"\n", 1)[0] + b"\n" for n, d in members.items()})
    _refused(ingest(empty), errors.ING_026)  # before: exit 0, "0 new", no word
    page = tmp_path / "empty.json"
    page.write_text('{"value": []}')
    _refused(ingest(page), errors.ING_026)


def test_a_damaged_member_is_ing_004_not_a_traceback(census: Census, tmp_path: Path,
                                                     ingest: Callable[..., Outcome]) -> None:
    data = bytearray(census.exports["odk-csv"].read_bytes())
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).infolist()[0]
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for i in range(start, start + 40):  # the member's deflate stream, garbled
        data[i] ^= 0x5A
    path = tmp_path / "garbled.zip"
    path.write_bytes(bytes(data))
    _refused(ingest(path), errors.ING_004)


def test_a_workbook_whose_parts_are_damaged_is_ing_004(census: Census, tmp_path: Path,
                                                       ingest: Callable[..., Outcome]) -> None:
    # found by the hostile-input suite: a flipped byte in xl/workbook.xml escaped as BadZipFile, and a cut
    # stream as EOFError, which click printed as a bare "Aborted."
    data = bytearray(census.exports["kobo-xlsx"].read_bytes())
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("xl/workbook.xml")
    data[info.header_offset + 30 + len(info.filename) + 5] ^= 0xFF
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(bytes(data))
    _refused(ingest(path), errors.ING_004)


def test_a_column_without_a_name_is_kept(census: Census, tmp_path: Path, form: FormSpec) -> None:
    # found by the hostile-input suite: an empty header cell made invalid SQL (a zero-length identifier)
    members = _members(census.exports["odk-csv"])
    head, _, rows = members[f"{FORM_ID}.csv"].partition(b"\n")
    members[f"{FORM_ID}.csv"] = head + b",\n" + rows.replace(b"\n", b",sin nombre\n")
    export = read_export(_zip(tmp_path / "unnamed.zip", members), form)
    extra = [json.loads(x) for x in export.tables["household"].column("_extra").to_pylist()]
    assert [e[""] for e in extra] == ["sin nombre"] * 6

"""A census made in several chunks of households: each writer joins the chunks exactly as one census would be
written, the keys stay unique across chunks, and memory holds one chunk (the census is never joined)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest

import cbms.demo as demo
from cbms.demo import FORM, census_chunks, join_census, write_demo
from cbms.demo.kobo_json import write_kobo_json
from cbms.demo.odk_csv import write_odk_csv
from cbms.demo.odk_odata import write_odk_odata
from cbms.form import read_form

CENSUS = {"households": 400, "seed": 11, "error_rate": 0.1}  # 3 chunks of 150 (150, 150, 100)
WRITERS = {"odk-csv": write_odk_csv, "odk-odata": write_odk_odata, "kobo-json": write_kobo_json}


def _digest(paths: tuple[Path, ...]) -> str:
    h = hashlib.sha256()
    for p in sorted(paths, key=lambda p: p.name):
        h.update(p.name.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo, "CHUNK", 150)


@pytest.mark.usefixtures("small_chunks")
@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_chunks_are_written_as_the_census_they_make(tmp_path: Path, fmt: str) -> None:
    # the oracle: the same chunks joined into one census first, then written in one piece
    spec = read_form(FORM)
    nested = fmt != "odk-csv"

    def chunks() -> list[demo.Census]:
        return [c for c, _, _ in census_chunks(400, 11, spec, 0.1, formats_orphans=not nested)]

    parts = chunks()
    assert len(parts) == 3
    (tmp_path / "whole").mkdir()
    (tmp_path / "chunked").mkdir()
    whole = WRITERS[fmt]([join_census(parts)], tmp_path / "whole", 11)  # type: ignore[operator]
    chunked = WRITERS[fmt](iter(chunks()), tmp_path / "chunked", 11)  # type: ignore[operator]
    assert _digest(chunked) == _digest(whole)


@pytest.mark.usefixtures("small_chunks")
def test_keys_and_counts_across_chunks(tmp_path: Path) -> None:
    result = write_demo(fmt="odk-csv", out=tmp_path, **CENSUS)  # type: ignore[arg-type]
    with zipfile.ZipFile(result.files[0]) as zf:
        root = list(csv.DictReader(io.TextIOWrapper(zf.open("cbms_grb_hogar.csv"), encoding="utf-8")))
        members = list(csv.DictReader(io.TextIOWrapper(zf.open("cbms_grb_hogar-member.csv"), encoding="utf-8")))
    injected = json.loads((tmp_path / "injected.json").read_text(encoding="utf-8"))
    duplicates = sum(r["error"] == "duplicate_submission" for r in injected)
    assert len(root) == result.submissions == 400 + duplicates  # one row per visit, and each sent-again copy
    assert len({r["KEY"] for r in root}) == 400  # new keys in every chunk: no two households share one
    assert len(members) == result.members
    assert len({m["KEY"] for m in members}) == len(members) - sum(  # a duplicate's members come again
        m["PARENT_KEY"] in {r["key"] for r in injected if r["error"] == "duplicate_submission"} for m in members) // 2
    assert result.injected == len(injected)
    assert {r["row_key"] for r in injected if r["table"] == "member"} <= {m["KEY"] for m in members} | {
        f"{r['key']}/member[1]" for r in injected if r["error"] == "orphan_member"}


@pytest.mark.usefixtures("small_chunks")
def test_kobo_ids_run_on_across_chunks(tmp_path: Path) -> None:
    result = write_demo(fmt="kobo-json", out=tmp_path, **CENSUS)  # type: ignore[arg-type]
    ids = [r["_id"] for p in sorted(result.files) if p.name.startswith("data-")
           for r in json.loads(p.read_text(encoding="utf-8"))["results"]]
    assert ids == list(range(ids[0], ids[0] + result.submissions))

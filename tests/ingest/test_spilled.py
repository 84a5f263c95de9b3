"""A Central CSV zip too big to hold is inflated into scratch files and staged on disk a block at a time: the
raw tables it stores are those the in-memory reading stores, row for row, and loading it again changes nothing."""

from __future__ import annotations

import zipfile
from pathlib import Path

import duckdb
import pyarrow.dataset as ds
import pytest

from cbms.demo import write_demo
from cbms.errors import ING_025, ING_041, CbmsError
from cbms.form import read_form
from cbms.form.layout import ROOT
from cbms.ingest import files, read_export
from cbms.store import open_database, write_tables

FORM = read_form(Path(__file__).resolve().parents[2] / "forms" / "cbms_grb_hogar.xlsx")


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    result = write_demo(households=300, seed=5, fmt="odk-csv", out=tmp_path_factory.mktemp("demo"), error_rate=0.1)
    return result.files[0]


def _raw(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every raw table's rows, sorted (the oracle: the in-memory reading's database, compared row for row)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'raw' "
                                           "ORDER BY 1").fetchall()]
        return {n: sorted(con.execute(f'SELECT * FROM raw."{n}"').fetchall(), key=repr) for n in names}
    finally:
        con.close()


def _load(export: Path, db: Path) -> list[int | None]:
    with open_database(db) as con:
        return [write_tables(con, read_export(export, FORM), FORM, db).load_id for _ in range(2)]


def _rezip(source: Path, target: Path, change: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, change.get(info.filename, zin.read(info.filename)))
    return target


def test_a_spilled_export_stores_the_same_raw_tables(export: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    assert _load(export, tmp_path / "memory.duckdb") == [1, None]  # loaded, then unchanged
    monkeypatch.setattr(files, "SPILL_BYTES", 0)
    staged = read_export(export, FORM)
    assert all(isinstance(t, ds.Dataset) for t in staged.tables.values())  # on disk, not in memory
    assert _load(export, tmp_path / "spilled.duckdb") == [1, None]  # idempotent reload through the staged path
    assert _raw(tmp_path / "spilled.duckdb") == _raw(tmp_path / "memory.duckdb")


def test_a_member_streaming_refuses_is_read_carefully_with_its_notice(export: Path, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    with zipfile.ZipFile(export) as zf:
        member = zf.read("cbms_grb_hogar-member.csv")
    lines = member.split(b"\n")
    lines[3] = lines[3].replace(b"Quispe", b"Quisp\xe9", 1) if b"Quispe" in lines[3] else lines[3] + b"\xe9"
    stray = _rezip(export, tmp_path / "stray.zip", {"cbms_grb_hogar-member.csv": b"\n".join(lines)})
    in_memory = read_export(stray, FORM)
    monkeypatch.setattr(files, "SPILL_BYTES", 0)
    spilled = read_export(stray, FORM)
    assert [w.detail for w in spilled.warnings] == [w.detail for w in in_memory.warnings] == [ING_025]
    assert isinstance(spilled.tables[ROOT], ds.Dataset)  # the root streamed; the member file was read whole
    assert spilled.tables["member"].equals(in_memory.tables["member"])


def test_a_scratch_folder_that_cannot_take_the_export_is_said(export: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "SPILL_BYTES", 0)
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the scratch folder should be", encoding="utf-8")
    monkeypatch.setattr(files.tempfile, "tempdir", str(blocked))
    with pytest.raises(CbmsError) as raised:
        read_export(export, FORM)
    assert raised.value.detail is ING_041

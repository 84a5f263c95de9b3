"""Confidential outreach lists on the demo census: exactly the households a rule selects, owner-only, recorded
in meta, refused without a purpose or inside a run's outputs, encrypted when asked (and unreadable without the
key), and never written by `cbms run`."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import stat
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

from cbms import errors
from cbms.cli import main
from cbms.config import load_manifest
from cbms.errors import CbmsError
from cbms.targeting import Targeting, WrittenList, list_log, write_list
from cbms.targeting.encryption import KEY_VARIABLE, read_encrypted
from cbms.targeting.lists import COLUMNS
from tests.conftest import ROOT
from tests.targeting import oracle

KEY = base64.b64encode(bytes(range(32))).decode()  # a fixed test key: 32 bytes, AES-256


def _write(demo_out: Path, targeting: Targeting, rule: str, out: Path, purpose: str | None = "visitas",
           encrypt: bool = False) -> WrittenList:
    con = duckdb.connect(str(demo_out / "supervision" / "cbms.duckdb"))
    try:
        only = dataclasses.replace(targeting, rules=(targeting.get(rule),))
        return write_list(con, only, load_manifest(), purpose, out, encrypt=encrypt)
    finally:
        con.close()


def _log(demo_out: Path) -> list[object]:
    con = duckdb.connect(str(demo_out / "supervision" / "cbms.duckdb"), read_only=True)
    try:
        return list(list_log(con))
    finally:
        con.close()


def test_a_run_writes_no_list(demo_out: Path) -> None:
    assert not [p for p in demo_out.rglob("*") if p.name.startswith("lista")]
    assert _log(demo_out) == []


@pytest.mark.parametrize("rule", ["juntos", "pension65", "vaso_de_leche", "comedor", "qali_warma", "cuna_mas",
                                  "contigo"])
def test_a_list_holds_exactly_the_households_its_rule_selects(demo_out: Path, targeting: Targeting, rule: str,
                                                               tmp_path: Path) -> None:
    con = duckdb.connect(str(demo_out / "supervision" / "cbms.duckdb"), read_only=True)
    try:
        homes = oracle.households(con)
    finally:
        con.close()
    # the shipped criterion, `eligible AND NOT receives`, by the second implementation
    chosen = [u for u in oracle.units(rule, homes) if u.eligible is True and u.receives is False]
    expected = {u.household.key for u in chosen}
    written = _write(demo_out, targeting, rule, tmp_path / "listas")
    rows = list(load_workbook(written.path, read_only=True).worksheets[0].iter_rows(values_only=True))
    keys = [r[0] for r in rows[1:]]
    assert len(keys) == len(set(keys)) == written.households
    assert set(keys) == expected and expected, rule
    if targeting.get(rule).unit == "person":
        assert written.persons == len(chosen)


def test_owner_only(demo_out: Path, targeting: Targeting, tmp_path: Path) -> None:
    folder = tmp_path / "nuevo" / "listas"
    first = _write(demo_out, targeting, "pension65", folder)
    second = _write(demo_out, targeting, "comedor", folder)  # its own folder, already owner-only: used again
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert {stat.S_IMODE(p.stat().st_mode) for p in (first.path, second.path)} == {0o600}
    assert sorted(folder.iterdir()) == sorted([first.path, second.path])


def test_a_folder_others_can_read_is_refused(demo_out: Path, targeting: Targeting, tmp_path: Path) -> None:
    folder = tmp_path / "compartida"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    with pytest.raises(CbmsError) as info:
        _write(demo_out, targeting, "pension65", folder)
    assert info.value.detail is errors.TGT_017 and not list(folder.iterdir())


def test_meta_records_every_list(demo_out: Path, targeting: Targeting, tmp_path: Path) -> None:
    before = len(_log(demo_out))
    written = _write(demo_out, targeting, "cuna_mas", tmp_path / "l", purpose="  visitas de Cuna Más, sector 2 ")
    records = _log(demo_out)
    assert len(records) == before + 1
    record = records[-1]
    assert record == written.record
    assert record.purpose == "visitas de Cuna Más, sector 2" and record.rule_id == "cuna_mas"
    assert record.households == written.households and record.persons == written.persons
    assert record.file == str(written.path.resolve()) and not record.encrypted and record.user_name
    assert record.file_sha256 == hashlib.sha256(written.path.read_bytes()).hexdigest()
    rule_file = ROOT / "pipelines" / "targeting" / "cuna_mas.yaml"
    assert record.rule_sha256 == hashlib.sha256(rule_file.read_bytes()).hexdigest()
    assert record.criterion == "eligible AND NOT receives"


@pytest.mark.parametrize("purpose", [None, "", "   "])
def test_no_purpose_no_list(demo_out: Path, targeting: Targeting, tmp_path: Path, purpose: str | None) -> None:
    before = len(_log(demo_out))
    with pytest.raises(CbmsError) as info:
        _write(demo_out, targeting, "pension65", tmp_path / "l", purpose=purpose)
    assert info.value.detail is errors.TGT_015
    assert not (tmp_path / "l").exists() and len(_log(demo_out)) == before


def test_never_inside_a_run_folder(demo_out: Path, targeting: Targeting, tmp_path: Path) -> None:
    # today's flat OUT (the demo run), a folder deep inside it, and the three audiences' layout
    layered = tmp_path / "ronda"
    (layered / "analisis").mkdir(parents=True)
    (layered / "analisis" / "indicators.parquet").write_bytes(b"")
    for out in (demo_out / "listas", demo_out / "a" / "b", layered / "supervision" / "listas"):
        with pytest.raises(CbmsError) as info:
            _write(demo_out, targeting, "pension65", out)
        assert info.value.detail is errors.TGT_016 and not out.exists()


def test_encrypted_round_trip(demo_out: Path, targeting: Targeting, tmp_path: Path,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    plain = _write(demo_out, targeting, "pension65", tmp_path / "plana")
    monkeypatch.setenv(KEY_VARIABLE, KEY)
    sealed = _write(demo_out, targeting, "pension65", tmp_path / "cifrada", encrypt=True)
    assert sealed.path.suffix == ".parquet" and stat.S_IMODE(sealed.path.stat().st_mode) == 0o600
    assert sealed.record.encrypted and sealed.record.file_sha256 == hashlib.sha256(
        sealed.path.read_bytes()).hexdigest()
    table = read_encrypted(sealed.path, base64.b64decode(KEY))
    assert table.column_names == list(COLUMNS)
    sheet = load_workbook(plain.path, read_only=True).worksheets[0]
    assert [tuple(r.values()) for r in table.to_pylist()] == list(sheet.iter_rows(values_only=True))[1:]
    assert table.schema.metadata[b"purpose"] == b"visitas"
    # without the key nothing reads it: not pyarrow, not DuckDB; with another key, neither
    with pytest.raises(OSError):
        pq.read_table(sealed.path)
    with pytest.raises(duckdb.Error):
        duckdb.connect().execute(f"SELECT * FROM '{sealed.path}'").fetchall()
    with pytest.raises(CbmsError) as info:
        read_encrypted(sealed.path, bytes(32))
    assert info.value.detail is errors.TGT_020
    # the README's recipe: DuckDB with the same base64 key
    con = duckdb.connect()
    con.execute(f"PRAGMA add_parquet_key('lista', '{KEY}')")
    rows = con.execute(f"SELECT * FROM read_parquet('{sealed.path}', encryption_config = {{footer_key: 'lista'}})"
                       ).fetchall()
    assert rows == [tuple(r.values()) for r in table.to_pylist()]


@pytest.mark.parametrize(("value", "detail"), [(None, errors.TGT_018), ("no es base64!", errors.TGT_019),
                                               (base64.b64encode(b"short").decode(), errors.TGT_019)])
def test_a_missing_or_bad_key(demo_out: Path, targeting: Targeting, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                              value: str | None, detail: errors.Detail) -> None:
    if value is None:
        monkeypatch.delenv(KEY_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(KEY_VARIABLE, value)
    with pytest.raises(CbmsError) as info:
        _write(demo_out, targeting, "pension65", tmp_path / "l", encrypt=True)
    assert info.value.detail is detail
    assert not list((tmp_path / "l").iterdir())


def test_command_line(demo_out: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db, rule = str(demo_out / "supervision" / "cbms.duckdb"), str(ROOT / "pipelines" / "targeting" / "pension65.yaml")
    assert main(["target", "--rule", rule, "--db", db, "--out", str(tmp_path / "l")]) == 1
    assert "[TGT_015]" in capsys.readouterr().err
    assert main(["--lang", "en", "target", "--rule", rule, "--db", db, "--out", str(demo_out / "l"),
                 "--purpose", "x"]) == 1
    assert "[TGT_016]" in capsys.readouterr().err
    assert main(["target", "--rule", rule, "--db", db, "--out", str(tmp_path / "l"),
                 "--purpose", "afiliación a Pensión 65"]) == 0
    assert main(["--lang", "en", "target", "--log", "--db", db]) == 0
    out = capsys.readouterr().out
    (listed,) = (tmp_path / "l").iterdir()
    assert "afiliación a Pensión 65" in out and hashlib.sha256(listed.read_bytes()).hexdigest() in out

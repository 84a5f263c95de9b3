"""`cbms budget` and the manifest's [budget] section: each mistake one coded line, exit 1, nothing written."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from cbms.cli import main
from cbms.config import load_manifest
from cbms.errors import BUD_032, BUD_033, BUD_035, DB_003, MAN_003, MAN_004, MAN_006, CbmsError
from tests.budget.cases import build_mart
from tests.conftest import ROOT

DEMO = (ROOT / "pipelines" / "ves_demo.toml").read_text(encoding="utf-8").replace("../", f"{ROOT}/")


def _manifest(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "ronda.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_demo_manifest_names_its_budget() -> None:
    budget = load_manifest().budget
    assert budget is not None and budget.file == ROOT / "data" / "demo" / "presupuesto_participativo_2026.csv"
    assert (budget.sheet, dict(budget.columns)) == (None, {})


@pytest.mark.parametrize(("change", "code", "key"), [
    (('file = "', 'file = "no-such-'), MAN_006, "budget.file"),
    (("[budget]", '[budget]\nsheets = "PP"'), MAN_003, "budget.sheets"),
    (("[budget]", '[budget]\ncolumns = {amount = 3}'), MAN_004, "budget.columns.amount"),
])
def test_manifest_mistakes(tmp_path: Path, change: tuple[str, str], code: object, key: str) -> None:
    head, tail = DEMO.split("[budget]")
    tail = "[budget]" + tail
    with pytest.raises(CbmsError) as info:
        load_manifest(_manifest(tmp_path, head + tail.replace(*change, 1)))
    (problem,) = info.value.problems  # the manifest lists every problem at once (MAN_008): here one
    assert problem.detail is code and key in problem.message("en")  # type: ignore[attr-defined]


def test_a_manifest_without_budget(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    manifest = _manifest(tmp_path, DEMO.split("[budget]")[0])
    assert load_manifest(manifest).budget is None
    assert main(["budget", "--db", str(tmp_path / "x.duckdb"), "--out", str(tmp_path / "o"), "--manifest",
                 str(manifest)]) == 1
    assert f"[{BUD_035.code}]" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_a_database_without_indicators(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    manifest = _manifest(tmp_path, DEMO)
    out = tmp_path / "out"
    assert main(["budget", "--db", str(tmp_path / "missing.duckdb"), "--out", str(out), "--manifest",
                 str(manifest)]) == 1
    assert f"[{DB_003.code}]" in capsys.readouterr().err
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    assert main(["--lang", "en", "budget", "--db", str(empty), "--out", str(out), "--manifest", str(manifest)]) == 1
    assert f"[{BUD_032.code}] The database holds no computed indicators" in capsys.readouterr().err
    partial = tmp_path / "partial.duckdb"
    con = duckdb.connect(str(partial))
    build_mart(con)  # HOU_03 and GEN_01 only: the demo's other needs have no cells
    con.close()
    assert main(["budget", "--db", str(partial), "--out", str(out), "--manifest", str(manifest)]) == 1
    err = capsys.readouterr().err
    assert f"[{BUD_033.code}]" in err and "desnutricion (NUT_01)" in err and "agua (HOU_03)" not in err
    assert not out.exists()

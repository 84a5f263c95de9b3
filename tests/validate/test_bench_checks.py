"""`python -m cbms.bench_checks` runs on a small loaded census and prints its three figures."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from cbms import bench_checks
from cbms.demo import write_demo
from cbms.form import FormSpec
from cbms.ingest import read_export
from cbms.store import connect, write_tables


def test_prints_the_three_ways(tmp_path: Path, form: FormSpec, monkeypatch: pytest.MonkeyPatch,
                               capsys: pytest.CaptureFixture[str]) -> None:
    result = write_demo(households=120, seed=3, fmt="odk-csv", out=tmp_path / "demo", error_rate=0.05)
    export = next(p for p in result.files if p.name != "injected.json")
    con = connect(tmp_path / "census.duckdb")
    write_tables(con, read_export(export, form), form)
    con.close()
    monkeypatch.setattr(sys, "argv", ["bench_checks", "--db", str(tmp_path / "census.duckdb")])
    bench_checks.main()
    printed = capsys.readouterr().out
    assert printed.startswith("120 households")
    assert len(re.findall(r"\d+\.\d\d s", printed)) == 3

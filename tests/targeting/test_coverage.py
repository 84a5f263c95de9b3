"""coverage.parquet on the demo census: its contract (OUTPUTS.md), every cell recomputed by a second
implementation (tests/targeting/oracle.py: plain Python over clean.*), and the invariants of the tables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from cbms.targeting import Targeting
from cbms.targeting.coverage import COLUMNS
from tests.targeting import oracle

MIN_CELL, MIN_CELL_SENSITIVE = 5, 10  # pipelines/ves_demo.toml


def _published(demo_out: Path) -> list[dict[str, Any]]:
    con = duckdb.connect()
    try:
        frame = con.execute(f"SELECT * FROM '{demo_out / 'analisis' / 'coverage.parquet'}'").df()
    finally:
        con.close()
    return [{k: (None if v != v else v) for k, v in row.items()} for row in frame.to_dict("records")]


def test_the_contract(demo_out: Path) -> None:
    con = duckdb.connect()
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM '{demo_out / 'analisis' / 'coverage.parquet'}'").fetchall()
        csv_rows = con.execute(f"SELECT count(*) FROM read_csv('{demo_out / 'analisis' / 'coverage.csv'}')").fetchall()[0][0]
    finally:
        con.close()
    assert tuple(d[0] for d in described) == COLUMNS  # exactly OUTPUTS.md's columns, in its order
    assert {d[0]: d[1] for d in described}["suppressed"] == "BOOLEAN"
    assert csv_rows == len(_published(demo_out))


def test_every_programme_and_area_recomputed(demo_out: Path, targeting: Targeting) -> None:
    assert set(oracle.RULES) == {r.id for r in targeting.rules}, "a declared rule has no second implementation"
    con = duckdb.connect(str(demo_out / "supervision" / "cbms.duckdb"), read_only=True)
    try:
        homes = oracle.households(con)
    finally:
        con.close()
    published = _published(demo_out)
    for rule in targeting.rules:
        expected = oracle.cells(rule.id, homes)
        got = {(r["area_level"], r["area_code"], r["sex"], r["head_sex"]): r
               for r in published if r["programme"] == rule.id}
        assert set(got) == set(expected), rule.id
        threshold = MIN_CELL_SENSITIVE if rule.sensitive else MIN_CELL
        for cell, (eligible, beneficiaries, both) in expected.items():
            row = got[cell]
            assert (row["eligible"], row["beneficiaries"], row["eligible_beneficiaries"]) == (
                eligible, beneficiaries, both), (rule.id, cell)
            leakage = 100 * (beneficiaries - both) / beneficiaries if beneficiaries else None
            under = 100 * (eligible - both) / eligible if eligible else None
            assert row["leakage"] == pytest.approx(leakage), (rule.id, cell)
            assert row["undercoverage"] == pytest.approx(under), (rule.id, cell)
            assert row["suppressed"] == (0 < eligible < threshold or 0 < beneficiaries < threshold), (rule.id, cell)


def test_the_demo_has_leakage_and_under_coverage(demo_out: Path) -> None:
    """Targeting errors the demo was written with (cbms/demo/population.py): each programme misses some of the
    eligible, and most reach someone outside their rule."""
    district = {r["programme"]: r for r in _published(demo_out)
                if r["area_level"] == "district" and r["sex"] is None and r["head_sex"] is None}
    assert len(district) == 7
    assert all(r["undercoverage"] > 10 for r in district.values())
    assert sum(r["leakage"] > 0 for r in district.values()) >= 6


def test_invariants(demo_out: Path) -> None:
    rows = _published(demo_out)
    index = {(r["programme"], r["area_level"], r["area_code"], r["sex"], r["head_sex"]): r for r in rows}
    for r in rows:
        assert r["eligible_beneficiaries"] <= min(r["eligible"], r["beneficiaries"])
        for column in ("leakage", "undercoverage"):
            assert r[column] is None or 0 <= r[column] <= 100
    measures = ("eligible", "beneficiaries", "eligible_beneficiaries")
    for (programme, level, code, sex, head_sex), total in index.items():
        if sex is not None or head_sex is not None:
            continue
        for parts in ([index.get((programme, level, code, v, None)) for v in ("female", "male")],
                      [index.get((programme, level, code, None, v)) for v in ("female", "male")]):
            if any(parts):  # women + men = the total (the demo's clean households all have a head of known sex)
                assert all(sum(p[m] for p in parts if p) == total[m] for m in measures), (programme, code)
    for programme in {r["programme"] for r in rows}:
        district = next(r for r in rows if r["programme"] == programme and r["area_level"] == "district"
                        and r["sex"] is None and r["head_sex"] is None)
        for level in ("sector", "grupo"):
            areas = [r for r in rows if r["programme"] == programme and r["area_level"] == level
                     and r["sex"] is None and r["head_sex"] is None]
            assert all(sum(a[m] for a in areas) == district[m] for m in measures), (programme, level)


def test_nothing_personal_in_the_coverage_files(demo_out: Path) -> None:
    con = duckdb.connect(str(demo_out / "supervision" / "cbms.duckdb"), read_only=True)
    try:
        secrets = {str(v) for (v,) in con.execute(
            "SELECT _submission_key FROM clean.household UNION SELECT address FROM clean.household "
            "UNION SELECT manzana FROM clean.household UNION SELECT full_name FROM clean.member").fetchall() if v}
        codes = {str(v) for (v,) in con.execute("SELECT sector FROM clean.household UNION SELECT grupo "
                                                "FROM clean.household").fetchall()}
    finally:
        con.close()
    assert len(secrets) > 1000
    text = (demo_out / "analisis" / "coverage.csv").read_text(encoding="utf-8")
    cells = {c for line in text.splitlines() for c in line.split(",")} | {
        str(v) for r in _published(demo_out) for v in r.values()}
    # a block code may look like a sector's letter; what matters is that no cell is a key, name, address or block
    assert not (cells & (secrets - codes))
    assert not [s for s in secrets if len(s) > 6 and s in text]


def test_the_command_gives_the_run_s_bytes(demo_out: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`cbms coverage` on the run's database makes its own unit views and writes the same files the run did."""
    from cbms.cli import main

    assert main(["--lang", "en", "coverage", "--db", str(demo_out / "supervision" / "cbms.duckdb"), "--out", str(tmp_path)]) == 0
    for name in ("coverage.parquet", "coverage.csv"):
        assert (tmp_path / "analisis" / name).read_bytes() == (demo_out / "analisis" / name).read_bytes()
    assert "Pensión 65" in capsys.readouterr().out

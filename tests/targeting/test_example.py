"""Coverage and lists on a census written by hand (examples/small_census.yaml), against numbers worked by hand
beside it."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from cbms.form import FormSpec
from cbms.targeting import Targeting, compute_coverage, write_list
from tests.indicators.harness import build_clean, manifest_for

EXAMPLE = yaml.safe_load((Path(__file__).parent / "examples" / "small_census.yaml").read_text(encoding="utf-8"))
CELL = ("area_level", "area_code", "sex", "head_sex")


def _coverage(form: FormSpec, targeting: Targeting, min_cell: int = 1) -> dict[tuple[Any, ...], dict[str, Any]]:
    con = duckdb.connect()
    try:
        build_clean(con, form, EXAMPLE)
        manifest = dataclasses.replace(manifest_for(EXAMPLE), min_cell=min_cell, min_cell_sensitive=min_cell)
        compute_coverage(con, targeting, manifest)
        rows = con.execute("SELECT * FROM mart.coverage").df().to_dict("records")
    finally:
        con.close()
    return {(r["programme"], *(None if r[c] != r[c] else r[c] for c in CELL)): r for r in rows}


def _key(programme: str, row: dict[str, Any]) -> tuple[Any, ...]:
    return (programme, *(row.get(c) for c in CELL))


@pytest.mark.parametrize("programme", sorted(EXAMPLE["expected"]))
def test_coverage_by_hand(form: FormSpec, targeting: Targeting, programme: str) -> None:
    got = _coverage(form, targeting)
    for expected in EXAMPLE["expected"][programme]:
        row = got[_key(programme, expected)]
        for column in ("eligible", "beneficiaries", "eligible_beneficiaries", "leakage", "undercoverage"):
            value = None if row[column] != row[column] else row[column]
            if expected[column] is None:
                assert value is None, (programme, expected, column)
            else:
                assert value == pytest.approx(expected[column], abs=1e-4), (programme, expected, column)


def test_a_household_programme_has_no_sex_rows(form: FormSpec, targeting: Targeting) -> None:
    got = _coverage(form, targeting)
    assert not [k for k in got if k[0] in ("juntos", "comedor") and k[3] is not None]
    assert [k for k in got if k[0] == "pension65" and k[3] is not None]


def test_suppression_by_hand(form: FormSpec, targeting: Targeting) -> None:
    got = _coverage(form, targeting, min_cell=2)
    for programme, cells in EXAMPLE["suppressed_at_2"].items():
        for expected in cells:
            assert bool(got[_key(programme, expected)]["suppressed"]) is expected["suppressed"], expected


@pytest.mark.parametrize("programme", sorted(EXAMPLE["lists"]))
def test_list_by_hand(form: FormSpec, targeting: Targeting, programme: str, tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "db.duckdb"))
    try:
        build_clean(con, form, EXAMPLE)
        only = dataclasses.replace(targeting, rules=(targeting.get(programme),))
        written = write_list(con, only, manifest_for(EXAMPLE), "prueba", tmp_path / "listas")
    finally:
        con.close()
    assert written.households == len(EXAMPLE["lists"][programme])
    if programme == "pension65":  # h1: Rosa Quispe, line 1, the only person selected
        assert written.persons == 1
    from openpyxl import load_workbook

    sheet = load_workbook(written.path, read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))[1:]
    assert [r[0] for r in rows] == EXAMPLE["lists"][programme]
    if programme == "pension65":
        assert rows == [("h1", "S01", "S01-G01", "A", "Mz. A Lt. 1", "Rosa Quispe", 1, "1")]

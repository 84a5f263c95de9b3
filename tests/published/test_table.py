"""indicadores_publicados.csv: the analysts' long table with every protected cell blank and flagged."""

from __future__ import annotations

import csv
import dataclasses
import io

import duckdb

from cbms.config import load_manifest
from cbms.published import read_published
from cbms.published.table import COLUMNS, published_csv
from tests.report.conftest import write_mart


def test_protected_cells_are_blank_and_the_rest_exact() -> None:
    con = duckdb.connect()
    write_mart(con)  # POV_01 S02 women: n 3; DEM_02 S02: n 4 (tests/report/conftest.py)
    published = read_published(con, dataclasses.replace(load_manifest(), geography=None, boundaries={}))
    rows = list(csv.DictReader(io.StringIO(published_csv(published))))
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) == con.execute("SELECT count(*) FROM mart.indicator_values").fetchall()[0][0]
    by_key = {(r["indicator_id"], r["area_code"], r["sex"], r["head_sex"], r["age_group"]): r for r in rows}
    small = by_key[("POV_01", "S02", "female", "", "")]
    assert [small[c] for c in ("numerator", "denominator", "value", "n", "n_missing", "suppressed")] == [
        "", "", "", "", "", "true"]
    partner = by_key[("POV_01", "S02", "male", "", "")]  # S02's total minus it would give the women back
    assert partner["suppressed"] == "true" and partner["value"] == ""
    kept = by_key[("POV_01", "150142", "female", "", "")]
    assert (kept["value"], kept["n"], kept["suppressed"]) == ("30.0", "200", "false")
    assert by_key[("POV_01", "150142", "female", "", "0-5")]["value"] == "99.9"  # age groups are published too

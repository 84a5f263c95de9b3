"""The same catalogue on Spark: the translation, exact merges of parts of a census, and the conformance of
every cell computed by pyspark with DuckDB's on a demo census."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from pathlib import Path

import duckdb
import pytest

from cbms.cli import main
from cbms.config import load_manifest
from cbms.errors import IND_020, CbmsError
from cbms.indicators import Catalogue, compute_indicators
from cbms.indicators.compute import choose, fine_sql, merge_sql, prepare_units, roll_up
from cbms.indicators.spark import spark_session, to_spark

CELLS = "SELECT * FROM mart.indicator_values"  # in the mart's fixed order


@pytest.mark.parametrize(("duckdb_sql", "spark_sql"), [
    # a decimal literal is DOUBLE, as DuckDB's arithmetic with a DOUBLE column makes it; 1e-9 is already DOUBLE
    ("SELECT 1.0 / 3 - 1e-9", "SELECT CAST(1.0 AS DOUBLE) / 3 - 1e-9"),
    ("SELECT x / 6.0 FROM t", "SELECT x / CAST(6.0 AS DOUBLE) FROM t"),
    # Spark's grouping() takes one column; grouping_id() several, with the same bits
    ("SELECT grouping(a, b), grouping(a) FROM t GROUP BY GROUPING SETS ((a, b), (a))",
     "SELECT GROUPING_ID(a, b), GROUPING(a) FROM t GROUP BY GROUPING SETS ((a, b), (a))"),
    ("SELECT any_value(sex) FILTER (WHERE r = 'head') FROM m",
     "SELECT ANY_VALUE(sex, TRUE) FILTER(WHERE r = 'head') FROM m"),
    ("SELECT list_has_any(string_split(p, ' '), ['a', 'b']) FROM t",
     "SELECT ARRAYS_OVERLAP(SPLIT(p, CONCAT('\\\\Q', ' ', '\\\\E')), ARRAY('a', 'b')) FROM t"),
    # temp views have no schema
    ("SELECT * FROM clean.member AS m JOIN clean.household h ON h.k = m.k",
     "SELECT * FROM clean_member AS m JOIN clean_household AS h ON h.k = m.k"),
    # the exact sums: rounded as DuckDB rounds a DOUBLE to 12 places, back to DOUBLE through text
    ("SELECT CAST(w * x AS DECIMAL(38, 12))",
     "SELECT CAST(CAST(ROUND((w * x) * 1e12) AS DECIMAL(38, 0)) * CAST(0.000000000001 AS DECIMAL(38, 12)) "
     "AS DECIMAL(38, 12))"),
    ("SELECT CAST(sum(num) AS DOUBLE)", "SELECT CAST(CAST(SUM(num) AS STRING) AS DOUBLE)"),
])
def test_translation(duckdb_sql: str, spark_sql: str) -> None:
    assert to_spark(duckdb_sql) == spark_sql


def test_without_pyspark_one_coded_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyspark", None)  # import pyspark now raises ImportError
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    monkeypatch.setitem(sys.modules, "pyspark.errors", None)
    with pytest.raises(CbmsError) as caught, spark_session("local[1]"):
        pass
    assert caught.value.detail is IND_020


@pytest.fixture(scope="module")
def census(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A validated demo census (with injected errors: quarantined households, empty items) in a database."""
    folder = tmp_path_factory.mktemp("spark")
    export = folder / "export"
    db = folder / "census.duckdb"
    assert main(["demo", "--households", "600", "--seed", "8", "--format", "odk-csv", "--error-rate", "0.05",
                 "--out", str(export)]) == 0
    assert main(["ingest", str(export / "cbms_grb_hogar.zip"), "--db", str(db)]) == 0
    assert main(["validate", "--db", str(db), "--out", str(folder / "out")]) == 0
    return db


def _copy(db: Path, name: str) -> Path:
    target = db.with_name(name)
    shutil.copy(db, target)
    return target


def _keep_half(db: Path, half: int) -> None:
    """Keep every other household (so each grupo is split between the halves) with its members and deaths."""
    con = duckdb.connect(str(db))
    con.execute("DELETE FROM clean.household WHERE hash(_row_key) % 2 <> ?", [half])
    for table in ("member", "death"):
        con.execute(f"DELETE FROM clean.{table} WHERE _parent_key NOT IN (SELECT _row_key FROM clean.household)")
    con.close()


def _cells(db: Path) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(CELLS).fetchall()
    finally:
        con.close()


def test_halves_computed_apart_and_merged_are_the_whole(census: Path, catalogue: Catalogue) -> None:
    manifest = load_manifest()
    whole = _copy(census, "whole.duckdb")
    con = duckdb.connect(str(whole))
    compute_indicators(con, catalogue, manifest)
    con.close()
    merged = duckdb.connect()
    for half in (0, 1):
        part = _copy(census, f"half{half}.duckdb")
        _keep_half(part, half)
        con = duckdb.connect(str(part))
        prepare_units(con, catalogue.units, manifest)
        chosen, _ = choose(catalogue, manifest)
        fine = con.sql(fine_sql(chosen, catalogue)).to_arrow_table()
        con.close()
        merged.register(f"part{half}", fine)
    merged.execute("CREATE TEMP TABLE ind_parts AS SELECT * FROM part0 UNION ALL SELECT * FROM part1")
    merged.execute(f"CREATE TEMP TABLE ind_fine AS {merge_sql('ind_parts')}")
    chosen, skipped = choose(catalogue, manifest)
    roll_up(merged, catalogue, manifest, chosen, skipped)
    expected = _cells(whole)
    assert len(expected) > 10_000
    assert merged.execute(CELLS).fetchall() == expected  # every column of every cell, byte for byte


def _pyspark() -> None:
    if importlib.util.find_spec("pyspark") is None:
        reason = "pyspark is not installed (pip install -e '.[spark]')"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}, and CI installs it")
        pytest.skip(reason)


@pytest.mark.slow
def test_spark_gives_duckdbs_cells_and_merges_parts(census: Path, catalogue: Catalogue, tmp_path: Path) -> None:
    _pyspark()
    from cbms.indicators.spark import compute_indicators_spark, export_parquet, run_spark

    manifest = load_manifest()
    on_duckdb, on_spark = _copy(census, "duckdb.duckdb"), _copy(census, "spark.duckdb")
    con = duckdb.connect(str(on_duckdb))
    compute_indicators(con, catalogue, manifest)
    con.close()
    con = duckdb.connect(str(on_spark))
    compute_indicators_spark(con, catalogue, manifest, tmp_path / "work", "local[2]")
    con.close()
    expected, got = _cells(on_duckdb), _cells(on_spark)
    assert len(got) == len(expected) > 10_000
    assert any(r[9] == 0 for r in expected)  # n: the census has empty parts (cbms.disclosure.empty), on both
    # value, n, n_missing, suppressed and the rest: the same double, bit for bit, in every cell
    assert [r for r, e in zip(got, expected, strict=True) if r != e] == []

    # two halves on Spark: the first half's exact sums, then the second half's tables merged with them
    halves = []
    for half in (0, 1):
        part = _copy(census, f"spark{half}.duckdb")
        _keep_half(part, half)
        con = duckdb.connect(str(part))
        halves.append(export_parquet(con, catalogue, manifest, tmp_path / f"half{half}"))
        con.close()
    with spark_session("local[2]") as spark:
        run_spark(spark, catalogue, manifest, [str(halves[0])], [], str(tmp_path / "first"))
        run_spark(spark, catalogue, manifest, [str(halves[1])], [str(tmp_path / "first" / "fine")],
                  str(tmp_path / "both"))
    merged = duckdb.connect()
    rows = merged.execute(f"SELECT * EXCLUDE (ord) FROM read_parquet('{tmp_path / 'both' / 'values'}/*.parquet') "
                          "ORDER BY ALL").fetchall()
    whole = duckdb.connect(str(on_duckdb), read_only=True).execute(f"{CELLS} ORDER BY ALL").fetchall()
    assert rows == whole

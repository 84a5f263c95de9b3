"""OUT/indicators.parquet and OUT/indicators.csv: the export of mart.indicator_values (OUTPUTS.md)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from cbms.atomic import copy_query

COLUMNS = ("indicator_id", "area_level", "area_code", "sex", "head_sex", "age_group", "numerator", "denominator",
           "value", "n", "n_missing", "suppressed")


def write_indicator_files(con: duckdb.DuckDBPyConnection, out: Path) -> tuple[Path, Path]:
    """Write both files (each to a temporary name, then renamed), in the mart's order."""
    select = f"SELECT {', '.join(COLUMNS)} FROM mart.indicator_values"
    return (copy_query(con, select, out / "indicators.parquet", "FORMAT parquet"),
            copy_query(con, select, out / "indicators.csv", "FORMAT csv, HEADER"))

"""OUT/indicators.parquet and OUT/indicators.csv: the export of mart.indicator_values (OUTPUTS.md)."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

COLUMNS = ("indicator_id", "area_level", "area_code", "sex", "head_sex", "age_group", "numerator", "denominator",
           "value", "n", "n_missing", "suppressed")


def write_indicator_files(con: duckdb.DuckDBPyConnection, out: Path) -> tuple[Path, Path]:
    """Write both files (each to a temporary name, then renamed), in the mart's order."""
    select = f"SELECT {', '.join(COLUMNS)} FROM mart.indicator_values"
    written = []
    for name, options in (("indicators.parquet", "FORMAT parquet"), ("indicators.csv", "FORMAT csv, HEADER")):
        target = out / name
        tmp = out / f".{name}.{os.getpid()}.tmp"
        path = str(tmp).replace("'", "''")
        con.execute(f"COPY ({select}) TO '{path}' ({options})")
        tmp.replace(target)
        written.append(target)
    return written[0], written[1]

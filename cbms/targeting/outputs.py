"""coverage.parquet and coverage.csv (OUTPUTS.md): the export of mart.coverage, into the analysts' folder."""

from __future__ import annotations

from pathlib import Path

import duckdb

from cbms.atomic import copy_query
from cbms.targeting.coverage import COLUMNS


def write_coverage_files(con: duckdb.DuckDBPyConnection, out: Path) -> tuple[Path, Path]:
    """Write both files into `out` (each to a temporary name, then renamed), in the mart's order."""
    select = f"SELECT {', '.join(COLUMNS)} FROM mart.coverage"
    return (copy_query(con, select, out / "coverage.parquet", "FORMAT parquet"),
            copy_query(con, select, out / "coverage.csv", "FORMAT csv, HEADER"))

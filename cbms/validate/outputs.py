"""Files validation leaves in OUT: issues.parquet (the contract in OUTPUTS.md) and the supervisors' workbook."""

from __future__ import annotations

import tempfile
from pathlib import Path

import duckdb
import pyarrow as pa

from cbms.atomic import copy_query
from cbms.errors import CLI_002, CbmsError, os_reason
from cbms.personal import personal_items, personal_values, scrub_rows

ISSUES_PARQUET = "issues.parquet"
PUBLIC_COLUMNS = ("rule", "severity", "table", "submission_key", "row_key", "column", "value", "message_es",
                  "message_en", "enumerator_id")


def ensure_out(out: Path) -> Path:
    """Create the output folder, or say clearly why it cannot be written."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out, prefix=".cbms-"):
            pass
    except OSError as exc:
        raise CbmsError(CLI_002, path=out, reason=os_reason(exc)) from exc
    return out


def write_issues_parquet(con: duckdb.DuckDBPyConnection, out: Path) -> Path:
    """OUT/analisis/issues.parquet: every issue, scrubbed by schemas/personal_data.yaml: a personal item's value
    blanked, and no message quoting one (the household's names, phones, blocks... masked wherever they appear)."""
    ensure_out(out)
    items = personal_items()
    columns = ", ".join(f'"{c}"' for c in PUBLIC_COLUMNS)
    issues: pa.Table = con.sql(
        f'SELECT {columns} FROM clean.issues ORDER BY submission_key, row_key, rule, "column"').to_arrow_table()
    rows = scrub_rows(issues.to_pylist(), personal_values(con, issues.column("submission_key").to_pylist(), items),
                      items)
    con.register("issues_shared", pa.Table.from_pylist(rows, schema=issues.schema))
    try:
        return copy_query(con, "SELECT * FROM issues_shared", out / ISSUES_PARQUET, "FORMAT parquet")
    finally:
        con.unregister("issues_shared")

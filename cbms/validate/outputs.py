"""Files validation leaves in OUT: issues.parquet (the contract in OUTPUTS.md) and the supervisors' workbook."""

from __future__ import annotations

import tempfile
from pathlib import Path

import duckdb
import yaml

from cbms.atomic import copy_query
from cbms.errors import CLI_002, CbmsError

PERSONAL_DATA = Path(__file__).resolve().parents[2] / "schemas" / "personal_data.yaml"
ISSUES_PARQUET = "issues.parquet"
PUBLIC_COLUMNS = ("rule", "severity", "table", "submission_key", "row_key", "column", "value", "message_es",
                  "message_en", "enumerator_id")


def personal_items(path: Path = PERSONAL_DATA) -> tuple[str, ...]:
    """The items declared as personal data (never published)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return tuple(str(x) for x in data.get("personal", []))


def ensure_out(out: Path) -> Path:
    """Create the output folder, or say clearly why it cannot be written."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out, prefix=".cbms-"):
            pass
    except OSError as exc:
        raise CbmsError(CLI_002, path=out, reason=exc.strerror or str(exc)) from exc
    return out


def write_issues_parquet(con: duckdb.DuckDBPyConnection, out: Path) -> Path:
    """OUT/issues.parquet: every issue, with the values of personal items blanked."""
    ensure_out(out)
    personal = personal_items()
    listed = ", ".join("'" + p.replace("'", "''") + "'" for p in personal) or "NULL"
    columns = ", ".join(f'"{c}"' if c != "value" else
                        f'CASE WHEN "column" IN ({listed}) THEN NULL ELSE value END AS value'
                        for c in PUBLIC_COLUMNS)
    select = f'SELECT {columns} FROM clean.issues ORDER BY submission_key, row_key, rule, "column"'
    return copy_query(con, select, out / ISSUES_PARQUET, "FORMAT parquet")

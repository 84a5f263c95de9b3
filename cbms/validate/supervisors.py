"""The field supervisors' workbook from clean.issues, with where each household is and who interviewed it."""

from __future__ import annotations

from pathlib import Path

import duckdb

from cbms.errors import Lang
from cbms.validate.workbook import write_issue_workbook

PLACE = ("sector", "grupo", "manzana")
PERSON = ("line_no", "full_name")


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    return {r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()}


def supervisor_workbook(con: duckdb.DuckDBPyConnection, out: Path, lang: Lang = "es") -> Path:
    """Write the validation workbook (names may appear: it goes to the supervisors, not the public).

    Where a form lacks an item (another form than CBMS-GRB's), its column stays empty."""
    household = _columns(con, "stage_household")
    member = _columns(con, "stage_member") if con.execute(
        "SELECT count(*) FROM duckdb_views() WHERE view_name = 'stage_member'").fetchall()[0][0] else set()
    place = ", ".join(f"h.{c}" if c in household else f"NULL AS {c}" for c in PLACE)
    person = ", ".join(f"m.{c}" if c in member else f"NULL AS {c}" for c in PERSON)
    enumerator = "h.enumerator_id" if "enumerator_id" in household else "NULL"
    join = ("LEFT JOIN stage_member m ON m._row_key = i.row_key AND i.\"table\" = 'member'" if member else
            "LEFT JOIN (SELECT NULL AS _row_key) m ON FALSE")
    issues = con.sql(f"""
        SELECT i.rule, i.severity, i."table", i.submission_key, i.row_key, i."column", i.value, i.message_es,
               i.message_en, coalesce(i.enumerator_id, {enumerator}) AS enumerator_id, {place}, {person}
        FROM clean.issues i
        LEFT JOIN stage_household h ON h._submission_key = i.submission_key
        {join}""").df()
    return write_issue_workbook(issues, out, lang)

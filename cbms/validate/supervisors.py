"""The field supervisors' workbook from clean.issues, with where each household is and who interviewed it."""

from __future__ import annotations

from pathlib import Path

import duckdb

from cbms.errors import Lang
from cbms.validate.workbook import write_issue_workbook

ISSUES_WITH_PLACE = """
SELECT i.rule, i.severity, i."table", i.submission_key, i.row_key, i."column", i.value, i.message_es,
       i.message_en, coalesce(i.enumerator_id, h.enumerator_id) AS enumerator_id, h.sector, h.grupo, h.manzana,
       m.line_no, m.full_name
FROM clean.issues i
LEFT JOIN stage_household h ON h._submission_key = i.submission_key
LEFT JOIN stage_member m ON m._row_key = i.row_key AND i."table" = 'member'
"""


def supervisor_workbook(con: duckdb.DuckDBPyConnection, out: Path, lang: Lang = "es") -> Path:
    """Write the validation workbook (names may appear: it goes to the supervisors, not the public)."""
    issues = con.sql(ISSUES_WITH_PLACE).df()
    return write_issue_workbook(issues, out, lang)

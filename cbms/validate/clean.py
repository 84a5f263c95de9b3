"""Write the outcome of validation in one transaction: clean.* typed tables (faulty answers emptied, each
household's status), clean.issues and clean.quarantine. Running it again on the same raw data gives the same."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pandas as pd
import pyarrow as pa

from cbms.errors import Notice
from cbms.form.layout import ROOT, layout_of
from cbms.form.spec import FormSpec
from cbms.store.db import quote, transaction
from cbms.store.rounds import refresh, replace_table, rows
from cbms.validate.stage import COMPLETED

ISSUES_SQL = """
SELECT i.rule, i.severity, i."table", i.submission_key, i.row_key, i."column", i.value, i.message_es,
       i.message_en, h.enumerator_id, i.drops_item
FROM new_issues i LEFT JOIN {enumerators} h ON h._submission_key = i.submission_key
ORDER BY i.submission_key, i.row_key, i.rule, i."column"
"""


@dataclass(frozen=True, slots=True)
class Accounting:
    """Where every submission that came in went."""

    raw: int  # current submissions in raw
    clean: int
    quarantined: int
    non_completed: int
    superseded: int  # earlier versions kept in raw.submission_versions
    duplicates: int
    conflicts: int
    orphan_rows: dict[str, int] = field(default_factory=dict)
    errors: int = 0
    warnings: int = 0
    notes: tuple[Notice, ...] = ()  # versions judged by another's form, rules not applied (said once each)

    @property
    def balanced(self) -> bool:
        """raw = clean + quarantined + non-completed."""
        return self.raw == self.clean + self.quarantined + self.non_completed


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    return int(con.execute(sql).fetchall()[0][0])


def write_clean(con: duckdb.DuckDBPyConnection, form: FormSpec, issues: pd.DataFrame,
                notes: tuple[Notice, ...] = ()) -> Accounting:
    """Replace clean.* with this validation's outcome, atomically (clean.validation_notes keeps the notes)."""
    levels = layout_of(form).fields
    root_fields = set(levels[ROOT])
    completed = COMPLETED if {"visit_result", "consent"} <= root_fields else "TRUE"
    enumerators = ("(SELECT _submission_key, enumerator_id FROM stage_household)" if "enumerator_id" in root_fields
                   else "(SELECT _submission_key, NULL AS enumerator_id FROM stage_household)")
    con.register("new_issues", issues)
    con.register("new_notes", pa.table({
        "code": pa.array([n.detail.code for n in notes], pa.string()),
        "message_es": pa.array([n.message("es") for n in notes], pa.string()),
        "message_en": pa.array([n.message("en") for n in notes], pa.string())}))
    tables = {"clean.issues": ISSUES_SQL.format(enumerators=enumerators),
              "clean.validation_notes": "SELECT * FROM new_notes",
              "clean.quarantine": f"""
                  SELECT i.submission_key, string_agg(DISTINCT i.rule, ',' ORDER BY i.rule) AS codes,
                         count(*) AS errors
                  FROM {rows(con, "clean.issues")} i JOIN stage_{ROOT} h ON h._submission_key = i.submission_key
                  WHERE i.severity = 'error' AND {completed.replace('visit_result', 'h.visit_result')
                                                           .replace('consent', 'h.consent')}
                  GROUP BY i.submission_key ORDER BY i.submission_key"""}
    dropped = {(t, c) for t, c, drops in zip(issues["table"], issues["column"], issues["drops_item"], strict=True)
               if drops} if len(issues) else set()
    for level in levels:
        parent = layout_of(form).parent(level)
        status = ("" if parent is not None else
                  f", CASE WHEN NOT coalesce({completed}, FALSE) THEN 'non_completed' "
                  f"WHEN _submission_key IN (SELECT submission_key FROM {rows(con, 'clean.quarantine')}) "
                  f"THEN 'quarantined' "
                  f"ELSE 'clean' END AS _status")
        where = "" if parent is None else f" WHERE _parent_key IN (SELECT _row_key FROM stage_{parent})"
        # a faulty answer is emptied in clean.*; only the columns that have one get the check
        emptied = ", ".join(
            f"CASE WHEN _row_key IN (SELECT row_key FROM {rows(con, 'clean.issues')} WHERE drops_item "
            f"AND \"table\" = "
            f"'{level}' AND \"column\" = '{c.replace(chr(39), chr(39) * 2)}') THEN NULL ELSE {quote(c)} END "
            f"AS {quote(c)}" for c in levels[level] if (level, c) in dropped)
        replace = f" REPLACE ({emptied})" if emptied else ""
        tables[f"clean.{quote(level)}"] = (  # in raw's order: sorting 440,000 wide rows cost 0.6 s
            f"SELECT * EXCLUDE (_version_id, _submitted_at, _edits, _deprecated_id){replace}{status} "
            f"FROM stage_{level}{where}")
    try:
        with transaction(con):  # a failed or interrupted validation leaves clean.* as it was
            for name, select in tables.items():
                replace_table(con, name, select)
        refresh(con)  # the round's views of tables a first validation made
    finally:
        con.unregister("new_issues")
        con.unregister("new_notes")
    statuses = dict(con.execute(f"SELECT _status, count(*) FROM clean.{ROOT} GROUP BY 1").fetchall())
    versions = dict(con.execute("SELECT status, count(*) FROM raw.submission_versions GROUP BY 1").fetchall())
    orphans = {lv: _count(con, f"SELECT count(*) FROM raw.{quote(lv)} WHERE _parent_key NOT IN "
                               f"(SELECT _row_key FROM raw.{quote(str(layout_of(form).parent(lv)))})")
               for lv in levels if lv != ROOT}
    severities = dict(con.execute("SELECT severity, count(*) FROM clean.issues GROUP BY 1").fetchall())
    return Accounting(
        raw=_count(con, f"SELECT count(*) FROM raw.{ROOT}"), clean=int(statuses.get("clean", 0)),
        quarantined=int(statuses.get("quarantined", 0)), non_completed=int(statuses.get("non_completed", 0)),
        superseded=int(versions.get("superseded", 0)), duplicates=int(versions.get("duplicate", 0)),
        conflicts=int(versions.get("conflict", 0)), orphan_rows={k: v for k, v in orphans.items() if v},
        errors=int(severities.get("error", 0)), warnings=int(severities.get("warning", 0)), notes=notes)

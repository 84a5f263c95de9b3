"""Run the declared SQL audits on the typed staging views; each violating row becomes an issue."""

from __future__ import annotations

import string
from collections.abc import Mapping
from contextlib import AbstractContextManager, nullcontext

import duckdb
import pandas as pd

from cbms.validate.columns import ISSUE_COLUMNS
from cbms.validate.declarations import Audit, Rules


class _Blank(dict[str, object]):
    """Message fields: a missing or empty one prints as '-', never fails."""

    def __missing__(self, key: str) -> str:
        return "-"


def _fill(template: str, row: Mapping[str, object]) -> str:
    fields = _Blank({k: ("-" if v is None or (isinstance(v, float) and pd.isna(v)) else v) for k, v in row.items()})
    return string.Formatter().vformat(template, (), fields)


def _run(con: duckdb.DuckDBPyConnection, audit: Audit,
         lock: AbstractContextManager[object]) -> list[dict[str, object]]:
    with lock:  # the connection is shared with the column checks' reads, one query at a time
        found = con.sql(audit.sql).df()
    out = []
    for row in found.to_dict("records"):
        value = row.get("value")
        out.append({"rule": audit.code, "severity": audit.severity, "table": audit.table,
                    "submission_key": row["submission_key"], "row_key": row["row_key"],
                    "column": row.get("column"), "value": None if value is None or pd.isna(value) else str(value),
                    "message_es": _fill(audit.message_es, row), "message_en": _fill(audit.message_en, row),
                    "drops_item": audit.drops_item})
    return out


def audit_issues(con: duckdb.DuckDBPyConnection, rules: Rules,
                 lock: AbstractContextManager[object] | None = None) -> pd.DataFrame:
    """Every row every audit returns (the staging views must exist: see stage.create_stage); each query holds
    `lock` while it runs, when another thread shares the connection."""
    rows = [issue for audit in rules.audits for issue in _run(con, audit, lock or nullcontext())]
    return pd.DataFrame(rows, columns=list(ISSUE_COLUMNS))

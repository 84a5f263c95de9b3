"""Validation: raw.* -> typed clean.* + clean.issues + clean.quarantine (form-derived pandera checks and the
analysts' SQL audits in schemas/), the supervisors' workbook and OUT/issues.parquet."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import duckdb
import pandas as pd

from cbms.errors import DB_003, CbmsError
from cbms.form.spec import FormSpec
from cbms.ingest.model import ROOT
from cbms.validate.audits import audit_issues
from cbms.validate.clean import Accounting, write_clean
from cbms.validate.columns import check_levels, load_levels
from cbms.validate.declarations import Rules, load_rules
from cbms.validate.stage import create_stage

FORM_CHECKS_AN_AUDIT_SHARPENS = ("VAL_003", "VAL_004")


def _merge(columns: pd.DataFrame, audits: pd.DataFrame) -> pd.DataFrame:
    """Both lists; where an audit names the same answer as a generic form check of the same severity, the
    audit's sharper message stays alone (an error is never hidden behind a warning)."""
    if len(audits) and len(columns):
        flagged = set(zip(audits["row_key"], audits["column"], audits["severity"], strict=True))
        generic = columns["rule"].isin(FORM_CHECKS_AN_AUDIT_SHARPENS)
        same = [key in flagged for key in zip(columns["row_key"], columns["column"], columns["severity"],
                                               strict=True)]
        columns = columns[~(generic & pd.Series(same, index=columns.index))]
    frames = [f for f in (columns, audits) if len(f)]
    if not frames:
        return columns
    return pd.concat(frames, ignore_index=True)


def validate_tables(con: duckdb.DuckDBPyConnection, form: FormSpec, rules: Rules | None = None,
                    db_path: str = "") -> Accounting:
    """Validate the current raw records and write clean.*; return the accounting of every submission."""
    loaded = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'raw' "
                         "AND table_name = ?", [ROOT]).fetchall()[0][0]
    if not loaded or not con.execute(f"SELECT count(*) FROM raw.{ROOT}").fetchall()[0][0]:
        raise CbmsError(DB_003, path=db_path)
    rules = rules or load_rules(form)
    create_stage(con, form)
    levels = load_levels(con, form)
    # the SQL audits run in DuckDB while Python checks the columns: the two keep both cores busy
    # (the connection is the audits' alone from here on)
    with ThreadPoolExecutor(max_workers=1) as pool:
        audits = pool.submit(audit_issues, con, rules)
        columns = check_levels(levels, form, rules)
        issues = _merge(columns, audits.result())
    return write_clean(con, form, issues)


__all__ = ["Accounting", "Rules", "load_rules", "validate_tables"]

"""Validation: raw.* -> typed clean.* + clean.issues + clean.quarantine (form-derived pandera checks, each
submission judged by the form version that collected it, and the analysts' SQL audits in schemas/), the
supervisors' workbook and OUT/issues.parquet."""

from __future__ import annotations

import re
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

import duckdb
import pandas as pd

from cbms.errors import DB_003, VAL_009, VAL_011, CbmsError, Notice
from cbms.form.layout import ROOT
from cbms.form.spec import FormSpec
from cbms.rounds.crosswalk import Crosswalk
from cbms.rounds.recode import recodes_of
from cbms.store.db import registered_forms
from cbms.validate.audits import audit_issues
from cbms.validate.clean import Accounting, write_clean
from cbms.validate.columns import Level, check_levels, load_levels
from cbms.validate.declarations import Audit, Rules, load_rules
from cbms.validate.stage import create_stage
from cbms.validate.versions import Judging, judge_submissions

FORM_CHECKS_AN_AUDIT_SHARPENS = ("VAL_003", "VAL_004")
_SQL_NOISE = re.compile(r"--[^\n]*|/\*.*?\*/|'(?:[^']|'')*'", re.DOTALL)


def _merge(columns: pd.DataFrame, audits: pd.DataFrame) -> pd.DataFrame:
    """Both lists; where an analyst's audit names the same answer as a generic form check of the same severity,
    the audit's sharper message stays alone (an error is never hidden behind a warning). The round's period
    check is no sharper form of the form's date rule: both stay."""
    if len(audits) and len(columns):
        sharper = audits[audits["rule"] != VAL_009.code]
        flagged = set(zip(sharper["row_key"], sharper["column"], sharper["severity"], strict=True))
        generic = columns["rule"].isin(FORM_CHECKS_AN_AUDIT_SHARPENS)
        same = [key in flagged for key in zip(columns["row_key"], columns["column"], columns["severity"],
                                               strict=True)]
        columns = columns[~(generic & pd.Series(same, index=columns.index))]
    frames = [f for f in (columns, audits) if len(f)]
    if not frames:
        return columns
    return pd.concat(frames, ignore_index=True)


def _period_audit(form: FormSpec, period: tuple[str, str] | None) -> tuple[Audit, ...]:
    """The interview date checked against the round's period (a warning: the answer is kept)."""
    if period is None or form.get("interview_date") is None:
        return ()
    start, end = (p.replace("'", "''") for p in period)
    sql = (f"SELECT _submission_key AS submission_key, _row_key AS row_key, 'interview_date' AS \"column\", "
           f"CAST(interview_date AS VARCHAR) AS value, '{start}' AS period_start, '{end}' AS period_end "
           f"FROM {ROOT} "
           f"WHERE interview_date < DATE '{start}' OR interview_date > DATE '{end}'")
    return (Audit(code=VAL_009.code, table=ROOT, severity="warning", sql=sql,
                  message_es=VAL_009.es, message_en=VAL_009.en, drops_item=False, where="manifest: round.period"),)


def _undecidable_audits(found: pd.DataFrame, rules: Rules, judging: Judging,
                        root: Level | None) -> tuple[pd.DataFrame, list[Notice]]:
    """Audit rows of submissions that lack a column the audit reads: not applied, said once per version."""
    if not len(found) or root is None or not any(j.lacking for j in judging.judges):
        return found, []
    judge_of = dict(zip(root.data["_submission_key"], root.judge, strict=True))
    reads = {a.code: set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", _SQL_NOISE.sub(" ", a.sql))) for a in rules.audits}
    keep = []
    notes: dict[tuple[str, str], tuple[Notice, int]] = {}
    for rule, submission, column in zip(found["rule"], found["submission_key"], found["column"], strict=True):
        index = judge_of.get(submission)
        judge = judging.judges[int(index)] if index is not None else None
        missing = sorted(reads.get(rule, set()) & judge.lacking) if judge is not None else []
        keep.append(not missing)
        if missing and judge is not None:
            key = (judge.version or "-", rule)
            count = notes[key][1] + 1 if key in notes else 1
            notes[key] = (Notice(VAL_011, {"version": key[0], "rule": rule, "column": column or "-",
                                           "count": count, "missing": ", ".join(missing)}), count)
    return found[keep], [note for note, _ in notes.values()]


def _combined(notes: Iterable[Notice]) -> tuple[Notice, ...]:
    """One note per (message, version, rule, column, reason): counts of judges of the same version added up."""
    out: dict[tuple[object, ...], Notice] = {}
    for note in notes:
        context = dict(note.context)
        key = (note.detail.code, *(str(v) for k, v in sorted(context.items()) if k != "count"))
        if key in out:
            context["count"] = int(str(out[key].context.get("count", 0))) + int(str(context.get("count", 0)))
        out[key] = Notice(note.detail, context)
    return tuple(out.values())


def validate_tables(con: duckdb.DuckDBPyConnection, form: FormSpec, rules: Rules | None = None,
                    db_path: str = "", period: tuple[str, str] | None = None,
                    crosswalks: tuple[Crosswalk, ...] = ()) -> Accounting:
    """Validate the current raw records and write clean.*; return the accounting of every submission. The
    submissions of a form version a crosswalk names are read in the current codes and judged in the current
    names (rounds/recode.py, rounds/translate.py)."""
    loaded = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'raw' "
                         "AND table_name = ?", [ROOT]).fetchall()[0][0]
    if not loaded or not con.execute(f"SELECT count(*) FROM raw.{ROOT}").fetchall()[0][0]:
        raise CbmsError(DB_003, path=db_path)
    rules = rules or load_rules(form)
    audited = Rules((*rules.audits, *_period_audit(form, period)), rules.severities, rules.ranges)
    recodes = recodes_of(crosswalks, (form, *registered_forms(con, form.form_id).values()))
    create_stage(con, form, recodes=recodes)
    judging = judge_submissions(con, form, crosswalks)
    levels = load_levels(con, form, judging, recodes)
    # the SQL audits run in DuckDB while Python checks the columns: the two keep both cores busy
    # (the connection is the audits' alone from here on)
    with ThreadPoolExecutor(max_workers=1) as pool:
        audits = pool.submit(audit_issues, con, audited)
        columns = check_levels(levels, form, rules, judging)
        found, skipped = _undecidable_audits(audits.result(), audited, judging,
                                             next((lv for lv in levels if lv.name == ROOT), None))
    issues = _merge(columns.issues, found)
    return write_clean(con, form, issues, (*judging.notes, *_combined((*columns.skipped, *skipped))))


__all__ = ["Accounting", "Rules", "load_rules", "validate_tables"]

"""Validation scored against the demo's injected errors; a clean census gives no issue; accounting holds."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from cbms.demo import write_demo
from cbms.form import FormSpec
from cbms.ingest import read_export
from cbms.store import connect, write_tables
from cbms.validate import Rules, validate_tables
from cbms.validate.outputs import PUBLIC_COLUMNS, write_issues_parquet

# The oracle: which rule identifies each kind of injected error (by its submission key). A value outside its
# plausible range (schemas/rules/*.yaml `ranges`) is VAL_008, which takes the place of the form's constraint.
IDENTIFIED_BY = {
    "duplicate_submission": {"VAL_114"}, "edited_submission": {"VAL_115"}, "two_heads": {"VAL_101"},
    "no_head": {"VAL_101"}, "orphan_member": {"VAL_117"}, "impossible_age": {"VAL_001", "VAL_008"},
    "child_older_than_parent": {"VAL_104"}, "pregnant_man": {"VAL_105"},
    "anthropometry_out_of_range": {"VAL_008", "VAL_108"}, "required_empty": {"VAL_004"},
    "negative_income": {"VAL_109"}, "none_with_other": {"VAL_005"},
}


def _run(tmp_path: Path, form: FormSpec, rules: Rules, fmt: str, error_rate: float,
         households: int = 1500) -> tuple[duckdb.DuckDBPyConnection, Path]:
    out = tmp_path / fmt
    result = write_demo(households=households, seed=11, fmt=fmt, out=out, error_rate=error_rate)
    export = next(p for p in result.files if p.name != "injected.json")
    con = connect(tmp_path / f"{fmt}.duckdb")
    write_tables(con, read_export(export, form), form)
    return con, out


def _recall(con: duckdb.DuckDBPyConnection, injected: list[dict[str, object]]) -> dict[str, tuple[int, int]]:
    found: dict[str, set[str]] = {}
    for key, rule in con.execute("SELECT submission_key, rule FROM clean.issues").fetchall():
        found.setdefault(key, set()).add(rule)
    score: dict[str, tuple[int, int]] = {}
    for record in injected:
        kind = str(record["error"])
        hit = bool(found.get(str(record["key"]), set()) & IDENTIFIED_BY[kind])
        done, total = score.get(kind, (0, 0))
        score[kind] = (done + hit, total + 1)
    return score


def _check_recall(con: duckdb.DuckDBPyConnection, out: Path) -> None:
    injected = json.loads((out / "injected.json").read_text())
    score = _recall(con, injected)
    assert len(score) >= 10, score  # nearly every kind was injected
    assert {k: v for k, v in score.items() if v[0] != v[1]} == {}


def test_every_injected_error_is_found_in_the_central_csv_export(tmp_path: Path, form: FormSpec,
                                                                 rules: Rules) -> None:
    con, out = _run(tmp_path, form, rules, "odk-csv", 0.06)
    accounting = validate_tables(con, form, rules)
    _check_recall(con, out)
    assert accounting.balanced
    # independent count of the submissions in the export: distinct KEYs of the root CSV
    with zipfile.ZipFile(out / "cbms_grb_hogar.zip") as zf:
        keys = {r["KEY"] for r in csv.DictReader(io.TextIOWrapper(zf.open("cbms_grb_hogar.csv"), "utf-8"))}
    assert accounting.raw == len(keys)
    # faulty answers are left out of clean, the household kept; errors hold the household back
    negative = con.execute("SELECT row_key FROM clean.issues WHERE rule = 'VAL_109'").fetchall()
    assert negative and all(con.execute("SELECT income_labour FROM clean.member WHERE _row_key = ?",
                                        [k]).fetchall() == [(None,)] for (k,) in negative)
    held = {k for (k,) in con.execute("SELECT submission_key FROM clean.quarantine").fetchall()}
    statuses = dict(con.execute("SELECT _submission_key, _status FROM clean.household").fetchall())
    assert held and all(statuses[k] == "quarantined" for k in held)
    before = con.execute("SELECT * FROM clean.issues ORDER BY ALL").fetchall()
    validate_tables(con, form, rules)  # again: the same outcome
    assert con.execute("SELECT * FROM clean.issues ORDER BY ALL").fetchall() == before
    parquet = pd.read_parquet(write_issues_parquet(con, tmp_path / "out"))
    assert tuple(parquet.columns) == PUBLIC_COLUMNS
    assert parquet.loc[parquet["column"] == "full_name", "value"].isna().all()


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["odk-odata", "kobo-json", "kobo-xlsx"])
def test_every_injected_error_is_found_in_other_formats(tmp_path: Path, form: FormSpec, rules: Rules,
                                                        fmt: str) -> None:
    con, out = _run(tmp_path, form, rules, fmt, 0.06)
    assert validate_tables(con, form, rules).balanced
    _check_recall(con, out)


def test_a_census_without_injected_errors_has_no_issue(tmp_path: Path, form: FormSpec, rules: Rules) -> None:
    con, _ = _run(tmp_path, form, rules, "odk-csv", 0.0, households=3000)
    accounting = validate_tables(con, form, rules)
    assert (accounting.errors, accounting.warnings, accounting.quarantined) == (0, 0, 0)
    assert accounting.clean + accounting.non_completed == accounting.raw == 3000


def test_checking_the_answers_in_chunks_of_submissions_changes_nothing(tmp_path: Path, form: FormSpec,
                                                                       rules: Rules,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The same census validated whole and 97 submissions at a time (16 chunks, the last one short): the same
    issues, the same clean rows, the same notes."""
    import cbms.validate

    def validated(chunk: int, name: str) -> tuple[list[tuple[object, ...]], ...]:
        monkeypatch.setattr(cbms.validate, "CHUNK", chunk)
        con = connect(tmp_path / f"{name}.duckdb")
        export = next(p for p in write_demo(households=1500, seed=11, fmt="odk-csv", out=tmp_path / name,
                                            error_rate=0.06).files if p.name != "injected.json")
        write_tables(con, read_export(export, form), form)
        accounting = validate_tables(con, form, rules)
        tables = [con.execute(f"SELECT * FROM clean.{t} ORDER BY ALL").fetchall()
                  for t in ("household", "member")]
        issues = con.execute("SELECT * FROM clean.issues ORDER BY ALL").fetchall()
        notes = sorted(n.message("en") for n in accounting.notes)
        con.close()
        return issues, *tables, [(n,) for n in notes]

    whole = validated(1_000_000, "whole")
    assert whole[0] and whole[1]  # issues found, households kept: there is something to compare
    assert validated(97, "chunks") == whole

"""`python -m cbms.bench_checks --db FILE`: is pandera the bottleneck of validation? Prints the seconds of the
form-derived column checks run three ways on a loaded census: through pandera (what `cbms validate` does),
the same check functions called directly, and the type and choice-list checks as DuckDB SQL.

A benchmark prints figures; it never fails on a time. The form's relevance and constraint expressions are
evaluated once, before any of the three (they are inputs to the checks, not part of the comparison).
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from cbms import console
from cbms.form import read_form
from cbms.form.layout import layout_of
from cbms.project import SHIPPED
from cbms.store import connect
from cbms.store.db import quote
from cbms.validate.columns import ARROW_STRING, CHECKED_TYPES, PATTERNS, _codes, _column_checks, load_levels
from cbms.validate.declarations import load_rules
from cbms.validate.versions import judge_submissions

FORM = SHIPPED.forms / "cbms_grb_hogar.xlsx"


def _direct(checks: dict[str, list[pa.Check]], frame: pd.DataFrame) -> int:
    """Every check function on its column, as pandera would call it, without pandera: failures counted."""
    failures = 0
    for column, column_checks in checks.items():
        series = frame[column]
        for check in column_checks:
            values = series.dropna() if check.ignore_na else series
            failures += int((~values.pipe(check._check_fn).to_numpy(bool)).sum())
    return failures


def _sql(level: str, types: dict[str, str], codes: dict[str, set[str]]) -> str:
    """The type and choice-list checks of a level as one SQL query that counts failures."""
    parts = []
    for column, kind in types.items():
        if kind in PATTERNS:
            parts.append(f"count(*) FILTER (WHERE NOT regexp_full_match({quote(column)}, '{PATTERNS[kind][1:-1]}'))")
    for column, allowed in codes.items():
        listed = ", ".join("'" + c.replace("'", "''") + "'" for c in sorted(allowed))
        parts.append(f"count(*) FILTER (WHERE {quote(column)} NOT IN ({listed}))")
    return f"SELECT {' + '.join(parts) or '0'} FROM raw.{quote(level)}"


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a database `cbms ingest` loaded")
    args = parser.parse_args()
    form = read_form(FORM)
    with tempfile.TemporaryDirectory() as work:
        copy = Path(work) / "bench.duckdb"
        shutil.copyfile(args.db, copy)  # the census is only read, but a copy keeps the original untouched
        con = connect(copy)
        judging = judge_submissions(con, form)
        rules = load_rules(form)
        levels = {level.name: level for level in load_levels(con, form, judging)}
        questions = layout_of(form).questions
        timings = {"pandera": 0.0, "direct": 0.0, "duckdb": 0.0}
        for level, data in levels.items():
            checked = {c: q for c, q in questions[level].items() if q.type in CHECKED_TYPES}
            cache: dict[str, np.ndarray] = {}
            checks = {c: _column_checks(form, q, c, data, rules, judging, cache, []) for c, q in checked.items()}
            frame = data.data[list(checked)].astype(ARROW_STRING)
            schema = pa.DataFrameSchema({c: pa.Column(nullable=True, checks=k) for c, k in checks.items()})
            start = time.perf_counter()
            with contextlib.suppress(pa.errors.SchemaErrors):  # failing is expected: the census has errors
                schema.validate(frame, lazy=True)
            timings["pandera"] += time.perf_counter() - start
            start = time.perf_counter()
            _direct(checks, frame)
            timings["direct"] += time.perf_counter() - start
            types = {c: q.type for c, q in checked.items()}
            codes = {c: allowed for c, q in checked.items() if q.type == "select_one"
                     for allowed in [_codes(form, q)] if allowed}
            start = time.perf_counter()
            con.execute(_sql(level, types, codes)).fetchall()
            timings["duckdb"] += time.perf_counter() - start
        con.close()
    console.info(f"{levels['household'].frame.n:,} households, {sum(lv.frame.n for lv in levels.values()):,} rows")
    console.info(f"  pandera (lazy, every column check)      {timings['pandera']:6.2f} s")
    console.info(f"  same check functions, no pandera        {timings['direct']:6.2f} s")
    console.info(f"  type and choice checks as DuckDB SQL    {timings['duckdb']:6.2f} s  (a subset: no relevance)")


if __name__ == "__main__":
    main()

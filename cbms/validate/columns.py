"""Checks the form itself implies, as pandera schemas run lazily (one pass, every failure): each answer's type,
its choice list, the form's own constraint (the XLSForm expression evaluated on the data), required items
where the question was relevant, `none` alone in a select_multiple, and answers where nothing was to be asked.
Relevance is the form's, so an item that was not to be asked is never "missing"."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from functools import partial

import duckdb
import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.compute as pc

from cbms.errors import VAL_001, VAL_002, VAL_003, VAL_004, VAL_005, VAL_006, Detail
from cbms.form.spec import FormSpec, Question
from cbms.form.xpath import ArrowValues, Frame, Unsupported, days, truth
from cbms.ingest.model import ROOT, field_columns, parent_level
from cbms.store.db import quote
from cbms.validate.declarations import Rules
from cbms.validate.stage import questions_by_column

log = logging.getLogger(__name__)

CHECKED_TYPES = frozenset({"integer", "decimal", "date", "select_one", "select_multiple", "text", "geopoint"})
PATTERNS: Mapping[str, str] = {  # whole-value regexes (RE2 syntax: run by pyarrow on the whole column at once)
    "integer": r"^-?[0-9]+$",
    "decimal": r"^-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$",
    "date": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
    "geopoint": r"^-?[0-9]+(?:\.[0-9]+)?(?: -?[0-9]+(?:\.[0-9]+)?){1,3}$",
}
TYPE_WORDS = {"integer": ("un número entero", "a whole number"), "decimal": ("un número", "a number"),
              "date": ("una fecha AAAA-MM-DD", "a YYYY-MM-DD date"),
              "geopoint": ("un punto GPS", "a GPS point")}
ARROW_STRING = pd.ArrowDtype(pyarrow.string())
DROPS = frozenset({"VAL_001", "VAL_002", "VAL_003", "VAL_005", "VAL_006"})  # the answer is left out


@dataclass
class Level:
    """One form level's raw answers, as the XPath evaluator and pandera see them."""

    name: str
    data: pd.DataFrame  # raw text, one column per field plus the keys
    frame: Frame
    answers: ArrowValues  # the frame's values: each question's Arrow column by name


def _load_levels(con: duckdb.DuckDBPyConnection, form: FormSpec) -> dict[str, Level]:
    """Current raw rows per level (children of missing households left out: an audit reports them)."""
    questions = questions_by_column(form)
    today = days(date.today())
    levels: dict[str, Level] = {}
    for level, fields in field_columns(form).items():
        parent = parent_level(form, level)
        columns = ", ".join(quote(c) for c in ("_submission_key", "_row_key", "_parent_key", *fields))
        where = ("" if parent is None else
                 f" WHERE _parent_key IN (SELECT _row_key FROM raw.{quote(parent)})")
        table = con.sql(f"SELECT {columns} FROM raw.{quote(level)}{where}").to_arrow_table()
        data = table.to_pandas(types_mapper=lambda _: ARROW_STRING)
        values = ArrowValues({questions[level][c].name: table.column(c) for c in fields})
        if parent is None:
            frame = Frame(values=values, n=len(data), today=today, cache={})
        else:
            up = levels[parent]
            index = pd.Index(up.data["_row_key"])
            parent_row = index.get_indexer(data["_parent_key"])
            found = pc.extract_regex(table.column("_row_key"), r"\[(?P<p>[0-9]+)\]$")
            position = pc.fill_null(pc.cast(pc.struct_field(found, "p"), pyarrow.int64()), 1).to_numpy()
            frame = Frame(values=values, n=len(data), parent=up.frame, parent_row=parent_row, position=position,
                          today=today, cache={})
        levels[level] = Level(level, data, frame, values)
    return levels


def _mask(expr: str | None, frame: Frame, what: str, q: Question,
          dot: np.ndarray | pyarrow.ChunkedArray | None = None) -> np.ndarray:
    """An expression's truth per row; when it cannot be evaluated, all True (and said in the log)."""
    try:
        return truth(expr, frame, dot)
    except Unsupported as exc:
        log.warning("%s of %s not evaluated (%s)", what, q.name, exc)
        return np.ones(frame.n, dtype=bool)


def _relevant(q: Question, frame: Frame, cache: dict[str, np.ndarray]) -> np.ndarray:
    """Where the question was asked: its own relevance and its groups' (each expression evaluated once)."""
    mask = np.ones(frame.n, dtype=bool)
    for expr in (*q.relevant_chain, q.relevant):
        if expr:
            if expr not in cache:
                cache[expr] = _mask(expr, frame, "relevance", q)
            mask &= cache[expr]
    return mask


def _codes(form: FormSpec, q: Question) -> set[str] | None:
    options = form.choices.get(q.list_name or "")
    return {c.name for c in options} if options else None


def _series_check(ok: Callable[[pd.Series], pd.Series], code: str, ignore_na: bool = True) -> pa.Check:
    return pa.Check(ok, name=code, ignore_na=ignore_na)


def _arrow(values: pd.Series) -> pyarrow.Array:
    return pyarrow.array(values, type=pyarrow.string(), from_pandas=True)


def _matches(values: pd.Series, pattern: str) -> pd.Series:
    """Whole-value regex match, vectorised by pyarrow over the column, False for empty."""
    hit = pc.fill_null(pc.match_substring_regex(_arrow(values), pattern), False)
    return pd.Series(hit.to_numpy(zero_copy_only=False), index=values.index)


def _tokens_regex(codes: set[str]) -> str:
    """A select_multiple answer made only of these codes, space-separated."""
    one = "(?:" + "|".join(re.escape(c) for c in sorted(codes)) + ")"
    return f"^{one}(?: {one})*$"


def _none_with_other(values: pd.Series) -> pd.Series:
    text = _arrow(values)
    both = pc.and_(pc.match_substring_regex(text, r"(?:^| )none(?: |$)"), pc.match_substring(text, " "))
    return pd.Series(pc.fill_null(both, False).to_numpy(zero_copy_only=False), index=values.index)


def _valid_date(values: pd.Series) -> pd.Series:
    """A YYYY-MM-DD that is a real day (2025-02-30 is not)."""
    text = _arrow(values)
    real = pc.is_valid(pc.strptime(text, format="%Y-%m-%d", unit="s", error_is_null=True))
    shaped = pc.fill_null(pc.match_substring_regex(text, PATTERNS["date"]), False)
    return pd.Series(pc.or_(real, pc.invert(shaped)).to_numpy(zero_copy_only=False), index=values.index)


def _in_list(values: pd.Series, codes: set[str]) -> pd.Series:
    return values.isin(codes)


def _alone(values: pd.Series) -> pd.Series:
    return ~_none_with_other(values)


def _row_mask(values: pd.Series, ok: np.ndarray) -> pd.Series:
    """A check decided row by row beforehand (it needs other columns: relevance, the form's constraint)."""
    return pd.Series(ok, index=values.index)


def _column_checks(form: FormSpec, q: Question, level: Level, cache: dict[str, np.ndarray]) -> list[pa.Check]:
    """The pandera checks of one question: each is named by its VAL_ code."""
    checks: list[pa.Check] = []
    pattern = PATTERNS.get(q.type)
    if pattern is not None:
        checks.append(_series_check(partial(_matches, pattern=pattern), "VAL_001"))
    if q.type == "date":
        checks.append(_series_check(_valid_date, "VAL_001"))
    codes = _codes(form, q)
    if codes is not None and q.type == "select_one":
        checks.append(_series_check(partial(_in_list, codes=codes), "VAL_002"))
    if codes is not None and q.type == "select_multiple":
        checks.append(_series_check(partial(_matches, pattern=_tokens_regex(codes)), "VAL_002"))
        if "none" in codes:
            checks.append(_series_check(_alone, "VAL_005"))
    frame = level.frame
    column = level.answers.columns[q.name]
    series = pd.Series(pd.arrays.ArrowExtensionArray(column))
    filled = series.notna().to_numpy(bool)
    relevant = _relevant(q, frame, cache)
    if q.constraint:
        well_typed = filled & (np.ones(frame.n, dtype=bool) if pattern is None else
                               _matches(series, pattern).to_numpy(bool))
        passes = _mask(q.constraint, frame, "constraint", q, dot=column)
        bad = well_typed & relevant & ~passes  # as on the phone: only answers to questions asked
        if "none" in (codes or set()):
            bad &= ~_none_with_other(series).to_numpy(bool)
        checks.append(_series_check(partial(_row_mask, ok=~bad), "VAL_003", ignore_na=False))
    if q.required or q.required_if:
        needed = relevant & (True if q.required else _mask(q.required_if, frame, "required", q))
        checks.append(_series_check(partial(_row_mask, ok=~(needed & ~filled)), "VAL_004", ignore_na=False))
    if q.relevant or q.relevant_chain:
        checks.append(_series_check(partial(_row_mask, ok=~(filled & ~relevant)), "VAL_006", ignore_na=False))
    return checks


def _language(texts: Mapping[str, str], code: str) -> str | None:
    return next((t for lang, t in texts.items() if lang.endswith(f"({code})")), None)


def _messages(code: str, q: Question, column: str, value: str | None, form: FormSpec) -> tuple[str, str]:
    shown = "" if value is None else str(value)
    context: dict[str, object] = {"column": column, "value": shown, "list_name": q.list_name or ""}
    es_type, en_type = TYPE_WORDS.get(q.type, ("válido", "valid"))
    context.update(type_es=es_type, type_en=en_type)
    fallback = next(iter(q.constraint_messages.values()), q.constraint or "")
    context.update(constraint_es=_language(q.constraint_messages, "es") or fallback,
                   constraint_en=_language(q.constraint_messages, "en") or fallback)
    detail: Detail = {"VAL_001": VAL_001, "VAL_002": VAL_002, "VAL_003": VAL_003, "VAL_004": VAL_004,
                      "VAL_005": VAL_005, "VAL_006": VAL_006}[code]
    return detail.text("es", **context), detail.text("en", **context)


ISSUE_COLUMNS = ("rule", "severity", "table", "submission_key", "row_key", "column", "value", "message_es",
                 "message_en", "drops_item")


def load_levels(con: duckdb.DuckDBPyConnection, form: FormSpec) -> list[Level]:
    """The levels with rows, read from raw.* (the only step of the column checks that needs the database)."""
    return [data for data in _load_levels(con, form).values() if data.frame.n]


def check_levels(levels: list[Level], form: FormSpec, rules: Rules) -> pd.DataFrame:
    """Every failure of the form-derived checks, one row per (record, column, rule).

    The levels are checked on two threads: pyarrow and numpy let go of the GIL in their kernels, and the
    household and member levels are about the same work (100,000 households: 3.3 s -> 2.4 s)."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        found = list(pool.map(lambda data: _level_issues(form, rules, data), levels))
    return pd.DataFrame([row for rows in found for row in rows], columns=list(ISSUE_COLUMNS))


def _level_issues(form: FormSpec, rules: Rules, data: Level) -> list[dict[str, object]]:
    """The failures of one level's column checks."""
    level = data.name
    checked = {c: q for c, q in questions_by_column(form)[level].items() if q.type in CHECKED_TYPES}
    cache: dict[str, np.ndarray] = {}
    schema = pa.DataFrameSchema(
        {c: pa.Column(nullable=True, checks=_column_checks(form, q, data, cache))
         for c, q in checked.items()}, strict=False)
    frame = data.data[list(checked)].astype(ARROW_STRING)
    try:
        schema.validate(frame, lazy=True)
        return []
    except pa.errors.SchemaErrors as exc:
        failures = exc.failure_cases
    failures = failures[failures["index"].notna() & failures["column"].isin(list(checked))]
    index = failures["index"].astype(int).to_numpy()
    submission = data.data["_submission_key"].to_numpy(dtype=object)[index]
    row_key = data.data["_row_key"].to_numpy(dtype=object)[index]
    rows: list[dict[str, object]] = []
    for n, (column, code, row) in enumerate(zip(failures["column"], failures["check"], index, strict=True)):
        value = data.answers.columns[checked[column].name][int(row)].as_py()
        es, en = _messages(str(code), checked[column], str(column), value, form)
        rows.append({"rule": str(code), "severity": rules.severity(level, str(column), str(code)),
                     "table": level, "submission_key": submission[n], "row_key": row_key[n],
                     "column": str(column), "value": value, "message_es": es, "message_en": en,
                     "drops_item": str(code) in DROPS})
    return rows


__all__ = ["ISSUE_COLUMNS", "ROOT", "check_levels", "load_levels"]

"""Declarations -> DuckDB SQL: the unit views, and one per-unit SELECT per indicator with the standard columns
(geography, breakdowns, weight, in-universe, known, numerator, denominator) that the engine aggregates."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import duckdb
import jinja2

from cbms.errors import IND_007, IND_013, Notice
from cbms.form.spec import FormSpec
from cbms.indicators.catalogue import Catalogue, Indicator
from cbms.indicators.codes import choice_lists, unknown_codes

BREAKDOWNS = ("sex", "head_sex", "age_group")
HAZ_DDL = "CREATE OR REPLACE TEMP TABLE haz (_row_key VARCHAR, age_days BIGINT, haz DOUBLE)"
PARAMS_DDL = ("CREATE OR REPLACE TEMP TABLE params (z_total DOUBLE, z_extreme DOUBLE, quintile1 DOUBLE, "
              "area_type VARCHAR, ubigeo VARCHAR)")


def quote(identifier: str) -> str:
    """A quoted SQL identifier."""
    return '"' + identifier.replace('"', '""') + '"'


def render_unit(template: str, weight: str | None) -> str:
    """A unit view's SQL with the household weight expression filled in."""
    expression = f"h.{quote(weight)}" if weight else "1.0"
    return jinja2.Environment(autoescape=False, undefined=jinja2.StrictUndefined).from_string(template).render(
        weight=expression)


def create_units(con: duckdb.DuckDBPyConnection, units: Mapping[str, str], weight: str | None) -> None:
    """Materialise the unit views in order as temp tables, replacing earlier ones (params and haz must exist)."""
    for name, template in units.items():
        # validation's audit views share these names (and DROP VIEW IF EXISTS fails on a table of the name)
        if con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = ? AND temporary",
                       [name]).fetchall()[0][0]:
            con.execute(f"DROP VIEW {quote(name)}")
        con.execute(f"CREATE OR REPLACE TEMP TABLE {quote(name)} AS {render_unit(template, weight)}")


def unit_select(indicator: Indicator) -> str:
    """Per unit of the indicator's universe: geography, its breakdowns, weight, known, numerator, denominator.

    The universe is three-valued (INDICATORS.md, "Universes defined by an item"): a unit known to be in it
    counts in n when its items are known, else in n_missing; a unit whose membership cannot be decided (the
    universe is NULL: an item it reads is empty) counts in n_missing; a unit known to be outside counts nowhere.
    """
    parts = [f"'{indicator.id}' AS indicator_id", "CAST(district AS VARCHAR) AS district",
             "CAST(sector AS VARCHAR) AS sector", "CAST(grupo AS VARCHAR) AS grupo"]
    parts += [f"CAST({b} AS VARCHAR) AS {b}" if b in indicator.breakdowns else f"CAST(NULL AS VARCHAR) AS {b}"
              for b in BREAKDOWNS]
    universe = f"({indicator.universe})"
    known = f"(coalesce({universe}, FALSE) AND coalesce(({indicator.known_sql}), FALSE))"
    parts += ["CAST(weight AS DOUBLE) AS weight", f"{known} AS known",
              f"CASE WHEN {known} THEN CAST(({indicator.numerator}) AS DOUBLE) END AS num",
              f"CASE WHEN {known} THEN CAST(({indicator.denominator}) AS DOUBLE) END AS den"]
    return f"SELECT {', '.join(parts)} FROM {quote(indicator.unit)} WHERE {universe} IS NOT FALSE"


def _empty_clean(con: duckdb.DuckDBPyConnection, form: FormSpec) -> None:
    """Empty clean.* tables typed as validation writes them, for checking SQL without data."""
    from cbms.form.layout import ROOT, STAGE_KEYS, layout_of
    from cbms.validate.stage import typed_select

    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    con.execute("CREATE SCHEMA IF NOT EXISTS clean")
    for level, fields in layout_of(form).fields.items():
        columns = ", ".join(f"{quote(c)} VARCHAR" for c in (*STAGE_KEYS, *fields))
        con.execute(f"CREATE TABLE raw.{quote(level)} ({columns})")
        status = ", CAST(NULL AS VARCHAR) AS _status" if level == ROOT else ""
        con.execute(f"CREATE TABLE clean.{quote(level)} AS SELECT *{status} FROM "
                    f"({typed_select(form, level, f'raw.{quote(level)}')}) LIMIT 0")


@contextmanager
def empty_database(form: FormSpec) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory database with the form's clean.* tables, params and haz, all empty: declarations' SQL is
    checked on it without data."""
    con = duckdb.connect()
    try:
        _empty_clean(con, form)
        con.execute(PARAMS_DDL)
        con.execute(HAZ_DDL)
        yield con
    finally:
        con.close()


def check_sql(catalogue: Catalogue, form: FormSpec) -> list[Notice]:
    """Run every unit view and indicator SELECT on empty tables: what does not bind is reported, located; and
    every choice code they compare answers with must be an option of the question's list."""
    problems: list[Notice] = []
    with empty_database(form) as con:
        for name, template in catalogue.units.items():
            try:
                con.execute(f"CREATE OR REPLACE TEMP VIEW {quote(name)} AS {render_unit(template, None)}")
            except (duckdb.Error, jinja2.TemplateError) as exc:
                problems.append(Notice(IND_013, {"unit": name, "path": catalogue.folder / "units",
                                                 "reason": " ".join(str(exc).split())[:400]}))
        if problems:
            return problems
        lists = choice_lists(form)
        for name, template in catalogue.units.items():
            problems += unknown_codes(render_unit(template, None), f"{catalogue.folder / 'units'} ({name})", lists)
        for indicator in catalogue.indicators:
            try:
                con.execute(f"SELECT * FROM ({unit_select(indicator)}) LIMIT 0").fetchall()
            except duckdb.Error as exc:
                problems.append(Notice(IND_007, {"where": indicator.where, "unit": indicator.unit,
                                                 "reason": " ".join(str(exc).split())[:400]}))
                continue
            problems += unknown_codes(unit_select(indicator), indicator.where, lists)
    return problems

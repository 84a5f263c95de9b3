"""Compute the catalogue: per-unit rows of every indicator, summed once at the finest level (grupo x every
breakdown), rolled up with GROUPING SETS to district, sector and grupo, and written to mart.* in one
transaction. Roll-up from the finest level is exact because every measure is a sum or a count."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace

import duckdb
import pyarrow as pa

from cbms.config import Manifest
from cbms.disclosure.empty import empty_table
from cbms.errors import IND_012, CbmsError, Notice
from cbms.indicators.catalogue import Catalogue, Indicator
from cbms.indicators.compile import BREAKDOWNS, HAZ_DDL, PARAMS_DDL, create_units, unit_select
from cbms.indicators.haz import create_haz
from cbms.indicators.unknown import unknown_warnings
from cbms.store.db import transaction
from cbms.store.rounds import refresh, replace_table

AREA_SETS = {"district": ("district",), "sector": ("district", "sector"), "grupo": ("district", "sector", "grupo")}
SCALES = {"percent": 100.0, "mean": 1.0, "per_1000": 1000.0, "index": 1.0}  # value = scale x numerator / denominator
VALUE_SQL = {**{kind: f"{'' if scale == 1.0 else f'{scale} * '}numerator / nullif(denominator, 0)"
                for kind, scale in SCALES.items()}, "count": "numerator"}  # a count is its numerator
EXACT = "DECIMAL(38, 12)"  # the fine sums: exact, so their order and any split of the census change nothing


@dataclass(frozen=True, slots=True)
class ComputeReport:
    """What was computed."""

    indicators: int
    skipped: tuple[str, ...]  # not computed for lack of a manifest parameter (e.g. PePI's quintile1)
    rows: int
    suppressed: int
    unknown: tuple[Notice, ...] = ()  # indicators whose district universe is more unknown than the manifest allows


def combos(indicator: Indicator, catalogue: Catalogue) -> list[str]:
    """The breakdown combinations of an indicator: none, each alone, and the declared crossings."""
    out = ["", *list(indicator.breakdowns)]
    out += [",".join(c) for c in catalogue.dimensions.crossed if set(c) <= set(indicator.breakdowns)]
    return out


def create_params(con: duckdb.DuckDBPyConnection, manifest: Manifest) -> None:
    """The temp table params: the manifest's poverty lines, quintile threshold, area type and ubigeo."""
    con.execute(PARAMS_DDL)
    p = manifest.poverty
    con.execute("INSERT INTO params VALUES (?, ?, ?, ?, ?)",
                [p.z_total, p.z_extreme, p.quintile1, manifest.area_type, manifest.ubigeo])


def _grouping_sets() -> str:
    subsets: list[tuple[str, ...]] = [(), ("sex",), ("head_sex",), ("age_group",), ("sex", "age_group")]
    sets = [f"(indicator_id, {', '.join((*area, *sub))})" for area in AREA_SETS.values() for sub in subsets]
    return ", ".join(sets)


def choose(catalogue: Catalogue, manifest: Manifest) -> tuple[list[Indicator], tuple[str, ...]]:
    """The indicators the manifest allows, and the ids left out for lack of a parameter (e.g. PePI's quintile1)."""
    available = {"quintile1": manifest.poverty.quintile1 is not None}
    chosen = [i for i in catalogue.indicators if all(available.get(n, False) for n in i.needs)]
    return chosen, tuple(i.id for i in catalogue.indicators if i not in chosen)


def fine_sql(chosen: list[Indicator], catalogue: Catalogue) -> str:
    """Exact sums at the finest level (grupo x every breakdown) of every unit of every chosen indicator."""
    union = " UNION ALL ".join(unit_select(i) for i in chosen) or (
        f"SELECT * FROM ({unit_select(catalogue.indicators[0])}) WHERE FALSE")
    return f"""
        SELECT indicator_id, district, sector, grupo, {', '.join(BREAKDOWNS)},
               -- exact decimal sums: a float sum depends on the order threads add in, and re-running on the
               -- same data must give the same bytes
               sum(CAST(weight * num AS {EXACT})) FILTER (WHERE known) AS num,
               sum(CAST(weight * den AS {EXACT})) FILTER (WHERE known) AS den,
               count(*) FILTER (WHERE known) AS n, count(*) FILTER (WHERE NOT known) AS n_missing
        FROM ({union}) GROUP BY ALL"""


def merge_sql(fine: str) -> str:
    """Fine sums of several parts (provinces, halves of a census) added into one: exact, as they are decimals."""
    keys = f"indicator_id, district, sector, grupo, {', '.join(BREAKDOWNS)}"
    return (f"SELECT {keys}, sum(num) AS num, sum(den) AS den, sum(n) AS n, sum(n_missing) AS n_missing "
            f"FROM {fine} GROUP BY {keys}")


def combo_rows(chosen: list[Indicator], catalogue: Catalogue) -> pa.Table:
    """ind_combos: the breakdown combinations each indicator publishes."""
    allowed = [(i.id, c) for i in chosen for c in combos(i, catalogue)]
    return pa.table({"indicator_id": pa.array([a for a, _ in allowed], pa.string()),
                     "combo": pa.array([c for _, c in allowed], pa.string())})


def kind_rows(chosen: list[Indicator]) -> pa.Table:
    """ind_kinds: each indicator's value kind, sensitivity and order."""
    return pa.table({
        "indicator_id": pa.array([i.id for i in chosen], pa.string()),
        "value_kind": pa.array([i.value for i in chosen], pa.string()),
        "sensitive": pa.array([i.sensitive for i in chosen], pa.bool_()),
        "ord": pa.array([i.order for i in chosen], pa.int32())})


def values_sql(manifest: Manifest) -> str:
    """ind_fine rolled up with GROUPING SETS to every area level and published combination, with value and
    suppression (reads ind_fine, ind_combos, ind_kinds)."""
    value = "CASE " + " ".join(f"WHEN k.value_kind = '{kind}' THEN {sql}" for kind, sql in VALUE_SQL.items()) + " END"
    return f"""
        WITH rolled AS (
            SELECT indicator_id, district, sector, grupo, {', '.join(BREAKDOWNS)},
                   CASE WHEN grouping(sector) = 1 THEN 'district' WHEN grouping(grupo) = 1 THEN 'sector'
                        ELSE 'grupo' END AS area_level,
                   concat_ws(',', CASE WHEN grouping(sex) = 0 THEN 'sex' END,
                             CASE WHEN grouping(head_sex) = 0 THEN 'head_sex' END,
                             CASE WHEN grouping(age_group) = 0 THEN 'age_group' END) AS combo,
                   (grouping(sex) = 0 AND sex IS NULL) OR (grouping(head_sex) = 0 AND head_sex IS NULL)
                       OR (grouping(age_group) = 0 AND age_group IS NULL) AS unknown_breakdown,
                   CAST(sum(num) AS DOUBLE) AS numerator, CAST(sum(den) AS DOUBLE) AS denominator, sum(n) AS n,
                   sum(n_missing) AS n_missing
            FROM ind_fine GROUP BY GROUPING SETS ({_grouping_sets()}))
        SELECT r.indicator_id, r.area_level,
               CASE r.area_level WHEN 'district' THEN r.district WHEN 'sector' THEN r.sector ELSE r.grupo END
                   AS area_code,
               CASE r.area_level WHEN 'sector' THEN r.district WHEN 'grupo' THEN r.sector END AS parent_code,
               r.sex, r.head_sex, r.age_group,
               coalesce(r.numerator, 0.0) AS numerator,
               CASE WHEN k.value_kind = 'count' THEN NULL ELSE coalesce(r.denominator, 0.0) END AS denominator,
               {value.replace('numerator', 'coalesce(r.numerator, 0.0)').replace('denominator', 'r.denominator')}
                   AS value,
               CAST(r.n AS BIGINT) AS n, CAST(r.n_missing AS BIGINT) AS n_missing,
               r.n < CASE WHEN k.sensitive THEN {manifest.min_cell_sensitive} ELSE {manifest.min_cell} END
                   AS suppressed,
               k.ord
        FROM rolled r
        JOIN ind_combos c ON c.indicator_id = r.indicator_id AND c.combo = r.combo
        JOIN ind_kinds k ON k.indicator_id = r.indicator_id
        WHERE NOT r.unknown_breakdown
          AND (CASE r.area_level WHEN 'district' THEN r.district WHEN 'sector' THEN r.sector
               ELSE r.grupo END) IS NOT NULL"""


def prepare_units(con: duckdb.DuckDBPyConnection, units: Mapping[str, str], manifest: Manifest) -> None:
    """The manifest's params, the children's height-for-age z-scores and the unit views over clean.*, as temp
    tables of this connection (indicators and programme coverage read them); refused when no household enters."""
    create_params(con, manifest)
    con.execute(HAZ_DDL)
    create_haz(con)
    create_units(con, units, manifest.weight)
    if not con.execute("SELECT count(*) FROM household").fetchall()[0][0]:
        raise CbmsError(IND_012)


def compute_indicators(con: duckdb.DuckDBPyConnection, catalogue: Catalogue, manifest: Manifest) -> ComputeReport:
    """Compute every indicator on clean.* and replace mart.indicator_values and mart.indicator_catalogue."""
    prepare_units(con, catalogue.units, manifest)
    chosen, skipped = choose(catalogue, manifest)
    con.execute(f"CREATE OR REPLACE TEMP TABLE ind_fine AS {fine_sql(chosen, catalogue)}")
    return roll_up(con, catalogue, manifest, chosen, skipped)


def roll_up(con: duckdb.DuckDBPyConnection, catalogue: Catalogue, manifest: Manifest, chosen: list[Indicator],
            skipped: tuple[str, ...]) -> ComputeReport:
    """From the temp table ind_fine to mart.* (one transaction), as compute_indicators does."""
    _register(con, "ind_combos", combo_rows(chosen, catalogue))
    _register(con, "ind_kinds", kind_rows(chosen))
    con.execute(f"CREATE OR REPLACE TEMP TABLE ind_values AS {values_sql(manifest)}")
    _add_empty_parts(con)
    report = write_mart(con, catalogue, chosen, skipped)
    return replace(report, unknown=unknown_warnings(con, catalogue, manifest.max_unknown_percent))


def _register(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> None:
    con.register(f"{name}_in", table)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_in")
    con.unregister(f"{name}_in")


CATALOGUE_COLUMNS = [
    ("indicator_id", pa.string()), ("ord", pa.int32()), ("domain", pa.string()), ("name_es", pa.string()),
    ("name_en", pa.string()), ("definition_es", pa.string()), ("definition_en", pa.string()), ("unit", pa.string()),
    ("value_unit", pa.string()), ("breakdowns", pa.string()), ("sensitive", pa.bool_()), ("items", pa.string()),
    ("map", pa.bool_()), ("computed", pa.bool_()), ("better", pa.string())]
ORDER = ("k.ord, v.indicator_id, CASE v.area_level WHEN 'district' THEN 0 WHEN 'sector' THEN 1 ELSE 2 END, "
         "v.area_code, v.sex NULLS FIRST, v.head_sex NULLS FIRST, v.age_group NULLS FIRST")


# the rows of n = 0 that cbms.disclosure.empty adds (in the temp table ind_empty), as ind_values holds them
EMPTY_VALUES_SQL = """
    SELECT e.*, 0.0 AS numerator, CASE WHEN k.value_kind = 'count' THEN NULL ELSE 0.0 END AS denominator,
           CASE WHEN k.value_kind = 'count' THEN 0.0 END AS value, CAST(0 AS BIGINT) AS n,
           CAST(0 AS BIGINT) AS n_missing, TRUE AS suppressed, k.ord
    FROM ind_empty e JOIN ind_kinds k ON k.indicator_id = e.indicator_id"""
EMPTY_KEYS = ("indicator_id", "area_level", "area_code", "parent_code", "sex", "head_sex", "age_group")


def _add_empty_parts(con: duckdb.DuckDBPyConnection) -> None:
    """Rows of n = 0 in ind_values for the parts of a total that has none along a way (cbms.disclosure.empty),
    hidden as small: the published table then never tells an empty cell from a hidden one."""
    con.register("ind_empty", empty_table(con.execute(f"SELECT {', '.join(EMPTY_KEYS)} FROM ind_values").fetchall(),
                                          "indicator_id"))
    try:
        con.execute(f"INSERT INTO ind_values BY NAME {EMPTY_VALUES_SQL}")
    finally:
        con.unregister("ind_empty")


def write_mart(con: duckdb.DuckDBPyConnection, catalogue: Catalogue, chosen: list[Indicator],
               skipped: tuple[str, ...]) -> ComputeReport:
    """Replace mart.indicator_values (from the temp tables ind_values and ind_kinds) and mart.indicator_catalogue."""
    con.execute("CREATE SCHEMA IF NOT EXISTS mart")
    computed = {i.id for i in chosen}
    entries = [(i.id, i.order, i.domain, i.name_es, i.name_en, i.definition_es, i.definition_en, i.unit, i.value,
                json.dumps(list(i.breakdowns)), i.sensitive, json.dumps(list(i.items)), i.map, i.id in computed,
                i.better)
               for i in catalogue.indicators]
    columns: list[list[object]] = [list(column) for column in zip(*entries, strict=True)] if entries else \
        [[] for _ in CATALOGUE_COLUMNS]
    con.register("catalogue_rows", pa.table(columns, schema=pa.schema(CATALOGUE_COLUMNS)))
    tables = {"mart.indicator_values": f"""
                  SELECT v.indicator_id, v.area_level, v.area_code, v.sex, v.head_sex, v.age_group, v.numerator,
                         v.denominator, v.value, v.n, v.n_missing, v.suppressed
                  FROM ind_values v JOIN ind_kinds k USING (indicator_id)
                  ORDER BY {ORDER}""",
              "mart.indicator_catalogue": "SELECT * FROM catalogue_rows"}
    try:
        with transaction(con):  # leaves mart.* as it was when it fails or is interrupted
            for name, select in tables.items():
                replace_table(con, name, select)
        refresh(con)  # the round's views of tables a first computation made
    finally:
        con.unregister("catalogue_rows")
    rows, suppressed = con.execute("SELECT count(*), count(*) FILTER (WHERE suppressed) "
                                   "FROM mart.indicator_values").fetchall()[0]
    return ComputeReport(len(chosen), skipped, int(rows), int(suppressed))

"""Programme coverage: per unit of each rule, eligible and beneficiary, summed once at the finest level (grupo x
head's sex x sex), rolled up with GROUPING SETS to district, sector and grupo, with leakage and under-coverage,
and written to mart.coverage in one transaction.

Leakage (filtración) = 100 x (beneficiaries - eligible beneficiaries) / beneficiaries; under-coverage
(subcobertura) = 100 x (eligible - eligible beneficiaries) / eligible (MIDIS's two targeting errors); NULL when
the denominator is 0. A unit whose eligibility or receipt is unknown (SQL NULL) is left out of every count."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pyarrow as pa

from cbms.config import Manifest
from cbms.disclosure.empty import empty_table
from cbms.indicators.compile import quote
from cbms.indicators.compute import AREA_SETS, prepare_units
from cbms.store.db import transaction
from cbms.store.rounds import refresh, replace_table
from cbms.targeting.rules import Rule, Targeting, evaluated

COLUMNS = ("programme", "area_level", "area_code", "sex", "head_sex", "eligible", "beneficiaries",
           "eligible_beneficiaries", "leakage", "undercoverage", "suppressed")
SUBSETS: tuple[tuple[str, ...], ...] = ((), ("head_sex",), ("sex",))  # sex only exists for person programmes
ORDER = ("k.ord, c.programme, CASE c.area_level WHEN 'district' THEN 0 WHEN 'sector' THEN 1 ELSE 2 END, "
         "c.area_code, c.sex NULLS FIRST, c.head_sex NULLS FIRST")


@dataclass(frozen=True, slots=True)
class CoverageReport:
    """What was computed: programmes, rows, rows below the threshold, units left out for an unknown answer."""

    programmes: int
    rows: int
    suppressed: int
    unknown: dict[str, int]  # programme -> units whose eligibility or receipt is unknown
    district: tuple[tuple[str, float, float, float | None, float | None], ...] = ()  # programme, eligible,
    # beneficiaries, leakage, under-coverage in the whole district, in the rules' order


def unit_rows(rule: Rule) -> str:
    """Per unit of the rule: geography, the head's sex, the person's sex (person rules), weight, and whether the
    unit is eligible and a beneficiary (NULL when unknown)."""
    sex = "CAST(sex AS VARCHAR)" if rule.unit == "person" else "CAST(NULL AS VARCHAR)"
    return (f"SELECT '{rule.id}' AS programme, CAST(district AS VARCHAR) AS district, "
            f"CAST(sector AS VARCHAR) AS sector, CAST(grupo AS VARCHAR) AS grupo, "
            f"CAST(head_sex AS VARCHAR) AS head_sex, {sex} AS sex, CAST(weight AS DOUBLE) AS weight, "
            f"eligible, beneficiary FROM ({evaluated(rule)}) AS {quote(rule.unit)}")


def _grouping_sets() -> str:
    return ", ".join(f"(programme, {', '.join((*area, *sub))})" for area in AREA_SETS.values() for sub in SUBSETS)


def compute_coverage(con: duckdb.DuckDBPyConnection, targeting: Targeting, manifest: Manifest,
                     units_ready: bool = False) -> CoverageReport:
    """Every programme's coverage on clean.*, replacing mart.coverage (the columns of coverage.parquet).
    `units_ready`: this connection's unit views are current (compute_indicators just made them from the same
    pipelines/units/), so they are not made again.

    A cell is `suppressed` when it rests on a few units: 0 < n < the threshold, where n is the unweighted count
    of eligible units or of beneficiary units (the denominators of under-coverage and leakage); a count of 0
    shows no one. Sensitive programmes use the sensitive threshold, as sensitive indicators do."""
    if not units_ready:
        prepare_units(con, targeting.units, manifest)
    union = " UNION ALL ".join(unit_rows(r) for r in targeting.rules) or (
        "SELECT CAST(NULL AS VARCHAR) AS programme, CAST(NULL AS VARCHAR) AS district, CAST(NULL AS VARCHAR) AS "
        "sector, CAST(NULL AS VARCHAR) AS grupo, CAST(NULL AS VARCHAR) AS head_sex, CAST(NULL AS VARCHAR) AS sex, "
        "1.0 AS weight, TRUE AS eligible, TRUE AS beneficiary WHERE FALSE")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE cov_units AS {union}""")
    unknown = dict(con.execute("SELECT programme, count(*) FILTER (WHERE eligible IS NULL OR beneficiary IS NULL) "
                               "FROM cov_units GROUP BY programme").fetchall())
    # exact decimal sums, as for the indicators: the same data gives the same bytes whatever the threads do
    con.execute("""
        CREATE OR REPLACE TEMP TABLE cov_fine AS
        SELECT programme, district, sector, grupo, head_sex, sex,
               sum(CAST(weight AS DECIMAL(38, 12))) FILTER (WHERE eligible) AS eligible,
               sum(CAST(weight AS DECIMAL(38, 12))) FILTER (WHERE beneficiary) AS beneficiaries,
               sum(CAST(weight AS DECIMAL(38, 12))) FILTER (WHERE eligible AND beneficiary) AS both_,
               count(*) FILTER (WHERE eligible) AS n_eligible, count(*) FILTER (WHERE beneficiary) AS n_beneficiaries
        FROM cov_units WHERE eligible IS NOT NULL AND beneficiary IS NOT NULL
        GROUP BY ALL""")
    con.register("cov_kinds_in", pa.table({
        "programme": pa.array([r.id for r in targeting.rules], pa.string()),
        "threshold": pa.array([manifest.min_cell_sensitive if r.sensitive else manifest.min_cell
                               for r in targeting.rules], pa.int64()),
        "ord": pa.array([r.order for r in targeting.rules], pa.int32())}))
    con.execute("CREATE OR REPLACE TEMP TABLE cov_kinds AS SELECT * FROM cov_kinds_in")
    con.unregister("cov_kinds_in")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE cov_values AS
        WITH rolled AS (
            SELECT programme,
                   CASE WHEN grouping(sector) = 1 THEN 'district' WHEN grouping(grupo) = 1 THEN 'sector'
                        ELSE 'grupo' END AS area_level,
                   CASE WHEN grouping(sector) = 1 THEN district WHEN grouping(grupo) = 1 THEN sector
                        ELSE grupo END AS area_code,
                   CASE WHEN grouping(sector) = 1 THEN NULL WHEN grouping(grupo) = 1 THEN district
                        ELSE sector END AS parent_code,
                   sex, head_sex,
                   (grouping(sex) = 0 AND sex IS NULL) OR (grouping(head_sex) = 0 AND head_sex IS NULL)
                       AS unknown_breakdown,
                   CAST(coalesce(sum(eligible), 0) AS DOUBLE) AS eligible,
                   CAST(coalesce(sum(beneficiaries), 0) AS DOUBLE) AS beneficiaries,
                   CAST(coalesce(sum(both_), 0) AS DOUBLE) AS eligible_beneficiaries,
                   sum(n_eligible) AS n_eligible, sum(n_beneficiaries) AS n_beneficiaries
            FROM cov_fine GROUP BY GROUPING SETS ({_grouping_sets()}))
        SELECT r.programme, r.area_level, r.area_code, r.parent_code, r.sex, r.head_sex, r.eligible,
               r.beneficiaries,
               r.eligible_beneficiaries,
               100.0 * (r.beneficiaries - r.eligible_beneficiaries) / nullif(r.beneficiaries, 0) AS leakage,
               100.0 * (r.eligible - r.eligible_beneficiaries) / nullif(r.eligible, 0) AS undercoverage,
               (r.n_eligible > 0 AND r.n_eligible < k.threshold)
                   OR (r.n_beneficiaries > 0 AND r.n_beneficiaries < k.threshold) AS suppressed
        FROM rolled r JOIN cov_kinds k USING (programme)
        WHERE NOT r.unknown_breakdown AND r.area_code IS NOT NULL""")
    _add_empty_parts(con)
    _write_mart(con)
    rows, suppressed = con.execute("SELECT count(*), count(*) FILTER (WHERE suppressed) "
                                   "FROM mart.coverage").fetchall()[0]
    district = con.execute("SELECT programme, eligible, beneficiaries, leakage, undercoverage FROM mart.coverage "
                           "WHERE area_level = 'district' AND sex IS NULL AND head_sex IS NULL").fetchall()
    return CoverageReport(len(targeting.rules), int(rows), int(suppressed),
                          {r.id: int(unknown.get(r.id, 0)) for r in targeting.rules}, tuple(district))


def _add_empty_parts(con: duckdb.DuckDBPyConnection) -> None:
    """Rows of no one in cov_values for the parts of a total that has none along a way (cbms.disclosure.empty),
    hidden: the published table then never tells an empty cell from a hidden one."""
    con.register("cov_empty", empty_table(con.execute(
        "SELECT programme, area_level, area_code, parent_code, sex, head_sex, NULL FROM cov_values").fetchall(),
        "programme"))
    try:
        con.execute("""
            INSERT INTO cov_values BY NAME
            SELECT e.* EXCLUDE (age_group), 0.0 AS eligible, 0.0 AS beneficiaries, 0.0 AS eligible_beneficiaries,
                   NULL AS leakage, NULL AS undercoverage, TRUE AS suppressed
            FROM cov_empty e""")
    finally:
        con.unregister("cov_empty")


def _write_mart(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE SCHEMA IF NOT EXISTS mart")
    select = f"""
        SELECT {', '.join(f'c.{c}' for c in COLUMNS)}
        FROM cov_values c JOIN cov_kinds k USING (programme)
        ORDER BY {ORDER}"""
    with transaction(con):  # leaves mart.coverage as it was when it fails or is interrupted
        replace_table(con, "mart.coverage", select)
    refresh(con)

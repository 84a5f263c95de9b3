"""Shaping the mart: women, men, gap, ratio, x and 0, and which gaps show women behind (numbers from conftest.py)."""

from __future__ import annotations

import duckdb
import pytest

from cbms.config import Manifest
from cbms.errors import CbmsError
from cbms.published import read_published
from cbms.published.settings import load_settings
from cbms.report.tables import NOT_APPLICABLE, SUPPRESSED, Pair, domain_rows, pair, top_gaps

SETTINGS = load_settings()


def _pair(con: duckdb.DuckDBPyConnection, manifest: Manifest, indicator: str, area: str) -> Pair | None:
    mart = read_published(con, manifest)
    return pair(mart, SETTINGS, next(i for i in mart.indicators if i.id == indicator), area)


def test_gap_is_women_minus_men_in_points_and_ratio_women_over_men(con, manifest) -> None:
    assert _pair(con, manifest, "POV_01", "150142") == Pair(30.0, 20.0, 10.0, 1.5, behind=2, score=10.0)
    # insurance (higher is good): 70 vs 80, women 10 points behind
    assert _pair(con, manifest, "HEA_01", "S01") == Pair(70.0, 80.0, -10.0, 70.0 / 80.0, behind=2, score=10.0)


def test_a_suppressed_side_hides_the_gap_and_the_ratio(con, manifest) -> None:
    # S02 women: n = 3 (the mart's flag); the value 66.67 must not reach any output, not even through the gap; S02's
    # men are hidden too (S02's total minus them would give the women back), and so are S01's women and men (the
    # district's women minus S01's would give S02's)
    assert _pair(con, manifest, "POV_01", "S02") == Pair(SUPPRESSED, SUPPRESSED, SUPPRESSED, SUPPRESSED)
    assert _pair(con, manifest, "POV_01", "S01") == Pair(SUPPRESSED, SUPPRESSED, SUPPRESSED, SUPPRESSED)


def test_true_zero_stays_zero_and_a_ratio_over_zero_is_not_applicable(con, manifest) -> None:
    assert _pair(con, manifest, "HEA_01", "S02") == Pair(0.0, 50.0, -50.0, 0.0, behind=2, score=50.0)
    assert _pair(con, manifest, "HOU_03", "S02") == Pair(0.0, 0.0, 0.0, NOT_APPLICABLE)


def test_a_missing_cell_is_not_applicable(con, manifest) -> None:
    # S01 has no female-headed household without network water: no row in the mart
    assert _pair(con, manifest, "HOU_03", "S01") == Pair(NOT_APPLICABLE, 8.0, NOT_APPLICABLE, NOT_APPLICABLE)


def test_the_manifest_threshold_applies_even_where_the_mart_did_not_flag(con, manifest) -> None:
    mart = read_published(con, manifest)
    cell = mart.cell("DEM_02", "S02")  # n = 4 < min_cell 5
    assert cell is not None and cell.suppressed and cell.value is None


def test_direction_decides_who_is_behind(con, manifest) -> None:
    # insurance (higher is good): district women 85 vs men 75 are ahead; S01 70 vs 80 are 10 points behind
    assert _pair(con, manifest, "HEA_01", "150142").behind == 0  # type: ignore[union-attr]
    assert _pair(con, manifest, "HEA_01", "S01").behind == 2  # type: ignore[union-attr]
    # unpaid hours (higher is bad), read relative to men's value: 2.6 % apart is not noticeable, 25 % is large
    assert _pair(con, manifest, "GEN_01", "S01").behind == 0  # type: ignore[union-attr]
    assert _pair(con, manifest, "GEN_01", "S02").behind == 2  # type: ignore[union-attr]
    # population is neutral: never behind
    assert _pair(con, manifest, "DEM_01", "150142").behind == 0  # type: ignore[union-attr]


def test_top_gaps_are_chosen_by_the_data(con, manifest) -> None:
    mart = read_published(con, manifest)
    # district: hours 28 vs 10 = 180 % of men's value = 36 noticeable units; poverty 10 points = 10 units;
    # insurance left out (women ahead)
    assert [g.indicator.id for g in top_gaps(mart, SETTINGS, "150142", 5)] == ["GEN_01", "POV_01"]
    assert [g.indicator.id for g in top_gaps(mart, SETTINGS, "S01", 5)] == ["HEA_01"]  # poverty's pair is hidden
    # S02: poverty's women are suppressed, so that gap cannot be chosen; household indicators never are
    assert [g.indicator.id for g in top_gaps(mart, SETTINGS, "S02", 5)] == ["HEA_01", "GEN_01"]
    assert [g.indicator.id for g in top_gaps(mart, SETTINGS, "S02", 1)] == ["HEA_01"]


def test_domain_rows_put_district_and_sectors_side_by_side(con, manifest) -> None:
    mart = read_published(con, manifest)
    areas = [mart.district, *mart.sectors]
    rows = domain_rows(mart, SETTINGS, "poverty", areas)
    assert [(r.indicator.id, r.kind) for r in rows] == [("POV_01", k) for k in ("total", "women", "men", "gap",
                                                                                  "ratio")]
    assert rows[3].values == (10.0, SUPPRESSED, SUPPRESSED)
    assert rows[3].behind == (2, 0, 0)
    assert [a.name for a in areas] == ["Villa El Salvador", "Primer Sector", "Segundo Sector"]


def test_not_computed_indicators_have_no_cells_and_age_rows_are_their_own(con, manifest) -> None:
    mart = read_published(con, manifest)
    assert not any(key[0] == "PEPI_01" for key in mart.cells)
    assert mart.cell("POV_01", "150142", "female").value == 30.0  # type: ignore[union-attr]  # not the 0-5 row
    assert mart.cell("POV_01", "150142", "female", age_group="0-5").value == 99.9  # type: ignore[union-attr]
    assert mart.area("S01-G01").parent == "S01"  # type: ignore[union-attr]  # a grupo, under its sector


def test_a_database_without_indicators_is_a_clear_error(manifest) -> None:
    with pytest.raises(CbmsError) as caught:
        read_published(duckdb.connect(), manifest)
    assert caught.value.code == "REP_003"

"""The hand-made round of cases.py, every figure worked out by hand beside its assertion."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from cbms.budget import BudgetTables, budget_tables, check_budget, published
from cbms.errors import BUD_036, BUD_037, BUD_038
from tests.budget.cases import build_mart, write_round

approx = pytest.approx


@pytest.fixture
def tables(tmp_path: Path) -> Iterator[BudgetTables]:
    manifest = write_round(tmp_path)
    inputs = check_budget(manifest, folder=tmp_path / "budget")
    con = duckdb.connect()
    build_mart(con)
    yield budget_tables(con, manifest, inputs)
    con.close()


def _row(rows: tuple[object, ...], **match: object) -> object:
    found = [r for r in rows if all(getattr(r, k) == v for k, v in match.items())]
    assert len(found) == 1, match
    return found[0]


def test_budget_rows(tables: BudgetTables) -> None:
    rows = tables.budget
    # agua: HOU_03 x 3 areas x 3 sexes + the grupo's total = 10; cuidado: GEN_01 x 3 areas x 3 sexes = 9
    assert len(rows) == 19
    # Allocated to agua (counted statuses aprobado, ejecutado): P1 10,000 in S01; P2 6,000 named 'agua', split
    # over S01 and S02 (3,000 each); P5 (priorizado) does not count. District: 10,000 + 6,000 = 16,000.
    district = _row(rows, need_id="agua", area_level="district", sex=None)
    assert (district.in_need, district.unit_cost, district.cost_needed, district.allocated) == (30, 1000, 30_000,
                                                                                                  16_000)
    assert district.allocated_per_unit == approx(16_000 / 30)  # 533.33 soles per household without water
    s01 = _row(rows, need_id="agua", area_code="S01", sex=None)
    assert (s01.in_need, s01.cost_needed, s01.allocated, s01.allocated_per_unit) == (20, 20_000, 13_000, 650)
    s02 = _row(rows, need_id="agua", area_code="S02", sex=None)
    assert (s02.in_need, s02.cost_needed, s02.allocated, s02.allocated_per_unit) == (10, 10_000, 3_000, 300)
    # women / men rows carry the count and its cost; a budget line is not split by sex
    women = _row(rows, need_id="agua", area_code="S01", sex="female")
    assert (women.in_need, women.cost_needed, women.allocated, women.allocated_per_unit) == (15, 15_000, None, None)
    assert _row(rows, need_id="agua", area_code="S02", sex="female").suppressed  # the mart's own flag (n = 4)
    grupo = _row(rows, need_id="agua", area_level="grupo")
    assert (grupo.in_need, grupo.cost_needed, grupo.allocated) == (12, 12_000, None)  # a budget names sectors only
    # cuidado: P3 5,000 (district-wide, category cuidado_infantil): in the district only
    care = _row(rows, need_id="cuidado", area_level="district", sex=None)
    assert (care.in_need, care.unit_cost, care.cost_needed, care.allocated) == (2000, None, None, 5000)
    assert care.allocated_per_unit == 2.5  # 5,000 soles / 2,000 weekly hours
    assert _row(rows, need_id="cuidado", area_code="S01", sex=None).allocated == 0
    assert {r.sex for r in rows if r.need_id == "cuidado"} == {None, "female", "male"}  # by sex, not head's sex


def test_needs_matrix(tables: BudgetTables) -> None:
    district = _row(tables.needs, need_id="agua", area_level="district")
    assert (district.basis, district.in_need, district.in_need_female, district.in_need_male) == ("head_sex", 30, 16,
                                                                                                   14)
    assert district.rate_female == approx(100 * 16 / 34)  # 47.06 % of female-headed households
    assert district.gap == approx(100 * 16 / 34 - 25)  # 22.06 points against female-headed households
    assert district.ratio == approx((100 * 16 / 34) / 25)  # 1.88
    care = _row(tables.needs, need_id="cuidado", area_code="S01")
    assert (care.basis, care.rate_female, care.rate_male, care.gap, care.ratio) == ("sex", 30, 10, 20, 3)
    s02 = _row(tables.needs, need_id="agua", area_code="S02")
    assert (s02.suppressed, s02.suppressed_female, s02.suppressed_male, s02.gap) == (False, True, False, 0)


def test_costing(tables: BudgetTables) -> None:
    # only agua has a unit cost: its 10 rows, none of cuidado
    assert {r.need_id for r in tables.costing} == {"agua"} and len(tables.costing) == 10
    row = _row(tables.costing, area_code="S01", sex="male")
    assert (row.in_need, row.unit_cost, row.cost_needed, row.cost_source, row.cost_year) == (
        5, 1000, 5000, "hecho a mano para la prueba", 2024)


def test_budget_against_need(tables: BudgetTables) -> None:
    rows = tables.comparison
    s01 = _row(rows, need_id="agua", area_code="S01")
    assert s01.need_share == approx(100 * 20 / 30)  # 66.67 % of the sectors' 30 households in need
    assert s01.budget_share == approx(100 * 13_000 / 16_000)  # 81.25 % of the 16,000 soles located in sectors
    assert s01.share_gap == approx(100 * 20 / 30 - 81.25)  # -14.58: more money than need
    assert s01.coverage == approx(65.0)  # 13,000 of the 20,000 needed
    s02 = _row(rows, need_id="agua", area_code="S02")
    assert (s02.need_share, s02.budget_share, s02.coverage) == (approx(100 / 3), approx(18.75), approx(30.0))
    assert s02.share_gap == approx(100 / 3 - 18.75)  # +14.58: less money than need
    district = _row(rows, need_id="agua", area_level="district")
    assert (district.need_share, district.budget_share, district.coverage) == (None, None, approx(100 * 16 / 30))
    # no sector gets money for cuidado: every sector's budget share is 0, their need shares 60 and 40
    care = [r for r in rows if r.need_id == "cuidado" and r.area_level == "sector"]
    assert [(r.area_code, r.need_share, r.budget_share) for r in care] == [("S01", 60, 0), ("S02", 40, 0)]


def test_ranking(tables: BudgetTables) -> None:
    # weights 0.5 severity, 0.3 size, 0.2 gap. agua: rates 40 / 25 -> 1, 0.625; counts 20 / 10 -> 1, 0.5; gaps
    # against female heads 25 / 0 -> 1, 0. Score S01 = 1, S02 = 0.5 x 0.625 + 0.3 x 0.5 = 0.4625.
    # cuidado: rates 20 / 20 -> 1, 1; hours 1,200 / 800 -> 1, 2/3; gaps 20 / 0 -> 1, 0. S01 = 1, S02 = 0.7.
    # Need scores (equal need weights): S01 = 1, S02 = (0.4625 + 0.7) / 2 = 0.58125; shares 63.24 % / 36.76 %.
    # Soles located in sectors: S01 13,000, S02 3,000 -> 81.25 % / 18.75 %. Unmet: -18.01 / +18.01.
    first, second = tables.ranking
    assert (first.rank, first.area_code, first.area_name) == (1, "S02", "Segundo Sector")
    assert first.need_score == approx(0.58125)
    assert (first.severity, first.size, first.gap) == (approx(0.8125), approx((0.5 + 2 / 3) / 2), 0)
    assert first.need_share == approx(100 * 0.58125 / 1.58125)
    assert (first.allocated, first.budget_share) == (3000, 18.75)
    assert first.unmet == approx(100 * 0.58125 / 1.58125 - 18.75)  # +18.01 points
    assert (second.rank, second.area_code, second.need_score, second.unmet) == (2, "S01", 1.0,
                                                                             approx(100 / 1.58125 - 81.25))
    assert (first.weight_severity, first.weight_size, first.weight_gap) == (0.5, 0.3, 0.2)
    assert (first.suppressed, second.suppressed) == (True, False)  # S02's female-head water cell is protected


def test_classification(tables: BudgetTables) -> None:
    classes = {p.code: (p.gender_class, p.reason, p.counted) for p in tables.projects}
    # HOU_03 in the district: female heads 47.06 % vs male heads 25 %, ratio 1.88 >= 1.10: a gap against women
    assert classes == {"P1": ("responsive", "need_gap:agua", True), "P2": ("responsive", "need_gap:agua", True),
                       "P3": ("specific", "target_group:mujeres", True), "P4": ("neutral", "", True),
                       "P5": ("responsive", "need_gap:agua", False)}
    # counted: 10,000 + 6,000 + 5,000 + 4,000 = 25,000; specific 5,000 (20 %), responsive 16,000 (64 %), neutral 16 %
    assert [(c.gender_class, c.projects, c.amount, c.share) for c in tables.classes] == [
        ("specific", 1, 5000, 20), ("responsive", 2, 16_000, 64), ("neutral", 1, 4000, 16)]


def test_notes(tables: BudgetTables) -> None:
    notes = {n.detail.code: n.context for n in tables.notes}
    assert notes[BUD_036.code]["codes"] == "P4"  # roads: no need declared
    assert notes[BUD_037.code]["amount"] == "2,000"  # P5 is only prioritised
    assert notes[BUD_038.code]["amount"] == "5,000"  # P3, district-wide


def test_publication_blanks_what_a_protected_cell_gives_away(tables: BudgetTables) -> None:
    shown = published(tables)
    women = _row(shown.budget, need_id="agua", area_code="S02", sex="female")
    assert (women.in_need, women.cost_needed, women.suppressed) == (None, None, True)
    assert _row(shown.budget, need_id="agua", area_code="S02", sex=None).in_need == 10  # its own cell is public
    matrix = _row(shown.needs, need_id="agua", area_code="S02")
    assert (matrix.in_need_female, matrix.rate_female, matrix.gap, matrix.ratio) == (None, None, None, None)
    assert (matrix.in_need_male, matrix.rate_male) == (9, 25)
    s02 = _row(shown.ranking, area_code="S02")
    assert (s02.rank, s02.severity, s02.need_share, s02.unmet, s02.allocated) == (1, None, None, None, 3000)
    assert shown.projects == tables.projects and shown.classes == tables.classes  # the budget itself is public
    assert tables.budget != shown.budget  # the exact tables are untouched

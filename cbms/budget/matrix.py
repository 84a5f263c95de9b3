"""The needs matrix (need x area, women and men side by side, with the gap), the costing (count in need x unit cost)
and budget.parquet's rows (need x area x sex: in need, cost, soles allocated, soles per unit in need)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from cbms.budget.allocation import Allocation
from cbms.budget.mart import LEVELS, SEXES, Cell, NeedCells
from cbms.budget.needs import Need


@dataclass(frozen=True, slots=True)
class BudgetRow:
    """One row of budget.parquet (OUTPUTS.md): need x area x sex."""

    need_id: str
    indicator_id: str
    area_level: str
    area_code: str
    sex: str | None  # female | male (the head's sex for household needs) | None for both
    in_need: float | None  # the indicator's numerator in that cell
    unit_cost: float | None
    cost_needed: float | None  # in_need x unit_cost
    allocated: float | None  # soles addressing the need there (both sexes only; None for a grupo)
    allocated_per_unit: float | None  # allocated / in_need
    suppressed: bool  # the indicator cell's own flag


@dataclass(frozen=True, slots=True)
class NeedRow:
    """The needs matrix: one need in one area, the total and women / men (female- / male-headed households)."""

    need_id: str
    indicator_id: str
    unit: str
    basis: str  # sex | head_sex
    area_level: str
    area_code: str
    in_need: float | None
    in_need_female: float | None
    in_need_male: float | None
    rate: float | None  # the indicator's value (percent, or mean hours)
    rate_female: float | None
    rate_male: float | None
    gap: float | None  # rate_female - rate_male (percentage points, or hours)
    ratio: float | None  # rate_female / rate_male
    suppressed: bool
    suppressed_female: bool
    suppressed_male: bool


@dataclass(frozen=True, slots=True)
class CostRow:
    """The costing: resources needed where a unit cost is declared, with where the cost comes from."""

    need_id: str
    indicator_id: str
    area_level: str
    area_code: str
    sex: str | None
    in_need: float | None
    unit_cost: float
    cost_needed: float | None
    cost_source: str
    cost_year: int
    suppressed: bool


def sex_gap(female: Cell | None, male: Cell | None) -> tuple[float | None, float | None]:
    """Women's value minus men's, and women's over men's (None where a side is missing or men's is 0)."""
    if female is None or male is None or female.value is None or male.value is None:
        return None, None
    return female.value - male.value, (female.value / male.value if male.value else None)


def _areas(cells: NeedCells, sectors: Sequence[str]) -> Iterator[tuple[str, str]]:
    """Every area: the mart's, and the round's sectors the mart has no cell for."""
    for level in LEVELS:
        codes = list(cells.areas.get(level, ()))
        if level == "sector":
            codes += [s for s in sectors if s not in codes]
        yield from ((level, code) for code in codes)


def needs_matrix(cells: NeedCells, needs: Sequence[Need]) -> tuple[NeedRow, ...]:
    """One row per need and area the mart has a cell for."""
    rows = []
    for need in needs:
        for level, code in _areas(cells, ()):
            total, female, male = (cells.get(need.id, level, code, sex) for sex in SEXES)
            if total is None and female is None and male is None:
                continue
            gap, ratio = sex_gap(female, male)
            rows.append(NeedRow(
                need.id, need.indicator, need.unit, need.basis, level, code,
                in_need=total.in_need if total else None, in_need_female=female.in_need if female else None,
                in_need_male=male.in_need if male else None, rate=total.value if total else None,
                rate_female=female.value if female else None, rate_male=male.value if male else None,
                gap=gap, ratio=ratio, suppressed=bool(total and total.suppressed),
                suppressed_female=bool(female and female.suppressed), suppressed_male=bool(male and male.suppressed)))
    return tuple(rows)


def budget_rows(cells: NeedCells, needs: Sequence[Need], allocation: Allocation,
                sectors: Sequence[str]) -> tuple[BudgetRow, ...]:
    """budget.parquet: every cell of every need, and a row for a sector the budget reaches but the census has no
    cell for (so no sol goes missing from the table)."""
    rows = []
    for need in needs:
        for level, code in _areas(cells, sectors):
            for sex in SEXES:
                cell = cells.get(need.id, level, code, sex)
                allocated = allocation.get(need.id, level, code) if sex is None else None
                if cell is None and not (sex is None and allocated):
                    continue
                in_need = cell.in_need if cell else None
                rows.append(BudgetRow(
                    need.id, need.indicator, level, code, sex, in_need, need.unit_cost,
                    in_need * need.unit_cost if in_need is not None and need.unit_cost is not None else None,
                    allocated, allocated / in_need if allocated is not None and in_need else None,
                    bool(cell and cell.suppressed)))
    return tuple(rows)


def costing(rows: Sequence[BudgetRow], needs: Sequence[Need]) -> tuple[CostRow, ...]:
    """The rows of needs with a declared unit cost, with its source and year."""
    by_id = {n.id: n for n in needs}
    out = []
    for row in rows:
        need = by_id[row.need_id]
        if need.unit_cost is None or need.cost_source is None or need.cost_year is None or row.in_need is None:
            continue
        out.append(CostRow(row.need_id, row.indicator_id, row.area_level, row.area_code, row.sex, row.in_need,
                           need.unit_cost, row.cost_needed, need.cost_source, need.cost_year, row.suppressed))
    return tuple(out)

"""Budget against need, per need and sector: soles allocated, soles per unit in need, and the sector's share of the
district's need against its share of the budget that addresses that need (both in percent of the sectors' sum)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cbms.budget.allocation import Allocation
from cbms.budget.mart import NeedCells
from cbms.budget.needs import Need


@dataclass(frozen=True, slots=True)
class ComparisonRow:
    """One need in the district or one sector."""

    need_id: str
    area_level: str  # district | sector
    area_code: str
    in_need: float | None
    rate: float | None
    allocated: float
    allocated_per_unit: float | None  # soles per household, person or child in need
    need_share: float | None  # percent of the sectors' count in need that is in this sector (sectors only)
    budget_share: float | None  # percent of the sector-located soles for this need that go here (sectors only)
    share_gap: float | None  # need_share - budget_share, percentage points: positive = less money than need
    cost_needed: float | None
    coverage: float | None  # allocated as a percent of cost_needed
    suppressed: bool


def compare(cells: NeedCells, needs: Sequence[Need], allocation: Allocation, district: str,
            sectors: Sequence[str]) -> tuple[ComparisonRow, ...]:
    """The district row, then one row per sector, for each need. A need no sector gets money for has a budget share
    of 0 everywhere; a sector without a cell has no share of the need."""
    rows = []
    for need in needs:
        counts = {s: c.in_need for s in sectors if (c := cells.get(need.id, "sector", s)) and c.in_need is not None}
        need_total = sum(counts.values())
        soles = {s: allocation.get(need.id, "sector", s) or 0.0 for s in sectors}
        soles_total = sum(soles.values())
        rows.append(_row(need, "district", district, cells, allocation.get(need.id, "district", district) or 0.0,
                         None, None))
        for sector in sectors:
            need_share = 100.0 * counts[sector] / need_total if sector in counts and need_total > 0 else None
            budget_share = 100.0 * soles[sector] / soles_total if soles_total > 0 else 0.0
            rows.append(_row(need, "sector", sector, cells, soles[sector], need_share, budget_share))
    return tuple(rows)


def _row(need: Need, level: str, code: str, cells: NeedCells, allocated: float, need_share: float | None,
         budget_share: float | None) -> ComparisonRow:
    cell = cells.get(need.id, level, code)
    in_need = cell.in_need if cell else None
    cost = in_need * need.unit_cost if in_need is not None and need.unit_cost is not None else None
    return ComparisonRow(
        need.id, level, code, in_need, cell.value if cell else None, allocated,
        allocated / in_need if in_need else None, need_share, budget_share,
        need_share - budget_share if need_share is not None and budget_share is not None else None,
        cost, 100.0 * allocated / cost if cost else None, bool(cell and cell.suppressed))

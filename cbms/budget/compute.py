"""Every budget table from the need cells, the checked budget and the declarations: needs matrix, costing,
budget.parquet's rows, budget against need, the ranking of sectors and the projects' classes."""

from __future__ import annotations

from dataclasses import dataclass

from cbms.budget.allocation import allocate
from cbms.budget.areas import Areas
from cbms.budget.classify import ClassRow, ProjectRow, class_shares, classify, gaps_against_women
from cbms.budget.comparison import ComparisonRow, compare
from cbms.budget.declarations import Declarations
from cbms.budget.mart import NeedCells
from cbms.budget.matrix import BudgetRow, CostRow, NeedRow, budget_rows, costing, needs_matrix
from cbms.budget.projects import Budget
from cbms.budget.ranking import RankingRow, rank_sectors
from cbms.budget.rules import Weights
from cbms.errors import BUD_036, BUD_037, BUD_038, Notice


@dataclass(frozen=True, slots=True)
class BudgetTables:
    """The tables, exact (every cell, with its suppression flag), and what the analyst should know about how the
    budget was set against the needs."""

    budget: tuple[BudgetRow, ...]
    needs: tuple[NeedRow, ...]
    costing: tuple[CostRow, ...]
    comparison: tuple[ComparisonRow, ...]
    ranking: tuple[RankingRow, ...]
    projects: tuple[ProjectRow, ...]
    classes: tuple[ClassRow, ...]
    weights: Weights
    notes: tuple[Notice, ...] = ()


def compute_tables(cells: NeedCells, budget: Budget, declarations: Declarations, areas: Areas) -> BudgetTables:
    """Set the budget against the needs."""
    needs = declarations.needs
    sectors = tuple(sorted(areas.sectors))
    allocation = allocate(budget, declarations, areas.district)
    rows = budget_rows(cells, needs, allocation, sectors)
    projects = classify(budget, allocation, declarations, gaps_against_women(cells, declarations, areas.district))
    notes: list[Notice] = []
    if allocation.unlinked:
        notes.append(Notice(BUD_036, {"count": len(allocation.unlinked), "codes": ", ".join(
            p.code for p in allocation.unlinked), "amount": f"{sum(p.amount for p in allocation.unlinked):,.0f}"}))
    if allocation.uncounted:
        notes.append(Notice(BUD_037, {"count": len(allocation.uncounted),
                                      "amount": f"{sum(p.amount for p in allocation.uncounted):,.0f}",
                                      "statuses": ", ".join(sorted({p.status for p in allocation.uncounted}))}))
    if allocation.district_wide:
        notes.append(Notice(BUD_038, {"amount": f"{allocation.district_wide:,.0f}"}))
    return BudgetTables(
        budget=rows, needs=needs_matrix(cells, needs), costing=costing(rows, needs),
        comparison=compare(cells, needs, allocation, areas.district, sectors),
        ranking=rank_sectors(cells, needs, allocation, declarations.rules.weights, areas.sectors),
        projects=projects, classes=class_shares(projects), weights=declarations.rules.weights, notes=tuple(notes))

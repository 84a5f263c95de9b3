"""What of the budget tables may be published: where a census cell is protected, every figure derived from it is
blank; the budget's own figures (soles, projects, classes) are public and stay. This is the one place that decides
it: secondary suppression can replace `published` without touching the tables."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from cbms.budget.comparison import ComparisonRow
from cbms.budget.compute import BudgetTables
from cbms.budget.matrix import BudgetRow, CostRow, NeedRow
from cbms.budget.ranking import RankingRow

# per row type: the flag that protects a cell -> the figures derived from that cell
_DERIVED: dict[type, dict[str, tuple[str, ...]]] = {
    BudgetRow: {"suppressed": ("in_need", "cost_needed", "allocated_per_unit")},
    CostRow: {"suppressed": ("in_need", "cost_needed")},
    NeedRow: {"suppressed": ("in_need", "rate"),
                "suppressed_female": ("in_need_female", "rate_female", "gap", "ratio"),
                "suppressed_male": ("in_need_male", "rate_male", "gap", "ratio")},
    ComparisonRow: {"suppressed": ("in_need", "rate", "allocated_per_unit", "need_share", "share_gap",
                                     "cost_needed", "coverage")},
    RankingRow: {"suppressed": ("severity", "size", "gap", "need_score", "need_share", "unmet")},
}


def published(tables: BudgetTables) -> BudgetTables:
    """The tables with every figure derived from a protected cell blank."""
    return replace(tables, budget=_blank(tables.budget), costing=_blank(tables.costing), needs=_blank(tables.needs),
                   comparison=_blank(tables.comparison), ranking=_blank(tables.ranking))


def _blank(rows: tuple[Any, ...]) -> tuple[Any, ...]:
    out = []
    for row in rows:
        blanked: dict[str, None] = {}
        for flag, figures in _DERIVED[type(row)].items():
            if getattr(row, flag):
                blanked.update(dict.fromkeys(figures))
        out.append(replace(row, **blanked) if blanked else row)
    return tuple(out)

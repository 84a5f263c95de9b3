"""The budget tables as they may be published: a figure counted from a census cell is hidden exactly where the
indicator tables hide that cell (small, or hidden so a small one cannot be worked back: the same protection, so the
budget tables give back nothing the indicators hide), then cbms.budget.publish blanks every figure derived from it.

Two figures set every sector against the others, so one hidden sector would leak through the published ones: the
share of the district's need (each sector's count over the sectors' sum) is blank for the whole need when the
district's own cell is hidden, and the ranking's scores (each sector against the worst one and the sum of all) are
blank for every sector when any sector's cell behind them is hidden; the order of the ranking stays."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from cbms.budget.compute import BudgetTables
from cbms.budget.declarations import Declarations
from cbms.budget.needs import Need
from cbms.budget.publish import published
from cbms.disclosure import Key, Protection


@dataclass(frozen=True)
class PublishedBudget:
    """The protected tables with the declarations that name their needs, categories and classes."""

    tables: BudgetTables
    declarations: Declarations

    def need(self, need_id: str) -> Need:
        """A declared need by id."""
        return next(n for n in self.declarations.needs if n.id == need_id)


def _key(need: Need, code: str, sex: str | None) -> Key:
    return (code, sex, None, None) if need.basis == "sex" else (code, None, sex, None)


def protect_budget(tables: BudgetTables, declarations: Declarations,
                   protection: Mapping[str, Protection]) -> PublishedBudget:
    """The tables with the indicators' protection (`protection`: indicator id -> its hidden cells) applied."""
    needs = {n.id: n for n in declarations.needs}

    def hidden(need_id: str, code: str, sex: str | None, own: bool) -> bool:
        need = needs[need_id]
        found = protection.get(need.indicator)
        return own or (found is not None and _key(need, code, sex) in found.hidden)

    budget = tuple(replace(r, suppressed=hidden(r.need_id, r.area_code, r.sex, r.suppressed)) for r in tables.budget)
    costing = tuple(replace(r, suppressed=hidden(r.need_id, r.area_code, r.sex, r.suppressed))
                    for r in tables.costing)
    matrix = tuple(replace(r, suppressed=hidden(r.need_id, r.area_code, None, r.suppressed),
                           suppressed_female=hidden(r.need_id, r.area_code, "female", r.suppressed_female),
                           suppressed_male=hidden(r.need_id, r.area_code, "male", r.suppressed_male))
                   for r in tables.needs)
    comparison = tuple(replace(r, suppressed=hidden(r.need_id, r.area_code, None, r.suppressed))
                       for r in tables.comparison)
    district_hidden = {r.need_id for r in comparison if r.area_level == "district" and r.suppressed}
    comparison = tuple(replace(r, need_share=None, share_gap=None)
                       if r.area_level == "sector" and r.need_id in district_hidden else r for r in comparison)
    behind = {(r.need_id, r.area_code) for r in matrix if r.area_level == "sector"
              and (r.suppressed or r.suppressed_female or r.suppressed_male)}
    any_sector = bool(behind) or any(r.suppressed for r in tables.ranking)
    ranking = tuple(replace(r, suppressed=any_sector) for r in tables.ranking)
    return PublishedBudget(published(replace(tables, budget=budget, costing=costing, needs=matrix,
                                             comparison=comparison, ranking=ranking)), declarations)

"""Each counted project's amount set against the needs it addresses: split evenly across those needs and, within a
need, evenly across the sectors it names; a district-wide project counts in the district, in no sector."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cbms.budget.declarations import Declarations
from cbms.budget.projects import Budget, Project


@dataclass(frozen=True, slots=True)
class Allocation:
    """Soles per need and area, and the projects that could not be set against any need."""

    soles: Mapping[tuple[str, str, str], float]  # (need, 'district' | 'sector', area code) -> soles
    needs_of: Mapping[str, tuple[str, ...]]  # project code -> the needs it addresses
    counted: tuple[Project, ...]  # projects whose status counts as allocated
    unlinked: tuple[Project, ...]  # counted projects that address no declared need
    uncounted: tuple[Project, ...]  # projects whose status does not count as allocated
    district_wide: float  # soles of counted, need-addressing, district-wide projects (in no sector)

    def get(self, need: str, level: str, code: str) -> float | None:
        """Soles for a need in an area: 0 when nothing goes there; None for a grupo (a budget names sectors)."""
        if level not in ("district", "sector"):
            return None
        return self.soles.get((need, level, code), 0.0)


def needs_addressed(project: Project, declarations: Declarations) -> tuple[str, ...]:
    """The needs a project addresses: those its row names, else those its category addresses."""
    if project.needs:
        return project.needs
    return tuple(n.id for n in declarations.needs if project.category is not None and project.category in n.categories)


def allocate(budget: Budget, declarations: Declarations, district: str) -> Allocation:
    """Set every counted project against the needs it addresses."""
    counted_statuses = set(declarations.rules.counted)
    soles: dict[tuple[str, str, str], float] = {}

    def add(need: str, level: str, code: str, amount: float) -> None:
        soles[(need, level, code)] = soles.get((need, level, code), 0.0) + amount

    needs_of = {p.code: needs_addressed(p, declarations) for p in budget.projects}
    counted = tuple(p for p in budget.projects if p.status in counted_statuses)
    district_wide = 0.0
    for project in counted:
        needs = needs_of[project.code]
        for need in needs:
            share = project.amount / len(needs)
            add(need, "district", district, share)
            for sector in project.sectors:
                add(need, "sector", sector, share / len(project.sectors))
        if needs and project.district_wide:
            district_wide += project.amount
    return Allocation(soles, needs_of, counted, tuple(p for p in counted if not needs_of[p.code]),
                      tuple(p for p in budget.projects if p.status not in counted_statuses), district_wide)

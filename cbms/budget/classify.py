"""Each project marked gender-specific, gender-responsive or gender-neutral by the declared rules, and the share of
the counted budget in each class.

The rules, in order: a project whose target group is declared `specific` is gender-specific; one whose target
group is declared `responsive`, or that addresses a need with a gap against women, is gender-responsive; any other
is gender-neutral. A need has a gap against women when, in the district, women's value (female-headed households'
for household needs) is at least `classification.gap_ratio` times men's, neither cell protected."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cbms.budget.allocation import Allocation
from cbms.budget.declarations import Declarations
from cbms.budget.mart import NeedCells
from cbms.budget.projects import Budget, Project

CLASSES = ("specific", "responsive", "neutral")
CLASS_LABELS = {"specific": ("Específico de género", "Gender-specific"),
                "responsive": ("Sensible al género", "Gender-responsive"),
                "neutral": ("Neutral al género", "Gender-neutral")}


@dataclass(frozen=True, slots=True)
class ProjectRow:
    """A project as the budget gives it, the needs it addresses and its class with the rule that gave it."""

    code: str
    name: str
    year: int
    sectors: str  # 'S01;S03', or 'distrito'
    amount: float
    status: str
    counted: bool  # its status counts as allocated
    category: str | None
    target_group: str | None
    needs: str  # the needs it addresses, ';'-separated
    gender_class: str  # specific | responsive | neutral
    reason: str  # 'target_group:<code>', 'need_gap:<need>;...' or ''
    row: int  # its row in the budget file


@dataclass(frozen=True, slots=True)
class ClassRow:
    """One class and its share of the counted budget."""

    gender_class: str
    projects: int
    amount: float
    share: float | None  # percent of the counted budget


def gaps_against_women(cells: NeedCells, declarations: Declarations, district: str) -> dict[str, bool]:
    """For each need: does the district show a gap against women (see the module's rules)?"""
    ratio = declarations.rules.gap_ratio
    out = {}
    for need in declarations.needs:
        female, male = (cells.get(need.id, "district", district, sex) for sex in ("female", "male"))
        if female is None or male is None or female.suppressed or male.suppressed or \
                female.value is None or male.value is None:
            out[need.id] = False
        elif male.value > 0:
            out[need.id] = female.value >= ratio * male.value
        else:
            out[need.id] = female.value > 0
    return out


def classify(budget: Budget, allocation: Allocation, declarations: Declarations,
             against_women: Mapping[str, bool]) -> tuple[ProjectRow, ...]:
    """Every project of the budget, classified (projects of a status not counted too)."""
    counted = {p.code for p in allocation.counted}
    rows = []
    for project in budget.projects:
        needs = allocation.needs_of[project.code]
        gender_class, reason = _class(project, needs, declarations, against_women)
        rows.append(ProjectRow(project.code, project.name, project.year,
                               ";".join(project.sectors) or "distrito", project.amount, project.status,
                               project.code in counted, project.category, project.target_group, ";".join(needs),
                               gender_class, reason, project.row))
    return tuple(rows)


def _class(project: Project, needs: Sequence[str], declarations: Declarations,
           against_women: Mapping[str, bool]) -> tuple[str, str]:
    group = declarations.rules.target_groups.get(project.target_group or "")
    if group is not None and group.gender_class == "specific":
        return "specific", f"target_group:{project.target_group}"
    if group is not None and group.gender_class == "responsive":
        return "responsive", f"target_group:{project.target_group}"
    gapped = [n for n in needs if against_women.get(n, False)]
    if gapped:
        return "responsive", "need_gap:" + ";".join(gapped)
    return "neutral", ""


def class_shares(rows: Sequence[ProjectRow]) -> tuple[ClassRow, ...]:
    """Projects and soles in each class, and its percent of the counted budget (projects of other statuses out)."""
    counted = [r for r in rows if r.counted]
    total = sum(r.amount for r in counted)
    out = []
    for name in CLASSES:
        members = [r for r in counted if r.gender_class == name]
        amount = sum(r.amount for r in members)
        out.append(ClassRow(name, len(members), amount, 100.0 * amount / total if total > 0 else None))
    return tuple(out)

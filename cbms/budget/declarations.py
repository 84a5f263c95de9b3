"""The budget's declarations, pipelines/budget/rules.yaml and needs.yaml, read and checked together: one error that
lists every problem of both files, each located by file and line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cbms.budget.declared import shown
from cbms.budget.needs import Need, read_needs
from cbms.budget.rules import Rules, read_rules
from cbms.errors import BUD_031, CbmsError, Notice
from cbms.indicators.catalogue import PIPELINES, Catalogue, load_catalogue

BUDGET = PIPELINES / "budget"
NEEDS = "needs.yaml"
RULES = "rules.yaml"


@dataclass(frozen=True, slots=True)
class Declarations:
    """The checked needs and rules."""

    needs: tuple[Need, ...]
    rules: Rules
    folder: Path

    @property
    def needs_file(self) -> str:
        """needs.yaml as messages show it."""
        return shown(self.folder / NEEDS, self.folder.parent)


def load_declarations(catalogue: Catalogue | None = None, folder: Path = BUDGET) -> Declarations:
    """Read rules.yaml and needs.yaml against the indicator catalogue; raise one CbmsError listing every problem."""
    catalogue = catalogue or load_catalogue()
    problems: list[Notice] = []
    rules = read_rules(folder / RULES, shown(folder / RULES, folder.parent), problems)
    needs = read_needs(folder / NEEDS, shown(folder / NEEDS, folder.parent), {i.id: i for i in catalogue.indicators},
                       tuple(rules.categories) if rules is not None else None, problems)
    if problems or rules is None:
        raise CbmsError(BUD_031, path=folder, count=len(problems)).with_problems(tuple(problems))
    return Declarations(needs, rules, folder)

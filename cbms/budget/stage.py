"""The budget stage as the command line and `cbms run` call it: check the declarations and the budget file before
any data is touched, then set the budget against the needs the database holds and write the tables."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from cbms.budget.areas import Areas, geography_areas, mart_areas
from cbms.budget.compute import BudgetTables, compute_tables
from cbms.budget.declarations import BUDGET, Declarations, load_declarations
from cbms.budget.mart import read_need_cells
from cbms.budget.outputs import write_budget_files
from cbms.budget.projects import Budget, read_budget
from cbms.config import Manifest
from cbms.errors import BUD_035, BUD_039, CbmsError, Notice
from cbms.indicators.catalogue import Catalogue


@dataclass(frozen=True, slots=True)
class BudgetInputs:
    """The checked declarations and budget, and the areas its sectors were checked against."""

    declarations: Declarations
    budget: Budget
    areas: Areas

    @property
    def notes(self) -> tuple[Notice, ...]:
        """What reading them had to say (the CSV's encoding or separator; sectors left for the database to check)."""
        unchecked = () if self.areas.checked else (Notice(BUD_039),)
        return (*self.budget.notes, *unchecked)


@dataclass(frozen=True, slots=True)
class BudgetRun:
    """The tables computed and the files written."""

    tables: BudgetTables
    files: tuple[Path, ...]


def check_budget(manifest: Manifest, catalogue: Catalogue | None = None, folder: Path = BUDGET) -> BudgetInputs:
    """Read and check the needs, the rules and the manifest's budget (its sectors against the geography table, when
    the manifest has one): one error listing every problem, before anything is computed or written."""
    if manifest.budget is None:
        raise CbmsError(BUD_035, path=manifest.path)
    declarations = load_declarations(catalogue, folder)
    areas = geography_areas(manifest)
    return BudgetInputs(declarations, read_budget(manifest.budget, declarations, areas, manifest.path), areas)


def budget_tables(con: duckdb.DuckDBPyConnection, manifest: Manifest, inputs: BudgetInputs) -> BudgetTables:
    """Every table, from the database's indicator cells (a budget whose sectors no geography table could check is
    checked against the database's sectors first)."""
    cells = read_need_cells(con, inputs.declarations.needs)
    areas, budget = inputs.areas, inputs.budget
    if not areas.checked and manifest.budget is not None:
        areas = mart_areas(con, manifest)
        budget = read_budget(manifest.budget, inputs.declarations, areas, manifest.path)
    return compute_tables(cells, budget, inputs.declarations, areas)


def run_budget(con: duckdb.DuckDBPyConnection, manifest: Manifest, out: Path, inputs: BudgetInputs) -> BudgetRun:
    """Compute every table, then write them all into `out`."""
    tables = budget_tables(con, manifest, inputs)
    return BudgetRun(tables, write_budget_files(tables, out))

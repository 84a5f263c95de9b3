"""The budget tables written for the municipality's analysts in the folder given: budget.parquet and budget.csv (the
contract of OUTPUTS.md), and budget_needs, budget_costing, budget_against_need, budget_ranking, budget_projects and
budget_classes (.parquet): exact figures, every cell, each with its suppression flag."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from cbms.atomic import copy_query
from cbms.budget.classify import ClassRow, ProjectRow
from cbms.budget.comparison import ComparisonRow
from cbms.budget.compute import BudgetTables
from cbms.budget.matrix import BudgetRow, CostRow, NeedRow
from cbms.budget.ranking import RankingRow

# table attribute -> (file name without extension, row type)
FILES: dict[str, tuple[str, type]] = {
    "budget": ("budget", BudgetRow),
    "needs": ("budget_needs", NeedRow),
    "costing": ("budget_costing", CostRow),
    "comparison": ("budget_against_need", ComparisonRow),
    "ranking": ("budget_ranking", RankingRow),
    "projects": ("budget_projects", ProjectRow),
    "classes": ("budget_classes", ClassRow),
}
_TYPES = (("bool", pa.bool_()), ("int", pa.int64()), ("float", pa.float64()), ("str", pa.string()))


def arrow_table(rows: tuple[Any, ...], row_type: type) -> pa.Table:
    """Rows of a dataclass as an Arrow table whose columns are its fields, typed from their annotations."""
    fields = dataclasses.fields(row_type)
    schema = pa.schema([(f.name, next(t for name, t in _TYPES if str(f.type).startswith(name))) for f in fields])
    return pa.Table.from_pylist([dataclasses.asdict(r) for r in rows], schema=schema)


def write_budget_files(tables: BudgetTables, out: Path) -> tuple[Path, ...]:
    """Write every table (each through a temporary file, then renamed); budget.csv beside budget.parquet."""
    con = duckdb.connect()
    written: list[Path] = []
    try:
        for attribute, (name, row_type) in FILES.items():
            con.register(name, arrow_table(getattr(tables, attribute), row_type))
            written.append(copy_query(con, f'SELECT * FROM "{name}"', out / f"{name}.parquet", "FORMAT parquet"))
            if name == "budget":
                written.append(copy_query(con, f'SELECT * FROM "{name}"', out / f"{name}.csv", "FORMAT csv, HEADER"))
    finally:
        con.close()
    return tuple(written)

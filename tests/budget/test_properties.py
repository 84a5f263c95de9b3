"""Invariants of the budget tables on the hand-made round, for any budget: no sol lost or counted twice, shares
that add up, a ranking whose differences cancel out, an order of rows that changes nothing, and no figure derived
from a protected cell in what may be published."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cbms.budget import published
from cbms.budget.allocation import allocate
from cbms.budget.areas import Areas
from cbms.budget.compute import BudgetTables, compute_tables
from cbms.budget.declarations import Declarations, load_declarations
from cbms.budget.mart import NeedCells, read_need_cells
from cbms.budget.projects import Budget, Project
from cbms.budget.publish import _DERIVED
from tests.budget.cases import build_mart, write_round

AREAS = Areas("150142", {"S01": "Primer Sector", "S02": "Segundo Sector"}, "test")


@pytest.fixture(scope="module")
def declared(tmp_path_factory: pytest.TempPathFactory) -> tuple[Declarations, NeedCells]:
    folder: Path = tmp_path_factory.mktemp("round")
    write_round(folder)
    declarations = load_declarations(folder=folder / "budget")
    con = duckdb.connect()
    build_mart(con)
    cells = read_need_cells(con, declarations.needs)
    con.close()
    return declarations, cells


projects = st.lists(st.tuples(
    st.sampled_from([(), ("S01",), ("S02",), ("S01", "S02")]),
    st.integers(min_value=0, max_value=10**10).map(lambda cents: cents / 100),  # soles with their cents
    st.sampled_from(["priorizado", "aprobado", "ejecutado"]),
    st.sampled_from([None, "agua_saneamiento", "cuidado_infantil", "vias"]),
    st.sampled_from([(), ("agua",), ("cuidado",), ("agua", "cuidado")]),
    st.sampled_from([None, "general", "mujeres"]),
), max_size=12).map(lambda rows: Budget("b.csv", tuple(
    Project(f"P{i}", f"Proyecto {i}", 2026, sectors, amount, status, category, needs, group, i + 2)
    for i, (sectors, amount, status, category, needs, group) in enumerate(rows))))


def _tables(declared: tuple[Declarations, NeedCells], budget: Budget) -> BudgetTables:
    declarations, cells = declared
    return compute_tables(cells, budget, declarations, AREAS)


@settings(max_examples=60, deadline=None)
@given(budget=projects)
def test_no_sol_lost_or_counted_twice(declared: tuple[Declarations, NeedCells], budget: Budget) -> None:
    tables = _tables(declared, budget)
    counted = [p for p in budget.projects if p.status in ("aprobado", "ejecutado")]
    district = [r for r in tables.budget if r.area_level == "district" and r.sex is None]
    addressing = sum(p.amount for p in counted if p.needs or p.category in ("agua_saneamiento", "cuidado_infantil"))
    assert sum(r.allocated or 0 for r in district) == pytest.approx(addressing, abs=1e-6)
    sectors = sum(r.allocated or 0 for r in tables.budget if r.area_level == "sector" and r.sex is None)
    allocation = allocate(budget, declared[0], "150142")
    assert sectors + allocation.district_wide == pytest.approx(addressing, abs=1e-6)
    assert sum(c.amount for c in tables.classes) == pytest.approx(sum(p.amount for p in counted))
    if sum(p.amount for p in counted) > 0:
        assert sum(c.share or 0 for c in tables.classes) == pytest.approx(100)


@settings(max_examples=60, deadline=None)
@given(budget=projects)
def test_shares_add_up_and_the_ranking_balances(declared: tuple[Declarations, NeedCells], budget: Budget) -> None:
    tables = _tables(declared, budget)
    assert sum(r.need_share or 0 for r in tables.ranking) == pytest.approx(100)
    located = sum(r.allocated for r in tables.ranking)
    assert sum(r.budget_share for r in tables.ranking) == pytest.approx(100 if located > 0 else 0)
    if located > 0:
        assert sum(r.unmet or 0 for r in tables.ranking) == pytest.approx(0, abs=1e-9)
    unmet = [r.unmet for r in tables.ranking]
    assert unmet == sorted(unmet, reverse=True)  # ranked by unmet need
    for row in tables.comparison:
        if row.area_level == "sector":
            assert row.need_share is not None and 0 <= row.need_share <= 100 + 1e-9
            assert row.budget_share is not None and 0 <= row.budget_share <= 100 + 1e-9


@settings(max_examples=30, deadline=None)
@given(budget=projects, seed=st.randoms(use_true_random=False))
def test_the_order_of_the_rows_changes_nothing(declared: tuple[Declarations, NeedCells], budget: Budget,
                                               seed: object) -> None:
    shuffled = list(budget.projects)
    seed.shuffle(shuffled)  # type: ignore[attr-defined]
    one, other = _tables(declared, budget), _tables(declared, dataclasses.replace(budget, projects=tuple(shuffled)))
    for name in ("budget", "comparison", "ranking", "needs", "costing", "classes"):
        for a, b in zip(getattr(one, name), getattr(other, name), strict=True):
            assert dataclasses.asdict(a) == pytest.approx(dataclasses.asdict(b))
    assert sorted(one.projects, key=lambda p: p.code) == sorted(other.projects, key=lambda p: p.code)


@settings(max_examples=30, deadline=None)
@given(budget=projects)
def test_nothing_derived_from_a_protected_cell_is_published(declared: tuple[Declarations, NeedCells],
                                                            budget: Budget) -> None:
    shown = published(_tables(declared, budget))
    checked = 0
    for name in ("budget", "needs", "costing", "comparison", "ranking"):
        for row in getattr(shown, name):
            for flag, figures in _DERIVED[type(row)].items():
                if getattr(row, flag):
                    checked += 1
                    assert all(getattr(row, f) is None for f in figures), (name, row)
    assert checked > 0  # the hand-made mart has a protected cell (S02, female-headed households)

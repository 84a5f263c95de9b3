"""On the demo, through `cbms run`: every figure of the budget tables recomputed another way, in plain Python, from
the files alone — indicators.parquet, the budget CSV, needs.yaml and rules.yaml — with no code of cbms.budget."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import yaml

from cbms.cli import main
from tests.conftest import ROOT

BUDGET_CSV = ROOT / "data" / "demo" / "presupuesto_participativo_2026.csv"
DECLARED = ROOT / "pipelines" / "budget"
pytestmark = pytest.mark.slow  # a whole demo run

CONTRACT = ["need_id", "indicator_id", "area_level", "area_code", "sex", "in_need", "unit_cost", "cost_needed",
            "allocated", "allocated_per_unit", "suppressed"]  # OUTPUTS.md, budget.parquet


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("budget-run")
    assert main(["run", "--demo", "--households", "500", "--seed", "7", "--out", str(out), "--format", "none"]) == 0
    return out / "analisis"  # where a run writes the analysts' tables (OUTPUTS.md)


def _rows(path: Path) -> list[dict[str, Any]]:
    return pq.read_table(path).to_pylist()


class Oracle:
    """The budget worked out again from the files."""

    def __init__(self, out: Path) -> None:
        self.needs = yaml.safe_load((DECLARED / "needs.yaml").read_text(encoding="utf-8"))["needs"]
        self.rules = yaml.safe_load((DECLARED / "rules.yaml").read_text(encoding="utf-8"))
        with BUDGET_CSV.open(encoding="utf-8") as handle:
            self.projects = list(csv.DictReader(handle))
        with (ROOT / "data" / "demo" / "geography.csv").open(encoding="utf-8") as handle:
            self.sectors = sorted(r["code"] for r in csv.DictReader(handle) if r["level"] == "sector")
        self.cells: dict[tuple[Any, ...], dict[str, Any]] = {}
        for r in _rows(out / "indicators.parquet"):
            if r["age_group"] is None:
                self.cells[(r["indicator_id"], r["area_level"], r["area_code"], r["sex"], r["head_sex"])] = r
        self.basis = {}
        for need in self.needs:
            unit = yaml.safe_load((ROOT / "pipelines" / "indicators" / f"{need['indicator']}.yaml").read_text())["unit"]
            self.basis[need["id"]] = "head_sex" if unit == "household" else "sex"
        self.soles = self._allocate()

    def cell(self, need: dict[str, Any], level: str, code: str, sex: str | None) -> dict[str, Any] | None:
        key = (sex, None) if self.basis[need["id"]] == "sex" else (None, sex)
        return self.cells.get((need["indicator"], level, code, *key))

    def needs_of(self, project: dict[str, str]) -> list[str]:
        named = [n.strip() for n in project["necesidad"].split(";") if n.strip()]
        return named or [n["id"] for n in self.needs if project["categoria"] in n.get("categories", [])]

    def counted(self) -> list[dict[str, str]]:
        return [p for p in self.projects if p["estado"] in self.rules["counted"]]

    def _allocate(self) -> dict[tuple[str, str], float]:
        soles: dict[tuple[str, str], float] = defaultdict(float)
        for project in self.counted():
            needs = self.needs_of(project)
            sectors = [] if project["sector"] == "distrito" else project["sector"].split(";")
            for need in needs:
                soles[(need, "150142")] += float(project["monto"]) / len(needs)
                for sector in sectors:
                    soles[(need, sector)] += float(project["monto"]) / len(needs) / len(sectors)
        return soles


def test_budget_parquet_has_the_contract_columns(run: Path) -> None:
    assert pq.read_schema(run / "budget.parquet").names == CONTRACT
    with (run / "budget.csv").open(encoding="utf-8") as handle:
        assert next(csv.reader(handle)) == CONTRACT
    assert len(_rows(run / "budget.parquet")) == sum(1 for _ in (run / "budget.csv").open()) - 1


def test_every_budget_parquet_figure(run: Path) -> None:
    oracle = Oracle(run)
    rows = _rows(run / "budget.parquet")
    by_id = {n["id"]: n for n in oracle.needs}
    expected_keys = set()
    for need in oracle.needs:
        for (indicator, level, code, sex, head_sex) in oracle.cells:
            split, other = (sex, head_sex) if oracle.basis[need["id"]] == "sex" else (head_sex, sex)
            if indicator == need["indicator"] and other is None:
                expected_keys.add((need["id"], level, code, split))
    assert {(r["need_id"], r["area_level"], r["area_code"], r["sex"]) for r in rows} == expected_keys
    for row in rows:
        need = by_id[row["need_id"]]
        cell = oracle.cell(need, row["area_level"], row["area_code"], row["sex"])
        assert cell is not None
        assert row["indicator_id"] == need["indicator"]
        assert row["in_need"] == cell["numerator"]
        assert row["suppressed"] == cell["suppressed"]
        assert row["unit_cost"] == need.get("unit_cost")
        cost = cell["numerator"] * need["unit_cost"] if "unit_cost" in need else None
        assert row["cost_needed"] == pytest.approx(cost)
        if row["sex"] is None and row["area_level"] != "grupo":
            allocated = oracle.soles.get((need["id"], row["area_code"]), 0.0)
            assert row["allocated"] == pytest.approx(allocated)
            assert row["allocated_per_unit"] == pytest.approx(allocated / cell["numerator"] if cell["numerator"]
                                                              else None)
        else:
            assert (row["allocated"], row["allocated_per_unit"]) == (None, None)
    # no sol lost: each need's district allocation is the counted budget addressing it
    district = {r["need_id"]: r["allocated"] for r in rows if r["area_level"] == "district" and r["sex"] is None}
    assert sum(district.values()) == pytest.approx(
        sum(float(p["monto"]) for p in oracle.counted() if oracle.needs_of(p)))


def test_budget_against_need(run: Path) -> None:
    oracle = Oracle(run)
    rows = {(r["need_id"], r["area_code"]): r for r in _rows(run / "budget_against_need.parquet")}
    for need in oracle.needs:
        counts = {s: c["numerator"] for s in oracle.sectors if (c := oracle.cell(need, "sector", s, None))}
        soles = {s: oracle.soles.get((need["id"], s), 0.0) for s in oracle.sectors}
        for sector in oracle.sectors:
            row = rows[(need["id"], sector)]
            assert row["allocated"] == pytest.approx(soles[sector])
            assert row["need_share"] == pytest.approx(100 * counts[sector] / sum(counts.values()))
            budget_share = 100 * soles[sector] / sum(soles.values()) if sum(soles.values()) else 0.0
            assert row["budget_share"] == pytest.approx(budget_share)
            assert row["share_gap"] == pytest.approx(row["need_share"] - budget_share)
            per_unit = soles[sector] / counts[sector] if counts[sector] else None
            assert row["allocated_per_unit"] == pytest.approx(per_unit)
            if "unit_cost" in need and counts[sector]:
                assert row["coverage"] == pytest.approx(100 * soles[sector] / (counts[sector] * need["unit_cost"]))


def test_ranking_with_the_declared_weights(run: Path) -> None:
    oracle = Oracle(run)
    w = oracle.rules["weights"]
    score: dict[str, float] = defaultdict(float)
    for need in oracle.needs:
        rate, count, gap = {}, {}, {}
        for s in oracle.sectors:
            total, female, male = (oracle.cell(need, "sector", s, x) for x in (None, "female", "male"))
            rate[s] = total["value"] if total else 0.0
            count[s] = total["numerator"] if total else 0.0
            gap[s] = max(female["value"] - male["value"], 0.0) if female and male else 0.0
        for s in oracle.sectors:
            parts = [values[s] / max(values.values()) if max(values.values()) > 0 else 0.0
                     for values in (rate, count, gap)]
            need_score = (w["severity"] * parts[0] + w["size"] * parts[1] + w["gap"] * parts[2]) / sum(w.values())
            score[s] += need.get("weight", 1) * need_score / sum(n.get("weight", 1) for n in oracle.needs)
    soles = {s: sum(oracle.soles.get((n["id"], s), 0.0) for n in oracle.needs) for s in oracle.sectors}
    unmet = {s: 100 * score[s] / sum(score.values()) - 100 * soles[s] / sum(soles.values()) for s in oracle.sectors}
    expected = sorted(oracle.sectors, key=lambda s: (-unmet[s], s))
    ranking = _rows(run / "budget_ranking.parquet")
    assert [r["area_code"] for r in ranking] == expected
    assert [r["rank"] for r in ranking] == list(range(1, len(expected) + 1))
    for row in ranking:
        assert row["need_score"] == pytest.approx(score[row["area_code"]])
        assert row["unmet"] == pytest.approx(unmet[row["area_code"]])
        assert row["allocated"] == pytest.approx(soles[row["area_code"]])
        assert (row["weight_severity"], row["weight_size"], row["weight_gap"]) == (w["severity"], w["size"], w["gap"])


def test_project_classes_and_their_shares(run: Path) -> None:
    oracle = Oracle(run)
    groups = oracle.rules["target_groups"]
    against = {}
    for need in oracle.needs:
        female, male = (oracle.cell(need, "district", "150142", x) for x in ("female", "male"))
        against[need["id"]] = (not female["suppressed"] and not male["suppressed"] and
                               female["value"] >= oracle.rules["classification"]["gap_ratio"] * male["value"])
    expected = {}
    for project in oracle.projects:
        group = groups[project["grupo_objetivo"]]["class"]
        if group in ("specific", "responsive"):
            expected[project["código"]] = group
        else:
            gapped = any(against[n] for n in oracle.needs_of(project))
            expected[project["código"]] = "responsive" if gapped else "neutral"
    projects = _rows(run / "budget_projects.parquet")
    assert {p["code"]: p["gender_class"] for p in projects} == expected
    counted = [p for p in oracle.projects if p["estado"] in oracle.rules["counted"]]
    total = sum(float(p["monto"]) for p in counted)
    for row in _rows(run / "budget_classes.parquet"):
        amount = sum(float(p["monto"]) for p in counted if expected[p["código"]] == row["gender_class"])
        assert (row["amount"], row["share"]) == (pytest.approx(amount), pytest.approx(100 * amount / total))
    # the demo's budget carries each class: women's projects, needs with a gap against women, and neither
    assert {p["gender_class"] for p in projects} == {"specific", "responsive", "neutral"}


def test_needs_matrix_and_costing(run: Path) -> None:
    oracle = Oracle(run)
    by_id = {n["id"]: n for n in oracle.needs}
    for row in _rows(run / "budget_needs.parquet"):
        need = by_id[row["need_id"]]
        total, female, male = (oracle.cell(need, row["area_level"], row["area_code"], x)
                               for x in (None, "female", "male"))
        assert row["in_need"] == (total["numerator"] if total else None)
        assert row["rate"] == (total["value"] if total else None)
        if female and male:
            assert row["gap"] == pytest.approx(female["value"] - male["value"])
            assert row["suppressed_female"] == female["suppressed"]
    costing = _rows(run / "budget_costing.parquet")
    assert {r["need_id"] for r in costing} == {n["id"] for n in oracle.needs if "unit_cost" in n}
    for row in costing:
        need = by_id[row["need_id"]]
        assert row["cost_needed"] == pytest.approx(row["in_need"] * need["unit_cost"])
        assert (row["cost_source"], row["cost_year"]) == (need["cost_source"], need["cost_year"])


def test_cbms_budget_on_its_own_gives_the_same_tables(run: Path, capsys: pytest.CaptureFixture[str]) -> None:
    again = run.parent / "again"
    assert main(["--lang", "en", "budget", "--db", str(run.parent / "supervision" / "cbms.duckdb"), "--out",
                 str(again)]) == 0
    out = capsys.readouterr().out
    assert "Sectors by unmet need (weights: severity 0.4, size 0.4, gap 0.2)" in out
    for name in ("budget", "budget_needs", "budget_costing", "budget_against_need", "budget_ranking",
                 "budget_projects", "budget_classes"):
        assert _rows(again / "analisis" / f"{name}.parquet") == _rows(run / f"{name}.parquet")

"""The independent attack (attack.py) on demo runs of several seeds and sizes, one with grupos of 3 households:
no protected cell comes back, no cell under its threshold is published, no personal value is in a published or
analysts' file, and the same run twice protects the same cells."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from cbms.cli import main
from cbms.config import load_manifest
from cbms.indicators import load_catalogue
from tests.disclosure.attack import attack
from tests.test_run import demo_secrets, shared_texts

# the issue's measurement; the tests' demo (its grupo S06-G03 has one person of 60+, with no sex recorded: the case
# of cbms.disclosure.empty); grupos of 1 to 5 households
RUNS = [(3000, 7), (400, 3), (170, 11)]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[int, int], Path]:
    found = {}
    for households, seed in RUNS:
        out = tmp_path_factory.mktemp(f"run-{households}-{seed}")
        assert main(["run", "--demo", "--households", str(households), "--seed", str(seed), "--out", str(out),
                     "--format", "xlsx,maps"]) == 0
        found[(households, seed)] = out
    return found


def _published(out: Path) -> list[dict[str, str]]:
    with (out / "publicacion" / "indicadores_publicados.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.slow
@pytest.mark.parametrize("run", RUNS, ids=lambda r: f"{r[0]}h-seed{r[1]}")
def test_no_protected_cell_comes_back(runs: dict[tuple[int, int], Path], run: tuple[int, int]) -> None:
    result = attack(runs[run])
    assert result.blank > 0
    assert result.recovered == set()  # n and numerator both worked back
    assert result.numerator_only == set() and result.n_only == set()


@pytest.mark.slow
def test_the_tests_demo_publishes_its_empty_parts_blank(runs: dict[tuple[int, int], Path]) -> None:
    # grupo S06-G03 (400 households, seed 3): its one person of 60+ has no sex recorded, so no woman or man of 60+
    # is counted there; the table carries both at n = 0 (cbms.disclosure.empty), published blank like a small cell
    out = runs[(400, 3)]
    con = duckdb.connect()
    empty = con.execute(f"""SELECT DISTINCT sex FROM '{out / 'analisis' / 'indicators.parquet'}' WHERE indicator_id =
                            'DEM_01' AND area_code = 'S06-G03' AND age_group = '60+' AND sex IS NOT NULL AND n = 0
                            """).fetchall()
    assert sorted(r[0] for r in empty) == ["female", "male"]
    published = {(r["sex"], r["n"]) for r in _published(out) if r["indicator_id"] == "DEM_01"
                 and r["area_code"] == "S06-G03" and r["age_group"] == "60+"}
    assert published == {("", ""), ("female", ""), ("male", "")}


@pytest.mark.slow
def test_the_smallest_run_has_grupos_of_three_households(runs: dict[tuple[int, int], Path]) -> None:
    con = duckdb.connect()
    sizes = [r[0] for r in con.execute(
        f"SELECT n FROM '{runs[(170, 11)] / 'analisis' / 'indicators.parquet'}' WHERE indicator_id = 'DEM_03' AND "
        "area_level = 'grupo' AND sex IS NULL AND head_sex IS NULL AND age_group IS NULL").fetchall()]
    assert 3 in sizes  # DEM_03's n is the households of the grupo


@pytest.mark.slow
@pytest.mark.parametrize("run", RUNS, ids=lambda r: f"{r[0]}h-seed{r[1]}")
def test_no_cell_under_its_threshold_is_published(runs: dict[tuple[int, int], Path], run: tuple[int, int]) -> None:
    manifest = load_manifest()
    sensitive = {i.id for i in load_catalogue().indicators if i.sensitive}
    rows = _published(runs[run])
    small = [r for r in rows if r["n"] != "" and int(r["n"]) < (
        manifest.min_cell_sensitive if r["indicator_id"] in sensitive else manifest.min_cell)]
    assert rows and small == []
    maps = [r for p in (runs[run] / "publicacion").glob("map_*.csv")
            for r in csv.DictReader(p.open(encoding="utf-8", newline=""))]
    printed = [(r["code"], k) for r in maps for k, v in r.items() if k.endswith("_n") and v != "" and int(v) < 10
               and k.removesuffix("_n") in sensitive]
    assert printed == []


@pytest.mark.slow
@pytest.mark.parametrize("run", RUNS, ids=lambda r: f"{r[0]}h-seed{r[1]}")
def test_no_personal_value_in_a_shared_file(runs: dict[tuple[int, int], Path], run: tuple[int, int],
                                            tmp_path: Path) -> None:
    secrets = demo_secrets(tmp_path, *run)
    cells = shared_texts(runs[run])
    joined = "\n".join(cells)
    found = {kind: [v for v in values if (v in joined if kind in ("names", "phones", "gps") else v in cells)]
             for kind, values in secrets.items()}
    assert found == {kind: [] for kind in secrets}
    assert sorted(p.name for p in runs[run].iterdir()) == ["analisis", "publicacion", "supervision"]  # no export


@pytest.mark.slow
def test_the_same_run_twice_protects_the_same_cells(runs: dict[tuple[int, int], Path],
                                                    tmp_path: Path) -> None:
    again = tmp_path / "again"
    assert main(["run", "--demo", "--households", "400", "--seed", "3", "--out", str(again), "--format", "xlsx"]) == 0
    first = [(r["indicator_id"], r["area_code"], r["sex"], r["head_sex"], r["age_group"], r["suppressed"])
             for r in _published(runs[(400, 3)])]
    assert first == [(r["indicator_id"], r["area_code"], r["sex"], r["head_sex"], r["age_group"], r["suppressed"])
                     for r in _published(again)]

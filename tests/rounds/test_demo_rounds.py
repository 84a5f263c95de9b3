"""Both demo rounds in one database, judged against each round computed on its own: every change.parquet row is
the difference of the two rounds' indicators.parquet cells (read with pandas, the earlier areas placed by reading
the crosswalk YAML here); round 1's rows are the same before and after round 2; round 1's tables can be had back."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from cbms.cli import main
from cbms.config import DEMO_MANIFESTS, load_manifest
from cbms.demo import write_demo
from cbms.errors import RND_032
from cbms.published.changes import read_changes
from cbms.run import run_all
from cbms.store import open_database
from tests.conftest import ROOT
from tests.database import round_hash

pytestmark = pytest.mark.slow
CENSUS = {"households": 300, "seed": 3, "error_rate": 0.02}
KEYS = ["indicator_id", "area_level", "area_code", "sex", "head_sex", "age_group"]
CROSSWALK = ROOT / "pipelines" / "rounds" / "ves-demo-2027.yaml"


@pytest.fixture(scope="module")
def rounds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    base = tmp_path_factory.mktemp("rounds")
    exports = {n: next(p for p in write_demo(fmt="odk-csv", out=base / f"census{n}", round_=n, **CENSUS).files
                       if p.suffix == ".zip") for n in (1, 2)}  # type: ignore[arg-type]
    first, second = load_manifest(DEMO_MANIFESTS[1]), load_manifest(DEMO_MANIFESTS[2])
    both = base / "both.duckdb"
    run_all([exports[1]], first, base / "round1", both, formats=())
    hashes = [round_hash(both, first.round_id)]
    shutil.copy(both, base / "round1.duckdb")
    run_all([exports[2]], second, base / "both2", both, formats=())
    hashes.append(round_hash(both, first.round_id))
    alone = run_all([exports[2]], second, base / "round2", base / "round2.duckdb", formats=())
    return {"base": base, "both": both, "hashes": hashes, "alone": alone}


def _frame(path: Path) -> pd.DataFrame:
    frame = pd.read_parquet(path)
    frame[KEYS] = frame[KEYS].astype(object).where(frame[KEYS].notna(), "")
    return frame


def _expected(earlier: pd.DataFrame, later: pd.DataFrame) -> pd.DataFrame:
    """The change worked out from the two parquet files: each later area's earlier ones as the YAML declares (a code
    both rounds have and the YAML does not move is itself), value from = the earlier value (x share for counts)."""
    declared = yaml.safe_load(CROSSWALK.read_text(encoding="utf-8"))
    kinds = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))["value"]
             for p in (ROOT / "pipelines" / "indicators").glob("*.yaml")}
    moved = {level: {old: ({new: 1.0} if isinstance(new, str) else new) for old, new in
                     declared["areas"].get(level, {}).items()} for level in ("sector", "grupo")}
    rows = []
    for level, codes in later.groupby("area_level")["area_code"]:
        earlier_codes = set(earlier.loc[earlier.area_level == level, "area_code"])
        for code in set(codes):
            sources = {old: parts[code] for old, parts in moved.get(level, {}).items() if code in parts}
            if code in earlier_codes and code not in moved.get(level, {}):
                sources[code] = 1.0
            assert len(sources) <= 1  # the demo splits and moves, it merges nothing
            rows += [(level, code, old, share) for old, share in sources.items()]
    placed = pd.DataFrame(rows, columns=["area_level", "area_code", "area_from", "share"])
    joined = later.merge(placed, on=["area_level", "area_code"]).merge(
        earlier, left_on=["indicator_id", "area_level", "area_from", "sex", "head_sex", "age_group"],
        right_on=["indicator_id", "area_level", "area_code", "sex", "head_sex", "age_group"],
        suffixes=("", "_from"))
    count = joined.indicator_id.map(kinds) == "count"
    joined["expected_from"] = joined.value_from.where(~count, joined.value_from * joined.share)
    joined["expected_change"] = joined.value - joined.expected_from
    joined.loc[joined.indicator_id == "SEC_01", "expected_change"] = float("nan")  # declared not comparable
    return joined.rename(columns={"value": "expected_to", "n": "expected_n_to", "n_from": "expected_n_from"})


def test_every_change_is_the_difference_of_the_two_rounds_computed_alone(rounds: dict[str, object]) -> None:
    base = rounds["base"]
    assert isinstance(base, Path)
    earlier = _frame(base / "round1" / "analisis" / "indicators.parquet").rename(
        columns={"value": "value_from", "n": "n_from"})
    later = _frame(base / "round2" / "analisis" / "indicators.parquet")
    expected = _expected(earlier, later)
    change = _frame(base / "both2" / "analisis" / "change.parquet")
    merged = change.merge(expected[[*KEYS, "area_from", "expected_from", "expected_to", "expected_change",
                                    "expected_n_from", "expected_n_to"]], on=KEYS, how="outer", indicator=True)
    assert (merged._merge == "both").all(), merged[merged._merge != "both"][[*KEYS, "_merge"]].head()
    assert len(change) > 10_000
    assert (merged.area_from_x == merged.area_from_y).all()
    pd.testing.assert_series_equal(merged.value_from, merged.expected_from, check_names=False, rtol=1e-12)
    pd.testing.assert_series_equal(merged.value_to, merged.expected_to, check_names=False, rtol=0)
    pd.testing.assert_series_equal(merged.change, merged.expected_change, check_names=False, rtol=1e-9,
                                   atol=1e-9)
    assert (merged.n_from == merged.expected_n_from).all() and (merged.n_to == merged.expected_n_to).all()


def test_the_split_sector_carries_its_earlier_rate(rounds: dict[str, object]) -> None:
    base = rounds["base"]
    assert isinstance(base, Path)
    earlier = _frame(base / "round1" / "analisis" / "indicators.parquet")
    change = _frame(base / "both2" / "analisis" / "change.parquet")
    s05 = earlier[(earlier.indicator_id == "HOU_03") & (earlier.area_code == "S05") & (earlier.head_sex == "")]
    parts = change[(change.indicator_id == "HOU_03") & (change.area_level == "sector") & (change.head_sex == "") &
                   (change.area_from == "S05")]
    assert set(parts.area_code) <= {"S05", "S11"} and "S05" in set(parts.area_code)
    assert (parts.value_from == s05.value.iloc[0]).all() and (parts.n_from == s05.n.iloc[0]).all()


def test_sec_01_is_flagged_and_never_published_as_a_change(rounds: dict[str, object]) -> None:
    base, both = rounds["base"], rounds["both"]
    assert isinstance(base, Path) and isinstance(both, Path)
    change = pd.read_parquet(base / "both2" / "analisis" / "change.parquet")
    sec = change[change.indicator_id == "SEC_01"]
    assert len(sec) and not sec.comparable.any() and sec.change.isna().all() and sec.reason.str.len().min() > 50
    with open_database(both, "ves-demo-2027") as con:
        published = read_changes(con)
    assert published.cells and "SEC_01" not in {c.indicator_id for c in published.cells}
    assert [i for i, _, _ in published.not_comparable] == ["SEC_01"]


def test_round_1_is_the_same_before_and_after_round_2(rounds: dict[str, object]) -> None:
    before, after = rounds["hashes"]  # type: ignore[misc]
    assert before == after and before


def test_round_2_alone_has_no_change_and_says_why(rounds: dict[str, object]) -> None:
    alone = rounds["alone"]
    assert getattr(alone, "change") is None  # noqa: B009
    assert [n.detail for n in getattr(alone, "notices")] == [RND_032]  # noqa: B009


def test_round_1_tables_can_be_had_back_from_the_shared_database(rounds: dict[str, object],
                                                                 tmp_path: Path) -> None:
    base, both = rounds["base"], rounds["both"]
    assert isinstance(base, Path) and isinstance(both, Path)
    copy = tmp_path / "copy.duckdb"
    shutil.copy(both, copy)
    assert main(["indicators", "--manifest", str(DEMO_MANIFESTS[1]), "--db", str(copy), "--out",
                 str(tmp_path / "out")]) == 0
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "out" / "analisis" / "indicators.parquet"),
                                  pd.read_parquet(base / "round1" / "analisis" / "indicators.parquet"))


def test_cbms_run_demo_rounds_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["run", "--demo", "--rounds", "2", "--households", "150", "--seed", "2", "--out", str(out),
                 "--format", "xlsx"]) == 0
    assert (out / "analisis" / "change.parquet").is_file() and (out / "analisis" / "change.csv").is_file()
    assert (out / "publicacion" / "indicadores_ves-demo-2027.xlsx").is_file()
    assert not (out / "publicacion" / "indicadores_ves-demo.xlsx").exists()  # round 1's reports are not kept
    capsys.readouterr()
    assert main(["--lang", "en", "rounds", "--db", str(out / "supervision" / "cbms.duckdb")]) == 0
    shown = capsys.readouterr().out
    assert "ves-demo" in shown and "2027080101" in shown and "150 / " in shown
    assert main(["run", "--rounds", "2", "--manifest", str(DEMO_MANIFESTS[2]), "--out", str(out)]) == 2

"""The change stage on two rounds' marts written by hand: areas kept, split, merged and lost; an indicator declared
not comparable; a change suppressed when either round protects its cell. Every expected number is worked out by
hand beside it from the tables below."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from cbms.config import DEMO_MANIFESTS, Manifest, load_manifest
from cbms.errors import RND_020, RND_021, RND_022, RND_030, CbmsError
from cbms.published import read_published
from cbms.published.changes import read_changes
from cbms.rounds.change import COLUMNS, check_crosswalks, compute_change, write_change_files
from cbms.store import open_database
from tests.database import round_hash
from tests.rounds.marts import write_round

# Round 1 on its geography: S01, S02, S03, S05, S09. Percent = 100 x numerator / denominator; n = denominator.
ROUND_1 = """
| indicator | level    | area   | head_sex | numerator | denominator | n   |
|-----------|----------|--------|----------|-----------|-------------|-----|
| HOU_03    | district | 150142 |          | 52        | 200         | 200 |
| HOU_03    | sector   | S01    |          | 10        | 40          | 40  |
| HOU_03    | sector   | S01    | female   | 1         | 3           | 3   |
| HOU_03    | sector   | S01    | male     | 9         | 37          | 37  |
| HOU_03    | sector   | S02    |          | 12        | 30          | 30  |
| HOU_03    | sector   | S03    |          | 3         | 20          | 20  |
| HOU_03    | sector   | S05    |          | 20        | 60          | 60  |
| HOU_03    | sector   | S05    | female   | 10        | 30          | 30  |
| HOU_03    | sector   | S05    | male     | 10        | 30          | 30  |
| HOU_03    | sector   | S09    |          | 7         | 50          | 50  |
| DEM_01    | district | 150142 |          | 500       |             | 500 |
| DEM_01    | sector   | S01    |          | 100       |             | 100 |
| DEM_01    | sector   | S02    |          | 80        |             | 80  |
| DEM_01    | sector   | S03    |          | 50        |             | 50  |
| DEM_01    | sector   | S05    |          | 150       |             | 150 |
| DEM_01    | sector   | S09    |          | 120       |             | 120 |
| SEC_01    | district | 150142 |          | 50        | 500         | 500 |
| SEC_01    | sector   | S01    |          | 12        | 100         | 100 |
"""
# Round 2 on the current geography: S01, S02 (S02 and S03 merged), S05 and S11 (S05 split), S09 gone.
ROUND_2 = """
| indicator | level    | area   | head_sex | numerator | denominator | n   |
|-----------|----------|--------|----------|-----------|-------------|-----|
| HOU_03    | district | 150142 |          | 40        | 220         | 220 |
| HOU_03    | sector   | S01    |          | 8         | 50          | 50  |
| HOU_03    | sector   | S01    | female   | 3         | 20          | 20  |
| HOU_03    | sector   | S01    | male     | 5         | 30          | 30  |
| HOU_03    | sector   | S02    |          | 12        | 60          | 60  |
| HOU_03    | sector   | S05    |          | 10        | 70          | 70  |
| HOU_03    | sector   | S05    | female   | 1         | 4           | 4   |
| HOU_03    | sector   | S05    | male     | 9         | 66          | 66  |
| HOU_03    | sector   | S11    |          | 10        | 40          | 40  |
| DEM_01    | district | 150142 |          | 410       |             | 410 |
| DEM_01    | sector   | S01    |          | 110       |             | 110 |
| DEM_01    | sector   | S02    |          | 140       |             | 140 |
| DEM_01    | sector   | S05    |          | 90        |             | 90  |
| DEM_01    | sector   | S11    |          | 70        |             | 70  |
| SEC_01    | district | 150142 |          | 82        | 410         | 410 |
| SEC_01    | sector   | S01    |          | 30        | 110         | 110 |
"""
CROSSWALK = """\
not_comparable:
  SEC_01: {es: La pregunta cambió., en: The question changed.}
areas:
  from_round: r1
  sector:
    S05: {S05: 0.6, S11: 0.4}
    S03: S02
"""
GEOGRAPHY = """level,code,name,parent_code
district,150142,Distrito,
sector,S01,Uno,150142
sector,S02,Dos,150142
sector,S05,Cinco,150142
sector,S11,Once,150142
"""


def _manifest(tmp_path: Path, crosswalk: str = CROSSWALK) -> Manifest:
    (tmp_path / "geography.csv").write_text(GEOGRAPHY, encoding="utf-8")
    (tmp_path / "r2.yaml").write_text(crosswalk, encoding="utf-8")
    return replace(load_manifest(DEMO_MANIFESTS[2]), round_id="r2", previous_round="r1",
                   geography=tmp_path / "geography.csv", boundaries={}, crosswalks=(tmp_path / "r2.yaml",))


@pytest.fixture
def changed(tmp_path: Path) -> tuple[pd.DataFrame, Path, Manifest, list[str]]:
    db = tmp_path / "rounds.duckdb"
    write_round(db, "r1", ROUND_1)
    write_round(db, "r2", ROUND_2)
    manifest = _manifest(tmp_path)
    with open_database(db, "r2") as con:
        report = compute_change(con, manifest, check_crosswalks(manifest))
        parquet, _ = write_change_files(con, tmp_path / "analisis")
    return pd.read_parquet(parquet), db, manifest, [n.message("en") for n in report.notices]


def _row(frame: pd.DataFrame, indicator: str, area: str, head_sex: str | None = None) -> pd.Series:
    found = frame[(frame.indicator_id == indicator) & (frame.area_code == area) &
                  (frame.head_sex.isna() if head_sex is None else frame.head_sex == head_sex)]
    assert len(found) == 1, (indicator, area, head_sex)
    return found.iloc[0]


def test_columns_are_the_contract(changed: tuple[pd.DataFrame, Path, Manifest, list[str]]) -> None:
    frame = changed[0]
    assert tuple(frame.columns) == COLUMNS == (
        "indicator_id", "area_level", "area_code", "sex", "head_sex", "age_group", "round_from", "round_to",
        "area_from", "value_from", "value_to", "change", "n_from", "n_to", "comparable", "reason", "reason_en",
        "suppressed")  # docs/change.md
    assert set(frame.round_from) == {"r1"} and set(frame.round_to) == {"r2"}


def test_an_area_in_both_geographies_is_compared_with_itself(
        changed: tuple[pd.DataFrame, Path, Manifest, list[str]]) -> None:
    row = _row(changed[0], "HOU_03", "S01")
    assert (row.area_from, row.value_from, row.value_to) == ("S01", 25.0, 16.0)  # 10/40 and 8/50
    assert row.change == pytest.approx(-9.0)  # 16 - 25 points
    assert (row.n_from, row.n_to) == (40, 50)
    district = _row(changed[0], "HOU_03", "150142")
    assert district.change == pytest.approx(100 * 40 / 220 - 26.0)  # 18.18 - 52/200


def test_a_split_sector_carries_its_rate_to_both_parts_and_its_counts_by_share(
        changed: tuple[pd.DataFrame, Path, Manifest, list[str]]) -> None:
    frame = changed[0]
    for part, value_to in (("S05", 100 * 10 / 70), ("S11", 100 * 10 / 40)):
        row = _row(frame, "HOU_03", part)
        assert row.area_from == "S05"
        assert row.value_from == pytest.approx(100 * 20 / 60)  # S05's round-1 rate, unchanged in each part
        assert row.change == pytest.approx(value_to - 100 * 20 / 60)
        assert row.n_from == 60  # S05's n: the households behind the carried rate
    assert _row(frame, "DEM_01", "S05").value_from == pytest.approx(150 * 0.6)  # count x share = 90
    assert _row(frame, "DEM_01", "S11").value_from == pytest.approx(150 * 0.4)  # 60
    assert _row(frame, "DEM_01", "S11").change == pytest.approx(70 - 60)
    assert _row(frame, "DEM_01", "S11").n_from == 150


def test_merged_sectors_are_recomputed_from_their_numerators_and_denominators(
        changed: tuple[pd.DataFrame, Path, Manifest, list[str]]) -> None:
    row = _row(changed[0], "HOU_03", "S02")
    assert row.area_from == "S02;S03"
    assert row.value_from == pytest.approx(100 * (12 + 3) / (30 + 20))  # 30.0, not the mean of 40 and 15
    assert row.change == pytest.approx(20.0 - 30.0)
    assert row.n_from == 30 + 20
    assert _row(changed[0], "DEM_01", "S02").value_from == pytest.approx(80 + 50)


def test_an_area_placed_nowhere_is_reported_and_left_out(
        changed: tuple[pd.DataFrame, Path, Manifest, list[str]]) -> None:
    frame, _, _, notices = changed
    assert not frame.area_from.str.contains("S09").any()
    assert notices == [RND_020.format("en", round="r2", level="sector", count=1, codes="S09")]


def test_a_not_comparable_indicator_keeps_its_values_but_has_no_change(
        changed: tuple[pd.DataFrame, Path, Manifest, list[str]]) -> None:
    frame, db, _, _ = changed
    sec = frame[frame.indicator_id == "SEC_01"]
    assert len(sec) == 2 and not sec.comparable.any() and sec.change.isna().all()
    assert set(sec.reason) == {"La pregunta cambió."} and set(sec.reason_en) == {"The question changed."}
    assert _row(frame, "SEC_01", "S01").value_from == pytest.approx(12.0)  # 12/100
    assert frame[frame.indicator_id != "SEC_01"].comparable.all()
    with open_database(db, "r2") as con:
        changes = read_changes(con)
    assert "SEC_01" not in {c.indicator_id for c in changes.cells}
    assert changes.not_comparable == (("SEC_01", "La pregunta cambió.", "The question changed."),)


def test_a_change_is_suppressed_whenever_either_round_protects_its_cell(
        changed: tuple[pd.DataFrame, Path, Manifest, list[str]]) -> None:
    frame, db, manifest, _ = changed
    assert _row(frame, "HOU_03", "S01", "female").suppressed  # round 1: n = 3 < 5
    assert _row(frame, "HOU_03", "S05", "female").suppressed  # round 2: n = 4 < 5
    # each round's protection read on its own connection (primary and secondary), under the same thresholds
    with open_database(db, "r1") as con:
        before = read_published(con, replace(manifest, round_id="r1"))
    with open_database(db, "r2") as con:
        now = read_published(con, manifest)
        published = read_changes(con)
    for row in frame.astype(object).where(frame.notna(), None).itertuples():
        sources = row.area_from.split(";")
        key = (row.sex, row.head_sex, row.age_group)
        expected = now.cells[(row.indicator_id, row.area_code, *key)].protected or any(
            before.cells[(row.indicator_id, s, *key)].protected for s in sources)
        assert row.suppressed == expected, row
    assert frame.suppressed.sum() > 2  # secondary suppression hides more than the two small cells
    for change in published.cells:
        if change.suppressed:
            assert change.value_from is change.value_to is change.change is change.n_from is None
        else:
            assert change.change is not None and not math.isnan(change.change)


def test_the_earlier_round_is_untouched(tmp_path: Path) -> None:
    db = tmp_path / "rounds.duckdb"
    write_round(db, "r1", ROUND_1)
    before = round_hash(db, "r1")
    write_round(db, "r2", ROUND_2)
    manifest = _manifest(tmp_path)
    with open_database(db, "r2") as con:
        compute_change(con, manifest, check_crosswalks(manifest))
        compute_change(con, manifest, check_crosswalks(manifest))  # again: replaces its own rows only
        rows = con.execute("SELECT count(*) FROM mart.indicator_change").fetchall()[0][0]
    assert round_hash(db, "r1") == before
    assert rows == 16  # every one of ROUND_2's 16 cells has an earlier cell (S11's and S02's by the crosswalk)


def test_without_an_earlier_round_or_its_data_the_stage_says_so(tmp_path: Path) -> None:
    db = tmp_path / "rounds.duckdb"
    write_round(db, "r2", ROUND_2)
    manifest = _manifest(tmp_path)
    with open_database(db, "r2") as con:
        with pytest.raises(CbmsError) as missing:
            compute_change(con, manifest, ())
        with pytest.raises(CbmsError) as unnamed:
            compute_change(con, replace(manifest, previous_round=None), ())
    assert missing.value.code == RND_021.code and unnamed.value.code == RND_022.code


def test_a_broken_crosswalk_stops_the_stage_with_every_problem(tmp_path: Path) -> None:
    manifest = _manifest(tmp_path, "areas:\n  sector:\n    S05: {S05: 0.6, S11: 0.3}\n  sectr: {}\n")
    with pytest.raises(CbmsError) as raised:
        check_crosswalks(manifest)
    assert raised.value.code == RND_030.code
    assert [p.message("en").split("]")[0] for p in raised.value.problems] == ["[RND_002", "[RND_003"]

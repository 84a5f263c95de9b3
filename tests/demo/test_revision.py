"""The second round's declarations: the revised form version, its crosswalk to the current names and geography,
the round's manifest, and the demo's changes by design against the demo budget they come from."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from cbms.cli import main
from cbms.config import load_manifest
from cbms.demo import FORM, build_census, write_demo
from cbms.demo.geography import shipped_files
from cbms.demo.rounds import (
    CONSOLIDATION,
    CROSSWALK_2027,
    DISTRICT_NUTRITION,
    FORM_2027,
    NUTRITION,
    ROUNDS,
    SEWER_CONNECTED,
    WATER_CONNECTED,
    DemoRound,
    revision,
)
from cbms.errors import CHK_001, CHK_003, DEMO_007, DEMO_008, DEMO_009, RND_003, CbmsError
from cbms.form import build_form, check_form, read_form, render_mirror
from cbms.rounds.crosswalk import Crosswalk, load_crosswalks
from tests.conftest import ROOT
from tests.demo.conftest import csv_header

PIPELINES = ROOT / "pipelines"
MANIFEST_2027 = PIPELINES / "ves_demo_2027.toml"
BUDGET = ROOT / "data" / "demo" / "presupuesto_participativo_2026.csv"


@pytest.fixture(scope="module")
def crosswalk() -> Crosswalk:
    loaded, problems = load_crosswalks((CROSSWALK_2027,), PIPELINES)
    assert [p.message("en") for p in problems] == []
    return loaded[0]


# ----------------------------------------------------------------------------------------- the revised form
def test_the_revised_form_builds_through_odk_validate(tmp_path: Path) -> None:
    if shutil.which("java") is None:
        pytest.skip("ODK Validate needs Java (make setup installs it)")
    result = build_form(FORM_2027, tmp_path)
    assert result.xform.exists() and result.form_id == "cbms_grb_hogar"


def test_check_lists_only_the_renamed_and_recoded_core_items() -> None:
    findings = check_form(FORM_2027, validate=False)
    found = sorted((f.detail.code, f.message("en")) for f in findings if f.severity == "error")
    assert [code for code, _ in found] == [CHK_001.code, CHK_003.code]
    assert "'hunger'" in found[0][1]
    assert "network_inside, network_outside, standpipe" in found[1][1]


def test_the_revised_form_is_the_shipped_one_with_the_declared_changes() -> None:
    old, new = read_form(FORM), read_form(FORM_2027)
    assert new.form_id == old.form_id and int(new.version or 0) > int(old.version or 0)
    assert {q.name for q in old.questions} - {q.name for q in new.questions} == {"hunger"}
    assert {q.name for q in new.questions} - {q.name for q in old.questions} == {"food_shortage"}
    assert new.question("food_shortage").type == old.question("hunger").type == "select_one"
    codes = {list_name: [c.name for c in choices] for list_name, choices in new.choices.items()}
    assert codes["water_source"] == ["red_dentro", "red_fuera", "pileta", "tanker", "well", "river", "other"]
    labels = [c.labels for c in new.choices["water_source"]]
    assert labels == [c.labels for c in old.choices["water_source"]]  # only the codes changed
    assert codes["sector"] == [c.name for c in old.choices["sector"]] + ["S11"]
    # the widened question behind SEC_01's not-comparable flag
    assert new.question("crime_victim").labels != old.question("crime_victim").labels


def test_the_revised_forms_areas_are_the_2027_geography() -> None:
    spec = read_form(FORM_2027)
    table = pd.read_csv(shipped_files(2)[0], dtype=str)
    sectors = table[table["level"] == "sector"]
    grupos = table[table["level"] == "grupo"]
    assert [c.name for c in spec.choices["sector"]] == sectors["code"].tolist()
    assert [(c.name, c.extra["sector"]) for c in spec.choices["grupo"]] == list(
        zip(grupos["code"], grupos["parent_code"], strict=True))  # the choice_filter column follows the split


def test_the_revised_forms_mirror_is_current() -> None:
    mirror = FORM_2027.with_suffix(".md")
    assert mirror.read_text(encoding="utf-8") == render_mirror(FORM_2027), "run `make forms` and commit the mirror"


# -------------------------------------------------------------------------------------------- the crosswalk
def test_crosswalk_names_and_codes_exist_in_both_forms(crosswalk: Crosswalk) -> None:
    old, new = read_form(FORM), read_form(FORM_2027)  # current names, the version's names
    assert crosswalk.form_versions == (new.version,)
    for name, current in crosswalk.questions.items():
        assert name in {q.name for q in new.questions} and name not in {q.name for q in old.questions}
        assert current in {q.name for q in old.questions}
    for question, declared in crosswalk.choices.items():
        current_codes = {c.name for c in old.choices[old.question(question).list_name or ""]}
        version_codes = {c.name for c in new.choices[new.question(question).list_name or ""]}
        codes = {a: b for a, b in declared.items() if a != b}  # recoded
        added = {a for a, b in declared.items() if a == b}  # the version added them; kept under their own code
        assert added <= version_codes - current_codes
        assert set(codes) <= version_codes - current_codes
        assert set(codes.values()) <= current_codes - version_codes
        # every other code of the version is a current one (the 2027 form dropped S05-G04..G06, now S11's grupos)
        assert version_codes - set(codes) - added <= current_codes - set(codes.values())


def test_crosswalk_flags_a_real_indicator_for_its_widened_item(crosswalk: Crosswalk) -> None:
    assert set(crosswalk.not_comparable) == {"SEC_01"}
    declared = yaml.safe_load((PIPELINES / "indicators" / "SEC_01.yaml").read_text(encoding="utf-8"))
    assert declared["items"] == ["crime_victim"]
    es, en = crosswalk.not_comparable["SEC_01"]
    assert "crime_victim" in es and "crime_victim" in en and es != en


def test_crosswalk_puts_round_one_on_the_2027_geography(crosswalk: Crosswalk) -> None:
    before = pd.read_csv(shipped_files(1)[0], dtype=str)
    after = pd.read_csv(shipped_files(2)[0], dtype=str)
    assert crosswalk.from_round == load_manifest(PIPELINES / "ves_demo.toml").round_id
    for level in ("sector", "grupo"):
        old = set(before.loc[before["level"] == level, "code"])
        new = set(after.loc[after["level"] == level, "code"])
        mapped = crosswalk.areas[level]
        assert set(mapped) <= old and all(set(parts) <= new for parts in mapped.values())
        assert old - new <= set(mapped)  # no area of round 1 is left without a place in 2027
    assert crosswalk.areas["sector"] == {"S05": {"S05": 0.53, "S11": 0.47}}


def test_split_shares_are_round_ones_households() -> None:
    """The declared shares: round 1 of `make demo` (seed 1, 2,000 households), its S05 visits in the grupos that
    stayed S05 (G01-G03) and in those that became S11, to two decimals (122 and 109 of 231)."""
    _, _, pop = build_census(2000, 1, read_form(FORM))
    s05 = pop.households.loc[pop.households["sector"] == "S05", "grupo"]
    north = s05.isin(["S05-G01", "S05-G02", "S05-G03"]).mean()
    assert (round(north, 2), round(1 - north, 2)) == (0.53, 0.47)


# ----------------------------------------------------------------------------- the crosswalk, written back
def test_the_demo_writes_the_crosswalk_backwards() -> None:
    written = revision(ROUNDS[2], "2027080101")
    assert written.renamed == {"hunger": "food_shortage"}
    assert written.recoded == {"water_source": {"network_inside": "red_dentro", "network_outside": "red_fuera",
                                                "standpipe": "pileta"}}
    assert revision(ROUNDS[2], "2026112301").renamed == {}  # another version: written in the current names


def test_round_two_in_the_current_form_keeps_the_current_names(tmp_path: Path) -> None:
    result = write_demo(households=30, seed=2, fmt="odk-csv", out=tmp_path, form=FORM, round_=2)
    header = csv_header(result.files[0], "cbms_grb_hogar.csv")
    assert "food-hunger" in header and "food-food_shortage" not in header


def test_a_crosswalk_that_cannot_be_written_back(tmp_path: Path) -> None:
    path = tmp_path / "rounds" / "two_codes_one.yaml"
    path.parent.mkdir()
    path.write_text('form_versions: ["9"]\nchoices:\n  water_source: {a: tanker, b: tanker}\n', encoding="utf-8")
    with pytest.raises(CbmsError) as caught:
        revision(DemoRound(2, "x", FORM_2027, ROUNDS[2].design, path), "9")
    assert caught.value.detail is DEMO_008
    assert [p.detail for p in caught.value.problems] == [DEMO_009]  # type: ignore[attr-defined]
    assert "a, b" in caught.value.problems[0].message("en") and ":3" in caught.value.problems[0].message("en")
    path.write_text('form_versions: ["9"]\nchoices:\n  water_source: [a, b]\n', encoding="utf-8")
    with pytest.raises(CbmsError) as caught:
        revision(DemoRound(2, "x", FORM_2027, ROUNDS[2].design, path), "9")
    assert [p.detail for p in caught.value.problems] == [RND_003]  # type: ignore[attr-defined]


@pytest.mark.parametrize("bad", [0, 3, "2", True])
def test_an_unknown_round_is_one_coded_error(tmp_path: Path, bad: object) -> None:
    with pytest.raises(CbmsError) as caught:
        write_demo(households=10, seed=1, fmt="odk-csv", out=tmp_path / "out", round_=bad)  # type: ignore[arg-type]
    assert caught.value.detail is DEMO_007
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------------- the round's manifest
def test_the_second_rounds_manifest() -> None:
    m = load_manifest(MANIFEST_2027)
    assert (m.round_id, m.period) == ("ves-demo-2027", ("2027-09-01", "2027-10-31"))
    assert m.form == FORM.resolve() and m.form_versions == (FORM_2027.resolve(),)
    table, sectors, grupos = shipped_files(2)
    assert m.geography == table.resolve() and m.boundaries == {"sector": sectors.resolve(), "grupo": grupos.resolve()}
    assert m.previous_round == "ves-demo" == load_manifest(PIPELINES / "ves_demo.toml").round_id
    assert m.crosswalks == (CROSSWALK_2027.resolve(),)
    assert ROUNDS[2].round_id == m.round_id and ROUNDS[2].design.field_start.isoformat() == m.period[0]
    first = load_manifest(PIPELINES / "ves_demo.toml")
    assert m.poverty == first.poverty  # the same lines: poverty compares like with like


# ------------------------------------------------------------------------------- the story, from the budget
def test_the_changes_by_design_are_where_the_budget_built() -> None:
    """Only approved or executed projects had been built by the 2027 fieldwork; a prioritised one had not."""
    budget = pd.read_csv(BUDGET, dtype=str)
    built = budget[budget["estado"].isin(["aprobado", "ejecutado"])]
    water = built[built["categoria"] == "agua_saneamiento"]
    assert set(WATER_CONNECTED) == set(water["sector"])
    sewer = water[water["nombre"].str.contains("alcantarillado")]
    assert set(SEWER_CONNECTED) == set(sewer["sector"])
    nutrition = set(built.loc[built["categoria"] == "salud_nutricion", "sector"])
    assert nutrition == {"distrito", *NUTRITION} and DISTRICT_NUTRITION > 0
    prioritised = budget[(budget["estado"] == "priorizado") & (budget["categoria"] == "agua_saneamiento")]
    assert set(CONSOLIDATION) == set(prioritised["sector"]) and all(v < 0 for v in CONSOLIDATION.values())


def test_the_command_writes_either_round(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--round", "2", "--households", "20", "--out", str(tmp_path)]) == 0
    assert "food-food_shortage" in csv_header(tmp_path / "cbms_grb_hogar.zip", "cbms_grb_hogar.csv")
    capsys.readouterr()
    assert main(["demo", "--round", "3", "--out", str(tmp_path / "none")]) == 1
    assert capsys.readouterr().err.strip() == "✗ " + DEMO_007.format("es", round=3, rounds="1, 2")
    assert not (tmp_path / "none").exists()

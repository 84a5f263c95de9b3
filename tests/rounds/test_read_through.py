"""A round's export collected under another form version is read through the round's crosswalk: the same numbers
as if it had been collected with the current names and codes. The exports are hand-built Central CSV folders
(tests/validate/census.py); the other version is the demo's revised form (forms/cbms_grb_hogar_2027.xlsx, whose
`food_shortage` is the current `hunger` and whose `red_dentro` / `red_fuera` / `pileta` are the current
`network_inside` / `network_outside` / `standpipe`), read through the shipped crosswalk
(pipelines/rounds/ves-demo-2027.yaml)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from cbms.cli import main
from cbms.config import load_manifest
from cbms.form import FormSpec, read_form
from cbms.indicators import compute_indicators, load_catalogue
from cbms.indicators.outputs import COLUMNS
from cbms.ingest import read_export
from cbms.project import SHIPPED
from cbms.rounds.aliases import read_through
from cbms.rounds.crosswalk import Crosswalk, load_crosswalks
from cbms.store import connect, open_database, write_tables
from cbms.store.db import register_forms
from cbms.validate import Rules, validate_tables
from tests.validate.census import household, write_export

REVISED = SHIPPED.forms / "cbms_grb_hogar_2027.xlsx"
REVISED_VERSION = "2027080101"  # its settings sheet
CROSSWALK = SHIPPED.pipelines / "rounds" / "ves-demo-2027.yaml"
# the shipped crosswalk, written here the other way round: current code -> the revised form's code
WATER_2027 = {"network_inside": "red_dentro", "network_outside": "red_fuera", "standpipe": "pileta"}
# six households, each answering water and hunger differently (every recoded code, one code not recoded)
ANSWERS = [("network_inside", "no"), ("network_outside", "yes"), ("standpipe", "no"), ("tanker", "yes"),
           ("network_inside", "yes"), ("standpipe", "no")]
CHILD = {"full_name": "Rosa", "relationship": "child", "sex": "female", "age": "9", "literate": "yes",
         "education_level": "primary_incomplete", "years_schooling": "3", "attends_school": "yes",
         "worked_last_week": "", "employment_category": "", "hours_worked": "", "income_labour": "",
         "income_other": "", "hours_unpaid_domestic": "", "hours_unpaid_care": "", "org_member": "",
         "pp_participated": "", "crime_victim": "no"}


def census(version: str, revised: bool) -> list:  # type: ignore[type-arg]
    """The six households as a form version writes them: the current names and codes, or the revised form's."""
    out = []
    for number, (water, hunger) in enumerate(ANSWERS, start=1):
        root, people = household(f"uuid:h{number}", [{}, CHILD], FormVersion=version,
                                 sector="S01" if number <= 3 else "S02",
                                 grupo="S01-G01" if number <= 3 else "S02-G01",
                                 water_source=WATER_2027.get(water, water) if revised else water, hunger=hunger)
        if revised:
            root["food_shortage"] = root.pop("hunger")
        out.append((root, people))
    return out


@pytest.fixture(scope="module")
def crosswalks() -> tuple[Crosswalk, ...]:
    loaded, problems = load_crosswalks((CROSSWALK,), SHIPPED.pipelines)
    assert problems == []
    return loaded


@pytest.fixture(scope="module")
def revised_form() -> FormSpec:
    return read_form(REVISED)


def run(folder: Path, form: FormSpec, rules: Rules, crosswalks: tuple[Crosswalk, ...],
        registered: FormSpec | None) -> duckdb.DuckDBPyConnection:
    """Ingest (through the crosswalks' earlier names), validate (through their codes) and compute."""
    db = folder.parent / f"{folder.name}.duckdb"
    reading = read_through(form, crosswalks)
    con = connect(db)
    write_tables(con, read_export(folder, reading), reading, db)
    if registered is not None:
        register_forms(con, form.form_id, [(registered, str(REVISED))])
    validate_tables(con, reading, rules, crosswalks=crosswalks)
    compute_indicators(con, load_catalogue(reading), load_manifest())
    return con


def cells(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """indicators.parquet's rows (its columns, outputs.COLUMNS), in one order."""
    frame = con.execute(f"SELECT {', '.join(COLUMNS)} FROM mart.indicator_values").df()
    return frame.sort_values(list(frame.columns[:6]), na_position="first").reset_index(drop=True)


def answers(con: duckdb.DuckDBPyConnection) -> list[tuple[object, ...]]:
    return con.execute("SELECT _submission_key, water_source, hunger FROM clean.household ORDER BY 1").fetchall()


@pytest.fixture(scope="module")
def current(tmp_path_factory: pytest.TempPathFactory, form: FormSpec, rules: Rules) -> duckdb.DuckDBPyConnection:
    """The census collected with the current form (its own version: nothing to read through)."""
    folder = write_export(tmp_path_factory.mktemp("current") / "export", census(str(form.version), revised=False))
    return run(folder, form, rules, (), None)


def test_the_revised_version_read_through_the_crosswalk_gives_the_same_cells(
        tmp_path: Path, form: FormSpec, rules: Rules, crosswalks: tuple[Crosswalk, ...], revised_form: FormSpec,
        current: duckdb.DuckDBPyConnection) -> None:
    folder = write_export(tmp_path / "export", census(REVISED_VERSION, revised=True))
    con = run(folder, form, rules, crosswalks, revised_form)
    # the oracle: the same answers written by hand in the current codes (ANSWERS above)
    expected = [(f"uuid:h{n}", water, hunger) for n, (water, hunger) in enumerate(ANSWERS, start=1)]
    assert answers(current) == expected
    assert answers(con) == expected
    assert con.execute("SELECT count(*) FROM clean.issues WHERE \"column\" IN ('water_source', 'hunger')"
                       ).fetchall() == [(0,)]
    pd.testing.assert_frame_equal(cells(con), cells(current))
    # a cell that reads the recoded answers, by hand from ANSWERS: HOU_03 (without network water) in the
    # district is h3, h4 and h6 (standpipe, tanker, standpipe) of the six households
    district = cells(con).query("indicator_id == 'HOU_03' and area_level == 'district' and sex.isna() and "
                                "head_sex.isna() and age_group.isna()", engine="python")
    assert district[["numerator", "denominator", "n", "n_missing"]].values.tolist() == [[3, 6, 6, 0]]


def test_without_the_crosswalk_the_earlier_codes_are_unknown_choices(
        tmp_path: Path, form: FormSpec, rules: Rules, revised_form: FormSpec) -> None:
    """The same export, no crosswalk: `red_dentro` & co. are options of the revised version only (VAL_007, left
    out, never read as another code), and `food_shortage` is no question of the current form (kept aside)."""
    folder = write_export(tmp_path / "export", census(REVISED_VERSION, revised=True))
    con = run(folder, form, rules, (), revised_form)
    flagged = con.execute("SELECT submission_key, rule, value FROM clean.issues WHERE \"column\" = 'water_source' "
                          "ORDER BY 1").fetchall()
    # by hand from ANSWERS: every household but h4 (tanker, a code both versions share) used a recoded code
    assert flagged == [(f"uuid:h{n}", "VAL_007", WATER_2027[w]) for n, (w, _) in enumerate(ANSWERS, start=1)
                       if w in WATER_2027]
    assert answers(con) == [(f"uuid:h{n}", "tanker" if w == "tanker" else None, None)
                            for n, (w, _) in enumerate(ANSWERS, start=1)]
    extra = con.execute("SELECT DISTINCT json_extract_string(_extra, '$.food_shortage') IS NOT NULL "
                        "FROM raw.household").fetchall()
    assert extra == [(True,)]


def _rows(con: duckdb.DuckDBPyConnection, table: str, keys: tuple[str, ...] | None = None) -> list[tuple[object, ...]]:
    where = "" if keys is None else f" WHERE _submission_key IN ({', '.join(repr(k) for k in keys)})"
    return con.execute(f"SELECT * FROM clean.{table}{where} ORDER BY ALL").fetchall()


def test_other_versions_are_untouched(tmp_path: Path, form: FormSpec, rules: Rules,
                                      crosswalks: tuple[Crosswalk, ...], current: duckdb.DuckDBPyConnection) -> None:
    """The current version's export read with the crosswalk declared: every clean table row for row as without
    it (issues and quarantine included)."""
    folder = write_export(tmp_path / "export", census(str(form.version), revised=False))
    con = run(folder, form, rules, crosswalks, None)
    for table in ("household", "member", "issues", "quarantine"):
        assert _rows(con, table) == _rows(current, table)
    pd.testing.assert_frame_equal(cells(con), cells(current))


def test_in_a_mixed_export_only_the_named_version_is_recoded(
        tmp_path: Path, form: FormSpec, rules: Rules, crosswalks: tuple[Crosswalk, ...], revised_form: FormSpec,
        current: duckdb.DuckDBPyConnection) -> None:
    """A server exports every version's submissions in one file (Central: both `hunger` and `food_shortage`
    columns, each empty for the other version): h1-h3 current, h4-h6 revised."""
    mixed = census(str(form.version), revised=False)[:3] + census(REVISED_VERSION, revised=True)[3:]
    con = run(write_export(tmp_path / "export", mixed), form, rules, crosswalks, revised_form)
    kept = ("uuid:h1", "uuid:h2", "uuid:h3")
    for table in ("household", "member"):
        assert _rows(con, table, kept) == _rows(current, table, kept)
    assert answers(con) == answers(current)


def test_the_commands_read_through_the_manifests_crosswalks(tmp_path: Path) -> None:
    """`cbms ingest` and `cbms validate` with the demo's second-round manifest (its crosswalk, its registered
    revised form): the revised export lands in `hunger` and the current water codes."""
    folder = write_export(tmp_path / "export", census(REVISED_VERSION, revised=True))
    db = tmp_path / "cbms.duckdb"
    manifest = SHIPPED.pipelines / "ves_demo_2027.toml"
    assert main(["ingest", str(folder), "--manifest", str(manifest), "--db", str(db)]) == 0
    assert main(["validate", "--manifest", str(manifest), "--db", str(db), "--out", str(tmp_path / "out")]) == 0
    with open_database(db, load_manifest(manifest).round_id) as con:
        assert answers(con) == [(f"uuid:h{n}", water, hunger) for n, (water, hunger) in enumerate(ANSWERS, start=1)]


def test_a_sector_the_version_added_is_kept_with_its_labels_and_grupos(
        form: FormSpec, revised_form: FormSpec, crosswalks: tuple[Crosswalk, ...]) -> None:
    # the shipped form (round 1) has sectors S01-S10; the 2027 version adds S11 and grupos S11-G01..G03, which the
    # crosswalk keeps under their own codes (`sector: {S11: S11}`)
    assert "S11" not in form.choice_names("sector")
    reading = read_through(form, crosswalks, [revised_form])
    assert reading.choice_names("sector")[-1] == "S11"
    grupos = {c.name: c for c in reading.choices["grupo"]}
    assert grupos["S11-G02"].extra.get("sector") == "S11"  # the 2027 form's filter column (its choices sheet)
    assert grupos["S11-G02"].labels == next(c for c in revised_form.choices["grupo"] if c.name == "S11-G02").labels
    assert reading.choice_names("water_source") == form.choice_names("water_source")  # recodes add nothing
    # without the version's form nothing is added: the code would be reported, not invented
    assert "S11" not in read_through(form, crosswalks).choice_names("sector")


def test_households_of_the_added_sector_keep_it_after_validation(tmp_path: Path) -> None:
    """`cbms validate` with the second round's manifest: a household in S11 keeps its sector and grupo (before,
    VAL_007 emptied them: an option of version 2027080101 that the round-1 form does not have)."""
    rows = census(REVISED_VERSION, revised=True)
    rows[5][0]["sector"], rows[5][0]["grupo"] = "S11", "S11-G01"
    folder = write_export(tmp_path / "export", rows)
    db = tmp_path / "cbms.duckdb"
    manifest = SHIPPED.pipelines / "ves_demo_2027.toml"
    assert main(["ingest", str(folder), "--manifest", str(manifest), "--db", str(db)]) == 0
    assert main(["validate", "--manifest", str(manifest), "--db", str(db), "--out", str(tmp_path / "out")]) == 0
    with open_database(db, load_manifest(manifest).round_id) as con:
        assert con.execute("SELECT sector, grupo FROM clean.household WHERE _submission_key = 'uuid:h6'").fetchall() \
            == [("S11", "S11-G01")]
        assert con.execute("SELECT count(*) FROM clean.issues WHERE \"column\" IN ('sector', 'grupo')").fetchone() \
            == (0,)

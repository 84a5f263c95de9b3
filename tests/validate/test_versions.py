"""Each submission is judged by the form version that collected it; a rule that cannot be decided is skipped,
said once, and empties nothing. The exports are hand-built the way an earlier version of the form would have
exported them: a question absent, a choice renamed, a constraint added later."""

from __future__ import annotations

from pathlib import Path

import duckdb
import openpyxl
import pytest

from cbms.form import FormSpec, read_form
from cbms.store.db import register_forms
from cbms.validate import Rules, validate_tables
from tests.conftest import FORM
from tests.validate.census import household, load, write_export

OLD = "2024060101"  # an earlier version than the shipped form's (2026112301)
CHILD = {"full_name": "Luz", "relationship": "child", "sex": "female", "age": "2", "birth_date": "2022-03-10",
         "height_cm": "80", "weight_kg": "11", "measure_position": "lying", "oedema": "no", "literate": "",
         "education_level": "", "years_schooling": "", "attends_school": "", "worked_last_week": "",
         "employment_category": "", "hours_worked": "", "income_labour": "", "income_other": "",
         "hours_unpaid_domestic": "", "hours_unpaid_care": "", "org_member": "", "pp_participated": "",
         "has_dni": "yes"}
DEATHS = [{"household": "uuid:h1", "death_sex": "female", "death_age": "0", "death_age_months": "3"},
          {"household": "uuid:h1", "death_sex": "male", "death_age": "70"},
          {"household": "uuid:h2", "death_sex": "female", "death_age": "30", "death_pregnancy_related": "yes"}]


def older_form(folder: Path) -> Path:
    """The shipped form as its 2024 version was: no `any_death` / `n_deaths` (the death roster was asked of
    every interviewed household), no date window on `interview_date`, and piped water coded `red_dentro`."""
    book = openpyxl.load_workbook(FORM)
    survey = book["survey"]
    header = [c.value for c in survey[1]]
    col = {name: header.index(name) + 1 for name in ("type", "name", "relevant", "constraint", "repeat_count")}
    for row in range(survey.max_row, 1, -1):
        name = survey.cell(row, col["name"]).value
        if name in ("any_death", "n_deaths") or (name == "deaths" and "group" in str(survey.cell(row, 1).value)):
            survey.delete_rows(row)
    for row in range(2, survey.max_row + 1):
        name = survey.cell(row, col["name"]).value
        if name == "death" and survey.cell(row, col["type"]).value == "begin_repeat":
            survey.cell(row, col["relevant"]).value = "${consent} = 'yes'"
            survey.cell(row, col["repeat_count"]).value = None
        if name == "interview_date":
            survey.cell(row, col["constraint"]).value = ". <= today()"
    for row in book["choices"].iter_rows(min_row=2):
        if row[0].value == "water_source" and row[1].value == "network_inside":
            row[1].value = "red_dentro"
    settings = book["settings"]
    version_col = [c.value for c in settings[1]].index("version") + 1
    settings.cell(2, version_col).value = OLD
    target = folder / "cbms_grb_hogar_2024.xlsx"
    book.save(target)
    return target


@pytest.fixture(scope="module")
def old_form(tmp_path_factory: pytest.TempPathFactory) -> FormSpec:
    return read_form(older_form(tmp_path_factory.mktemp("older")))


def _census(version: str, **answers: str) -> list:  # type: ignore[type-arg]
    h1 = household("uuid:h1", [{}, CHILD], FormVersion=version, **answers)
    h2 = household("uuid:h2", [{}], FormVersion=version, **answers)
    return [h1, h2]


def _validate(tmp_path: Path, form: FormSpec, rules: Rules, census: list, drop: tuple[str, ...] = (),  # type: ignore[type-arg]
              registered: FormSpec | None = None,
              period: tuple[str, str] | None = None) -> tuple[duckdb.DuckDBPyConnection, list[str]]:
    con = load(write_export(tmp_path / "export", census, deaths=DEATHS, drop=drop), form, tmp_path / "cbms.duckdb")
    if registered is not None:
        register_forms(con, form.form_id, [(registered, "older.xlsx")])
    accounting = validate_tables(con, form, rules, period=period)
    return con, [n.message("en") for n in accounting.notes]


def _issues(con: duckdb.DuckDBPyConnection, column: str | None = None) -> set[tuple[str, str, str]]:
    where = "" if column is None else f"WHERE \"column\" = '{column}'"
    return set(con.execute(f'SELECT row_key, rule, "column" FROM clean.issues {where}').fetchall())


def _deaths(con: duckdb.DuckDBPyConnection) -> list[tuple[object, ...]]:
    return con.execute("SELECT _row_key, death_sex, death_age, death_age_months, death_pregnancy_related "
                       "FROM clean.death ORDER BY _row_key").fetchall()


# what the three deaths are when nothing is emptied (the answers written in DEATHS above)
ALL_DEATHS = [("uuid:h1/death[1]", "female", 0, 3, None), ("uuid:h1/death[2]", "male", 70, None, None),
              ("uuid:h2/death[1]", "female", 30, None, "yes")]


def test_an_unregistered_older_version_keeps_deaths_it_did_not_gate(tmp_path: Path, form: FormSpec,
                                                                    rules: Rules) -> None:
    """The issue's case: an export without `any_death`, from a version with no form file."""
    con, notes = _validate(tmp_path, form, rules, _census(OLD), drop=("any_death", "n_deaths"))
    assert _deaths(con) == ALL_DEATHS
    assert not {i for i in _issues(con) if i[0].startswith(("uuid:h1/death", "uuid:h2/death"))}
    assert notes[0] == (f"[VAL_010] Form version '{OLD}' has no registered form file: its 2 submission(s) are "
                        f"judged by the rules of version '{form.version}' (the nearest in number; the current one "
                        "when versions are not numbers).")
    assert (f"[VAL_011] Version '{OLD}': rule VAL_006 of 'death_age' was not applied to 3 row(s) because it "
            "reads 'any_death', which those submissions do not carry; no answer was emptied by it.") in notes
    # said once per (version, rule, question), never once per row
    assert len(notes) == len(set(notes))


def test_the_same_census_from_the_current_version_gives_the_same_deaths(tmp_path: Path, form: FormSpec,
                                                                        rules: Rules) -> None:
    census = _census(str(form.version), any_death="yes")
    census[0][0]["n_deaths"], census[1][0]["n_deaths"] = "2", "1"
    con, notes = _validate(tmp_path, form, rules, census)
    assert _deaths(con) == ALL_DEATHS
    # (the hand-built files leave out some member questions nobody here answers: those are said, nothing else)
    assert [n for n in notes if "death" in n or "VAL_010" in n] == []


def test_the_current_form_still_erases_what_it_says_should_not_exist(tmp_path: Path, form: FormSpec,
                                                                     rules: Rules) -> None:
    """Current version, `any_death = no` and death rows: the form says they should not exist (VAL_006)."""
    con, _ = _validate(tmp_path, form, rules, _census(str(form.version), any_death="no"))
    assert ("uuid:h1/death[2]", "VAL_006", "death_age") in _issues(con)
    assert [row[1:3] for row in _deaths(con)] == [(None, None)] * 3


def test_a_registered_older_form_judges_its_own_submissions(tmp_path: Path, form: FormSpec, rules: Rules,
                                                            old_form: FormSpec) -> None:
    con, notes = _validate(tmp_path, form, rules, _census(OLD), drop=("any_death", "n_deaths"),
                           registered=old_form)
    assert _deaths(con) == ALL_DEATHS
    assert not any(n.startswith("[VAL_010]") for n in notes)
    # the old form has no `any_death`: its death roster never read it, so no death rule was skipped
    assert not any("death_" in n for n in notes)


def test_the_export_of_a_server_carries_every_versions_columns(tmp_path: Path, form: FormSpec,
                                                               rules: Rules) -> None:
    """Central exports the columns of all versions: `any_death` is there, empty for the older version's
    submissions. A version without a form file that never answered a question does not have it."""
    old = _census(OLD)
    for root, _ in old:
        root["any_death"] = ""
    current = [household("uuid:h3", [{}], FormVersion=str(form.version), any_death="no")]
    con, notes = _validate(tmp_path, form, rules, old + current)
    assert _deaths(con) == ALL_DEATHS
    assert any(n.startswith(f"[VAL_011] Version '{OLD}': rule VAL_006 of 'death_sex'") for n in notes)
    assert ("uuid:h3", "VAL_004", "any_death") not in _issues(con)


def test_a_constraint_added_later_is_not_applied_to_an_older_version(tmp_path: Path, form: FormSpec,
                                                                     rules: Rules, old_form: FormSpec) -> None:
    """Interviews of 2024, before the date window `>= 2025-01-01` was added to the form."""
    census = _census(OLD, interview_date="2024-06-15")
    con, _ = _validate(tmp_path, form, rules, census, drop=("any_death", "n_deaths"), registered=old_form)
    assert _issues(con, "interview_date") == set()
    dates = con.execute("SELECT DISTINCT CAST(interview_date AS VARCHAR) FROM clean.household").fetchall()
    assert dates == [("2024-06-15",)]


def test_a_date_window_is_a_warning_that_keeps_the_answer(tmp_path: Path, form: FormSpec, rules: Rules) -> None:
    """Judged by the current form (no file for its version), the 2024 date breaks its constraint: a warning;
    outside the round's period: another warning. The date stays, so the child's age in days is known."""
    census = _census(OLD, interview_date="2024-06-15")
    con, _ = _validate(tmp_path, form, rules, census, drop=("any_death", "n_deaths"),
                       period=("2025-09-01", "2025-10-31"))
    found = con.execute('SELECT row_key, rule, severity, drops_item FROM clean.issues '
                        'WHERE "column" = \'interview_date\' ORDER BY ALL').fetchall()
    assert found == [("uuid:h1", "VAL_003", "warning", False), ("uuid:h1", "VAL_009", "warning", False),
                     ("uuid:h2", "VAL_003", "warning", False), ("uuid:h2", "VAL_009", "warning", False)]
    dates = con.execute("SELECT DISTINCT CAST(interview_date AS VARCHAR) FROM clean.household").fetchall()
    assert dates == [("2024-06-15",)]
    message = con.execute("SELECT message_en FROM clean.issues WHERE rule = 'VAL_009' LIMIT 1").fetchall()[0][0]
    assert message == ("'interview_date' = '2024-06-15' falls outside the round's period (2025-09-01 to "
                       "2025-10-31); it is kept")


def test_a_renamed_choice_is_left_out_and_said(tmp_path: Path, form: FormSpec, rules: Rules,
                                               old_form: FormSpec) -> None:
    """`red_dentro` is piped water in the 2024 form and no option of the current one: left out of the
    indicators (they read the current codes) with its own message; in a current submission it is just wrong."""
    census = _census(OLD, water_source="red_dentro")
    census.append(household("uuid:h3", [{}], FormVersion=str(form.version), water_source="red_dentro"))
    con, _ = _validate(tmp_path, form, rules, census, drop=("any_death", "n_deaths"), registered=old_form)
    assert _issues(con, "water_source") == {("uuid:h1", "VAL_007", "water_source"),
                                            ("uuid:h2", "VAL_007", "water_source"),
                                            ("uuid:h3", "VAL_002", "water_source")}
    message = con.execute("SELECT message_es FROM clean.issues WHERE rule = 'VAL_007' LIMIT 1").fetchall()[0][0]
    assert f"versión '{OLD}'" in message and "'red_dentro'" in message
    assert con.execute("SELECT count(water_source) FROM clean.household").fetchall() == [(0,)]


def test_a_question_missing_from_the_export_is_never_required(tmp_path: Path, form: FormSpec,
                                                              rules: Rules) -> None:
    """`hunger` left out of the file: its `required` check is not applied, and said once."""
    con, notes = _validate(tmp_path, form, rules, _census(str(form.version), any_death="yes"),
                           drop=("hunger",))
    assert _issues(con, "hunger") == set()
    assert (f"[VAL_011] Version '{form.version}': rule VAL_004 of 'hunger' was not applied to 2 row(s) because "
            "it reads 'hunger', which those submissions do not carry; no answer was emptied by it.") in notes


@pytest.mark.parametrize(("version", "known", "expected"), [
    ("2024060101", ["2024010101", "2026112301"], "2024010101"),  # 50,000 apart against 2,052,200
    ("2025060101", ["2024060101", "2026060101"], "2024060101"),  # equally far: the earlier
    ("7", ["3", "12", "vAbC"], "3"),  # |7-3| = 4 < |7-12| = 5; the opaque id has no distance
    ("vLRmZbNfdg3ccREn3GBrhz", ["2026112301"], None),  # KoBo's opaque ids: the current form judges
    ("12", [], None),
])
def test_the_nearest_registered_version(version: str, known: list[str], expected: str | None) -> None:
    from cbms.validate.versions import nearest

    assert nearest(version, known) == expected


def test_an_audit_reading_a_question_the_export_lacks_is_not_applied(tmp_path: Path, form: FormSpec,
                                                                     rules: Rules) -> None:
    """VAL_106 (a child under 5 without a birth date) reads `birth_date`: an export without that column would
    otherwise flag every child; it is said once instead."""
    con, notes = _validate(tmp_path, form, rules, _census(str(form.version), any_death="yes"), drop=("birth_date",))
    assert {i for i in _issues(con) if i[1] == "VAL_106"} == set()
    assert any(n.startswith(f"[VAL_011] Version '{form.version}': rule VAL_106 of 'birth_date' was not applied "
                            "to 1 row(s) because it reads 'birth_date'") for n in notes)
    # the same export with the column: the child without a birth date is flagged
    census = _census(str(form.version), any_death="yes")
    census[0][1][1]["birth_date"] = ""
    con, _ = _validate(tmp_path / "with", form, rules, census)
    assert ("uuid:h1/member[2]", "VAL_106", "birth_date") in _issues(con)

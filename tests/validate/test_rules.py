"""Each form-derived check and each declared audit, on a tiny census whose answer is known by construction."""

from __future__ import annotations

from pathlib import Path

import pytest

from cbms.form import FormSpec
from cbms.validate import Rules, validate_tables
from tests.validate.census import household, load, write_export

CHILD = {"full_name": "Luz", "relationship": "child", "sex": "female", "age": "3", "birth_date": "2022-05-01",
         "height_cm": "95", "weight_kg": "14", "measure_position": "standing", "oedema": "no",
         "attends_school": "yes"}
for item in ("worked_last_week", "employment_category", "hours_worked", "income_labour", "income_other",
             "hours_unpaid_domestic", "hours_unpaid_care", "org_member", "pp_participated", "pregnant"):
    CHILD[item] = ""
CHILD.update(literate="no", education_level="initial", years_schooling="0", has_dni="yes")


def _issues(tmp_path: Path, form: FormSpec, rules: Rules, census: list, orphans: list = ()) -> set[tuple]:  # type: ignore[type-arg]
    con = load(write_export(tmp_path / "export", census, orphans), form, tmp_path / "cbms.duckdb")
    try:
        validate_tables(con, form, rules)
        return set(con.execute('SELECT row_key, rule, severity, "column" FROM clean.issues').fetchall())
    finally:
        con.close()


def test_a_valid_household_has_no_issue(tmp_path: Path, form: FormSpec, rules: Rules) -> None:
    census = [household("uuid:h1", [{}, {"full_name": "Juan", "relationship": "spouse", "sex": "male",
                                         "age": "42"}, CHILD])]
    assert _issues(tmp_path, form, rules, census) == set()


@pytest.mark.parametrize(("person", "expected"), [
    # the age is not a whole number: an error (an age outside 0..120 makes every indicator of the household wrong)
    ({"full_name": "Juan", "relationship": "spouse", "age": "cuarenta"}, ("VAL_001", "error", "age")),
    # outside the plausible range 0..120 declared in schemas/rules/member.yaml: left out, and an error
    ({"full_name": "Juan", "relationship": "spouse", "age": "130"}, ("VAL_008", "error", "age")),
    ({"full_name": "Juan", "relationship": "spouse", "sex": "x"}, ("VAL_002", "warning", "sex")),
    ({"full_name": "Juan", "relationship": "spouse", "health_insurance": "none sis"},
     ("VAL_005", "warning", "health_insurance")),
    ({"full_name": "Juan", "relationship": "spouse", "income_labour": ""}, ("VAL_004", "warning", "income_labour")),
    # pregnant is asked of women 12-49 only: answered for a man it is both not-to-be-asked and an audit
    ({"full_name": "Juan", "relationship": "spouse", "sex": "male", "pregnant": "yes"},
     ("VAL_105", "warning", "pregnant")),
    ({"full_name": "Juan", "relationship": "spouse", "income_labour": "-150"},
     ("VAL_109", "warning", "income_labour")),
    ({"full_name": "Juan", "relationship": "spouse", "income_labour": "45000"},
     ("VAL_116", "warning", "income_labour")),
    ({"full_name": "Juan", "relationship": "spouse", "age": "80"}, ("VAL_103", "warning", "age")),
    ({"full_name": "Juan", "relationship": "child", "age": "35"}, ("VAL_104", "warning", "age")),
])
def test_one_fault_in_the_second_member(tmp_path: Path, form: FormSpec, rules: Rules, person: dict[str, str],
                                        expected: tuple[str, str, str]) -> None:
    found = _issues(tmp_path, form, rules, [household("uuid:h1", [{}, person])])
    assert ("uuid:h1/member[2]", *expected) in found


def test_a_question_not_asked_is_not_missing(tmp_path: Path, form: FormSpec, rules: Rules) -> None:
    # a 3-year-old is not asked about work or income: leaving them empty is right, not "missing"
    found = _issues(tmp_path, form, rules, [household("uuid:h1", [{}, CHILD])])
    assert not any(row.endswith("member[2]") for row, *_ in found)
    # but answering them is flagged as answered where not asked
    worker = {**CHILD, "worked_last_week": "yes"}
    found = _issues(tmp_path / "b", form, rules, [household("uuid:h2", [{}, worker])])
    assert ("uuid:h2/member[2]", "VAL_006", "warning", "worked_last_week") in found


def test_household_structure(tmp_path: Path, form: FormSpec, rules: Rules) -> None:
    census = [
        household("uuid:nohead", [{"relationship": "spouse"}]),
        household("uuid:twoheads", [{}, {"full_name": "Juan", "relationship": "head", "sex": "male"}]),
        household("uuid:size", [{}], hh_size="3"),
        household("uuid:refused", [], visit_result="refused", consent=""),
    ]
    found = _issues(tmp_path, form, rules, census,
                    orphans=[{"full_name": "X", "age": "30", "PARENT_KEY": "uuid:gone", "KEY": "uuid:gone/member[1]"}])
    assert ("uuid:nohead", "VAL_101", "error", "relationship") in found
    assert ("uuid:twoheads", "VAL_101", "error", "relationship") in found
    assert ("uuid:size", "VAL_112", "warning", "hh_size") in found
    assert ("uuid:gone/member[1]", "VAL_117", "error", None) in found
    assert not any(row == "uuid:refused" for row, *_ in found)  # nothing asked, nothing missing


def test_children_under_five(tmp_path: Path, form: FormSpec, rules: Rules) -> None:
    census = [household("uuid:h1", [{}, {**CHILD, "birth_date": ""}, {**CHILD, "birth_date": "2020-01-01"},
                                    {**CHILD, "height_cm": "125"}])]
    found = _issues(tmp_path, form, rules, census)
    assert ("uuid:h1/member[2]", "VAL_106", "warning", "birth_date") in found  # no birth date
    assert ("uuid:h1/member[3]", "VAL_107", "warning", "birth_date") in found  # 2020-01-01 is 5 years at 2025-09-15
    # 125 cm at 40 months: median ~98, SD ~3.9 -> +7 SD (rough WHO screen), flagged, not dropped
    assert ("uuid:h1/member[4]", "VAL_108", "warning", "height_cm") in found


def test_a_day_that_does_not_exist_is_not_a_date(tmp_path: Path, form: FormSpec, rules: Rules) -> None:
    # 2022-02-30 and 2022-04-31 do not exist (Arrow's strptime would roll them over to March 2 and May 1)
    for n, born in enumerate(("2022-02-30", "2022-04-31")):
        found = _issues(tmp_path / str(n), form, rules, [household("uuid:h1", [{}, {**CHILD, "birth_date": born}])])
        assert ("uuid:h1/member[2]", "VAL_001", "warning", "birth_date") in found

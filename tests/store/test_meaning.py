"""Issue 20, case 10: answers are compared by their meaning under the form's types, so the same census in another
export format is "unchanged" (before: CSV then OData 76-102 "updated" for GPS `9.0` against `9`; KoBo JSON then
XLSX all 200 "updated" for the instanceID KoBo's XLSX does not carry). An answer that really changed is still an
edit."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cbms.demo import FORM
from cbms.form import FormSpec, read_form
from cbms.ingest import read_export
from cbms.store import LoadReport, connect, write_tables
from tests.conftest import FORMATS, Census

TYPED = """
| survey |
|        | type               | name     | label    |
|        | integer            | n        | N        |
|        | decimal            | x        | X        |
|        | date               | day      | Day      |
|        | dateTime           | moment   | Moment   |
|        | time               | hour     | Hour     |
|        | geopoint           | gps      | GPS      |
|        | select_multiple l1 | picks    | Picks    |
|        | select_one l1      | pick     | Pick     |
|        | text               | note     | Note     |
|        | begin_repeat       | child    | Child    |
|        | integer            | age      | Age      |
|        | end_repeat         |          |          |
| choices |
|         | list_name | name | label |
|         | l1        | a    | A     |
|         | l1        | b    | B     |
|         | l1        | c    | C     |
| settings |
|          | form_id |
|          | typed   |
"""
HEADER = "SubmissionDate,n,x,day,moment,hour,gps-Latitude,gps-Longitude,gps-Altitude,gps-Accuracy,picks,pick,note," \
         "meta-instanceID,KEY,Edits"


def _load(db: Path, export: Path, form: FormSpec) -> LoadReport:
    con = connect(db)
    try:
        return write_tables(con, read_export(export, form), form, db)
    finally:
        con.close()


def test_the_census_in_any_two_formats_is_unchanged(census: Census, tmp_path: Path) -> None:
    form = read_form(FORM)
    for first, second in itertools.permutations(FORMATS, 2):  # all 12 orders of the four formats
        db = tmp_path / f"{first}-{second}.duckdb"
        assert _load(db, census.exports[first], form).new == 6
        again = _load(db, census.exports[second], form)
        assert (again.unchanged, again.updated, again.new, again.load_id) == (6, 0, 0, None), (first, second)


# Each answer in two spellings that mean the same under its type.
SAME = {
    "n": [("7", "7.0"), ("12", "12.00"), ("-3", "-3.0")],
    "x": [("1.5", "1.50"), ("9", "9.0"), ("0.1", "0.10")],
    "day": [("2024-05-01", "2024-05-01T00:00:00"), ("1999-12-31", "1999-12-31")],
    "moment": [("2024-05-01T10:00:00.000-05:00", "2024-05-01T15:00:00Z"),
               ("2024-05-01T10:00:00-05:00", "2024-05-01T10:00:00.000-05:00")],
    "hour": [("10:30:00.000-05:00", "10:30:00-05:00")],
    "gps": [(("-12.1", "-76.9", "9", "4"), ("-12.10", "-76.90", "9.0", "4.0")),
            (("-12.1", "-76.9", "", ""), ("-12.1", "-76.9", "0", "0"))],
    "picks": [("a b", "b a"), ("c a b", "a b c")],
}


def _row(key: str, values: dict[str, object], edits: int = 0) -> str:
    gps = values.get("gps") or ("", "", "", "")
    cells = [values.get("n", ""), values.get("x", ""), values.get("day", ""), values.get("moment", ""),
             values.get("hour", ""), *gps, values.get("picks", ""), values.get("pick", ""), values.get("note", "")]
    return ",".join(["2024-05-01T10:00:00.000Z", *map(str, cells), key, key, str(edits)])


def _export(folder: Path, rows: list[str], ages: list[tuple[str, str]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "typed.csv").write_text(HEADER + "\n" + "\n".join(rows) + "\n")
    children = ["age,PARENT_KEY,KEY"] + [f"{age},{parent},{parent}/child[{i}]"
                                         for i, (parent, age) in enumerate(ages, start=1)]
    (folder / "typed-child.csv").write_text("\n".join(children) + "\n")
    return folder


@pytest.fixture
def typed(md_form: Callable[[str], Path]) -> FormSpec:
    return read_form(md_form(TYPED))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(choice=st.fixed_dictionaries({f: st.sampled_from(pairs) for f, pairs in SAME.items()}),
       flip=st.fixed_dictionaries({f: st.booleans() for f in SAME}))
def test_the_same_answers_spelled_otherwise_are_unchanged(
        tmp_path_factory: pytest.TempPathFactory, typed: FormSpec, choice: dict[str, tuple[object, object]],
        flip: dict[str, bool]) -> None:
    folder = tmp_path_factory.mktemp("typed")
    first = {f: pair[1 if flip[f] else 0] for f, pair in choice.items()}
    second = {f: pair[0 if flip[f] else 1] for f, pair in choice.items()}
    db = folder / "typed.duckdb"
    _load(db, _export(folder / "a", [_row("uuid:a", first)], [("uuid:a", "4")]), typed)
    again = _load(db, _export(folder / "b", [_row("uuid:a", second)], [("uuid:a", "4.0")]), typed)
    assert (again.unchanged, again.updated) == (1, 0), (first, second)


@pytest.mark.parametrize(("field", "before", "after"), [
    ("n", "7", "8"), ("x", "1.5", "1.51"), ("day", "2024-05-01", "2024-05-02"),
    ("moment", "2024-05-01T10:00:00-05:00", "2024-05-01T10:00:00-04:00"), ("picks", "a b", "a c"),
    ("pick", "a", "b"), ("note", "007", "7"), ("gps", ("-12.1", "-76.9", "9", "4"), ("-12.1", "-76.9", "9", "5")),
])
def test_an_answer_that_changed_is_an_edit(tmp_path: Path, typed: FormSpec, field: str, before: object,
                                            after: object) -> None:
    db = tmp_path / "typed.duckdb"
    _load(db, _export(tmp_path / "a", [_row("uuid:a", {field: before})], []), typed)
    again = _load(db, _export(tmp_path / "b", [_row("uuid:a", {field: after}, edits=1)], []), typed)
    assert (again.unchanged, again.updated) == (0, 1)


def test_an_erased_answer_is_an_edit_but_a_column_never_exported_is_not(tmp_path: Path, typed: FormSpec) -> None:
    answered = _export(tmp_path / "a", [_row("uuid:a", {"note": "hola", "n": "3"})], [])
    erased = _load(tmp_path / "erased.duckdb", answered, typed), _load(
        tmp_path / "erased.duckdb", _export(tmp_path / "b", [_row("uuid:a", {"note": "", "n": "3"}, edits=1)], []),
        typed)
    assert (erased[1].unchanged, erased[1].updated) == (0, 1)  # the column is there, its answer is gone: an edit

    folder = _export(tmp_path / "c", [_row("uuid:a", {"n": "3"}, edits=1)], [])
    csv = folder / "typed.csv"
    lines = [line.split(",") for line in csv.read_text().splitlines()]
    note = lines[0].index("note")
    csv.write_text("\n".join(",".join(c for i, c in enumerate(line) if i != note) for line in lines) + "\n")
    _load(tmp_path / "absent.duckdb", answered, typed)
    without = _load(tmp_path / "absent.duckdb", folder, typed)  # an export without `note` says nothing about it
    assert (without.unchanged, without.updated) == (1, 0)


def test_a_change_in_a_column_the_form_does_not_know_is_an_edit(tmp_path: Path, typed: FormSpec) -> None:
    # such a column may hold answers of another form version: they are kept (_extra) and compared
    def export(folder: Path, extra: str) -> Path:
        made = _export(folder, [_row("uuid:a", {"n": "3"}) + f",{extra}"], [])
        csv = made / "typed.csv"
        head, _, rest = csv.read_text().partition("\n")
        csv.write_text(f"{head},new_question\n{rest}")
        return made

    db = tmp_path / "typed.duckdb"
    _load(db, export(tmp_path / "a", "sí"), typed)
    again = _load(db, export(tmp_path / "b", "no"), typed)
    assert (again.unchanged, again.updated) == (0, 1)

"""An earlier form version, deployed on KoBoToolbox, read through a crosswalk: a select_multiple renamed and
recoded, a select_one recoded that another question's relevance compares with a quoted code. Its submissions land
in the current columns, in the current codes, and are judged by the earlier version's own rules read in the
current names (so `${water} = 'red'` still decides where `detail` was asked). The forms are markdown tables; the
export is KoBo's CSV (`;`, group paths with `/`, a 0/1 column per option, `__version__` = the version's uid)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from cbms.form import FormSpec, read_form
from cbms.form.layout import layout_of
from cbms.form.spec import spec_from_json, spec_to_json
from cbms.ingest import read_export
from cbms.rounds.aliases import read_through
from cbms.rounds.crosswalk import Crosswalk
from cbms.rounds.translate import recode_literals, translated
from cbms.store import connect, write_tables
from cbms.store.db import register_forms
from cbms.validate import Rules, validate_tables

CURRENT = """
| survey |
|        | type               | name        | label  | relevant           | constraint                                          | calculation |
|        | calculate          | __version__ |        |                    |                                                     | 'vNEW3'     |
|        | begin_group        | hh          | Hogar  |                    |                                                     |             |
|        | select_one w       | water       | Water  |                    |                                                     |             |
|        | text               | detail      | Detail | ${water} = 'piped' |                                                     |             |
|        | select_multiple l1 | goods       | Goods  |                    | not(selected(., 'none') and count-selected(.) > 1)  |             |
|        | end_group          |             |        |                    |                                                     |             |
| choices |
|         | list_name | name  | label |
|         | w         | piped | Piped |
|         | w         | well  | Well  |
|         | l1        | tv    | TV    |
|         | l1        | radio | Radio |
|         | l1        | none  | None  |
| settings |
|          | form_id | version |
|          | casas   | 3       |
"""
# the version before: `goods` was `assets`, piped water was `red`, the television `televisor`, none `ninguno`
EARLIER = """
| survey |
|        | type               | name        | label  | relevant         | constraint                                            | calculation |
|        | calculate          | __version__ |        |                  |                                                       | 'vOLD2'     |
|        | begin_group        | hh          | Hogar  |                  |                                                       |             |
|        | select_one w       | water       | Water  |                  |                                                       |             |
|        | text               | detail      | Detail | ${water} = 'red' |                                                       |             |
|        | select_multiple l1 | assets      | Goods  |                  | not(selected(., 'ninguno') and count-selected(.) > 1) |             |
|        | end_group          |             |        |                  |                                                       |             |
| choices |
|         | list_name | name      | label |
|         | w         | red       | Piped |
|         | w         | well      | Well  |
|         | l1        | televisor | TV    |
|         | l1        | radio     | Radio |
|         | l1        | ninguno   | None  |
| settings |
|          | form_id | version |
|          | casas   | 2       |
"""
# the analyst's declaration; `form_versions` names the XLSForm version: KoBo's exports say the uid ('vOLD2'),
# which the registered earlier form links to it
CROSSWALK = Crosswalk("rounds/casas.yaml", form_versions=("2",), questions={"assets": "goods"},
                      choices={"water": {"red": "piped"}, "goods": {"televisor": "tv", "ninguno": "none"}})
HEADER = "hh/water;hh/detail;{goods};{goods}/{a};{goods}/radio;{goods}/{n};meta/instanceID;_uuid;__version__;_index\n"
# three households as each version collected them (the same answers; `detail` only where water is piped)
ROWS = [("piped", "techo", ("tv", "radio")), ("well", "", ("none",)), ("piped", "patio", ("radio",))]


def kobo_csv(folder: Path, earlier: bool) -> Path:
    water = {"piped": "red"} if earlier else {}
    goods = {"tv": "televisor", "none": "ninguno"} if earlier else {}
    name = "assets" if earlier else "goods"
    lines = [HEADER.format(goods=f"hh/{name}", a=goods.get("tv", "tv"), n=goods.get("none", "none"))]
    for number, (w, detail, chosen) in enumerate(ROWS, start=1):
        codes = " ".join(goods.get(c, c) for c in chosen)
        flags = ";".join("1" if c in chosen else "0" for c in ("tv", "radio", "none"))
        lines.append(f"{water.get(w, w)};{detail};{codes};{flags};uuid:h{number};h{number};"
                     f"{'vOLD2' if earlier else 'vNEW3'};{number}\n")
    path = folder / "casas.csv"
    path.write_text("".join(lines), encoding="utf-8")
    return path


@pytest.fixture
def forms(md_form: Callable[[str], Path]) -> tuple[FormSpec, FormSpec]:
    return read_form(md_form(CURRENT)), read_form(md_form(EARLIER))


def clean(tmp_path: Path, forms: tuple[FormSpec, FormSpec], earlier: bool,
          crosswalks: tuple[Crosswalk, ...]) -> tuple[duckdb.DuckDBPyConnection, list[str]]:
    current, old = forms
    folder = tmp_path / ("earlier" if earlier else "current")
    folder.mkdir()
    reading = read_through(current, crosswalks)
    db = folder / "cbms.duckdb"
    con = connect(db)
    write_tables(con, read_export(kobo_csv(folder, earlier), reading), reading, db)
    register_forms(con, current.form_id, [(old, "earlier.xlsx")])
    accounting = validate_tables(con, reading, Rules((), {}, {}), crosswalks=crosswalks)  # the form's rules only
    return con, [n.message("en") for n in accounting.notes]


def _answers(con: duckdb.DuckDBPyConnection) -> list[tuple[object, ...]]:
    return con.execute("SELECT _submission_key, water, detail, goods FROM clean.household ORDER BY 1").fetchall()


def _issues(con: duckdb.DuckDBPyConnection) -> list[tuple[object, ...]]:
    return con.execute('SELECT submission_key, rule, "column", value FROM clean.issues ORDER BY ALL').fetchall()


def test_the_earlier_version_reads_as_the_current_one(tmp_path: Path, forms: tuple[FormSpec, FormSpec]) -> None:
    con, notes = clean(tmp_path, forms, earlier=True, crosswalks=(CROSSWALK,))
    # ROWS in the current codes, written by hand
    assert _answers(con) == [("uuid:h1", "piped", "techo", "tv radio"), ("uuid:h2", "well", None, "none"),
                             ("uuid:h3", "piped", "patio", "radio")]
    assert _issues(con) == []
    # 'vOLD2' is the registered earlier form's uid: judged by its own rules, not the nearest version's
    assert not [n for n in notes if "VAL_010" in n]
    reference, _ = clean(tmp_path, forms, earlier=False, crosswalks=(CROSSWALK,))
    assert _answers(reference) == _answers(con)


def test_without_the_crosswalk_the_earlier_answers_are_not_taken_for_current_ones(
        tmp_path: Path, forms: tuple[FormSpec, FormSpec]) -> None:
    con, _ = clean(tmp_path, forms, earlier=True, crosswalks=())
    # `assets` is no column of the current form: goods unknown; `red` an option of version 2 only (VAL_007)
    assert _answers(con) == [("uuid:h1", None, "techo", None), ("uuid:h2", "well", None, None),
                             ("uuid:h3", None, "patio", None)]
    assert [(k, rule, column) for k, rule, column, _ in _issues(con)] == [
        ("uuid:h1", "VAL_007", "water"), ("uuid:h3", "VAL_007", "water")]


def test_the_earlier_names_are_spellings_of_the_current_columns(forms: tuple[FormSpec, FormSpec]) -> None:
    spellings = layout_of(read_through(forms[0], (CROSSWALK,))).spellings["household"]
    assert {s: spellings[s] for s in ("hh/assets", "hh-assets", "assets")} == {
        "hh/assets": "goods", "hh-assets": "goods", "assets": "goods"}
    assert "assets" not in layout_of(forms[0]).spellings["household"]  # only when a crosswalk says so
    # the crosswalks say the earlier names, not the form: a registered form keeps none
    assert spec_from_json(spec_to_json(read_through(forms[0], (CROSSWALK,)))) == forms[0]
    # an earlier name that is a current question's name keeps meaning the current question
    clash = read_through(forms[0], (Crosswalk("x.yaml", form_versions=("2",), questions={"water": "goods"}),))
    assert layout_of(clash).spellings["household"]["hh/water"] == "water"


def test_the_judge_reads_the_earlier_rules_in_the_current_names(forms: tuple[FormSpec, FormSpec]) -> None:
    judge = translated(forms[1], (CROSSWALK,))
    assert judge.question("detail").relevant == "${water} = 'piped'"
    goods = judge.question("goods")
    assert goods.path == ("hh", "goods")
    assert goods.constraint == "not(selected(., 'none') and count-selected(.) > 1)"
    assert [c.name for c in judge.choices[goods.list_name or ""]] == ["tv", "radio", "none"]
    assert [c.name for c in judge.choices["w"]] == ["red", "well"]  # another question may share the list
    assert translated(forms[1], ()) is forms[1]
    assert translated(forms[0], (CROSSWALK,)) is forms[0]  # version 3 is no version the crosswalk names


@pytest.mark.parametrize(("expression", "expected"), [
    ("${water} = 'red'", "${water} = 'piped'"),
    ("'red' != ${water}", "'piped' != ${water}"),
    ("selected(${water}, \"red\") or ${water}='well'", "selected(${water}, \"piped\") or ${water}='well'"),
    ("${other} = 'red'", "${other} = 'red'"),  # another question's code is not this one's
    (". = 'red'", ". = 'red'"),  # `.` is the question itself only in its own expressions
])
def test_quoted_codes_compared_with_a_recoded_question(expression: str, expected: str) -> None:
    assert recode_literals(expression, {"water": {"red": "piped"}}) == expected


def test_a_question_compares_its_own_dot() -> None:
    assert recode_literals(". != 'red' and .. = 'red'", {"water": {"red": "piped"}}, own="water") == \
        ". != 'piped' and .. = 'red'"

"""The shipped CBMS-GRB questionnaire: builds, passes ODK Validate, carries the core dictionary in es + en."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cbms.form import build_form, check_form, read_form, render_mirror
from cbms.form.core import load_core
from tests.conftest import FORM, SHARED
from tests.form.questionnaire_md import parse_questionnaire

XF = "{http://www.w3.org/2002/xforms}"
SPEC_MD = SHARED / "spec" / "QUESTIONNAIRE.md"
LANGS = ("Español (es)", "English (en)")


@pytest.fixture(scope="module")
def xform(tmp_path_factory: pytest.TempPathFactory) -> ET.Element:
    result = build_form(FORM, tmp_path_factory.mktemp("xform"))  # with ODK Validate
    return ET.parse(result.xform).getroot()


def test_form_builds_and_carries_every_core_item_in_both_languages(xform: ET.Element) -> None:
    texts: dict[str, set[str]] = {}
    for translation in xform.iter(f"{XF}translation"):
        texts[translation.get("lang", "")] = {
            t.get("id", "") for t in translation.iter(f"{XF}text") if t.get("id", "").endswith(":label")}
    assert set(texts) == set(LANGS)
    labelled = [item for item in load_core() if item.types != ("calculate",)]
    for lang in LANGS:
        missing = [i.name for i in labelled if not any(t.endswith(f"/{i.name}:label") for t in texts[lang])]
        assert missing == [], f"{lang}: {missing}"


def test_form_settings(xform: ET.Element) -> None:
    spec = read_form(FORM)
    assert spec.form_id == "cbms_grb_hogar"
    assert spec.version and spec.default_language == "Español (es)"
    assert [(r.name, r.parent) for r in spec.repeats] == [("member", None), ("death", None)]


def test_check_finds_nothing_wrong() -> None:
    findings = check_form(FORM)
    assert [f.message("en") for f in findings if f.severity == "error"] == []


@pytest.mark.outside
def test_core_dictionary_mirrors_the_spec() -> None:
    expected = parse_questionnaire(SPEC_MD)
    got = [{"name": i.name, "types": i.types, "choices": i.choices, "level": i.level} for i in load_core()]
    assert got == expected


def test_markdown_mirror_is_current() -> None:
    mirror = FORM.with_suffix(".md")
    assert mirror.read_text(encoding="utf-8") == render_mirror(FORM), "run `make forms` and commit the mirror"


AGE_RULED = ("birth_date", "literate", "education_level", "years_schooling", "attends_school", "worked_last_week",
             "income_labour", "income_other", "hours_unpaid_domestic", "hours_unpaid_care", "org_member",
             "pp_participated", "pregnant", "height_cm", "weight_kg", "measure_position", "oedema")


@pytest.mark.parametrize("name", AGE_RULED)
def test_age_ruled_items_are_asked_by_age(name: str) -> None:
    question = read_form(FORM).question(name)
    conditions = " ".join(filter(None, (question.relevant, *question.relevant_chain)))
    assert "${age}" in conditions


def test_sex_ruled_items() -> None:
    spec = read_form(FORM)
    assert "${sex}" in (spec.question("pregnant").relevant or "")
    assert "${death_sex}" in (spec.question("death_pregnancy_related").relevant or "")


@pytest.mark.parametrize("name", ["programs", "health_insurance", "org_member"])
def test_none_is_exclusive(name: str) -> None:
    assert "'none'" in (read_form(FORM).question(name).constraint or "")


# --- damaged copies of the real form: each damage is named ------------------------------------------------

def _damaged(tmp_path: Path, damage: str) -> Path:
    path = tmp_path / "damaged.xlsx"
    shutil.copy(FORM, path)
    workbook = load_workbook(path)
    survey, choices = workbook["survey"], workbook["choices"]
    head = {c.value: c.column for c in survey[1]}
    chead = {c.value: c.column for c in choices[1]}

    def survey_row(name: str) -> int:
        return next(r for r in range(2, survey.max_row + 1) if survey.cell(r, head["name"]).value == name)

    if damage == "missing_item":
        survey.delete_rows(survey_row("hunger"))
    elif damage == "wrong_type":
        survey.cell(survey_row("rooms"), head["type"]).value = "text"
    elif damage == "missing_choice":
        row = next(r for r in range(2, choices.max_row + 1) if choices.cell(r, chead["name"]).value == "tanker")
        choices.delete_rows(row)
    elif damage == "missing_english":
        survey.cell(survey_row("sex"), head["label::English (en)"]).value = None
    elif damage == "unused_list":
        choices.append({chead["list_name"]: "orphan", chead["name"]: "x",
                        chead["label::Español (es)"]: "X", chead["label::English (en)"]: "X"})
    workbook.save(path)
    return path


@pytest.mark.parametrize(("damage", "code", "needle"), [
    ("missing_item", "CHK_001", "'hunger'"),
    ("wrong_type", "CHK_002", "'rooms'"),
    ("missing_choice", "CHK_003", "tanker"),
    ("missing_english", "CHK_006", "label::English (en)"),
    ("unused_list", "CHK_007", "'orphan'"),
])
def test_damaged_copies_are_named(tmp_path: Path, damage: str, code: str, needle: str) -> None:
    findings = [f for f in check_form(_damaged(tmp_path, damage), validate=False) if f.severity == "error"]
    assert [f.detail.code for f in findings] == [code]
    assert needle in findings[0].message("en")

"""The catalogue: every indicator of INDICATORS.md declared, the docs current, broken declarations located."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from cbms.errors import CbmsError
from cbms.form import FormSpec
from cbms.indicators import load_catalogue
from cbms.indicators.docs import DOCS, render_docs
from tests.conftest import ROOT, SHARED

SPEC = SHARED / "spec" / "INDICATORS.md"
CENSORED = ("SCHOOLING", "ATTENDANCE", "NUTRITION", "MORTALITY", "FUEL", "SANITATION", "WATER", "ELECTRICITY",
            "HOUSING", "OVERCROWDING")


@pytest.mark.outside
def test_every_indicator_of_the_spec_is_declared(form: FormSpec) -> None:
    text = SPEC.read_text(encoding="utf-8")
    wanted = set(re.findall(r"^\| ((?:DEM|GEN|POV|NUT|HEA|HOU|EDU|EMP|SEC|COV|PEPI)_\d\d|MPI_[HA]|MPI_M0) \|",
                            text, flags=re.M)) | {f"MPI_CH_{c}" for c in CENSORED}
    declared = {i.id for i in load_catalogue(form).indicators}
    assert sorted(wanted - declared) == []
    assert len(wanted) >= 59


def test_names_and_definitions_in_both_languages(form: FormSpec) -> None:
    for i in load_catalogue(form).indicators:
        assert i.name_es and i.name_en and i.definition_es and i.definition_en, i.id
        assert i.name_es != i.name_en or i.id.startswith("MPI"), i.id


def test_docs_are_current(form: FormSpec) -> None:
    assert DOCS.read_text(encoding="utf-8") == render_docs(load_catalogue(form)), "run `make docs` and commit"


def test_broken_declarations_are_all_reported(tmp_path: Path, form: FormSpec) -> None:
    folder = tmp_path / "pipelines"
    shutil.copytree(ROOT / "pipelines", folder)
    ind = folder / "indicators"
    (ind / "HOU_03.yaml").write_text((ind / "HOU_03.yaml").read_text().replace("numerator:", "numerater:"))
    (ind / "EDU_01.yaml").write_text((ind / "EDU_01.yaml").read_text().replace("[attends_school]", "[attends]"))
    (ind / "SEC_01.yaml").write_text((ind / "SEC_01.yaml").read_text().replace("[sex, head_sex]", "[head_sex]"))
    (ind / "COPY.yaml").write_text((ind / "DEM_02.yaml").read_text())
    (ind / "HEA_04.yaml").write_text((ind / "HEA_04.yaml").read_text().replace("unit: person", "unit: persons"))
    with pytest.raises(CbmsError) as info:
        load_catalogue(form, folder)
    messages = [p.message("en") for p in info.value.problems]
    assert any("[IND_001]" in m and "HOU_03.yaml" in m and "did you mean 'numerator'" in m for m in messages)
    assert any("[IND_004]" in m and "EDU_01.yaml" in m and "'attends'" in m for m in messages)
    assert any("[IND_005]" in m and "SEC_01.yaml" in m for m in messages)
    assert any("[IND_008]" in m and "COPY.yaml" in m for m in messages)
    assert any("[IND_006]" in m and "HEA_04.yaml" in m and "did you mean 'person'" in m for m in messages)


def test_sql_that_does_not_run_is_located(tmp_path: Path, form: FormSpec) -> None:
    folder = tmp_path / "pipelines"
    shutil.copytree(ROOT / "pipelines", folder)
    path = folder / "indicators" / "HOU_05.yaml"
    path.write_text(path.read_text().replace("electricity = 'no'", "electrcity = 'no'"))
    with pytest.raises(CbmsError) as info:
        load_catalogue(form, folder)
    (problem,) = info.value.problems
    assert problem.message("en").startswith("[IND_007]") and "HOU_05.yaml" in problem.message("en")


def test_cli_check_and_list(capsys: pytest.CaptureFixture[str]) -> None:
    from cbms.cli import main

    assert main(["indicators", "check"]) == 0
    assert main(["--lang", "en", "indicators", "list"]) == 0
    out = capsys.readouterr().out
    assert "Unemployment rate" in out and "MPI_M0" in out


def test_no_household_enters_the_indicators(form: FormSpec) -> None:
    import duckdb

    from cbms.indicators import compute_indicators
    from tests.indicators.harness import build_clean, manifest_for

    con = duckdb.connect()
    build_clean(con, form, {"households": [{"key": "h1", "_status": "quarantined"}],
                            "members": [{"household": "h1", "relationship": "head", "sex": "female", "age": 30}]})
    with pytest.raises(CbmsError) as info:
        compute_indicators(con, load_catalogue(form), manifest_for({}))
    assert info.value.code == "IND_012"


def test_a_choice_code_that_is_no_option_is_located(tmp_path: Path, form: FormSpec) -> None:
    """`internet = 'si'` runs and gives 0 %: the lint names the file, the column, the code and the options."""
    folder = tmp_path / "pipelines"
    shutil.copytree(ROOT / "pipelines", folder)
    declaration = folder / "indicators" / "HOU_05.yaml"
    text = declaration.read_text(encoding="utf-8")
    declaration.write_text(text.replace("numerator: electricity = 'no'", "numerator: electricity = 'si'"),
                           encoding="utf-8")
    household = folder / "units" / "household.sql"
    household.write_text(household.read_text(encoding="utf-8").replace("'charcoal', 'wood', 'dung'",
                                                                         "'charcoal', 'wod', 'dung'"), encoding="utf-8")
    with pytest.raises(CbmsError) as info:
        load_catalogue(form, folder)
    messages = sorted(p.message("en") for p in info.value.problems)
    assert any(m.startswith("[IND_015]") and "HOU_05.yaml" in m and "'electricity' with 'si'" in m
               and "(yes, no)" in m for m in messages), messages
    assert any(m.startswith("[IND_015]") and "(household)" in m and "'cooking_fuel' with 'wod'" in m
               and "did you mean 'wood'" in m for m in messages), messages

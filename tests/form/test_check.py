"""`cbms form check` names every damage, located; unreadable files are one clear error."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from cbms.cli import main
from cbms.errors import CbmsError
from cbms.form import check_form
from cbms.form import sheets as sheets_module

HEADER = ("|        | type | name | label::Español (es) | label::English (en) | constraint "
          "| constraint_message::Español (es) | constraint_message::English (en) |")
SETTINGS = """
| settings |
|          | form_id | version | default_language |
|          | t       | 1       | Español (es)     |
"""


def _form(survey_rows: str, choices: str = "") -> str:
    return f"| survey |\n{HEADER}\n{survey_rows}\n{choices}\n{SETTINGS}"


def _codes(findings: list) -> list[tuple[str, str | None, int | None]]:
    return [(f.detail.code, f.sheet, f.row) for f in findings]


def _check(path: Path) -> list:
    return check_form(path, validate=False, core=False)


def test_a_clean_small_form_has_no_findings(md_form: Callable[[str], Path]) -> None:
    path = md_form(_form("|        | integer | rooms | Cuartos | Rooms | . > 0 | Mayor que 0 | Above 0 |"))
    assert _check(path) == []


def test_duplicate_names_are_located(md_form: Callable[[str], Path]) -> None:
    path = md_form(_form("|  | integer | rooms | Cuartos | Rooms | | | |\n|  | integer | rooms | Cuartos | Rooms | | | |"))
    findings = _check(path)
    assert [f.detail.code for f in findings] == ["CHK_009"]
    assert "rooms" in findings[0].message("en")
    assert findings[0].row == 3


def test_unknown_type(md_form: Callable[[str], Path]) -> None:
    path = md_form(_form("|  | intgr | rooms | Cuartos | Rooms | | | |"))
    (finding,) = _check(path)
    assert finding.detail.code == "CHK_009" and finding.row == 2
    assert "intgr" in finding.message("es")


def test_list_used_but_undefined_and_defined_but_unused(md_form: Callable[[str], Path]) -> None:
    choices = """
| choices |
|         | list_name | name | label::Español (es) | label::English (en) |
|         | colours   | red  | Rojo                | Red                 |
"""
    path = md_form(_form("|  | select_one yes_no | ok | ¿Bien? | Fine? | | | |", choices))
    codes = _codes(_check(path))
    assert ("CHK_008", "survey", 2) in codes
    assert ("CHK_007", "choices", 2) in codes
    assert "CHK_009" in [c for c, _, _ in codes]  # pyxform refuses it too


def test_label_missing_in_one_language(md_form: Callable[[str], Path]) -> None:
    path = md_form(_form("|  | integer | rooms | Cuartos | | | | |\n|  | integer | beds | | Beds | | | |"))
    findings = _check(path)
    assert _codes(findings) == [("CHK_006", "survey", 2), ("CHK_006", "survey", 3)]
    assert "label::English (en)" in findings[0].message("en")
    assert "label::Español (es)" in findings[1].message("es")


def test_a_language_column_missing(md_form: Callable[[str], Path]) -> None:
    md = """
| survey |
|        | type    | name  | label::Español (es) |
|        | integer | rooms | Cuartos             |
""" + SETTINGS
    findings = _check(md_form(md))
    assert _codes(findings) == [("CHK_005", "survey", 1)]
    assert "English (en)" in findings[0].message("es")


def test_constraint_without_message(md_form: Callable[[str], Path]) -> None:
    path = md_form(_form("|  | integer | rooms | Cuartos | Rooms | . > 0 | Mayor que 0 | |"))
    findings = _check(path)
    assert _codes(findings) == [("CHK_013", "survey", 2)]


def test_none_must_be_exclusive(md_form: Callable[[str], Path]) -> None:
    choices = """
| choices |
|         | list_name | name  | label::Español (es) | label::English (en) |
|         | programs  | juntos| Juntos              | Juntos              |
|         | programs  | none  | Ninguno             | None                |
"""
    path = md_form(_form("|  | select_multiple programs | programs | Programas | Programs | | | |", choices))
    assert _codes(_check(path)) == [("CHK_011", "survey", 2)]
    fixed = md_form(_form(
        "|  | select_multiple programs | programs | Programas | Programs "
        "| not(selected(., 'none') and count-selected(.) > 1) | Ninguno va solo | None goes alone |", choices))
    assert _check(fixed) == []


def test_settings_need_a_version_and_spanish(md_form: Callable[[str], Path]) -> None:
    md = _form("|  | integer | rooms | Cuartos | Rooms | | | |").replace(
        "| t       | 1       | Español (es)     |", "| t       |         | English (en)     |")
    findings = [f for f in check_form(md_form(md), validate=False, core=True) if f.sheet == "settings"]
    assert [f.detail.code for f in findings] == ["CHK_012", "CHK_015"]


# --- files that are not forms -------------------------------------------------------------------------

def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "form.xlsx"
    path.write_text("type,name,label\ninteger,age,Age\n")
    with pytest.raises(CbmsError) as info:
        check_form(path)
    assert info.value.code == "FORM_009"


def test_truncated_xlsx(tmp_path: Path, md_form: Callable[[str], Path]) -> None:
    good = md_form(_form("|  | integer | rooms | Cuartos | Rooms | | | |"))
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(CbmsError) as info:
        check_form(cut)
    assert info.value.code in {"FORM_002", "FORM_009"}


def test_a_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "form.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hello")
    with pytest.raises(CbmsError) as info:
        check_form(path)
    assert info.value.code == "FORM_002"


def test_no_survey_sheet(tmp_path: Path, md_form: Callable[[str], Path]) -> None:
    path = md_form("| other |\n| | a | b |\n| | 1 | 2 |")
    with pytest.raises(CbmsError) as info:
        check_form(path)
    assert info.value.code == "FORM_010"


def test_zip_bomb_is_refused_before_opening(monkeypatch: pytest.MonkeyPatch,
                                            md_form: Callable[[str], Path]) -> None:
    path = md_form(_form("|  | integer | rooms | Cuartos | Rooms | | | |"))
    monkeypatch.setattr(sheets_module, "MAX_UNCOMPRESSED_BYTES", 1000)
    with pytest.raises(CbmsError) as info:
        check_form(path)
    assert info.value.code == "FORM_007"


def test_cli_lists_every_finding_then_exits_1(md_form: Callable[[str], Path],
                                              capsys: pytest.CaptureFixture[str]) -> None:
    path = md_form(_form("|  | integer | rooms | Cuartos | | | | |\n|  | integer | beds | | Beds | . > 0 | | |"))
    assert main(["form", "check", str(path), "--no-validate", "--no-core"]) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines[0].startswith("✗ hoja survey, fila 2: [CHK_006]")
    assert any("fila 3: [CHK_013]" in line for line in lines)
    assert lines[-1].startswith("✗ [FORM_006]") and "4 problema(s)" in lines[-1]


def test_every_fault_pyxform_finds_is_listed(md_form: Callable[[str], Path]) -> None:
    """pyxform stops at its first fault; check lists each of them, located, one per line (rows read by eye)."""
    path = md_form(_form(
        "|        | integer | rooms | Cuartos | Rooms |  |  |  |\n"
        "|        | integer | rooms | Cuartos 2 | Rooms 2 |  |  |  |\n"
        "|        | select_one nolist | tenure | Tenencia | Tenure |  |  |  |\n"
        "|        | begin_group | g | Grupo | Group |  |  |  |",
        "| choices |\n|  | list_name | name | label::Español (es) | label::English (en) |\n"
        "|  | yn | yes | Sí | Yes |\n|  | yn | yes | Sí otra vez | Yes again |\n"))
    refusals = [(f.sheet, f.row) for f in _check(path) if f.detail.code == "CHK_009"]
    # choices row 3: a repeated choice; survey row 3: a repeated name; row 4: an undefined list;
    # row 5: a group never closed
    assert refusals == [("choices", 3), ("survey", 3), ("survey", 4), ("survey", 5)]
    lines = [f.message("en") for f in _check(path) if f.detail.code == "CHK_009"]
    assert all("\n" not in line for line in lines)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_an_xls_form_is_read_like_its_xlsx(tmp_path: Path) -> None:
    """The shipped form saved as .xls by LibreOffice: pyxform reads .xls, so does cbms (calamine for the sheets)."""
    from cbms.form import read_form
    from tests.conftest import FORM

    subprocess.run(["soffice", "--headless", "--convert-to", "xls", "--outdir", str(tmp_path), str(FORM)],
                   check=True, capture_output=True, timeout=300)
    xls = tmp_path / "cbms_grb_hogar.xls"
    old, new = read_form(xls), read_form(FORM)
    assert (old.form_id, old.version, old.questions, old.choices) == (new.form_id, new.version, new.questions,
                                                                       new.choices)
    assert [f.message("en") for f in check_form(xls, validate=False) if f.severity == "error"] == []

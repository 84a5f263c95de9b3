"""`cbms form build`: real outside forms build through ODK Validate; errors are located and clear."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from cbms.cli import main
from cbms.errors import CbmsError
from cbms.form import build_form
from tests.conftest import EXTERNAL

# named, not globbed: without ../shared the tests must still be collected, so they can say why they skip
OUTSIDE_FORMS = [EXTERNAL / "xlsforms" / name for name in ("liberiaStdForm.xlsx", "pyodk_simple_repeat.xlsx")]


@pytest.mark.slow
@pytest.mark.outside
@pytest.mark.parametrize("form", OUTSIDE_FORMS, ids=lambda p: p.name)
def test_outside_forms_build_and_pass_odk_validate(form: Path, tmp_path: Path) -> None:
    result = build_form(form, tmp_path)
    assert result.xform.exists()
    assert f'id="{result.form_id}"' in result.xform.read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir()] == [result.xform.name]  # no temporary file left


@pytest.mark.outside
def test_outside_forms_are_there() -> None:
    assert sorted((EXTERNAL / "xlsforms").glob("*.xlsx")) == OUTSIDE_FORMS


def test_pyxform_refusal_is_located(md_form: Callable[[str], Path], tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    path = md_form("""
| survey |
|        | type    | name | label |
|        | integer | age  | Age   |
|        | integer | age  | Age   |
""")
    with pytest.raises(CbmsError) as info:
        build_form(path, tmp_path, validate=False)
    assert info.value.code == "FORM_003"
    assert info.value.context["where"] == "survey:3"
    assert main(["--lang", "en", "form", "build", str(path), "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("✗ [FORM_003] pyxform refuses the form") and "(survey:3)" in err
    assert list(tmp_path.glob("*.xml")) == []


@pytest.mark.slow
def test_odk_validate_refusal_leaves_no_xform(md_form: Callable[[str], Path], tmp_path: Path) -> None:
    # pyxform passes this relevance through, ODK Validate refuses the unknown function
    path = md_form("""
| survey |
|        | type    | name | label | relevant        |
|        | integer | age  | Age   |                 |
|        | text    | why  | Why   | nosuchfn(${age}) |
""")
    with pytest.raises(CbmsError) as info:
        build_form(path, tmp_path)
    assert info.value.code == "FORM_004"
    assert list(tmp_path.glob("*.xml")) == []

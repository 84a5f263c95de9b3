"""`cbms audit-disclosure`: what it finds in published folders written by hand, and its exit status."""

from __future__ import annotations

from pathlib import Path

import pytest

from cbms.cli import main
from cbms.disclosure.audit import audit_disclosure
from cbms.errors import DIS_001, DIS_002, CbmsError

HEADER = "indicator_id,area_level,area_code,sex,head_sex,age_group,numerator,denominator,value,n,n_missing,suppressed"
# GEN_04 in a grupo (issue 18): 9 of 26 households, male-headed 8 of 22, female-headed hidden (1 of 4)
ONE_HIDDEN = """GEN_04,grupo,S08-G04,,,,9.0,26.0,34.6,26,0,false
GEN_04,grupo,S08-G04,,female,,,,,,,true
GEN_04,grupo,S08-G04,,male,,8.0,22.0,36.4,22,0,false
"""
BOTH_HIDDEN = ONE_HIDDEN.replace("GEN_04,grupo,S08-G04,,male,,8.0,22.0,36.4,22,0,false",
                                 "GEN_04,grupo,S08-G04,,male,,,,,,,true")


def _folder(tmp_path: Path, rows: str, map_csv: str | None = None) -> Path:
    folder = tmp_path / "publicacion"
    folder.mkdir()
    (folder / "indicadores_publicados.csv").write_text(f"{HEADER}\n{rows}", encoding="utf-8")
    if map_csv is not None:
        (folder / "map_grupo.csv").write_text(map_csv, encoding="utf-8")
    return folder


def test_one_subtraction_is_found(tmp_path: Path) -> None:
    audit = audit_disclosure(_folder(tmp_path, ONE_HIDDEN))
    assert audit.recovered == (("GEN_04", ("S08-G04", None, "female", None)),) and audit.failed
    with pytest.raises(CbmsError) as caught:
        audit.check()
    assert caught.value.detail is DIS_002


def test_a_hidden_pair_holds(tmp_path: Path) -> None:
    audit = audit_disclosure(_folder(tmp_path, BOTH_HIDDEN))
    assert (audit.cells, audit.protected, audit.recovered, audit.printed) == (3, 2, (), ())


def test_a_map_that_prints_a_protected_cell_is_found(tmp_path: Path) -> None:
    rows = "GEN_04,grupo,S08-G04,,,,,,,,,true\n"
    maps = "code,name,parent_code,GEN_04,GEN_04_n,GEN_04_suppressed\nS08-G04,,S08,34.6,26,false\n"
    audit = audit_disclosure(_folder(tmp_path, rows, maps))
    assert audit.printed == (("map_grupo.csv", ("GEN_04", ("S08-G04", None, None, None))),)


def test_the_command_exits_1_when_a_cell_comes_back(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _folder(tmp_path, ONE_HIDDEN)
    assert main(["audit-disclosure", str(tmp_path)]) == 1
    assert "[DIS_002]" in capsys.readouterr().err


def test_a_folder_without_the_published_table(tmp_path: Path) -> None:
    with pytest.raises(CbmsError) as caught:
        audit_disclosure(tmp_path)
    assert caught.value.detail is DIS_001

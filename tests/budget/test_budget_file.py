"""The budget file: every problem of a damaged one listed at once, located by row and column, exit 1 and nothing
written; the shapes a municipality's file comes in (Excel's CSV, a workbook with a title row, other column names);
hostile files refused before they are read; amounts in either convention."""

from __future__ import annotations

import zipfile
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from cbms.budget import budget_tables, check_budget
from cbms.budget.projects import parse_amount
from cbms.cli import main
from cbms.config import BudgetSource, load_manifest
from cbms.errors import (
    BUD_003,
    BUD_004,
    BUD_005,
    BUD_006,
    BUD_007,
    BUD_008,
    BUD_009,
    BUD_010,
    BUD_011,
    BUD_012,
    BUD_013,
    BUD_014,
    BUD_015,
    BUD_016,
    BUD_017,
    BUD_018,
    BUD_019,
    BUD_039,
    ING_011,
    ING_012,
    CbmsError,
)
from tests.budget.cases import BUDGET, build_mart, write_round
from tests.conftest import ROOT

HEADER = "codigo,nombre,año,sector,monto,estado,categoria,necesidad,grupo_objetivo"
# Against the demo's declarations (pipelines/budget) and geography (sectors S01-S10). Row 2 is sound; every
# other row has one fault (its name says which), row 13 two: its code is row 4's, itself a faulty row.
DAMAGED = f"""\
{HEADER}
PP-01,Agua,2026,S07,1450000,aprobado,agua_saneamiento,,general
,Sin código,2026,S07,1000,aprobado,agua_saneamiento,,general
PP-03,Monto en letras,2026,S07,doce mil,aprobado,agua_saneamiento,,general
PP-04,Monto negativo,2026,S07,-500,aprobado,agua_saneamiento,,general
PP-05,Sector desconocido,2026,S11,1000,aprobado,agua_saneamiento,,general
PP-01,Código repetido,2026,S07,1000,aprobado,agua_saneamiento,,general
PP-07,Necesidad desconocida,2026,S07,1000,aprobado,,aqua,general
PP-08,Grupo desconocido,2026,S07,1000,aprobado,agua_saneamiento,,mujer
PP-09,Estado desconocido,2026,S07,1000,aprovado,agua_saneamiento,,general
PP-10,Categoría desconocida,2026,S07,1000,aprobado,agua_saneamento,,general
PP-11,Año mal escrito,26,S07,1000,aprobado,agua_saneamiento,,general
PP-03,Distrito y sector (y código repetido),2026,distrito;S01,1000,aprobado,agua_saneamiento,,general
PP-13,Monto ambiguo,2026,S07,"1,250",aprobado,agua_saneamiento,,general
"""
EXPECTED = [  # (code, row, column)
    (BUD_005.code, 3, "'codigo' (A)"), (BUD_006.code, 4, "'monto' (E)"), (BUD_007.code, 5, "'monto' (E)"),
    (BUD_010.code, 6, "'sector' (D)"), (BUD_012.code, 7, "'codigo' (A)"), (BUD_013.code, 8, "'necesidad' (H)"),
    (BUD_014.code, 9, "'grupo_objetivo' (I)"), (BUD_015.code, 10, "'estado' (F)"),
    (BUD_016.code, 11, "'categoria' (G)"), (BUD_009.code, 12, "'año' (C)"), (BUD_012.code, 13, "'codigo' (A)"),
    (BUD_011.code, 13, "'sector' (D)"),
    (BUD_008.code, 14, "'monto' (E)"),
]


def _manifest(tmp_path: Path, budget: Path, columns: str = "") -> Path:
    text = (ROOT / "pipelines" / "ves_demo.toml").read_text(encoding="utf-8").replace("../", f"{ROOT}/")
    text = text.replace(f'file = "{ROOT}/data/demo/presupuesto_participativo_2026.csv"', f'file = "{budget}"')
    path = tmp_path / "ronda.toml"
    path.write_text(text + columns, encoding="utf-8")
    return path


def _problems(manifest_path: Path) -> CbmsError:
    with pytest.raises(CbmsError) as info:
        check_budget(load_manifest(manifest_path))
    return info.value


def test_every_problem_located_at_once(tmp_path: Path) -> None:
    budget = tmp_path / "presupuesto.csv"
    budget.write_text(DAMAGED, encoding="utf-8")
    error = _problems(_manifest(tmp_path, budget))
    assert error.code == BUD_018.code and error.context["count"] == len(EXPECTED)
    found = [(p.detail.code, p.context["row"], p.context["column"]) for p in error.problems]
    assert found == EXPECTED
    messages = {p.detail.code: p.message("en") for p in error.problems}
    assert "did you mean 'agua'" in messages[BUD_013.code]
    assert "did you mean 'mujeres'" in messages[BUD_014.code]
    assert "did you mean 'aprobado'" in messages[BUD_015.code]
    assert "did you mean 'agua_saneamiento'" in messages[BUD_016.code]
    duplicates = [p.message("en") for p in error.problems if p.detail.code == BUD_012.code]
    assert ["already on row 2" in m for m in duplicates] == [True, False] and "already on row 4" in duplicates[1]


def test_a_damaged_budget_exits_1_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    budget = tmp_path / "presupuesto.csv"
    budget.write_text(DAMAGED, encoding="utf-8")
    db = tmp_path / "cbms.duckdb"
    con = duckdb.connect(str(db))
    build_mart(con)
    con.close()
    out = tmp_path / "out"
    out.mkdir()
    assert main(["budget", "--db", str(db), "--out", str(out), "--manifest", str(_manifest(tmp_path, budget))]) == 1
    err = capsys.readouterr().err
    assert list(out.iterdir()) == []
    lines = err.strip().splitlines()
    assert len(lines) == len(EXPECTED) + 1 and "Traceback" not in err
    assert lines[0].startswith(f"✗ [BUD_005] '{budget}', fila 3, columna 'codigo' (A): falta el código")
    assert lines[-1] == f"✗ [BUD_018] El presupuesto '{budget}' tiene {len(EXPECTED)} problema(s); vea la lista " \
                        "arriba. No se escribió nada."
    assert main(["--lang", "en", "budget", "--db", str(db), "--out", str(out), "--manifest",
                 str(_manifest(tmp_path, budget))]) == 1
    assert "row 3, column 'codigo' (A): the project code is missing" in capsys.readouterr().err
    assert list(out.iterdir()) == []


def test_missing_columns_all_at_once(tmp_path: Path) -> None:
    budget = tmp_path / "presupuesto.csv"
    budget.write_text("codigo,nombre,año,sector,importe_total,situacion\nPP-1,Agua,2026,S01,1,aprobado\n",
                      encoding="utf-8")
    error = _problems(_manifest(tmp_path, budget))
    assert [(p.detail.code, p.context["field"]) for p in error.problems] == [
        (BUD_004.code, "amount"), (BUD_004.code, "status")]
    assert "[budget.columns] amount" in error.problems[0].message("en")


def test_the_manifest_names_other_columns(tmp_path: Path) -> None:
    budget = tmp_path / "presupuesto.csv"
    budget.write_text("Código,Proyecto,Año,Sector,Monto (S/),Situación\nPP-1,Agua,2026,S01,1500,Aprobado\n",
                      encoding="utf-8")
    columns = '\n[budget.columns]\namount = "Monto (S/)"\nstatus = "situación"\n'
    inputs = check_budget(load_manifest(_manifest(tmp_path, budget, columns)))
    (project,) = inputs.budget.projects
    assert (project.code, project.amount, project.status) == ("PP-1", 1500.0, "aprobado")  # 'Aprobado' as declared
    error = _problems(_manifest(tmp_path, budget, '\n[budget.columns]\namout = "Monto (S/)"\n'))
    assert error.problems[0].detail.code == BUD_019.code and "did you mean 'amount'" in error.problems[0].message("en")


def test_excel_csv_windows_1252_and_semicolons(tmp_path: Path) -> None:
    manifest = write_round(tmp_path)
    budget = tmp_path / "excel.csv"
    text = BUDGET.replace(",", ";").replace("S01;S02", "S01,S02").replace("Piletas", "Piletas públicas")
    budget.write_bytes(text.encode("cp1252"))
    inputs = check_budget(replace(manifest, budget=BudgetSource(budget)), folder=tmp_path / "budget")
    assert [p.code for p in inputs.budget.projects] == ["P1", "P2", "P3", "P4", "P5"]
    assert inputs.budget.projects[1].name == "Piletas públicas" and inputs.budget.projects[1].sectors == ("S01", "S02")
    assert {n.detail.code for n in inputs.notes} == {ING_011.code, ING_012.code}


def test_a_workbook_with_a_title_row(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "PP 2026"
    sheet.append(["PRESUPUESTO PARTICIPATIVO 2026 (ilustrativo)"])
    sheet.append([])
    sheet.append(["Código", "Nombre", "Año", "Sector", "Monto", "Estado", "Categoría"])
    sheet.append(["P1", "Redes de agua", 2026, "S01", 10000.5, "aprobado", "agua_saneamiento"])
    sheet.append([101, "Cuna", 2026, "distrito", -3, "ejecutado", "cuidado_infantil"])
    path = tmp_path / "presupuesto.xlsx"
    workbook.save(path)
    manifest = write_round(tmp_path)
    with pytest.raises(CbmsError) as info:
        check_budget(replace(manifest, budget=BudgetSource(path, sheet="PP 2026")), folder=tmp_path / "budget")
    error = info.value
    (problem,) = error.problems
    assert problem.detail.code == BUD_007.code
    assert problem.context["row"] == 5 and problem.context["path"] == f"{path} [PP 2026]"
    sheet.delete_rows(5)
    workbook.save(path)
    inputs = check_budget(replace(manifest, budget=BudgetSource(path)), folder=tmp_path / "budget")
    assert [(p.code, p.amount, p.row) for p in inputs.budget.projects] == [("P1", 10000.5, 4)]


def test_hostile_and_empty_files_are_refused_before_reading(tmp_path: Path) -> None:
    manifest = write_round(tmp_path)
    bomb = tmp_path / "bomba.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (51 * 1024**2))  # 51 MB of zeros: ~50 KB zipped
    assert bomb.stat().st_size < 1024**2
    with pytest.raises(CbmsError) as info:
        check_budget(replace(manifest, budget=BudgetSource(bomb)), folder=tmp_path / "budget")
    assert info.value.code == BUD_003.code
    empty = tmp_path / "vacio.csv"
    empty.write_text(HEADER + "\n", encoding="utf-8")
    with pytest.raises(CbmsError) as info:
        check_budget(replace(manifest, budget=BudgetSource(empty)), folder=tmp_path / "budget")
    assert [p.detail.code for p in info.value.problems] == [BUD_017.code]


@pytest.mark.parametrize(("text", "soles"), [
    ("1250000", 1_250_000), ("1,250,000", 1_250_000), ("1.250.000", 1_250_000), ("1,250,000.50", 1_250_000.5),
    ("1.250.000,50", 1_250_000.5), ("1250000,5", 1_250_000.5), ("S/ 1,250,000", 1_250_000), ("S/.2500", 2500),
    (" 300 ", 300), (2500.0, 2500), (12, 12), ("-40", -40),
    ("1,250", "ambiguous"), ("1.250", "ambiguous"),
    ("doce mil", None), ("1,25,000", None), ("12..5", None), ("", None), (True, None), ("1.2.3,4", None),
])
def test_amounts(text: object, soles: object) -> None:
    assert parse_amount(text) == soles


@given(st.integers(min_value=0, max_value=10**11), st.integers(min_value=0, max_value=99))
def test_amounts_with_thousands_separators_in_either_convention(whole: int, cents: int) -> None:
    peruvian = f"{whole:,}.{cents:02d}"  # 1,250,000.50
    spanish = peruvian.replace(",", " ").replace(".", ",").replace(" ", ".")  # 1.250.000,50
    assert parse_amount(peruvian) == parse_amount(spanish) == pytest.approx(whole + cents / 100)


def test_without_a_geography_table_the_sectors_are_checked_against_the_database(tmp_path: Path) -> None:
    manifest = write_round(tmp_path, budget=BUDGET.replace("P4,Pista,2026,S02", "P4,Pista,2026,S03"), geography=None)
    inputs = check_budget(manifest, folder=tmp_path / "budget")
    assert [n.detail.code for n in inputs.notes] == [BUD_039.code]  # not checked yet: no list of sectors
    con = duckdb.connect()
    build_mart(con)
    with pytest.raises(CbmsError) as info:
        budget_tables(con, manifest, inputs)
    (problem,) = info.value.problems
    assert (problem.detail.code, problem.context["row"], problem.context["source"]) == (
        BUD_010.code, 5, "mart.indicator_values")
    manifest = write_round(tmp_path, geography=None)
    tables = budget_tables(con, manifest, check_budget(manifest, folder=tmp_path / "budget"))
    assert [(r.area_code, r.area_name) for r in tables.ranking] == [("S02", "S02"), ("S01", "S01")]
    con.close()

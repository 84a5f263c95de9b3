"""The indicator workbook: golden CSV dump, formats, layout, gap colours, no formula, no personal data, LibreOffice."""

from __future__ import annotations

import csv
import dataclasses
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cbms.published import read_published
from cbms.published.settings import load_settings
from cbms.report.workbook import write_workbook
from tests.report.conftest import CATALOGUE, write_mart
from tests.report.golden import check, workbook_text

COLOURS = load_settings().workbook.colours
MARKS = {COLOURS["behind"]: "[!]", COLOURS["far_behind"]: "[!!]"}  # a gap where women are behind (light, strong)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_workbook_matches_golden(con, manifest, tmp_path: Path, lang: str) -> None:
    path = write_workbook(read_published(con, manifest), tmp_path, lang)  # type: ignore[arg-type]
    assert path.name == {"es": "indicadores_ves-2025.xlsx", "en": "indicators_ves-2025.xlsx"}[lang]
    check(f"workbook_{lang}.csv", workbook_text(path, MARKS))


def test_sheets_formats_and_layout(con, manifest, tmp_path: Path) -> None:
    book = load_workbook(write_workbook(read_published(con, manifest), tmp_path))
    assert book.sheetnames == ["Portada", "Demografía y género", "Pobreza monetaria", "Salud y nutrición",
                               "Vivienda y servicios", "Metadatos"]
    ws = book["Pobreza monetaria"]
    assert ws.freeze_panes == "E4"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    header = [c.value for c in ws[3]]
    assert header[:5] == ["Código", "Indicador", "Unidad", "Grupo", "Distrito\nVilla El Salvador"]
    rows = {(r[0].value, r[3].value): r for r in ws.iter_rows(min_row=4) if r[0].value == "POV_01"}
    total, gap, ratio = rows[("POV_01", "Total")], rows[("POV_01", "Brecha (M − H)")], rows[("POV_01", "Razón (M/H)")]
    assert [c.value for c in total[4:7]] == [25.0, 20.0, 27.5]
    assert total[4].number_format == "#,##0.0"
    assert [c.value for c in gap[4:7]] == [10.0, "x", "x"]  # S02's women are small; S01's pair protects them
    assert gap[4].number_format == "+#,##0.0;-#,##0.0;0.0"
    assert ratio[4].value == 1.5 and ratio[4].number_format == "0.00"
    assert gap[4].fill.start_color.rgb == "FF" + COLOURS["far_behind"]
    housing = {r[3].value: r for r in book["Vivienda y servicios"].iter_rows(min_row=4) if r[0].value == "HOU_03"}
    assert housing["Brecha (JF − JM)"][4].fill.start_color.rgb == "FF" + COLOURS["behind"]  # +3 points
    population = next(r for r in book["Demografía y género"].iter_rows(min_row=4) if r[0].value == "DEM_01")
    assert population[4].value == 1000 and population[4].number_format == "#,##0"
    footnotes = [r[0].value for r in ws.iter_rows(min_row=ws.max_row - 8) if isinstance(r[0].value, str)]
    assert any(note.startswith("x: dato no publicado") for note in footnotes)


def test_true_zero_shows_zero_and_suppressed_shows_x(con, manifest, tmp_path: Path) -> None:
    book = load_workbook(write_workbook(read_published(con, manifest), tmp_path))
    health = {r[3].value: r for r in book["Salud y nutrición"].iter_rows(min_row=4) if r[0].value == "HEA_01"}
    assert health["Mujeres"][6].value == 0  # S02: a true zero, published
    demography = next(r for r in book["Demografía y género"].iter_rows(min_row=4) if r[0].value == "DEM_02")
    assert demography[6].value == "x"  # n = 4 < 5


def test_text_that_looks_like_a_formula_is_neutralised(con, manifest, tmp_path: Path) -> None:
    hostile = [(c[0], c[1], c[2], "=HYPERLINK(\"http://x\",\"y\")" if c[0] == "POV_01" else c[3], *c[4:])
               for c in CATALOGUE]
    write_mart(con, catalogue=hostile)
    geography = manifest.geography
    assert geography is not None
    geography.write_text(geography.read_text(encoding="utf-8").replace("Primer Sector", "@SUM(1+1)"),
                         encoding="utf-8")
    path = write_workbook(read_published(con, dataclasses.replace(manifest, round_name="+cmd|' /C calc'!A0")), tmp_path)
    book = load_workbook(path)
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@")), (ws.title, cell.coordinate, cell.value)
    names = [c.value for c in book["Pobreza monetaria"]["B"] if c.value]
    assert "'=HYPERLINK(\"http://x\",\"y\")" in names


def test_no_personal_data(con, manifest, tmp_path: Path) -> None:
    text = workbook_text(write_workbook(read_published(con, manifest), tmp_path), {})
    assert "Rosa" not in text and "987654321" not in text
    assert "/home/ana" not in text  # the export's folder is not the reader's business; its file name is
    assert "cbms_grb_hogar.zip" in text


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_every_sheet_without_repair(con, manifest, tmp_path: Path) -> None:
    path = write_workbook(read_published(con, manifest), tmp_path / "book")
    out = tmp_path / "csv"
    # 44,34,UTF8,1,,0,false,true,true,false,false,-1: comma, quote, UTF-8, ..., -1 = every sheet to its own file
    result = subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--convert-to",
         'csv:Text - txt - csv (StarCalc):44,34,UTF8,1,,0,false,true,true,false,false,-1', "--outdir", str(out),
         str(path)], capture_output=True, text=True, timeout=180, check=False)
    assert result.returncode == 0, result.stderr
    assert "repair" not in (result.stdout + result.stderr).lower()
    files = sorted(out.glob("*.csv"))
    assert len(files) == 6, (result.stdout, result.stderr, files)
    poverty = next(f for f in files if "Pobreza" in f.name)
    rows = list(csv.reader(poverty.open(encoding="utf-8")))
    gap = next(r for r in rows if r[:1] == ["POV_01"] and r[3] == "Brecha (M − H)")
    assert gap[4:7] == ["+10.0", "x", "x"]  # S01's pair hidden to protect S02's small women cell
    assert load_workbook(path).sheetnames[0] == "Portada"  # and openpyxl reads it back


def test_provenance_comes_from_the_recorded_run_when_there_is_one(con, manifest, tmp_path: Path) -> None:
    con.execute("CREATE TABLE meta.runs (run_id INTEGER, started_at TIMESTAMP, cbms_version VARCHAR, form_id VARCHAR, "
                "form_version VARCHAR, manifest VARCHAR, manifest_sha256 VARCHAR, loads VARCHAR, "
                "catalogue_sha256 VARCHAR)")
    con.execute("INSERT INTO meta.runs VALUES (7, TIMESTAMP '2025-11-02 09:30:00', '0.2.0', 'cbms_grb_hogar', "
                "'2025100101', '/x/ves.toml', 'abc123', '[1]', 'def456')")
    ws = load_workbook(write_workbook(read_published(con, manifest), tmp_path, "en"))["Metadata"]
    facts = {r[0].value: r[2].value for r in ws.iter_rows() if r[0].value and r[2].value}
    assert facts["cbms version"] == "0.2.0"
    assert facts["Run"] == "7 (2025-11-02 09:30)"
    assert facts["Manifest (sha256)"] == "abc123" and facts["Indicator catalogue (sha256)"] == "def456"
    assert facts["Load 1"] == "2025-11-01 10:00, format odk-csv: cbms_grb_hogar.zip"


def test_persons_with_no_sex_recorded_are_explained(con, manifest, tmp_path: Path) -> None:
    # the district counts 1,003 persons, 520 women and 480 men: 3 with no sex recorded, said under the table
    from tests.report.conftest import CELLS

    cells = [(c[0], c[1], c[2], c[3], 1003, 1003, c[6]) if c[:4] == ("DEM_01", "150142", None, None) else c
             for c in CELLS]
    write_mart(con, cells=cells)
    ws = load_workbook(write_workbook(read_published(con, manifest), tmp_path))["Demografía y género"]
    notes = [r[0].value for r in ws.iter_rows() if isinstance(r[0].value, str)]
    assert ("Población: el total incluye personas sin sexo registrado, que no están entre mujeres ni hombres "
            "(Villa El Salvador 3).") in notes


def test_metadata_shows_each_indicators_unknown_share_in_the_district(con, manifest, tmp_path: Path) -> None:
    con.execute("UPDATE mart.indicator_values SET n_missing = 100 WHERE indicator_id = 'POV_01' "
                "AND area_code = '150142' AND sex IS NULL AND age_group IS NULL")
    book = load_workbook(write_workbook(read_published(con, manifest), tmp_path))
    rows = {r[0].value: r for r in book["Metadatos"].iter_rows() if r[0].value in ("POV_01", "HOU_03", "PEPI_01")}
    assert rows["POV_01"][9].value == pytest.approx(0.2)  # 100 unknown of 400 + 100 (conftest: POV_01 n = 400)
    assert rows["POV_01"][9].number_format == "0.0%"
    assert rows["HOU_03"][9].value == 0  # n_missing = 0 in the fixture
    assert rows["PEPI_01"][9].value is None  # not computed: no cell

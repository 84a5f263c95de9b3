"""The PDF profiles: HTML text against golden files (never PDF bytes); broken inputs give a coded problem, not a stop."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import pytest

from cbms.errors import CbmsError
from cbms.published import read_published
from cbms.published.settings import REPORTS, load_settings
from cbms.report.profiles import Written, build_page, render_html, write_profiles
from cbms.report.templates import css_string, environment
from tests.report.conftest import CELLS, write_mart
from tests.report.golden import check, html_text

SETTINGS = load_settings()


def _html(con, manifest, area: str, lang: str) -> str:
    mart = read_published(con, manifest)
    page = build_page(mart, mart.area(area), lang, dt.date.today())  # type: ignore[arg-type]
    return render_html(environment(SETTINGS.folder).get_template("profile.html.j2"), page)


@pytest.mark.parametrize(("area", "lang"), [("S01", "es"), ("S02", "es"), ("150142", "en")])
def test_profile_text_matches_golden(con, manifest, area: str, lang: str) -> None:
    check(f"profile_{area}_{lang}.txt", html_text(_html(con, manifest, area, lang)))


def test_first_page_says_the_gaps_in_words(con, manifest) -> None:
    text = html_text(_html(con, manifest, "S01", "es"))
    # S01: insurance 70 vs 80 (10 points behind); poverty's pair is hidden (it protects S02's small cell)
    assert ("Población con seguro de salud: 70,0 % en las mujeres y 80,0 % en los hombres (10,0 puntos menos en "
            "ellas).") in text.splitlines()
    gaps = text.split("Las brechas de género que más pesan")[1].split("Cómo leer las tablas")[0]
    assert "pobreza monetaria" not in gaps


def test_suppressed_cells_show_x_and_no_hidden_value_leaks(con, manifest) -> None:
    html = _html(con, manifest, "S02", "es")
    row = next(line for line in html_text(html).splitlines() if line.startswith("Incidencia de pobreza monetaria |"))
    assert row.split(" | ")[2:7] == ["27,5", "x", "x", "x", "x"]  # the men too: total minus them gives the women
    assert "66,7" not in html and "66.7" not in html


@pytest.mark.parametrize("jobs", [1, 2])  # here, or in two worker processes: the same files in the same order
def test_writes_a_pdf_per_area(published, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int) -> None:
    monkeypatch.setattr("cbms.report.pdf.cores", lambda: jobs)
    written = write_profiles(published, tmp_path, "es", ["150142", "S01"])
    assert isinstance(written, Written) and not written.problems
    assert [p.name for p in written] == ["perfil_distrito_150142.pdf", "perfil_sector_S01.pdf"]
    assert all(p.parent == tmp_path / "perfiles" and p.read_bytes().startswith(b"%PDF-") for p in written)



def test_a_profiles_folder_that_cannot_be_written_stops_with_cli_002(published, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Two profiles written by two worker processes: the error a worker meets reaches the caller as the same coded
    error, not as a broken pool."""
    monkeypatch.setattr("cbms.report.pdf.cores", lambda: 2)
    (tmp_path / "perfiles").write_text("a file where the folder goes", encoding="utf-8")
    with pytest.raises(CbmsError) as caught:
        write_profiles(published, tmp_path, "es", ["150142", "S01"])
    assert caught.value.code == "CLI_002"

def test_an_area_without_data_is_reported_and_the_rest_written(published, tmp_path: Path) -> None:
    written = write_profiles(published, tmp_path, "en", ["S03", "S01", "S99"])
    assert [p.name for p in written] == ["profile_sector_S01.pdf"]
    assert [p.code for p in written.problems] == ["REP_005", "REP_005"]
    assert "S03" in written.problems[0].message("es")


def test_missing_boundaries_give_profiles_without_a_map(con, manifest, tmp_path: Path) -> None:
    """The boundaries are read once, by the published mart (its problems are the run's); the profiles go on."""
    gone = read_published(con, dataclasses.replace(manifest, boundaries={"sector": tmp_path / "nowhere.geojson"}))
    assert [p.code for p in gone.problems] == ["MAP_006"]
    written = write_profiles(gone, tmp_path, "es", ["S01"])
    assert [p.name for p in written] == ["perfil_sector_S01.pdf"] and not written.problems
    none = read_published(con, dataclasses.replace(manifest, boundaries={}))
    assert [p.code for p in write_profiles(none, tmp_path, "es", ["S01"]).problems] == ["REP_010"]
    broken = tmp_path / "broken.geojson"
    broken.write_text("{not json", encoding="utf-8")
    bad = read_published(con, dataclasses.replace(manifest, boundaries={"sector": broken}))
    assert [p.code for p in bad.problems] == ["MAP_007"]


def test_a_sector_missing_from_the_boundaries_is_reported(con, manifest, tmp_path: Path) -> None:
    path = manifest.boundaries["sector"]
    path.write_text(path.read_text(encoding="utf-8").replace('"S02"', '"S9X"'), encoding="utf-8")
    written = write_profiles(read_published(con, manifest), tmp_path, "es", ["S01", "S02"])
    assert len(written) == 2
    assert [p.code for p in written.problems] == ["REP_008"]


@pytest.mark.parametrize(("template", "line"), [
    ("<html>{% for x in page.sections %}\n<p>{{ x.title }</p></html>", 2),  # a syntax error
    ("<html>\n\n{{ page.no_such_field }}</html>", 3),  # a name the profile does not have
])
def test_a_template_error_is_reported_with_its_line(con, manifest, tmp_path: Path, template: str, line: int) -> None:
    folder = tmp_path / "reports"
    shutil.copytree(REPORTS, folder)
    (folder / "profile.html.j2").write_text(template, encoding="utf-8")
    written = write_profiles(read_published(con, manifest, load_settings(folder)), tmp_path / "out", "es")
    assert list(written) == []
    assert [p.code for p in written.problems] == ["REP_004"]
    assert f"(línea {line})" in written.problems[0].message("es")


def test_css_string_cannot_break_out_of_the_style_element() -> None:
    assert css_string('a"b</style><script>') == '"a\\22 b\\3c /style\\3e \\3c script\\3e "'


def test_a_range_over_some_sectors_says_how_many(con, manifest) -> None:
    # DEM_02 in three sectors: S02 small (n 4), S03 hidden to protect it (the fewest cases of the rest), S01 28.0
    # published: never "28,0–28,0" beside the district's 30,0
    write_mart(con, cells=[*CELLS, ("DEM_02", "S03", None, None, 26.0, 80, False)])
    text = html_text(_html(con, manifest, "150142", "es"))
    rows = [line for line in text.splitlines() if line.startswith("Hogares con jefatura femenina | %")]
    assert rows[-1] == "Hogares con jefatura femenina | % | 30,0 | 28,0 (1/3)"  # the area totals, with the range
    assert any(line.startswith("Rango entre sectores: (k/N)") for line in text.splitlines())


def test_persons_with_no_sex_recorded_are_explained(con, manifest) -> None:
    # the district's population counts 3 persons neither among the 520 women nor the 480 men
    cells = [(c[0], c[1], c[2], c[3], 1003, 1003, c[6]) if c[:4] == ("DEM_01", "150142", None, None) else c
             for c in CELLS]
    write_mart(con, cells=cells)
    text = html_text(_html(con, manifest, "150142", "es"))
    assert ("Población: el total incluye 3 personas sin sexo registrado, que no están entre mujeres ni "
            "hombres.") in text.splitlines()
    sector = html_text(_html(con, manifest, "S01", "es"))
    assert "sin sexo registrado" not in sector  # 210 + 190 = 400: nothing to explain

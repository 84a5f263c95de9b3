"""The PDF profiles: HTML text against golden files (never PDF bytes); broken inputs give a coded problem, not a stop."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import pytest

from cbms.report import Written, write_profiles
from cbms.report import profiles as profiles_module
from cbms.report.geo import read_boundaries
from cbms.report.mart import read_mart
from cbms.report.profiles import build_page, render_html
from cbms.report.settings import REPORTS, load_settings
from cbms.report.templates import css_string, environment
from tests.report.golden import check, html_text

SETTINGS = load_settings()


def _html(con, manifest, area: str, lang: str) -> str:
    mart = read_mart(con, manifest)
    page = build_page(mart, SETTINGS, manifest, mart.area(area), lang, read_boundaries(manifest),  # type: ignore[arg-type]
                      dt.date.today())
    return render_html(environment(SETTINGS.folder).get_template("profile.html.j2"), page)


@pytest.mark.parametrize(("area", "lang"), [("S01", "es"), ("S02", "es"), ("150142", "en")])
def test_profile_text_matches_golden(con, manifest, area: str, lang: str) -> None:
    check(f"profile_{area}_{lang}.txt", html_text(_html(con, manifest, area, lang)))


def test_first_page_says_the_gaps_in_words(con, manifest) -> None:
    text = html_text(_html(con, manifest, "S01", "es"))
    # S01: insurance 70 vs 80 (10 points behind), then poverty 22 vs 18 (4 points)
    assert ("Población con seguro de salud: 70,0 % en las mujeres y 80,0 % en los hombres (10,0 puntos menos en "
            "ellas).") in text.splitlines()
    gaps = text.split("Las brechas de género que más pesan")[1].split("Cómo leer las tablas")[0]
    assert gaps.index("seguro de salud") < gaps.index("pobreza monetaria")


def test_suppressed_cells_show_x_and_no_hidden_value_leaks(con, manifest) -> None:
    html = _html(con, manifest, "S02", "es")
    row = next(line for line in html_text(html).splitlines() if line.startswith("Incidencia de pobreza monetaria |"))
    assert row.split(" | ")[2:7] == ["27,5", "x", "28,0", "x", "x"]
    assert "66,7" not in html and "66.7" not in html


def test_writes_a_pdf_per_area(con, manifest, tmp_path: Path) -> None:
    written = write_profiles(con, manifest, tmp_path, "es", ["150142", "S01"])
    assert isinstance(written, Written) and not written.problems
    assert [p.name for p in written] == ["perfil_distrito_150142.pdf", "perfil_sector_S01.pdf"]
    assert all(p.parent == tmp_path / "perfiles" and p.read_bytes().startswith(b"%PDF-") for p in written)


def test_an_area_without_data_is_reported_and_the_rest_written(con, manifest, tmp_path: Path) -> None:
    written = write_profiles(con, manifest, tmp_path, "en", ["S03", "S01", "S99"])
    assert [p.name for p in written] == ["profile_sector_S01.pdf"]
    assert [p.code for p in written.problems] == ["REP_005", "REP_005"]
    assert "S03" in written.problems[0].message("es")


def test_missing_boundaries_give_profiles_without_a_map(con, manifest, tmp_path: Path) -> None:
    gone = dataclasses.replace(manifest, boundaries={"sector": tmp_path / "nowhere.geojson"})
    written = write_profiles(con, gone, tmp_path, "es", ["S01"])
    assert [p.name for p in written] == ["perfil_sector_S01.pdf"]
    assert [p.code for p in written.problems] == ["REP_006"]
    none = dataclasses.replace(manifest, boundaries={})
    assert [p.code for p in write_profiles(con, none, tmp_path, "es", ["S01"]).problems] == ["REP_010"]
    broken = tmp_path / "broken.geojson"
    broken.write_text("{not json", encoding="utf-8")
    bad = dataclasses.replace(manifest, boundaries={"sector": broken})
    assert [p.code for p in write_profiles(con, bad, tmp_path, "es", ["S01"]).problems] == ["REP_007"]


def test_a_sector_missing_from_the_boundaries_is_reported(con, manifest, tmp_path: Path) -> None:
    path = manifest.boundaries["sector"]
    path.write_text(path.read_text(encoding="utf-8").replace('"S02"', '"S9X"'), encoding="utf-8")
    written = write_profiles(con, manifest, tmp_path, "es", ["S01", "S02"])
    assert len(written) == 2
    assert [p.code for p in written.problems] == ["REP_008"]


@pytest.mark.parametrize(("template", "line"), [
    ("<html>{% for x in page.sections %}\n<p>{{ x.title }</p></html>", 2),  # a syntax error
    ("<html>\n\n{{ page.no_such_field }}</html>", 3),  # a name the profile does not have
])
def test_a_template_error_is_reported_with_its_line(con, manifest, tmp_path: Path, monkeypatch, template: str,
                                                    line: int) -> None:
    folder = tmp_path / "reports"
    shutil.copytree(REPORTS, folder)
    (folder / "profile.html.j2").write_text(template, encoding="utf-8")
    monkeypatch.setattr(profiles_module, "load_settings", lambda: load_settings(folder))
    written = write_profiles(con, manifest, tmp_path / "out", "es")
    assert list(written) == []
    assert [p.code for p in written.problems] == ["REP_004"]
    assert f"(línea {line})" in written.problems[0].message("es")


def test_css_string_cannot_break_out_of_the_style_element() -> None:
    assert css_string('a"b</style><script>') == '"a\\22 b\\3c /style\\3e \\3c script\\3e "'

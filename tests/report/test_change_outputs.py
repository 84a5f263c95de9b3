"""The published side of the change on both demo rounds (`cbms run --demo --rounds 2`): the workbook's change sheet
read back with openpyxl equals change.parquet's publishable rows; its colours follow the declared direction; each
profile has the change page, and the district's names the five largest changes worked out here from change.parquet;
the three change maps are written; nothing hidden is shown; each language holds no word of the other."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
import pytest
import yaml
from openpyxl import load_workbook

from cbms.cli import main
from cbms.config import DEMO_MANIFESTS, load_manifest
from cbms.errors import Lang
from cbms.maps.change import _text as change_map_text
from cbms.published import Published, read_published
from cbms.report.profiles import build_page, environment, render_html
from cbms.report.workbook import write_workbook
from cbms.store import open_database
from tests.conftest import ROOT
from tests.report.golden import html_text
from tests.test_languages import leaks

pytestmark = pytest.mark.slow
SHEET = {"es": "Cambios desde la ronda anterior", "en": "Change since the previous round"}
GREEN, RED = "C6EFCE", "FFC7CE"  # reports/change.yaml
DIRECTION = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")).get("better")
             for p in (ROOT / "pipelines" / "indicators").glob("*.yaml")}
UNITS = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))["value"]
         for p in (ROOT / "pipelines" / "indicators").glob("*.yaml")}
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) missing")


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("change-out")
    assert main(["run", "--demo", "--rounds", "2", "--households", "400", "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def published(run: Path) -> Published:
    manifest = load_manifest(DEMO_MANIFESTS[2])
    with open_database(run / "supervision" / "cbms.duckdb", manifest.round_id) as con:
        return read_published(con, manifest)


@pytest.fixture(scope="module")
def totals(run: Path) -> pd.DataFrame:
    """change.parquet's comparable rows of the district's and the sectors' totals."""
    frame = pd.read_parquet(run / "analisis" / "change.parquet")
    keep = (frame.comparable & frame.sex.isna() & frame.head_sex.isna() & frame.age_group.isna()
            & frame.area_level.isin(["district", "sector"]))
    return frame[keep].reset_index(drop=True)


def _sheet(path: Path, lang: Lang) -> list[tuple[object, ...]]:
    ws = load_workbook(path)[SHEET[lang]]
    return [tuple(c for c in row) for row in ws.iter_rows(min_row=5)]


def _code(label: str, district: str) -> str:
    first = label.split(" ")[0]
    return first if re.fullmatch(r"S\d+", first) else district


def test_the_sheet_equals_the_publishable_changes(run: Path, totals: pd.DataFrame) -> None:
    rows = _sheet(next((run / "publicacion").glob("indicadores_*.xlsx")), "es")
    lines = {(r[0].value, _code(str(r[3].value), "150142")): r for r in rows if r[4].value is not None}
    expected = {(row.indicator_id, row.area_code): row for row in totals.itertuples()}
    assert set(lines) == set(expected)
    shown = hidden = 0
    for key, row in expected.items():
        cells = [c.value for c in lines[key]]
        if row.suppressed:  # nothing of a hidden change is printed
            assert [cells[i] for i in (4, 5, 6, 8, 9)] == ["x"] * 5, key
            hidden += 1
            continue
        # a workbook keeps 15 significant digits (openpyxl writes -1.810000000000002 for -1.8100000000000023)
        assert cells[4:7] == pytest.approx([row.value_from, row.value_to, row.change], rel=1e-13, abs=1e-13), key
        assert (cells[8], cells[9]) == (row.n_from, row.n_to), key
        shown += 1
    assert shown > 300 and hidden > 10  # both kinds are really there (636 and 37 on this census)


def test_the_change_is_coloured_by_direction(run: Path, totals: pd.DataFrame) -> None:
    rows = _sheet(next((run / "publicacion").glob("indicadores_*.xlsx")), "es")
    fills = {(r[0].value, _code(str(r[3].value), "150142")): str(r[6].fill.start_color.rgb)[-6:]
             if r[6].fill.fill_type == "solid" else None for r in rows if r[4].value is not None}
    seen = set()
    for row in totals[~totals.suppressed].itertuples():
        if abs(row.change) < 0.1:  # signs near zero depend on the shown decimals: left to the unit tests
            continue
        better = DIRECTION[row.indicator_id]
        improved = (row.change < 0) == (better == "lower")
        expected = None if better in (None, "none") else GREEN if improved else RED
        assert fills[(row.indicator_id, row.area_code)] == expected, row
        seen.add(expected)
    assert seen == {None, GREEN, RED}
    # the demo's story, read off change.parquet: poverty fell in the district (27.5 % -> 21.1 %): green
    poverty = totals[(totals.indicator_id == "POV_01") & (totals.area_level == "district")].iloc[0]
    assert poverty.change < 0 and fills[("POV_01", "150142")] == GREEN


def _half_up(value: float, places: int) -> str:
    return str(Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)).replace(".", ",")


def _largest(totals: pd.DataFrame, area: str) -> tuple[list[str], list[str]]:
    """The five largest improvements and deteriorations of an area, worked out here: the change in points for
    percents and rates, in hundredths for an index, else as a share of the earlier value in steps of 5 %
    (reports/indicators.yaml)."""
    rows = []
    for row in totals[(totals.area_code == area) & ~totals.suppressed].itertuples():
        better = DIRECTION[row.indicator_id]
        places = {"percent": 1, "per_1000": 1, "mean": 1, "count": 0, "index": 3}[UNITS[row.indicator_id]]
        if better in (None, "none") or Decimal(_half_up(row.change, places).replace(",", ".")) == 0:
            continue
        if UNITS[row.indicator_id] in ("percent", "per_1000"):
            size = abs(row.change)
        elif UNITS[row.indicator_id] == "index":
            size = 100 * abs(row.change)
        else:
            size = abs(row.change) / (abs(row.value_from) or abs(row.value_to)) / 0.05
        rows.append((size, (row.change < 0) == (better == "lower"), row.indicator_id))
    rows.sort(key=lambda r: -r[0])
    return [i for _, good, i in rows if good][:5], [i for _, good, i in rows if not good][:5]


def _pdf_text(path: Path) -> str:
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


@needs_pdftotext
def test_the_district_page_names_the_largest_changes(run: Path, totals: pd.DataFrame,
                                                     published: Published) -> None:
    text = _pdf_text(run / "publicacion" / "perfiles" / "perfil_distrito_150142.pdf")
    page = text.split("¿Qué cambió desde la ronda anterior?")[1]
    improved, worsened = page.split("Lo que más mejoró")[1].split("Lo que más empeoró")
    worsened = worsened.split("Los indicadores principales")[0]
    better, worse = _largest(totals, "150142")
    assert len(better) == 5 and len(worse) == 5
    for part, chosen in ((improved, better), (worsened, worse)):
        names = [published.indicator(i).name("es") for i in chosen]  # type: ignore[union-attr]
        places = [part.find(f"{name}:") for name in names]
        assert all(p >= 0 for p in places) and places == sorted(places), (names, part)
    poverty = totals[(totals.indicator_id == "POV_01") & (totals.area_code == "150142")].iloc[0]
    assert (f"Incidencia de pobreza monetaria: bajó {_half_up(-poverty.change, 1)} puntos, de "
            f"{_half_up(poverty.value_from, 1)} % a {_half_up(poverty.value_to, 1)} %") in improved


@needs_pdftotext
def test_every_profile_has_the_change_page(run: Path) -> None:
    profiles = sorted((run / "publicacion" / "perfiles").glob("*.pdf"))
    assert len(profiles) >= 11
    for path in profiles:
        assert "¿Qué cambió desde la ronda anterior?" in _pdf_text(path), path.name


def test_the_change_maps_are_written(run: Path, published: Published) -> None:
    for indicator_id in ("POV_01", "NUT_01", "GEN_01"):
        png = run / "publicacion" / f"map_sector_{indicator_id}_change.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", indicator_id
    poverty, hours = published.indicator("POV_01"), published.indicator("GEN_01")
    assert poverty is not None and hours is not None
    legend = change_map_text(published, poverty, "es", "r1", "r2", -6.3, True, True).legend_title
    assert legend == "Cambio en puntos porcentuales"
    assert change_map_text(published, hours, "en", "r1", "r2", 0.5, True, True).legend_title == "Change in hours"


def test_the_audit_finds_nothing(run: Path) -> None:
    assert main(["audit-disclosure", str(run / "publicacion")]) == 0


def test_the_sheet_lists_what_is_not_comparable(run: Path) -> None:
    rows = _sheet(next((run / "publicacion").glob("indicadores_*.xlsx")), "es")
    values = [[c.value for c in r] for r in rows]
    assert not any(r[0] == "SEC_01" and r[4] is not None for r in values)  # no change shown for it
    listed = [r for r in values if r[0] == "SEC_01"]
    assert len(listed) == 1 and "crime_victim" in str(listed[0][2])  # the crosswalk's reason beside it


@pytest.mark.parametrize("lang", ["es", "en"])
def test_one_language_at_a_time(run: Path, published: Published, lang: Lang, tmp_path: Path) -> None:
    found = {}
    book = write_workbook(published, tmp_path, lang)
    sheet = "\n".join(" ".join(str(c.value) for c in row if c.value is not None) for row in _sheet(book, lang))
    found["sheet"] = leaks(sheet, lang)
    template = environment(published.settings.folder).get_template("profile.html.j2")
    for area in (published.district, published.sectors[0]):
        page = build_page(published, area, lang, dt.date.today())
        assert page.change is not None
        text = html_text(render_html(template, page))
        found[f"page {area.code}"] = leaks(text, lang)
    for indicator_id in ("POV_01", "NUT_01", "GEN_01"):
        indicator = published.indicator(indicator_id)
        assert indicator is not None
        words = change_map_text(published, indicator, lang, "r1", "r2", 1.0, True, True)
        found[f"map {indicator_id}"] = leaks("\n".join([words.title, words.subtitle, words.legend_title,
                                                         words.no_data, *words.notes]), lang)
    assert not {k: v for k, v in found.items() if v}

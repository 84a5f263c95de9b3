"""The same cell printed in the workbook, the PDF profile (its HTML) and the maps (CSV, legend, colour): the same
number and the same class everywhere."""

# The trap this guards against (issue 19): the maps rounded a sector's poverty to two decimals (25.45) and then to
# one for the legend (Python's 25.4, the binary 25.4499...), while the workbook and the PDF rounded the exact value
# once (25.5). Here the exact value is 25.45 itself: Excel and LibreOffice show 25.5 (half away from zero on the
# decimal form), so every output must too.

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
from openpyxl import load_workbook

from cbms.config import Manifest
from cbms.maps import choropleth, export_map_inputs
from cbms.published import read_published
from cbms.report import charts
from cbms.report.profiles import build_page, environment, render_html
from cbms.report.workbook import write_workbook
from tests.report.conftest import CELLS, write_mart
from tests.report.golden import html_text

EXACT = {"S01": 25.45, "S02": 27.55, "150142": 26.5}  # POV_01 totals: each ends in a 5 at the second decimal
SHOWN = {"S01": "25,5", "S02": "27,6", "150142": "26,5"}  # as a reader of Spanish sees them


def _excel(value: float, number_format: str) -> str:
    """What Excel and LibreOffice display for a value under a '#,##0.0'-like format: the decimal form rounded half
    away from zero (not Python's round, which works on the binary value)."""
    places = len(number_format.split(";")[0].split(".")[1]) if "." in number_format else 0
    return str(Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


@pytest.fixture
def outputs(con: duckdb.DuckDBPyConnection, manifest: Manifest, tmp_path: Path,
            monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    cells = [(c[0], c[1], c[2], c[3], EXACT[c[1]], *c[5:]) if c[0] == "POV_01" and c[2] is None and c[3] is None
             else c for c in CELLS]
    write_mart(con, cells=cells)
    published = read_published(con, manifest)
    drawn: dict[str, Any] = {}
    real_png, real_svg = choropleth.render_png, charts.area_map

    def png(areas: Any, classes: Any, text: Any, lonlat: bool = True) -> bytes:
        if text.title == "Incidencia de pobreza monetaria" and "sector" in text.subtitle:
            drawn["png"] = ({a.code: a.colour for a in areas}, classes.labels, classes.colours)
        return real_png(areas, classes, text, lonlat)

    def svg(areas: Any, legend: Any, lonlat: bool = True, no_data: str = "", width_cm: float = 7.6) -> str:
        if legend:
            drawn["svg"] = ({a.code: a.colour for a in areas}, tuple(e.text for e in legend),
                            tuple(e.colour for e in legend))
        return real_svg(areas, legend, lonlat, no_data, width_cm)

    monkeypatch.setattr("cbms.maps.export.render_png", png)
    monkeypatch.setattr("cbms.report.profiles.charts.area_map", svg)
    book = load_workbook(write_workbook(published, tmp_path / "book"))
    page = build_page(published, published.district, "es", dt.date.today())
    html = html_text(render_html(environment(published.settings.folder).get_template("profile.html.j2"), page))
    maps = export_map_inputs(published, tmp_path / "maps")
    return {"book": book, "html": html, "maps": maps, "drawn": drawn}


def test_same_number_in_workbook_profile_and_map(outputs: dict[str, Any]) -> None:
    ws = outputs["book"]["Pobreza monetaria"]
    total = next(r for r in ws.iter_rows(min_row=4) if r[0].value == "POV_01" and r[3].value == "Total")
    workbook = {code: _excel(total[4 + k].value, total[4 + k].number_format).replace(".", ",")
                for k, code in enumerate(("150142", "S01", "S02"))}
    compared = next(line for line in outputs["html"].splitlines()
                    if line.startswith("Incidencia de pobreza monetaria | %"))
    profile = dict(zip(("150142", "S01", "S02"), compared.split(" | ")[2:5], strict=True))
    table = outputs["maps"].level("sector").table.read_text(encoding="utf-8").splitlines()
    header = table[0].split(",")
    csv_values = {row.split(",")[0]: row.split(",")[header.index("POV_01")].replace(".", ",") for row in table[1:]}
    assert workbook == profile == SHOWN
    assert {code: csv_values[code] for code in ("S01", "S02")} == {"S01": SHOWN["S01"], "S02": SHOWN["S02"]}


def test_same_class_and_legend_on_the_png_and_the_profile_map(outputs: dict[str, Any]) -> None:
    png_colours, png_labels, png_palette = outputs["drawn"]["png"]
    svg_colours, svg_labels, svg_palette = outputs["drawn"]["svg"]
    assert png_colours == svg_colours  # every sector in the same colour
    assert png_colours["S01"] != png_colours["S02"]  # two values, two classes
    assert svg_palette[: len(png_palette)] == png_palette
    assert [label.removesuffix("\u00a0%") for label in svg_labels] == list(png_labels) == [SHOWN["S01"],
                                                                                          SHOWN["S02"]]

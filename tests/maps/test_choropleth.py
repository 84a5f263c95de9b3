"""Choropleths: quantile classes, words in each language, PNGs that repeat byte for byte."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from shapely.geometry import box

from cbms.maps import export_map_inputs
from cbms.maps.choropleth import PALETTES, Drawn, classify, level_label, map_text, number, render_png
from cbms.maps.tables import GAPS, MapIndicator
from tests.maps.mart import manifest_for

POVERTY = MapIndicator("POV_01", "Incidencia de pobreza monetaria", "Monetary poverty headcount (FGT0)",
                       "percent", False)


def test_quantile_classes_do_not_overlap() -> None:
    # ten values, five classes of two (nearest-rank quantiles); labels give each class's own lowest and highest
    classes = classify([3.0, 1.0, 2.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0], "percent", "es")
    assert classes.uppers == (2.0, 4.0, 6.0, 8.0, 10.0)
    assert classes.labels == ("1,0 – 2,0", "3,0 – 4,0", "5,0 – 6,0", "7,0 – 8,0", "9,0 – 10,0")
    assert classes.colours == PALETTES[5]
    assert classes.colour(0.0) == PALETTES[5][0] and classes.colour(9.5) == PALETTES[5][4]


def test_few_distinct_values_give_few_classes() -> None:
    assert classify([0.0, 0.0, 0.0], "percent", "en").labels == ("0.0",)
    two = classify([0.0, 0.0, 20.0], "mean", "en")
    assert two.labels == ("0.0", "20.0") and two.colours == PALETTES[2]


def test_palette_gets_darker_class_by_class() -> None:
    """Readable in greyscale: each class is darker than the one before (ITU-R BT.601 luma)."""
    for colours in PALETTES.values():
        luma = [0.299 * int(c[1:3], 16) + 0.587 * int(c[3:5], 16) + 0.114 * int(c[5:7], 16) for c in colours]
        assert luma == sorted(luma, reverse=True) and len(set(luma)) == len(luma)


def test_numbers_in_each_language() -> None:
    assert number(23.456, 1, "es") == "23,5"
    assert number(23.456, 1, "en") == "23.5"
    assert number(-2.0, 1, "en") == "−2.0"


@pytest.mark.parametrize(("lang", "no_data", "by", "scale"), [
    ("es", "sin datos suficientes", "por sector", "sin escala"),
    ("en", "insufficient data", "by sector", "not to scale"),
])
def test_words_on_the_map(lang: str, no_data: str, by: str, scale: str) -> None:
    text = map_text(POVERTY, lang, level_label("sector", lang), "Villa El Salvador", "Ronda 1",  # type: ignore[arg-type]
                    ("2025-09-01", "2025-10-31"), 5, illustrative=True, reference=23.35)
    assert text.no_data == no_data
    assert text.title == POVERTY.name(lang)  # type: ignore[arg-type]
    assert by in text.subtitle and ("23,4" if lang == "es" else "23.4") in text.subtitle
    assert "%" in text.legend_title
    assert any(scale in n for n in text.notes)
    assert any("2025-09-01" in n for n in text.notes)  # the source line carries the round's period
    assert any("5" in n for n in text.notes)  # the cell threshold


def test_gap_has_its_own_legend_title() -> None:
    assert "horas" in map_text(GAPS[0], "es", "Sector", "", "R", None, 5, False).legend_title


def test_grupo_level_label_comes_from_dimensions() -> None:
    assert level_label("grupo", "es") == "Grupo residencial"
    assert level_label("grupo", "en") == "Residential group"
    assert level_label("manzana", "es") == "manzana"


def test_png_has_no_software_or_date_metadata() -> None:
    areas = [Drawn("A", box(0, 0, 1, 1), 10.0), Drawn("B", box(1, 0, 2, 1), None)]
    text = map_text(POVERTY, "es", "Sector", "", "R", None, 5, False)
    png = render_png(areas, classify([10.0], "percent", "es"), text)
    assert png.startswith(b"\x89PNG") and b"Software" not in png and b"tIME" not in png
    assert png == render_png(areas, classify([10.0], "percent", "es"), text)


def test_same_database_gives_the_same_bytes(mart: duckdb.DuckDBPyConnection, tmp_path: Path, sectors: Path) -> None:
    manifest = manifest_for(tmp_path, {"sector": sectors})
    first = export_map_inputs(mart, manifest, tmp_path / "one")
    second = export_map_inputs(mart, manifest, tmp_path / "two")
    assert [p.name for p in first.files] == [p.name for p in second.files]
    assert len(first.files) == 1 + 2 + 4  # district CSV; sector CSV and GeoJSON; four PNGs
    for a, b in zip(first.files, second.files, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name

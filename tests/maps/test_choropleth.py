"""Choropleths: words in each language, PNGs that repeat byte for byte."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from shapely.geometry import box

from cbms.maps.choropleth import map_text, render_png
from cbms.maps.wide import Layer, map_layers
from cbms.published import Published, read_published
from cbms.published.classes import classify
from cbms.published.drawing import Drawn
from tests.maps.mart import export, manifest_for


@pytest.fixture
def published(mart: duckdb.DuckDBPyConnection, tmp_path: Path) -> Published:
    return read_published(mart, manifest_for(tmp_path))


def _layer(published: Published, layer_id: str) -> Layer:
    return next(layer for layer in map_layers(published) if layer.id == layer_id)


@pytest.mark.parametrize(("lang", "no_data", "by", "scale"), [
    ("es", "sin datos suficientes", "por sector", "sin escala"),
    ("en", "insufficient data", "by sector", "not to scale"),
])
def test_words_on_the_map(published: Published, lang: str, no_data: str, by: str, scale: str) -> None:
    poverty = _layer(published, "POV_01")
    text = map_text(published, poverty, "sector", lang, illustrative=True, reference=23.35)  # type: ignore[arg-type]
    assert text.no_data == no_data
    assert text.title == poverty.indicator.name(lang)  # type: ignore[arg-type]
    assert by in text.subtitle and ("23,4" if lang == "es" else "23.4") in text.subtitle
    assert "%" in text.legend_title
    assert any(scale in n for n in text.notes)
    assert any("2025-09-01" in n for n in text.notes)  # the source line carries the round's period
    assert any("5" in n for n in text.notes)  # the cell threshold


def test_gap_has_its_own_title_and_legend(published: Published) -> None:
    text = map_text(published, _layer(published, "GEN_01_GAP"), "sector", "es", hatched=False)
    assert text.title.startswith("Brecha de género") and "horas" in text.legend_title


def test_grupo_level_label_comes_from_dimensions(published: Published) -> None:
    assert "por grupo residencial" in map_text(published, _layer(published, "POV_01"), "grupo", "es").subtitle
    assert "by residential group" in map_text(published, _layer(published, "POV_01"), "grupo", "en").subtitle


def test_png_has_no_software_or_date_metadata(published: Published) -> None:
    classes = classify([10.0], "percent", "es")
    areas = [Drawn("A", box(0, 0, 1, 1), classes.colour(10.0)), Drawn("B", box(1, 0, 2, 1), None)]
    text = map_text(published, _layer(published, "POV_01"), "sector", "es")
    png = render_png(areas, classes, text)
    assert png.startswith(b"\x89PNG") and b"Software" not in png and b"tIME" not in png
    assert png == render_png(areas, classes, text)


def test_same_database_gives_the_same_bytes(mart: duckdb.DuckDBPyConnection, tmp_path: Path, sectors: Path) -> None:
    manifest = manifest_for(tmp_path, {"sector": sectors})
    first = export(mart, manifest, tmp_path / "one")
    second = export(mart, manifest, tmp_path / "two")
    assert [p.name for p in first.files] == [p.name for p in second.files]
    assert len(first.files) == 1 + 2 + 4  # district CSV; sector CSV and GeoJSON; four PNGs
    for a, b in zip(first.files, second.files, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name

"""Joining to boundaries: the joined GeoJSON, codes on one side only, and every kind of bad boundary file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from cbms import errors
from cbms.maps import MapReport
from tests.maps.mart import SQUARES, export, feature_collection, manifest_for, square, write_json


def _export(con: duckdb.DuckDBPyConnection, tmp_path: Path, boundary: Path, **kwargs: Any) -> MapReport:
    return export(con, manifest_for(tmp_path), tmp_path / "out", boundaries={"sector": boundary}, **kwargs)


def _codes(report: MapReport) -> list[str]:
    return [p.code for p in report.problems]


def _features(path: Path) -> dict[str, dict[str, Any]]:
    return {f["properties"]["code"]: f for f in json.loads(path.read_text(encoding="utf-8"))["features"]}


def test_joined_geojson(mart: duckdb.DuckDBPyConnection, tmp_path: Path, sectors: Path) -> None:
    level = _export(mart, tmp_path, sectors).level("sector")
    assert level is not None and level.geojson is not None
    features = _features(level.geojson)
    assert list(features) == ["S01", "S02", "S03", "S05"]  # every polygon, sorted by code
    s01 = features["S01"]
    assert s01["geometry"] == SQUARES["S01"]  # the file's own geometry, unchanged
    assert s01["properties"]["name"] == "Primer Sector"  # the geography table's name wins over the file's
    assert (s01["properties"]["POV_01"], s01["properties"]["POV_01_n"]) == (25.0, 40)
    assert s01["properties"]["GEN_01_GAP"] == 20.0
    s02 = features["S02"]["properties"]
    assert (s02["POV_01"], s02["POV_01_suppressed"], s02["POV_01_n"]) == (None, True, None)  # n 3: not printed
    s03 = features["S03"]["properties"]
    assert (s03["POV_01"], s03["POV_01_suppressed"]) == (0.0, False)  # a true zero
    s05 = features["S05"]["properties"]  # a polygon without data: every cell null, nothing suppressed
    assert s05["name"] == "Sexto Sector" and s05["POV_01"] is None and s05["POV_01_suppressed"] is False
    csv_header = level.table.read_text(encoding="utf-8").splitlines()[0].split(",") if level.table else []
    assert list(s01["properties"]) == csv_header


def test_areas_on_one_side_only_are_reported(mart: duckdb.DuckDBPyConnection, tmp_path: Path,
                                             sectors: Path) -> None:
    report = _export(mart, tmp_path, sectors)
    level = report.level("sector")
    assert level is not None
    assert level.no_data == ("S05",)  # a polygon with no data: drawn hatched
    assert level.no_boundary == ("S04",)  # data with no polygon: in the CSV, not on the map
    assert {"MAP_015", "MAP_016"} <= set(_codes(report))
    assert "S05" in next(p for p in report.problems if p.code == "MAP_015").message("en")
    assert "MAP_004" in _codes(report)  # the grupo level has no data
    # POV_01, NUT_01, GEN_01 and the gap: one PNG each
    assert [p.name for p in level.images] == ["map_sector_GEN_01.png", "map_sector_POV_01.png",
                                              "map_sector_NUT_01.png", "map_sector_GEN_01_GAP.png"]


def test_wrong_code_property(mart: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    boundary = write_json(tmp_path / "b.geojson", feature_collection(SQUARES, prop="CODIGO"))
    report = _export(mart, tmp_path, boundary)
    problem = next(p for p in report.problems if p.code == "MAP_008")
    assert problem.detail is errors.MAP_008
    assert "'CODIGO'" in problem.message("es") and "3 de 4" in problem.message("es")  # the property that matches
    level = report.level("sector")
    assert level is not None and level.table is not None  # the table is still written
    assert level.geojson is None and level.images == ()
    # named right, it works
    fixed = _export(mart, tmp_path, boundary, code_property="CODIGO").level("sector")
    assert fixed is not None and fixed.geojson is not None


def test_codes_that_match_nothing(mart: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    """A boundary file of another level (or another code list): the property exists, no code matches."""
    other = {f"G{i}": geom for i, geom in enumerate(SQUARES.values())}
    report = _export(mart, tmp_path, write_json(tmp_path / "b.geojson", feature_collection(other)))
    assert "MAP_009" in _codes(report)
    level = report.level("sector")
    assert level is not None and level.table is not None and level.geojson is None


def test_invalid_geometries_are_repaired_or_skipped(mart: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    bowtie = {"type": "Polygon", "coordinates": [[[-76.96, -12.21], [-76.95, -12.20], [-76.95, -12.21],
                                                  [-76.96, -12.20], [-76.96, -12.21]]]}
    too_short = {"type": "Polygon", "coordinates": [[[-76.95, -12.21], [-76.94, -12.20], [-76.95, -12.21]]]}
    point = {"type": "Point", "coordinates": [-76.95, -12.21]}
    geometries = {"S01": SQUARES["S01"], "S02": point, "S03": bowtie, "S05": too_short}
    collection = feature_collection(geometries)
    collection["features"].append({"type": "Feature", "properties": {"name": "sin código"},
                                   "geometry": square(-76.9, -12.2)})
    report = _export(mart, tmp_path, write_json(tmp_path / "b.geojson", collection))
    level = report.level("sector")
    assert level is not None and level.geojson is not None
    assert level.repaired == ("S03",)  # the self-intersecting bowtie, through make_valid
    assert level.skipped == ("S02", "S05", "#5")  # a point, a ring of three points, a feature with no code
    assert _codes(report).count("MAP_010") == 1 and _codes(report).count("MAP_011") == 2
    assert "MAP_012" in _codes(report)
    features = _features(level.geojson)
    assert list(features) == ["S01", "S03"]
    assert features["S03"]["geometry"]["type"] == "MultiPolygon"  # the bowtie as two triangles
    assert level.no_boundary == ("S02", "S04")  # S02's polygon was skipped: reported, not dropped
    assert len(level.images) == 4


@pytest.mark.parametrize(("content", "code"), [
    ("this is not json", "MAP_007"),
    ('["a", "list"]', "MAP_007"),
    ('{"type": "Polygon", "coordinates": []}', "MAP_007"),
    (None, "MAP_006"),  # no file at all
])
def test_not_a_geojson(mart: duckdb.DuckDBPyConnection, tmp_path: Path, content: str | None, code: str) -> None:
    boundary = tmp_path / "b.geojson"
    if content is not None:
        boundary.write_text(content, encoding="utf-8")
    report = _export(mart, tmp_path, boundary)
    assert code in _codes(report)
    level = report.level("sector")
    assert level is not None and level.table is not None and level.table.exists()  # the rest is written
    assert level.geojson is None
    assert report.level("district") is not None


def test_no_usable_area(mart: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    empty = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "S01"}, "geometry": None}]}
    report = _export(mart, tmp_path, write_json(tmp_path / "b.geojson", empty))
    assert {"MAP_011", "MAP_014"} <= set(_codes(report))


def test_duplicate_codes_are_merged(mart: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    collection = feature_collection(SQUARES)
    collection["features"].append({"type": "Feature", "properties": {"code": "S01"},
                                   "geometry": square(-76.97, -12.22)})
    level = _export(mart, tmp_path, write_json(tmp_path / "b.geojson", collection))
    assert "MAP_013" in _codes(level)
    sector = level.level("sector")
    assert sector is not None and sector.geojson is not None
    assert _features(sector.geojson)["S01"]["geometry"]["type"] == "Polygon"  # two touching squares, one area


def test_numeric_codes_and_a_district_boundary(mart: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    district = {"type": "Feature", "properties": {"ubigeo": 150142}, "geometry": square(-76.97, -12.23, 0.03)}
    report = export(mart, manifest_for(tmp_path), tmp_path / "out", code_property="ubigeo",
                               boundaries={"district": write_json(tmp_path / "d.geojson", district),
                                           "manzana": tmp_path / "m.geojson"})
    level = report.level("district")
    assert level is not None and level.geojson is not None and level.no_data == ()
    assert "MAP_005" in _codes(report)  # no such level


def test_projected_coordinates_are_kept_and_reported(mart: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    utm = {code: square(280000 + 1000 * i, 8650000, 1000) for i, code in enumerate(SQUARES)}
    report = _export(mart, tmp_path, write_json(tmp_path / "b.geojson", feature_collection(utm)))
    assert "MAP_018" in _codes(report)
    level = report.level("sector")
    assert level is not None and level.geojson is not None and len(level.images) == 4

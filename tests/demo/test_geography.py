"""The shipped demo geography: the form's codes, made-up polygons that say so, grupos that tile their sector; and
the second round's, where Sexto Sector (S05) was split in two."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
from shapely.geometry import Point, Polygon

from cbms.demo.geography import (
    GRUPO_BOUNDARIES,
    SECTOR_BOUNDARIES,
    TABLE,
    build_geography,
    shipped_files,
    write_geography_files,
)
from cbms.form import FormSpec
from tests.conftest import ROOT


def _area(ring: list[list[float]]) -> float:
    """Signed shoelace area (positive: counter-clockwise, as RFC 7946 wants exterior rings)."""
    x, y = np.array(ring).T
    return float(0.5 * np.sum(x[:-1] * y[1:] - x[1:] * y[:-1]))


def test_codes_are_the_forms(spec: FormSpec) -> None:
    table = pd.read_csv(TABLE, dtype=str)
    assert list(table.columns) == ["level", "code", "name", "parent_code"]
    assert table[table["level"] == "district"]["code"].tolist() == ["150142"]
    assert table[table["level"] == "sector"]["code"].tolist() == [c.name for c in spec.choices["sector"]]
    grupos = table[table["level"] == "grupo"]
    assert grupos["code"].tolist() == [c.name for c in spec.choices["grupo"]]
    assert len(grupos) == 56
    per_sector = grupos.groupby("parent_code").size().to_dict()
    assert per_sector == {"S01": 6, "S02": 5, "S03": 7, "S04": 4, "S05": 6, "S06": 5, "S07": 8, "S08": 4,
                          "S09": 5, "S10": 6}


def test_polygons_are_marked_illustrative_and_grupos_tile_sectors() -> None:
    sectors = json.loads(SECTOR_BOUNDARIES.read_text(encoding="utf-8"))["features"]
    grupos = json.loads(GRUPO_BOUNDARIES.read_text(encoding="utf-8"))["features"]
    for f in sectors + grupos:
        assert f["properties"]["illustrative"] is True and "ilustrativ" in f["properties"]["note"]
        assert {"code", "name"} <= set(f["properties"])
        ring = f["geometry"]["coordinates"][0]
        assert ring[0] == ring[-1] and _area(ring) > 0
        lon, lat = np.array(ring).T
        assert (lon > -77.0).all() and (lon < -76.88).all() and (lat > -12.26).all() and (lat < -12.17).all()
    for s in sectors:
        parts = [g for g in grupos if g["properties"]["parent_code"] == s["properties"]["code"]]
        total = sum(_area(g["geometry"]["coordinates"][0]) for g in parts)
        assert abs(total / _area(s["geometry"]["coordinates"][0]) - 1) < 1e-4  # coordinates rounded to 1e-6°


def test_shipped_files_are_what_the_builder_writes(tmp_path: Path) -> None:
    for made in write_geography_files(tmp_path):
        assert made.read_bytes() == (TABLE.parent / made.name).read_bytes()


def test_household_points_fall_in_their_grupo() -> None:
    geo = build_geography()
    grupo = np.repeat(np.arange(len(geo.grupo_codes)), 20)
    lat, lon = geo.points(grupo, np.random.default_rng(0))
    quads = geo.grupo_quads[grupo]
    for i in range(4):  # inside every edge of the convex quad (SW, SE, NE, NW: counter-clockwise)
        a, b = quads[:, i], quads[:, (i + 1) % 4]
        cross = (b[:, 0] - a[:, 0]) * (lat - a[:, 1]) - (b[:, 1] - a[:, 1]) * (lon - a[:, 0])
        assert (cross >= -1e-12).all()


def test_the_demo_round_manifest_names_the_geography() -> None:
    path = ROOT / "pipelines" / "ves_demo.toml"
    manifest = tomllib.loads(path.read_text(encoding="utf-8"))
    assert manifest["round"]["ubigeo"] == "150142"
    assert manifest["poverty_lines"]["z_total"] == 446 and manifest["poverty_lines"]["z_extreme"] == 251
    geography = manifest["geography"]
    assert (path.parent / geography["table"]).resolve() == TABLE
    assert geography["code_property"] == "code"
    period = manifest["round"]["period"]
    from cbms.demo.population import FIELD_DAYS, FIELD_START
    assert str(FIELD_START) == period[0] and str(np.datetime64(FIELD_START) + FIELD_DAYS - 1) == period[1]


# ------------------------------------------------------------------- the second round: Sexto Sector split
def _features(path: Path) -> dict[str, dict[str, object]]:
    return {f["properties"]["code"]: f for f in json.loads(path.read_text(encoding="utf-8"))["features"]}


def _polygon(feature: dict[str, object]) -> Polygon:
    return Polygon(feature["geometry"]["coordinates"][0])  # type: ignore[index]


def test_second_round_files_are_what_the_builder_writes(tmp_path: Path) -> None:
    for made, shipped in zip(write_geography_files(tmp_path, round_=2), shipped_files(2), strict=True):
        assert made.name == shipped.name and made.read_bytes() == shipped.read_bytes()


def test_split_sector_grupos_go_to_exactly_one_part() -> None:
    before = pd.read_csv(shipped_files(1)[0], dtype=str)
    after = pd.read_csv(shipped_files(2)[0], dtype=str)
    old = before[(before["level"] == "grupo") & (before["parent_code"] == "S05")]["code"].tolist()
    parts = after[(after["level"] == "grupo") & after["parent_code"].isin(["S05", "S11"])]
    assert parts.groupby("parent_code")["code"].apply(list).to_dict() == {
        "S05": ["S05-G01", "S05-G02", "S05-G03"], "S11": ["S11-G01", "S11-G02", "S11-G03"]}
    # each old grupo is one new grupo, and its polygon did not move (S05-G04 is S11-G01, ...)
    old_grupos, new_grupos = _features(shipped_files(1)[2]), _features(shipped_files(2)[2])
    moved = dict(zip(old, ["S05-G01", "S05-G02", "S05-G03", "S11-G01", "S11-G02", "S11-G03"], strict=True))
    for was, now in moved.items():
        assert old_grupos[was]["geometry"] == new_grupos[now]["geometry"]
    # everything else is the first round's, table rows and polygons alike
    unchanged = before[~before["code"].isin([*old, "S05"])]
    assert unchanged.merge(after, how="left", indicator=True)["_merge"].eq("both").all()
    old_sectors, new_sectors = _features(shipped_files(1)[1]), _features(shipped_files(2)[1])
    assert set(new_sectors) == {*old_sectors, "S11"}
    assert all(old_sectors[c] == new_sectors[c] for c in old_sectors if c != "S05")


def test_the_parts_cover_the_old_sector() -> None:
    old = _polygon(_features(shipped_files(1)[1])["S05"])
    north, south = (_polygon(_features(shipped_files(2)[1])[c]) for c in ("S05", "S11"))
    assert north.is_valid and south.is_valid
    assert abs((north.area + south.area) / old.area - 1) < 1e-4  # coordinates rounded to 1e-6°
    assert north.intersection(south).area < 1e-6 * old.area  # they only share their border
    assert north.union(south).symmetric_difference(old).area < 1e-4 * old.area
    grupos = _features(shipped_files(2)[2])
    for part, code in ((north, "S05"), (south, "S11")):
        tiles = [_polygon(g) for g in grupos.values() if g["properties"]["parent_code"] == code]  # type: ignore[index]
        assert abs(sum(t.area for t in tiles) / part.area - 1) < 1e-4
        assert all(part.buffer(1e-6).contains(t) for t in tiles)


def test_second_round_households_are_in_the_2027_grupos() -> None:
    geo = build_geography(2)
    assert len(geo.sector_codes) == 11 and len(geo.grupo_codes) == 56
    assert geo.consolidation[geo.sector_codes.index("S11")] == geo.consolidation[geo.sector_codes.index("S05")]
    grupo = np.repeat(np.arange(len(geo.grupo_codes)), 10)
    lat, lon = geo.points(grupo, np.random.default_rng(0))
    polygons = _features(shipped_files(2)[2])
    assert all(_polygon(polygons[geo.grupo_codes[g]]).buffer(1e-6).contains(Point(x, y))
               for g, x, y in zip(grupo, lon, lat, strict=True))

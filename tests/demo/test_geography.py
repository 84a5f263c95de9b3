"""The shipped demo geography: the form's codes, made-up polygons that say so, grupos that tile their sector."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd

from cbms.demo.geography import (
    GRUPO_BOUNDARIES,
    SECTOR_BOUNDARIES,
    TABLE,
    build_geography,
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

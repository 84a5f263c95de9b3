"""Smoke test on the shipped demo boundaries (data/demo): every sector and grupo joins, every map is drawn."""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

import duckdb

from cbms.config import load_manifest
from tests.maps.mart import CATALOGUE, build_mart, export


def test_demo_boundaries(tmp_path: Path) -> None:
    manifest = load_manifest()
    assert manifest.geography is not None and set(manifest.boundaries) == {"sector", "grupo"}
    with manifest.geography.open(encoding="utf-8") as handle:
        areas = [(r["level"], r["code"]) for r in csv.DictReader(handle)]
    # every area of the demo geography, with values that differ by area; one grupo too small to publish
    values = []
    for i, (level, code) in enumerate(areas):
        for ind, *_ in CATALOGUE:
            small = code == "S03-G02"
            values.append((ind, level, code, None, None, float(i % 7) * 3.5, 3 if small else 60, small))
            if ind == "GEN_01":
                values.append((ind, level, code, "female", None, 20.0 + i % 5, 30, False))
                values.append((ind, level, code, "male", None, 10.0, 30, False))
    con = duckdb.connect(":memory:")
    build_mart(con, values=values)
    report = export(con, dataclasses.replace(manifest, min_cell=5), tmp_path, lang="en")
    assert [lv.level for lv in report.levels] == ["district", "sector", "grupo"]
    for name, count in (("sector", 10), ("grupo", 56)):
        level = report.level(name)
        assert level is not None and level.geojson is not None
        assert level.areas == count and level.no_data == () and level.no_boundary == ()
        assert len(level.images) == 4 and all(p.stat().st_size > 10_000 for p in level.images)
    assert [p.code for p in report.problems] == []

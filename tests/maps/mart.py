"""A tiny mart written by hand (three sectors with data, one more without a polygon) and boundaries for it.

S01 is an ordinary sector; S02 has small cells (suppressed); S03 has true zeros; S04 has data but no polygon;
the boundaries add S05, a polygon with no data. Expected numbers in the tests come from these rows.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import duckdb

from cbms.config import Manifest, load_manifest
from cbms.errors import Lang
from cbms.maps import MapReport, export_map_inputs
from cbms.published import read_published

# indicator_id, ord, name_es, name_en, value_unit, sensitive, map
CATALOGUE = [
    ("POV_01", 120, "Incidencia de pobreza monetaria", "Monetary poverty headcount (FGT0)", "percent", False, True),
    ("NUT_01", 340, "Desnutrición crónica infantil (OMS)", "Stunting in children under 5 (WHO)", "percent", True, True),
    ("GEN_01", 50, "Horas semanales de trabajo no remunerado", "Weekly hours of unpaid work", "mean", False, True),
    ("EDU_01", 60, "Analfabetismo", "Illiteracy", "percent", False, False),  # not a map indicator
]

# indicator_id, area_level, area_code, sex, head_sex, value, n, suppressed   (age_group NULL throughout)
VALUES = [
    ("POV_01", "district", "150142", None, None, 20.0, 140, False),
    ("POV_01", "sector", "S01", None, None, 25.0, 40, False),
    ("POV_01", "sector", "S01", "female", None, 99.0, 20, False),  # a breakdown: never in the wide table
    ("POV_01", "sector", "S01", None, "female", 98.0, 20, False),
    ("POV_01", "sector", "S02", None, None, 33.3, 3, True),  # suppressed by the mart
    ("POV_01", "sector", "S03", None, None, 0.0, 50, False),  # a true zero
    ("POV_01", "sector", "S04", None, None, 30.0, 30, False),  # data without a polygon (and the fewest cases)
    ("NUT_01", "district", "150142", None, None, 8.0, 50, False),
    ("NUT_01", "sector", "S01", None, None, 10.0, 20, False),
    ("NUT_01", "sector", "S02", None, None, 12.5, 8, False),  # n 8 < 10 (sensitive): flag wrong, still hidden
    ("NUT_01", "sector", "S03", None, None, 0.0, 15, False),
    ("GEN_01", "district", "150142", None, None, 20.0, 120, False),
    ("GEN_01", "sector", "S01", None, None, 20.9, 22, False),
    ("GEN_01", "sector", "S01", "female", None, 30.0, 12, False),
    ("GEN_01", "sector", "S01", "male", None, 10.0, 10, False),
    ("GEN_01", "sector", "S02", None, None, 15.0, 9, False),
    ("GEN_01", "sector", "S02", "female", None, 25.0, 3, True),  # the gap of S02 is suppressed
    ("GEN_01", "sector", "S02", "male", None, 11.0, 6, False),
    ("GEN_01", "sector", "S03", None, None, 25.0, 30, False),
    ("GEN_01", "sector", "S03", "female", None, 25.0, 15, False),  # women = men: a gap of 0
    ("GEN_01", "sector", "S03", "male", None, 25.0, 15, False),
    ("EDU_01", "sector", "S01", None, None, 7.0, 40, False),
]

GEOGRAPHY = """level,code,name,parent_code
district,150142,Villa El Salvador,1501
sector,S01,Primer Sector,150142
sector,S02,Segundo Sector,150142
sector,S03,Tercer Sector,150142
sector,S04,Cuarto Sector,150142
sector,S05,Sexto Sector,150142
"""


def square(x: float, y: float, size: float = 0.01) -> dict[str, Any]:
    """A square polygon with its south-west corner at (x, y), in degrees."""
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


# S01, S02, S03 have data; S05 has none; S04 (data) has no polygon.
SQUARES = {"S01": square(-76.96, -12.22), "S02": square(-76.95, -12.22), "S03": square(-76.96, -12.21),
           "S05": square(-76.95, -12.21)}


def feature_collection(geometries: dict[str, Any], prop: str = "code") -> dict[str, Any]:
    """A FeatureCollection with one feature per code, the code under `prop`."""
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {prop: code, "name": f"Área {code}"}, "geometry": geom}
        for code, geom in geometries.items()]}


def write_json(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def build_mart(con: duckdb.DuckDBPyConnection, values: list[tuple[Any, ...]] | None = None,
               catalogue: list[tuple[Any, ...]] | None = None) -> None:
    """mart.indicator_catalogue and mart.indicator_values with the columns the engine writes."""
    con.execute("CREATE SCHEMA IF NOT EXISTS mart")
    con.execute("""CREATE OR REPLACE TABLE mart.indicator_catalogue (indicator_id VARCHAR, ord INTEGER,
        domain VARCHAR, name_es VARCHAR, name_en VARCHAR, definition_es VARCHAR, definition_en VARCHAR, unit VARCHAR,
        value_unit VARCHAR, breakdowns VARCHAR, sensitive BOOLEAN, items VARCHAR, map BOOLEAN, computed BOOLEAN)""")
    for ind, ord_, es, en, vunit, sensitive, on_map in CATALOGUE if catalogue is None else catalogue:
        con.execute("INSERT INTO mart.indicator_catalogue VALUES (?, ?, 'd', ?, ?, '', '', 'person', ?, '[]', ?, "
                    "'[]', ?, TRUE)", [ind, ord_, es, en, vunit, sensitive, on_map])
    con.execute("""CREATE OR REPLACE TABLE mart.indicator_values (indicator_id VARCHAR, area_level VARCHAR,
        area_code VARCHAR, sex VARCHAR, head_sex VARCHAR, age_group VARCHAR, numerator DOUBLE, denominator DOUBLE,
        value DOUBLE, n BIGINT, n_missing BIGINT, suppressed BOOLEAN)""")
    for ind, level, code, sex, head_sex, value, n, suppressed in VALUES if values is None else values:
        con.execute("INSERT INTO mart.indicator_values VALUES (?, ?, ?, ?, ?, NULL, NULL, NULL, ?, ?, 0, ?)",
                    [ind, level, code, sex, head_sex, value, n, suppressed])


def manifest_for(tmp: Path, boundaries: dict[str, Path] | None = None) -> Manifest:
    """The demo manifest pointed at the test's geography table and boundaries (min_cell 5, sensitive 10)."""
    geography = tmp / "geography.csv"
    geography.write_text(GEOGRAPHY, encoding="utf-8")
    return dataclasses.replace(load_manifest(), geography=geography, boundaries=boundaries or {},
                               code_property="code", min_cell=5, min_cell_sensitive=10)


def export(con: duckdb.DuckDBPyConnection, manifest: Manifest, out: Path, lang: Lang = "es",
           boundaries: dict[str, Path] | None = None, code_property: str | None = None) -> MapReport:
    """What `cbms map` does: the published mart (boundaries read there), then the map export; the report carries
    the boundaries' problems first, as the command prints them."""
    published = read_published(con, manifest, boundaries=boundaries, code_property=code_property)
    report = export_map_inputs(published, out, lang)
    return dataclasses.replace(report, problems=(*published.problems, *report.problems))

"""A tiny mart written by hand (a district, two sectors, seven indicators) and a manifest pointing at its areas."""

# Every expected number in the report tests comes from the rows below. The cells are chosen to exercise:
# - POV_01 (higher is bad): district women 30 vs men 20 (+10 points, a large gap), S01 +4 (noticeable), S02 women
#   suppressed in the mart (n = 3), so S02's gap and ratio are `x` too;
# - HEA_01 (higher is good, sensitive: threshold 10): district women ahead (no colour), S01 women 10 points behind,
#   S02 women at a true zero (n = 12, published) against men at 50;
# - GEN_01 (hours, higher is bad): district 28 vs 10 (180 % more than men), S01 2.6 % apart (below the noticeable
#   5 %), S02 25 vs 20 (exactly the large 25 %);
# - HOU_03 (households, by sex of the head): S01 has no female-head cell (n.a.), S02's total is a true zero;
# - DEM_01 (count, neutral), DEM_02 (no breakdown; S02 has n = 4, below min_cell 5 although the mart did not flag
#   it), PEPI_01 (not computed: no rows).

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from cbms.config import Manifest, load_manifest
from cbms.published import Published, read_published

CATALOGUE = [
    # id, ord, domain, name_es, name_en, unit, value_unit, breakdowns, sensitive, map, computed
    ("DEM_01", 10, "demography", "Población", "Population", "person", "count", ["sex", "head_sex"], False, False,
     True),
    ("DEM_02", 20, "demography", "Hogares con jefatura femenina", "Female-headed households", "household", "percent",
     [], False, True, True),
    ("GEN_01", 50, "demography", "Horas semanales de trabajo no remunerado", "Weekly hours of unpaid work", "person",
     "mean", ["sex", "head_sex"], False, True, True),
    ("POV_01", 120, "poverty", "Incidencia de pobreza monetaria", "Monetary poverty headcount", "person", "percent",
     ["sex", "head_sex"], False, True, True),
    ("PEPI_01", 330, "poverty", "Hogares en proceso de inclusión", "Households in the process of inclusion",
     "household", "percent", ["head_sex"], False, False, False),
    ("HEA_01", 360, "health", "Población con seguro de salud", "Persons with health insurance", "person", "percent",
     ["sex", "head_sex"], True, False, True),
    ("HOU_03", 420, "housing", "Sin agua de red pública", "Without public-network water", "household", "percent",
     ["head_sex"], False, True, True),
]

# indicator, area, sex, head_sex, value, n, suppressed (the mart's flag)
CELLS = [
    ("DEM_01", "150142", None, None, 1000, 1000, False),
    ("DEM_01", "150142", "female", None, 520, 520, False),
    ("DEM_01", "150142", "male", None, 480, 480, False),
    ("DEM_01", "S01", None, None, 400, 400, False),
    ("DEM_01", "S01", "female", None, 210, 210, False),
    ("DEM_01", "S01", "male", None, 190, 190, False),
    ("DEM_01", "S02", None, None, 600, 600, False),
    ("DEM_01", "S02", "female", None, 310, 310, False),
    ("DEM_01", "S02", "male", None, 290, 290, False),
    ("DEM_02", "150142", None, None, 30.0, 250, False),
    ("DEM_02", "S01", None, None, 28.0, 100, False),
    ("DEM_02", "S02", None, None, 32.0, 4, False),  # n below min_cell: the report hides it even so
    ("GEN_01", "150142", None, None, 19.0, 800, False),
    ("GEN_01", "150142", "female", None, 28.0, 400, False),
    ("GEN_01", "150142", "male", None, 10.0, 400, False),
    ("GEN_01", "S01", None, None, 19.75, 300, False),
    ("GEN_01", "S01", "female", None, 20.0, 150, False),
    ("GEN_01", "S01", "male", None, 19.5, 150, False),
    ("GEN_01", "S02", None, None, 22.5, 500, False),
    ("GEN_01", "S02", "female", None, 25.0, 250, False),
    ("GEN_01", "S02", "male", None, 20.0, 250, False),
    ("POV_01", "150142", None, None, 25.0, 400, False),
    ("POV_01", "150142", "female", None, 30.0, 200, False),
    ("POV_01", "150142", "male", None, 20.0, 200, False),
    ("POV_01", "S01", None, None, 20.0, 100, False),
    ("POV_01", "S01", "female", None, 22.0, 50, False),
    ("POV_01", "S01", "male", None, 18.0, 50, False),
    ("POV_01", "S02", None, None, 27.5, 153, False),
    ("POV_01", "S02", "female", None, 66.6667, 3, True),
    ("POV_01", "S02", "male", None, 28.0, 150, False),
    ("HEA_01", "150142", None, None, 80.0, 500, False),
    ("HEA_01", "150142", "female", None, 85.0, 250, False),
    ("HEA_01", "150142", "male", None, 75.0, 250, False),
    ("HEA_01", "S01", None, None, 75.0, 80, False),
    ("HEA_01", "S01", "female", None, 70.0, 40, False),
    ("HEA_01", "S01", "male", None, 80.0, 40, False),
    ("HEA_01", "S02", None, None, 25.0, 24, False),
    ("HEA_01", "S02", "female", None, 0.0, 12, False),
    ("HEA_01", "S02", "male", None, 50.0, 12, False),
    ("HOU_03", "150142", None, None, 10.0, 250, False),
    ("HOU_03", "150142", None, "female", 12.0, 75, False),
    ("HOU_03", "150142", None, "male", 9.0, 175, False),
    ("HOU_03", "S01", None, None, 8.0, 100, False),
    ("HOU_03", "S01", None, "male", 8.0, 100, False),
    ("HOU_03", "S02", None, None, 0.0, 50, False),
    ("HOU_03", "S02", None, "female", 0.0, 20, False),
    ("HOU_03", "S02", None, "male", 0.0, 30, False),
]

GEOGRAPHY = """level,code,name,parent_code
district,150142,Villa El Salvador,1501
sector,S01,Primer Sector,150142
sector,S02,Segundo Sector,150142
sector,S03,Tercer Sector,150142
"""


def square(x: float, y: float) -> list[list[list[float]]]:
    return [[[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01], [x, y]]]


def write_mart(con: duckdb.DuckDBPyConnection, cells: list[tuple[object, ...]] = CELLS,
               catalogue: list[tuple[object, ...]] = CATALOGUE) -> None:
    """mart.indicator_catalogue, mart.indicator_values and meta.loads as the engine leaves them."""
    for schema in ("mart", "meta", "clean"):
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    con.execute("""CREATE OR REPLACE TABLE mart.indicator_catalogue (indicator_id VARCHAR, ord INTEGER,
        domain VARCHAR, name_es VARCHAR, name_en VARCHAR, definition_es VARCHAR, definition_en VARCHAR, unit VARCHAR,
        value_unit VARCHAR, breakdowns VARCHAR, sensitive BOOLEAN, items VARCHAR, map BOOLEAN, computed BOOLEAN)""")
    for (ind, order, domain, name_es, name_en, unit, value_unit, breakdowns, sensitive, on_map,
         computed) in catalogue:
        con.execute("INSERT INTO mart.indicator_catalogue VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', ?, ?)",
                    [ind, order, domain, name_es, name_en, f"Definición de {name_es}.", f"Definition of {name_en}.",
                     unit, value_unit, json.dumps(breakdowns), sensitive, on_map, computed])
    con.execute("""CREATE OR REPLACE TABLE mart.indicator_values (indicator_id VARCHAR, area_level VARCHAR,
        area_code VARCHAR, sex VARCHAR, head_sex VARCHAR, age_group VARCHAR, numerator DOUBLE, denominator DOUBLE,
        value DOUBLE, n BIGINT, n_missing BIGINT, suppressed BOOLEAN)""")
    for ind, area, sex, head_sex, value, n, suppressed in cells:
        level = "district" if area == "150142" else "sector"
        con.execute("INSERT INTO mart.indicator_values VALUES (?, ?, ?, ?, ?, NULL, NULL, ?, ?, ?, 0, ?)",
                    [ind, level, area, sex, head_sex, n, value, n, suppressed])
    # an age-group row and a grupo row the reports must not show
    con.execute("INSERT INTO mart.indicator_values VALUES ('POV_01', 'district', '150142', 'female', NULL, '0-5', "
                "NULL, NULL, 99.9, 50, 0, FALSE), ('POV_01', 'grupo', 'S01-G01', NULL, NULL, NULL, NULL, NULL, 88.8, "
                "40, 0, FALSE)")
    con.execute("""CREATE OR REPLACE TABLE meta.loads (load_id INTEGER, loaded_at TIMESTAMP, cbms_version VARCHAR,
        form_id VARCHAR, form_version VARCHAR, format VARCHAR, sources VARCHAR)""")
    con.execute("INSERT INTO meta.loads VALUES (1, TIMESTAMP '2025-11-01 10:00:00', '0.1.0', 'cbms_grb_hogar', "
                "'2025100101', 'odk-csv', ?)",
                [json.dumps([{"path": "/home/ana/exports/cbms_grb_hogar.zip/cbms_grb_hogar.csv"},
                             {"path": "/home/ana/exports/cbms_grb_hogar.zip/cbms_grb_hogar-member.csv"}])])
    # personal data the reports must never read
    con.execute("CREATE OR REPLACE TABLE clean.member (full_name VARCHAR, phone VARCHAR)")
    con.execute("INSERT INTO clean.member VALUES ('Rosa Quispe Mamani', '987654321')")


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    write_mart(connection)
    yield connection
    connection.close()


@pytest.fixture
def manifest(tmp_path: Path) -> Manifest:
    """The demo manifest with this test's geography table and two square sectors as boundaries."""
    geography = tmp_path / "geography.csv"
    geography.write_text(GEOGRAPHY, encoding="utf-8")
    sectors = tmp_path / "sectors.geojson"
    features = [{"type": "Feature", "properties": {"code": code, "illustrative": True},
                 "geometry": {"type": "Polygon", "coordinates": square(-76.96 + 0.01 * i, -12.2)}}
                for i, code in enumerate(("S01", "S02"))]
    sectors.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return dataclasses.replace(load_manifest(), geography=geography, boundaries={"sector": sectors},
                               round_id="ves-2025", round_name="Villa El Salvador — ronda 2025")


@pytest.fixture
def published(con: duckdb.DuckDBPyConnection, manifest: Manifest) -> Published:
    """The published mart of the tiny mart."""
    return read_published(con, manifest)

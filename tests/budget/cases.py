"""A hand-made round for the budget tests: a district (150142) with two sectors and one grupo, two needs (water:
HOU_03 by the head's sex, with a unit cost; care: GEN_01 hours by sex), five projects. Every expected number of
test_hand.py is worked out by hand from the rows below."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import duckdb

from cbms.config import BudgetSource, Manifest, load_manifest

RULES = """\
weights: {severity: 0.5, size: 0.3, gap: 0.2}
statuses:
  priorizado: {es: Priorizado, en: Prioritised}
  aprobado: {es: Aprobado, en: Approved}
  ejecutado: {es: Ejecutado, en: Executed}
counted: [aprobado, ejecutado]
categories:
  agua_saneamiento: {es: Agua y saneamiento, en: Water and sanitation}
  cuidado_infantil: {es: Cuidado infantil, en: Childcare}
  vias: {es: Vías, en: Roads}
target_groups:
  general: {es: Población en general, en: General population, class: none}
  mujeres: {es: Mujeres, en: Women, class: specific}
classification: {gap_ratio: 1.10}
"""

NEEDS = """\
needs:
  - id: agua
    name: {es: Hogares sin agua de red, en: Households without piped water}
    indicator: HOU_03
    unit: households
    unit_cost: 1000
    cost_source: hecho a mano para la prueba
    cost_year: 2024
    categories: [agua_saneamiento]
  - id: cuidado
    name: {es: Horas de cuidado no remunerado, en: Hours of unpaid care}
    indicator: GEN_01
    unit: hours
    categories: [cuidado_infantil]
"""

BUDGET = """\
codigo,nombre,año,sector,monto,estado,categoria,necesidad,grupo_objetivo
P1,Redes de agua,2026,S01,10000,aprobado,agua_saneamiento,,general
P2,Piletas,2026,S01;S02,6000,aprobado,,agua,general
P3,Cuna,2026,distrito,5000,ejecutado,cuidado_infantil,,mujeres
P4,Pista,2026,S02,4000,aprobado,vias,,general
P5,Reservorio,2026,S02,2000,priorizado,agua_saneamiento,,general
"""

GEOGRAPHY = """\
level,code,name,parent_code
district,150142,Distrito de prueba,1501
sector,S01,Primer Sector,150142
sector,S02,Segundo Sector,150142
grupo,S01-G01,Grupo 1,S01
"""

# indicator, level, code, sex, head_sex, age_group, numerator, denominator, value, n, suppressed
# (in a census the denominator is n; value = 100 x numerator / denominator for HOU_03, numerator / denominator
# for GEN_01)
CELLS = [
    ("HOU_03", "district", "150142", None, None, None, 30, 90, 100 * 30 / 90, 90, False),
    ("HOU_03", "district", "150142", None, "female", None, 16, 34, 100 * 16 / 34, 34, False),
    ("HOU_03", "district", "150142", None, "male", None, 14, 56, 25.0, 56, False),
    ("HOU_03", "sector", "S01", None, None, None, 20, 50, 40.0, 50, False),
    ("HOU_03", "sector", "S01", None, "female", None, 15, 30, 50.0, 30, False),
    ("HOU_03", "sector", "S01", None, "male", None, 5, 20, 25.0, 20, False),
    ("HOU_03", "sector", "S02", None, None, None, 10, 40, 25.0, 40, False),
    ("HOU_03", "sector", "S02", None, "female", None, 1, 4, 25.0, 4, True),  # n = 4: protected by the mart
    ("HOU_03", "sector", "S02", None, "male", None, 9, 36, 25.0, 36, False),
    ("HOU_03", "grupo", "S01-G01", None, None, None, 12, 30, 40.0, 30, False),
    ("GEN_01", "district", "150142", None, None, None, 2000, 100, 20.0, 100, False),
    ("GEN_01", "district", "150142", "female", None, None, 1300, 50, 26.0, 50, False),
    ("GEN_01", "district", "150142", "male", None, None, 700, 50, 14.0, 50, False),
    ("GEN_01", "district", "150142", None, "female", None, 900, 40, 22.5, 40, False),  # head's sex: not the basis
    ("GEN_01", "district", "150142", "female", None, "18-29", 300, 10, 30.0, 10, False),  # an age band: not read
    ("GEN_01", "sector", "S01", None, None, None, 1200, 60, 20.0, 60, False),
    ("GEN_01", "sector", "S01", "female", None, None, 900, 30, 30.0, 30, False),
    ("GEN_01", "sector", "S01", "male", None, None, 300, 30, 10.0, 30, False),
    ("GEN_01", "sector", "S02", None, None, None, 800, 40, 20.0, 40, False),
    ("GEN_01", "sector", "S02", "female", None, None, 400, 20, 20.0, 20, False),
    ("GEN_01", "sector", "S02", "male", None, None, 400, 20, 20.0, 20, False),
]


def build_mart(con: duckdb.DuckDBPyConnection, cells: list[tuple[object, ...]] = CELLS) -> None:
    """mart.indicator_values as `cbms indicators` writes it, holding `cells`."""
    con.execute("CREATE SCHEMA IF NOT EXISTS mart")
    con.execute("CREATE OR REPLACE TABLE mart.indicator_values (indicator_id VARCHAR, area_level VARCHAR, "
                "area_code VARCHAR, sex VARCHAR, head_sex VARCHAR, age_group VARCHAR, numerator DOUBLE, "
                "denominator DOUBLE, value DOUBLE, n BIGINT, n_missing BIGINT, suppressed BOOLEAN)")
    con.executemany("INSERT INTO mart.indicator_values VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)", cells)


def write_round(folder: Path, budget: str = BUDGET, rules: str = RULES, needs: str = NEEDS,
                geography: str | None = GEOGRAPHY, name: str = "presupuesto.csv") -> Manifest:
    """The declarations (folder/budget/), the budget file and the geography, and the demo manifest pointed at them."""
    (folder / "budget").mkdir(parents=True, exist_ok=True)
    (folder / "budget" / "rules.yaml").write_text(rules, encoding="utf-8")
    (folder / "budget" / "needs.yaml").write_text(needs, encoding="utf-8")
    (folder / name).write_text(budget, encoding="utf-8")
    table = None
    if geography is not None:
        table = folder / "geography.csv"
        table.write_text(geography, encoding="utf-8")
    return dataclasses.replace(load_manifest(), geography=table, ubigeo="150142",
                               budget=BudgetSource(folder / name))

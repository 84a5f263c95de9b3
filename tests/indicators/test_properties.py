"""Invariants of the engine on generated censuses (hypothesis): women + men = total, numerator <= denominator,
percents in 0-100, row order does not matter, and a cell is suppressed exactly when its n is below the threshold."""

from __future__ import annotations

import random
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cbms.form import FormSpec
from cbms.indicators import Catalogue, compute_indicators
from tests.indicators.harness import build_clean, manifest_for

YES_NO = st.sampled_from(["yes", "no", None])




def _choice(form: FormSpec, name: str) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), st.sampled_from(form.choice_names(name)))


@st.composite
def census(draw: st.DrawFn, form: FormSpec) -> dict[str, Any]:
    households, members, deaths = [], [], []
    for h in range(draw(st.integers(1, 12))):
        key = f"h{h}"
        sector = draw(st.sampled_from(["S01", "S02"]))
        households.append({
            "key": key, "sector": sector, "grupo": f"{sector}-G01",
            "_status": "clean" if h == 0 else draw(st.sampled_from(["clean", "clean", "quarantined", "non_completed"])),
            **{name: draw(_choice(form, name)) for name in (
                "water_source", "sanitation", "electricity", "cooking_fuel", "wall_material", "roof_material",
                "floor_material", "dwelling_tenure", "title_holder", "hunger", "decides_purchases", "phone_mobile",
                "phone_fixed")},
            "rooms": draw(st.one_of(st.none(), st.integers(1, 4))),
            "income_household_other": draw(st.one_of(st.none(), st.sampled_from([0, 150.5]))),
        })
        for line in range(draw(st.integers(1, 5))):
            age = draw(st.integers(0, 90))
            members.append({
                "household": key,  # one head per household, as validation guarantees in clean.*
                "relationship": "head" if line == 0 else draw(st.sampled_from(
                    [c for c in form.choice_names("relationship") if c != "head"])),
                "sex": draw(st.sampled_from(["female", "male"])), "age": age,
                "has_dni": draw(YES_NO), "disability": draw(YES_NO), "crime_victim": draw(YES_NO),
                "attends_school": draw(YES_NO) if 3 <= age <= 24 else None,
                "literate": draw(YES_NO) if age >= 3 else None,
                "years_schooling": draw(st.one_of(st.none(), st.integers(0, min(age, 17)))) if age >= 3 else None,
                "worked_last_week": draw(YES_NO) if age >= 14 else None,
                "has_job_absent": draw(YES_NO) if age >= 14 else None,
                "looked_for_work": draw(YES_NO) if age >= 14 else None,
                "hours_worked": draw(st.one_of(st.none(), st.integers(0, 60))) if age >= 14 else None,
                "income_labour": draw(st.one_of(st.none(), st.sampled_from([0, 300, 1200]))) if age >= 14 else None,
                "income_other": draw(st.one_of(st.none(), st.sampled_from([0, 250]))) if age >= 14 else None,
                "hours_unpaid_domestic": draw(st.one_of(st.none(), st.integers(0, 40))) if age >= 12 else None,
                "hours_unpaid_care": draw(st.one_of(st.none(), st.integers(0, 40))) if age >= 12 else None,
                "pp_participated": draw(YES_NO) if age >= 18 else None,
                "health_insurance": draw(st.sampled_from(["sis", "none", "essalud sis", None])),
            })
        if draw(st.booleans()):
            deaths.append({"household": key, "death_sex": draw(st.sampled_from(["female", "male"])),
                           "death_age": draw(st.integers(0, 90))})
    return {"households": households, "members": members, "deaths": deaths}


def _mart(form: FormSpec, catalogue: Catalogue, example: dict[str, Any], min_cell: int = 1) -> list[tuple[Any, ...]]:
    con = duckdb.connect()
    try:
        build_clean(con, form, example)
        compute_indicators(con, catalogue, manifest_for({"manifest": {"min_cell": min_cell,
                                                                      "min_cell_sensitive": min_cell + 1}}))
        return con.execute("SELECT v.*, c.value_unit, c.sensitive FROM mart.indicator_values v "
                           "JOIN mart.indicator_catalogue c USING (indicator_id) ORDER BY ALL").fetchall()
    finally:
        con.close()


SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                            HealthCheck.too_slow])
COLUMNS = ("indicator_id", "area_level", "area_code", "sex", "head_sex", "age_group", "numerator", "denominator",
           "value", "n", "n_missing", "suppressed", "value_unit", "sensitive")


@pytest.mark.slow
@SETTINGS
@given(data=st.data())
def test_invariants(form: FormSpec, catalogue: Catalogue, data: st.DataObject) -> None:
    example = data.draw(census(form))
    min_cell = data.draw(st.integers(1, 4))
    rows = [dict(zip(COLUMNS, r, strict=True)) for r in _mart(form, catalogue, example, min_cell)]
    cells = {(r["indicator_id"], r["area_level"], r["area_code"], r["sex"], r["head_sex"], r["age_group"]): r
             for r in rows}
    for r in rows:
        threshold = min_cell + 1 if r["sensitive"] else min_cell
        assert r["suppressed"] == (r["n"] < threshold)
        if r["value_unit"] in ("percent", "per_1000", "index") and r["denominator"]:
            assert r["numerator"] <= r["denominator"] + 1e-9
        if r["value_unit"] == "percent" and r["value"] is not None:
            assert -1e-9 <= r["value"] <= 100 + 1e-9
        if r["sex"] is None and r["head_sex"] is None and r["age_group"] is None:
            parts = [cells.get((r["indicator_id"], r["area_level"], r["area_code"], s, None, None))
                     for s in ("female", "male")]
            present = [p for p in parts if p is not None]
            if present:  # women + men = total (sex is always known in these censuses)
                for column in ("numerator", "n", "n_missing"):
                    assert abs(sum(p[column] or 0 for p in present) - (r[column] or 0)) < 1e-6, (r, column)
                if r["denominator"] is not None:
                    assert abs(sum(p["denominator"] or 0 for p in present) - r["denominator"]) < 1e-6


@pytest.mark.slow
@SETTINGS
@given(data=st.data())
def test_row_order_does_not_matter(form: FormSpec, catalogue: Catalogue, data: st.DataObject) -> None:
    example = data.draw(census(form))
    shuffled = {k: list(v) for k, v in example.items()}
    rng = random.Random(data.draw(st.integers(0, 10**6)))
    for rows in shuffled.values():
        rng.shuffle(rows)
    assert _mart(form, catalogue, example) == _mart(form, catalogue, shuffled)

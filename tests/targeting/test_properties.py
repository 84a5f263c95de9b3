"""Property: on any small census, the engine's coverage cells are the second implementation's (oracle.py), and
the order households come in changes nothing."""

from __future__ import annotations

from typing import Any

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cbms.form import FormSpec
from cbms.targeting import Targeting, compute_coverage
from tests.indicators.harness import build_clean, manifest_for
from tests.targeting import oracle

CODES = ("juntos", "pension65", "vaso_de_leche", "comedor", "qali_warma", "cuna_mas", "contigo")
maybe = st.one_of(st.none(), st.sampled_from(["yes", "no"]))
money = st.one_of(st.none(), st.sampled_from([0, 100, 250, 400, 900, 2500]))


@st.composite
def censuses(draw: st.DrawFn) -> dict[str, Any]:
    households, members = [], []
    for h in range(draw(st.integers(1, 6))):
        key = f"h{h}"
        sector = draw(st.sampled_from(["S01", "S02"]))
        programs = draw(st.one_of(st.none(), st.just("none"),
                                  st.lists(st.sampled_from(CODES), min_size=1, max_size=3, unique=True).map(" ".join)))
        households.append({"key": key, "sector": sector, "grupo": f"{sector}-G0{draw(st.integers(1, 2))}",
                           "hunger": draw(maybe), "programs": programs,
                           "income_household_other": draw(st.sampled_from([0, 0, 150, None]))})
        for line in range(1, draw(st.integers(1, 4)) + 1):
            age = draw(st.one_of(st.none(), st.integers(0, 90))) if line > 1 else draw(st.integers(18, 90))
            member = {"household": key, "line_no": line, "relationship": "head" if line == 1 else "child",
                      "sex": draw(st.sampled_from(["female", "male"])), "age": age, "pregnant": draw(maybe),
                      "disability": draw(maybe), "attends_school": draw(maybe)}
            if age is None or age >= 14:
                member |= {"income_labour": draw(money), "income_other": draw(money)}
            members.append(member)
    return {"households": households, "members": members}


def _engine(form: FormSpec, targeting: Targeting, census: dict[str, Any]) -> tuple[dict[Any, Any], dict[Any, Any]]:
    con = duckdb.connect()
    try:
        build_clean(con, form, census)
        compute_coverage(con, targeting, manifest_for(census))
        rows = con.execute("SELECT programme, area_level, area_code, sex, head_sex, eligible, beneficiaries, "
                           "eligible_beneficiaries FROM mart.coverage").fetchall()
        homes = oracle.households(con)
    finally:
        con.close()
    engine = {tuple(r[:5]): tuple(int(v) for v in r[5:]) for r in rows}
    second = {(p, *cell): counts for p in CODES for cell, counts in oracle.cells(p, homes).items()}
    return engine, second


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(census=censuses())
def test_engine_and_second_implementation_agree(form: FormSpec, targeting: Targeting,
                                                census: dict[str, Any]) -> None:
    engine, second = _engine(form, targeting, census)
    assert engine == second
    shuffled = {**census, "households": census["households"][::-1], "members": census["members"][::-1]}
    assert _engine(form, targeting, shuffled)[0] == engine

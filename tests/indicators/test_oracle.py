"""An independent oracle: a demo census with answers blanked at random (item non-response), loaded, validated
and computed by the engine, against the same indicators computed here in plain Python from the export's text,
following INDICATORS.md word by word (not the unit SQL). Compared: numerator, n and n_missing of every
district, sector, sex and head's-sex cell, so the precise rules hold for n and n_missing, not only for values.
"""

from __future__ import annotations

import csv
import io
import math
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from cbms.config import load_manifest
from cbms.demo import write_demo
from cbms.form import read_form
from cbms.indicators import compute_indicators, load_catalogue
from cbms.indicators.who import haz
from cbms.ingest import read_export
from cbms.store import connect, write_tables
from cbms.validate import load_rules, validate_tables
from tests.conftest import FORM

# items blanked at random (never `relationship`: a household without a head is another rule, quarantine)
BLANK_MEMBER = ("sex", "age", "has_dni", "literate", "worked_last_week", "has_job_absent", "looked_for_work",
                "employment_category", "hours_worked", "income_labour", "income_other", "hours_unpaid_domestic",
                "hours_unpaid_care", "org_member", "org_leader", "birth_date", "height_cm")
BLANK_HOUSEHOLD = ("dwelling_tenure", "title_holder", "water_source", "rooms", "income_household_other",
                   "decides_purchases")
Z_TOTAL = 446.0  # the demo manifest's poverty line (INEI 2023)

Row = dict[str, str | None]
Unit = dict[str, Any]  # in (True / False / None), known, num, den, sex, head_sex, sector


def _read(data: bytes) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    return rows[0], rows[1:]


def blanked(export: Path, target: Path, rate: float, seed: int) -> Path:
    """The export with `rate` of the chosen items' answers emptied, at random."""
    rng = np.random.default_rng(seed)
    with zipfile.ZipFile(export) as source, zipfile.ZipFile(target, "w") as out:
        for name in source.namelist():
            header, rows = _read(source.read(name))
            chosen = BLANK_MEMBER if name.endswith("-member.csv") else BLANK_HOUSEHOLD if "-" not in name else ()
            columns = [i for i, c in enumerate(header) if c.split("-")[-1] in chosen]
            for row in rows:
                for i in columns:
                    if rng.random() < rate:
                        row[i] = ""
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\n").writerows([header, *rows])
            out.writestr(name, buffer.getvalue())
    return target


def census(export: Path) -> tuple[list[Row], list[Row], list[Row]]:
    """Households, members, deaths as answers by question name ('' read as None: empty is never 'no')."""
    tables = {}
    with zipfile.ZipFile(export) as zf:
        for name in zf.namelist():
            header, rows = _read(zf.read(name))
            names = [c.split("-")[-1] for c in header]
            tables[name] = [{n: (v if v != "" else None) for n, v in zip(names, row, strict=True)} for row in rows]
    return (tables["cbms_grb_hogar.csv"], tables["cbms_grb_hogar-member.csv"],
            tables.get("cbms_grb_hogar-death.csv", []))


def _int(v: str | None) -> int | None:
    return None if v is None else int(v)


def _num(v: str | None) -> float | None:
    return None if v is None else float(v)


def _and(*values: bool | None) -> bool | None:
    """Three-valued AND (SQL's, Kleene's): False wins, then unknown."""
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True


def _or(*values: bool | None) -> bool | None:
    if any(v is True for v in values):
        return True
    return None if any(v is None for v in values) else False


def _cmp(value: float | None, test: Callable[[float], bool]) -> bool | None:
    return None if value is None else test(value)


def _employment(p: Row) -> tuple[bool | None, bool | None]:
    """INDICATORS.md, Employment: (employed, unemployed), None where the deciding question is empty."""
    worked, absent, looked = p["worked_last_week"], p["has_job_absent"], p["looked_for_work"]
    if worked == "yes" or absent == "yes":
        return True, False
    if worked == "no" and absent == "no":
        return False, None if looked is None else looked == "yes"
    return None, None


def oracle(households: list[Row], members: list[Row], deaths: list[Row]) -> dict[str, list[Unit]]:
    """Per indicator, one dict per unit of its universe (in: True, or None when membership is undecided)."""
    clean = {h["KEY"]: h for h in households if h["visit_result"] == "completed" and h["consent"] == "yes"}
    roster: dict[str, list[Row]] = defaultdict(list)
    for m in members:
        if m["PARENT_KEY"] in clean:
            roster[str(m["PARENT_KEY"])].append(m)
    units: dict[str, list[Unit]] = defaultdict(list)

    def add(indicator: str, inside: bool | None, known: bool, num: float, den: float, where: Row,
            sex: str | None, head_sex: str | None) -> None:
        if inside is False:
            return  # known to be outside the universe: counted nowhere
        units[indicator].append({"known": bool(inside) and known, "num": num, "den": den, "sex": sex,
                                 "head_sex": head_sex, "sector": where["sector"]})

    for key, h in clean.items():
        people = roster[key]
        head_sex = next((p["sex"] for p in people if p["relationship"] == "head"), None)
        # income per capita of the economic household (INEI: not domestic workers, not boarders)
        economic = [p for p in people if p["relationship"] not in ("domestic_worker", "boarder")]
        gap = any((_int(p["age"]) is None or int(str(p["age"])) >= 14)
                  and (p["income_labour"] is None or p["income_other"] is None) for p in economic)
        y = None
        if economic and not gap and h["income_household_other"] is not None:
            total = sum((_num(p["income_labour"]) or 0.0) + (_num(p["income_other"]) or 0.0) for p in economic)
            y = (total + float(str(h["income_household_other"]))) / len(economic)
        hh = {"where": h, "sex": head_sex, "head_sex": head_sex}
        add("POV_05", True, y is not None, float(y is not None and y < Z_TOTAL), 1, h, None, head_sex)
        water = h["water_source"]
        add("HOU_03", True, water is not None, float(water not in ("network_inside", "network_outside")), 1,
            h, None, head_sex)
        rooms = _int(h["rooms"])
        add("HOU_07", True, rooms is not None, float(rooms is not None and len(people) > 3 * rooms), 1, h, None,
            head_sex)
        tenure = h["dwelling_tenure"]
        add("GEN_07", None if tenure is None else tenure == "owned_titled", h["title_holder"] is not None,
            float(h["title_holder"] in ("woman", "joint")), 1, h, None, head_sex)
        # a female head or a female spouse; undecided when a head or spouse has no sex and no woman is found
        deciders = [p["sex"] for p in people if p["relationship"] in ("head", "spouse")]
        woman = True if "female" in deciders else (None if None in deciders else False)
        add("GEN_06", woman, h["decides_purchases"] is not None,
            float(h["decides_purchases"] in ("woman", "joint")), 1, h, None, head_sex)
        interview = date.fromisoformat(str(h["interview_date"]))
        for p in people:
            age, sex = _int(p["age"]), p["sex"]
            person = {"where": h, "sex": sex, "head_sex": hh["head_sex"]}
            employed, unemployed = _employment(p)
            add("DEM_04", True, p["has_dni"] is not None, float(p["has_dni"] == "no"), 1, **person)
            add("EDU_04", _cmp(age, lambda a: a >= 15), p["literate"] is not None, float(p["literate"] == "no"), 1,
                **person)
            add("EMP_01", _and(_cmp(age, lambda a: a >= 14), _or(employed, unemployed)), True,
                float(bool(unemployed)), 1, **person)
            add("EMP_02", _cmp(age, lambda a: a >= 14), employed is True or unemployed is not None,
                float(bool(employed) or bool(unemployed)), 1, **person)
            add("EMP_04", _and(_cmp(age, lambda a: a >= 14), employed), p["employment_category"] is not None,
                float(p["employment_category"] == "unpaid_family_worker"), 1, **person)
            unpaid = [_num(p["hours_unpaid_domestic"]), _num(p["hours_unpaid_care"])]
            known_unpaid = None not in unpaid
            add("GEN_01", _cmp(age, lambda a: a >= 12), known_unpaid,
                sum(v or 0.0 for v in unpaid), 1, **person)
            paid = 0.0 if employed is False else _num(p["hours_worked"])
            add("GEN_02", _cmp(age, lambda a: a >= 14), known_unpaid and employed is not None and paid is not None,
                (paid or 0.0) + sum(v or 0.0 for v in unpaid), 1, **person)
            codes = None if p["org_member"] is None else set(str(p["org_member"]).split()) - {"none"}
            add("GEN_04", _and(_cmp(age, lambda a: a >= 15), None if codes is None else bool(codes)),
                p["org_leader"] is not None, float(p["org_leader"] == "yes"), 1, **person)
            if p in economic:
                add("POV_01", True, y is not None, float(y is not None and y < Z_TOTAL), 1, **person)
            # stunting: age in days from the birth date and the interview date (WHO's own z, tested apart)
            born = p["birth_date"]
            days = None if born is None else (interview - date.fromisoformat(born)).days
            z = float(haz(np.nan if days is None else days, sex, _num(p["height_cm"]) or np.nan,
                          p["measure_position"])[0])
            valid = not math.isnan(z) and abs(z) <= 6
            add("NUT_01", _and(_cmp(age, lambda a: 0 <= a <= 4), True if days is None else 0 <= days <= 1856),
                valid, float(valid and z < -2), 1, **person)
    return units


def cells(units: Iterable[Unit]) -> dict[tuple[str, str | None], tuple[float, int, int]]:
    """(breakdown, value) -> (numerator, n, n_missing): the district total, each sector, each sex, each head_sex."""
    out: dict[tuple[str, str | None], list[float]] = defaultdict(lambda: [0.0, 0, 0])
    for u in units:
        for key in (("total", None), ("sector", u["sector"]), ("sex", u["sex"]), ("head_sex", u["head_sex"])):
            if key[0] != "total" and key[1] is None:
                continue  # a unit of unknown sex is in the totals, in no sex cell
            cell = out[key]
            if u["known"]:
                cell[0] += u["num"]
                cell[1] += 1
            else:
                cell[2] += 1
    return {k: (v[0], int(v[1]), int(v[2])) for k, v in out.items()}


INDICATORS = ("DEM_04", "EDU_04", "EMP_01", "EMP_02", "EMP_04", "GEN_01", "GEN_02", "GEN_04", "GEN_06", "GEN_07",
              "HOU_03", "HOU_07", "POV_01", "POV_05", "NUT_01")
PERSON_LEVEL = {"DEM_04", "EDU_04", "EMP_01", "EMP_02", "EMP_04", "GEN_01", "GEN_02", "GEN_04", "POV_01", "NUT_01"}


@pytest.fixture(scope="module")
def engine_and_oracle(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[Any, Any], dict[str, list[Unit]]]:
    folder = tmp_path_factory.mktemp("oracle")
    result = write_demo(households=500, seed=5, fmt="odk-csv", out=folder / "demo", error_rate=0.0)
    export = blanked(next(p for p in result.files if p.suffix == ".zip"), folder / "cbms_grb_hogar.zip", 0.08, 5)
    form, manifest = read_form(FORM), load_manifest()
    con = connect(folder / "cbms.duckdb")
    try:
        write_tables(con, read_export(export, form), form)
        validate_tables(con, form, load_rules(form), period=manifest.period)
        # the comparison is fair only if validation emptied none of the answers the oracle reads as given
        emptied = con.execute('SELECT DISTINCT "column" FROM clean.issues WHERE drops_item').fetchall()
        assert {c for (c,) in emptied} & set(BLANK_MEMBER + BLANK_HOUSEHOLD + ("relationship",)) == set()
        assert con.execute("SELECT count(*) FROM clean.quarantine").fetchall() == [(0,)]
        compute_indicators(con, load_catalogue(form), manifest)
        rows = con.execute(
            "SELECT indicator_id, area_level, area_code, sex, head_sex, numerator, n, n_missing "
            "FROM mart.indicator_values WHERE area_level IN ('district', 'sector') AND age_group IS NULL "
            "AND NOT (sex IS NOT NULL AND head_sex IS NOT NULL)").fetchall()
    finally:
        con.close()
    engine: dict[Any, Any] = {}
    for indicator, level, code, sex, head_sex, numerator, n, missing in rows:
        if level == "sector" and (sex or head_sex):
            continue
        key = ("sector", code) if level == "sector" else ("sex", sex) if sex else (
            ("head_sex", head_sex) if head_sex else ("total", None))
        engine[(indicator, key)] = (numerator, n, missing)
    return engine, oracle(*census(export))


@pytest.mark.slow
@pytest.mark.parametrize("indicator", INDICATORS)
def test_numerator_n_and_n_missing_agree(indicator: str,
                                         engine_and_oracle: tuple[dict[Any, Any], dict[str, list[Unit]]]) -> None:
    engine, units = engine_and_oracle
    expected = cells(units[indicator])
    if indicator not in PERSON_LEVEL:
        expected = {k: v for k, v in expected.items() if k[0] != "sex"}
    got = {key: value for (ind, key), value in engine.items() if ind == indicator}
    assert sorted(got) == sorted(expected)
    for key, (numerator, n, missing) in expected.items():
        assert got[key][1:] == (n, missing), (key, got[key], expected[key])
        assert math.isclose(got[key][0], numerator, rel_tol=1e-9, abs_tol=1e-6), (key, got[key], expected[key])
    assert expected[("total", None)][2] > 0  # the blanks reached this indicator: n_missing was really tested

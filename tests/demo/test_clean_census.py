"""A clean census (error rate 0), read back from the Central CSV export: every answer is one the form accepts,
and the indicators come out in the ranges of a peri-urban Lima district (computed here with pandas, from the
definitions in INDICATORS.md, independently of the generator)."""

from __future__ import annotations

import pandas as pd
import pytest

from cbms.demo import DemoResult
from cbms.form import FormSpec
from tests.demo.conftest import central_csv, completed_people, form_problems, stunted_share


@pytest.fixture(scope="module")
def tables(clean_csv: DemoResult) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    t = central_csv(clean_csv.files[0])
    return t["cbms_grb_hogar.csv"], t["cbms_grb_hogar-member.csv"], t["cbms_grb_hogar-death.csv"]


@pytest.fixture(scope="module")
def people(tables: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]) -> pd.DataFrame:
    return completed_people(tables[0], tables[1])


# ------------------------------------------------------------------------------------- every value is valid
def test_every_answer_is_one_the_form_accepts(tables: tuple[pd.DataFrame, ...], spec: FormSpec) -> None:
    """Choice lists, constraints, relevance (empty when not asked) and required items, question by question."""
    assert form_problems(tables, spec) == {}


def test_rules_of_the_questionnaire(tables: tuple[pd.DataFrame, ...], people: pd.DataFrame) -> None:
    """The same rules written out by hand from QUESTIONNAIRE.md, as a second opinion."""
    root, member, death = tables
    age = people["basic-age"]
    female = people["basic-sex"] == "female"
    assert age.between(0, 120).all()
    heads = people.groupby("PARENT_KEY")["basic-relationship"].apply(lambda r: (r == "head").sum())
    assert (heads == 1).all()
    assert (people.loc[people["line_no"] == "1", "basic-relationship"] == "head").all()
    assert ((people["health-pregnant"] != "") == (female & age.between(12, 49))).all()
    assert ((people["education-literate"] != "") == (age >= 3)).all()
    assert ((people["employment-worked_last_week"] != "") == (age >= 14)).all()
    assert ((people["income-income_labour"].notna()) == (age >= 14)).all()
    assert ((people["basic-birth_date"] != "") == (age < 5)).all()
    assert ((people["anthro-height_cm"].notna()) <= (age < 5)).all()
    assert (people["income-income_labour"].dropna() >= 0).all()
    # the roster and the deaths match the counts the household gave
    size = member.groupby("PARENT_KEY").size()
    declared = root.set_index("KEY")["roster-hh_size"].replace("", "0").astype(int)
    assert (declared[declared > 0] == size.reindex(declared[declared > 0].index)).all()
    assert (declared[declared == 0].index.isin(size.index)).sum() == 0
    n_deaths = root.set_index("KEY")["deaths-n_deaths"].replace("", "0").astype(int)
    assert n_deaths.sum() == len(death)
    # visits that did not end in an interview keep their identification and nothing else
    not_done = root[root["visit-visit_result"].isin(["absent", "vacant", "refused", "other"])]
    assert (not_done["ident-sector"] != "").all() and (not_done["ident-gps-Latitude"] != "").all()
    assert (not_done[["housing-wall_material", "services-water_source", "roster-hh_size"]] == "").all().all()
    assert not member["PARENT_KEY"].isin(not_done["KEY"]).any()


# --------------------------------------------------------------------------------------------- plausibility
def test_visit_results_at_realistic_rates(tables: tuple[pd.DataFrame, ...]) -> None:
    share = tables[0]["visit-visit_result"].value_counts(normalize=True)
    assert 0.80 <= share["completed"] <= 0.92
    assert 0.04 <= share["absent"] <= 0.08 and 0.015 <= share["refused"] <= 0.045
    assert 0.015 <= share["vacant"] <= 0.045 and share.get("partial", 0) <= 0.03


def test_household_size_and_headship(people: pd.DataFrame) -> None:
    size = people.groupby("PARENT_KEY").size()
    assert 3.7 <= size.mean() <= 4.2  # Censos 2017, VES: about 3.9 persons per household
    heads = people[people["basic-relationship"] == "head"]
    assert 0.25 <= (heads["basic-sex"] == "female").mean() <= 0.45
    assert (heads["basic-age"] >= 18).mean() > 0.99
    under15 = (people["basic-age"] < 15).mean()
    assert 0.18 <= under15 <= 0.30


def test_relationships_agree_with_ages(people: pd.DataFrame) -> None:
    head_age = people[people["basic-relationship"] == "head"].set_index("PARENT_KEY")["basic-age"]
    children = people[people["basic-relationship"] == "child"]
    gap = children["PARENT_KEY"].map(head_age) - children["basic-age"]
    assert (gap >= 12).mean() > 0.97
    spouses = people[people["basic-relationship"] == "spouse"]
    assert (spouses["PARENT_KEY"].map(head_age) - spouses["basic-age"]).abs().median() <= 6


def test_monetary_poverty_in_range(people: pd.DataFrame) -> None:
    """POV_01 / POV_02 as INDICATORS.md defines them, against the INEI 2023 lines 446 and 251."""
    econ = people[~people["basic-relationship"].isin(["domestic_worker", "boarder"])]
    own = econ["income-income_labour"].fillna(0) + econ["income-income_other"].fillna(0)
    per_hh = own.groupby(econ["PARENT_KEY"]).sum()
    other = econ.groupby("PARENT_KEY")["hh_income-income_household_other"].first()
    y = (per_hh + other) / econ.groupby("PARENT_KEY").size()
    person_y = econ["PARENT_KEY"].map(y)
    poverty = (person_y < 446).mean()
    extreme = (person_y < 251).mean()
    assert 0.15 <= poverty <= 0.30, poverty
    assert extreme < poverty / 1.8


def test_stunting_in_range(people: pd.DataFrame) -> None:
    kids = people[people["basic-age"] < 5]
    assert len(kids) > 500
    assert 0.05 <= stunted_share(kids) <= 0.15


def test_women_carry_most_unpaid_work(people: pd.DataFrame) -> None:
    adults = people[people["basic-age"] >= 12]
    hours = adults["time_use-hours_unpaid_domestic"] + adults["time_use-hours_unpaid_care"]
    women, men = hours[adults["basic-sex"] == "female"].mean(), hours[adults["basic-sex"] == "male"].mean()
    assert women > men and 2.0 <= women / men <= 3.5  # ENUT 2010: about 2.5 times


def test_services_vary_by_sector_and_deaths_are_rare(tables: tuple[pd.DataFrame, ...]) -> None:
    root, _, death = tables
    done = root[root["visit-consent"] == "yes"]
    tanker = (done["services-water_source"] == "tanker").groupby(done["ident-sector"]).mean()
    assert tanker[["S09", "S10"]].min() > 3 * tanker[["S01", "S02", "S03"]].max()
    makeshift = done["housing-wall_material"].isin(["estera", "scrap"]).groupby(done["ident-sector"]).mean()
    assert makeshift[["S09", "S10"]].mean() > makeshift[["S01", "S02"]].mean()
    assert (done["deaths-any_death"] == "yes").mean() < 0.05 and len(death) > 0

"""A clean census (error rate 0), read back from the Central CSV export: every answer is one the form accepts,
and the indicators come out in the ranges of a peri-urban Lima district (computed here with pandas, from the
definitions in INDICATORS.md, independently of the generator)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cbms.demo import DemoResult
from cbms.form import FormSpec
from cbms.form.xpath import Frame, truth
from tests.demo.conftest import central_csv


@pytest.fixture(scope="module")
def tables(clean_csv: DemoResult) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    t = central_csv(clean_csv.files[0])
    return t["cbms_grb_hogar.csv"], t["cbms_grb_hogar-member.csv"], t["cbms_grb_hogar-death.csv"]


@pytest.fixture(scope="module")
def people(tables: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]) -> pd.DataFrame:
    """Members of completed households with their household's items, typed."""
    root, member, _ = tables
    hh = root[(root["visit-visit_result"] == "completed") & (root["visit-consent"] == "yes")]
    m = member.merge(hh, left_on="PARENT_KEY", right_on="KEY", suffixes=("", "_hh"))
    for col in ("basic-age", "income-income_labour", "income-income_other", "hh_income-income_household_other",
                "time_use-hours_unpaid_domestic", "time_use-hours_unpaid_care", "anthro-height_cm"):
        m[col] = pd.to_numeric(m[col].replace("", np.nan))
    return m


# ------------------------------------------------------------------------------------- every value is valid
def _column(q_path: tuple[str, ...], repeat: str | None) -> str:
    return "-".join(q_path[1:] if repeat else q_path)


def test_every_answer_is_one_the_form_accepts(tables: tuple[pd.DataFrame, ...], spec: FormSpec) -> None:
    """Choice lists, constraints, relevance (empty when not asked) and required items, question by question."""
    root, member, death = tables
    data = {None: root, "member": member, "death": death}

    def frame(level: str | None) -> Frame:
        df = data[level]
        values = {q.name: df[_column(q.path, level)].replace("", None).to_numpy(object)
                  for q in spec.table(level) if q.type != "geopoint"}
        if level is None:
            return Frame(values, len(df), today=1e9)
        parent = pd.Index(root["KEY"]).get_indexer(df["PARENT_KEY"])
        position = df["KEY"].str.extract(r"\[(\d+)\]$")[0].astype(int).to_numpy()
        return Frame(values, len(df), parent=frames[None], parent_row=parent, position=position, today=1e9)

    frames: dict[str | None, Frame] = {}
    frames[None] = frame(None)
    frames["member"], frames["death"] = frame("member"), frame("death")
    problems = {}
    for level, f in frames.items():
        for q in spec.table(level):
            if q.type == "geopoint":
                continue
            values = f.values[q.name]
            empty = pd.isna(values)
            asked = np.ones(f.n, dtype=bool)
            for expr in (*q.relevant_chain, q.relevant):
                if expr:
                    asked &= truth(expr, f)
            found = {"answered, not asked": int((~asked & ~empty).sum())}
            if q.required:
                found["required, empty"] = int((asked & empty).sum())
            if q.list_name:
                codes = {c.name for c in spec.choices[q.list_name]}
                found["not in the list"] = sum(not set(str(v).split()) <= codes for v in values[~empty])
            if q.type == "select_multiple":
                found["none with others"] = sum("none" in str(v).split() and " " in str(v) for v in values[~empty])
            if q.constraint:
                found["constraint"] = int((~empty & ~truth(q.constraint, f, dot=values)).sum())
            bad = {k: v for k, v in found.items() if v}
            if bad:
                problems[q.name] = bad
    assert problems == {}


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


# WHO Child Growth Standards, length/height-for-age -2 SD (cm) by month: length below 24 months, height from 24
WHO_MINUS_2SD = {
    "male": ([0, 3, 6, 9, 12, 15, 18, 21, 24], [46.1, 57.3, 63.3, 67.5, 71.0, 74.1, 76.9, 79.4, 81.7],
             [24, 30, 36, 42, 48, 54, 60], [81.0, 85.1, 88.7, 91.9, 94.9, 97.8, 100.7]),
    "female": ([0, 3, 6, 9, 12, 15, 18, 21, 24], [45.4, 55.6, 61.2, 65.3, 68.9, 72.0, 74.9, 77.5, 80.0],
               [24, 30, 36, 42, 48, 54, 60], [79.3, 83.6, 87.4, 90.9, 94.1, 97.1, 99.9]),
}


def test_stunting_in_range(people: pd.DataFrame) -> None:
    kids = people[people["basic-age"] < 5].copy()
    days = (pd.to_datetime(kids["ident-interview_date"]) - pd.to_datetime(kids["basic-birth_date"])).dt.days
    lying = kids["anthro-measure_position"] == "lying"
    # WHO: length below 731 days, height from then on; 0.7 cm between the two
    x = kids["anthro-height_cm"] + np.where(~lying & (days < 731), 0.7, 0) - np.where(lying & (days >= 731), 0.7, 0)
    months = days / 30.4375
    cutoff = np.empty(len(kids))
    for sex, (m_len, c_len, m_ht, c_ht) in WHO_MINUS_2SD.items():
        is_sex = (kids["basic-sex"] == sex).to_numpy()
        cutoff[is_sex] = np.where(days[is_sex] < 731, np.interp(months[is_sex], m_len, c_len),
                                  np.interp(months[is_sex], m_ht, c_ht))
    stunted = (x < cutoff).mean()
    assert len(kids) > 500
    assert 0.05 <= stunted <= 0.15, stunted


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

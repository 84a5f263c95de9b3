"""Demo censuses written once per test session, and readers for the exports (as text, like an analyst would)."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cbms.demo import FORM, DemoResult, write_demo
from cbms.form import FormSpec, read_form
from cbms.form.xpath import Frame, truth

CLEAN = {"households": 3000, "seed": 20251}  # the plausibility and validity checks read this census
DIRTY = {"households": 1500, "seed": 77, "error_rate": 0.06}


@pytest.fixture(scope="session")
def spec() -> FormSpec:
    return read_form(FORM)


@pytest.fixture(scope="session")
def clean_csv(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    return write_demo(fmt="odk-csv", out=tmp_path_factory.mktemp("clean_csv"), **CLEAN)


@pytest.fixture(scope="session")
def dirty(tmp_path_factory: pytest.TempPathFactory) -> dict[str, DemoResult]:
    """The same census with errors, in every format."""
    return {fmt: write_demo(fmt=fmt, out=tmp_path_factory.mktemp(fmt), **DIRTY)  # type: ignore[arg-type]
            for fmt in ("odk-csv", "odk-odata", "kobo-xlsx", "kobo-json")}


def central_csv(zip_path: Path) -> dict[str, pd.DataFrame]:
    """Every file of a Central CSV zip as a text table ('' for an empty cell)."""
    out = {}
    with zipfile.ZipFile(zip_path) as zf:
        for name in zf.namelist():
            text = zf.read(name).decode("utf-8")
            out[name] = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    return out


def csv_header(zip_path: Path, name: str) -> list[str]:
    with zipfile.ZipFile(zip_path) as zf:
        return next(csv.reader(io.TextIOWrapper(zf.open(name), "utf-8")))


def completed_people(root: pd.DataFrame, member: pd.DataFrame) -> pd.DataFrame:
    """Members of completed households with their household's items, typed."""
    hh = root[(root["visit-visit_result"] == "completed") & (root["visit-consent"] == "yes")]
    m = member.merge(hh, left_on="PARENT_KEY", right_on="KEY", suffixes=("", "_hh"))
    for col in ("basic-age", "income-income_labour", "income-income_other", "hh_income-income_household_other",
                "time_use-hours_unpaid_domestic", "time_use-hours_unpaid_care", "anthro-height_cm"):
        m[col] = pd.to_numeric(m[col].replace("", np.nan))
    return m


# WHO Child Growth Standards, length/height-for-age -2 SD (cm) by month: length below 24 months, height from 24
WHO_MINUS_2SD = {
    "male": ([0, 3, 6, 9, 12, 15, 18, 21, 24], [46.1, 57.3, 63.3, 67.5, 71.0, 74.1, 76.9, 79.4, 81.7],
             [24, 30, 36, 42, 48, 54, 60], [81.0, 85.1, 88.7, 91.9, 94.9, 97.8, 100.7]),
    "female": ([0, 3, 6, 9, 12, 15, 18, 21, 24], [45.4, 55.6, 61.2, 65.3, 68.9, 72.0, 74.9, 77.5, 80.0],
               [24, 30, 36, 42, 48, 54, 60], [79.3, 83.6, 87.4, 90.9, 94.1, 97.1, 99.9]),
}


def stunted_share(kids: pd.DataFrame) -> float:
    """Share of children under 5 below -2 SD of the WHO length/height-for-age median, from the export's text."""
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
    return float((x < cutoff).mean())


def _column(q_path: tuple[str, ...], repeat: str | None) -> str:
    return "-".join(q_path[1:] if repeat else q_path)


def form_problems(tables: tuple[pd.DataFrame, ...], spec: FormSpec) -> dict[str, dict[str, int]]:
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
    problems: dict[str, dict[str, int]] = {}
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
    return problems

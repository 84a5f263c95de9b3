"""Tiny censuses for validation tests, written as ODK Central CSV exports of the shipped form.

A household is a dict of answers by question name; its members a list of dicts. Whatever a test leaves out
is what a valid, complete interview would have answered (see HOUSEHOLD and MEMBER), so each test shows only
the answers it is about.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb

from cbms.form import FormSpec
from cbms.ingest import read_export
from cbms.store import connect, write_tables

HOUSEHOLD: dict[str, str] = {
    "enumerator_id": "E001", "interview_date": "2025-09-15", "ubigeo": "150142", "sector": "S01",
    "grupo": "S01-G01", "manzana": "A1", "visit_result": "completed", "consent": "yes",
    "dwelling_tenure": "rented", "wall_material": "brick_concrete", "roof_material": "concrete",
    "floor_material": "cement", "rooms": "2", "water_source": "network_inside", "sanitation": "sewer_inside",
    "electricity": "yes", "phone_mobile": "yes", "phone_fixed": "no", "internet": "yes",
    "cooking_fuel": "gas_lpg", "any_death": "no", "hunger": "no", "programs": "none",
    "income_household_other": "0", "decides_purchases": "joint", "respondent_line": "1",
}
IDENTIFICATION = ("enumerator_id", "interview_date", "ubigeo", "sector", "grupo", "manzana", "visit_result")
ADULT: dict[str, str] = {
    "full_name": "Ana", "relationship": "head", "sex": "female", "age": "40", "mother_tongue": "spanish",
    "has_dni": "yes", "literate": "yes", "education_level": "secondary_complete", "years_schooling": "11",
    "worked_last_week": "yes", "employment_category": "employee", "hours_worked": "40",
    "income_labour": "1200", "income_other": "0", "hours_unpaid_domestic": "10", "hours_unpaid_care": "5",
    "org_member": "none", "pp_participated": "no", "crime_victim": "no", "health_insurance": "sis",
    "disability": "no",
}


def household(key: str, members: list[dict[str, str]], **answers: str) -> tuple[dict[str, str], list[dict[str, str]]]:
    """One household: defaults for a complete interview, overridden by `answers`; members likewise."""
    root = {**HOUSEHOLD, "hh_size": str(len(members)), **answers, "KEY": key, "instanceID": key}
    if root.get("consent") != "yes":  # no interview: only the identification and the visit are answered
        root = {k: v for k, v in root.items() if k in IDENTIFICATION or k in answers or k in ("KEY", "instanceID")}
    people = []
    for line, person in enumerate(members, start=1):
        row = {**ADULT, **person, "line_no": str(line), "PARENT_KEY": key, "KEY": f"{key}/member[{line}]"}
        if "pregnant" not in person and row["sex"] == "female" and row["age"].isdigit() and 12 <= int(row["age"]) <= 49:
            row["pregnant"] = "no"  # asked of women 12-49 only
        people.append(row)
    return root, people


def write_export(folder: Path, census: list[tuple[dict[str, str], list[dict[str, str]]]],
                 orphans: list[dict[str, str]] = (), deaths: list[dict[str, str]] = (),  # type: ignore[assignment]
                 drop: tuple[str, ...] = ()) -> Path:
    """The census as a Central CSV export folder (bare column names, as with groupPaths=false). `deaths` rows
    name their household in `household`; `drop` leaves columns out of every file, as an export of a form
    version without those questions would."""
    folder.mkdir(parents=True, exist_ok=True)
    roots = [root for root, _ in census]
    members = [m for _, people in census for m in people] + list(orphans)
    counters: dict[str, int] = {}
    died = []
    for death in deaths:
        parent = death["household"]
        counters[parent] = counters.get(parent, 0) + 1
        died.append({**{k: v for k, v in death.items() if k != "household"}, "PARENT_KEY": parent,
                     "KEY": f"{parent}/death[{counters[parent]}]"})
    files = [("cbms_grb_hogar.csv", roots), ("cbms_grb_hogar-member.csv", members)]
    files += [("cbms_grb_hogar-death.csv", died)] if died else []
    for name, rows in files:
        columns = list(dict.fromkeys(k for row in rows for k in row
                                     if k not in ("KEY", "PARENT_KEY", *drop)))
        columns += ["PARENT_KEY", "KEY"] if "-" in name else ["KEY"]
        with (folder / name).open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
    return folder


def load(folder: Path, form: FormSpec, db: Path) -> duckdb.DuckDBPyConnection:
    """Ingest the export into a new database and return the open connection."""
    con = connect(db)
    write_tables(con, read_export(folder, form), form, db)
    return con

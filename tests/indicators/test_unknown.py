"""An indicator whose universe is mostly unknown is said in words, with the items and the rules that emptied
them; a run where answers are known says nothing."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from cbms.config import load_manifest
from cbms.form import FormSpec
from cbms.indicators import Catalogue, compute_indicators
from cbms.validate import load_rules, validate_tables
from tests.validate.census import household, load, write_export

CHILD = {"full_name": "Luz", "relationship": "child", "sex": "female", "age": "2", "birth_date": "2023-02-30",
         "height_cm": "80", "weight_kg": "11", "measure_position": "lying", "oedema": "no", "has_dni": "yes"}


def _unknown(tmp_path: Path, form: FormSpec, catalogue: Catalogue, birth_dates: list[str],
             threshold: float = 20.0) -> list[str]:
    census = [household(f"uuid:h{i}", [{}, {**CHILD, "birth_date": born}]) for i, born in enumerate(birth_dates)]
    con = load(write_export(tmp_path / "export", census), form, tmp_path / "cbms.duckdb")
    try:
        validate_tables(con, form, load_rules(form))
        manifest = dataclasses.replace(load_manifest(), max_unknown_percent=threshold)
        report = compute_indicators(con, catalogue, manifest)
    finally:
        con.close()
    return [n.message("en") for n in report.unknown]


def test_stunting_with_every_birth_date_emptied(tmp_path: Path, form: FormSpec, catalogue: Catalogue) -> None:
    # four children, each birth date a day that does not exist (VAL_001 empties it): NUT_01's universe is the
    # four children (age 2), all unknown: 100 %; 8 member rows in all (a head and a child per household)
    notes = _unknown(tmp_path, form, catalogue, ["2023-02-30"] * 4)
    nut = [n for n in notes if n.startswith("[IND_014] NUT_01:")]
    assert nut == ["[IND_014] NUT_01: 100.0 % of its universe in the district is unknown (4 of 4; threshold 20 %). "
                   "Items: birth_date: 8 of 8 rows empty (emptied by VAL_001 x 4); interview_date: 0 of 4 rows "
                   "empty; height_cm: 4 of 8 rows empty; measure_position: 4 of 8 rows empty; sex: 0 of 8 rows "
                   "empty."]


def test_below_the_threshold_nothing_is_said(tmp_path: Path, form: FormSpec, catalogue: Catalogue) -> None:
    # one birth date of five lost: 20 % unknown, not more than the threshold of 20 %
    notes = _unknown(tmp_path, form, catalogue, ["2023-02-30", "2023-03-01", "2023-03-02", "2023-03-03",
                                                 "2023-03-04"])
    assert not [n for n in notes if "NUT_0" in n]
    # the same census with a threshold of 10 %: said
    notes = _unknown(tmp_path / "again", form, catalogue, ["2023-02-30", "2023-03-01", "2023-03-02",
                                                           "2023-03-03", "2023-03-04"], threshold=10)
    assert any(n.startswith("[IND_014] NUT_01: 20.0 % of its universe") for n in notes)

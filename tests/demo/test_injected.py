"""injected.json says where each error went: every record is really in the files, and really is that error."""

from __future__ import annotations

import json
from collections import Counter

import pandas as pd
from python_calamine import CalamineWorkbook

from cbms.demo import DemoResult
from cbms.demo.inject import ERRORS
from tests.demo.conftest import DIRTY, central_csv

COLUMNS = {"age": "basic-age", "pregnant": "health-pregnant", "height_cm": "anthro-height_cm",
           "weight_kg": "anthro-weight_kg", "income_labour": "income-income_labour", "sex": "basic-sex",
           "education_level": "education-education_level", "health_insurance": "health-health_insurance",
           "relationship": "basic-relationship"}


def _records(result: DemoResult) -> list[dict[str, object]]:
    path = next(p for p in result.files if p.name == "injected.json")
    records = json.loads(path.read_text(encoding="utf-8"))
    assert records == sorted(records, key=lambda r: (r["key"], r["table"], r["line_no"] or 0, r["error"],
                                                    r["column"] or ""))
    return records


def test_about_the_rate_asked_and_every_kind(dirty: dict[str, DemoResult]) -> None:
    records = _records(dirty["odk-csv"])
    assert {tuple(sorted(r)) for r in records} == {("column", "error", "key", "line_no", "row_key", "table")}
    share = len({r["key"] for r in records}) / DIRTY["households"]
    assert abs(share - DIRTY["error_rate"]) < 0.02
    assert set(Counter(r["error"] for r in records)) == set(ERRORS)
    assert dirty["odk-csv"].injected == len(records)


def test_every_record_is_in_the_central_csv_and_is_that_error(dirty: dict[str, DemoResult]) -> None:
    t = central_csv(dirty["odk-csv"].files[0])
    root, member = t["cbms_grb_hogar.csv"], t["cbms_grb_hogar-member.csv"]
    rows = member.set_index("KEY")
    roots = root.set_index("KEY")
    heads = member[member["basic-relationship"] == "head"].groupby("PARENT_KEY").size()
    for r in _records(dirty["odk-csv"]):
        error, key = r["error"], str(r["key"])
        if r["table"] == "household":
            assert r["row_key"] == key and key in roots.index
            hh = roots.loc[[key]]
            if error == "duplicate_submission":
                assert len(hh) == 2 and hh.iloc[0].drop(["SubmissionDate"]).equals(hh.iloc[1].drop(["SubmissionDate"]))
            elif error == "edited_submission":
                assert hh["Edits"].iloc[0] == "1" and hh["meta-instanceID"].iloc[0] != key
            else:
                value = hh[next(c for c in root.columns if c.endswith("-" + str(r["column"])))].iloc[0]
                assert value == "" if error == "required_empty" else "none" in value.split() and " " in value
            continue
        row = rows.loc[str(r["row_key"])]
        assert row["PARENT_KEY"] == key and str(r["row_key"]).endswith(f"/member[{r['line_no']}]")
        value = row[COLUMNS[str(r["column"])]] if r["column"] else None
        if error == "orphan_member":
            assert key not in roots.index
        elif error == "impossible_age":
            assert int(value) > 120
        elif error == "child_older_than_parent":
            head_age = member[(member["PARENT_KEY"] == key) & (member["line_no"] == "1")]["basic-age"].iloc[0]
            assert row["basic-relationship"] == "child" and int(value) > int(head_age)
        elif error == "pregnant_man":
            assert row["basic-sex"] == "male" and value == "yes"
        elif error == "anthropometry_out_of_range":
            x = float(value)
            assert not (38 <= x <= 130 if r["column"] == "height_cm" else 0.9 <= x <= 30)
        elif error == "required_empty":
            assert value == ""
        elif error == "negative_income":
            assert float(value) < 0
        elif error == "none_with_other":
            assert "none" in value.split() and len(value.split()) > 1
        elif error == "two_heads":
            assert value == "head" and heads[key] == 2
        elif error == "no_head":
            assert key not in heads.index


def test_every_record_is_in_the_other_formats(dirty: dict[str, DemoResult]) -> None:
    # OData: household keys are __id, member rows carry the 40-hex __id given as row_key
    doc = json.loads(dirty["odk-odata"].files[0].read_text(encoding="utf-8"))
    by_id = {}
    for s in doc["value"]:
        by_id.setdefault(s["__id"], []).append(s)
    for r in _records(dirty["odk-odata"]):
        assert r["error"] != "orphan_member"  # a nested feed cannot hold it
        submissions = by_id[str(r["key"])]
        if r["table"] == "member":
            assert r["row_key"] in {m["__id"] for m in submissions[0]["member"]}
    # KoBo API: the key is meta/rootUuid; a member is found by its position in the roster
    results = json.loads(dirty["kobo-json"].files[0].read_text(encoding="utf-8"))["results"]
    by_root: dict[str, list[dict[str, object]]] = {}
    for s in results:
        by_root.setdefault(str(s["meta/rootUuid"]), []).append(s)
    for r in _records(dirty["kobo-json"]):
        found = by_root[str(r["key"])]
        if r["error"] == "duplicate_submission":
            assert len(found) == 2 and found[0]["_id"] != found[1]["_id"] and found[0]["_uuid"] == found[1]["_uuid"]
        if r["table"] == "member":
            assert len(found[0]["member"]) >= int(r["line_no"])  # type: ignore[arg-type]
    # KoBo XLSX: row_key is the sheet's _index
    wb = CalamineWorkbook.from_path(str(dirty["kobo-xlsx"].files[0]))
    main = wb.sheet_names[0]

    def sheet(name: str) -> pd.DataFrame:
        rows = wb.get_sheet_by_name(name).to_python()
        return pd.DataFrame(rows[1:], columns=rows[0]).set_index("_index")

    hh, member = sheet(main), sheet("member")
    for r in _records(dirty["kobo-xlsx"]):
        if r["table"] == "household":
            row = hh.loc[float(r["row_key"])]  # type: ignore[arg-type]
            assert row["meta/rootUuid"] == r["key"]
            assert (row["_uuid"] != str(r["key"]).removeprefix("uuid:")) == (r["error"] == "edited_submission")
        else:
            row = member.loc[float(r["row_key"])]  # type: ignore[arg-type]
            assert row["_submission__uuid"] == str(r["key"]).removeprefix("uuid:")
            assert row["member/line_no"] == str(r["line_no"])
            if r["error"] == "orphan_member":
                assert row["_parent_index"] > len(hh)


def test_same_errors_in_every_format(dirty: dict[str, DemoResult]) -> None:
    def kinds(fmt: str) -> set[tuple[object, ...]]:
        return {(r["key"], r["error"], r["line_no"]) for r in _records(dirty[fmt]) if r["error"] != "orphan_member"}

    assert kinds("odk-csv") == kinds("kobo-xlsx")
    assert kinds("odk-odata") == kinds("kobo-json")
    # nested formats replace each orphan with the household's next drawn error, nothing else changes
    assert len(kinds("odk-csv") - kinds("kobo-json")) == 0

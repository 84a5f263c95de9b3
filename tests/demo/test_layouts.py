"""Each export has the layout of the real one: compared with the outside fixtures in shared/fixtures/external."""

from __future__ import annotations

import csv
import json
import zipfile

import pytest
from python_calamine import CalamineWorkbook

from cbms.demo import DemoResult
from cbms.form import FormSpec
from tests.conftest import EXTERNAL
from tests.demo.conftest import central_csv, csv_header

CENTRAL_TAIL = ["KEY", "SubmitterID", "SubmitterName", "AttachmentsPresent", "AttachmentsExpected", "Status",
                "ReviewState", "DeviceID", "Edits", "FormVersion"]


def _fixture_header(name: str) -> list[str]:
    with (EXTERNAL / "odk_central" / name).open(encoding="utf-8") as f:
        return next(csv.reader(f))


@pytest.mark.outside
def test_central_csv_zip_files_and_columns(dirty: dict[str, DemoResult], spec: FormSpec) -> None:
    path = dirty["odk-csv"].files[0]
    assert path.name == "cbms_grb_hogar.zip"
    with zipfile.ZipFile(path) as zf:
        assert zf.namelist() == ["cbms_grb_hogar.csv", "cbms_grb_hogar-member.csv", "cbms_grb_hogar-death.csv"]
    root = csv_header(path, "cbms_grb_hogar.csv")
    # the same frame as Central's own test exports: SubmissionDate first, the same ten columns last
    assert root[0] == _fixture_header("multirepeat.csv")[0] == "SubmissionDate"
    assert root[-10:] == _fixture_header("multirepeat.csv")[-10:] == CENTRAL_TAIL
    assert root[-11] == "meta-instanceName" and "meta-instanceID" in root
    # group paths joined by '-', geopoint split in four as in all-data-types.csv
    assert "services-water_source" in root and "ident-sector" in root
    gps = [c for c in root if c.startswith("ident-gps")]
    geo_fixture = [c.removeprefix("some_geopoint") for c in _fixture_header("all-data-types.csv")
                   if c.startswith("some_geopoint")]
    assert [c.removeprefix("ident-gps") for c in gps] == geo_fixture
    member = csv_header(path, "cbms_grb_hogar-member.csv")
    assert member[-2:] == _fixture_header("multirepeat-child.csv")[-2:] == ["PARENT_KEY", "KEY"]
    assert "basic-age" in member and member[0] == "line_no"  # paths below the repeat
    assert csv_header(path, "cbms_grb_hogar-death.csv")[-2:] == ["PARENT_KEY", "KEY"]
    # every form field is a column (notes too: Central derives columns from the instance)
    root_fields = [q for q in spec.questions if q.repeat is None and q.type != "geopoint"]
    assert all("-".join(q.path) in root for q in root_fields)


def test_central_csv_values(dirty: dict[str, DemoResult]) -> None:
    tables = central_csv(dirty["odk-csv"].files[0])
    root, member = tables["cbms_grb_hogar.csv"], tables["cbms_grb_hogar-member.csv"]
    assert root["SubmissionDate"].str.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z").all()
    assert root["KEY"].str.startswith("uuid:").all()
    first = member.iloc[0]
    assert first["KEY"] == f"{first['PARENT_KEY']}/member[{first['line_no']}]"
    multi = root["social_programs-programs"]
    assert multi.str.contains(" ").any()  # select_multiple: space-separated codes
    edited = root[root["Edits"] != "0"]
    assert len(edited) and (edited["KEY"] != edited["meta-instanceID"]).all()  # KEY stays the first version
    assert (edited["ReviewState"] == "edited").all()
    plain = root[root["Edits"] == "0"]
    assert (plain["KEY"] == plain["meta-instanceID"]).all()


@pytest.mark.outside
def test_odata_expand_star_like_central(dirty: dict[str, DemoResult]) -> None:
    fixture = json.loads((EXTERNAL / "odk_central" / "odata_doubleRepeat_expand_star.json").read_text())["value"][0]
    doc = json.loads(dirty["odk-odata"].files[0].read_text(encoding="utf-8"))
    assert doc["@odata.context"].endswith("cbms_grb_hogar.svc/$metadata#Submissions")
    rows = doc["value"]
    assert len(rows) == doc["@odata.count"]
    with_members = next(r for r in rows if "member" in r)
    assert set(with_members["__system"]) == set(fixture["__system"])
    assert with_members["__id"].startswith("uuid:")
    link = with_members["member@odata.navigationLink"]
    assert link == f"Submissions('{with_members['__id']}')/member"  # as "Submissions('two')/children/child"
    child = with_members["member"][0]
    assert len(child["__id"]) == len(fixture["children"]["child"][0]["__id"]) == 40
    assert isinstance(child["basic"]["age"], int) and child["basic"]["relationship"] == "head"
    assert with_members["ident"]["gps"]["type"] == "Point"
    assert with_members["meta"]["instanceID"].startswith("uuid:")
    empty = next(r for r in rows if r["visit"]["consent"] is None)
    assert "member" not in empty and empty["housing"]["wall_material"] is None  # not asked: null
    edited = [r for r in rows if r["__system"]["edits"]]
    assert edited and all(r["meta"]["deprecatedID"] != r["meta"]["instanceID"] for r in edited)


@pytest.mark.outside
def test_kobo_api_pages_like_kobo(dirty: dict[str, DemoResult]) -> None:
    fixture = json.loads((EXTERNAL / "kobo_api_v2" / "group_names.data.json").read_text())
    page = json.loads(dirty["kobo-json"].files[0].read_text(encoding="utf-8"))
    assert list(page) == list(fixture) == ["count", "next", "previous", "results"]
    row = next(r for r in page["results"] if "member" in r)
    kobo_keys = [k for k in fixture["results"][0] if k.startswith("_") or k in ("formhub/uuid", "__version__",
                                                                                 "meta/instanceID", "meta/rootUuid")]
    assert [k for k in row if k in kobo_keys] == kobo_keys  # Kobo's own keys, in Kobo's order
    assert row["ident/sector"].startswith("S") and "/" in "ident/sector"
    assert row["meta/rootUuid"] == row["meta/instanceID"] == "uuid:" + row["_uuid"]
    assert all(isinstance(v, str) for k, v in row.items() if not k.startswith("_") and k != "member")
    person = row["member"][0]
    assert person["member/basic/relationship"] == "head" and "member/basic/age" in person
    edited = [r for r in page["results"] if "meta/deprecatedID" in r]
    assert edited and all(r["meta/rootUuid"] != "uuid:" + r["_uuid"] for r in edited)
    assert all(v is not None for r in page["results"] for v in r.values())  # unanswered: left out, not null


def test_kobo_xlsx_sheets_and_columns(dirty: dict[str, DemoResult], spec: FormSpec) -> None:
    wb = CalamineWorkbook.from_path(str(dirty["kobo-xlsx"].files[0]))
    main, *repeats = wb.sheet_names
    assert main == spec.title[:31] and repeats == ["member", "death"]
    head = wb.get_sheet_by_name(main).to_python()[0]
    assert head[-10:] == ["_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status",
                          "_submitted_by", "__version__", "_tags", "_index"]
    assert head[-11] == "meta/rootUuid"  # the key that survives edits, where `_uuid` changes
    assert "ident/gps" in head and "ident/_gps_latitude" in head and "ident/_gps_precision" in head
    assert "social_programs/programs" in head and "social_programs/programs/none" in head
    rows = wb.get_sheet_by_name("member").to_python()
    mhead = rows[0]
    assert "member/basic/age" in mhead
    tail = mhead[mhead.index("_index"):]
    assert tail[:3] == ["_index", "_parent_table_name", "_parent_index"]
    assert "_submission__uuid" in tail and "_submission__id" in tail
    first = dict(zip(mhead, rows[1], strict=True))
    assert first["_parent_table_name"] == main and first["_index"] == 1



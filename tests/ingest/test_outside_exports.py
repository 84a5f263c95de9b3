"""The real exports in shared/fixtures/external load with every row and every parent link kept."""

from __future__ import annotations

import json
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pytest

from cbms.form import FormSpec
from cbms.form.kobo import read_kobo_asset
from cbms.ingest import read_export
from tests.ingest.paths import CENTRAL, KOBO

pytestmark = pytest.mark.outside  # every test here compares with shared/fixtures/external

MULTIREPEAT = ("multirepeat.csv", "multirepeat-child.csv", "multirepeat-toy.csv")


def _linked(child: pa.Table, parent: pa.Table) -> bool:
    return set(child.column("_parent_key").to_pylist()) <= set(parent.column("_row_key").to_pylist())


def _central_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "multirepeat"
    folder.mkdir()
    for name in MULTIREPEAT:
        shutil.copy(CENTRAL / name, folder / name)
    return folder


def test_central_csv_folder_with_nested_repeats(tmp_path: Path, form_of: Callable[[str], FormSpec]) -> None:
    export = read_export(_central_folder(tmp_path), form_of("multirepeat"))
    tables = export.tables
    # counted in the fixture files: 3 submissions, 4 children, 6 toys
    assert {k: t.num_rows for k, t in tables.items()} == {"household": 3, "child": 4, "toy": 6}
    assert _linked(tables["child"], tables["household"]) and _linked(tables["toy"], tables["child"])
    assert tables["household"].column("name").to_pylist() == ["Alice", "Bob", "Chelsea"]
    assert tables["toy"].column("_submission_key").to_pylist() == ["two", "two", "two", "three", "three", "three"]
    assert export.form_id == "multirepeat"
    meta = json.loads(tables["household"].column("_meta")[0].as_py())
    assert meta["FormVersion"] == "version" and meta["Edits"] == "0"


def test_central_csv_zip_is_the_same_as_the_folder(tmp_path: Path, form_of: Callable[[str], FormSpec]) -> None:
    archive = tmp_path / "multirepeat.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name in MULTIREPEAT:
            zf.write(CENTRAL / name, name)
    form = form_of("multirepeat")
    from_zip = read_export(archive, form)
    from_folder = read_export(_central_folder(tmp_path), form)
    for level, table in from_zip.tables.items():
        other = from_folder.tables[level]
        assert table.drop_columns(["_source_file"]).equals(other.drop_columns(["_source_file"]))
    assert set(from_zip.source_of.values()) == {(f"{archive}/{n}", from_zip.sources[0].sha256) for n in MULTIREPEAT}


def test_select_multiple_prefers_the_combined_column(form_of: Callable[[str], FormSpec]) -> None:
    table = read_export(CENTRAL / "selectMultiple.csv", form_of("select_multiple")).tables["household"]
    assert table.column("q1").to_pylist() == ["a b", "b"]
    assert table.column("q2").to_pylist() == ["x y z", "m x"]
    assert table.column("_extra").null_count == table.num_rows


def test_select_multiple_rebuilt_from_split_columns(tmp_path: Path, form_of: Callable[[str], FormSpec]) -> None:
    lines = (CENTRAL / "selectMultiple.csv").read_text().splitlines()
    drop = {lines[0].split(",").index("q1"), lines[0].split(",").index("g1-q2")}
    split_only = tmp_path / "selectMultiple.csv"
    split_only.write_text("\n".join(",".join(c for i, c in enumerate(line.split(",")) if i not in drop)
                                    for line in lines) + "\n")
    table = read_export(split_only, form_of("select_multiple")).tables["household"]
    # from the 0/1 columns of the fixture: row 1 has none of x,y,z set and none of m,n; row 2 has m
    assert table.column("q1").to_pylist() == [None, None]
    assert table.column("q2").to_pylist() == [None, "m"]


def test_every_data_type_and_the_split_geopoint(form_of: Callable[[str], FormSpec]) -> None:
    table = read_export(CENTRAL / "all-data-types.csv", form_of("all_data_types")).tables["household"]
    row = table.to_pylist()[0]
    assert row["some_geopoint"] == "43.3149254 -1.9869671 71.80000305175781 15.478"
    assert row["some_int"] == "123" and row["some_decimal"] == "123.456" and row["some_barcode"] == "000049499094"
    assert row["_submission_key"] == row["instanceID"] == "uuid:39f3dd36-161e-45cb-a1a4-395831d253a7"


def test_odata_expand_star_with_two_levels_of_repeats(form_of: Callable[[str], FormSpec]) -> None:
    export = read_export(CENTRAL / "odata_doubleRepeat_expand_star.json", form_of("double_repeat"))
    tables = export.tables
    # counted in the fixture: 1 submission, 3 children, 4 + 4 toys
    assert {k: t.num_rows for k, t in tables.items()} == {"household": 1, "child": 3, "toy": 8}
    assert _linked(tables["child"], tables["household"]) and _linked(tables["toy"], tables["child"])
    assert tables["household"].column("_version_id").to_pylist() == ["double"]
    assert tables["child"].column("_row_key").to_pylist()[1] == "two/children/child[2]"
    assert tables["toy"].column("_parent_key").to_pylist().count("two/children/child[2]") == 4
    assert tables["household"].column("_submitted_at").to_pylist() == ["2017-09-20T17:10:43Z"]


def test_kobo_api_pages_with_renamed_groups() -> None:
    form = read_kobo_asset(KOBO / "group_names.asset.json")
    data = json.loads((KOBO / "group_names.data.json").read_text())
    table = read_export(KOBO / "group_names.data.json", form).tables["household"]
    assert table.num_rows == data["count"] == 6
    # hh_sex sits in groups v1, v2 and v0 across form versions: one column, read from each
    expected = [next(v for k, v in r.items() if k.endswith("/hh_sex")) for r in data["results"]]
    assert table.column("hh_sex").to_pylist() == expected
    assert table.column("_submission_key").to_pylist() == [r["meta/rootUuid"] for r in data["results"]]


def test_kobo_validation_status_is_kept_in_meta() -> None:
    form = read_kobo_asset(KOBO / "validation_status.asset.json")
    table = read_export(KOBO / "validation_status.data.json", form).tables["household"]
    assert table.num_rows == 3
    meta = json.loads(table.column("_meta")[0].as_py())
    assert json.loads(meta["_validation_status"])["uid"] == "validation_status_on_hold"


def test_kobo_geodata() -> None:
    form = read_kobo_asset(KOBO / "geodata.asset.json")
    table = read_export(KOBO / "geodata.data.json", form).tables["household"]
    assert table.column("point").to_pylist() == ["14.719783 -17.459261 0 0"]
    assert table.column("polygon")[0].as_py().count(";") == 9

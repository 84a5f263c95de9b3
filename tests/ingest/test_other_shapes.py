"""Exports of other shapes are read or refused with a located message, never a traceback: a CSV whose first
header is blank (pandas and R write the row index so), KoBoToolbox's CSV export (`;`, group paths with `/`),
and each export's form version stored with every submission."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyarrow.compute as pc
import pytest

from cbms.cli import main
from cbms.demo import write_demo
from cbms.errors import CbmsError
from cbms.form import FormSpec, read_form
from cbms.form.layout import FORM_VERSION, ROOT
from cbms.ingest import read_export
from tests.conftest import FORM

SURVEY = """
| survey |
|        | type               | name  | label |
|        | begin_group        | hh    | Hogar |
|        | integer            | rooms | Rooms |
|        | select_multiple l1 | goods | Goods |
|        | end_group          |       |       |
| choices |
|         | list_name | name  | label |
|         | l1        | tv    | TV    |
|         | l1        | radio | Radio |
| settings |
|          | form_id | version |
|          | casas   | 3       |
"""

# what KoBo's CSV exporter writes: ';' between fields, group paths with '/', select_multiple as its codes and
# one 0/1 column per code, then KoBo's own columns
KOBO_CSV = (
    "hh/rooms;hh/goods;hh/goods/tv;hh/goods/radio;meta/instanceID;_id;_uuid;_submission_time;__version__;_index\n"
    "2;tv radio;1;1;uuid:a1;11;a1;2025-09-01T10:00:00;vQ9;1\n"
    "5;;0;0;uuid:b2;12;b2;2025-09-01T11:00:00;vQ9;2\n"
    ";radio;0;1;uuid:c3;13;c3;2025-09-01T12:00:00;vR2;3\n")


def test_a_kobo_csv_of_a_form_without_repeats_is_read(tmp_path: Path, md_form: Callable[[str], Path]) -> None:
    form = read_form(md_form(SURVEY))
    export = tmp_path / "casas.csv"
    export.write_text(KOBO_CSV, encoding="utf-8")
    read = read_export(export, form)
    root = read.tables[ROOT]
    assert read.format == "kobo-csv"
    assert root.column("_submission_key").to_pylist() == ["uuid:a1", "uuid:b2", "uuid:c3"]
    assert root.column("rooms").to_pylist() == ["2", "5", None]
    assert root.column("goods").to_pylist() == ["tv radio", None, "radio"]
    assert root.column(FORM_VERSION).to_pylist() == ["vQ9", "vQ9", "vR2"]
    assert root.column("_absent").to_pylist() == [None] * 3  # every question of the form has its column


def test_a_kobo_csv_cannot_carry_a_roster(tmp_path: Path) -> None:
    """The household roster is a repeat group: KoBo's CSV export leaves it out, so it is refused, saying why."""
    export = tmp_path / "cbms_grb_hogar.csv"
    export.write_text("hh/sector;_uuid;_index\nS01;a1;1\n", encoding="utf-8")
    with pytest.raises(CbmsError) as info:
        read_export(export, read_form(FORM))
    assert info.value.code == "ING_040"
    assert "member, death" in info.value.message("en") and "XLSX" in info.value.message("en")


def test_a_blank_first_header_is_a_column_of_its_own(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A Central export saved again by pandas (`to_csv` with its index): the index column has no name."""
    import io
    import zipfile

    import pandas as pd

    demo = write_demo(households=20, seed=3, fmt="odk-csv", out=tmp_path / "demo", error_rate=0.0)
    folder = tmp_path / "resaved"
    folder.mkdir()
    with zipfile.ZipFile(demo.files[0]) as zf:
        for name in zf.namelist():
            pd.read_csv(io.BytesIO(zf.read(name)), dtype=str, keep_default_na=False).to_csv(folder / name)
    form = read_form(FORM)
    root = read_export(folder, form).tables[ROOT]
    original = read_export(demo.files[0], form).tables[ROOT]
    assert root.column("_submission_key").to_pylist() == original.column("_submission_key").to_pylist()
    assert root.column("sector").to_pylist() == original.column("sector").to_pylist()
    assert '"":"0"' in root.column("_extra")[0].as_py()  # kept, never mistaken for an answer
    assert main(["ingest", str(folder), "--db", str(tmp_path / "cbms.duckdb")]) == 0


def _kobo_versions(export: Path) -> set[str]:
    """`__version__` as KoBo wrote it, read straight from the file (the API pages' JSON, the XLSX's sheet)."""
    import json

    from python_calamine import CalamineWorkbook

    if export.suffix == ".xlsx":
        rows = CalamineWorkbook.from_path(str(export)).get_sheet_by_index(0).to_python()
        column = rows[0].index("__version__")
        return {str(row[column]) for row in rows[1:]}
    pages = sorted(export.glob("*.json")) if export.is_dir() else [export]
    return {r["__version__"] for page in pages if "results" in (data := json.loads(page.read_text()))
            for r in data["results"]}


@pytest.mark.parametrize("fmt", ["odk-csv", "odk-odata", "kobo-json", "kobo-xlsx"])
def test_every_format_stores_the_version_that_collected_each_submission(tmp_path: Path, fmt: str) -> None:
    """Central writes the XLSForm's version (FormVersion, __system/formVersion); KoBo its deployment's uid."""
    form: FormSpec = read_form(FORM)
    demo = write_demo(households=15, seed=4, fmt=fmt, out=tmp_path, error_rate=0.0)  # type: ignore[arg-type]
    export = next(p for p in demo.files if p.name != "injected.json")
    versions = set(pc.unique(read_export(export, form).tables[ROOT].column(FORM_VERSION)).to_pylist())
    expected = {form.version} if fmt.startswith("odk") else _kobo_versions(export)
    assert versions == expected and len(expected) == 1 and None not in expected

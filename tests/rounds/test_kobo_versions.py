"""KoBoToolbox stamps each submission's `__version__` with the deployed version's uid, never with the XLSForm's
`version` (ODK Central's `FormVersion` is that string). A crosswalk's `form_versions` may name either: the uid
itself, or the XLSForm version of a registered form that knows its uid (an XLSForm downloaded from KoBo carries it
as the `__version__` calculation). The exports are the demo's second round, written as KoBo's API pages and as
Central's CSV from the same seed: the same census, so the same answers once read through the crosswalk."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import openpyxl
import pytest

from cbms.demo import write_demo
from cbms.form import FormSpec, read_form
from cbms.ingest import read_export
from cbms.project import SHIPPED
from cbms.rounds.aliases import read_through
from cbms.rounds.crosswalk import Crosswalk, load_crosswalks
from cbms.store import connect, write_tables
from cbms.store.db import register_forms
from cbms.validate import Rules, validate_tables

REVISED = SHIPPED.forms / "cbms_grb_hogar_2027.xlsx"
SHIPPED_CROSSWALK = SHIPPED.pipelines / "rounds" / "ves-demo-2027.yaml"
CENSUS = {"households": 150, "seed": 4}


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("kobo")
    return {fmt: write_demo(fmt=fmt, out=folder / fmt, round_=2, **CENSUS).files[0]  # type: ignore[arg-type]
            for fmt in ("kobo-json", "odk-csv")}


def uid_of(page: Path) -> str:
    """The `__version__` KoBo wrote, read straight from the API page."""
    (uid,) = {r["__version__"] for r in json.loads(page.read_text(encoding="utf-8"))["results"]}
    return str(uid)


def crosswalk_naming(folder: Path, versions: list[str]) -> tuple[Crosswalk, ...]:
    """The shipped crosswalk with other `form_versions`."""
    text = SHIPPED_CROSSWALK.read_text(encoding="utf-8").replace('form_versions: ["2027080101"]',
                                                                 f"form_versions: {json.dumps(versions)}")
    path = folder / "rounds" / "kobo.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    loaded, problems = load_crosswalks((path,), folder)
    assert problems == []
    return loaded


def downloaded_from_kobo(uid: str, target: Path) -> Path:
    """The revised XLSForm as KoBo gives it back: a `__version__` calculate holding the deployed uid."""
    book = openpyxl.load_workbook(REVISED)
    survey = book["survey"]
    header = [c.value for c in survey[1]]
    survey.insert_rows(2)
    survey.cell(2, header.index("type") + 1).value = "calculate"
    survey.cell(2, header.index("name") + 1).value = "__version__"
    survey.cell(2, header.index("calculation") + 1).value = f"'{uid}'"
    book.save(target)
    return target


def clean(export: Path, registered: FormSpec, crosswalks: tuple[Crosswalk, ...],
          db: Path) -> tuple[list[tuple[object, ...]], list[str]]:
    form = read_through(read_form(SHIPPED.forms / "cbms_grb_hogar.xlsx"), crosswalks)
    con: duckdb.DuckDBPyConnection = connect(db)
    try:
        write_tables(con, read_export(export, form), form, db)
        register_forms(con, form.form_id, [(registered, "revised.xlsx")])
        accounting = validate_tables(con, form, Rules((), {}, {}), crosswalks=crosswalks)
        rows = con.execute("SELECT _submission_key, water_source, hunger FROM clean.household ORDER BY 1").fetchall()
    finally:
        con.close()
    return rows, [n.detail.code for n in accounting.notes]


@pytest.fixture(scope="module")
def central(exports: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> list[tuple[object, ...]]:
    """The Central export (FormVersion 2027080101) through the shipped crosswalk: the reference answers."""
    loaded, _ = load_crosswalks((SHIPPED_CROSSWALK,), SHIPPED.pipelines)
    rows, _ = clean(exports["odk-csv"], read_form(REVISED), loaded, tmp_path_factory.mktemp("central") / "c.duckdb")
    codes = {water for _, water, _ in rows}
    assert "network_inside" in codes and not codes & {"red_dentro", "red_fuera", "pileta"}
    return rows


def test_a_crosswalk_may_name_the_kobo_uid(exports: dict[str, Path], central: list[tuple[object, ...]],
                                           tmp_path: Path) -> None:
    uid = uid_of(exports["kobo-json"])
    rows, notes = clean(exports["kobo-json"], read_form(REVISED), crosswalk_naming(tmp_path, [uid]),
                        tmp_path / "k.duckdb")
    assert rows == central
    assert "VAL_010" in notes  # the registered XLSForm does not know the uid: the current form judges, said once


def test_a_registered_form_links_the_uid_to_its_version(exports: dict[str, Path], central: list[tuple[object, ...]],
                                                        tmp_path: Path) -> None:
    uid = uid_of(exports["kobo-json"])
    registered = read_form(downloaded_from_kobo(uid, tmp_path / "revised_from_kobo.xlsx"))
    assert registered.version_names == ("2027080101", uid)
    rows, notes = clean(exports["kobo-json"], registered, crosswalk_naming(tmp_path, ["2027080101"]),
                        tmp_path / "k.duckdb")
    assert rows == central
    assert "VAL_010" not in notes  # judged by its own registered form


def test_naming_neither_reads_nothing_through(exports: dict[str, Path], central: list[tuple[object, ...]],
                                              tmp_path: Path) -> None:
    """The shipped crosswalk names 2027080101 only, and the registered XLSForm does not know KoBo's uid: the
    earlier codes stay unknown options (emptied, never taken for others)."""
    loaded, _ = load_crosswalks((SHIPPED_CROSSWALK,), SHIPPED.pipelines)
    rows, _ = clean(exports["kobo-json"], read_form(REVISED), loaded, tmp_path / "k.duckdb")
    assert [r[2] for r in rows] == [r[2] for r in central]  # renamed question: read whatever the version
    assert {r[1] for r in rows} <= {r[1] for r in central} - {"network_inside", "network_outside", "standpipe"}

"""Property: removing from an export any question that no indicator reads, and naming another form version
(one without a form file), leaves every indicator cell unchanged (value, n, n_missing). A rule that reads a
removed question cannot be decided for those submissions: it is not applied, so it empties nothing."""

from __future__ import annotations

import csv
import io
import re
import tempfile
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cbms.config import load_manifest
from cbms.demo import write_demo
from cbms.form import FormSpec, read_form
from cbms.indicators import compute_indicators, load_catalogue
from cbms.ingest import read_export
from cbms.ingest.model import GEOPOINT_PARTS
from cbms.store import connect, write_tables
from cbms.validate import load_rules, validate_tables
from tests.conftest import FORM, ROOT

KEYS = ["indicator_id", "area_level", "area_code", "sex", "head_sex", "age_group"]
KEEP = ("instanceID",)  # the submission key itself: an export without it is another matter (ING_010)


def unread_questions(form: FormSpec) -> list[str]:
    """Questions whose name appears nowhere in the indicator declarations and unit SQL (nor in the HAZ
    relation the units join): found by reading the declarations' text, not by asking the engine."""
    # not pipelines/targeting/: the programmes' rules make no indicator cell
    declarations = [*(ROOT / "pipelines" / "indicators").glob("*"), *(ROOT / "pipelines" / "units").glob("*"),
                    ROOT / "pipelines" / "dimensions.yaml"]
    text = " ".join(p.read_text(encoding="utf-8") for p in declarations if p.suffix in (".sql", ".yaml"))
    text += (ROOT / "cbms" / "indicators" / "haz.py").read_text(encoding="utf-8")
    words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text))
    return sorted(q.name for q in form.questions if q.stores_data and q.name not in words and q.name not in KEEP)


def without(export: Path, removed: set[str], version: str, target: Path) -> Path:
    """The Central CSV zip with the removed questions' columns left out of every file and FormVersion set."""
    with zipfile.ZipFile(export) as source, zipfile.ZipFile(target, "w") as out:
        for name in source.namelist():
            rows = list(csv.reader(io.StringIO(source.read(name).decode("utf-8"))))
            header = rows[0]
            keep = [i for i, column in enumerate(header) if not _removed(column, removed)]
            version_at = header.index("FormVersion") if "FormVersion" in header else None
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            for number, row in enumerate(rows):
                if number and version_at is not None:
                    row[version_at] = version
                writer.writerow([row[i] for i in keep])
            out.writestr(name, buffer.getvalue())
    return target


def _removed(column: str, removed: set[str]) -> bool:
    parts = column.split("-")
    return parts[-1] in removed or (len(parts) > 1 and parts[-2] in removed and parts[-1] in GEOPOINT_PARTS)


def cells(export: Path, db: Path) -> pd.DataFrame:
    """Every indicator cell of a run of ingest, validation and indicators on an export."""
    form = read_form(FORM)
    manifest = load_manifest()
    con = connect(db)
    try:
        write_tables(con, read_export(export, form), form, db)
        validate_tables(con, form, load_rules(form), period=manifest.period)
        compute_indicators(con, load_catalogue(form), manifest)
        frame = con.execute(f"SELECT {', '.join(KEYS)}, value, n, n_missing FROM mart.indicator_values").df()
    finally:
        con.close()
    return frame.sort_values(KEYS, na_position="first").reset_index(drop=True)


@pytest.fixture(scope="module")
def census(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    folder = tmp_path_factory.mktemp("unread")
    result = write_demo(households=300, seed=21, fmt="odk-csv", out=folder, error_rate=0.05)
    export = next(p for p in result.files if p.suffix == ".zip")
    return export, cells(export, folder / "baseline.duckdb")


def test_the_unread_questions_are_the_ones_expected() -> None:
    # read off the form and the catalogue by eye: identification and contact details, the roster's names and
    # line numbers, what only validation uses (hh_size, pregnant, weight, oedema) and the death gate
    assert unread_questions(read_form(FORM)) == [
        "address", "any_death", "comments", "contact_phone", "death_age_months", "death_no", "deviceid", "end",
        "enumerator_id", "full_name", "gps", "hh_size", "instanceName", "internet", "line_no", "manzana",
        "n_deaths", "oedema", "pregnant", "respondent_line", "start", "visit_result_other", "weight_kg"]


@pytest.mark.slow
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(removed=st.sets(st.sampled_from(unread_questions(read_form(FORM))), min_size=1, max_size=8),
       version=st.sampled_from(["2024010101", "1", "v0.9-piloto"]))
def test_removing_unread_questions_changes_no_cell(census: tuple[Path, pd.DataFrame], removed: set[str],
                                                   version: str) -> None:
    export, expected = census
    with tempfile.TemporaryDirectory() as work:
        changed = without(export, removed, version, Path(work) / "cbms_grb_hogar.zip")
        got = cells(changed, Path(work) / "cbms.duckdb")
    pd.testing.assert_frame_equal(got, expected)


@pytest.mark.slow
def test_the_death_gate_removed_as_in_the_issue(census: tuple[Path, pd.DataFrame], tmp_path: Path) -> None:
    """The reported case: `any_death` and `n_deaths` gone, another FormVersion: 0 differing cells."""
    export, expected = census
    changed = without(export, {"any_death", "n_deaths"}, "2024010101", tmp_path / "cbms_grb_hogar.zip")
    pd.testing.assert_frame_equal(cells(changed, tmp_path / "cbms.duckdb"), expected)

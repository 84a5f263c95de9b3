"""Shared fixtures: where the repo, the shipped form and the outside fixtures are; forms from markdown; a small
demo census in every export format and a way to run `cbms ingest` on a copy of its database."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import Workbook

from cbms.cli import main
from cbms.demo import write_demo
from cbms.form import FormSpec, read_form
from tests.database import content_hash

ROOT = Path(__file__).resolve().parents[1]
FORM = ROOT / "forms" / "cbms_grb_hogar.xlsx"
SHARED = Path(os.environ.get("CBMS_SHARED", ROOT.parent / "shared"))
EXTERNAL = SHARED / "fixtures" / "external"
EXPORT_FORMS = Path(__file__).parent / "ingest" / "forms"  # the forms behind the outside exports, as markdown
# .ci/run sets this: there a test that needs ../shared (the outside fixtures, the design spec) fails instead of
# skipping, so CI always runs them; a plain clone without ../shared skips them, saying why
REQUIRE_SHARED = "CBMS_REQUIRE_SHARED"


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Tests marked `outside` need ../shared beside the checkout: skip them (fail under CI) when it is absent."""
    if item.get_closest_marker("outside") is None:
        return
    missing = [p for p in (EXTERNAL, SHARED / "spec") if not p.is_dir()]
    if not missing:
        return
    reason = (f"needs ../shared beside the checkout (outside fixtures and design spec): "
              f"{', '.join(map(str, missing))} not found")
    if os.environ.get(REQUIRE_SHARED):
        pytest.fail(f"{reason}, and {REQUIRE_SHARED} is set")
    pytest.skip(reason)


def md_to_xlsx(markdown: str, target: Path) -> Path:
    """Write a form given as pyxform-style markdown tables (`| survey |` rows start a sheet) to .xlsx."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    sheet = None
    for line in markdown.strip().splitlines():
        line = line.strip()
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        if cells[0]:
            sheet = workbook.create_sheet(cells[0])
            continue
        if sheet is None or set("".join(cells[1:])) <= set("-: "):
            continue
        sheet.append([c or None for c in cells[1:]])
    workbook.save(target)
    return target


@pytest.fixture
def md_form(tmp_path: Path) -> Callable[[str], Path]:
    """Turn a markdown form into an .xlsx file in the test's temporary folder."""
    counter = iter(range(1000))

    def make(markdown: str) -> Path:
        return md_to_xlsx(markdown, tmp_path / f"form_{next(counter)}.xlsx")

    return make


@pytest.fixture
def form_of(tmp_path: Path) -> Callable[[str], FormSpec]:
    """The FormSpec of tests/ingest/forms/<name>.md."""

    def make(name: str) -> FormSpec:
        text = (EXPORT_FORMS / f"{name}.md").read_text(encoding="utf-8")
        return read_form(md_to_xlsx(text, tmp_path / f"{name}.xlsx"))

    return make


@pytest.fixture(autouse=True, scope="session")
def _form_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Forms read by the tests are cached in the session's temporary folder, not the user's cache."""
    os.environ["CBMS_CACHE_DIR"] = str(tmp_path_factory.mktemp("form-cache"))


FORMATS = ("odk-csv", "odk-odata", "kobo-json", "kobo-xlsx")


@dataclass(frozen=True)
class Census:
    """Six demo households (seed 5) written as each format's export, and a database holding the CSV load."""

    exports: dict[str, Path]
    db: Path


@pytest.fixture(scope="session")
def census(tmp_path_factory: pytest.TempPathFactory) -> Census:
    folder = tmp_path_factory.mktemp("census")
    exports = {}
    for fmt in FORMATS:
        result = write_demo(households=6, seed=5, fmt=fmt, out=folder / fmt)
        files = [p for p in result.files if p.suffix in (".zip", ".xlsx", ".json")]
        exports[fmt] = files[0] if len(files) == 1 else folder / fmt
    db = folder / "loaded.duckdb"
    assert main(["ingest", str(exports["odk-csv"]), "--db", str(db), "--form", str(FORM)]) == 0
    return Census(exports, db)


@dataclass(frozen=True)
class Outcome:
    """How `cbms ingest` ended: exit code, its last line on stderr, whether the database kept its content."""

    code: int
    last_error: str
    unchanged: bool


@pytest.fixture
def ingest(census: Census, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Callable[..., Outcome]:
    """Run `cbms ingest PATH` on a fresh copy of the census database."""

    def run(path: Path, *options: str) -> Outcome:
        db = tmp_path / "cbms.duckdb"
        shutil.copy(census.db, db)
        before = content_hash(db)
        capsys.readouterr()
        code = main([*options, "ingest", str(path), "--db", str(db), "--form", str(FORM)])
        lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
        return Outcome(code, lines[-1] if lines else "", content_hash(db) == before)

    return run

"""A small demo census in every export format, and a way to run `cbms ingest` on a copy of a loaded database."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from cbms.cli import main
from cbms.demo import FORM, write_demo
from tests.database import content_hash

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

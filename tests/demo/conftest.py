"""Demo censuses written once per test session, and readers for the exports (as text, like an analyst would)."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from cbms.demo import FORM, DemoResult, write_demo
from cbms.form import FormSpec, read_form

CLEAN = {"households": 3000, "seed": 20251}  # the plausibility and validity checks read this census
DIRTY = {"households": 1500, "seed": 77, "error_rate": 0.06}


@pytest.fixture(scope="session")
def spec() -> FormSpec:
    return read_form(FORM)


@pytest.fixture(scope="session")
def clean_csv(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    return write_demo(fmt="odk-csv", out=tmp_path_factory.mktemp("clean_csv"), **CLEAN)


@pytest.fixture(scope="session")
def dirty(tmp_path_factory: pytest.TempPathFactory) -> dict[str, DemoResult]:
    """The same census with errors, in every format."""
    return {fmt: write_demo(fmt=fmt, out=tmp_path_factory.mktemp(fmt), **DIRTY)  # type: ignore[arg-type]
            for fmt in ("odk-csv", "odk-odata", "kobo-xlsx", "kobo-json")}


def central_csv(zip_path: Path) -> dict[str, pd.DataFrame]:
    """Every file of a Central CSV zip as a text table ('' for an empty cell)."""
    out = {}
    with zipfile.ZipFile(zip_path) as zf:
        for name in zf.namelist():
            text = zf.read(name).decode("utf-8")
            out[name] = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    return out


def csv_header(zip_path: Path, name: str) -> list[str]:
    with zipfile.ZipFile(zip_path) as zf:
        return next(csv.reader(io.TextIOWrapper(zf.open(name), "utf-8")))

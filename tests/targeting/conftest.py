"""The shipped form and rules, read once, and a demo census run through the whole pipeline."""

from __future__ import annotations

from pathlib import Path

import pytest

from cbms.cli import main
from cbms.form import FormSpec, read_form
from cbms.targeting import Targeting, load_targeting
from tests.conftest import FORM


@pytest.fixture(scope="module")
def form() -> FormSpec:
    return read_form(FORM)


@pytest.fixture(scope="module")
def targeting(form: FormSpec) -> Targeting:
    return load_targeting(form)


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`cbms run --demo` (no reports or maps): its OUT folder, with cbms.duckdb and coverage.parquet."""
    out = tmp_path_factory.mktemp("demo")
    assert main(["run", "--demo", "--households", "900", "--seed", "11", "--format", "none", "--out", str(out)]) == 0
    return out

"""Every indicator against a census worked out by hand (tests/indicators/examples/<ID>.yaml)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from cbms.form import FormSpec
from cbms.indicators import Catalogue
from tests.indicators.harness import CHECKED, EXAMPLES, cell, load_example, run_example

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))




def test_every_indicator_has_an_example(catalogue: Catalogue) -> None:
    covered = {load_example(p)["indicator"] for p in EXAMPLE_FILES}
    assert sorted(i.id for i in catalogue.indicators if i.id not in covered) == []


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_example(path: Path, form: FormSpec, catalogue: Catalogue) -> None:
    example = load_example(path)
    assert str(example.get("working", "")).strip(), "write the hand working beside the expected values"
    rows = {cell(r): r for r in run_example(form, catalogue, example)}
    for expected in example["expected"]:
        key = cell(expected)
        assert key in rows, f"no cell {key}; cells: {sorted(rows, key=str)[:20]}"
        got = rows[key]
        for column in CHECKED:
            if column not in expected:
                continue
            want = expected[column]
            if want is None or isinstance(want, bool):
                assert got[column] == want, (key, column, got[column])
            else:
                assert got[column] is not None and math.isclose(float(got[column]), float(want), rel_tol=1e-6,
                                                                abs_tol=1e-4), (key, column, got[column], want)
    for absent in example.get("absent", []):
        assert cell(absent) not in rows, f"cell {cell(absent)} should not exist"

"""The shipped form, read once for all validation tests."""

from __future__ import annotations

import pytest

from cbms.form import FormSpec, read_form
from cbms.validate import Rules, load_rules
from tests.conftest import FORM


@pytest.fixture(scope="session")
def form() -> FormSpec:
    return read_form(FORM)


@pytest.fixture(scope="session")
def rules(form: FormSpec) -> Rules:
    return load_rules(form)

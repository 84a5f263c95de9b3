"""The shipped form and the checked catalogue, read once for the indicator tests."""

from __future__ import annotations

import pytest

from cbms.form import FormSpec, read_form
from cbms.indicators import Catalogue, load_catalogue
from tests.conftest import FORM


@pytest.fixture(scope="module")
def form() -> FormSpec:
    return read_form(FORM)


@pytest.fixture(scope="module")
def catalogue(form: FormSpec) -> Catalogue:
    return load_catalogue(form)

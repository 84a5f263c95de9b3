"""Fixtures of the map tests: a connection holding the tiny mart, and its sector boundaries."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from tests.maps.mart import SQUARES, build_mart, feature_collection, write_json


@pytest.fixture
def mart() -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(":memory:")
    build_mart(con)
    yield con
    con.close()


@pytest.fixture
def sectors(tmp_path: Path) -> Path:
    return write_json(tmp_path / "sectors.geojson", feature_collection(SQUARES))

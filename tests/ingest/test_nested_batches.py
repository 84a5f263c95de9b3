"""Nested exports (OData, KoBo JSON) become Arrow every few thousand rows: the table is the same as in one go."""

from __future__ import annotations

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cbms.ingest import nested
from cbms.ingest.nested import HEAD, LevelRows

NAMES = ("a", "b", "g/c", "d")
ROWS = st.lists(st.dictionaries(st.sampled_from(NAMES), st.none() | st.text(max_size=3), max_size=4), max_size=12)


def _collected(rows: list[dict[str, str | None]]) -> tuple[pa.Table, dict[str, pa.Array]]:
    level = LevelRows()
    for number, row in enumerate(rows, start=1):
        level.add(dict(row), _submission_key=f"k{number}", _row_key=f"k{number}", _row_number=number)
    return level.table()


def _expected(rows: list[dict[str, str | None]]) -> pa.Table:
    """The table built the obvious way, row by row in Python: each column in first-seen order, None where a row
    lacks it."""
    order = list(dict.fromkeys(name for row in rows for name in row))
    if not order:
        return pa.table({"_": pa.nulls(len(rows), pa.string())})
    return pa.table({name: pa.array([row.get(name) for row in rows], pa.string()) for name in order})


@settings(max_examples=200, deadline=None)
@given(rows=ROWS, batch=st.integers(1, 5))
def test_batches_give_the_table_of_one_pass(rows: list[dict[str, str | None]], batch: int) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(nested, "BATCH", batch)
        table, heads = _collected(rows)
    assert table.equals(_expected(rows))
    assert list(heads) == list(HEAD)
    assert heads["_row_number"].to_pylist() == list(range(1, len(rows) + 1))
    assert heads["_row_key"].to_pylist() == [f"k{n}" for n in range(1, len(rows) + 1)]

"""The shape every reader produces: one table of text per form level (laid out as cbms/form/layout.py says), with
keys, source and row number; in memory (Arrow), or staged on disk (Parquet) when the export is too big to hold."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeAlias

import pyarrow as pa
import pyarrow.dataset as ds

from cbms.errors import CbmsError

# where each export format says which form version collected a submission
VERSION_FIELDS = ("FormVersion", "__system/formVersion", "__version__")
# Central's and KoBo's system/metadata columns: kept in `_meta`, never mistaken for answers
CENTRAL_META = ("SubmissionDate", "SubmitterID", "SubmitterName", "AttachmentsPresent", "AttachmentsExpected",
                "Status", "ReviewState", "DeviceID", "Edits", "FormVersion")
GEOPOINT_PARTS = ("Latitude", "Longitude", "Altitude", "Accuracy")


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file that came in, with its sha256."""

    path: Path
    sha256: str


# A level's rows: an Arrow table, or a Parquet file staged on disk that carries its row order in `_ord` (0..n-1)
Table: TypeAlias = pa.Table | ds.Dataset
ORDER = "_ord"


@dataclass(frozen=True, slots=True)
class Export:
    """One export read into text tables: `tables[level]` for the root (ROOT) and each repeat."""

    format: str
    form_id: str | None
    sources: tuple[SourceFile, ...]
    tables: Mapping[str, Table]
    warnings: tuple[CbmsError, ...] = ()  # things guessed or mended while reading, each in either language
    # `_source_file` value -> (the file as the user named it, its sha256); filled by read_export
    source_of: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    scratch: object = None  # what holds staged tables' files on disk (removed with the last reference to it)


def row_count(table: Table) -> int:
    """How many rows a level has."""
    return table.num_rows if isinstance(table, pa.Table) else int(table.count_rows())


def first_rows(table: Table, n: int, columns: list[str]) -> pa.Table:
    """The first `n` rows of some columns of a level."""
    if isinstance(table, pa.Table):
        return table.select(columns).slice(0, n)
    return table.head(n, columns=columns)


def column_batches(table: Table, column: str) -> Iterator[pa.Array]:
    """One column of a level, a batch at a time (a staged level is never read whole)."""
    if isinstance(table, pa.Table):
        yield from table.column(column).chunks
    else:
        for batch in table.to_batches(columns=[column]):
            yield batch.column(0)


def child_key(parent_key: str, relative_path: tuple[str, ...], position: int) -> str:
    """A repeat row's key in Central's CSV spelling: `<parent key>/<path from parent>[<1-based position>]`."""
    return f"{parent_key}/{'/'.join(relative_path)}[{position}]"

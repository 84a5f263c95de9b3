"""The shape every reader produces: one table of text per form level (laid out as cbms/form/layout.py says), with
keys, source and row number."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

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


@dataclass(frozen=True, slots=True)
class Export:
    """One export read into text tables: `tables[level]` for the root (ROOT) and each repeat."""

    format: str
    form_id: str | None
    sources: tuple[SourceFile, ...]
    tables: Mapping[str, pa.Table]
    warnings: tuple[CbmsError, ...] = ()  # things guessed or mended while reading, each in either language
    # `_source_file` value -> (the file as the user named it, its sha256); filled by read_export
    source_of: Mapping[str, tuple[str, str]] = field(default_factory=dict)


def child_key(parent_key: str, relative_path: tuple[str, ...], position: int) -> str:
    """A repeat row's key in Central's CSV spelling: `<parent key>/<path from parent>[<1-based position>]`."""
    return f"{parent_key}/{'/'.join(relative_path)}[{position}]"

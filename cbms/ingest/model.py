"""The shape every reader produces: one table of text per form level, with keys, source and row number."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from cbms.errors import CbmsError
from cbms.form.spec import FormSpec, Question

ROOT = "household"  # name of the root level's table (the submission itself)

# system columns every raw table carries, in this order, before the form's fields
KEY_COLUMNS = ("_submission_key", "_version_id", "_row_key", "_parent_key")
VERSION_COLUMNS = ("_submitted_at", "_edits", "_deprecated_id")  # which version is newest (root only)
FORM_VERSION = "_form_version"  # the form version that collected the submission, as the server says (root only)
SOURCE_COLUMNS = ("_source_file", "_row_number")
HEAD_COLUMNS = KEY_COLUMNS + VERSION_COLUMNS + (FORM_VERSION,) + SOURCE_COLUMNS
# JSON text: server metadata; columns the form does not know; and (root only) the form's columns the export's
# files did not carry, per level ({"household": ["any_death"]}): those answers are unknown, not empty
ABSENT = "_absent"
TAIL_COLUMNS = ("_meta", "_extra", ABSENT)

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


def level_name(repeat: str | None) -> str:
    """The table name of a form level."""
    return ROOT if repeat is None else repeat


def parent_level(form: FormSpec, level: str) -> str | None:
    """The table a level's rows point to (None for the root)."""
    if level == ROOT:
        return None
    repeat = next(r for r in form.repeats if r.name == level)
    return level_name(repeat.parent)


def _name_counts(form: FormSpec) -> dict[tuple[str, str], int]:
    counts: dict[tuple[str, str], int] = {}
    for q in form.questions:
        if q.stores_data:
            key = (level_name(q.repeat), q.name)
            counts[key] = counts.get(key, 0) + 1
    return counts


def field_columns(form: FormSpec) -> dict[str, tuple[str, ...]]:
    """Raw column names per level: the question's name, or its path when the name repeats in its level."""
    counts = _name_counts(form)
    out: dict[str, list[str]] = {level_name(r): [] for r in form.tables}
    for q in form.questions:
        if q.stores_data:
            level = level_name(q.repeat)
            out[level].append(column_name(q, counts[(level, q.name)] > 1))
    return {k: tuple(v) for k, v in out.items()}


def column_name(question: Question, ambiguous: bool) -> str:
    """The raw column of a question: its name, or its '/'-joined path when another question shares it."""
    return "/".join(question.path) if ambiguous else question.name


def repeat_root(form: FormSpec, level: str) -> tuple[str, ...]:
    """The path of a repeat from the form root (empty for the root level)."""
    if level == ROOT:
        return ()
    return next(r.path for r in form.repeats if r.name == level)


def aliases(form: FormSpec) -> dict[str, dict[str, str]]:
    """Per level: every way an export may spell a question's column -> the raw column name.

    Full path with '/' (KoBo) or '-' (Central), the path relative to its repeat (Central repeat files,
    OData), and the bare name where it is unique in the level (Central's `groupPaths=false`).
    """
    counts = _name_counts(form)
    out: dict[str, dict[str, str]] = {level_name(r): {} for r in form.tables}
    for q in form.questions:
        if not q.stores_data:
            continue
        level = level_name(q.repeat)
        unique = counts[(level, q.name)] == 1
        raw = column_name(q, not unique)
        relative = q.path[len(repeat_root(form, level)):]
        spellings = ["/".join(q.path), "-".join(q.path), "/".join(relative), "-".join(relative)]
        if unique:
            spellings.append(q.name)
        for spelling in spellings:
            out[level].setdefault(spelling, raw)
    return out


def child_key(parent_key: str, relative_path: tuple[str, ...], position: int) -> str:
    """A repeat row's key in Central's CSV spelling: `<parent key>/<path from parent>[<1-based position>]`."""
    return f"{parent_key}/{'/'.join(relative_path)}[{position}]"

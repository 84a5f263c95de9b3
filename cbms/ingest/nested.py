"""Turn nested submissions (OData, KoBo API JSON) into one flat text table per form level."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from cbms.errors import ING_013, CbmsError
from cbms.form.layout import ROOT, layout_of, level_name
from cbms.form.spec import FormSpec
from cbms.ingest.columns import map_columns, normalise
from cbms.ingest.model import child_key


def as_text(value: Any) -> str | None:
    """An answer as the text an ODK export would carry: numbers without '.0', objects as JSON."""
    if type(value) is str:  # exactly str, the common case, first
        return value or None
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def excerpt(value: Any, limit: int = 60) -> str:
    """A short JSON rendering of a value for a message."""
    text = json.dumps(value, ensure_ascii=False, default=str)[: limit + 1]
    return text if len(text) <= limit else text[:limit] + "…"


HEAD = ("_submission_key", "_version_id", "_row_key", "_parent_key", "_submitted_at", "_edits", "_deprecated_id",
        "_source_file", "_row_number")


@dataclass
class LevelRows:
    """Rows collected for one level, each a dict of export column -> text, plus their keys."""

    rows: list[dict[str, str | None]] = field(default_factory=list)
    heads: list[tuple[Any, ...]] = field(default_factory=list)  # one tuple per row, in HEAD order
    columns: dict[str, None] = field(default_factory=dict)  # every column met, in first-seen order

    def add(self, row: dict[str, str | None], **head: Any) -> None:
        self.rows.append(row)
        self.columns.update(dict.fromkeys(row))
        self.heads.append(tuple(head.get(name) for name in HEAD))

    def head(self) -> dict[str, pa.Array]:
        """The key columns, one Arrow array each."""
        columns = list(zip(*self.heads, strict=True)) if self.heads else [() for _ in HEAD]
        return {name: pa.array(values, pa.int64() if name == "_row_number" else pa.string())
                for name, values in zip(HEAD, columns, strict=True)}


class Collector:
    """Collects rows per level for a form; repeats found in the data must exist in the form."""

    def __init__(self, form: FormSpec, where: str) -> None:
        self.form = form
        self.where = where
        self.levels: dict[str, LevelRows] = {level_name(r): LevelRows() for r in form.tables}
        self.repeats = {r.name: r for r in form.repeats}

    def has_repeat(self, name: str) -> bool:
        """Whether a name met in the data is a repeat of the form (by the last element of its path)."""
        return name.rsplit("/", 1)[-1] in self.repeats

    def repeat_level(self, name: str) -> str:
        """The level of a repeat met in the data, by its name (the last element of its path)."""
        short = name.rsplit("/", 1)[-1]
        if short not in self.repeats:
            raise CbmsError(ING_013, path=self.where, name=name)
        return short

    def relative_path(self, level: str, parent_level: str) -> tuple[str, ...]:
        """The path of a repeat from its parent level, as Central writes it in keys."""
        return layout_of(self.form).repeat_root(level)[len(layout_of(self.form).repeat_root(parent_level)):]

    def key(self, parent_key: str, level: str, parent_level: str, position: int) -> str:
        """A child row's key in Central's CSV spelling."""
        return child_key(parent_key, self.relative_path(level, parent_level), position)

    def tables(self, meta: tuple[str, ...]) -> dict[str, pa.Table]:
        """The normalised raw table of every level."""
        out: dict[str, pa.Table] = {}
        for level, collected in self.levels.items():
            # records of different form versions carry different keys: the union, in first-seen order;
            # pyarrow turns the rows into columns in C++ (a list per column in Python took 3x longer)
            schema = pa.schema([(c, pa.string()) for c in collected.columns])
            table = pa.Table.from_pylist(collected.rows, schema=schema)
            mapping = map_columns(self.form, level, table.column_names, meta)
            out[level] = normalise(self.form, level, _with_rows(table, len(collected.rows)), mapping,
                                   collected.head())
        return out


def _with_rows(table: pa.Table, rows: int) -> pa.Table:
    return table if table.num_columns else pa.table({"_": pa.nulls(rows, pa.string())})


__all__ = ["ROOT", "Collector", "as_text", "excerpt"]

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


BATCH = 10_000  # rows held as Python dicts before they become Arrow
ROWS = "\x00rows"  # a column no export has


@dataclass
class LevelRows:
    """Rows collected for one level, each a dict of export column -> text, plus their keys; every BATCH rows they
    become an Arrow table (a dict of text per row costs ten times its Arrow column)."""

    rows: list[dict[str, str | None]] = field(default_factory=list)  # the rows not yet turned into Arrow
    heads: list[tuple[Any, ...]] = field(default_factory=list)  # one tuple per row, in HEAD order
    columns: dict[str, None] = field(default_factory=dict)  # every column met, in first-seen order
    batches: list[tuple[pa.Table, dict[str, pa.Array]]] = field(default_factory=list)  # rows and keys, as Arrow
    count: int = 0  # rows added

    def add(self, row: dict[str, str | None], **head: Any) -> None:
        self.rows.append(row)
        self.columns.update(dict.fromkeys(row))
        self.heads.append(tuple(head.get(name) for name in HEAD))
        self.count += 1
        if len(self.rows) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        # pyarrow turns the rows into columns in C++ (a list per column in Python took 3x longer)
        # a row with no answer still counts: the placeholder column (no export's) keeps every row of the batch
        schema = pa.schema([(ROWS, pa.string()), *((c, pa.string()) for c in self.columns)])
        columns = list(zip(*self.heads, strict=True)) if self.heads else [() for _ in HEAD]
        heads = {name: pa.array(values, pa.int64() if name == "_row_number" else pa.string())
                 for name, values in zip(HEAD, columns, strict=True)}
        self.batches.append((pa.Table.from_pylist(self.rows, schema=schema), heads))
        self.rows, self.heads = [], []

    def table(self) -> tuple[pa.Table, dict[str, pa.Array]]:
        """Every row as one text table, its columns the union in first-seen order (records of different form
        versions carry different keys), and the key columns, one Arrow array each."""
        if self.rows or not self.batches:
            self._flush()
        table = pa.concat_tables([t for t, _ in self.batches], promote_options="default")
        table = table.select(list(self.columns)) if self.columns else \
            pa.table({"_": pa.nulls(self.count, pa.string())})
        heads = {name: pa.concat_arrays([h[name] for _, h in self.batches]) for name in HEAD}
        self.batches = []
        return table, heads


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
            table, heads = collected.table()
            mapping = map_columns(self.form, level, table.column_names, meta)
            out[level] = normalise(self.form, level, table, mapping, heads)
        return out


__all__ = ["ROOT", "Collector", "as_text", "excerpt"]

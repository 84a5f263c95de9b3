"""Map an export's columns onto the form's: fields by any spelling, split geopoints and select_multiples
rebuilt, server metadata and unknown columns kept as JSON. Every reader ends here."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from cbms.form.layout import ABSENT, FORM_VERSION, HEAD_COLUMNS, ROOT, layout_of
from cbms.form.spec import FormSpec
from cbms.ingest.model import GEOPOINT_PARTS, VERSION_FIELDS

STRING = pa.string()
# Table metadata: the form's fields an export with a header (CSV, XLSX) does not carry at all, as a JSON list.
# Comparing versions leaves them out (a column KoBo's XLSX never writes is not an answer that was erased), and
# the root table's `_absent` column keeps them per submission for validation (see mark_absent).
ABSENT_METADATA = b"cbms:absent"


@dataclass(frozen=True, slots=True)
class LevelMap:
    """How one level's export columns land in raw columns."""

    fields: Mapping[str, str]  # export column -> raw column (several columns may feed one: coalesced)
    geopoints: Mapping[str, Mapping[str, str]]  # raw column -> {part: export column}
    splits: Mapping[str, Mapping[str, str]]  # raw select_multiple column -> {code: export column}
    meta: tuple[str, ...]  # export columns kept in _meta
    extra: tuple[str, ...]  # export columns the form does not know, kept in _extra


def map_columns(form: FormSpec, level: str, columns: Sequence[str], meta: Sequence[str],
                separators: str = "/-") -> LevelMap:
    """Sort an export level's columns into fields, geopoint parts, select_multiple splits, meta, extra."""
    spell = layout_of(form).spellings[level]
    names = {q.name for q in form.questions if q.stores_data and q.name in spell}  # bare, unique in level
    names |= {old for old in form.aliases if old in spell}  # and earlier names (a crosswalk's), likewise
    types = {raw: q.type for q in form.questions if q.stores_data
             for raw in [spell.get("/".join(q.path)) or spell.get(q.name)] if raw}
    fields: dict[str, str] = {}
    geopoints: dict[str, dict[str, str]] = {}
    splits: dict[str, dict[str, str]] = {}
    kept_meta: list[str] = []
    extra: list[str] = []
    for column in columns:
        if column in meta:
            kept_meta.append(column)
            continue
        if column in spell:
            fields[column] = spell[column]
            continue
        stem, sep, tail = _split_last(column, separators)
        raw = spell.get(stem) if sep else None
        renamed = spell.get(tail) if sep and tail in names else None
        if raw and types.get(raw) == "geopoint" and tail in GEOPOINT_PARTS:
            geopoints.setdefault(raw, {})[tail] = column
        elif raw and types.get(raw) == "select_multiple":
            splits.setdefault(raw, {})[tail] = column
        elif renamed:  # a group renamed in another form version (`v1/hh_sex` for `v0/hh_sex`): same question
            fields[column] = renamed
        elif column.startswith(("meta-", "meta/", "_")) or column in ("formhub/uuid", "__version__") or (
                sep and tail.startswith("_")):  # KoBo's own columns in a group: `ident/_gps_latitude`, ...
            kept_meta.append(column)
        else:
            extra.append(column)
    return LevelMap(fields, geopoints, splits, tuple(kept_meta), tuple(extra))


def absent_in(table: pa.Table) -> list[str]:
    """The form's fields a level's file did not carry (what normalise(header=True) noted in its metadata)."""
    return list(json.loads((table.schema.metadata or {}).get(ABSENT_METADATA, b"[]")))


def mark_absent(tables: Mapping[str, pa.Table]) -> pa.Table:
    """The root table with `_absent` on every row: per level, the form's columns its file lacked (a file's
    header is the same for every submission in it)."""
    lacking = {level: absent_in(table) for level, table in tables.items() if absent_in(table)}
    value = json.dumps(lacking, sort_keys=True) if lacking else None
    root = tables[ROOT]
    return root.set_column(root.schema.get_field_index(ABSENT), ABSENT,
                           pa.repeat(pa.scalar(value, STRING), root.num_rows))


def _split_last(column: str, separators: str) -> tuple[str, str, str]:
    cut = max(column.rfind(s) for s in separators)
    if cut <= 0:
        return column, "", ""
    return column[:cut], column[cut], column[cut + 1:]


def _json_column(table: pa.Table, columns: Sequence[str]) -> pa.Array:
    """One JSON object per row holding the given columns' non-empty values (NULL when all are empty)."""
    if not columns:
        return pa.nulls(table.num_rows, STRING)
    # a merge patch onto {} drops the keys whose value is null (RFC 7386): 4x faster than filtering a list
    # keys in name order whatever the export's column order: versions are compared on this text too; the
    # columns are read by position (c0, c1, ...): a name may be empty or anything else a header holds
    ordered = sorted(columns)
    entries = ", ".join(f"'{_sql_str(c)}', nullif(c{i}::VARCHAR, '')" for i, c in enumerate(ordered))
    sql = f"SELECT nullif(json_merge_patch('{{}}', json_object({entries}))::VARCHAR, '{{}}') AS j FROM t"
    con = _connection()
    con.register("t", table.select(ordered).rename_columns([f"c{i}" for i in range(len(ordered))]))
    try:
        return con.sql(sql).to_arrow_table().column("j")
    finally:
        con.unregister("t")


@cache
def _connection() -> duckdb.DuckDBPyConnection:
    """One in-memory DuckDB for building JSON columns (opening one per column cost ~40 ms each)."""
    return duckdb.connect()


def _sql_str(text: str) -> str:
    return text.replace("'", "''")


def _as_is(array: pa.Array) -> pa.Array:
    return array


def _null_if_empty(array: pa.Array) -> pa.Array:
    return pc.if_else(pc.equal(array, ""), pa.scalar(None, STRING), array)


def normalise(form: FormSpec, level: str, table: pa.Table, mapping: LevelMap,
              head: Mapping[str, pa.Array], blanks_are_null: bool = False, header: bool = False) -> pa.Table:
    """The raw table of a level: head columns (keys, versions, source), the form's fields, _meta, _extra.

    `blanks_are_null`: the reader already made every empty cell null (the CSV parser does), so answers are
    taken as they are instead of being scanned again. `header`: the export names every column it carries (CSV,
    XLSX; JSON leaves unanswered questions out), so a field with no column is marked ABSENT."""
    blank = _as_is if blanks_are_null else _null_if_empty
    rows = table.num_rows
    out: dict[str, pa.Array] = {}
    version = next((table.column(c) for c in VERSION_FIELDS if c in table.column_names), None)
    for name in HEAD_COLUMNS:
        value = head.get(name, version if name == FORM_VERSION else None)
        out[name] = pa.nulls(rows, STRING) if value is None else value.cast(STRING)
    absent: list[str] = []
    by_raw: dict[str, list[str]] = {}
    for column, raw in mapping.fields.items():
        by_raw.setdefault(raw, []).append(column)
    for raw in layout_of(form).fields[level]:
        if raw in by_raw:
            arrays = [blank(table.column(c).cast(STRING)) for c in by_raw[raw]]
            out[raw] = arrays[0] if len(arrays) == 1 else pc.coalesce(*arrays)
        elif raw in mapping.geopoints:
            parts = mapping.geopoints[raw]
            arrays = [table.column(parts[p]).cast(STRING) if p in parts
                      else pa.nulls(rows, STRING) for p in GEOPOINT_PARTS]
            joined = pc.binary_join_element_wise(*arrays, " ", null_handling="replace", null_replacement="")
            out[raw] = _null_if_empty(pc.utf8_trim_whitespace(joined))
        elif raw in mapping.splits:
            picked = [pc.if_else(pc.equal(table.column(col).cast(STRING), "1"),
                                 pa.scalar(code, STRING), pa.scalar(None, STRING))
                      for code, col in mapping.splits[raw].items()]
            # (null_handling="skip" returned a short array in pyarrow 26: replace and squeeze instead)
            joined = pc.binary_join_element_wise(*picked, " ", null_handling="replace", null_replacement="")
            squeezed = pc.utf8_trim_whitespace(pc.replace_substring_regex(joined, r"\s+", " "))
            out[raw] = _null_if_empty(squeezed)
        else:
            out[raw] = pa.nulls(rows, STRING)
            absent.append(raw)
    out["_meta"] = _json_column(table, mapping.meta)
    out["_extra"] = _json_column(table, mapping.extra)
    out[ABSENT] = pa.nulls(rows, STRING)
    return pa.table(out, metadata={ABSENT_METADATA: json.dumps(absent)} if header else None)

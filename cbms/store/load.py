"""Write an export into raw.*: one transaction; same export twice changes nothing; edits replace, history kept.

Within one export, rows that share a submission key are told apart by their occurrence (the n-th root row
with that key owns the n-th child row with each child key; when the root row comes again but none of its child
rows does, every copy owns those children): identical copies are duplicates (kept once); different contents are
versions, the newest (not deprecated by another, most edits, latest submission, last in file) becomes current
and the others go to raw.submission_versions.

Contents are compared by their meaning under the form's types, so the same census in another export format is
"unchanged": numbers as numbers (`9.0` = `9`), geopoints part by part, dates and date-times as instants,
select_multiple codes in any order. Columns the form does not know (`_extra`) count too: they may be answers of
another form version. The form's `meta` block (instanceID, instanceName: which version, not what was answered),
server metadata (`_meta`) and columns an export does not carry at all (KoBo's XLSX has no instanceID) are left
out.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from cbms import __version__
from cbms.errors import CbmsError
from cbms.form.layout import HEAD_COLUMNS, ROOT, TAIL_COLUMNS, layout_of
from cbms.form.spec import FormSpec
from cbms.ingest.columns import ABSENT_METADATA
from cbms.ingest.model import ORDER, Export, Table
from cbms.store.db import ensure_form, quote, sql_text, transaction
from cbms.store.rounds import only_round, refresh, round_column, round_of, rows, table

SEP = "chr(31)"
NUMBERS = frozenset({"integer", "decimal", "range"})
INSTANTS = frozenset({"dateTime", "datetime", "start", "end"})
GEOMETRIES = frozenset({"geotrace", "geoshape"})
Compared = Mapping[str, tuple[tuple[str, str], ...]]  # level -> (raw column, XLSForm type) of each compared answer


@dataclass(frozen=True, slots=True)
class LoadReport:
    """What one load did, per submission and per table."""

    load_id: int | None  # None when nothing changed (no load is recorded)
    format: str
    sources: tuple[str, ...]
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    stale: int = 0  # an older version than the one stored: ignored
    duplicates: int = 0
    conflicts: int = 0  # same version id, different content: kept in submission_versions for validation
    superseded: int = 0  # older versions inside this export, kept in submission_versions
    rows: Mapping[str, int] = field(default_factory=dict)  # rows written per table
    orphans: Mapping[str, int] = field(default_factory=dict)  # child rows whose submission has no root row
    warnings: tuple[CbmsError, ...] = ()


def compared_answers(form: FormSpec, export: Export) -> dict[str, tuple[tuple[str, str], ...]]:
    """Per level, the answers a comparison reads, with their types (see the module's docstring)."""
    out: dict[str, tuple[tuple[str, str], ...]] = {}
    for repeat, (level, columns) in zip(form.tables, layout_of(form).fields.items(), strict=True):
        table = export.tables.get(level)
        metadata = (table.schema.metadata or {}) if table is not None else {}
        absent = set(json.loads(metadata.get(ABSENT_METADATA, b"[]")))
        out[level] = tuple((c, q.type) for c, q in zip(columns, form.table(repeat), strict=True)
                           if q.path[0] != "meta" and c not in absent)
    return out


def _number(text: str) -> str:
    return f"coalesce(CAST(TRY_CAST(trim({text}) AS DOUBLE) AS VARCHAR), {text})"


def _point(text: str) -> str:
    """`lat lon alt acc`, each part as a number; a missing altitude or accuracy reads as 0 (as Collect and the
    OData reader write it)."""
    parts = f"string_split_regex(trim({text}), '\\s+')"
    padded = f"CASE WHEN len({parts}) < 4 THEN list_resize({parts}, 4, '0') ELSE {parts} END"
    return f"array_to_string(list_transform({padded}, lambda x: {_number('x')}), ' ')"


def canonical_sql(column: str, kind: str) -> str:
    """SQL of an answer as its meaning under its XLSForm type, as text (the text itself when it does not parse)."""
    c = quote(column)
    if kind in NUMBERS:
        return _number(c)
    if kind == "geopoint":
        return f"coalesce({_point(c)}, {c})"
    if kind in GEOMETRIES:
        points = f"list_transform(string_split(trim({c}), ';'), lambda p: {_point('p')})"
        return f"coalesce(array_to_string({points}, ';'), {c})"
    if kind == "date":
        return f"coalesce(CAST(TRY_CAST(left(trim({c}), 10) AS DATE) AS VARCHAR), {c})"
    if kind in INSTANTS:
        return f"coalesce(CAST(epoch_ms(TRY_CAST(trim({c}) AS TIMESTAMPTZ)) AS VARCHAR), {c})"
    if kind == "time":
        return f"coalesce(CAST(TRY_CAST(trim({c}) AS TIMETZ) AS VARCHAR), {c})"
    if kind == "select_multiple":
        return f"array_to_string(list_sort(string_split_regex(trim({c}), '\\s+')), ' ')"
    return c


def _row_hash_sql(level: str, fields: tuple[tuple[str, str], ...], meaning: bool) -> str:
    """A row's 64-bit share of its submission's content hash (md5: the same in every DuckDB version), over the
    answers' meaning or, cheaper, their text."""
    parts = ", ".join(f"coalesce({canonical_sql(c, kind) if meaning else quote(c)}, chr(0))"
                      for c, kind in (("_row_key", "text"), ("_parent_key", "text"), *fields, ("_extra", "text")))
    return f"md5_number_upper(concat_ws({SEP}, '{level}', {parts}))"


def _content_hash_sql(levels: Compared, rows: Mapping[str, str], meaning: bool = True) -> str:
    """SQL of (submission key, occurrence, content hash) over the given row sources, one per level.

    The hash is a sum of the rows' shares: the same whatever the order of the rows, so nothing is sorted."""
    union = " UNION ALL ".join(
        f"SELECT _submission_key, _occ, {_row_hash_sql(lv, fields, meaning)} AS _h FROM ({rows[lv]})"
        for lv, fields in levels.items())
    return f"SELECT _submission_key, _occ, md5(CAST(sum(_h) AS VARCHAR)) AS _content_hash FROM ({union}) GROUP BY ALL"


def _stage(con: duckdb.DuckDBPyConnection, export: Export,
           levels: Mapping[str, tuple[str, ...]]) -> dict[str, Table]:
    """Register each level's rows (`in_<level>`) and their keys and occurrence (`inc_<level>`)."""
    staged: dict[str, Table] = {}
    for level, fields in levels.items():
        table = export.tables.get(level)
        if table is None:
            columns = [*HEAD_COLUMNS, *fields, *TAIL_COLUMNS]
            table = pa.table({c: pa.array([], pa.int64() if c == "_row_number" else pa.string()) for c in columns})
        if isinstance(table, pa.Table):
            # the rows stay in Arrow; only their keys are computed (`_ord` links them back)
            staged[level] = table.append_column(ORDER, pa.array(np.arange(table.num_rows)))
            con.register(f"in_{level}", staged[level])
        else:  # staged on disk with their `_ord`: DuckDB reads the Parquet itself, within its memory limit
            staged[level] = table
            files = ", ".join(sql_text(f) for f in table.files)
            con.execute(f"CREATE OR REPLACE TEMP VIEW in_{level} AS SELECT * FROM read_parquet([{files}])")
        repeated = con.execute(f"SELECT count(*) > count(DISTINCT _row_key) FROM in_{level}").fetchall()[0][0]
        occurrence = ("row_number() OVER (PARTITION BY _row_key ORDER BY _source_file, _row_number)"
                      if repeated else "1")  # the sort is only needed when a key comes twice
        # the keys in DuckDB, which spills what its memory limit cannot hold (a million households' keys: ~1 GB)
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE inc_{level} AS
            SELECT _ord, _submission_key, _row_key, _version_id, _edits, _submitted_at, _deprecated_id,
                   CAST({occurrence} AS BIGINT) AS _occ
            FROM in_{level}""")
    _share_children(con, levels)
    return staged


def _share_children(con: duckdb.DuckDBPyConnection, levels: Mapping[str, tuple[str, ...]]) -> None:
    """A root row that comes again without its child rows (a copy of the household line, not of its members)
    shares the children of its submission: each copy owns them, so none of them is lost with a copy.

    Only when none of the submission's child rows comes twice: then the copies can be told apart by occurrence."""
    children = [lv for lv in levels if lv != ROOT]
    if not children or not _count(con, f"inc_{ROOT}", "WHERE _occ > 1"):
        return
    repeated_children = " UNION ".join(f"SELECT _submission_key FROM inc_{lv} WHERE _occ > 1" for lv in children)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE inc_shared AS
        SELECT _submission_key, max(_occ) AS copies FROM inc_{ROOT} GROUP BY ALL
        HAVING max(_occ) > 1 AND _submission_key NOT IN ({repeated_children})""")
    for level in children:
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE inc_expanded AS
            SELECT k.* EXCLUDE (_occ), CAST(unnest(generate_series(1, s.copies)) AS BIGINT) AS _occ
            FROM inc_{level} k JOIN inc_shared s USING (_submission_key)
            UNION ALL
            SELECT * FROM inc_{level} WHERE _submission_key NOT IN (SELECT _submission_key FROM inc_shared)""")
        con.execute(f"DROP TABLE inc_{level}")
        con.execute(f"ALTER TABLE inc_expanded RENAME TO inc_{level}")


def _resolve(con: duckdb.DuckDBPyConnection, levels: Compared, staged: Mapping[str, Table]) -> None:
    """Hash the contents that must be compared, and rank the versions of each submission in the export.

    Only submissions that come more than once in the export, or are already stored, are hashed: the others
    are new and compare with nothing. A stored version's hash is computed again from its raw rows, so a
    comparison never depends on a hash written by an earlier cbms or form version. Text first: a submission
    sent once whose answers are the stored text is unchanged (`raw_same`); only the others are hashed by
    meaning (at 20,000 households a reload took 0.3 s longer when every row was)."""
    repeats = " UNION ".join(f"SELECT _submission_key FROM inc_{lv} WHERE _occ > 1" for lv in levels)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE inc_compare AS
        {repeats}
        UNION SELECT c._submission_key FROM {rows(con, "raw.submission_versions")} c SEMI JOIN inc_{ROOT} r
              ON r._submission_key = c._submission_key WHERE c.status = 'current'""")
    for lv in levels:  # the few rows to hash, taken out of Arrow (a join would read every row's answers)
        chosen = con.sql(f"SELECT _ord, _occ FROM inc_{lv} WHERE _submission_key IN "
                         f"(SELECT _submission_key FROM inc_compare) ORDER BY _ord").to_arrow_table()
        table = staged[lv]
        if isinstance(table, pa.Table):
            taken = table.take(chosen.column(ORDER))
        else:  # staged on disk: only the chosen rows are read
            con.register("cmp_chosen", chosen)
            taken = con.sql(f"SELECT * FROM in_{lv} WHERE _ord IN (SELECT _ord FROM cmp_chosen) ORDER BY _ord") \
                .to_arrow_table()
            con.unregister("cmp_chosen")
        con.register(f"cmp_{lv}", taken.append_column("_occ", chosen.column("_occ")))
    incoming = {lv: f"SELECT * FROM cmp_{lv}" for lv in levels}
    stored = {lv: f"SELECT *, 1 AS _occ FROM {rows(con, f'raw.{quote(lv)}')} "
                  f"WHERE _submission_key IN (SELECT _submission_key FROM inc_compare)" for lv in levels}
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE raw_same AS
        SELECT i._submission_key
        FROM ({_content_hash_sql(levels, incoming, meaning=False)}) i
        JOIN ({_content_hash_sql(levels, stored, meaning=False)}) c USING (_submission_key)
        WHERE i._content_hash = c._content_hash
          AND i._submission_key NOT IN (SELECT _submission_key FROM inc_{ROOT} WHERE _occ > 1)""")
    other = "_submission_key NOT IN (SELECT _submission_key FROM raw_same)"
    if _count(con, "inc_compare") == _count(con, "raw_same"):  # a reload of the same text: nothing else to read
        other = "FALSE"
    incoming = {lv: f"SELECT * FROM ({sql}) WHERE {other}" for lv, sql in incoming.items()}
    stored = {lv: f"SELECT * FROM ({sql}) WHERE {other}" for lv, sql in stored.items()}
    con.execute(f"CREATE OR REPLACE TEMP TABLE inc_hash AS {_content_hash_sql(levels, incoming)}")
    con.execute(f"CREATE OR REPLACE TEMP TABLE cur_hash AS {_content_hash_sql(levels, stored)}")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE inc_sub AS
        WITH r AS (
            SELECT r._submission_key, r._occ, r._version_id, r._edits, r._submitted_at, r._deprecated_id,
                   h._content_hash
            FROM inc_{ROOT} r LEFT JOIN inc_hash h USING (_submission_key, _occ)),
        several AS (SELECT _submission_key FROM r GROUP BY ALL HAVING count(*) > 1),
        distinct_content AS (  -- only keys that come more than once need telling apart
            SELECT *, row_number() OVER (PARTITION BY _submission_key, _content_hash ORDER BY _occ) AS _copy
            FROM r SEMI JOIN several USING (_submission_key)),
        ranked AS (
            SELECT d.*,
                   row_number() OVER (PARTITION BY _submission_key ORDER BY
                       (_version_id IN (SELECT x._deprecated_id FROM r x
                                        WHERE x._submission_key = d._submission_key
                                          AND x._deprecated_id IS NOT NULL)),
                       try_cast(_edits AS INTEGER) DESC NULLS LAST, _submitted_at DESC NULLS LAST, _occ DESC)
                   AS _rank
            FROM distinct_content d WHERE _copy = 1)
        SELECT r.*, CASE WHEN s._submission_key IS NULL THEN 1 ELSE coalesce(k._rank, 0) END AS _rank,
               (s._submission_key IS NOT NULL AND k._rank IS NULL) AS _duplicate
        FROM r LEFT JOIN several s USING (_submission_key) LEFT JOIN ranked k USING (_submission_key, _occ)""")


def _classify(con: duckdb.DuckDBPyConnection) -> None:
    versions = rows(con, "raw.submission_versions")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE inc_action AS
        SELECT w._submission_key, w._occ, w._version_id, w._content_hash,
               CASE WHEN c._submission_key IS NULL THEN 'new'
                    WHEN w._submission_key IN (SELECT _submission_key FROM raw_same)
                         OR h._content_hash = w._content_hash THEN 'unchanged'
                    WHEN EXISTS (SELECT 1 FROM {versions} v
                                 WHERE v._submission_key = w._submission_key AND v._version_id = w._version_id
                                   AND v.status = 'superseded') THEN 'stale'
                    ELSE 'updated' END AS action
        FROM inc_sub w
        LEFT JOIN {versions} c ON c._submission_key = w._submission_key AND c.status = 'current'
        LEFT JOIN cur_hash h ON h._submission_key = w._submission_key
        WHERE w._rank = 1""")


def _content_json(con: duckdb.DuckDBPyConnection, levels: Mapping[str, tuple[str, ...]], source: str,
                  keys_sql: str) -> str:
    """SQL of (submission key, occurrence, JSON of every row of that version) for the chosen keys."""
    if source == "inc":
        parts = " UNION ALL ".join(
            f"SELECT k._submission_key, k._occ, '{lv}' AS lv, "
            f"to_json(list(t ORDER BY t._row_key))::VARCHAR AS j "
            f"FROM (SELECT * EXCLUDE (_ord), _ord AS _o FROM in_{lv}) t JOIN inc_{lv} k ON k._ord = t._o "
            f"WHERE (k._submission_key, k._occ) IN ({keys_sql}) GROUP BY ALL"
            for lv in levels)
    else:
        parts = " UNION ALL ".join(
            f"SELECT _submission_key, 1 AS _occ, '{lv}' AS lv, to_json(list(t ORDER BY _row_key))::VARCHAR AS j "
            f"FROM {rows(con, f'raw.{quote(lv)}')} t WHERE (_submission_key, 1) IN ({keys_sql}) GROUP BY ALL"
            for lv in levels)
    return (f"SELECT _submission_key, _occ, '{{' || string_agg(to_json(lv)::VARCHAR || ':' || j, ',' "
            f"ORDER BY lv) || '}}' AS content FROM ({parts}) GROUP BY ALL")


def _kept_rows(con: duckdb.DuckDBPyConnection, level: str) -> pa.Table:
    """`_ord` of the rows of a level to insert: those of new and updated versions, and, in a repeat, rows
    whose submission has no root row anywhere (kept once; validation reports them)."""
    orphan = "FALSE" if level == ROOT else (
        f"(k._occ = 1 AND k._submission_key NOT IN (SELECT _submission_key FROM inc_{ROOT})"
        f" AND k._row_key NOT IN (SELECT _row_key FROM {rows(con, f'raw.{quote(level)}')}))")
    return con.sql(f"""
        SELECT k._ord FROM inc_{level} k
        LEFT JOIN (SELECT _submission_key, _occ, action FROM inc_action WHERE action IN ('new', 'updated')) a
               USING (_submission_key, _occ)
        WHERE a.action IS NOT NULL OR {orphan}""").to_arrow_table()


def _source_sql(source_of: Mapping[str, tuple[str, str]], part: int) -> str:
    """`_source_file` (the export's inner file name) -> the file as the user named it (0) or its sha256 (1)."""
    cases = " ".join(f"WHEN {sql_text(name)} THEN {sql_text(value[part])}" for name, value in source_of.items())
    return f"CASE _source_file {cases} END" if cases else "NULL"


def _apply(con: duckdb.DuckDBPyConnection, export: Export, levels: Mapping[str, tuple[str, ...]],
           load_id: int) -> dict[str, int]:
    updated_keys = "SELECT _submission_key, 1 FROM inc_action WHERE action = 'updated'"
    versions, stored, this_round = table(con, "raw.submission_versions"), rows(con, "raw.submission_versions"), \
        round_column(con)
    con.execute(f"""
        UPDATE {versions} v SET status = 'superseded', replaced_load_id = {load_id},
               content = o.content, _content_hash = h._content_hash
        FROM ({_content_json(con, levels, 'raw', updated_keys)}) o JOIN cur_hash h USING (_submission_key)
        WHERE v._submission_key = o._submission_key AND v.status = 'current'{only_round(con, 'v')}""")
    written: dict[str, int] = {}
    for level in levels:
        con.execute(f"""DELETE FROM {table(con, f'raw.{quote(level)}')} WHERE _submission_key IN
                        (SELECT _submission_key FROM inc_action WHERE action IN ('new', 'updated')){only_round(con)}""")
        kept = _kept_rows(con, level)
        written[level] = kept.num_rows
        if kept.num_rows == 0:
            continue
        con.register("kept_rows", kept)
        # rows go from Arrow straight into the table: no copy, no join unless some are left out
        where = "" if kept.num_rows == _count(con, f"inc_{level}") else "WHERE _ord IN (SELECT _ord FROM kept_rows)"
        con.execute(f"""
            INSERT INTO {table(con, f'raw.{quote(level)}')} BY NAME
            SELECT * EXCLUDE (_ord, _source_file), {_source_sql(export.source_of, 0)} AS _source_file,
                   {_source_sql(export.source_of, 1)} AS _source_sha256, {load_id} AS _load_id{this_round}
            FROM in_{level} {where}""")
        con.unregister("kept_rows")
    con.execute(f"""
        INSERT INTO {versions} BY NAME
        SELECT _submission_key, _version_id, _content_hash, 'current' AS status, {load_id} AS first_load_id,
               NULL AS replaced_load_id, NULL AS content{this_round}
        FROM inc_action WHERE action IN ('new', 'updated')""")
    losers = "SELECT _submission_key, _occ FROM inc_sub WHERE _rank > 1"
    con.execute(f"""
        INSERT INTO {versions} BY NAME
        SELECT s._submission_key, s._version_id, s._content_hash,
               CASE WHEN s._version_id = w._version_id THEN 'conflict' ELSE 'superseded' END AS status,
               {load_id} AS first_load_id, {load_id} AS replaced_load_id, c.content{this_round}
        FROM inc_sub s
        JOIN inc_sub w ON w._submission_key = s._submission_key AND w._rank = 1
        JOIN ({_content_json(con, levels, 'inc', losers)}) c
          ON c._submission_key = s._submission_key AND c._occ = s._occ
        WHERE s._rank > 1 AND NOT EXISTS (
            SELECT 1 FROM {stored} v WHERE v._submission_key = s._submission_key
              AND v._version_id = s._version_id AND v._content_hash = s._content_hash)""")
    con.execute(f"""
        INSERT INTO {versions} BY NAME
        SELECT DISTINCT s._submission_key, s._version_id, s._content_hash, 'duplicate' AS status,
               {load_id} AS first_load_id, NULL AS replaced_load_id, NULL AS content{this_round}
        FROM inc_sub s
        WHERE s._duplicate AND NOT EXISTS (
            SELECT 1 FROM {stored} v WHERE v._submission_key = s._submission_key
              AND v._version_id = s._version_id AND v.status = 'duplicate')""")
    return written


def _count(con: duckdb.DuckDBPyConnection, table: str, where: str = "") -> int:
    rows = con.execute(f"SELECT count(*) FROM {table} {where}").fetchall()
    return int(rows[0][0])


def write_tables(con: duckdb.DuckDBPyConnection, export: Export, form: FormSpec,
                 db_path: Path | str = "") -> LoadReport:
    """Load one export into raw.* as a single transaction and say what changed."""
    levels = layout_of(form).fields
    compared = compared_answers(form, export)
    try:
        with transaction(con):  # a failed or interrupted load (Ctrl-C, a full disk) leaves the database as it was
            ensure_form(con, form, db_path)
            load_id = int(con.execute(f"SELECT coalesce(max(load_id), 0) + 1 FROM {table(con, 'meta.loads')}")
                          .fetchall()[0][0])  # numbered across rounds: one file, one sequence
            versions_before = _count(con, rows(con, "raw.submission_versions"))
            staged = _stage(con, export, levels)
            _resolve(con, compared, staged)
            _classify(con)
            written = _apply(con, export, levels, load_id)
            counts = dict(con.execute("SELECT action, count(*) FROM inc_action GROUP BY 1").fetchall())
            orphans = {lv: _count(con, f"inc_{lv}", f"WHERE _submission_key NOT IN "
                                                   f"(SELECT _submission_key FROM inc_{ROOT}) AND _occ = 1")
                       for lv in levels if lv != ROOT}
            duplicates = _count(con, "inc_sub", "WHERE _duplicate")
            conflicts = _count(con, "inc_sub s", "WHERE _rank > 1 AND _version_id = (SELECT w._version_id FROM "
                                                 "inc_sub w WHERE w._submission_key = s._submission_key AND "
                                                 "w._rank = 1)")
            superseded = _count(con, "inc_sub", "WHERE _rank > 1") - conflicts
            changed = (counts.get("new", 0) + counts.get("updated", 0) + sum(written.values())
                       + _count(con, rows(con, "raw.submission_versions")) - versions_before) > 0
            sources = tuple(dict.fromkeys(v[0] for v in export.source_of.values()))
            if changed:
                con.execute(
                    f"INSERT INTO {table(con, 'meta.loads')} VALUES (?, now(), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [load_id, __version__, form.form_id, form.version, export.format,
                     json.dumps([{"path": p, "sha256": s} for p, s in dict(export.source_of.values()).items()]),
                     counts.get("new", 0), counts.get("updated", 0), counts.get("unchanged", 0),
                     counts.get("stale", 0), duplicates, conflicts, json.dumps(written), round_of(con)])
    finally:
        for level in levels:
            for view in ("in", "cmp"):
                con.unregister(f"{view}_{level}")
            con.execute(f"DROP VIEW IF EXISTS in_{level}")  # a staged level's view
            con.execute(f"DROP TABLE IF EXISTS inc_{level}")
    refresh(con)  # the round's views of raw tables the first load of a form made
    return LoadReport(
        load_id=load_id if changed else None, format=export.format, sources=sources,
        new=counts.get("new", 0), updated=counts.get("updated", 0), unchanged=counts.get("unchanged", 0),
        stale=counts.get("stale", 0), duplicates=duplicates, conflicts=conflicts, superseded=superseded,
        rows=written, orphans={k: v for k, v in orphans.items() if v}, warnings=export.warnings)

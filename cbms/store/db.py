"""The DuckDB file: open it, create the raw / clean / mart / meta schemas, know which form (and which versions
of it) it holds."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from cbms.errors import DB_001, DB_002, DB_004, FORM_020, CbmsError
from cbms.form.layout import HEAD_COLUMNS, TAIL_COLUMNS, layout_of
from cbms.form.spec import FormSpec, spec_from_json, spec_to_json
from cbms.store.rounds import FILE, ROUND, open_round, round_of, table

DEFAULT_DB = Path("data") / "cbms.duckdb"
ROW_GROUP_SIZE = 20_480
# DuckDB's own memory (its default is 80 % of the machine's): past it, joins and aggregates spill to
# `<file>.tmp` beside the database. With Python's share of a stage this keeps a 1,000,000-household census under
# 3 GB (cbms.bench prints the peaks).
MEMORY_LIMIT = "1536MB"
SCHEMAS = ("raw", "clean", "mart", "meta")
# per-row columns the store adds to what the readers give
STORE_COLUMNS = ("_load_id", "_source_sha256")

DDL = """
CREATE TABLE IF NOT EXISTS meta.form (
    form_id VARCHAR NOT NULL, form_version VARCHAR, levels VARCHAR NOT NULL, registered_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS meta.form_versions (
    form_id VARCHAR NOT NULL, form_version VARCHAR, sha256 VARCHAR NOT NULL, source VARCHAR,
    spec VARCHAR NOT NULL, registered_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS meta.loads (
    load_id INTEGER PRIMARY KEY, loaded_at TIMESTAMP NOT NULL, cbms_version VARCHAR NOT NULL,
    form_id VARCHAR, form_version VARCHAR, format VARCHAR NOT NULL, sources VARCHAR NOT NULL,
    new INTEGER, updated INTEGER, unchanged INTEGER, stale INTEGER, duplicates INTEGER, conflicts INTEGER,
    rows VARCHAR, _round VARCHAR
);
CREATE TABLE IF NOT EXISTS meta.runs (
    run_id INTEGER PRIMARY KEY, started_at TIMESTAMP NOT NULL, cbms_version VARCHAR NOT NULL,
    form_id VARCHAR, form_version VARCHAR, manifest VARCHAR, manifest_sha256 VARCHAR, loads VARCHAR,
    catalogue_sha256 VARCHAR, _round VARCHAR
);
CREATE TABLE IF NOT EXISTS meta.rounds (
    round_id VARCHAR PRIMARY KEY, name VARCHAR, period_start DATE, period_end DATE, manifest VARCHAR,
    manifest_sha256 VARCHAR, first_run TIMESTAMP
);
CREATE TABLE IF NOT EXISTS raw.submission_versions (
    _submission_key VARCHAR NOT NULL, _version_id VARCHAR NOT NULL,
    _content_hash VARCHAR,              -- NULL for a current version never compared (see store/load.py)
    status VARCHAR NOT NULL,            -- current | superseded | conflict | duplicate (received again)
    first_load_id INTEGER NOT NULL, replaced_load_id INTEGER,
    content VARCHAR,                     -- JSON of every row of the version, kept once it is not current
    _round VARCHAR                       -- the census round (store/rounds.py)
);
"""


def connect(path: Path | str, round_id: str | None = None) -> duckdb.DuckDBPyConnection:
    """Open (or create) the database file with its schemas; for a round, its rows under the usual names
    (store/rounds.py).

    Tables get row groups of 20,480 rows instead of DuckDB's 122,880: a write's last, partial row group is
    compressed at COMMIT by one thread, and with the default size that is the whole 100,000-row household
    table. Measured at 100,000 households: ingest insert + commit 2.6 s -> 1.3 s, `cbms validate` 13.5 s ->
    9.3 s; the indicators read ~0.5 s slower and the file grows ~10 %."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect()
        con.execute(f"ATTACH {sql_text(str(path))} AS cbms (ROW_GROUP_SIZE {ROW_GROUP_SIZE})")
        con.execute("USE cbms")
    except (duckdb.Error, OSError) as exc:
        raise CbmsError(DB_001, path=path, reason=" ".join(str(exc).split())) from exc
    con.execute("SET enable_progress_bar = false")  # the CLI draws its own progress
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    try:
        with transaction(con):
            for schema in SCHEMAS:
                con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
            con.execute(DDL)
        if round_id is not None:
            open_round(con, round_id)
    except BaseException:
        _close(con)
        raise
    return con


@contextmanager
def open_database(path: Path | str, round_id: str | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """The database of one command, open for the block and closed after it (its changes written into the file);
    for a round, that round's rows (store/rounds.py).

    A disk that refuses a write outside a transaction becomes DB_004, like one inside (see `transaction`)."""
    con = connect(path, round_id)
    try:
        yield con
    except duckdb.IOException as exc:
        raise _disk_error(con, exc) from exc
    except duckdb.TransactionException as exc:  # a statement outside BEGIN commits on its own, and may fail so
        if "Failed to commit" not in str(exc):
            raise
        raise _disk_error(con, exc) from exc
    finally:
        _close(con)
        wal = Path(f"{path}.wal")
        if wal.is_file() and wal.stat().st_size == 0:  # left by a commit the disk refused: it holds nothing
            wal.unlink(missing_ok=True)


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """One transaction: committed when the block ends, rolled back when it raises (Ctrl-C too); see `commit`
    and `roll_back` for a disk that refuses a write."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
        commit(con)
    except BaseException as exc:
        roll_back(con, exc)
        raise


def commit(con: duckdb.DuckDBPyConnection) -> None:
    """COMMIT; when the disk refuses it (full, read-only, a file-size limit) DuckDB drops the commit and this
    raises DB_004: the database is as it was."""
    try:
        con.execute("COMMIT")
    except (duckdb.IOException, duckdb.TransactionException) as exc:
        raise _disk_error(con, exc) from exc


def roll_back(con: duckdb.DuckDBPyConnection, exc: BaseException) -> None:
    """ROLLBACK after `exc`; a disk that refused a write in the transaction becomes DB_004 (DuckDB keeps
    uncommitted work out of the file, so the database is as it was). Any other error is the caller's to raise."""
    try:
        con.execute("ROLLBACK")
    except duckdb.Error as failed:  # the failure itself ended the transaction: nothing of it was committed
        exc.add_note(f"ROLLBACK: {' '.join(str(failed).split())}")
    if isinstance(exc, duckdb.IOException):
        raise _disk_error(con, exc) from exc


def _disk_error(con: duckdb.DuckDBPyConnection, exc: duckdb.Error) -> CbmsError:
    return CbmsError(DB_004, path=_path_of(con), reason=" ".join(str(exc).split()))


def _path_of(con: duckdb.DuckDBPyConnection) -> str:
    try:
        rows = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = 'cbms'").fetchall()
    except duckdb.Error:  # a connection the failure invalidated can no longer say
        return "?"
    return str(rows[0][0]) if rows and rows[0][0] else "?"


def _close(con: duckdb.DuckDBPyConnection) -> None:
    """Close, writing the committed changes from the log (.wal) into the file. When the disk refuses that, the
    changes stay in the log, which DuckDB replays the next time the file is opened: nothing is lost."""
    try:
        con.close()
    except duckdb.Error as exc:
        logging.getLogger(__name__).warning("closing the database: %s", " ".join(str(exc).split()))


def sql_text(text: str) -> str:
    """A DuckDB string literal."""
    return "'" + text.replace("'", "''") + "'"


def quote(identifier: str) -> str:
    """A DuckDB identifier, quoted."""
    return '"' + identifier.replace('"', '""') + '"'


def ensure_form(con: duckdb.DuckDBPyConnection, form: FormSpec, db_path: Path | str) -> None:
    """Register the form on first use; refuse another form; add raw tables and columns a new version brings."""
    rows = con.execute("SELECT form_id FROM meta.form LIMIT 1").fetchall()
    row = rows[0] if rows else None
    if row is not None and row[0] != form.form_id:
        raise CbmsError(DB_002, path=db_path, found=row[0], expected=form.form_id)
    levels = layout_of(form).fields
    if row is None:
        con.execute(f"INSERT INTO {table(con, 'meta.form')} VALUES (?, ?, ?, now())",
                    [form.form_id, form.version, json.dumps(list(levels))])
    register_form(con, form)
    scoped = round_of(con) is not None
    database = FILE if scoped else con.execute("SELECT current_database()").fetchall()[0][0]
    for level, fields in levels.items():
        columns = [*HEAD_COLUMNS, *STORE_COLUMNS, *fields, *TAIL_COLUMNS, *((ROUND,) if scoped else ())]
        types = {"_row_number": "BIGINT", "_load_id": "INTEGER"}
        ddl = ", ".join(f"{quote(c)} {types.get(c, 'VARCHAR')}" for c in columns)
        target = table(con, f"raw.{quote(level)}")
        con.execute(f"CREATE TABLE IF NOT EXISTS {target} ({ddl})")
        existing = {r[0] for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = ? AND schema_name = 'raw' AND "
            "table_name = ?", [database, level]).fetchall()}
        for column in columns:
            if column not in existing:
                con.execute(f"ALTER TABLE {target} ADD COLUMN {quote(column)} VARCHAR")


def register_form(con: duckdb.DuckDBPyConnection, form: FormSpec, source: str | None = None) -> bool:
    """Keep a form version (id, version, content hash, its FormSpec) so validation can judge each submission by
    the version that collected it; True when it was not known. A version registered again with other content
    (a form edited without raising its version) replaces the earlier one: the latest file is the one in use."""
    spec = spec_to_json(form)
    digest = hashlib.sha256(spec.encode()).hexdigest()
    known = con.execute("SELECT sha256 FROM meta.form_versions WHERE form_id = ? AND form_version IS NOT DISTINCT "
                        "FROM ?", [form.form_id, form.version]).fetchall()
    if known and known[0][0] == digest:
        return False
    versions = table(con, "meta.form_versions")
    con.execute(f"DELETE FROM {versions} WHERE form_id = ? AND form_version IS NOT DISTINCT FROM ?",
                [form.form_id, form.version])
    con.execute(f"INSERT INTO {versions} VALUES (?, ?, ?, ?, ?, now())",
                [form.form_id, form.version, digest, source, spec])
    return True


def check_versions(form_id: str, forms: list[tuple[FormSpec, str]]) -> None:
    """Refuse a form file that is not a version of the round's form."""
    for form, source in forms:
        if form.form_id != form_id:
            raise CbmsError(FORM_020, path=source, found=form.form_id, expected=form_id)


def register_forms(con: duckdb.DuckDBPyConnection, form_id: str, forms: list[tuple[FormSpec, str]]) -> int:
    """Register versions of one form (spec, the file it came from) in one transaction; refuse another form's
    file. Returns how many were new."""
    check_versions(form_id, forms)
    con.execute("BEGIN TRANSACTION")
    try:
        added = sum(register_form(con, form, source) for form, source in forms)
        commit(con)
    except BaseException as exc:  # not handled here: leave meta.form_versions as it was, then let it propagate
        roll_back(con, exc)
        raise
    return added


def registered_forms(con: duckdb.DuckDBPyConnection, form_id: str) -> dict[str | None, FormSpec]:
    """Every registered version of a form, by version."""
    rows = con.execute("SELECT form_version, spec FROM meta.form_versions WHERE form_id = ?", [form_id]).fetchall()
    return {version: spec_from_json(spec) for version, spec in rows}

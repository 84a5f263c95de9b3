"""Census rounds in one database: every raw, clean, mart and meta row carries its round (`_round`), and a
connection opened for a round sees only that round's rows under the usual names (raw.household, clean.member,
mart.indicator_values), so the analysts' SQL and every reader stay as they are. The usual names are views in an
in-memory catalog (`scope`) over the file's tables (catalog `cbms`); what a stage writes goes to the file's
tables, into its own round only (`table`, `only_round`, `round_column`, `replace_table`), so loading round 2
never touches round 1. A connection without a round (an in-memory database of a test) is used as it is."""

from __future__ import annotations

import duckdb

ROUND = "_round"
FILE = "cbms"  # the database file's catalog
SCOPE = "scope"  # the round's views
SCHEMAS = ("raw", "clean", "mart", "meta")
VARIABLE = "cbms_round"
UNTYPED = '"NULL"'  # DuckDB's type of a column made from NULL literals only
GLOBAL_TABLES = frozenset({("meta", "form"), ("meta", "form_versions"), ("meta", "rounds"),  # not per round
                           ("meta", "target_lists")})


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _name(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def round_of(con: duckdb.DuckDBPyConnection) -> str | None:
    """The round the connection was opened for (None: not opened for a round)."""
    try:
        value = con.execute(f"SELECT getvariable('{VARIABLE}')").fetchall()[0][0]
    except duckdb.Error:
        return None
    return None if value is None else str(value)


def table(con: duckdb.DuckDBPyConnection, name: str) -> str:
    """Where a stage writes `schema.table`: the file's table when the connection is a round's, else the name."""
    if round_of(con) is None:
        return name
    schema, _, bare = name.partition(".")
    return f"{FILE}.{schema}.{bare}"


def rows(con: duckdb.DuckDBPyConnection, name: str) -> str:
    """The round's rows of a file's table as a FROM item that works inside a transaction which may have made the
    table (its view may not exist yet); the name itself when not a round's connection."""
    value = round_of(con)
    if value is None:
        return name
    return f"(SELECT * EXCLUDE ({ROUND}) FROM {table(con, name)} WHERE {ROUND} = {_text(value)})"


def only_round(con: duckdb.DuckDBPyConnection, alias: str = "") -> str:
    """` AND <alias>._round = '<round>'` for a write's WHERE (empty when not a round's connection)."""
    value = round_of(con)
    return "" if value is None else f" AND {alias + '.' if alias else ''}{ROUND} = {_text(value)}"


def round_column(con: duckdb.DuckDBPyConnection) -> str:
    """`, '<round>' AS _round` for an INSERT ... BY NAME SELECT (empty when not a round's connection)."""
    value = round_of(con)
    return "" if value is None else f", {_text(value)} AS {ROUND}"


def replace_table(con: duckdb.DuckDBPyConnection, name: str, select: str) -> None:
    """What `CREATE OR REPLACE TABLE name AS select` does, for the connection's round only: that round's rows
    replaced, other rounds' kept; the file's table made (or given the select's new columns) when it lacks them.
    Everything happens in the caller's transaction; a table made here is seen under its usual name after
    `refresh` (until then, through `rows`)."""
    if round_of(con) is None:
        con.execute(f"CREATE OR REPLACE TABLE {name} AS {select}")
        return
    schema, _, bare = name.partition(".")
    bare = bare.strip('"').replace('""', '"')  # clean."household" names the table household
    target = table(con, name)
    have = {r[0]: r[1] for r in con.execute(
        "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = ? AND schema_name = ? "
        "AND table_name = ?", [FILE, schema, bare]).fetchall()}
    described = con.execute(f"DESCRIBE SELECT * FROM ({select})").fetchall()
    if not have:  # a column of NULLs only (an empty round's) gets DuckDB's type "NULL", which no later round fits
        untyped = [_name(column) for column, kind, *_ in described if kind == UNTYPED]
        typed = f"* REPLACE ({', '.join(f'CAST({c} AS VARCHAR) AS {c}' for c in untyped)})" if untyped else "*"
        con.execute(f"CREATE TABLE {target} AS SELECT {typed}{round_column(con)} FROM ({select}) LIMIT 0")
    for column, kind, *_ in described:
        if have and column not in have:
            con.execute(f"ALTER TABLE {target} ADD COLUMN {_name(column)} "
                        f"{'VARCHAR' if kind == UNTYPED else kind}")
        elif have.get(column) == UNTYPED and kind != UNTYPED:  # made so by an earlier cbms: given the type now
            con.execute(f"ALTER TABLE {target} ALTER COLUMN {_name(column)} SET DATA TYPE {kind}")
    con.execute(f"DELETE FROM {target} WHERE TRUE{only_round(con)}")
    con.execute(f"INSERT INTO {target} BY NAME SELECT *{round_column(con)} FROM ({select})")


def open_round(con: duckdb.DuckDBPyConnection, round_id: str) -> None:
    """Make the connection the round's: its views under the usual names. Rows written without a round (by an
    earlier cbms, or by a connection opened without one) are taken to be this round's."""
    con.execute(f"SET VARIABLE {VARIABLE} = {_text(round_id)}")
    tables = con.execute(f"SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = '{FILE}'"
                         ).fetchall()
    rounds = {(s, t) for s, t in con.execute(
        f"SELECT schema_name, table_name FROM duckdb_columns() WHERE database_name = '{FILE}' AND "
        f"column_name = '{ROUND}'").fetchall()}
    per_round = [(s, t) for s, t in tables if s in SCHEMAS and (s, t) not in GLOBAL_TABLES]
    unmarked = [(s, t) for s, t in per_round if (s, t) not in rounds or con.execute(
        f"SELECT count(*) FROM {FILE}.{s}.{_name(t)} WHERE {ROUND} IS NULL").fetchall()[0][0]]
    if unmarked:  # in one transaction: a disk that refuses it leaves the file as it was
        con.execute("BEGIN TRANSACTION")
        try:
            for schema, bare in unmarked:
                target = f"{FILE}.{schema}.{_name(bare)}"
                if (schema, bare) not in rounds:
                    con.execute(f"ALTER TABLE {target} ADD COLUMN {ROUND} VARCHAR")
                con.execute(f"UPDATE {target} SET {ROUND} = {_text(round_id)} WHERE {ROUND} IS NULL")
            con.execute("COMMIT")
        except BaseException:  # not handled here: the file as it was, the error to the caller
            con.execute("ROLLBACK")
            raise
    con.execute(f"ATTACH IF NOT EXISTS ':memory:' AS {SCOPE}")
    for schema in SCHEMAS:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {SCOPE}.{schema}")
    refresh(con)
    con.execute(f"USE {SCOPE}")


def refresh(con: duckdb.DuckDBPyConnection) -> None:
    """A view for every table of the file (its round's rows, without `_round`); run after a stage that made a
    table, outside its transaction (a transaction writes to one database only)."""
    if round_of(con) is None:
        return
    have = {(s, t) for s, t in con.execute(
        f"SELECT schema_name, view_name FROM duckdb_views() WHERE database_name = '{SCOPE}'").fetchall()}
    rounds = {(s, t) for s, t in con.execute(
        f"SELECT schema_name, table_name FROM duckdb_columns() WHERE database_name = '{FILE}' AND "
        f"column_name = '{ROUND}'").fetchall()}
    for schema, bare in con.execute(
            f"SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = '{FILE}'").fetchall():
        if schema not in SCHEMAS or (schema, bare) in have:
            continue
        source = f"{FILE}.{schema}.{_name(bare)}"
        select = (f"SELECT * EXCLUDE ({ROUND}) FROM {source} WHERE {ROUND} = getvariable('{VARIABLE}')"
                  if (schema, bare) in rounds else f"SELECT * FROM {source}")
        con.execute(f"CREATE VIEW {SCOPE}.{schema}.{_name(bare)} AS {select}")


def round_cursor(con: duckdb.DuckDBPyConnection, round_id: str) -> duckdb.DuckDBPyConnection:
    """A cursor on a round's connection that reads another round's rows under the usual names (the views read the
    round from the cursor's own variable); for reading only: the change stage reads the earlier round with it."""
    if round_of(con) is None:
        raise ValueError("round_cursor needs a connection opened for a round")
    cursor = con.cursor()
    cursor.execute(f"SET VARIABLE {VARIABLE} = {_text(round_id)}")
    cursor.execute(f"USE {SCOPE}")
    return cursor


def rounds_with(con: duckdb.DuckDBPyConnection, name: str) -> frozenset[str]:
    """The rounds that have rows in a file's table (none when the table does not exist)."""
    schema, _, bare = name.partition(".")
    if not con.execute("SELECT count(*) FROM duckdb_columns() WHERE database_name = ? AND schema_name = ? AND "
                       "table_name = ? AND column_name = ?", [FILE, schema, bare, ROUND]).fetchall()[0][0]:
        return frozenset()
    return frozenset(str(r[0]) for r in con.execute(
        f"SELECT DISTINCT {ROUND} FROM {FILE}.{schema}.{_name(bare)} WHERE {ROUND} IS NOT NULL").fetchall())

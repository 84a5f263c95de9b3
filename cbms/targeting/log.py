"""meta.target_lists: every confidential list ever written from this database - when, by whom, from which rule
(and its hash), for what purpose, how many households, which file and its hash."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb

from cbms.store.rounds import table

DDL = """
CREATE TABLE IF NOT EXISTS {table} (
    list_id INTEGER PRIMARY KEY, created_at TIMESTAMP NOT NULL, user_name VARCHAR NOT NULL,
    rule_id VARCHAR NOT NULL, rule_file VARCHAR NOT NULL, rule_sha256 VARCHAR NOT NULL, criterion VARCHAR NOT NULL,
    purpose VARCHAR NOT NULL, households BIGINT NOT NULL, persons BIGINT, file VARCHAR NOT NULL,
    file_sha256 VARCHAR NOT NULL, encrypted BOOLEAN NOT NULL, cbms_version VARCHAR NOT NULL
)"""
COLUMNS = ("list_id", "created_at", "user_name", "rule_id", "rule_file", "rule_sha256", "criterion", "purpose",
           "households", "persons", "file", "file_sha256", "encrypted", "cbms_version")


@dataclass(frozen=True, slots=True)
class ListRecord:
    """One row of meta.target_lists."""

    list_id: int
    created_at: datetime
    user_name: str
    rule_id: str
    rule_file: str
    rule_sha256: str
    criterion: str
    purpose: str
    households: int
    persons: int | None
    file: str
    file_sha256: str
    encrypted: bool
    cbms_version: str


def _log(con: duckdb.DuckDBPyConnection) -> str:
    """The file's table of lists (one for every round: a list is about people, whatever round found them)."""
    con.execute("CREATE SCHEMA IF NOT EXISTS meta")
    name = table(con, "meta.target_lists")
    con.execute(DDL.format(table=name))
    return name


def next_list_id(con: duckdb.DuckDBPyConnection) -> int:
    """The id the next list will get."""
    return int(con.execute(f"SELECT coalesce(max(list_id), 0) + 1 FROM {_log(con)}").fetchall()[0][0])


def record_list(con: duckdb.DuckDBPyConnection, record: ListRecord) -> None:
    """Add one list to the record (in its own transaction)."""
    con.execute(f"INSERT INTO {_log(con)} ({', '.join(COLUMNS)}) VALUES ({', '.join('?' for _ in COLUMNS)})",
                [getattr(record, c) for c in COLUMNS])


def list_log(con: duckdb.DuckDBPyConnection) -> list[ListRecord]:
    """Every list recorded, oldest first (none when the table does not exist yet)."""
    found = con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name IN ('cbms', current_database()) "
                        "AND schema_name = 'meta' AND table_name = 'target_lists'").fetchall()[0][0]
    if not found:
        return []
    log = table(con, "meta.target_lists")
    rows = con.execute(f"SELECT {', '.join(COLUMNS)} FROM {log} ORDER BY list_id").fetchall()
    return [ListRecord(*row) for row in rows]

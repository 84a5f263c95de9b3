"""meta.target_lists: every confidential list ever written from this database - when, by whom, from which rule
(and its hash), for what purpose, how many households, which file and its hash."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb

DDL = """
CREATE TABLE IF NOT EXISTS meta.target_lists (
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


def next_list_id(con: duckdb.DuckDBPyConnection) -> int:
    """The id the next list will get."""
    con.execute("CREATE SCHEMA IF NOT EXISTS meta")
    con.execute(DDL)
    return int(con.execute("SELECT coalesce(max(list_id), 0) + 1 FROM meta.target_lists").fetchall()[0][0])


def record_list(con: duckdb.DuckDBPyConnection, record: ListRecord) -> None:
    """Add one list to the record (in its own transaction)."""
    con.execute("CREATE SCHEMA IF NOT EXISTS meta")
    con.execute(DDL)
    con.execute(f"INSERT INTO meta.target_lists ({', '.join(COLUMNS)}) VALUES ({', '.join('?' for _ in COLUMNS)})",
                [getattr(record, c) for c in COLUMNS])


def list_log(con: duckdb.DuckDBPyConnection) -> list[ListRecord]:
    """Every list recorded, oldest first (none when the table does not exist yet)."""
    found = con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'meta' "
                        "AND table_name = 'target_lists'").fetchall()[0][0]
    if not found:
        return []
    rows = con.execute(f"SELECT {', '.join(COLUMNS)} FROM meta.target_lists ORDER BY list_id").fetchall()
    return [ListRecord(*row) for row in rows]

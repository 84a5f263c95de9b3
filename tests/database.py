"""What a database holds, for tests that must prove it unchanged: a hash of every table's rows (content, not the
file's bytes: DuckDB may rewrite free blocks of the file without changing a row)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb


def content_hash(db: Path) -> str:
    """sha256 of every table's name and rows (sorted, so row order does not count); '' when there is no file."""
    if not db.exists():
        return ""
    digest = hashlib.sha256()
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [r[0] for r in con.execute("SELECT schema_name || '.' || table_name FROM duckdb_tables() "
                                            "ORDER BY 1").fetchall()]
        for table in tables:
            rows = sorted(con.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
            digest.update(f"{table}\n{rows!r}\n".encode())
    finally:
        con.close()
    return digest.hexdigest()


def leftovers(folder: Path) -> list[str]:
    """Temporary files and folders cbms or DuckDB could leave behind in `folder` (recursively)."""
    suspects = []
    for path in folder.rglob("*"):
        name = path.name
        if name.endswith(".tmp") or name.startswith(".cbms-pull-") or (name.endswith(".wal") and
                                                                        path.stat().st_size == 0):
            suspects.append(str(path.relative_to(folder)))
    return sorted(suspects)


def round_hash(db: Path, round_id: str) -> str:
    """sha256 of one round's rows in every table that carries rounds (`_round`) and has some of them, sorted: what
    must stay the same for that round when another round is loaded or compared."""
    digest = hashlib.sha256()
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT schema_name || '.' || table_name FROM duckdb_columns() WHERE column_name = '_round' "
            "ORDER BY 1").fetchall()]
        for table in tables:
            rows = sorted(con.execute(f"SELECT * FROM {table} WHERE _round = ?", [round_id]).fetchall(), key=repr)
            if rows:  # a table another round made holds none of this round's rows
                digest.update(f"{table}\n{rows!r}\n".encode())
    finally:
        con.close()
    return digest.hexdigest()

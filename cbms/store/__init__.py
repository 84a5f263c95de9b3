"""Store: the DuckDB file with its raw / clean / mart / meta schemas; loads are single transactions."""

from cbms.store.db import DEFAULT_DB, connect, open_database
from cbms.store.load import LoadReport, write_tables

__all__ = ["DEFAULT_DB", "LoadReport", "connect", "open_database", "write_tables"]

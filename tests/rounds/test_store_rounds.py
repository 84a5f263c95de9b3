"""store/rounds.py as the change stage uses it: a cursor scoped to another round, and a table first made by a round
whose column held only NULLs (an empty issues table) taking a later round's values."""

from __future__ import annotations

from pathlib import Path

from cbms.store import open_database
from cbms.store.db import transaction
from cbms.store.rounds import replace_table, round_cursor, rounds_with
from tests.database import round_hash


def test_a_column_of_nulls_in_one_round_takes_values_in_the_next(tmp_path: Path) -> None:
    db = tmp_path / "r.duckdb"
    with open_database(db, "r1") as con, transaction(con):
        replace_table(con, "clean.issues", "SELECT NULL AS rule, 1 AS n WHERE false")  # no issue in round 1
    before = round_hash(db, "r1")
    with open_database(db, "r2") as con:
        with transaction(con):
            replace_table(con, "clean.issues", "SELECT 'VAL_001' AS rule, 2 AS n")
        assert con.execute("SELECT rule, n FROM cbms.clean.issues WHERE _round = 'r2'").fetchall() == [("VAL_001", 2)]
        kinds = dict(con.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = 'cbms' "
                                 "AND table_name = 'issues'").fetchall())
    assert kinds["rule"] == "VARCHAR"
    assert round_hash(db, "r1") == before


def test_a_round_cursor_reads_the_other_round_under_the_usual_names(tmp_path: Path) -> None:
    db = tmp_path / "r.duckdb"
    for round_id, value in (("r1", 1), ("r2", 2)):
        with open_database(db, round_id) as con, transaction(con):
            replace_table(con, "mart.t", f"SELECT {value} AS v")
    with open_database(db, "r2") as con:
        cursor = round_cursor(con, "r1")
        assert cursor.execute("SELECT v FROM mart.t").fetchall() == [(1,)]
        assert con.execute("SELECT v FROM mart.t").fetchall() == [(2,)]  # the connection keeps its own round
        cursor.close()
        assert rounds_with(con, "mart.t") == {"r1", "r2"} and rounds_with(con, "mart.none") == frozenset()

"""The `haz` relation the unit views join: WHO 2006 length/height-for-age z-score of every child aged 0-4."""

from __future__ import annotations

import duckdb

from cbms.indicators.who import haz_sql, lhfa_table

CHILDREN = """
SELECT m._row_key, m.sex, m.height_cm, m.measure_position,
       date_diff('day', m.birth_date, h.interview_date) AS age_days
FROM clean.member m JOIN clean.household h ON h._row_key = m._parent_key
WHERE m.age BETWEEN 0 AND 4
"""


def create_haz(con: duckdb.DuckDBPyConnection) -> None:
    """Fill the temp table haz (_row_key, age_days, haz) from clean.* and WHO's LMS table."""
    con.register("who_lhfa", lhfa_table())
    try:
        con.execute(f"INSERT INTO haz SELECT _row_key, age_days, haz FROM ({haz_sql(CHILDREN)})")
    finally:
        con.unregister("who_lhfa")

"""The publishable change between two rounds (mart.indicator_change, written by cbms/rounds/change.py): only the
comparable indicators; a change whose cell is protected in either round keeps its key and carries no number."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from cbms.published.numbers import mart_number


@dataclass(frozen=True, slots=True)
class Change:
    """One cell's change as published; the fields are change.parquet's columns (docs/change.md)."""

    indicator_id: str
    area_level: str
    area_code: str
    sex: str | None
    head_sex: str | None
    age_group: str | None
    round_from: str
    round_to: str
    area_from: str
    value_from: float | None
    value_to: float | None
    change: float | None
    n_from: int | None
    n_to: int | None
    suppressed: bool


@dataclass(frozen=True, slots=True)
class Changes:
    """What a round's outputs may show of the change since the earlier round."""

    cells: tuple[Change, ...] = ()
    not_comparable: tuple[tuple[str, str, str], ...] = ()  # (indicator, reason es, reason en): no change shown
    _index: dict[tuple[str, str, str | None, str | None, str | None], Change] = field(
        default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._index.update({(c.indicator_id, c.area_code, c.sex, c.head_sex, c.age_group): c for c in self.cells})

    def cell(self, indicator_id: str, area: str, sex: str | None = None, head_sex: str | None = None,
             age_group: str | None = None) -> Change | None:
        """A cell's change, or None when it has none (no earlier cell, or the indicator is not comparable)."""
        return self._index.get((indicator_id, area, sex, head_sex, age_group))


def _change(row: tuple[object, ...]) -> Change:
    keys = [None if v is None else str(v) for v in row[:9]]
    if row[14]:
        return Change(str(keys[0]), str(keys[1]), str(keys[2]), keys[3], keys[4], keys[5], str(keys[6]),
                      str(keys[7]), str(keys[8]), None, None, None, None, None, True)
    n_from, n_to = row[12], row[13]
    return Change(str(keys[0]), str(keys[1]), str(keys[2]), keys[3], keys[4], keys[5], str(keys[6]), str(keys[7]),
                  str(keys[8]), mart_number(row[9]), mart_number(row[10]), mart_number(row[11]),
                  None if n_from is None else int(str(n_from)), None if n_to is None else int(str(n_to)), False)


def read_changes(con: duckdb.DuckDBPyConnection) -> Changes:
    """The round's publishable changes; empty when the round has no change table."""
    if not con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'mart' AND "
                       "table_name = 'indicator_change'").fetchall()[0][0]:
        return Changes()
    rows = con.execute(
        "SELECT indicator_id, area_level, area_code, sex, head_sex, age_group, round_from, round_to, area_from, "
        "value_from, value_to, change, n_from, n_to, suppressed FROM mart.indicator_change WHERE comparable"
    ).fetchall()
    cells = tuple(_change(r) for r in rows)
    reasons = con.execute("SELECT DISTINCT indicator_id, reason, reason_en FROM mart.indicator_change "
                          "WHERE NOT comparable ORDER BY 1").fetchall()
    return Changes(cells, tuple((str(i), str(es), str(en)) for i, es, en in reasons))

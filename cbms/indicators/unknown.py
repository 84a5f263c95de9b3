"""How much of each indicator's universe is unknown in the district (n_missing / (n + n_missing)), and, where it
passes the manifest's threshold, which items are empty and which validation rules emptied them: a collapse
(every child's age unknown, every death erased) is said in words, never left to be noticed in a table."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from cbms.errors import IND_014, Notice
from cbms.form.layout import ROOT
from cbms.indicators.catalogue import Catalogue
from cbms.store.db import quote, sql_text


@dataclass(frozen=True, slots=True)
class Unknown:
    """One indicator's district total: units known (n) and unknown (n_missing)."""

    indicator_id: str
    n: int
    n_missing: int

    @property
    def percent(self) -> float:
        """The unknown share of the universe, 0-100 (0 when the universe is empty)."""
        total = self.n + self.n_missing
        return 100.0 * self.n_missing / total if total else 0.0


def unknown_shares(con: duckdb.DuckDBPyConnection) -> list[Unknown]:
    """Every computed indicator's district total, in catalogue order."""
    rows = con.execute("""
        SELECT v.indicator_id, v.n, v.n_missing FROM mart.indicator_values v
        JOIN mart.indicator_catalogue c USING (indicator_id)
        WHERE v.area_level = 'district' AND v.sex IS NULL AND v.head_sex IS NULL AND v.age_group IS NULL
        ORDER BY c.ord, v.indicator_id""").fetchall()
    return [Unknown(str(i), int(n), int(m)) for i, n, m in rows]


def _item_words(con: duckdb.DuckDBPyConnection, levels: dict[str, str], item: str,
                issues: bool) -> tuple[str, str] | None:
    """'item: N empty (emptied by VAL_006 x 46, ...)' for the clean households' answers, in es and en."""
    level = levels.get(item)
    if level is None:
        return None
    households = f"SELECT _row_key FROM clean.{ROOT} WHERE _status = 'clean'"
    rows = (f"clean.{ROOT} WHERE _status = 'clean'" if level == ROOT else
            f"clean.{quote(level)} WHERE _submission_key IN ({households})")
    empty = con.execute(f"SELECT count(*) FILTER (WHERE {quote(item)} IS NULL), count(*) FROM {rows}").fetchall()[0]
    rules = [] if not issues else con.execute(f"""
        SELECT rule, count(*) FROM clean.issues
        WHERE drops_item AND "table" = {sql_text(level)} AND "column" = {sql_text(item)}
          AND submission_key IN ({households}) GROUP BY rule ORDER BY count(*) DESC, rule""").fetchall()
    emptied = ", ".join(f"{rule} x {count}" for rule, count in rules)
    return (f"{item}: {empty[0]} de {empty[1]} filas vacías" + (f" (vaciados por {emptied})" if emptied else ""),
            f"{item}: {empty[0]} of {empty[1]} rows empty" + (f" (emptied by {emptied})" if emptied else ""))


def unknown_warnings(con: duckdb.DuckDBPyConnection, catalogue: Catalogue, threshold: float) -> tuple[Notice, ...]:
    """A note for each indicator whose district universe is more than `threshold` percent unknown."""
    items = {i.id: i.items for i in catalogue.indicators}
    levels: dict[str, str] = {}  # item -> the clean table holding it (the household's first)
    for table, column in con.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'clean' "
            f"ORDER BY table_name <> '{ROOT}', table_name").fetchall():
        levels.setdefault(str(column), str(table))
    issues = "issues" in levels.values()  # clean.issues: absent when clean.* was written by other means
    notes = []
    for share in unknown_shares(con):
        if share.percent <= threshold or not share.n_missing:
            continue
        words = [w for item in items.get(share.indicator_id, ()) if (w := _item_words(con, levels, item, issues))]
        notes.append(Notice(IND_014, {
            "indicator": share.indicator_id, "percent": f"{share.percent:.1f}", "threshold": f"{threshold:g}",
            "missing": share.n_missing, "total": share.n + share.n_missing,
            "items_es": "; ".join(es for es, _ in words) or "-", "items_en": "; ".join(en for _, en in words) or "-"}))
    return tuple(notes)

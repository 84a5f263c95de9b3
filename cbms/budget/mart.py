"""The cells of the needs' indicators, read from mart.indicator_values as `cbms indicators` wrote it: per area
(district, sector, grupo) the all-ages total and the women / men cells (by sex for persons, by the head's sex for
households), each with its numerator (the count in need), denominator, value, n and suppression flag."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import duckdb

from cbms.budget.needs import Need
from cbms.errors import BUD_032, BUD_033, CbmsError

LEVELS = ("district", "sector", "grupo")
SEXES: tuple[str | None, ...] = (None, "female", "male")
CellKey = tuple[str, str, str, str | None]  # need id, area level, area code, sex (None for both)


@dataclass(frozen=True, slots=True)
class Cell:
    """One indicator cell as the mart holds it."""

    in_need: float | None  # the numerator: households, persons or children in need (hours for a mean)
    base: float | None  # the denominator
    value: float | None  # in the indicator's unit (percent 0-100, mean, ...)
    n: int
    suppressed: bool


@dataclass(frozen=True, slots=True)
class NeedCells:
    """Every cell of every need, and the areas each level has (in the mart's order)."""

    cells: Mapping[CellKey, Cell]
    areas: Mapping[str, tuple[str, ...]]  # level -> area codes

    def get(self, need: str, level: str, code: str, sex: str | None = None) -> Cell | None:
        """A cell, None when the mart has none (no unit of the universe there)."""
        return self.cells.get((need, level, code, sex))


def read_need_cells(con: duckdb.DuckDBPyConnection, needs: Iterable[Need]) -> NeedCells:
    """The cells of the needs' indicators; a clear error when the mart is missing or lacks one of them."""
    needs = tuple(needs)
    ids = sorted({n.indicator for n in needs})
    try:
        rows = con.execute(
            "SELECT indicator_id, area_level, area_code, sex, head_sex, numerator, denominator, value, n, suppressed "
            "FROM mart.indicator_values WHERE age_group IS NULL AND (sex IS NULL OR head_sex IS NULL) "
            f"AND indicator_id IN ({', '.join('?' for _ in ids) or 'NULL'}) "
            "ORDER BY area_level, area_code", ids).fetchall()
    except duckdb.CatalogException as exc:
        raise CbmsError(BUD_032, reason=str(exc).splitlines()[0]) from exc
    present = {r[0] for r in rows}
    missing = [f"{n.id} ({n.indicator})" for n in needs if n.indicator not in present]
    if missing:
        raise CbmsError(BUD_033, missing=", ".join(missing))
    by_indicator: dict[str, list[Need]] = {}
    for need in needs:
        by_indicator.setdefault(need.indicator, []).append(need)
    cells: dict[CellKey, Cell] = {}
    areas: dict[str, dict[str, None]] = {level: {} for level in LEVELS}
    for indicator, level, code, sex, head_sex, numerator, denominator, value, n, suppressed in rows:
        if level not in areas:
            continue
        areas[level][code] = None
        for need in by_indicator[indicator]:
            split, other = (sex, head_sex) if need.basis == "sex" else (head_sex, sex)
            if other is None:
                cells[(need.id, level, code, split)] = Cell(numerator, denominator, value, int(n or 0),
                                                            bool(suppressed))
    return NeedCells(cells, {level: tuple(codes) for level, codes in areas.items()})

"""Wide tables of the main indicators, one per geographic level, read from the mart with suppressed cells emptied."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb

from cbms.errors import MAP_001, MAP_002, MAP_019, CbmsError, Lang
from cbms.maps.summary import MapProblem

LEVELS = ("district", "sector", "grupo")
# Decimals kept in the published files, by value unit (the exact values stay in indicators.parquet).
DECIMALS = {"percent": 2, "mean": 2, "per_1000": 2, "index": 4, "count": 0}


@dataclass(frozen=True, slots=True)
class MapIndicator:
    """A main indicator of the maps; a gap is the women-minus-men difference of its `source` indicator."""

    id: str
    name_es: str
    name_en: str
    value_unit: str
    sensitive: bool
    source: str | None = None  # a gap: the indicator whose female and male cells it subtracts
    unit_es: str | None = None  # a legend title of its own (else the value unit's)
    unit_en: str | None = None

    def name(self, lang: Lang) -> str:
        """The name in a language."""
        return self.name_es if lang == "es" else self.name_en

    @property
    def n_columns(self) -> tuple[str, ...]:
        """The columns that carry the cell sizes: `<id>_n`, or one per sex for a gap."""
        suffixes = ("n_female", "n_male") if self.source else ("n",)
        return tuple(f"{self.id}_{s}" for s in suffixes)

    @property
    def columns(self) -> tuple[str, ...]:
        """Its columns in the wide table: value, cell size(s), suppression flag."""
        return (self.id, *self.n_columns, f"{self.id}_suppressed")

    @property
    def decimals(self) -> int:
        """Decimals kept in the published files."""
        return DECIMALS.get(self.value_unit, 2)


# The unpaid-hours gap of the maps (issue 7): GEN_01 of women minus GEN_01 of men.
GAPS = (
    MapIndicator(
        id="GEN_01_GAP", source="GEN_01", value_unit="mean", sensitive=False,
        name_es="Brecha de género en horas semanales de trabajo no remunerado (mujeres − hombres)",
        name_en="Gender gap in weekly hours of unpaid work (women − men)",
        unit_es="Diferencia, horas por semana", unit_en="Difference, hours per week",
    ),
)


@dataclass(frozen=True, slots=True)
class Cell:
    """One published cell: the value is None when it is suppressed or there is no data."""

    value: float | None
    n: tuple[int | None, ...]  # aligned with the indicator's n_columns
    suppressed: bool


@dataclass(frozen=True, slots=True)
class AreaRow:
    """One area of a level with its cells, by indicator id."""

    code: str
    name: str
    parent_code: str
    cells: Mapping[str, Cell] = field(default_factory=dict)

    def published(self, indicator_id: str) -> float | None:
        """The value that may be shown, or None (suppressed or no data)."""
        cell = self.cells.get(indicator_id)
        return None if cell is None else cell.value


@dataclass(frozen=True, slots=True)
class WideTable:
    """A level's areas (sorted by code), one row each, with every main indicator's cells."""

    level: str
    indicators: tuple[MapIndicator, ...]
    rows: tuple[AreaRow, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        """The area codes, sorted."""
        return tuple(r.code for r in self.rows)

    @property
    def header(self) -> tuple[str, ...]:
        """The column names."""
        return ("code", "name", "parent_code", *(c for i in self.indicators for c in i.columns))

    def record(self, row: AreaRow) -> dict[str, object]:
        """A row as column -> JSON-ready value (None where the cell is empty)."""
        record: dict[str, object] = {"code": row.code, "name": row.name, "parent_code": row.parent_code}
        for ind in self.indicators:
            cell = row.cells.get(ind.id, Cell(None, (None,) * len(ind.n_columns), False))
            record[ind.id] = cell.value
            record.update(zip(ind.n_columns, cell.n, strict=True))
            record[f"{ind.id}_suppressed"] = cell.suppressed
        return record

    def empty_record(self, code: str, name: str) -> dict[str, object]:
        """The properties of a boundary area with no data: every cell empty, nothing suppressed."""
        return self.record(AreaRow(code=code, name=name, parent_code=""))

    def named(self, names: Mapping[str, str]) -> WideTable:
        """The table with empty names filled from `names` (code -> name)."""
        rows = tuple(replace(r, name=names.get(r.code, "")) if not r.name else r for r in self.rows)
        return replace(self, rows=rows)


def read_map_indicators(con: duckdb.DuckDBPyConnection) -> tuple[MapIndicator, ...]:
    """The catalogue's `map` indicators in catalogue order, then the gaps whose source indicator exists."""
    try:
        rows = con.execute(
            "SELECT indicator_id, name_es, name_en, value_unit, sensitive, map FROM mart.indicator_catalogue "
            "ORDER BY ord, indicator_id").fetchall()
    except duckdb.Error as exc:  # no mart yet, or a mart of an older shape
        raise CbmsError(MAP_001, reason=str(exc).splitlines()[0]) from exc
    found = [MapIndicator(id=r[0], name_es=r[1], name_en=r[2], value_unit=r[3], sensitive=bool(r[4]))
             for r in rows if r[5]]
    if not found:
        raise CbmsError(MAP_002)
    sensitive = {r[0]: bool(r[4]) for r in rows}
    gaps = [replace(g, sensitive=sensitive[g.source]) for g in GAPS if g.source in sensitive]
    return (*found, *gaps)


def read_geography(path: Path | None) -> tuple[dict[tuple[str, str], tuple[str, str]], list[MapProblem]]:
    """The manifest's geography table: (level, code) -> (name, parent code)."""
    if path is None:
        return {}, []
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
        return {(r["level"].strip(), r["code"].strip()): ((r.get("name") or "").strip(),
                                                          (r.get("parent_code") or "").strip())
                for r in rows}, []
    except (OSError, UnicodeDecodeError, csv.Error, KeyError, AttributeError) as exc:
        reason = f"missing column {exc}" if isinstance(exc, KeyError) else str(exc)
        return {}, [MapProblem(MAP_019, {"path": path, "reason": reason})]


def _threshold(ind: MapIndicator, min_cell: int, min_cell_sensitive: int) -> int:
    return min_cell_sensitive if ind.sensitive else min_cell


def _cell(value: float | None, n: int | None, flag: bool | None, threshold: int) -> Cell:
    """A mart cell as published: suppressed by the mart's flag or, belt and braces, by n under the threshold."""
    suppressed = bool(flag) or (n is not None and n < threshold)
    if value is not None and math.isnan(value):
        value = None
    return Cell(None if suppressed else value, (n,), suppressed)


def _gap(female: Cell | None, male: Cell | None) -> Cell:
    suppressed = bool(female and female.suppressed) or bool(male and male.suppressed)
    value = None
    if female and male and female.value is not None and male.value is not None and not suppressed:
        value = female.value - male.value
    return Cell(value, (female.n[0] if female else None, male.n[0] if male else None), suppressed)


def _rounded(cell: Cell, decimals: int) -> Cell:
    if cell.value is None:
        return cell
    return replace(cell, value=round(cell.value, decimals) + 0.0)  # + 0.0 turns -0.0 into 0.0


def read_tables(con: duckdb.DuckDBPyConnection, indicators: tuple[MapIndicator, ...],
                geography: Mapping[tuple[str, str], tuple[str, str]], min_cell: int = 5,
                min_cell_sensitive: int = 10) -> dict[str, WideTable]:
    """The wide table of each level that has data: total cells (every breakdown NULL), and the female and male
    cells of each gap's source. Reads mart.indicator_values only."""
    plain = [i.id for i in indicators if i.source is None]
    sources = sorted({i.source for i in indicators if i.source})
    try:
        rows = con.execute(
            "SELECT indicator_id, area_level, area_code, sex, value, n, suppressed FROM mart.indicator_values "
            "WHERE head_sex IS NULL AND age_group IS NULL AND area_level IN ('district', 'sector', 'grupo') "
            "AND ((sex IS NULL AND list_contains(?, indicator_id)) "
            "OR (sex IN ('female', 'male') AND list_contains(?, indicator_id)))",
            [plain, sources]).fetchall()
    except duckdb.Error as exc:
        raise CbmsError(MAP_001, reason=str(exc).splitlines()[0]) from exc
    by_id = {i.id: i for i in indicators}
    thresholds = {i.id: _threshold(i, min_cell, min_cell_sensitive) for i in indicators}
    for gap in indicators:
        if gap.source:
            thresholds.setdefault(gap.source, _threshold(gap, min_cell, min_cell_sensitive))
    cells: dict[tuple[str, str], dict[tuple[str, str | None], Cell]] = {}
    for ind_id, level, code, sex, value, n, flag in rows:
        cells.setdefault((level, str(code)), {})[(ind_id, sex)] = _cell(value, n, flag, thresholds[ind_id])
    tables: dict[str, WideTable] = {}
    for level in LEVELS:
        codes = sorted(code for lv, code in cells if lv == level)
        if not codes:
            continue
        area_rows = []
        for code in codes:
            found = cells[(level, code)]
            row: dict[str, Cell] = {}
            for ind in indicators:
                if ind.source:
                    cell: Cell | None = _gap(found.get((ind.source, "female")), found.get((ind.source, "male")))
                else:
                    cell = found.get((ind.id, None))
                if cell is not None:
                    row[ind.id] = _rounded(cell, by_id[ind.id].decimals)
            name, parent = geography.get((level, code), ("", ""))
            area_rows.append(AreaRow(code=code, name=name, parent_code=parent, cells=row))
        tables[level] = WideTable(level=level, indicators=indicators, rows=tuple(area_rows))
    return tables


def _text(value: object, decimals: int) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        text = f"{value:.{decimals}f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value)


def table_csv(table: WideTable) -> str:
    """The wide table as CSV text (comma, '\\n', point decimals; an empty cell is suppressed or has no data)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.header)
    decimals = {i.id: i.decimals for i in table.indicators}
    for row in table.rows:
        record = table.record(row)
        writer.writerow(_text(v, decimals.get(k, 0)) for k, v in record.items())
    return buffer.getvalue()

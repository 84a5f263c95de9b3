"""The wide tables of the maps, one per geographic level: each area's published value and n of every map layer (an
indicator's total, or the women-minus-men gap of one), as CSV text; read from the published mart only."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field

from cbms.errors import MAP_002, CbmsError, Lang
from cbms.indicators.catalogue import Indicator
from cbms.published import Published
from cbms.published.numbers import decimals, rounded

# Map layers that are the women-minus-men gap of an indicator (issue 7: the unpaid-hours gap).
GAP_SOURCES = ("GEN_01",)


@dataclass(frozen=True, slots=True)
class Layer:
    """A map layer: an indicator's total, or (gap) its women's value minus its men's."""

    indicator: Indicator
    gap: bool = False

    @property
    def id(self) -> str:
        """The layer's column and file name: the indicator's id, `_GAP` after it for a gap."""
        return f"{self.indicator.id}_GAP" if self.gap else self.indicator.id

    @property
    def n_columns(self) -> tuple[str, ...]:
        """The columns that carry the cell sizes: `<id>_n`, or one per sex for a gap."""
        suffixes = ("n_female", "n_male") if self.gap else ("n",)
        return tuple(f"{self.id}_{s}" for s in suffixes)

    @property
    def columns(self) -> tuple[str, ...]:
        """Its columns in the wide table: value, cell size(s), protection flag."""
        return (self.id, *self.n_columns, f"{self.id}_suppressed")

    @property
    def decimals(self) -> int:
        """Decimals of its values: the ones every output shows."""
        return decimals(self.indicator.value)

    def name(self, published: Published, lang: Lang) -> str:
        """The layer's title."""
        name = self.indicator.name(lang)
        return published.settings.word("map_gap_name", lang, name=name) if self.gap else name


@dataclass(frozen=True, slots=True)
class MapCell:
    """One area's cell of a layer: the value as shown (None: protected or no data), its n(s), the flag."""

    value: float | None
    n: tuple[int | None, ...]
    suppressed: bool


def layer_cell(published: Published, layer: Layer, area: str) -> MapCell | None:
    """A layer's cell in an area, or None when the mart has no cell for it."""
    ind = layer.indicator.id
    if not layer.gap:
        cell = published.cell(ind, area)
        if cell is None:
            return None
        value = None if cell.value is None else rounded(cell.value, layer.decimals)
        return MapCell(value, (cell.n,), cell.protected)
    women, men = published.cell(ind, area, "female"), published.cell(ind, area, "male")
    if women is None and men is None:
        return None
    hidden = bool(women and women.protected) or bool(men and men.protected)
    value = None
    if not hidden and women and men and women.value is not None and men.value is not None:
        value = rounded(women.value - men.value, layer.decimals)
    return MapCell(value, (women.n if women else None, men.n if men else None), hidden)


def map_layers(published: Published) -> tuple[Layer, ...]:
    """The computed `map` indicators in catalogue order, then the gaps whose indicator was computed; MAP_002 when
    the catalogue marks none for the maps."""
    found = [Layer(i) for i in published.indicators if i.map and published.is_computed(i)]
    if not found:
        raise CbmsError(MAP_002)
    gaps = [Layer(i, gap=True) for s in GAP_SOURCES if (i := published.indicator(s)) and published.is_computed(i)]
    return (*found, *gaps)


@dataclass(frozen=True, slots=True)
class AreaRow:
    """One area of a level with its cells, by layer id."""

    code: str
    name: str
    parent_code: str
    cells: Mapping[str, MapCell] = field(default_factory=dict)

    def published(self, layer_id: str) -> float | None:
        """The value that may be shown, or None (protected or no data)."""
        cell = self.cells.get(layer_id)
        return None if cell is None else cell.value


@dataclass(frozen=True, slots=True)
class WideTable:
    """A level's areas with data (sorted by code), one row each, with every layer's cells."""

    level: str
    layers: tuple[Layer, ...]
    rows: tuple[AreaRow, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        """The area codes, sorted."""
        return tuple(r.code for r in self.rows)

    @property
    def header(self) -> tuple[str, ...]:
        """The column names."""
        return ("code", "name", "parent_code", *(c for layer in self.layers for c in layer.columns))

    def record(self, row: AreaRow) -> dict[str, object]:
        """A row as column -> JSON-ready value (None where the cell is empty)."""
        record: dict[str, object] = {"code": row.code, "name": row.name, "parent_code": row.parent_code}
        for layer in self.layers:
            cell = row.cells.get(layer.id, MapCell(None, (None,) * len(layer.n_columns), False))
            record[layer.id] = cell.value
            record.update(zip(layer.n_columns, cell.n, strict=True))
            record[f"{layer.id}_suppressed"] = cell.suppressed
        return record

    def empty_record(self, code: str, name: str) -> dict[str, object]:
        """The properties of a boundary area with no data: every cell empty, nothing protected."""
        return self.record(AreaRow(code=code, name=name, parent_code=""))


def wide_tables(published: Published, layers: tuple[Layer, ...]) -> dict[str, WideTable]:
    """The wide table of each level that has data."""
    tables: dict[str, WideTable] = {}
    for level in ("district", "sector", "grupo"):
        areas = [a for a in published.areas(level) if published.has_data(a.code)]
        if not areas:
            continue
        rows = []
        for area in areas:
            cells = {layer.id: cell for layer in layers if (cell := layer_cell(published, layer, area.code))}
            parent = area.parent if level != "district" else ""
            rows.append(AreaRow(area.code, area.name if area.name != area.code else "", parent, cells))
        tables[level] = WideTable(level, layers, tuple(rows))
    return tables


def _text(value: object, places: int) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        text = f"{value:.{places}f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value)


def table_csv(table: WideTable) -> str:
    """The wide table as CSV text (comma, '\\n', point decimals; an empty cell is protected or has no data)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.header)
    places = {layer.id: layer.decimals for layer in table.layers}
    for row in table.rows:
        writer.writerow(_text(v, places.get(k, 0)) for k, v in table.record(row).items())
    return buffer.getvalue()

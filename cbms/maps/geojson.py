"""A level's wide table joined to its boundaries and written back as GeoJSON, one feature per line."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from shapely.geometry import mapping

from cbms.maps.wide import AreaRow, WideTable
from cbms.published.boundaries import Boundaries, Shape


@dataclass(frozen=True, slots=True)
class Joined:
    """A level's boundaries against its data: each area with its row (None: no data), and the codes that miss."""

    pairs: tuple[tuple[Shape, AreaRow | None], ...]
    no_data: tuple[str, ...]  # in the boundaries, not in the data
    no_boundary: tuple[str, ...]  # in the data, not in the boundaries


def join(table: WideTable, boundaries: Boundaries) -> Joined:
    """Pair each boundary area with its data row; list the codes on one side only (none is dropped silently)."""
    rows = {r.code: r for r in table.rows}
    pairs = tuple((a, rows.get(a.code)) for a in boundaries.areas)
    drawn = {a.code for a in boundaries.areas}
    return Joined(pairs=pairs, no_data=tuple(a.code for a, row in pairs if row is None),
                  no_boundary=tuple(c for c in table.codes if c not in drawn))


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def geojson_text(table: WideTable, boundaries: Boundaries, joined: Joined, names: Mapping[str, str]) -> str:
    """The joined FeatureCollection, one feature per line: code, name, every indicator's value, n and
    protection flag (null values where protected or no data), and the boundary's geometry. `names` name the
    areas that have no data."""
    head: dict[str, object] = {"type": "FeatureCollection", "name": f"cbms_{table.level}"}
    if boundaries.crs is not None:
        head["crs"] = boundaries.crs
    lines = [_dumps(head)[:-1] + ',"features":[']
    for i, (area, row) in enumerate(joined.pairs):
        props = table.record(row) if row is not None else table.empty_record(area.code, names.get(area.code, area.name))
        geometry = area.source if area.source is not None else mapping(area.geometry)
        feature = {"type": "Feature", "properties": props, "geometry": geometry}
        lines.append(_dumps(feature) + ("," if i < len(joined.pairs) - 1 else ""))
    lines.append("]}")
    return "\n".join(lines) + "\n"

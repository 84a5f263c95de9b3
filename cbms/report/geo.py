"""Read the sector polygons of the manifest's boundaries GeoJSON, for the profiles' small maps (no GIS library)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cbms.config import Manifest
from cbms.errors import REP_006, REP_007, REP_010, CbmsError

Ring = tuple[tuple[float, float], ...]  # (longitude, latitude) points of an outer ring


@dataclass(frozen=True, slots=True)
class Boundaries:
    """Sector code -> the outer rings of its polygons; `illustrative` when the file says its limits are made up."""

    path: Path
    shapes: Mapping[str, tuple[Ring, ...]]
    illustrative: bool


def _ring(points: Any) -> Ring:
    return tuple((float(p[0]), float(p[1])) for p in points)


def _rings(geometry: Any) -> tuple[Ring, ...]:
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if kind == "Polygon":
        return (_ring(coordinates[0]),)
    if kind == "MultiPolygon":
        return tuple(_ring(polygon[0]) for polygon in coordinates)
    return ()


def read_boundaries(manifest: Manifest) -> Boundaries:
    """The sector boundaries named by the manifest (geography.sectors); REP_010, REP_006 or REP_007 when there
    are none, the file is gone, or it holds no usable polygon."""
    path = manifest.boundaries.get("sector")
    if path is None:
        raise CbmsError(REP_010)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise CbmsError(REP_006, path=path) from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CbmsError(REP_007, path=path, reason=" ".join(str(exc).split())) from exc
    shapes: dict[str, tuple[Ring, ...]] = {}
    illustrative = False
    try:
        for feature in data["features"]:
            properties = feature.get("properties") or {}
            code = properties.get(manifest.code_property)
            rings = _rings(feature.get("geometry") or {})
            if code is None or not rings:
                continue
            shapes[str(code)] = shapes.get(str(code), ()) + rings
            illustrative = illustrative or bool(properties.get("illustrative"))
    except (KeyError, TypeError, IndexError, ValueError, AttributeError) as exc:
        raise CbmsError(REP_007, path=path, reason=f"{type(exc).__name__}: {exc}") from exc
    if not shapes:
        raise CbmsError(REP_007, path=path, reason=f"no polygon with the property '{manifest.code_property}'")
    return Boundaries(path, shapes, illustrative)

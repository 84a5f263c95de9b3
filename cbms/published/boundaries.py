"""The one GeoJSON reader of the outputs: a level's boundary file, its codes checked against the data, invalid
geometries repaired or skipped, each problem coded."""

from __future__ import annotations

import difflib
import json
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from shapely.errors import GEOSException, ShapelyError
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from cbms.errors import MAP_006, MAP_007, MAP_008, MAP_009, MAP_010, MAP_011, MAP_012, MAP_013, MAP_014, MAP_018
from cbms.published.problems import Problem

POLYGONAL = ("Polygon", "MultiPolygon")


@dataclass(frozen=True, slots=True)
class Shape:
    """One boundary area: its code, a name if the file has one, and a valid polygonal geometry."""

    code: str
    name: str
    geometry: BaseGeometry
    source: Mapping[str, Any] | None  # the file's own geometry when used unchanged (written back as it was)


@dataclass(frozen=True, slots=True)
class Boundaries:
    """The usable areas of one boundary file, sorted by code, and what had to be done to read them."""

    level: str
    path: Path
    areas: tuple[Shape, ...]
    repaired: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()
    lonlat: bool = True  # coordinates look like WGS84 longitude/latitude (RFC 7946)
    illustrative: bool = False  # the file says its boundaries are made up (the demo's)
    crs: Mapping[str, Any] | None = None  # a legacy 'crs' member, passed on

    @property
    def names(self) -> dict[str, str]:
        """Code -> name, where the file has names."""
        return {a.code: a.name for a in self.areas if a.name}


def _code(value: object) -> str:
    """A code as text: numbers written in a GeoJSON (150142, 150142.0) read like the data's codes."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None or isinstance(value, bool) else str(value).strip()


def _not_geojson(path: Path, level: str, es: str, en: str) -> tuple[None, list[Problem]]:
    return None, [Problem(MAP_007, {"path": path, "level": level, "reason_es": es, "reason_en": en})]


def _load(path: Path, level: str) -> tuple[list[Any] | None, Mapping[str, Any] | None, list[Problem]]:
    """The features of a GeoJSON file and its legacy crs, or the problem that stops reading it."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return None, None, [Problem(MAP_006, {"path": path, "level": level})]
    except (OSError, UnicodeDecodeError) as exc:
        return None, None, _not_geojson(path, level, str(exc), str(exc))[1]
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, None, _not_geojson(path, level, f"no es JSON: {exc}", f"not JSON: {exc}")[1]
    kind = data.get("type") if isinstance(data, dict) else None
    if kind == "Feature":
        return [data], None, []
    features = data.get("features") if isinstance(data, dict) else None
    if kind != "FeatureCollection" or not isinstance(features, list):
        found = kind if isinstance(kind, str) else type(data).__name__
        return None, None, _not_geojson(path, level, f"su tipo es '{found}', no FeatureCollection",
                                        f"its type is '{found}', not FeatureCollection")[1]
    crs = data.get("crs")
    return features, crs if isinstance(crs, dict) else None, []


def _properties(feature: object) -> dict[str, Any]:
    props = feature.get("properties") if isinstance(feature, dict) else None
    return props if isinstance(props, dict) else {}


def _hint(features: Sequence[object], prop: str, data_codes: Collection[str]) -> dict[str, str]:
    """Which property looks like the code: the one whose values match most data codes, else the closest name."""
    keys = sorted({k for f in features for k in _properties(f)})
    matches = Counter(k for f in features for k, v in _properties(f).items()
                      if k != prop and _code(v) in data_codes)
    if matches:
        key, count = min(matches.items(), key=lambda kv: (-kv[1], kv[0]))
        return {"hint_es": f"; la propiedad '{key}' coincide con {count} de {len(data_codes)} códigos",
                "hint_en": f"; property '{key}' matches {count} of {len(data_codes)} codes"}
    close = difflib.get_close_matches(prop, keys, n=1)
    return {"hint_es": f" (¿quiso decir '{close[0]}'?)" if close else "",
            "hint_en": f" (did you mean '{close[0]}'?)" if close else ""}


def _polygonal(geom: BaseGeometry) -> BaseGeometry | None:
    """The polygonal part of a geometry (make_valid may return a collection with lines or points), or None."""
    if geom.geom_type in POLYGONAL:
        return None if geom.is_empty else geom
    if geom.geom_type == "GeometryCollection":
        parts = [p for g in geom.geoms if (p := _polygonal(g)) is not None]
        return shapely.union_all(parts) if parts else None
    return None


def _geometry(raw: object, where: dict[str, object]) -> tuple[BaseGeometry | None, bool, Problem | None]:
    """A usable geometry, whether it was repaired, and the problem met (repaired or unusable)."""
    def unusable(es: str, en: str) -> tuple[None, bool, Problem]:
        return None, False, Problem(MAP_011, {**where, "reason_es": es, "reason_en": en})

    if not isinstance(raw, dict):
        return unusable("sin geometría", "no geometry")
    try:
        geom = shape(raw)
    except (ShapelyError, ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        return unusable(str(exc) or type(exc).__name__, str(exc) or type(exc).__name__)
    if geom.is_empty:
        return unusable("geometría vacía", "empty geometry")
    if geom.geom_type not in (*POLYGONAL, "GeometryCollection"):
        return unusable(f"{geom.geom_type}, no un polígono", f"{geom.geom_type}, not a polygon")
    if geom.is_valid:
        usable = _polygonal(geom)
        if usable is None:
            return unusable("sin polígonos", "no polygons")
        return usable, False, None
    reason = shapely.is_valid_reason(geom)
    try:
        fixed = _polygonal(shapely.make_valid(geom))
    except GEOSException as exc:
        return unusable(f"{reason}; make_valid: {exc}", f"{reason}; make_valid: {exc}")
    if fixed is None:
        return unusable(f"{reason}; make_valid no deja polígonos", f"{reason}; make_valid leaves no polygon")
    return fixed, True, Problem(MAP_010, {**where, "reason_es": reason, "reason_en": reason})


def read_boundaries(path: Path, level: str, code_property: str,
                    data_codes: Collection[str]) -> tuple[Boundaries | None, list[Problem]]:
    """Read a GeoJSON of one level. None (with the reason) when it cannot be used at all: not found, not a
    GeoJSON, no code property, no code matching the data, no usable area. Bad areas are skipped or repaired."""
    features, crs, problems = _load(path, level)
    if features is None:
        return None, problems
    if not any(code_property in _properties(f) for f in features):
        keys = sorted({k for f in features for k in _properties(f)})
        found = ", ".join(keys[:12]) + (", ..." if len(keys) > 12 else "") or "-"
        return None, [Problem(MAP_008, {"path": path, "prop": code_property, "found": found, "level": level,
                                           **_hint(features, code_property, data_codes)})]
    codes = [_code(_properties(f).get(code_property)) for f in features]
    if data_codes and not set(codes) & set(data_codes):
        example = next((c for c in codes if c), "")
        return None, [Problem(MAP_009, {"path": path, "prop": code_property, "example": example,
                                           "level": level, "data_example": min(data_codes),
                                           **_hint(features, code_property, data_codes)})]
    kept: dict[str, list[tuple[BaseGeometry, Mapping[str, Any] | None, str]]] = {}
    repaired: list[str] = []
    skipped: list[str] = []
    illustrative = False
    for index, (feature, code) in enumerate(zip(features, codes, strict=True), start=1):
        props = _properties(feature)
        illustrative = illustrative or props.get("illustrative") is True
        if not code:
            problems.append(Problem(MAP_012, {"path": path, "index": index, "prop": code_property}))
            skipped.append(f"#{index}")
            continue
        raw = feature.get("geometry") if isinstance(feature, dict) else None
        geom, fixed, problem = _geometry(raw, {"path": path, "index": index, "code": code})
        if problem is not None:
            problems.append(problem)
        if geom is None:
            skipped.append(code)
            continue
        if fixed:
            repaired.append(code)
        name = props.get("name")
        unchanged = not fixed and isinstance(raw, dict) and raw.get("type") in POLYGONAL
        kept.setdefault(code, []).append((geom, raw if unchanged else None, name if isinstance(name, str) else ""))
    areas = []
    for code in sorted(kept):
        parts = kept[code]
        if len(parts) > 1:
            problems.append(Problem(MAP_013, {"path": path, "code": code, "count": len(parts)}))
            merged = _polygonal(shapely.union_all([g for g, _, _ in parts]))
            areas.append(Shape(code, next((n for _, _, n in parts if n), ""), merged, None))
        else:
            areas.append(Shape(code, parts[0][2], parts[0][0], parts[0][1]))
    if not areas:
        problems.append(Problem(MAP_014, {"path": path, "level": level}))
        return None, problems
    xmin, ymin, xmax, ymax = shapely.union_all([a.geometry for a in areas]).bounds
    lonlat = -180 <= xmin <= xmax <= 180 and -90 <= ymin <= ymax <= 90
    if not lonlat:
        problems.append(Problem(MAP_018, {"path": path}))
    return Boundaries(level=level, path=path, areas=tuple(areas), repaired=tuple(repaired),
                      skipped=tuple(skipped), lonlat=lonlat, illustrative=illustrative, crs=crs), problems

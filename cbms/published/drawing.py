"""The one map drawer of the outputs: areas filled with their class colour, hatched where nothing is published,
sector outlines over grupos, codes written where they fit. The PNG maps and the profiles' small maps both use it."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.path import Path as MplPath
from matplotlib.patheffects import withStroke
from matplotlib.transforms import Bbox
from shapely.geometry.base import BaseGeometry

NO_DATA_FACE = "#f7f7f7"
NO_DATA_HATCH = "////"
EDGE = "#525252"


@dataclass(frozen=True, slots=True)
class Drawn:
    """An area to draw: its code, geometry, fill colour (None: hatched, nothing published) and parent's code."""

    code: str
    geometry: BaseGeometry
    colour: str | None
    parent: str = ""
    bold: bool = False


@dataclass(frozen=True, slots=True)
class Extent:
    """What the map covers, padded, and how much a degree of latitude is stretched to keep shapes true."""

    xmin: float
    ymin: float
    xmax: float
    ymax: float
    stretch: float

    @property
    def shape(self) -> float:
        """Height over width of the map as drawn."""
        return (self.ymax - self.ymin) * self.stretch / (self.xmax - self.xmin)


def extent(areas: Sequence[Drawn], lonlat: bool = True) -> Extent:
    """The areas' bounds padded by 3 %; in longitude/latitude, y stretched by 1/cos(latitude) so that a degree of
    longitude, which shrinks with latitude, does not squash the shapes."""
    xmin, ymin, xmax, ymax = shapely.union_all([a.geometry for a in areas]).bounds
    pad = 0.03 * max(xmax - xmin, ymax - ymin) or 0.01
    xmin, ymin, xmax, ymax = xmin - pad, ymin - pad, xmax + pad, ymax + pad
    stretch = 1 / max(math.cos(math.radians((ymin + ymax) / 2)), 0.1) if lonlat else 1.0
    return Extent(xmin, ymin, xmax, ymax, stretch)


def _polygons(geom: BaseGeometry) -> list[BaseGeometry]:
    """The polygons in a geometry (a union of touching areas may also carry stray lines or points)."""
    if geom.geom_type == "Polygon":
        return [geom]
    if geom.geom_type in ("MultiPolygon", "GeometryCollection"):
        return [p for g in geom.geoms for p in _polygons(g)]
    return []


def _paths(geom: BaseGeometry) -> list[MplPath]:
    """One compound path per polygon; exteriors counter-clockwise and holes clockwise, so holes stay empty."""
    paths = []
    for polygon in _polygons(geom):
        oriented = shapely.geometry.polygon.orient(polygon, 1.0)
        rings = [oriented.exterior, *oriented.interiors]
        paths.append(MplPath.make_compound_path(
            *(MplPath(np.asarray(r.coords)[:, :2], closed=True) for r in rings)))
    return paths


def _exteriors(geom: BaseGeometry) -> list[MplPath]:
    """The outer rings only: a union of areas that do not share every vertex leaves slivers inside."""
    return [MplPath(np.asarray(p.exterior.coords)[:, :2], closed=True) for p in _polygons(geom)]


def _label(ax: Axes, areas: Sequence[Drawn], fontsize: float, no_data: str) -> None:
    """Write each area's code (and, on a hatched area, why it is hatched) where the label lies inside the area
    and overlaps no other label."""
    renderer = ax.figure.canvas.get_renderer()  # type: ignore[attr-defined]
    ax.apply_aspect()
    to_data = ax.transData.inverted()
    placed: list[Bbox] = []
    for area in areas:
        point = area.geometry.representative_point()
        hatched = [f"{area.code}\n{no_data}", f"{area.code}\n{textwrap.fill(no_data, 12)}"] if no_data else []
        for words in (hatched if area.colour is None else []) + [area.code]:
            label = ax.text(point.x, point.y, words, fontsize=fontsize, ha="center", va="center", color="#111111",
                            linespacing=1.3, fontweight="bold" if area.bold else "normal",
                            path_effects=[withStroke(linewidth=2.4, foreground="white")])
            box = label.get_window_extent(renderer)
            (x0, y0), (x1, y1) = to_data.transform([(box.x0, box.y0), (box.x1, box.y1)])
            inside = area.geometry.intersection(shapely.box(x0, y0, x1, y1)).area / ((x1 - x0) * (y1 - y0))
            if inside < 0.97 or any(box.overlaps(b) for b in placed):
                label.remove()
            else:
                placed.append(box)
                break


def draw_areas(ax: Axes, areas: Sequence[Drawn], bounds: Extent, fontsize: float = 7.5, no_data: str = "",
               line: float = 1.0) -> bool:
    """Draw the areas on `ax` (filled, hatched, outlined, parents and the whole outlined, codes written) within
    `bounds`; returns whether some area is hatched. `line` scales every line width (thinner on a small map)."""
    ax.set_axis_off()
    ax.set_xlim(bounds.xmin, bounds.xmax)
    ax.set_ylim(bounds.ymin, bounds.ymax)
    ax.set_aspect(bounds.stretch, anchor="C")
    filled, colours, hatched = [], [], []
    for area in areas:
        paths = _paths(area.geometry)
        if area.colour is None:
            hatched.extend(paths)
        else:
            filled.extend(paths)
            colours.extend([area.colour] * len(paths))
    if filled:
        ax.add_collection(PathCollection(filled, facecolors=colours, edgecolors="none"))
    if hatched:
        ax.add_collection(PathCollection(hatched, facecolors=NO_DATA_FACE, edgecolors="#636363",
                                         hatch=NO_DATA_HATCH, linewidths=0))
    ax.add_collection(PathCollection(filled + hatched, facecolors="none", edgecolors=EDGE, linewidths=0.5 * line))
    parents: dict[str, list[BaseGeometry]] = {}
    for area in areas:
        if area.parent:
            parents.setdefault(area.parent, []).append(area.geometry)
    if len(parents) > 1:  # grupos: their sectors' outlines help the reader find them
        groups = [p for geoms in parents.values() for p in _exteriors(shapely.union_all(geoms))]
        ax.add_collection(PathCollection(groups, facecolors="none", edgecolors="#252525", linewidths=1.1 * line))
    bold = [p for a in areas if a.bold for p in _exteriors(a.geometry)]
    if bold:
        ax.add_collection(PathCollection(bold, facecolors="none", edgecolors="#000000", linewidths=1.6 * line))
    outline = shapely.union_all([a.geometry for a in areas])
    ax.add_collection(PathCollection(_exteriors(outline), facecolors="none", edgecolors="#000000",
                                     linewidths=1.4 * line))
    _label(ax, areas, fontsize, no_data)
    return bool(hatched)

"""Choropleth PNGs: quantile classes, a colour-blind-safe sequential palette, hatched areas without enough data."""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
import yaml
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.path import Path as MplPath
from matplotlib.patheffects import withStroke
from matplotlib.transforms import Bbox
from shapely.geometry.base import BaseGeometry

from cbms.config import ROOT
from cbms.errors import Lang
from cbms.maps.tables import MapIndicator

# ColorBrewer YlOrRd (Cynthia Brewer, colorbrewer2.org): sequential, colour-blind safe, print friendly, and
# its lightness falls steadily from class to class, so the order still reads in greyscale. Darker = more.
PALETTES: dict[int, tuple[str, ...]] = {
    1: ("#fd8d3c",),
    2: ("#ffeda0", "#f03b20"),
    3: ("#ffeda0", "#feb24c", "#f03b20"),
    4: ("#ffffb2", "#fecc5c", "#fd8d3c", "#e31a1c"),
    5: ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"),
}
MAX_CLASSES = 5
DIMENSIONS = ROOT / "pipelines" / "dimensions.yaml"  # area level labels (es/en)
NO_DATA_FACE = "#f7f7f7"
NO_DATA_HATCH = "////"
EDGE = "#525252"
DPI = 150

LEGEND_UNITS = {
    "percent": ("Porcentaje (%)", "Percent (%)"),
    "mean": ("Promedio", "Mean"),
    "per_1000": ("Por 1 000", "Per 1,000"),
    "index": ("Índice (0 a 1)", "Index (0 to 1)"),
    "count": ("Número", "Number"),
}
LEGEND_DECIMALS = {"percent": 1, "mean": 1, "per_1000": 1, "index": 3, "count": 0}
WORDS: dict[str, tuple[str, str]] = {
    "no_data": ("sin datos suficientes", "insufficient data"),
    "classes": ("clases por cuantiles", "quantile classes"),
    "by": ("por", "by"),
    "district": ("total del distrito", "district total"),
    "source": ("Fuente: CBMS-GRB, {round}", "Source: CBMS-GRB, {round}"),
    "period": (" ({start} a {end})", " ({start} to {end})"),
    "scale": ("Mapa esquemático, sin escala.", "Schematic map, not to scale."),
    "hatched": ("Rayado: sin datos suficientes (menos de {n} casos, no se publica) o sin datos.",
                "Hatched: insufficient data (fewer than {n} cases, not published) or no data."),
    "illustrative": ("Límites ilustrativos, no oficiales.", "Illustrative boundaries, not official."),
}


def level_label(level: str, lang: Lang, dimensions: Path = DIMENSIONS) -> str:
    """The name of a geographic level from pipelines/dimensions.yaml (the level's code if it is not there)."""
    try:
        levels = yaml.safe_load(dimensions.read_text(encoding="utf-8")).get("area_levels", {})
        return str(levels[level][lang])
    except (OSError, yaml.YAMLError, AttributeError, KeyError, TypeError):
        return level


def _word(key: str, lang: Lang, **fields: object) -> str:
    es, en = WORDS[key]
    return (es if lang == "es" else en).format(**fields)


def number(value: float, decimals: int, lang: Lang) -> str:
    """A number for a reader: decimal comma in Spanish (as INEI writes), point in English; a true minus sign."""
    text = f"{value:.{decimals}f}"
    if lang == "es":
        text = text.replace(".", ",")
    return text.replace("-", "−")


@dataclass(frozen=True, slots=True)
class Classes:
    """Classes of a map: upper bounds (inclusive), a legend label and a colour each."""

    uppers: tuple[float, ...]
    labels: tuple[str, ...]
    colours: tuple[str, ...]
    decimals: int

    def colour(self, value: float) -> str:
        """The colour of a value (compared as shown, rounded to the legend's decimals)."""
        shown = round(value, self.decimals)
        index = next((i for i, upper in enumerate(self.uppers) if shown <= upper), len(self.uppers) - 1)
        return self.colours[index]


def classify(values: Sequence[float], value_unit: str, lang: Lang) -> Classes:
    """Up to five quantile classes (nearest rank) of the values as the legend shows them; each label gives the
    lowest and highest value really in its class, so no two labels overlap."""
    decimals = LEGEND_DECIMALS.get(value_unit, 1)
    shown = sorted(round(v, decimals) for v in values)
    k = min(MAX_CLASSES, len(set(shown)))
    uppers = sorted({shown[math.ceil(i * len(shown) / k) - 1] for i in range(1, k + 1)})
    members: list[list[float]] = [[] for _ in uppers]
    for v in shown:
        members[next(i for i, u in enumerate(uppers) if v <= u)].append(v)
    labels = []
    for group in members:
        low, high = number(group[0], decimals, lang), number(group[-1], decimals, lang)
        labels.append(low if low == high else f"{low} – {high}")
    return Classes(uppers=tuple(uppers), labels=tuple(labels), colours=PALETTES[len(uppers)], decimals=decimals)


@dataclass(frozen=True, slots=True)
class MapText:
    """Every word on a map, already in its language."""

    title: str
    subtitle: str
    legend_title: str
    no_data: str
    notes: tuple[str, ...]


def map_text(indicator: MapIndicator, lang: Lang, level_label: str, district: str, round_name: str,
             period: tuple[str, str] | None, threshold: int, illustrative: bool, hatched: bool = True,
             reference: float | None = None) -> MapText:
    """Title, subtitle (with the district's value when given), legend title, the no-data label and the notes
    (source, scale, and what hatching means when some area is hatched)."""
    unit_es, unit_en = LEGEND_UNITS.get(indicator.value_unit, ("", ""))
    unit = (indicator.unit_es or unit_es) if lang == "es" else (indicator.unit_en or unit_en)
    subtitle = f"{_word('by', lang)} {level_label.lower()}"
    if district:
        subtitle = f"{district}, {subtitle}"
    if reference is not None:
        shown = number(reference, LEGEND_DECIMALS.get(indicator.value_unit, 1), lang)
        percent = ("\u00a0%" if lang == "es" else "%") if indicator.value_unit == "percent" else ""
        subtitle += f" · {_word('district', lang)}: {shown}{percent}"
    source = _word("source", lang, round=round_name)
    if period:
        source += _word("period", lang, start=period[0], end=period[1])
    notes = [source + ".", _word("scale", lang)]
    if hatched:
        notes.append(_word("hatched", lang, n=threshold))
    if illustrative:
        notes.append(_word("illustrative", lang))
    return MapText(title=indicator.name(lang), subtitle=subtitle,
                   legend_title=f"{unit}\n{_word('classes', lang)}", no_data=_word("no_data", lang),
                   notes=tuple(notes))


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


@dataclass(frozen=True, slots=True)
class Drawn:
    """An area to draw: its code, geometry, published value (None: hatched) and parent area's code."""

    code: str
    geometry: BaseGeometry
    value: float | None
    parent: str = ""


WIDTH = 8.0  # inches; the height follows the map's shape
MAP_WIDTH = 5.2
MARGIN = 0.32


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
        hatched = [f"{area.code}\n{no_data}", f"{area.code}\n{textwrap.fill(no_data, 12)}"]
        for words in (hatched if area.value is None else []) + [area.code]:
            label = ax.text(point.x, point.y, words, fontsize=fontsize, ha="center", va="center", color="#111111",
                            linespacing=1.3, path_effects=[withStroke(linewidth=2.4, foreground="white")])
            box = label.get_window_extent(renderer)
            (x0, y0), (x1, y1) = to_data.transform([(box.x0, box.y0), (box.x1, box.y1)])
            inside = area.geometry.intersection(shapely.box(x0, y0, x1, y1)).area / ((x1 - x0) * (y1 - y0))
            if inside < 0.97 or any(box.overlaps(b) for b in placed):
                label.remove()
            else:
                placed.append(box)
                break


def render_png(areas: Sequence[Drawn], classes: Classes, text: MapText, lonlat: bool = True) -> bytes:
    """The choropleth as PNG bytes: the same input gives the same bytes (no software or date metadata)."""
    outline = shapely.union_all([a.geometry for a in areas])
    xmin, ymin, xmax, ymax = outline.bounds
    pad = 0.03 * max(xmax - xmin, ymax - ymin)
    xmin, ymin, xmax, ymax = xmin - pad, ymin - pad, xmax + pad, ymax + pad
    # Longitude degrees shrink with latitude: stretch y so the shapes keep their proportions.
    stretch = 1 / math.cos(math.radians((ymin + ymax) / 2)) if lonlat else 1.0
    map_h = min(max(MAP_WIDTH * (ymax - ymin) * stretch / (xmax - xmin), 3.6), 7.5)
    title = textwrap.wrap(text.title, 58)
    notes = [line for note in text.notes for line in textwrap.wrap(note, 112)]
    header = 0.3 + 0.27 * len(title) + 0.55
    footer = 0.2 + 0.16 * len(notes) + 0.2
    height = header + map_h + footer

    fig = Figure(figsize=(WIDTH, height), dpi=DPI, facecolor="white")
    FigureCanvasAgg(fig)
    fig.text(MARGIN / WIDTH, 1 - 0.3 / height, "\n".join(title), fontsize=13, fontweight="bold", va="top")
    fig.text(MARGIN / WIDTH, 1 - (0.38 + 0.27 * len(title)) / height, text.subtitle, fontsize=10, color="#404040",
             va="top")
    ax = fig.add_axes((MARGIN / WIDTH, footer / height, MAP_WIDTH / WIDTH, map_h / height))
    ax.set_axis_off()
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)
    ax.set_aspect(stretch, anchor="C")

    filled, colours, hatched = [], [], []
    for area in areas:
        paths = _paths(area.geometry)
        if area.value is None:
            hatched.extend(paths)
        else:
            filled.extend(paths)
            colours.extend([classes.colour(area.value)] * len(paths))
    if filled:
        ax.add_collection(PathCollection(filled, facecolors=colours, edgecolors="none"))
    if hatched:
        ax.add_collection(PathCollection(hatched, facecolors=NO_DATA_FACE, edgecolors="#636363",
                                         hatch=NO_DATA_HATCH, linewidths=0))
    ax.add_collection(PathCollection(filled + hatched, facecolors="none", edgecolors=EDGE, linewidths=0.5))
    parents: dict[str, list[BaseGeometry]] = {}
    for area in areas:
        if area.parent:
            parents.setdefault(area.parent, []).append(area.geometry)
    if len(parents) > 1:  # grupos: their sectors' outlines help the reader find them
        groups = [p for geoms in parents.values() for p in _exteriors(shapely.union_all(geoms))]
        ax.add_collection(PathCollection(groups, facecolors="none", edgecolors="#252525", linewidths=1.1))
    ax.add_collection(PathCollection(_exteriors(outline), facecolors="none", edgecolors="#000000",
                                     linewidths=1.4))
    _label(ax, areas, 7.5 if len(areas) <= 20 else 6.0, text.no_data)

    handles = [Patch(facecolor=c, edgecolor=EDGE, linewidth=0.6) for c in classes.colours]
    labels = list(classes.labels)
    if hatched:
        handles.append(Patch(facecolor=NO_DATA_FACE, edgecolor="#636363", hatch=NO_DATA_HATCH, linewidth=0.6))
        labels.append(text.no_data)
    right = (MARGIN + MAP_WIDTH + 0.25) / WIDTH
    fig.legend(handles, labels, loc="upper left", bbox_to_anchor=(right, (footer + map_h) / height), frameon=False,
               fontsize=9, title="\n".join(textwrap.fill(line, 30) for line in text.legend_title.splitlines()),
               title_fontsize=9.5, alignment="left", handlelength=2.2,
               handleheight=1.4, borderaxespad=0)

    north = fig.add_axes((right, footer / height, 0.6 / WIDTH, 0.85 / height))
    north.set_axis_off()
    north.annotate("", xy=(0.5, 0.72), xytext=(0.5, 0.0), xycoords="axes fraction",
                   arrowprops={"arrowstyle": "-|>", "linewidth": 1.6, "color": "#111111", "mutation_scale": 22})
    north.text(0.5, 0.78, "N", ha="center", va="bottom", fontsize=12, fontweight="bold", transform=north.transAxes)

    fig.text(MARGIN / WIDTH, 0.2 / height, "\n".join(notes), fontsize=7.5, color="#333333", va="bottom",
             linespacing=1.45)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, facecolor="white", metadata={"Software": None})
    return buffer.getvalue()

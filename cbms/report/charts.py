"""Draw the profiles' charts and maps with matplotlib as small SVG images (vector, text kept as text)."""

# Women are dark and solid, men light and hatched, in every chart: the pair reads in colour and in greyscale.

from __future__ import annotations

import base64
import io
import math
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Polygon
from matplotlib.ticker import FuncFormatter

from cbms.report.geo import Ring
from cbms.report.settings import ProfileLayout

CM = 1 / 2.54
STYLE: dict[Any, Any] = {  # matplotlib types its keys as literals
    "svg.fonttype": "none",  # text stays text: WeasyPrint sets it in the page's font, and it stays searchable
    "svg.hashsalt": "cbms",  # the same chart gives the same bytes
    "font.family": "DejaVu Sans",
    "font.size": 7.0,
    "hatch.linewidth": 0.7,
    "axes.linewidth": 0.5,
    "xtick.major.width": 0.5,
    "ytick.major.width": 0,
}


@dataclass(frozen=True, slots=True)
class Bar:
    """One indicator's pair: values (None = not published) and the texts written at the bars' ends."""

    label: str
    women: float | None
    men: float | None
    women_text: str
    men_text: str


def _data_uri(fig: Figure) -> str:
    buffer = io.BytesIO()
    with matplotlib.rc_context(STYLE):
        fig.savefig(buffer, format="svg", metadata={"Date": None}, transparent=True)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _figure(width_cm: float, height_cm: float) -> Figure:
    with matplotlib.rc_context(STYLE):
        return Figure(figsize=(width_cm * CM, height_cm * CM))


def _bars(ax: Axes, bars: Sequence[Bar], scale: Sequence[float], layout: ProfileLayout,
          offset: float = 0.0) -> None:
    """Women above men for each bar; `scale` divides each pair's lengths (1 for a shared axis)."""
    colours, hatch = layout.colours, layout.hatch
    height = 0.36
    for i, (bar, k) in enumerate(zip(bars, scale, strict=True)):
        y = len(bars) - 1 - i
        for value, text, dy, who in ((bar.women, bar.women_text, height / 2, "women"),
                                     (bar.men, bar.men_text, -height / 2, "men")):
            length = (value or 0.0) / k if k else 0.0
            ax.barh(y + dy, length, height=height * 0.92, color=colours[who], hatch=hatch[who] or None,
                    edgecolor=colours["edge"] if who == "men" else colours[who], linewidth=0.4)
            ax.text(length + offset, y + dy, " " + text, va="center", ha="left", fontsize=6.5,
                    color=colours["text"])


def _legend(ax: Axes, labels: tuple[str, str], layout: ProfileLayout, columns: int = 2) -> None:
    colours = layout.colours
    handles = [Patch(facecolor=colours["women"], edgecolor=colours["women"], label=labels[0]),
               Patch(facecolor=colours["men"], edgecolor=colours["edge"], hatch=layout.hatch["men"] or None,
                     linewidth=0.4, label=labels[1])]
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=columns, frameon=False,
              fontsize=7, handlelength=1.6, borderaxespad=0.2)


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width)[:3])


def pair_chart(bars: Sequence[Bar], labels: tuple[str, str], layout: ProfileLayout,
               tick: Callable[[float], str] = str, width_cm: float = 17.0, wrap: int = 46) -> str:
    """Women and men side by side for indicators on one percent axis (0-100 or less), ticks written by `tick`
    (the profile's language); an SVG data URI."""
    rows = len(bars)
    height_cm = 1.1 + 0.62 * rows
    fig = _figure(width_cm, height_cm)
    left = 6.2 / width_cm
    ax = fig.add_axes((left, 0.35 / height_cm, 1 - left - 0.3 / width_cm, 1 - 1.0 / height_cm))
    top = max([b.women or 0.0 for b in bars] + [b.men or 0.0 for b in bars] + [1.0])
    _bars(ax, bars, [1.0] * rows, layout)
    ax.set_xlim(0, min(100.0, top * 1.18) if top <= 100 else top * 1.18)
    ax.set_ylim(-0.6, rows - 0.4)
    ax.set_yticks(range(rows), [_wrap(b.label, wrap) for b in reversed(bars)], fontsize=7)
    ax.tick_params(axis="x", labelsize=6.5, length=2)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: tick(x)))
    ax.grid(axis="x", color="#DDDDDD", linewidth=0.4)
    ax.set_axisbelow(True)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    _legend(ax, labels, layout)
    return _data_uri(fig)


def gap_chart(bars: Sequence[Bar], labels: tuple[str, str], layout: ProfileLayout, width_cm: float = 10.0,
              wrap: int = 30) -> str:
    """The first page's gaps: each indicator on its own scale (its values are written at the bars' ends, there
    is no axis), so hours and percentages can stand one under the other."""
    rows = len(bars)
    height_cm = 0.9 + 1.1 * rows
    fig = _figure(width_cm, height_cm)
    left = 4.4 / width_cm
    ax = fig.add_axes((left, 0.1 / height_cm, 1 - left - 0.2 / width_cm, 1 - 0.8 / height_cm))
    scale = [max(b.women or 0.0, b.men or 0.0) or 1.0 for b in bars]
    _bars(ax, bars, scale, layout)
    ax.set_xlim(0, 1.45)
    ax.set_ylim(-0.6, rows - 0.4)
    ax.set_yticks(range(rows), [_wrap(b.label, wrap) for b in reversed(bars)], fontsize=6.8)
    ax.set_xticks([])
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    _legend(ax, labels, layout)
    return _data_uri(fig)


def _centroid(ring: Ring) -> tuple[float, float]:
    """The area centroid of a ring (shoelace), its mean point when degenerate."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(area) < 1e-15:
        return sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring)
    return cx / (3 * area), cy / (3 * area)


def _ring_area(ring: Ring) -> float:
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True))) / 2


@dataclass(frozen=True, slots=True)
class Legend:
    """One entry of a map legend."""

    colour: str
    hatch: str
    text: str


def area_map(shapes: Mapping[str, tuple[Ring, ...]], fills: Mapping[str, str], labels: Mapping[str, str],
             layout: ProfileLayout, legend: Sequence[Legend] = (), hatched: Sequence[str] = (),
             bold: Sequence[str] = (), width_cm: float = 7.5) -> str:
    """The sectors as polygons, each in its fill colour (codes in `hatched` hatched), a label at its centroid, the
    legend below; as tall as the district's true shape needs. An SVG data URI."""
    points = [p for rings in shapes.values() for ring in rings for p in ring]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    pad_x, pad_y = (max(xs) - min(xs)) * 0.02 or 0.01, (max(ys) - min(ys)) * 0.02 or 0.01
    x0, x1, y0, y1 = min(xs) - pad_x, max(xs) + pad_x, min(ys) - pad_y, max(ys) + pad_y
    # a degree of longitude shrinks with the cosine of the latitude: keep the district's true shape
    aspect = 1 / max(math.cos(math.radians((y0 + y1) / 2)), 0.1)
    map_cm = min(width_cm * (y1 - y0) * aspect / (x1 - x0), 2 * width_cm)
    legend_cm = 0.42 * len(legend) + (0.3 if legend else 0)
    height_cm = map_cm + legend_cm
    fig = _figure(width_cm, height_cm)
    ax = fig.add_axes((0.0, legend_cm / height_cm, 1.0, map_cm / height_cm))
    edge = layout.colours["edge"]
    plain = [(ring, fills.get(code, layout.colours["area"])) for code, rings in shapes.items()
             if code not in hatched for ring in rings]
    if plain:
        ax.add_collection(PolyCollection([r for r, _ in plain], facecolors=[f for _, f in plain], edgecolors=edge,
                                         linewidths=0.5))
    for code in hatched:
        for ring in shapes.get(code, ()):
            ax.add_patch(Polygon(ring, closed=True, facecolor="white", edgecolor=edge, hatch="xxx", linewidth=0.5))
    for code, rings in shapes.items():
        x, y = _centroid(max(rings, key=_ring_area))
        ax.text(x, y, labels.get(code, code), ha="center", va="center", fontsize=6,
                fontweight="bold" if code in bold else "normal", color=layout.colours["text"],
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.75})
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect(aspect)
    ax.set_axis_off()
    if legend:
        handles = [Patch(facecolor=e.colour, edgecolor=edge, hatch=e.hatch or None, linewidth=0.5, label=e.text)
                   for e in legend]
        fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 0.0), ncol=1, frameon=False,
                   fontsize=6.5, handlelength=1.6, borderaxespad=0.1)
    return _data_uri(fig)

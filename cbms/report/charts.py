"""Draw the profiles' charts, and their small maps through the one map drawer, as SVG images (text kept as text)."""

# Women are dark and solid, men light and hatched, in every chart: the pair reads in colour and in greyscale.

from __future__ import annotations

import base64
import io
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from cbms.published.drawing import EDGE, Drawn, draw_areas, extent
from cbms.published.settings import ProfileLayout

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
        fig = Figure(figsize=(width_cm * CM, height_cm * CM))
    FigureCanvasAgg(fig)  # a renderer to measure text with (the map's labels)
    return fig


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
            # a fixed gap in points after the bar's end: a leading space collapses in the SVG and the text touched
            # the bar
            ax.annotate(text, (length + offset, y + dy), xytext=(2.5, 0), textcoords="offset points", va="center",
                        ha="left", fontsize=6.5, color=colours["text"])


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
    top = max([b.women or 0.0 for b in bars] + [b.men or 0.0 for b in bars])
    _bars(ax, bars, [1.0] * rows, layout)
    # the axis follows the data (bars of 0.1-0.5 % on a 0-1 axis looked empty), with room for the labels
    ax.set_xlim(0, min(100.0, top * 1.22) if 0 < top <= 100 else (top * 1.22 or 1.0))
    ax.xaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
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


@dataclass(frozen=True, slots=True)
class Legend:
    """One entry of a map legend."""

    colour: str
    hatch: str
    text: str


def area_map(areas: Sequence[Drawn], legend: Sequence[Legend], lonlat: bool = True, no_data: str = "",
             width_cm: float = 7.6) -> str:
    """A small map of the areas (drawn by the maps' own drawer), the legend below; as tall as the district's true
    shape needs. An SVG data URI."""
    bounds = extent(areas, lonlat)
    map_cm = min(width_cm * bounds.shape, 2 * width_cm)
    legend_cm = 0.42 * len(legend) + (0.3 if legend else 0)
    height_cm = map_cm + legend_cm
    fig = _figure(width_cm, height_cm)
    ax = fig.add_axes((0.0, legend_cm / height_cm, 1.0, map_cm / height_cm))
    with matplotlib.rc_context(STYLE):
        draw_areas(ax, areas, bounds, fontsize=6.0, no_data=no_data if len(areas) <= 20 else "", line=0.7)
    if legend:
        handles = [Patch(facecolor=e.colour, edgecolor=EDGE, hatch=e.hatch or None, linewidth=0.5, label=e.text)
                   for e in legend]
        fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 0.0), ncol=1, frameon=False,
                   fontsize=6.5, handlelength=1.6, borderaxespad=0.1)
    return _data_uri(fig)

"""Choropleth PNGs: a page around the one map drawer, with title, district value, legend of the shared classes,
north arrow and notes, in the run's language."""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from cbms.config import Manifest
from cbms.errors import Lang
from cbms.maps.wide import Layer
from cbms.published import Published
from cbms.published.classes import Classes
from cbms.published.drawing import EDGE, NO_DATA_FACE, NO_DATA_HATCH, Drawn, draw_areas, extent
from cbms.published.numbers import number_text
from cbms.published.settings import Settings

DPI = 150
WIDTH = 8.0  # inches; the height follows the map's shape
MAP_WIDTH = 5.2
MARGIN = 0.32


@dataclass(frozen=True, slots=True)
class MapText:
    """Every word on a map, already in its language."""

    title: str
    subtitle: str
    legend_title: str
    no_data: str
    notes: tuple[str, ...]



def map_source(settings: Settings, manifest: Manifest, lang: Lang) -> str:
    """A map's source line: the round, and its field period when the manifest gives one."""
    source: str = settings.word("map_source", lang, round=manifest.round_name)
    if manifest.period:
        source += settings.word("map_period", lang, start=manifest.period[0], end=manifest.period[1])
    return source + "."

def map_text(published: Published, layer: Layer, level: str, lang: Lang, hatched: bool = True,
             reference: float | None = None, illustrative: bool = False) -> MapText:
    """Title, subtitle (with the district's value when given), legend title, the no-data label and the notes
    (source, scale, and what hatching means when some area is hatched)."""
    settings, manifest, indicator = published.settings, published.manifest, layer.indicator
    word = settings.word
    measure = settings.measure(settings.reading(indicator.id).measure, lang)
    unit = measure.capitalize() if measure and indicator.value in ("mean", "count") else word(
        f"legend_{indicator.value}", lang)
    if layer.gap:
        unit = word("map_gap_legend", lang, unit=settings.unit(indicator.id, indicator.value, lang))
    subtitle = word("map_by", lang, level=settings.level(level, lang).lower())
    district = manifest.district or published.district.name
    if district:
        subtitle = f"{district}, {subtitle}"
    if reference is not None:
        shown = number_text(reference, layer.decimals, lang)
        if indicator.value == "percent":
            shown += "\u00a0%" if lang == "es" else "%"
        subtitle += " · " + word("map_district_value", lang, value=shown)
    notes = [map_source(published.settings, manifest, lang), word("map_scale", lang)]
    if hatched:
        notes.append(word("map_hatched", lang, n=published.threshold(indicator)))
    if illustrative:
        notes.append(word("map_illustrative", lang))
    return MapText(title=layer.name(published, lang), subtitle=subtitle,
                   legend_title=f"{unit}\n{word('map_classes', lang)}", no_data=word("map_no_data", lang),
                   notes=tuple(notes))


def render_png(areas: Sequence[Drawn], classes: Classes, text: MapText, lonlat: bool = True) -> bytes:
    """The choropleth as PNG bytes: the same input gives the same bytes (no software or date metadata)."""
    bounds = extent(areas, lonlat)
    map_h = min(max(MAP_WIDTH * bounds.shape, 3.6), 7.5)
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
    hatched = draw_areas(ax, areas, bounds, 7.5 if len(areas) <= 20 else 6.0, text.no_data)

    handles = [Patch(facecolor=c, edgecolor=EDGE, linewidth=0.6) for c in classes.colours]
    labels = list(classes.labels)
    if hatched:
        handles.append(Patch(facecolor=NO_DATA_FACE, edgecolor="#636363", hatch=NO_DATA_HATCH, linewidth=0.6))
        labels.append(text.no_data)
    right = (MARGIN + MAP_WIDTH + 0.25) / WIDTH
    fig.legend(handles, labels, loc="upper left", bbox_to_anchor=(right, (footer + map_h) / height), frameon=False,
               fontsize=9, title="\n".join(textwrap.fill(line, 30) for line in text.legend_title.splitlines()),
               title_fontsize=9.5, alignment="left", handlelength=2.2, handleheight=1.4, borderaxespad=0)

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

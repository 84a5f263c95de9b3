"""Change maps: the change since the earlier round of the indicators reports/change.yaml names, per sector of the
current geography, on a diverging palette centred on 0 and coloured by the indicator's declared direction (an
improvement always reads green), the legend in points (or the indicator's unit), hatched where no change is
published. Drawn by the maps' one drawer (choropleth.render_png); only the published changes."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from cbms.atomic import write_atomically
from cbms.errors import MAP_020, MAP_021, Lang
from cbms.indicators.catalogue import Indicator
from cbms.maps.choropleth import MapText, map_source, render_png
from cbms.published import Problem, Published
from cbms.published.classes import Classes
from cbms.published.drawing import Drawn
from cbms.published.numbers import decimals, number_text, rounded
from cbms.published.settings import Settings

LEVEL = "sector"
# ColorBrewer PRGn (Cynthia Brewer, colorbrewer2.org), five classes: diverging and colour-blind safe; its middle is
# near white, so "no change" reads as no colour. Green is always better, purple always worse.
STRONG_BETTER, BETTER, ZERO, WORSE, STRONG_WORSE = "#008837", "#a6dba0", "#f7f7f7", "#c2a5cf", "#7b3294"
NICE = (1.0, 2.0, 2.5, 5.0)


def step(largest: float, places: int) -> float:
    """The width of the mild classes: half the largest change shown, rounded down to 1, 2, 2.5 or 5 x 10^k (a
    legend a reader can say out loud), never under two steps of the shown precision."""
    unit = 10.0 ** -places
    target = max(largest / 2, 2 * unit)
    power = 10.0 ** math.floor(math.log10(target))
    return max(rounded(n * power, places) for n in NICE if n * power <= target)


def change_classes(values: Sequence[float], indicator: Indicator, settings: Settings, lang: Lang) -> Classes:
    """Five classes symmetric around 0 on the changes as shown (s): s <= -w, -w < s < 0, s = 0, 0 < s < w, s >= w;
    the falls green and the rises purple when lower is better, the other way round when higher is."""
    word = settings.word
    places = decimals(indicator.value)
    unit = 10.0 ** -places
    width = step(max(abs(rounded(v, places)) for v in values), places)

    def text(value: float) -> str:
        return number_text(value, places, lang, sign=True)

    lower = indicator.better == "lower"
    falls = (STRONG_BETTER, BETTER) if lower else (STRONG_WORSE, WORSE)
    rises = (WORSE, STRONG_WORSE) if lower else (BETTER, STRONG_BETTER)
    fall, rise = (word("change_better", lang), word("change_worse", lang))[::1 if lower else -1]
    labels = (f"{word('change_map_or_less', lang, value=text(-width))} ({fall})",
              f"{word('change_map_range', lang, low=text(-width + unit), high=text(-unit))} ({fall})",
              word("change_map_zero", lang, zero=number_text(0.0, places, lang)),
              f"{word('change_map_range', lang, low=text(unit), high=text(width - unit))} ({rise})",
              f"{word('change_map_or_more', lang, value=text(width))} ({rise})")
    uppers = (-width, -unit, 0.0, rounded(width - unit, places), math.inf)
    return Classes(uppers=uppers, labels=labels, colours=(*falls, ZERO, *rises), decimals=places)


def _text(published: Published, indicator: Indicator, lang: Lang, before: str, after: str,
          district: float | None, hatched: bool, illustrative: bool) -> MapText:
    settings, manifest = published.settings, published.manifest
    word = settings.word
    places = decimals(indicator.value)
    unit = settings.unit(indicator.id, indicator.value, lang)
    legend = (word("change_map_legend_points", lang) if indicator.value == "percent"
              else word("change_map_legend_unit", lang, unit=unit))
    subtitle = f"{manifest.district or published.district.name}, " \
               f"{word('map_by', lang, level=settings.level(LEVEL, lang).lower())}, " \
               f"{word('change_map_since', lang, before=before, after=after)}"
    if district is not None:
        shown = number_text(district, places, lang, sign=True)
        if indicator.value in ("percent", "per_1000"):
            shown = word(f"change_size_{'points' if indicator.value == 'percent' else 'per_1000'}", lang, size=shown)
        else:
            shown = f"{shown} {unit}"
        subtitle += " · " + word("map_district_value", lang, value=shown)
    notes = [map_source(published.settings, manifest, lang), word("map_scale", lang), word("change_map_colours", lang)]
    if hatched:
        notes.append(word("change_map_hatched", lang))
    if illustrative:
        notes.append(word("map_illustrative", lang))
    return MapText(title=word("change_map_name", lang, name=indicator.name(lang)), subtitle=subtitle,
                   legend_title=legend, no_data=word("change_map_no_change", lang), notes=tuple(notes))


def _write(path: Path, data: bytes) -> Path:
    return write_atomically(path, lambda tmp: tmp.write_bytes(data))


def change_maps(published: Published, out: Path, lang: Lang) -> tuple[tuple[Path, ...], tuple[Problem, ...]]:
    """`map_sector_<id>_change.png` for each indicator reports/change.yaml names, when the round has published
    changes and sector boundaries; the problems met (an indicator without direction, or without any change)."""
    bounds = published.boundaries.get(LEVEL)
    if not published.changes.cells or bounds is None:
        return (), ()
    written: list[Path] = []
    problems: list[Problem] = []
    for indicator_id in published.settings.change.maps:
        indicator = published.indicator(indicator_id)
        if indicator is not None and indicator.better is None:
            problems.append(Problem(MAP_020, {"id": indicator_id}))
            continue
        cells = {a.code: published.changes.cell(indicator_id, a.code) for a in bounds.areas}
        values = {code: c.change for code, c in cells.items() if c is not None and c.change is not None}
        if indicator is None or not published.is_computed(indicator) or not values:
            problems.append(Problem(MAP_021, {"level": LEVEL, "id": indicator_id}))
            continue
        classes = change_classes(list(values.values()), indicator, published.settings, lang)
        drawn = [Drawn(a.code, a.geometry, classes.colour(values[a.code]) if a.code in values else None)
                 for a in bounds.areas]
        any_cell = next(c for c in published.changes.cells if c.indicator_id == indicator_id)
        district = published.changes.cell(indicator_id, published.district.code)
        text = _text(published, indicator, lang, any_cell.round_from, any_cell.round_to,
                     district.change if district is not None else None, len(values) < len(drawn),
                     bounds.illustrative)
        written.append(_write(out / f"map_{LEVEL}_{indicator_id}_change.png",
                              render_png(drawn, classes, text, lonlat=bounds.lonlat)))
    return tuple(written), tuple(problems)

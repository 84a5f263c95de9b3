"""The choropleths of programme coverage: each programme's under-coverage per sector (map_sector_subcobertura_<id>.png),
from the published coverage, in the classes, colours and page of the indicator maps."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

from cbms.atomic import write_atomically
from cbms.errors import MAP_017, Lang
from cbms.maps.choropleth import MapText, map_source, render_png
from cbms.published import Problem, Published
from cbms.published.drawing import Drawn
from cbms.published.numbers import number_text


@dataclass
class CoverageMaps:
    """The images written and the programmes with nothing to draw."""

    files: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _text(published: Published, name: str, district: float | None, hatched: bool, lang: Lang) -> MapText:
    settings, manifest = published.settings, published.manifest
    word = settings.word
    subtitle = word("map_by", lang, level=settings.level("sector", lang).lower())
    if published.district.name:
        subtitle = f"{published.district.name}, {subtitle}"
    if district is not None:
        value = number_text(district, 1, lang) + ("\u00a0%" if lang == "es" else "%")
        subtitle += " · " + word("map_district_value", lang, value=value)
    notes = [map_source(published.settings, manifest, lang), word("coverage_note", lang), word("map_scale", lang)]
    if hatched:
        notes.append(word("coverage_map_hatched", lang, min_cell=manifest.min_cell,
                          min_cell_sensitive=manifest.min_cell_sensitive))
    boundaries = published.boundaries.get("sector")
    if boundaries is not None and boundaries.illustrative:
        notes.append(word("map_illustrative", lang))
    return MapText(title=word("undercoverage_map_title", lang, programme=name), subtitle=subtitle,
                   legend_title=f"{word('undercoverage', lang)}\n{word('map_classes', lang)}",
                   no_data=word("map_no_data", lang), notes=tuple(notes))


def _write(data: bytes, tmp: Path) -> None:
    tmp.write_bytes(data)


def write_coverage_maps(published: Published, out: Path, lang: Lang = "es") -> CoverageMaps:
    """One PNG per programme into the folder `out` (none without coverage or sector boundaries)."""
    result = CoverageMaps()
    coverage, bounds = published.coverage, published.boundaries.get("sector")
    if coverage is None or bounds is None:
        return result
    for programme in coverage.programmes:
        values = coverage.undercoverage(programme.id, [a.code for a in bounds.areas])
        classes = published.classes(values, "percent", lang)
        if classes is None:
            result.problems.append(Problem(MAP_017, {"level": "sector", "id": programme.id}))
            continue
        drawn = [Drawn(a.code, a.geometry, None if (v := values[a.code]) is None else classes.colour(v))
                 for a in bounds.areas]
        total = coverage.cell(programme.id, published.district.code)
        text = _text(published, programme.name(lang), None if total is None or total.protected
                     else total.undercoverage, any(d.colour is None for d in drawn), lang)
        png = render_png(drawn, classes, text, lonlat=bounds.lonlat)
        safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in programme.id)
        result.files.append(write_atomically(out / f"map_sector_subcobertura_{safe}.png",
                                             functools.partial(_write, png)))
    return result

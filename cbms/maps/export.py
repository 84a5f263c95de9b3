"""export_map_inputs: per level, the wide CSV, the GeoJSON joined to the boundaries and a choropleth per layer."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cbms.atomic import write_atomically
from cbms.errors import CLI_001, LANGS, MAP_003, MAP_004, MAP_015, MAP_016, MAP_017, CbmsError, Lang, os_reason
from cbms.maps.change import change_maps
from cbms.maps.choropleth import map_text, render_png
from cbms.maps.geojson import geojson_text, join
from cbms.maps.summary import LevelMaps, MapReport
from cbms.maps.wide import Layer, WideTable, map_layers, table_csv, wide_tables
from cbms.published import Problem, Published
from cbms.published.drawing import Drawn

LISTED = 12  # codes named in a message; the report keeps them all
LEVELS = ("district", "sector", "grupo")


@dataclass(frozen=True, slots=True)
class _Run:
    """What every level of one export shares; `problems` collects what they meet."""

    published: Published
    lang: Lang
    out: Path
    reference: dict[str, float | None]  # layer id -> the district's published value
    problems: list[Problem] = field(default_factory=list)


def _codes(codes: tuple[str, ...]) -> str:
    shown = ", ".join(codes[:LISTED])
    return shown + (f", ... (+{len(codes) - LISTED})" if len(codes) > LISTED else "")


def _write(path: Path, data: bytes) -> Path:
    """Write through a temporary file in the same folder, so a reader never sees half a file."""
    return write_atomically(path, lambda tmp: tmp.write_bytes(data))


def _images(run: _Run, table: WideTable) -> tuple[Path, ...]:
    published = run.published
    bounds = published.boundaries[table.level]
    rows = {r.code: r for r in table.rows}
    parents = {a.code: a.parent for a in published.areas(table.level)}
    images = []
    for layer in table.layers:
        values = {a.code: rows[a.code].published(layer.id) if a.code in rows else None for a in bounds.areas}
        classes = published.classes(values, layer.indicator.value, run.lang)
        if classes is None:
            run.problems.append(Problem(MAP_017, {"level": table.level, "id": layer.id}))
            continue
        drawn = [Drawn(a.code, a.geometry, None if (v := values[a.code]) is None else classes.colour(v),
                       parents.get(a.code, "")) for a in bounds.areas]
        text = map_text(published, layer, table.level, run.lang, hatched=any(d.colour is None for d in drawn),
                        reference=run.reference.get(layer.id) if table.level != "district" else None,
                        illustrative=bounds.illustrative)
        png = render_png(drawn, classes, text, lonlat=bounds.lonlat)
        images.append(_write(run.out / f"map_{table.level}_{layer.id}.png", png))
    return tuple(images)


def _level(run: _Run, table: WideTable) -> LevelMaps:
    level = table.level
    csv_path = _write(run.out / f"map_{level}.csv", table_csv(table).encode("utf-8"))
    bounds = run.published.boundaries.get(level)
    if bounds is None:
        return LevelMaps(level=level, areas=len(table.rows), table=csv_path)
    joined = join(table, bounds)
    if joined.no_data:
        run.problems.append(Problem(MAP_015, {"level": level, "count": len(joined.no_data),
                                              "codes": _codes(joined.no_data)}))
    if joined.no_boundary:
        run.problems.append(Problem(MAP_016, {"level": level, "count": len(joined.no_boundary),
                                              "path": bounds.path, "codes": _codes(joined.no_boundary)}))
    names = {a.code: run.published.name(level, a.code) for a in bounds.areas}
    geojson = _write(run.out / f"map_{level}.geojson", geojson_text(table, bounds, joined, names).encode("utf-8"))
    return LevelMaps(level=level, areas=len(table.rows), table=csv_path, geojson=geojson, images=_images(run, table),
                     no_data=joined.no_data, no_boundary=joined.no_boundary, repaired=bounds.repaired,
                     skipped=bounds.skipped)


def export_map_inputs(published: Published, out: Path, lang: Lang = "es") -> MapReport:
    """Write the poverty-map inputs of every level to `out` from the published mart: `map_<level>.csv` (always),
    `map_<level>.geojson` and `map_<level>_<layer>.png` where the level has boundaries.

    Problems with the data are collected in the report and the rest is still written (the boundaries' own
    problems are the published mart's); CbmsError only when nothing can be written (no indicator marked for the
    maps, an output folder that cannot be written, an unknown language)."""
    if lang not in LANGS:
        raise CbmsError(CLI_001, lang=lang)
    layers: tuple[Layer, ...] = map_layers(published)
    tables = wide_tables(published, layers)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CbmsError(MAP_003, path=out, reason=os_reason(exc)) from exc
    district = tables["district"].rows if "district" in tables else ()
    reference = {layer.id: district[0].published(layer.id) for layer in layers} if len(district) == 1 else {}
    run = _Run(published, lang, out, reference)
    levels = []
    for level in LEVELS:
        table = tables.get(level)
        if table is None:
            run.problems.append(Problem(MAP_004, {"level": level}))
            continue
        levels.append(_level(run, table))
    changes, met = change_maps(published, out, lang)
    return MapReport(out=out, lang=lang, indicators=tuple(layer.id for layer in layers), levels=tuple(levels),
                     problems=(*run.problems, *met), changes=changes)

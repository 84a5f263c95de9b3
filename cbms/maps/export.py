"""export_map_inputs: per level, the wide CSV, the GeoJSON joined to the boundaries and a choropleth per indicator."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from cbms.atomic import write_atomically
from cbms.config import Manifest
from cbms.errors import CLI_001, LANGS, MAP_001, MAP_003, MAP_004, MAP_005, MAP_015, MAP_016, MAP_017, CbmsError, Lang
from cbms.maps.boundaries import Boundaries, geojson_text, join, read_boundaries
from cbms.maps.choropleth import Drawn, classify, level_label, map_text, render_png
from cbms.maps.summary import LevelMaps, MapProblem, MapReport
from cbms.maps.tables import LEVELS, WideTable, read_geography, read_map_indicators, read_tables, table_csv

LISTED = 12  # codes named in a message; the report keeps them all


@dataclass(frozen=True, slots=True)
class _Run:
    """What every level of one export shares; `problems` collects what they meet."""

    manifest: Manifest
    lang: Lang
    out: Path
    district: str  # the district's name, for the maps' subtitles
    geography: Mapping[tuple[str, str], tuple[str, str]]  # (level, code) -> (name, parent code)
    reference: Mapping[str, float | None]  # indicator id -> the district's published value
    problems: list[MapProblem] = field(default_factory=list)

    def names(self, level: str) -> dict[str, str]:
        return {code: name for (lv, code), (name, _) in self.geography.items() if lv == level and name}

    def parents(self, level: str) -> dict[str, str]:
        return {code: parent for (lv, code), (_, parent) in self.geography.items() if lv == level and parent}


def _codes(codes: tuple[str, ...]) -> str:
    shown = ", ".join(codes[:LISTED])
    return shown + (f", ... (+{len(codes) - LISTED})" if len(codes) > LISTED else "")


def _write(path: Path, data: bytes) -> Path:
    """Write through a temporary file in the same folder, so a reader never sees half a file."""
    return write_atomically(path, lambda tmp: tmp.write_bytes(data))


def _images(run: _Run, table: WideTable, bounds: Boundaries) -> tuple[Path, ...]:
    rows = {r.code: r for r in table.rows}
    parents = {**run.parents(table.level), **{r.code: r.parent_code for r in table.rows if r.parent_code}}
    label = level_label(table.level, run.lang)
    m = run.manifest
    images = []
    for ind in table.indicators:
        drawn = [Drawn(a.code, a.geometry, rows[a.code].published(ind.id) if a.code in rows else None,
                       parents.get(a.code, "")) for a in bounds.areas]
        values = [d.value for d in drawn if d.value is not None]
        if not values:
            run.problems.append(MapProblem(MAP_017, {"level": table.level, "id": ind.id}))
            continue
        text = map_text(ind, run.lang, label, run.district, m.round_name, m.period,
                        m.min_cell_sensitive if ind.sensitive else m.min_cell, bounds.illustrative,
                        hatched=len(values) < len(drawn),
                        reference=run.reference.get(ind.id) if table.level != "district" else None)
        png = render_png(drawn, classify(values, ind.value_unit, run.lang), text, lonlat=bounds.lonlat)
        images.append(_write(run.out / f"map_{table.level}_{ind.id}.png", png))
    return tuple(images)


def _level(run: _Run, table: WideTable, boundary: Path | None, code_property: str) -> LevelMaps:
    level = table.level
    bounds = None
    if boundary is not None:
        bounds, found = read_boundaries(boundary, level, code_property, set(table.codes))
        run.problems.extend(found)
    names = {**(bounds.names if bounds else {}), **run.names(level)}
    table = table.named(names)
    csv_path = _write(run.out / f"map_{level}.csv", table_csv(table).encode("utf-8"))
    if bounds is None:
        return LevelMaps(level=level, areas=len(table.rows), table=csv_path)
    joined = join(table, bounds)
    if joined.no_data:
        run.problems.append(MapProblem(MAP_015, {"level": level, "count": len(joined.no_data),
                                                 "codes": _codes(joined.no_data)}))
    if joined.no_boundary:
        run.problems.append(MapProblem(MAP_016, {"level": level, "count": len(joined.no_boundary),
                                                 "path": bounds.path, "codes": _codes(joined.no_boundary)}))
    geojson = _write(run.out / f"map_{level}.geojson", geojson_text(table, bounds, joined, names).encode("utf-8"))
    return LevelMaps(level=level, areas=len(table.rows), table=csv_path, geojson=geojson,
                     images=_images(run, table, bounds), no_data=joined.no_data, no_boundary=joined.no_boundary,
                     repaired=bounds.repaired, skipped=bounds.skipped)


def export_map_inputs(con: duckdb.DuckDBPyConnection, manifest: Manifest, out: Path, lang: Lang = "es",
                      boundaries: Mapping[str, Path] | None = None, code_property: str | None = None) -> MapReport:
    """Write the poverty-map inputs of every level to `out`, reading mart.* only: `map_<level>.csv` (always),
    `map_<level>.geojson` and `map_<level>_<indicator>.png` where the level has boundaries.

    `boundaries` ({level: GeoJSON}) replaces the manifest's when given; `code_property` names the property
    that holds the area code (default: the manifest's). Problems with the boundaries or the data are collected
    in the report and the rest is still written; CbmsError only when nothing can be written (no indicators in
    the database, none marked for maps, an output folder that cannot be written, an unknown language).
    """
    if lang not in LANGS:
        raise CbmsError(CLI_001, lang=lang)
    indicators = read_map_indicators(con)
    geography, problems = read_geography(manifest.geography)
    tables = read_tables(con, indicators, geography, manifest.min_cell, manifest.min_cell_sensitive)
    if not tables:
        raise CbmsError(MAP_001, reason="mart.indicator_values: 0 rows")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CbmsError(MAP_003, path=out, reason=exc.strerror or str(exc)) from exc
    district_rows = tables["district"].rows if "district" in tables else ()
    district = manifest.district or next((r.name for r in district_rows if r.name), "")
    reference = {i.id: district_rows[0].published(i.id) for i in indicators} if len(district_rows) == 1 else {}
    run = _Run(manifest, lang, out, district, geography, reference, problems)
    bounds = dict(manifest.boundaries if boundaries is None else boundaries)
    for level in sorted(set(bounds) - set(LEVELS)):
        run.problems.append(MapProblem(MAP_005, {"level": level, "path": bounds[level], "levels": ", ".join(LEVELS)}))
    levels = []
    for level in LEVELS:
        table = tables.get(level)
        if table is None:
            run.problems.append(MapProblem(MAP_004, {"level": level}))
            continue
        levels.append(_level(run, table, bounds.get(level), code_property or manifest.code_property))
    return MapReport(out=out, lang=lang, indicators=tuple(i.id for i in indicators), levels=tuple(levels),
                     problems=tuple(run.problems))

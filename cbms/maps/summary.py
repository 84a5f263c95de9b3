"""What a map export wrote and what it found: MapReport, one LevelMaps per level, coded problems."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cbms.errors import Lang
from cbms.published import Problem


@dataclass(frozen=True, slots=True)
class LevelMaps:
    """The outputs of one geographic level and how its data met its boundaries."""

    level: str
    areas: int  # rows of the wide table (areas with data)
    table: Path | None = None  # the wide CSV
    geojson: Path | None = None  # the wide table joined to the boundaries
    images: tuple[Path, ...] = ()  # one choropleth PNG per map layer
    no_data: tuple[str, ...] = ()  # codes in the boundaries with no data (drawn hatched)
    no_boundary: tuple[str, ...] = ()  # codes with data and no polygon (in the table, not on the map)
    repaired: tuple[str, ...] = ()  # codes whose invalid geometry make_valid repaired
    skipped: tuple[str, ...] = ()  # boundary areas left off (unusable geometry; no code: shown as '#<index>')


@dataclass(frozen=True, slots=True)
class MapReport:
    """Everything `export_map_inputs` wrote, level by level, and every problem it met (the CLI prints them)."""

    out: Path
    lang: Lang
    indicators: tuple[str, ...]  # the layer ids, in catalogue order (the gap last)
    levels: tuple[LevelMaps, ...]
    problems: tuple[Problem, ...] = ()
    changes: tuple[Path, ...] = ()  # the change maps, when the round has published changes (maps/change.py)

    def level(self, name: str) -> LevelMaps | None:
        """The outputs of one level, if it had data."""
        return next((lv for lv in self.levels if lv.level == name), None)

    @property
    def files(self) -> tuple[Path, ...]:
        """Every file written, in level order."""
        paths: list[Path] = []
        for lv in self.levels:
            paths.extend(p for p in (lv.table, lv.geojson) if p is not None)
            paths.extend(lv.images)
        return (*paths, *self.changes)

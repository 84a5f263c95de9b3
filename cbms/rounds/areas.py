"""An earlier round's areas placed on the current geography: each current area's earlier areas and the share of
each that lies in it, from the crosswalks' `areas` (declared) and the codes both geographies have (themselves)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from cbms.rounds.crosswalk import AREA_LEVELS, Crosswalk

Sources = Mapping[str, float]  # earlier area code -> the share of it that lies in the current area


@dataclass(frozen=True, slots=True)
class Placement:
    """Per area level: current code -> its earlier areas with their shares; and the earlier codes placed nowhere."""

    sources: Mapping[str, Mapping[str, Sources]]
    unplaced: Mapping[str, tuple[str, ...]]

    def of(self, level: str, code: str) -> Sources:
        """The earlier areas of a current area, with their shares (empty: it has none)."""
        return self.sources.get(level, {}).get(code, {})


def declared_areas(crosswalks: Collection[Crosswalk], previous: str | None) -> dict[str, dict[str, dict[str, float]]]:
    """level -> earlier code -> {current code: share}, from the crosswalks that place round `previous` (or that do
    not say which round they place)."""
    out: dict[str, dict[str, dict[str, float]]] = {level: {} for level in AREA_LEVELS}
    for crosswalk in crosswalks:
        if crosswalk.from_round is not None and crosswalk.from_round != previous:
            continue
        for level, moved in crosswalk.areas.items():
            out.setdefault(level, {}).update({old: dict(parts) for old, parts in moved.items()})
    return out


def place_areas(declared: Mapping[str, Mapping[str, Mapping[str, float]]], earlier: Mapping[str, Collection[str]],
                current: Mapping[str, Collection[str]]) -> Placement:
    """Every earlier code of every level placed: where declared, as declared; else on the same code when the
    current geography has it; else nowhere (reported, and left out of the change table)."""
    sources: dict[str, dict[str, dict[str, float]]] = {}
    unplaced: dict[str, tuple[str, ...]] = {}
    for level in sorted(set(earlier) | set(current)):
        moved = declared.get(level, {})
        here = set(current.get(level, ()))
        placed: dict[str, dict[str, float]] = {}
        missing = []
        for old in sorted(set(earlier.get(level, ()))):
            parts = moved.get(old) or ({old: 1.0} if old in here else {})
            if not parts:
                missing.append(old)
            for new, share in parts.items():
                placed.setdefault(new, {})[old] = share
        sources[level] = placed
        if missing:
            unplaced[level] = tuple(missing)
    return Placement(sources, unplaced)

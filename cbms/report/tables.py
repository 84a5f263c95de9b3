"""Shape the mart into display tables: district and sectors side by side; women, men, gap (points) and ratio."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from cbms.errors import Lang
from cbms.indicators.catalogue import Indicator
from cbms.published import Area, Cell, Published
from cbms.published.numbers import number_text
from cbms.published.settings import Settings

Shown = float | str  # a number, or a mark: SUPPRESSED or NOT_APPLICABLE
SUPPRESSED = "x"
NOT_APPLICABLE = "n.a."
Kind = Literal["total", "women", "men", "gap", "ratio"]
KINDS: tuple[Kind, ...] = ("total", "women", "men", "gap", "ratio")
POINT_UNITS = ("percent", "per_1000")  # a gap in these is read in points; in the others, relative to men's value


def shown(cell: Cell | None) -> Shown:
    """What a cell shows: its value (a true zero stays 0), `x` when suppressed, `n.a.` when there is no cell."""
    if cell is None:
        return NOT_APPLICABLE
    if cell.suppressed or cell.value is None:
        return SUPPRESSED
    return cell.value


@dataclass(frozen=True, slots=True)
class Pair:
    """Women and men (female- and male-headed households for household indicators) of one indicator in one area.

    `behind`: 0 women are not behind (or the indicator is neutral), 1 behind by a noticeable gap, 2 by a large one.
    `score`: the gap's size in units of the noticeable size when women are behind, else 0 (ranks the five gaps)."""

    women: Shown
    men: Shown
    gap: Shown
    ratio: Shown
    behind: int = 0
    score: float = 0.0


def _behind(settings: Settings, indicator: Indicator, women: float, men: float) -> tuple[int, float]:
    direction = settings.reading(indicator.id).higher_is
    gap = women - men
    if direction == "neutral" or (gap <= 0 if direction == "bad" else gap >= 0):
        return 0, 0.0
    if indicator.value in POINT_UNITS:
        size, noticeable, large = abs(gap), settings.noticeable.points, settings.large.points
    else:
        size = abs(gap) / abs(men) if men else math.inf
        noticeable, large = settings.noticeable.relative, settings.large.relative
    level = 2 if size >= large else 1 if size >= noticeable else 0
    score = size / noticeable if noticeable else size
    return level, (score if level else 0.0)


def pair(mart: Published, settings: Settings, indicator: Indicator, area: str) -> Pair | None:
    """The women-men pair of an indicator in an area, or None when the indicator has no sex breakdown."""
    breakdown = indicator.pair
    if breakdown is None:
        return None
    keys = {"sex": ("female", None), "head_sex": (None, "female")}, {"sex": ("male", None), "head_sex": (None, "male")}
    women = shown(mart.cell(indicator.id, area, *keys[0][breakdown]))
    men = shown(mart.cell(indicator.id, area, *keys[1][breakdown]))
    if SUPPRESSED in (women, men):  # a gap or ratio would give a hidden value away
        return Pair(women, men, SUPPRESSED, SUPPRESSED)
    if not isinstance(women, float) or not isinstance(men, float):
        return Pair(women, men, NOT_APPLICABLE, NOT_APPLICABLE)
    ratio: Shown = women / men if men else NOT_APPLICABLE
    return Pair(women, men, women - men, ratio, *_behind(settings, indicator, women, men))


def domains(mart: Published, settings: Settings) -> list[str]:
    """The domains that have a computed indicator, in dimensions.yaml's order (unknown ones after)."""
    present = {i.domain for i in mart.indicators if mart.is_computed(i)}
    declared = list(settings.dimensions.domains)
    return [d for d in declared if d in present] + sorted(present - set(declared))


def indicators_of(mart: Published, domain: str) -> list[Indicator]:
    """A domain's computed indicators in catalogue order."""
    return [i for i in mart.indicators if i.domain == domain and mart.is_computed(i)]


@dataclass(frozen=True, slots=True)
class Row:
    """One line of a domain table: an indicator's total, women, men, gap or ratio in each area."""

    indicator: Indicator
    kind: Kind
    values: tuple[Shown, ...]
    behind: tuple[int, ...]


def domain_rows(mart: Published, settings: Settings, domain: str, areas: list[Area]) -> list[Row]:
    """Each indicator of the domain: its total row, then women, men, gap and ratio when it has a pair."""
    rows: list[Row] = []
    for indicator in indicators_of(mart, domain):
        totals = tuple(shown(mart.cell(indicator.id, a.code)) for a in areas)
        rows.append(Row(indicator, "total", totals, (0,) * len(areas)))
        if indicator.pair is None:
            continue
        pairs = [pair(mart, settings, indicator, a.code) for a in areas]
        kind: Kind
        for kind in ("women", "men", "gap", "ratio"):
            values = tuple(getattr(p, kind) if p else NOT_APPLICABLE for p in pairs)
            behind = tuple(p.behind if p and kind == "gap" else 0 for p in pairs)
            rows.append(Row(indicator, kind, values, behind))
    return rows


@dataclass(frozen=True, slots=True)
class TopGap:
    """A gap where women are behind, with both values published."""

    indicator: Indicator
    women: float
    men: float
    gap: float
    level: int
    score: float


def top_gaps(mart: Published, settings: Settings, area: str, count: int) -> list[TopGap]:
    """The `count` largest women-men gaps where women are behind (persons only, both cells published), largest
    first; ties keep catalogue order."""
    found = []
    for indicator in mart.indicators:
        if not mart.is_computed(indicator) or indicator.pair != "sex":
            continue
        p = pair(mart, settings, indicator, area)
        if p is not None and p.behind and isinstance(p.women, float) and isinstance(p.men, float):
            found.append(TopGap(indicator, p.women, p.men, p.women - p.men, p.behind, p.score))
    found.sort(key=lambda g: (-g.score, g.indicator.order))
    return found[:count]


def shown_text(value: Shown, decimals: int, lang: Lang, sign: bool = False) -> str:
    """A shown value as text (marks as they are)."""
    return value if isinstance(value, str) else number_text(value, decimals, lang, sign)


def unrecorded(mart: Published, indicator: Indicator, areas: list[Area], lang: Lang) -> str | None:
    """For a count (population...), the note that says why women + men fall short of the total in these areas: the
    units with no sex (or no head's sex) recorded count in the total only. None when they add up, or when a hidden
    cell keeps the difference from being shown."""
    if indicator.value != "count" or indicator.pair is None:
        return None
    head = indicator.pair == "head_sex"
    found: list[tuple[str, str]] = []
    for area in areas:
        total = mart.cell(indicator.id, area.code)
        parts = [mart.cell(indicator.id, area.code, *((None, s) if head else (s, None))) for s in ("female", "male")]
        if total is None or total.value is None or any(p is not None and p.value is None for p in parts):
            continue
        missing = total.value - sum(p.value or 0.0 for p in parts if p is not None)
        if missing > 0:
            found.append((area.name, number_text(missing, 0, lang)))
    if not found:
        return None
    settings = mart.settings
    key = "unrecorded_head_note" if head else "unrecorded_note"
    unit = settings.unit(indicator.id, indicator.value, lang)
    if len(areas) == 1:
        return settings.word(key, lang, name=indicator.name(lang), count=found[0][1], unit=unit)
    return settings.word(f"{key}_areas", lang, name=indicator.name(lang), unit=unit,
                         where="; ".join(f"{name} {count}" for name, count in found))

"""How the outputs read a published change: better or worse by the indicator's declared direction, and how large on
the indicator's own scale (so an area's largest changes can be ranked across units)."""

from __future__ import annotations

from dataclasses import dataclass

from cbms.indicators.catalogue import Indicator
from cbms.published import Published
from cbms.published.changes import Change
from cbms.published.numbers import decimals, rounded
from cbms.published.settings import Settings
from cbms.report.tables import POINT_UNITS

BETTER, SAME, WORSE = 1, 0, -1


def way(indicator: Indicator, change: float) -> int:
    """BETTER, WORSE, or SAME when the change shows as zero or the indicator is neutral; compared as shown, so a
    cell never reads 0,0 in green."""
    shown = rounded(change, decimals(indicator.value))
    if indicator.better is None or shown == 0:
        return SAME
    fell = shown < 0
    return BETTER if fell == (indicator.better == "lower") else WORSE


def size(settings: Settings, indicator: Indicator, change: Change) -> float:
    """The change in units of the noticeable gap size (reports/indicators.yaml, `gaps`), as the profiles rank
    gaps: points for percents and rates per 1,000, and for an index (0-1) its hundredths; for means and counts the
    change as a share of the earlier value (of the later one when the earlier is 0). So 1 point of poverty weighs
    as much as 5 % more hours. An index is not taken relative to its value: from 0.001 to 0.015 would be 1,400 %."""
    assert change.change is not None and change.value_from is not None and change.value_to is not None
    if indicator.value in POINT_UNITS:
        return abs(change.change) / (settings.noticeable.points or 1.0)
    if indicator.value == "index":
        return 100 * abs(change.change) / (settings.noticeable.points or 1.0)
    base = abs(change.value_from) or abs(change.value_to)
    return abs(change.change) / base / (settings.noticeable.relative or 1.0) if base else 0.0


@dataclass(frozen=True, slots=True)
class Ranked:
    """One published change of an area's total, read."""

    indicator: Indicator
    change: Change
    way: int
    size: float


def area_changes(mart: Published, area: str) -> list[Ranked]:
    """Every published change of the area's totals (no breakdown), in catalogue order."""
    found = []
    for indicator in mart.indicators:
        cell = mart.changes.cell(indicator.id, area)
        if not mart.is_computed(indicator) or cell is None or cell.suppressed or cell.change is None:
            continue
        found.append(Ranked(indicator, cell, way(indicator, cell.change), size(mart.settings, indicator, cell)))
    return found


def largest(mart: Published, area: str, count: int) -> tuple[list[Ranked], list[Ranked]]:
    """The `count` largest improvements and the `count` largest deteriorations of the area, largest first; ties
    keep catalogue order."""
    ranked = sorted(area_changes(mart, area), key=lambda r: (-r.size, r.indicator.order, r.indicator.id))
    return ([r for r in ranked if r.way == BETTER][:count], [r for r in ranked if r.way == WORSE][:count])

"""The ranking of sectors by unmet need: each sector's need score (severity, size and gap against women, each
against the worst sector, weighted as rules.yaml declares, averaged over the needs with their weights) as a share
of all sectors' scores, minus its share of the budget set against the needs; the largest difference ranks first."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from cbms.budget.allocation import Allocation
from cbms.budget.mart import SEXES, NeedCells
from cbms.budget.matrix import sex_gap
from cbms.budget.needs import Need
from cbms.budget.rules import Weights


@dataclass(frozen=True, slots=True)
class RankingRow:
    """One sector, with the declared weights beside it."""

    rank: int
    area_code: str
    area_name: str
    severity: float | None  # weighted mean over the needs of rate / the highest sector rate (0-1)
    size: float | None  # ... of count in need / the largest sector count (0-1)
    gap: float | None  # ... of the gap against women / the widest sector gap (0-1; 0 where women are not behind)
    need_score: float | None  # (w_severity x severity + w_size x size + w_gap x gap) / (sum of the weights), per need
    need_share: float | None  # percent of the sectors' need scores
    allocated: float  # soles located in the sector that address a declared need
    budget_share: float  # percent of those soles across sectors
    unmet: float | None  # need_share - budget_share, percentage points
    weight_severity: float
    weight_size: float
    weight_gap: float
    suppressed: bool  # a cell behind the score is protected


def rank_sectors(cells: NeedCells, needs: Sequence[Need], allocation: Allocation, weights: Weights,
                 sectors: Mapping[str, str]) -> tuple[RankingRow, ...]:
    """Every sector of the round, ranked by unmet need (ties by sector code)."""
    codes = sorted(sectors)
    parts = {s: [0.0, 0.0, 0.0, 0.0] for s in codes}  # severity, size, gap, score, each summed over needs x weight
    protected = dict.fromkeys(codes, False)
    need_weight = sum(n.weight for n in needs)
    for need in needs:
        rate, count, gap = {}, {}, {}
        for s in codes:
            total, female, male = (cells.get(need.id, "sector", s, sex) for sex in SEXES)
            protected[s] = protected[s] or any(c is not None and c.suppressed for c in (total, female, male))
            rate[s] = total.value if total and total.value is not None else 0.0
            count[s] = total.in_need if total and total.in_need is not None else 0.0
            gap[s] = max(sex_gap(female, male)[0] or 0.0, 0.0)
        components = [_against_worst(rate), _against_worst(count), _against_worst(gap)]
        for s in codes:
            severity, size, women = (c[s] for c in components)
            score = (weights.severity * severity + weights.size * size + weights.gap * women) / weights.total
            for i, value in enumerate((severity, size, women, score)):
                parts[s][i] += need.weight * value
    means = {s: [v / need_weight if need_weight else 0.0 for v in parts[s]] for s in codes}
    score_total = sum(means[s][3] for s in codes)
    soles = {s: sum(allocation.get(n.id, "sector", s) or 0.0 for n in needs) for s in codes}
    soles_total = sum(soles.values())
    rows = []
    for s in codes:
        need_share = 100.0 * means[s][3] / score_total if score_total > 0 else None
        budget_share = 100.0 * soles[s] / soles_total if soles_total > 0 else 0.0
        severity, size, women, score = means[s]
        rows.append(RankingRow(0, s, sectors[s], severity, size, women, score, need_share, soles[s], budget_share,
                               need_share - budget_share if need_share is not None else None,
                               weights.severity, weights.size, weights.gap, protected[s]))
    ordered = sorted(rows, key=lambda r: (-(r.unmet if r.unmet is not None else float("-inf")), r.area_code))
    return tuple(replace(row, rank=i) for i, row in enumerate(ordered, start=1))


def _against_worst(values: Mapping[str, float]) -> dict[str, float]:
    """Each value over the largest (all 0 when the largest is not above 0)."""
    top = max(values.values(), default=0.0)
    return {k: v / top if top > 0 else 0.0 for k, v in values.items()}


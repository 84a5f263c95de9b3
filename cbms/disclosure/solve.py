"""Which hidden cells the relations give away: a hidden cell is worked out exactly when the published cells and the
relations leave it one value only, that is when, once the relations are reduced to their echelon form over the
hidden cells, one of them holds that cell alone (whatever the published numbers are)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence

from cbms.disclosure.relations import Key, Relation

# Exact arithmetic modulo a large prime: the relations' coefficients are small integers, so a rank over these
# integers is the rank over the rationals except with a probability of about 1e-18, and no float tolerance is
# needed (a dense float SVD took minutes on the small censuses, whose hidden cells number in the thousands).
PRIME = (1 << 61) - 1


def _rows(relations: Sequence[Relation], hidden: Collection[Key]) -> list[dict[Key, int]]:
    rows = []
    for relation in relations:
        row: dict[Key, int] = {}
        if relation.total in hidden:
            row[relation.total] = PRIME - 1
        for part in relation.parts:
            if part in hidden:
                row[part] = (row.get(part, 0) + 1) % PRIME
        row = {k: v for k, v in row.items() if v}
        if row:
            rows.append(row)
    return rows


def determined(relations: Sequence[Relation], hidden: Collection[Key]) -> set[Key]:
    """The hidden cells the relations determine (each would come back exactly, for any additive quantity)."""
    hidden = set(hidden)
    pivots: dict[Key, dict[Key, int]] = {}  # pivot -> its row, pivot coefficient 1, free of every other pivot
    holding: dict[Key, set[Key]] = defaultdict(set)  # cell -> the pivots whose rows hold it
    for row in _rows(relations, hidden):
        for cell in [c for c in row if c in pivots]:
            factor = row.pop(cell, 0)
            for other, value in pivots[cell].items():
                if other != cell:
                    row[other] = (row.get(other, 0) - factor * value) % PRIME
        row = {k: v for k, v in row.items() if v}
        if not row:
            continue
        pivot = min(row, key=repr)
        inverse = pow(row[pivot], PRIME - 2, PRIME)
        row = {k: v * inverse % PRIME for k, v in row.items()}
        for owner in list(holding.pop(pivot, ())):
            owned = pivots[owner]
            factor = owned.pop(pivot, 0)
            if not factor:
                continue
            for other, value in row.items():
                if other != pivot:
                    updated = (owned.get(other, 0) - factor * value) % PRIME
                    if updated:
                        owned[other] = updated
                        holding[other].add(owner)
                    else:
                        owned.pop(other, None)
        pivots[pivot] = row
        for other in row:
            if other != pivot:
                holding[other].add(pivot)
    return {pivot for pivot, row in pivots.items() if len(row) == 1}

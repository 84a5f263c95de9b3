"""The linear relations the cells of one indicator obey: each total is the sum of its parts, along the area
hierarchy (grupos in a sector, sectors in the district) and along each margin (sex, head's sex, age group, and sex
by age). Numerators, denominators, n and n_missing all add up this way, so one structure serves them all."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

Key = tuple[str, str | None, str | None, str | None]  # area code, sex, head_sex, age_group
BREAKDOWN = tuple[str | None, str | None, str | None]


@dataclass(frozen=True, slots=True)
class Relation:
    """`total` is the sum of `parts` (a part the table has no row for is a known zero and is left out)."""

    total: Key
    parts: tuple[Key, ...]

    @property
    def cells(self) -> tuple[Key, ...]:
        """The total, then its parts."""
        return (self.total, *self.parts)


def _margins(area: str, keys: set[Key], broken: set[tuple[str, int, Key]]) -> Iterable[Relation]:
    total: Key = (area, None, None, None)
    mine = sorted((k for k in keys if k[0] == area), key=repr)
    sexes = [k for k in mine if k[1] is not None and k[2] is None and k[3] is None]
    heads = [k for k in mine if k[1] is None and k[2] is not None and k[3] is None]
    ages = [k for k in mine if k[1] is None and k[2] is None and k[3] is not None]
    crossed = [k for k in mine if k[1] is not None and k[3] is not None]
    if total in keys:
        for dimension, parts in ((1, sexes), (2, heads), (3, ages)):
            if parts and (area, dimension, total) not in broken:
                yield Relation(total, tuple(parts))
    for sex in sexes:
        parts = [k for k in crossed if k[1] == sex[1]]
        if parts and (area, 3, sex) not in broken:
            yield Relation(sex, tuple(parts))
    for age in ages:
        parts = [k for k in crossed if k[3] == age[3]]
        if parts and (area, 1, age) not in broken:
            yield Relation(age, tuple(parts))


def _broken(present: set[Key], parents: Mapping[str, str]) -> set[tuple[str, int, Key]]:
    """(area, dimension, total) where the total is not the sum of its parts along the dimension: an area below
    (or the area itself) has the total and no part at all, so its units lack that breakdown (a person with no sex
    recorded); the areas above it count them in the total too. Such a relation would give a wrong value, so
    neither the protection nor the audit leans on it."""
    patterns = {tuple(v is not None for v in k[1:]) for k in present}
    with_parts = {(k[0], d, (*k[:d], None, *k[d + 1:])) for k in present for d in (1, 2, 3) if k[d] is not None}
    found: set[tuple[str, int, Key]] = set()
    for key in present:
        for d in (1, 2, 3):
            shape = tuple(v is not None or i == d - 1 for i, v in enumerate(key[1:]))
            if key[d] is None and shape in patterns and (key[0], d, key) not in with_parts:
                # the units without that breakdown are in every coarser total too, in every area above
                fixed = [i for i in (1, 2, 3) if key[i] is not None]
                coarser: list[BREAKDOWN] = [
                    (None if 1 in drop else key[1], None if 2 in drop else key[2], None if 3 in drop else key[3])
                    for n in range(len(fixed) + 1) for drop in itertools.combinations(fixed, n)]
                area: str = key[0]
                while area:
                    found.update((area, d, (area, *rest)) for rest in coarser)
                    area = parents.get(area, "")
    return found


def relations(keys: Collection[Key], parents: Mapping[str, str]) -> list[Relation]:
    """Every relation among the cells `keys` of one indicator; `parents` maps an area code to its parent's."""
    present = set(keys)
    areas = sorted({k[0] for k in present})
    broken = _broken(present, parents)
    found = [r for area in areas for r in _margins(area, present, broken)]
    children: dict[tuple[str, BREAKDOWN], list[Key]] = defaultdict(list)
    for key in sorted(present, key=repr):
        parent = parents.get(key[0])
        if parent:
            children[(parent, key[1:])].append(key)
    for (parent, breakdown), parts in sorted(children.items(), key=repr):
        total: Key = (parent, *breakdown)
        if total in present:
            found.append(Relation(total, tuple(parts)))
    return found

"""The linear relations the cells of one indicator obey: each total is the sum of its parts, along the area
hierarchy (grupos in a sector, sectors in the district) and along each margin (sex, head's sex, age group, and sex
by age). Numerators, denominators, n and n_missing all add up this way, so one structure serves them all.

Units with no sex (head's sex, age, grupo) recorded are in a total and in none of its parts, so some of these
relations are off by them; they are kept all the same, because an attacker who reads the table writes them as
exact, and the protection must hold against what an attacker writes. A total with no part at all is given empty
parts where the table is made (cbms.disclosure.empty), so that no cell is pinned by missing rows alone."""

from __future__ import annotations

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


def _margins(area: str, keys: set[Key]) -> Iterable[Relation]:
    total: Key = (area, None, None, None)
    mine = sorted((k for k in keys if k[0] == area), key=repr)
    sexes = [k for k in mine if k[1] is not None and k[2] is None and k[3] is None]
    heads = [k for k in mine if k[1] is None and k[2] is not None and k[3] is None]
    ages = [k for k in mine if k[1] is None and k[2] is None and k[3] is not None]
    crossed = [k for k in mine if k[1] is not None and k[3] is not None]
    if total in keys:
        for parts in (sexes, heads, ages):
            if parts:
                yield Relation(total, tuple(parts))
    for sex in sexes:
        parts = [k for k in crossed if k[1] == sex[1]]
        if parts:
            yield Relation(sex, tuple(parts))
    for age in ages:
        parts = [k for k in crossed if k[3] == age[3]]
        if parts:
            yield Relation(age, tuple(parts))


def relations(keys: Collection[Key], parents: Mapping[str, str]) -> list[Relation]:
    """Every relation among the cells `keys` of one indicator; `parents` maps an area code to its parent's."""
    present = set(keys)
    areas = sorted({k[0] for k in present})
    found = [r for area in areas for r in _margins(area, present)]
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

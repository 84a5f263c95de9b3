"""Secondary suppression: the cells to hide besides the small ones so that no hidden cell can be worked back from
what is published together (totals minus parts along the area hierarchy and every margin).

The method, chosen by measurement (docs/disclosure.md): each small cell is hidden with the cheapest "hypercube"
through it (Repsilber's idea: the cell, a sibling area and an other value of each of its breakdowns, with the
cells below them that the relations tie in; adding +1 and -1 at its corners leaves every published total as it
is, so no hidden cell of it can be worked out); then an exact check of what the relations still determine
(cbms.disclosure.solve), where a cell found gets the cheapest published cell near it as a partner, until none is
found. Deterministic: ties go by the cell's key, so the same data always hide the same cells."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from cbms.disclosure.relations import Key, Relation, relations
from cbms.disclosure.solve import determined


@dataclass(frozen=True, slots=True)
class Protection:
    """One indicator's hidden cells: the small ones (primary) and those hidden to protect them (secondary)."""

    primary: frozenset[Key]
    secondary: frozenset[Key]

    @property
    def hidden(self) -> frozenset[Key]:
        """Every cell the published outputs leave blank."""
        return self.primary | self.secondary


def _cost(key: Key, sizes: Mapping[Key, int]) -> tuple[int, int, str]:
    # fewest cases first (least information lost); among equals, the finer cell (more breakdowns), then the key
    return sizes.get(key, 0), -sum(v is not None for v in key[1:]), repr(key)


def _partner(relation: Relation, hidden: set[Key], sizes: Mapping[Key, int]) -> Key | None:
    published = [c for c in relation.cells if c not in hidden]
    return min(published, key=lambda c: _cost(c, sizes)) if published else None


def _no_single_hidden(found: Sequence[Relation], hidden: set[Key], sizes: Mapping[Key, int]) -> None:
    """Hide partners until no relation holds exactly one hidden cell (that one would be total minus parts)."""
    touching: dict[Key, list[int]] = {}
    for i, relation in enumerate(found):
        for cell in relation.cells:
            touching.setdefault(cell, []).append(i)
    queue = sorted({i for cell in hidden for i in touching.get(cell, ())})
    while queue:
        relation = found[queue.pop()]
        if sum(c in hidden for c in relation.cells) != 1:
            continue
        partner = _partner(relation, hidden, sizes)
        if partner is not None:
            hidden.add(partner)
            queue.extend(sorted(touching.get(partner, ()), reverse=True))


def _nearest_partner(cell: Key, touching: Mapping[Key, list[Relation]], hidden: set[Key],
                     sizes: Mapping[Key, int]) -> Key | None:
    """The cheapest published cell of the relations nearest to `cell`, looking outwards through hidden cells."""
    seen, frontier = {cell}, [cell]
    while frontier:
        near = {id(r): r for c in frontier for r in touching.get(c, ())}.values()
        partners = [p for r in near if (p := _partner(r, hidden, sizes)) is not None]
        if partners:
            return min(partners, key=lambda c: _cost(c, sizes))
        frontier = sorted({c for r in near for c in r.cells} - seen, key=repr)
        seen.update(frontier)
    return None


class _Cubes:
    """The hypercubes of one indicator's table: for a cell, every set of cells whose +1/-1 corners keep all the
    relations balanced (the cell's area and a sibling, each with one cell of every level below it; the cell's
    breakdown values and an other one; for a breakdown the cell does not fix, its total and one value)."""

    def __init__(self, sizes: Mapping[Key, int], parents: Mapping[str, str]) -> None:
        self.sizes = sizes
        self.parents = parents
        self.children: dict[str, list[str]] = {}
        for area in sorted({k[0] for k in sizes}):
            if parents.get(area):
                self.children.setdefault(parents[area], []).append(area)
        self.patterns = {tuple(v is not None for v in k[1:]) for k in sizes}
        self.values = [sorted({v for k in sizes if (v := k[i]) is not None}) for i in (1, 2, 3)]

    def _column(self, area: str) -> list[str]:
        """The area and, at each level below, its child with the fewest cases (totals of every breakdown)."""
        column = [area]
        while self.children.get(column[-1]):
            column.append(min(self.children[column[-1]], key=lambda c: (self.sizes.get((c, None, None, None), 0), c)))
        return column

    def through(self, cell: Key) -> Iterator[frozenset[Key]]:
        """Every hypercube through `cell` (none for an area without a sibling, such as the district)."""
        area, fixed = cell[0], cell[1:]
        parent = self.parents.get(area)
        siblings = [a for a in self.children.get(parent or "", []) if a != area]
        options: list[list[tuple[str | None, str | None]]] = []
        for value, values in zip(fixed, self.values, strict=True):
            if value is not None:
                options.append([(value, v) for v in values if v != value])
            else:
                options.append([(None, v) for v in values] or [(None, None)])
        for sibling in [None, *siblings]:
            # no sibling is needed where the parent area has none of the cube's cells (no relation ties them up)
            areas = self._column(area) + (self._column(sibling) if sibling else [])
            for choice in itertools.product(*options):
                combos = [values for values in itertools.product(*choice)
                          if tuple(v is not None for v in values) in self.patterns]
                if sibling is None and parent and any((parent, *v) in self.sizes for v in combos):
                    continue
                cells = {(a, *values) for a in areas for values in combos}
                if all(c in self.sizes for c in cells):
                    yield frozenset(cells)  # type: ignore[arg-type]


def _cheapest(cubes: Iterator[frozenset[Key]], hidden: set[Key], sizes: Mapping[Key, int]) -> frozenset[Key] | None:
    best: tuple[int, str] | None = None
    chosen = None
    for cube in cubes:
        cost = (sum(sizes.get(c, 0) for c in cube if c not in hidden), repr(sorted(cube, key=repr)))
        if best is None or cost < best:
            best, chosen = cost, cube
    return chosen


def protect(sizes: Mapping[Key, int], primary: set[Key], parents: Mapping[str, str]) -> Protection:
    """The cells of one indicator to hide: `sizes` is each cell's n, `primary` the cells under the threshold,
    `parents` each area's parent area."""
    found = relations(list(sizes), parents)
    hidden = set(primary)
    cubes = _Cubes(sizes, parents)
    covered: set[Key] = set()
    for cell in sorted(primary, key=lambda c: _cost(c, sizes)):
        if cell not in covered:
            cube = _cheapest(cubes.through(cell), hidden, sizes)
            if cube is not None:
                hidden |= cube
                covered |= cube
    touching: dict[Key, list[Relation]] = {}
    for relation in found:
        for cell in relation.cells:
            touching.setdefault(cell, []).append(relation)
    while True:
        _no_single_hidden(found, hidden, sizes)
        loose = determined(found, hidden)
        if not loose:
            break
        # a cell the relations still pin down (no hypercube fits around it: a cell it needs has no row): hide every
        # published cell of its relations, each with its own hypercube; a round or two, not a chain of hundreds
        before = len(hidden)
        for cell in sorted(loose, key=repr):
            for relation in touching.get(cell, ()):
                for partner in relation.cells:
                    if partner not in hidden:
                        hidden.add(partner)
                        cube = _cheapest(cubes.through(partner), hidden, sizes)
                        if cube is not None:
                            hidden |= cube
        if len(hidden) == before:  # its relations are all hidden: the nearest published cell, with its hypercube
            for cell in sorted(loose, key=repr):
                nearest = _nearest_partner(cell, touching, hidden, sizes)
                if nearest is not None:
                    hidden.add(nearest)
                    hidden |= _cheapest(cubes.through(nearest), hidden, sizes) or frozenset()
        if len(hidden) == before:  # nothing left to hide anywhere near (the audit says so)
            break
    return Protection(frozenset(primary), frozenset(hidden - primary))

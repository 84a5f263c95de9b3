"""The empty parts a table must carry so that a published table never tells an empty cell from a hidden one.

A total with no part at all along one way (no woman and no man in it, because its only person has no sex recorded;
no grupo under a sector, because its units have no grupo recorded) would be pinned by the rest of the table: an
attacker who reads a missing row as a zero adds the parts up along the other ways and gets the total back (issue
18: the 60+ of grupo S06-G03, 400-household demo, seed 3). So that total gets a row of n = 0 for every part along
that way (each value of the breakdown, each area below), which the publication hides as any small cell. A part
added so may be a total with no part itself (women of a grupo with no age), and its own totals may be missing
(the men of that grupo, when it has none): they are added too, until nothing is. A total with some parts is left
as it is: the relation an attacker writes with it is the one the protection guards."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping

import pyarrow as pa

from cbms.disclosure.relations import Key


def _shape(key: Key) -> tuple[bool, bool, bool]:
    return key[1] is not None, key[2] is not None, key[3] is not None


def empty_parts(keys: Collection[Key], parents: Mapping[str, str]) -> list[Key]:
    """The cells to add to one indicator's `keys` (area, sex, head_sex, age_group), in a stable order: for every
    total with no part along a breakdown the table has (or an area with areas below it and no row in any of them),
    every part along it, and the totals those parts lack. `parents` maps an area code to its parent's."""
    given = set(keys)
    present = set(given)
    shapes = {_shape(k) for k in present}
    values = [sorted({v for k in present if (v := k[i]) is not None}) for i in (1, 2, 3)]
    children: dict[str, list[str]] = defaultdict(list)
    for area in sorted({k[0] for k in present}):
        if parents.get(area):
            children[parents[area]].append(area)
    with_parts: set[tuple[int, Key]] = set()  # (way, total) where the total has a part that way

    def note(key: Key) -> None:
        for i in (1, 2, 3):
            if key[i] is not None:
                with_parts.add((i, (*key[:i], None, *key[i + 1:])))  # type: ignore[arg-type]
        if parents.get(key[0]):
            with_parts.add((0, (parents[key[0]], *key[1:])))

    for key in present:
        note(key)
    added: list[Key] = []
    frontier = sorted(present, key=repr)
    while frontier:
        found: set[Key] = set()
        for key in frontier:
            for i in (1, 2, 3):
                shape = tuple(s or j == i - 1 for j, s in enumerate(_shape(key)))
                if key[i] is None and shape in shapes and (i, key) not in with_parts:
                    found.update((*key[:i], v, *key[i + 1:]) for v in values[i - 1])  # type: ignore[misc]
            if children.get(key[0]) and (0, key) not in with_parts:
                found.update((child, *key[1:]) for child in children[key[0]])
            if key not in given:  # an added part needs its totals too: a missing total would read as a zero
                for i in (1, 2, 3):
                    shape = tuple(s and j != i - 1 for j, s in enumerate(_shape(key)))
                    if key[i] is not None and shape in shapes:
                        found.add((*key[:i], None, *key[i + 1:]))  # type: ignore[arg-type]
                if parents.get(key[0]):
                    found.add((parents[key[0]], *key[1:]))
        frontier = sorted(found - present, key=repr)
        for key in frontier:
            present.add(key)
            note(key)
        added += frontier
    return added


Row = tuple[str, str, str, str | None, str | None, str | None, str | None]  # group, level, area, parent, breakdowns


def empty_rows(rows: Collection[Row]) -> list[Row]:
    """empty_parts for every group (indicator, programme) of a table's rows (group, area_level, area_code,
    parent_code, sex, head_sex, age_group): the rows to add, with their area's level and parent."""
    keys: dict[str, list[Key]] = defaultdict(list)
    levels: dict[str, str] = {}
    parents: dict[str, str] = {}
    for group, level, code, parent, sex, head_sex, age in rows:
        keys[group].append((code, sex, head_sex, age))
        levels[code] = level
        if parent is not None:
            parents[code] = parent
    return [(group, levels[k[0]], k[0], parents.get(k[0]), *k[1:])
            for group in sorted(keys) for k in empty_parts(keys[group], parents)]


def empty_table(rows: Collection[Row], group: str) -> pa.Table:
    """empty_rows as an Arrow table whose columns are named as the table's (`group` names the first one)."""
    added = empty_rows(rows)
    names = (group, "area_level", "area_code", "parent_code", "sex", "head_sex", "age_group")
    return pa.table({name: pa.array([a[i] for a in added], pa.string()) for i, name in enumerate(names)})

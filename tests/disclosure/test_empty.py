"""Empty parts (cbms.disclosure.empty): the issue 18 case by hand (a grupo whose one person of 60+ has no sex
recorded), and a property over censuses of a few persons, some with no sex or age recorded, tabulated the way the
indicator engine does: once the empty parts are added, no cell is pinned by the table's shape alone."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from cbms.disclosure import protect, relations
from cbms.disclosure.empty import empty_parts, empty_rows
from cbms.disclosure.relations import Key
from cbms.disclosure.solve import determined

PARENTS = {"S06": "150142", "S07": "150142", "S06-G03": "S06", "S06-G04": "S06", "S07-G01": "S07"}
Person = tuple[str, str | None, str | None]  # grupo, sex, age group


def _table(persons: list[Person]) -> dict[Key, int]:
    """Each cell's n as the indicator engine rolls persons up: every area level, the total, by sex, by age and
    by sex and age; a person whose sex (age) is not recorded counts in no cell broken down by sex (age)."""
    sizes: dict[Key, int] = {}
    for grupo, sex, age in persons:
        for area in (grupo, PARENTS[grupo], "150142"):
            for by_sex, by_age in itertools.product((False, True), repeat=2):
                if (by_sex and sex is None) or (by_age and age is None):
                    continue
                key = (area, sex if by_sex else None, None, age if by_age else None)
                sizes[key] = sizes.get(key, 0) + 1
    return sizes


# S06-G03: two women of 18-59 and one person of 60+ with no sex recorded; S06-G04 and S07-G01: women and men of
# both ages (issue 18's case, on the 400-household demo, seed 3, in 8 indicators)
CENSUS: list[Person] = [("S06-G03", "female", "18-59"), ("S06-G03", "female", "18-59"), ("S06-G03", None, "60+"),
                        *[(g, s, a) for g in ("S06-G04", "S07-G01") for s in ("female", "male")
                          for a in ("18-59", "60+")]]
SIXTY = ("S06-G03", None, None, "60+")


def test_a_total_with_no_part_is_pinned_whatever_is_hidden() -> None:
    # without its empty parts, the 60+ of S06-G03 comes out of the sector's and the other grupo's cells even when
    # every cell is hidden: (S06 60+) - (S06-G04 60+) = (S06 women 60+ + men 60+) - (S06-G04 women 60+ + men 60+),
    # and S06-G03 has no row of women or men of 60+ to take the difference
    sizes = _table(CENSUS)
    assert SIXTY in determined(relations(list(sizes), PARENTS), set(sizes))


def test_its_empty_parts_are_the_women_and_the_men_of_60_and_over() -> None:
    sizes = _table(CENSUS)
    # and the men of S06-G03, whom the grupo has none of: without that row, the men of 60+ would read as its only part
    assert empty_parts(sizes, PARENTS) == [("S06-G03", "female", None, "60+"), ("S06-G03", "male", None, "60+"),
                                           ("S06-G03", "male", None, None)]
    padded = {**sizes, **dict.fromkeys(empty_parts(sizes, PARENTS), 0)}
    assert not determined(relations(list(padded), PARENTS), set(padded))
    small = {k for k, n in padded.items() if n < 5}
    assert SIXTY in small and not determined(relations(list(padded), PARENTS), protect(padded, small, PARENTS).hidden)


def test_a_grupo_with_no_sex_recorded_gets_women_and_men_in_it_and_in_its_sector() -> None:
    # S07-G01's one person, 60+, has no sex recorded: the grupo's total and its 60+ have no part by sex, nor do
    # its sector's (S07 has no other grupo); and the district has no woman of 60+ to be the total of S07's
    sizes = _table([("S06-G04", "female", "18-59"), ("S06-G04", "male", "60+"), ("S07-G01", None, "60+")])
    assert set(empty_parts(sizes, PARENTS)) == {
        *((area, s, None, age) for area in ("S07", "S07-G01") for s in ("female", "male") for age in (None, "60+")),
        ("150142", "female", None, "60+")}


def test_a_sector_cell_with_no_grupo_below_gets_a_row_in_each_of_its_grupos() -> None:
    # a woman of S06 with no grupo recorded: the sector counts her, no grupo does; each grupo has a man
    sizes = {("S06", None, None, None): 3, ("S06-G03", None, None, None): 1, ("S06-G04", None, None, None): 1,
             ("S06", "female", None, None): 1, ("S06", "male", None, None): 2, ("S06-G03", "male", None, None): 1,
             ("S06-G04", "male", None, None): 1}
    assert empty_parts(sizes, PARENTS) == [("S06-G03", "female", None, None), ("S06-G04", "female", None, None)]


def test_a_total_with_some_parts_is_left_as_it_is() -> None:
    # a woman and a person with no sex recorded, both 60+: the relation '60+ = women 60+' is off by one, and it is
    # the one an attacker writes, which the protection guards
    sizes = _table([("S06-G03", "female", "60+"), ("S06-G03", None, "60+"), ("S06-G04", "male", "60+")])
    assert empty_parts(sizes, PARENTS) == []


def test_rows_keep_their_indicator_level_and_parent() -> None:
    rows = [("DEM_01", "district", "150142", None, None, None, None),
            ("DEM_01", "sector", "S06", "150142", None, None, None),
            ("DEM_01", "sector", "S06", "150142", "female", None, None),
            ("DEM_01", "grupo", "S06-G03", "S06", None, None, None),
            ("DEM_01", "grupo", "S06-G03", "S06", "female", None, None),
            ("DEM_01", "grupo", "S06-G04", "S06", None, None, None),
            ("DEM_02", "grupo", "S06-G04", "S06", None, None, None)]
    assert empty_rows(rows) == [("DEM_01", "district", "150142", None, "female", None, None),
                                ("DEM_01", "grupo", "S06-G04", "S06", "female", None, None)]


PERSON = st.tuples(st.sampled_from(["S06-G03", "S06-G04", "S07-G01"]), st.sampled_from([None, "female", "male"]),
                   st.sampled_from([None, "18-59", "60+"]))


@settings(max_examples=80, deadline=None)
@given(st.lists(PERSON, min_size=1, max_size=12), st.integers(min_value=1, max_value=6))
def test_with_its_empty_parts_no_cell_is_pinned_by_the_shape(persons: list[Person], threshold: int) -> None:
    sizes = _table(persons)
    padded = {**sizes, **dict.fromkeys(empty_parts(sizes, PARENTS), 0)}
    found = relations(list(padded), PARENTS)
    assert not determined(found, set(padded))  # every cell hidden: nothing comes out
    small = {k for k, n in padded.items() if n < threshold}
    assert not determined(found, protect(padded, small, PARENTS).hidden)
    assert empty_parts(padded, PARENTS) == []  # nothing more to add

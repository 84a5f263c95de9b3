"""Secondary suppression on small tables written by hand, and a property: whatever the table, nothing hidden can
be worked back, the small cells stay hidden, and the same table always hides the same cells."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cbms.disclosure import protect, relations
from cbms.disclosure.solve import determined

PARENTS = {"S08": "150142", "S09": "150142", "S08-G04": "S08", "S08-G05": "S08", "S09-G01": "S09"}


def test_the_issues_example_hides_a_partner() -> None:
    # issue 18, GEN_04 in grupo S08-G04: all households 26, male-headed 22, female-headed 4 (under 5): publishing
    # the first two gave the third by one subtraction
    sizes = {("S08-G04", None, None, None): 26, ("S08-G04", None, "male", None): 22,
             ("S08-G04", None, "female", None): 4}
    hidden = protect(sizes, {("S08-G04", None, "female", None)}, PARENTS).hidden
    assert ("S08-G04", None, "male", None) in hidden  # the smaller published part, not the total
    assert ("S08-G04", None, None, None) not in hidden


def test_a_grupo_hidden_in_a_sector_takes_another_grupo_with_it() -> None:
    # issue 18: NUT_01 of a grupo came back as its sector minus the other grupos
    sizes = {("S08", None, None, None): 40, ("S08-G04", None, None, None): 7, ("S08-G05", None, None, None): 33}
    protection = protect(sizes, {("S08-G04", None, None, None)}, PARENTS)
    assert protection.secondary == {("S08-G05", None, None, None)}


def test_a_sector_with_one_grupo_hides_its_total() -> None:
    # S09 has a single grupo: the grupo is the sector; hiding one means hiding the other
    sizes = {("150142", None, None, None): 100, ("S08", None, None, None): 60, ("S09", None, None, None): 40,
             ("S09-G01", None, None, None): 40}
    hidden = protect(sizes, {("S09-G01", None, None, None)}, PARENTS).hidden
    assert ("S09", None, None, None) in hidden and not determined(relations(list(sizes), PARENTS), hidden)


AREAS = ["150142", "S08", "S09", "S08-G04", "S08-G05", "S09-G01"]
CELLS = [(a, s, None, g) for a in AREAS for s in (None, "female", "male") for g in (None, "0-5", "6-11")]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=40), min_size=len(CELLS), max_size=len(CELLS)),
       st.integers(min_value=1, max_value=15))
def test_nothing_hidden_can_be_worked_back(sizes_list: list[int], threshold: int) -> None:
    sizes = dict(zip(CELLS, sizes_list, strict=True))
    small = {k for k, n in sizes.items() if n < threshold}
    first = protect(sizes, small, PARENTS)
    assert small <= first.hidden
    assert not determined(relations(list(sizes), PARENTS), first.hidden)
    assert protect(dict(reversed(list(sizes.items()))), set(reversed(sorted(small, key=repr))), PARENTS) == first

"""Earlier areas on the current geography: every earlier area is placed whole (its shares add up to 1) or reported,
and a split area's parts carry its rate unchanged and its count in full between them."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from cbms.rounds.areas import place_areas
from cbms.rounds.change import MartRow, earlier_value

CODES = st.sampled_from([f"S{i:02d}" for i in range(1, 9)])


@st.composite
def geographies(draw: st.DrawFn) -> tuple[dict[str, dict[str, float]], set[str], set[str]]:
    earlier = draw(st.sets(CODES, min_size=1))
    current = draw(st.sets(CODES, min_size=1))
    declared: dict[str, dict[str, float]] = {}
    for old in draw(st.sets(st.sampled_from(sorted(earlier)))):
        parts = draw(st.lists(st.sampled_from(sorted(current)), min_size=1, max_size=3, unique=True))
        weights = [draw(st.integers(1, 9)) for _ in parts]
        declared[old] = {p: w / sum(weights) for p, w in zip(parts, weights, strict=True)}
    return declared, earlier, current


@given(geographies())
def test_every_earlier_area_is_placed_whole_or_reported(case: tuple[dict[str, dict[str, float]], set[str],
                                                                     set[str]]) -> None:
    declared, earlier, current = case
    placement = place_areas({"sector": declared}, {"sector": earlier}, {"sector": current})
    placed: dict[str, float] = {}
    for sources in placement.sources["sector"].values():
        for old, share in sources.items():
            placed[old] = placed.get(old, 0.0) + share
    unplaced = set(placement.unplaced.get("sector", ()))
    assert set(placed) | unplaced == earlier and not set(placed) & unplaced
    assert all(math.isclose(total, 1.0) for total in placed.values())
    assert unplaced == earlier - set(declared) - current  # only what is neither declared nor kept
    assert set(placement.sources["sector"]) <= current


@given(st.integers(0, 10_000), st.integers(1, 10_000), st.lists(st.integers(1, 9), min_size=2, max_size=4))
def test_a_split_carries_the_rate_to_each_part_and_the_count_in_full(numerator: int, extra: int,
                                                                     weights: list[int]) -> None:
    denominator = numerator + extra
    rate = MartRow("sector", 100.0 * numerator / denominator, float(numerator), float(denominator), denominator)
    count = MartRow("sector", float(numerator), float(numerator), None, numerator)
    shares = [w / sum(weights) for w in weights]
    assert all(earlier_value("percent", [(s, rate)]) == rate.value for s in shares)
    assert math.isclose(math.fsum(earlier_value("count", [(s, count)]) or 0.0 for s in shares), numerator,
                        abs_tol=1e-6)
    # two parts of one area merged back give the area's own rate
    merged = earlier_value("percent", [(shares[0], rate), (shares[1], rate)])
    assert merged is not None and rate.value is not None and math.isclose(merged, rate.value)

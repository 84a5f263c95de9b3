"""Reading a change by hand-made numbers: better or worse by the declared direction, its size on the indicator's
scale, and the change maps' classes (diverging, centred on 0, green always better)."""

from __future__ import annotations

import dataclasses

from hypothesis import given
from hypothesis import strategies as st

from cbms.indicators.catalogue import Indicator
from cbms.maps.change import BETTER, STRONG_BETTER, STRONG_WORSE, WORSE, ZERO, change_classes, step
from cbms.published.changes import Change
from cbms.published.numbers import rounded
from cbms.published.settings import load_settings
from cbms.report import change_reading

SETTINGS = load_settings()  # noticeable gap: 1 point, 5 % of the value (reports/indicators.yaml)
POVERTY = Indicator("POV_01", "poverty", "Pobreza", "Poverty", "", "", "person", "percent", better="lower")
HOURS = Indicator("GEN_01", "demography", "Horas", "Hours", "", "", "person", "mean", better="lower")
SCHOOL = Indicator("EDU_01", "education", "Escuela", "School", "", "", "person", "percent", better="higher")
PEOPLE = Indicator("DEM_01", "demography", "Población", "Population", "", "", "person", "count")


def _change(before: float, after: float) -> Change:
    return Change("X", "district", "150142", None, None, None, "r1", "r2", "150142", before, after, after - before,
                  100, 100, False)


def test_the_way_follows_the_declared_direction() -> None:
    assert change_reading.way(POVERTY, 26.8 - 31.0) == change_reading.BETTER  # poverty fell
    assert change_reading.way(POVERTY, 2.0) == change_reading.WORSE
    assert change_reading.way(SCHOOL, 2.0) == change_reading.BETTER  # schooling rose
    assert change_reading.way(SCHOOL, -2.0) == change_reading.WORSE
    assert change_reading.way(PEOPLE, 50.0) == change_reading.SAME  # neutral: never better or worse
    assert change_reading.way(POVERTY, 0.04) == change_reading.SAME  # shows as 0,0: not coloured


def test_the_size_is_on_the_indicator_scale() -> None:
    # by hand: 4.2 points / 1 point = 4.2; 1 hour of 20 is 5 % of the value = one noticeable step (5 %)
    assert abs(change_reading.size(SETTINGS, POVERTY, _change(31.0, 26.8)) - 4.2) < 1e-9
    assert abs(change_reading.size(SETTINGS, HOURS, _change(20.0, 19.0)) - 1.0) < 1e-9
    # from 0 the later value is the base: 0 -> 2 hours is 100 % of 2, 20 steps of 5 %
    assert abs(change_reading.size(SETTINGS, HOURS, _change(0.0, 2.0)) - 20.0) < 1e-9
    # an index in hundredths: 0.001 -> 0.015 is 1.4 hundredths, not 1,400 % of its value
    index = dataclasses.replace(POVERTY, value="index")
    assert abs(change_reading.size(SETTINGS, index, _change(0.001, 0.015)) - 1.4) < 1e-9


def test_a_round_class_width() -> None:
    # half the largest change, rounded down to 1, 2, 2.5 or 5 x 10^k: 25.3 -> 12.65 -> 10; 1.87 -> 0.935 -> 0.5
    assert step(25.3, 1) == 10.0
    assert step(1.87, 1) == 0.5
    assert step(0.1, 1) == 0.2  # never under two steps of what is shown
    assert step(7.0, 0) == 3.0  # 3.5 -> 2.5, shown with no decimals: 3 (rounded half away from zero)


def test_change_classes_by_hand() -> None:
    classes = change_classes([-25.3, -6.1, 0.0, 5.4], POVERTY, SETTINGS, "es")
    assert [classes.colour(v) for v in (-25.3, -6.1, 0.0, 5.4, 12.0)] == [STRONG_BETTER, BETTER, ZERO, WORSE,
                                                                          STRONG_WORSE]
    assert classes.labels[0] == "\u221210,0 o menos (mejora)"
    assert classes.labels[2] == "0,0 (sin cambio)"
    assert classes.labels[4] == "+10,0 o más (empeora)"
    rising = change_classes([-25.3, -6.1, 0.0, 5.4], SCHOOL, SETTINGS, "en")
    assert [rising.colour(v) for v in (-25.3, 5.4)] == [STRONG_WORSE, BETTER]
    assert rising.labels[3] == "+0.1 to +9.9 (better)"


@given(st.lists(st.floats(-100, 100, allow_nan=False), min_size=1, max_size=12),
       st.sampled_from([POVERTY, SCHOOL, HOURS]))
def test_an_improvement_is_always_green(values: list[float], indicator: Indicator) -> None:
    classes = change_classes(values, indicator, SETTINGS, "es")
    for value in values:
        colour = classes.colour(value)
        way = change_reading.way(indicator, value)
        assert colour in ({STRONG_BETTER, BETTER} if way == change_reading.BETTER else
                          {STRONG_WORSE, WORSE} if way == change_reading.WORSE else {ZERO}), (value, colour)


@given(st.lists(st.floats(-100, 100, allow_nan=False), min_size=1, max_size=12))
def test_the_classes_are_symmetric(values: list[float]) -> None:
    classes = change_classes(values, POVERTY, SETTINGS, "es")
    width = -classes.uppers[0]
    assert classes.uppers[3] == rounded(width - 0.1, 1)
    flipped = change_classes([-v for v in values], dataclasses.replace(POVERTY, better="higher"), SETTINGS, "es")
    assert [flipped.colour(-v) for v in values] == [classes.colour(v) for v in values]

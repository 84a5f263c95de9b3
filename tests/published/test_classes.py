"""Colour classes shared by every map: quantiles of the values as shown, labels that do not overlap, a palette that
reads in greyscale."""

from __future__ import annotations

from cbms.published.classes import PALETTES, classify


def test_quantile_classes_do_not_overlap() -> None:
    # ten values, five classes of two (nearest-rank quantiles); labels give each class's own lowest and highest
    classes = classify([3.0, 1.0, 2.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0], "percent", "es")
    assert classes.uppers == (2.0, 4.0, 6.0, 8.0, 10.0)
    assert classes.labels == ("1,0 – 2,0", "3,0 – 4,0", "5,0 – 6,0", "7,0 – 8,0", "9,0 – 10,0")
    assert classes.colours == PALETTES[5]
    assert classes.colour(0.0) == PALETTES[5][0] and classes.colour(9.5) == PALETTES[5][4]


def test_a_value_is_classed_as_it_is_shown() -> None:
    # 25.45 shows as 25,5 (half away from zero, as the workbook and the profiles write it): the class of 25,5,
    # never the 25,4 of a value rounded twice
    classes = classify([25.4, 25.45, 25.6], "percent", "es")
    assert classes.labels == ("25,4", "25,5", "25,6")
    assert classes.colour(25.45) == classes.colours[1]


def test_few_distinct_values_give_few_classes() -> None:
    assert classify([0.0, 0.0, 0.0], "percent", "en").labels == ("0.0",)
    two = classify([0.0, 0.0, 20.0], "mean", "en")
    assert two.labels == ("0.0", "20.0") and two.colours == PALETTES[2]


def test_palette_gets_darker_class_by_class() -> None:
    """Readable in greyscale: each class is darker than the one before (ITU-R BT.601 luma)."""
    for colours in PALETTES.values():
        luma = [0.299 * int(c[1:3], 16) + 0.587 * int(c[3:5], 16) + 0.114 * int(c[5:7], 16) for c in colours]
        assert luma == sorted(luma, reverse=True) and len(set(luma)) == len(luma)

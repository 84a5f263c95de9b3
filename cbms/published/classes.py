"""The colour classes of every map (the PNG maps and the profiles' small maps): up to five quantile classes of the
values as shown, a colour-blind-safe sequential palette, legend labels that never overlap."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from cbms.errors import Lang
from cbms.published.numbers import decimals, number_text, rounded

# ColorBrewer YlOrRd (Cynthia Brewer, colorbrewer2.org): sequential, colour-blind safe, print friendly, and
# its lightness falls steadily from class to class, so the order still reads in greyscale. Darker = more.
PALETTES: dict[int, tuple[str, ...]] = {
    1: ("#fd8d3c",),
    2: ("#ffeda0", "#f03b20"),
    3: ("#ffeda0", "#feb24c", "#f03b20"),
    4: ("#ffffb2", "#fecc5c", "#fd8d3c", "#e31a1c"),
    5: ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"),
}
MAX_CLASSES = 5


@dataclass(frozen=True, slots=True)
class Classes:
    """Classes of a map: upper bounds (inclusive, as shown), a legend label and a colour each."""

    uppers: tuple[float, ...]
    labels: tuple[str, ...]
    colours: tuple[str, ...]
    decimals: int

    def colour(self, value: float) -> str:
        """The colour of a value, compared as it is shown (rounded to the legend's decimals)."""
        shown = rounded(value, self.decimals)
        index = next((i for i, upper in enumerate(self.uppers) if shown <= upper), len(self.uppers) - 1)
        return self.colours[index]


def classify(values: Sequence[float], value_unit: str, lang: Lang) -> Classes:
    """Up to five quantile classes (nearest rank) of the values as every output shows them; each label gives the
    lowest and highest value really in its class, so no two labels overlap."""
    places = decimals(value_unit)
    shown = sorted(rounded(v, places) for v in values)
    k = min(MAX_CLASSES, len(set(shown)))
    uppers = sorted({shown[math.ceil(i * len(shown) / k) - 1] for i in range(1, k + 1)})
    members: list[list[float]] = [[] for _ in uppers]
    for v in shown:
        members[next(i for i, u in enumerate(uppers) if v <= u)].append(v)
    labels = []
    for group in members:
        low, high = number_text(group[0], places, lang), number_text(group[-1], places, lang)
        labels.append(low if low == high else f"{low} – {high}")
    return Classes(uppers=tuple(uppers), labels=tuple(labels), colours=PALETTES[len(uppers)], decimals=places)

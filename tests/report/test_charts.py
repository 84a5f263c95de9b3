"""The profiles' bar charts: an axis that follows the data, labels clear of the bars' ends."""

from __future__ import annotations

import base64
import re

from cbms.published.settings import load_settings
from cbms.report.charts import Bar, pair_chart
from cbms.report.profiles import _tick

LAYOUT = load_settings().profile


def _svg(uri: str) -> str:
    return base64.b64decode(uri.split(",", 1)[1]).decode("utf-8")


def _texts(svg: str, anchor: str) -> list[tuple[float, str]]:
    """(x, text) of the SVG's texts anchored so: `middle` are the axis ticks, `start` the bars' labels."""
    return [(float(x), text) for x, text in re.findall(
        rf'<text style="[^"]*text-anchor: {anchor}[^"]*" x="([0-9.]+)"[^>]*>([^<]*)</text>', svg)]


def _ticks(svg: str) -> list[str]:
    return [text for _, text in _texts(svg, "middle")]


def test_small_values_get_an_axis_of_their_size() -> None:
    # issue 19: bars of 0,0-0,2 % sat on a 0-1 axis and looked empty
    bars = [Bar("A", 0.1, 0.2, "0,1", "0,2"), Bar("B", 0.0, 0.15, "0,0", "0,2")]
    ticks = _ticks(_svg(pair_chart(bars, ("Mujeres", "Hombres"), LAYOUT, lambda x: _tick(x, "es"))))
    assert ticks and "1" not in ticks and "0,2" in ticks


def test_a_percent_axis_stops_at_100() -> None:
    bars = [Bar("A", 95.0, 99.0, "95,0", "99,0"), Bar("B", 50.0, 60.0, "50,0", "60,0")]
    ticks = _ticks(_svg(pair_chart(bars, ("Mujeres", "Hombres"), LAYOUT, lambda x: _tick(x, "es"))))
    assert ticks[-1] == "100"


def test_labels_stand_off_the_bars_by_a_fixed_gap() -> None:
    # a bar of 10 ends where the tick "10" stands; its label starts 2.5 points further (a leading space, as
    # before, collapsed in the SVG and the text touched the bar)
    svg = _svg(pair_chart([Bar("A", 10.0, 20.0, "10,0", "20,0")] * 2, ("M", "H"), LAYOUT, lambda x: _tick(x, "es")))
    ticks = dict((text, x) for x, text in _texts(svg, "middle"))
    labels = [x for x, text in _texts(svg, "start") if text == "10,0"]
    assert labels and all(abs(x - ticks["10"] - 2.5) < 0.01 for x in labels)

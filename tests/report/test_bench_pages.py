"""The counts `make bench` divides the report's seconds by (cbms/bench_pages.py), against the profile's own HTML."""

from __future__ import annotations

import datetime as dt

import lxml.html
import pytest

from cbms.bench_pages import charts, table_cells, without_charts, without_tables
from cbms.published import read_published
from cbms.published.settings import load_settings
from cbms.report.profiles import TEMPLATE, Page, build_page, render_html
from cbms.report.templates import environment

TEMPLATE_OF = environment(load_settings().folder).get_template(TEMPLATE)
DATA_CELLS = "//table[contains(@class, 'data')]//td | //table[contains(@class, 'data')]//tr[not(@class='block')]/th"


def _page(con, manifest, area: str) -> Page:
    mart = read_published(con, manifest)
    return build_page(mart, mart.area(area), "es", dt.date.today())  # type: ignore[arg-type]


def _tree(page: Page) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(render_html(TEMPLATE_OF, page).encode("utf-8"))


@pytest.mark.parametrize("area", ["150142", "S01"])  # the district has the comparison table too
def test_cells_and_charts_are_those_the_template_draws(con, manifest, area: str) -> None:
    page = _page(con, manifest, area)
    tree = _tree(page)
    # counted in the HTML: every cell of the data tables but their block titles; every image
    assert table_cells(page) == len(tree.xpath(DATA_CELLS)) > 0
    assert charts(page) == len(tree.xpath("//img")) > 0


def test_the_pages_without_tables_or_charts_have_none_and_keep_the_rest(con, manifest) -> None:
    page = _page(con, manifest, "150142")
    bare = _tree(without_tables(page))
    assert bare.xpath(DATA_CELLS) == [] and len(bare.xpath("//img")) == charts(page)
    plain = _tree(without_charts(page))
    assert plain.xpath("//img") == [] and len(plain.xpath(DATA_CELLS)) == table_cells(page)

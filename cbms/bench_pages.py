"""`python -m cbms.bench_pages --db FILE --out FILE.json`: what a PDF profile costs per page, per table cell and per
chart, written as JSON for `make bench` (cbms/bench.py), which runs it in its own process after the report stage.

Every profile's page is built once (jinja2 and matplotlib: not timed here, that is the report stage's own work), then
WeasyPrint lays each out and writes it three times in this one process, one worker as in the report stage: the whole
profile, the same page without its charts and maps, and the same page without its tables (the domains' tables and
the district's comparison). The differences give the cost of a chart and of a table cell; seconds over pages give
the cost of a page. The stylesheet and fonts are loaded once, as a worker does. The seconds are this process's CPU
seconds (WeasyPrint uses one core): other work sharing the machine does not inflate them, as it does wall seconds.
A benchmark prints figures; it never fails on a time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from cbms.config import load_manifest
from cbms.published import read_published
from cbms.report.pdf import PdfEngine
from cbms.report.profiles import STYLESHEET, TEMPLATE, Block, Page, build_page, render_html
from cbms.report.templates import environment
from cbms.store import open_database


def _cells(block: Block) -> int:
    """The block's cells as the template draws them: its headers, then each line's name, unit and values."""
    return len(block.headers) + sum(2 + len(line.cells) for line in block.lines)


def table_cells(page: Page) -> int:
    """Every table cell of the profile's domains and of the district's comparison."""
    blocks = [b for s in page.sections for b in s.blocks] + ([page.comparison] if page.comparison else [])
    return sum(_cells(b) for b in blocks)


def charts(page: Page) -> int:
    """The images of the profile: the map, the gap chart, each domain's chart and the change page's."""
    change = page.change.chart if page.change else None
    return sum(1 for image in (page.map, page.gap_chart, change, *(s.chart for s in page.sections)) if image)


def without_charts(page: Page) -> Page:
    """The same page with no image."""
    change = replace(page.change, chart=None) if page.change else None
    return replace(page, map=None, gap_chart=None, change=change,
                   sections=[replace(s, chart=None) for s in page.sections])


def without_tables(page: Page) -> Page:
    """The same page with no table in its domains and no comparison."""
    return replace(page, comparison=None, sections=[replace(s, blocks=()) for s in page.sections])


def measure(db: Path, lang: str = "es") -> dict[str, float]:
    """CPU seconds of WeasyPrint on every profile (whole, without charts, without tables); pages, cells, charts."""
    manifest = load_manifest()
    with open_database(db, manifest.round_id) as con:
        published = read_published(con, manifest)
    folder = published.settings.folder
    template = environment(folder).get_template(TEMPLATE)
    engine = PdfEngine(folder / STYLESHEET)
    today = dt.date.today()
    pages = [build_page(published, area, "en" if lang == "en" else "es", today)
             for area in (published.district, *published.sectors) if published.has_data(area.code)]
    figures: dict[str, float] = {"profiles": len(pages), "cells": sum(table_cells(p) for p in pages),
               "charts": sum(charts(p) for p in pages), "pages": 0}
    with tempfile.TemporaryDirectory(prefix="cbms-pages-") as scratch:
        target = Path(scratch) / "profile.pdf"

        def lay_out(change: Callable[[Page], Page]) -> float:
            """Seconds to lay out and write every page changed by `change`; counts the whole profiles' pages."""
            start = time.process_time()
            for page in pages:
                document = engine.document(render_html(template, change(page)))
                document.write_pdf(target)
                if change is _whole:
                    figures["pages"] += len(document.pages)
            return time.process_time() - start

        engine.document("<p></p>").write_pdf(target)  # Pango and the fonts' first use, as a worker's first page
        start = time.process_time()
        engine.document("<p></p>").write_pdf(target)
        figures["empty page"] = time.process_time() - start
        figures["whole"] = lay_out(_whole)
        figures["no charts"] = lay_out(without_charts)
        figures["no tables"] = lay_out(without_tables)
    return figures


def _whole(page: Page) -> Page:
    return page


def main() -> None:
    """Measure and write the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True, help="the JSON file of the figures")
    parser.add_argument("--lang", default="es", choices=("es", "en"))
    args = parser.parse_args()
    args.out.write_text(json.dumps(measure(args.db, args.lang), indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()

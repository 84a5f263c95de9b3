"""A published document of a few pages (the gender-responsive budget, the programme coverage): paragraphs, lists,
small maps of the sectors and tables, rendered through reports/document.html.j2 and printed by WeasyPrint with the
profiles' stylesheet."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from cbms.atomic import write_atomically
from cbms.errors import CbmsError, Lang
from cbms.published import Published
from cbms.published.drawing import Drawn
from cbms.published.numbers import number_text
from cbms.report import charts
from cbms.report.profiles import STYLESHEET, Cell, Written
from cbms.report.tables import NOT_APPLICABLE, SUPPRESSED
from cbms.report.templates import environment, template_error

TEMPLATE = "document.html.j2"


@dataclass(frozen=True, slots=True)
class Table:
    """A table as text: title, headers, rows of cells."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True, slots=True)
class SmallMap:
    """A small map of the sectors (an SVG data URI; None when nothing can be drawn)."""

    title: str
    image: str | None


@dataclass(frozen=True, slots=True)
class Part:
    """A section: a title, paragraphs, a numbered list, small maps and tables."""

    title: str
    paragraphs: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    maps: tuple[SmallMap, ...] = ()
    tables: tuple[Table, ...] = ()


@dataclass(frozen=True)
class Document:
    """Everything the template shows (texts already in the document's language)."""

    lang: Lang
    words: Mapping[str, str]
    title: str
    kicker: str
    heading: str
    subtitle: str
    footer: str
    intro: tuple[str, ...]
    parts: tuple[Part, ...]
    notes: tuple[str, ...]
    problems: list[CbmsError] = field(default_factory=list)


def shown(value: float | None, protected: bool, places: int, lang: Lang, sign: bool = False) -> Cell:
    """A figure as a table cell: the number with the decimals every output shows, `x` when protected, `n.a.` when
    there is none."""
    if protected:
        return Cell(SUPPRESSED, "num sup")
    if value is None:
        return Cell(NOT_APPLICABLE, "num")
    return Cell(number_text(value, places, lang, sign=sign))


def sector_map(published: Published, title: str, values: Mapping[str, float | None], value_unit: str,
               lang: Lang) -> SmallMap:
    """The sectors coloured in the shared quantile classes of `values` (sector -> published value; hatched where
    None), as the profiles' small maps are; no image without sector boundaries or a published value."""
    boundaries = published.boundaries.get("sector")
    classes = published.classes(values, value_unit, lang)
    if boundaries is None or classes is None:
        return SmallMap(title, None)
    no_data = published.settings.word("map_no_data", lang)
    drawn = [Drawn(s.code, s.geometry, None if (v := values.get(s.code)) is None else classes.colour(v))
             for s in boundaries.areas]
    legend = [charts.Legend(colour, "", label) for colour, label in zip(classes.colours, classes.labels, strict=True)]
    if any(d.colour is None for d in drawn):
        legend.append(charts.Legend("#f7f7f7", "////", no_data))
    return SmallMap(title, charts.area_map(drawn, legend, boundaries.lonlat, no_data, width_cm=5.6))


def render(published: Published, document: Document) -> str:
    """The document's HTML (what tests read before the PDF)."""
    template = environment(published.settings.folder).get_template(TEMPLATE)
    return template.render(doc=document, w=document.words)


def write_document(published: Published, document: Document, target: Path) -> Written:
    """Write the document's PDF to `target`; a template error or a layout WeasyPrint refuses is a problem of the
    returned Written, never a stop of the run."""
    written = Written(problems=document.problems)
    folder = published.settings.folder
    try:
        html = render(published, document)
    except jinja2.TemplateError as exc:
        written.problems.append(template_error(folder / TEMPLATE, exc))
        return written
    from cbms.report.pdf import PdfEngine  # WeasyPrint takes a second to import: only when PDFs are wanted

    try:
        engine = PdfEngine(folder / STYLESHEET)
    except CbmsError as exc:
        written.problems.append(exc)
        return written
    try:
        written.append(write_atomically(target, lambda tmp: engine.write(html, tmp)))
    except ValueError as exc:  # what WeasyPrint raises on content it cannot lay out
        from cbms.errors import REP_009

        written.problems.append(CbmsError(REP_009, area=target.name, reason=" ".join(str(exc).split())))
    return written


def table(title: str, headers: Sequence[str], rows: Sequence[Sequence[Cell]]) -> Table:
    """A Table from lists."""
    return Table(title, tuple(headers), tuple(tuple(r) for r in rows))

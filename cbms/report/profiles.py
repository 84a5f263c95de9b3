"""The PDF profiles of the district and each sector (jinja2 -> HTML -> WeasyPrint); one failure never stops the rest."""

# A profile: a first page a councillor reads in two minutes (key figures, the gender gaps that weigh most, a map),
# then each domain's tables and chart, the definitions and the data source.

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from concurrent.futures import Future
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import jinja2

from cbms.config import Manifest
from cbms.errors import CLI_001, LANGS, REP_005, REP_008, REP_009, REP_010, CbmsError, Lang
from cbms.indicators.catalogue import Indicator
from cbms.published import Area, Problem, Published
from cbms.published.drawing import Drawn
from cbms.published.numbers import RATIO_DECIMALS, decimals, number_text
from cbms.published.settings import Settings
from cbms.report import charts
from cbms.report.change_page import ChangePage, change_page
from cbms.report.tables import (
    NOT_APPLICABLE,
    SUPPRESSED,
    Pair,
    Shown,
    TopGap,
    domains,
    indicators_of,
    pair,
    shown,
    shown_text,
    top_gaps,
    unrecorded,
)
from cbms.report.templates import environment, template_error

if TYPE_CHECKING:
    from cbms.report.pdf import PdfWriters

TEMPLATE = "profile.html.j2"
NBSP = "\u00a0"
WORD_JOINER = "\u2060"  # no line break here
STYLESHEET = "profile.css"


Met = CbmsError | Problem  # a problem met on the way: each says itself with `.message(lang)`


class Written(list[Path]):
    """The files written, in order, and the problems met on the way."""

    def __init__(self, files: Iterable[Path] = (), problems: Iterable[Met] = ()) -> None:
        super().__init__(files)
        self.problems: list[Met] = list(problems)


@dataclass(frozen=True, slots=True)
class Cell:
    """A table cell as the template shows it."""

    text: str
    css: str = "num"


@dataclass(frozen=True, slots=True)
class Line:
    """One indicator in a domain table."""

    id: str
    name: str
    unit: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True, slots=True)
class Block:
    """One table: persons (women / men), households (by sex of the head) or area totals."""

    title: str
    headers: tuple[str, ...]
    lines: tuple[Line, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Section:
    """A domain: its tables and its chart."""

    title: str
    blocks: tuple[Block, ...]
    chart: str | None = None
    chart_alt: str = ""


@dataclass(frozen=True, slots=True)
class Figure:
    """A key figure on the first page."""

    label: str
    value: str


@dataclass
class Page:
    """Everything the template shows about one area (texts already in the profile's language)."""

    lang: Lang
    words: Mapping[str, str]
    title: str
    heading: str
    kicker: str
    subtitle: str
    footer: str
    figures: list[Figure]
    gaps_intro: str
    gaps: list[str]
    gap_chart: str | None
    map_title: str
    map: str | None
    map_notes: list[str]
    notes: list[str]
    comparison: Block | None
    sections: list[Section]
    definitions: list[tuple[str, str, str]]
    source: list[tuple[str, str]]
    problems: list[Met] = field(default_factory=list)
    change: ChangePage | None = None  # since the earlier round, when the round has published changes


class _Writer:
    """Texts of one profile in one language."""

    def __init__(self, mart: Published, settings: Settings, manifest: Manifest, lang: Lang) -> None:
        self.mart, self.settings, self.manifest, self.lang = mart, settings, manifest, lang

    def word(self, key: str, **fields: object) -> str:
        return self.settings.word(key, self.lang, **fields)

    def value(self, value: Shown, indicator: Indicator, with_unit: bool = False) -> str:
        """A value as text; with its unit when asked (25,3 % / 27,5 horas)."""
        text = shown_text(value, decimals(indicator.value), self.lang)
        if not with_unit or isinstance(value, str) or indicator.value == "index":
            return text
        if indicator.value == "percent":
            return f"{text}\u00a0%" if self.lang == "es" else f"{text}%"
        return f"{text}\u00a0{self.unit(indicator)}"

    def unit(self, indicator: Indicator) -> str:
        """The unit shown beside the indicator's values."""
        return self.settings.unit(indicator.id, indicator.value, self.lang)

    def gap(self, value: Shown, indicator: Indicator) -> str:
        return shown_text(value, decimals(indicator.value), self.lang, sign=True)

    def ratio(self, value: Shown) -> str:
        return shown_text(value, RATIO_DECIMALS, self.lang)

    def sentence(self, gap: TopGap) -> str:
        """One gap in words: name, both values with their unit, and how much higher or lower for women."""
        higher = gap.gap > 0
        unit = gap.indicator.value
        if unit in ("percent", "per_1000"):
            key = "size_points" if unit == "percent" else "size_per_1000"
            size = self.word(f"{key}_more" if higher else f"{key}_less", gap=number_text(abs(gap.gap), 1, self.lang))
        else:
            size = self.word("size_relative_more" if higher else "size_relative_less",
                             relative=number_text(100 * abs(gap.gap) / gap.men, 0, self.lang) if gap.men else "∞")
        return self.word("gap_sentence", name=gap.indicator.name(self.lang),
                         women=self.value(gap.women, gap.indicator, True),
                         men=self.value(gap.men, gap.indicator, True), size=size)


def _bar(w: _Writer, indicator: Indicator, p: Pair) -> charts.Bar:
    return charts.Bar(indicator.name(w.lang), p.women if isinstance(p.women, float) else None,
                      p.men if isinstance(p.men, float) else None, w.value(p.women, indicator),
                      w.value(p.men, indicator))


def _header(text: str) -> str:
    """A column header that may break only before its parenthesis: 'Brecha (M − H)' -> 'Brecha\n(M − H)', the
    parenthesis kept on one line (the template shows headers with white-space: pre-line)."""
    head, sep, rest = text.partition(" (")
    return f"{head}\n({rest.replace(' ', NBSP).replace('/', '/' + WORD_JOINER)}" if sep else text


def _tick(value: float, lang: Lang) -> str:
    """An axis tick with as few decimals as it needs (0 / 0,25 / 10), in the profile's language."""
    decimals = next((d for d in range(3) if abs(round(value, d) - value) < 1e-9), 2)
    return number_text(value, decimals, lang)


def _gap_css(p: Pair | None) -> str:
    if p is None:
        return "num"
    if p.gap == SUPPRESSED:
        return "num sup"
    return f"num behind{p.behind}" if p.behind else "num"


def _range(w: _Writer, indicator: Indicator) -> str:
    """The lowest and highest published sector values; `(k/N)` after them when only k of the N sectors with data
    are published, a single value when only one is (never a 38,9–38,9 that hides nine sectors)."""
    cells = [shown(w.mart.cell(indicator.id, s.code)) for s in w.mart.sectors]
    present = [c for c in cells if c != NOT_APPLICABLE]
    values = [c for c in present if isinstance(c, float)]
    if not values:
        return SUPPRESSED if present else NOT_APPLICABLE
    low, high = w.value(min(values), indicator), w.value(max(values), indicator)
    text = low if low == high and len(values) == 1 else f"{low}–{high}"
    return text if len(values) == len(present) else f"{text} ({len(values)}/{len(present)})"


def _section(w: _Writer, area: Area, domain: str) -> Section:
    mart, settings, lang = w.mart, w.settings, w.lang
    district = area.level == "district"
    compare = w.word("sector_range") if district else mart.district.name
    own = area.name if district else area.code
    kinds = {"sex": ("persons_table", "women", "men", "gap", "ratio"),
             "head_sex": ("households_table", "female_head", "male_head", "gap_head", "ratio_head")}
    blocks: list[Block] = []
    bars: dict[str, list[charts.Bar]] = {"sex": [], "head_sex": []}
    for kind in ("sex", "head_sex", None):
        chosen = [i for i in indicators_of(mart, domain) if i.pair == kind]
        if not chosen:
            continue
        lines = []
        for indicator in chosen:
            total = shown(mart.cell(indicator.id, area.code))
            other = _range(w, indicator) if district else w.value(shown(mart.cell(indicator.id, mart.district.code)),
                                                                  indicator)
            cells = [Cell(w.value(total, indicator), "num sup" if total == SUPPRESSED else "num")]
            if kind is not None:
                p = pair(mart, settings, indicator, area.code)
                assert p is not None
                cells += [Cell(w.value(p.women, indicator), "num sup" if p.women == SUPPRESSED else "num"),
                          Cell(w.value(p.men, indicator), "num sup" if p.men == SUPPRESSED else "num"),
                          Cell(w.gap(p.gap, indicator), _gap_css(p)),
                          Cell(w.ratio(p.ratio), "num sup" if p.ratio == SUPPRESSED else "num")]
                if indicator.value == "percent" and indicator.id not in settings.profile.chart_skip:
                    bars[kind].append(_bar(w, indicator, p))
            cells.append(Cell(other, "num sup" if other == SUPPRESSED else "num cmp"))
            lines.append(Line(indicator.id, indicator.name(lang), w.unit(indicator), tuple(cells)))
        headers: tuple[str, ...] = (own, compare)
        title = w.word("area_only_table")
        if kind is not None:
            title, *pair_words = kinds[kind]
            title = w.word(title)
            headers = (own, *(w.word(k) for k in pair_words), compare)
        notes = [note for i in chosen if (note := unrecorded(mart, i, [area], lang))]
        if district and any("/" in c.text for line in lines for c in line.cells[-1:]):
            notes.append(w.word("range_partial_note"))
        blocks.append(Block(title, tuple(_header(h) for h in (w.word("indicator"), w.word("unit"), *headers)),
                            tuple(lines), tuple(notes)))
    chart = alt = None
    minimum = settings.profile.chart_min_bars
    for kind, legend, chart_title in (("sex", ("women", "men"), "chart_title"),
                                      ("head_sex", ("female_head", "male_head"), "chart_title_head")):
        published = [b for b in bars[kind] if b.women is not None or b.men is not None]
        if len(published) >= minimum and any(b.women or b.men for b in published):  # all zero: nothing to see
            chart = charts.pair_chart(bars[kind], (w.word(legend[0]), w.word(legend[1])), settings.profile,
                                      lambda x: _tick(x, lang))
            alt = f"{settings.domain(domain, lang)}: {w.word(chart_title)}"
            break
    return Section(settings.domain(domain, lang), tuple(blocks), chart, alt or "")


def _comparison(w: _Writer) -> Block | None:
    """The district profile's table of the map indicators in every sector."""
    mart = w.mart
    chosen = [i for i in mart.indicators if i.map and mart.is_computed(i)]
    if not chosen or not mart.sectors:
        return None
    lines = []
    for indicator in chosen:
        values = [shown(mart.cell(indicator.id, a.code)) for a in (mart.district, *mart.sectors)]
        lines.append(Line(indicator.id, indicator.name(w.lang), w.unit(indicator),
                          tuple(Cell(w.value(v, indicator), "num sup" if v == SUPPRESSED else "num") for v in values)))
    headers = (w.word("indicator"), w.word("unit"), w.word("district"), *(s.code for s in mart.sectors))
    return Block(w.word("sectors_compared"), headers, tuple(lines))


def _map(w: _Writer, area: Area, problems: list[Met]) -> tuple[str | None, str, list[str]]:
    """The first page's map: on the district's profile the sectors in the classes and colours of the PNG maps; on a
    sector's, where the sector lies."""
    mart, layout = w.mart, w.settings.profile
    boundaries = mart.boundaries.get("sector")
    notes = [w.word("map_illustrative")] if boundaries and boundaries.illustrative else []
    if area.level == "district":
        indicator = mart.indicator(layout.map_indicator)
        title = w.word("map_title_district", indicator=indicator.name(w.lang) if indicator else layout.map_indicator)
        if boundaries is None or indicator is None:
            return None, title, notes
        values = {s.code: mart.total(indicator.id, s.code) for s in boundaries.areas}
        classes = mart.classes(values, indicator.value, w.lang)
        fills = {code: classes.colour(v) for code, v in values.items() if v is not None} if classes else {}
        legend = [charts.Legend(colour, "", f"{label}{_percent(w, indicator)}")
                  for colour, label in zip(classes.colours, classes.labels, strict=True)] if classes else []
        drawn = [Drawn(s.code, s.geometry, fills.get(s.code)) for s in boundaries.areas]
        if any(d.colour is None for d in drawn):
            legend.append(charts.Legend("#f7f7f7", "////", w.word("map_no_data")))
        return charts.area_map(drawn, legend, boundaries.lonlat, w.word("map_no_data")), title, notes
    title = w.word("map_title_sector")
    if boundaries is None:
        return None, title, notes
    if area.code not in {s.code for s in boundaries.areas}:
        problems.append(CbmsError(REP_008, area=area.code, path=boundaries.path,
                                  property=w.manifest.code_property))
    colours = w.settings.profile.colours
    drawn = [Drawn(s.code, s.geometry, colours["highlight"] if s.code == area.code else colours["area"],
                   bold=s.code == area.code) for s in boundaries.areas]
    return charts.area_map(drawn, [], boundaries.lonlat), title, notes


def _percent(w: _Writer, indicator: Indicator) -> str:
    if indicator.value != "percent":
        return ""
    return "\u00a0%" if w.lang == "es" else "%"


def _source(w: _Writer, today: dt.date) -> list[tuple[str, str]]:
    manifest, prov, lang = w.manifest, w.mart.provenance, w.lang
    lines = manifest.poverty

    def soles(value: float) -> str:
        return "S/\u00a0" + number_text(value, 2 if value % 1 else 0, lang)

    pairs = [(w.word("round"), manifest.round_name),
             (w.word("period"), " — ".join(manifest.period) if manifest.period else NOT_APPLICABLE),
             (w.word("district"), f"{w.mart.district.name} ({w.word('ubigeo')} {w.mart.district.code})"),
             (w.word("poverty_lines"), f"{w.word('z_total')}: {soles(lines.z_total)}; {w.word('z_extreme')}: "
                                       f"{soles(lines.z_extreme)}; {w.word('year')}: {lines.year}; "
                                       f"{w.word('source')}: {lines.source}"),
             (w.word("suppression"), f"{w.word('min_cell')}: {manifest.min_cell}; {w.word('min_cell_sensitive')}: "
                                     f"{manifest.min_cell_sensitive}"),
             (w.word("cbms_version"), prov.cbms_version),
             (w.word("form"), ", ".join(v for v in (prov.form_id, prov.form_version) if v) or NOT_APPLICABLE)]
    if prov.run_id is not None:
        pairs.append((w.word("run"), f"{prov.run_id} ({prov.run_at})"))
    pairs += [(w.word("load", id=ld.load_id), w.word("load_text", when=ld.loaded_at, format=ld.format,
                                                     files=", ".join(ld.files))) for ld in prov.loads]
    pairs.append((w.word("generated"), today.isoformat()))
    return pairs


def build_page(mart: Published, area: Area, lang: Lang, today: dt.date) -> Page:
    """What the template shows for one area."""
    settings, manifest = mart.settings, mart.manifest
    w = _Writer(mart, settings, manifest, lang)
    layout = settings.profile
    district = area.level == "district"
    place = area.name if district else f"{area.name} ({area.code})"
    households = mart.cell("DEM_03", area.code)
    figures = [Figure(w.word("households"), SUPPRESSED if households is None or households.denominator is None
                      else number_text(households.denominator, 0, lang))] if households else []
    for indicator_id in layout.key_figures:
        indicator = mart.indicator(indicator_id)
        if indicator is not None and mart.is_computed(indicator):
            value = shown(mart.cell(indicator_id, area.code))
            figures.append(Figure(indicator.name(lang), w.value(value, indicator, indicator.value == "percent")))
    gaps = top_gaps(mart, settings, area.code, layout.top_gaps)
    bars = [charts.Bar(g.indicator.name(lang), g.women, g.men, w.value(g.women, g.indicator, True),
                       w.value(g.men, g.indicator, True)) for g in gaps]
    gap_chart = charts.gap_chart(bars, (w.word("women"), w.word("men")), layout) if gaps else None
    problems: list[Met] = []
    image, map_title, map_notes = _map(w, area, problems)
    notes = [w.word("suppressed_note", min_cell=manifest.min_cell, min_cell_sensitive=manifest.min_cell_sensitive),
             w.word("gap_note"), w.word("head_note"), w.word("na_note"), w.word("no_personal_data")]
    return Page(
        lang=lang, words={k: v[lang] for k, v in settings.labels.items()},
        title=f"{w.word('district_profile' if district else 'sector_profile')}: {place}", heading=place,
        kicker=w.word("district_profile" if district else "sector_profile"),
        subtitle=manifest.round_name if mart.district.name in manifest.round_name
        else f"{mart.district.name} — {manifest.round_name}",
        footer=manifest.round_name if district and area.name in manifest.round_name
        else f"{place} — {manifest.round_name}", figures=figures,
        gaps_intro=w.word("top_gaps_intro", area=area.name) if gaps else w.word("no_gaps", area=area.name),
        gaps=[w.sentence(g) for g in gaps], gap_chart=gap_chart, map_title=map_title, map=image, map_notes=map_notes,
        notes=notes, comparison=_comparison(w) if district else None,
        sections=[_section(w, area, d) for d in domains(mart, settings)],
        definitions=[(i.id, i.name(lang), i.definition(lang)) for i in mart.indicators if mart.is_computed(i)],
        source=_source(w, today), problems=problems,
        change=change_page(mart, area, lang, lambda v, i: w.value(v, i, with_unit=True)))


def render_html(template: jinja2.Template, page: Page) -> str:
    """The profile's HTML (what the golden tests read)."""
    return template.render(page=page, w=page.words)


def write_profiles(mart: Published, out: Path, lang: Lang = "es", areas: list[str] | None = None) -> Written:
    """Write the PDF profile of the district and of each sector (or only `areas`, by code) into `out/perfiles`
    (`out/profiles` in English). Returns the files written, with `.problems`: an area without data, a template
    error, no sector boundaries, boundaries that cannot be drawn, a PDF WeasyPrint could not lay out. Those never
    stop the other profiles; a database without indicators (REP_003) and a folder that cannot be written (CLI_002)
    raise. With two profiles or more and two cores or more free, WeasyPrint lays them out in spawned worker processes
    (cbms/report/pdf.py): a script that calls this must guard its own code with `if __name__ == "__main__":`."""
    with start_profiles(mart, out, lang, areas) as profiles:
        return profiles.wait()


class Profiles:
    """Profiles being laid out (in worker processes, or already here with one core): the caller does its other
    work meanwhile, then `wait()` gives what was written. Leaving the `with` block stops the workers."""

    def __init__(self, written: Written, writers: PdfWriters | None = None,
                 pending: Iterable[tuple[str, Future[Path]]] = ()) -> None:
        self.written, self.writers, self.pending = written, writers, list(pending)

    def wait(self) -> Written:
        """The files written and the problems met, once every profile is laid out."""
        for code, future in self.pending:
            try:  # a folder that cannot be written (full, read-only) raises CLI_002: no other profile could be either
                self.written.append(future.result())
            except ValueError as exc:  # what WeasyPrint raises on content it cannot lay out
                self.written.problems.append(CbmsError(REP_009, area=code, reason=" ".join(str(exc).split())))
        self.pending = []
        return self.written

    def __enter__(self) -> Profiles:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.writers is not None:
            self.writers.__exit__(kind, error, tb)


def start_profiles(mart: Published, out: Path, lang: Lang = "es", areas: list[str] | None = None) -> Profiles:
    """Build the pages of `write_profiles` here and hand them to the PDF writers, without waiting for the PDFs:
    WeasyPrint's layout (about a second a profile) runs in the workers while the caller writes the workbook, the
    other documents and the maps. Use it as a context manager and call `wait()`."""
    if lang not in LANGS:
        raise CbmsError(CLI_001, lang=lang)
    settings = mart.settings
    written = Written()
    if "sector" not in mart.manifest.boundaries:
        written.problems.append(CbmsError(REP_010))
    try:
        template = environment(settings.folder).get_template(TEMPLATE)
    except jinja2.TemplateError as exc:
        written.problems.append(template_error(settings.folder / TEMPLATE, exc))
        return Profiles(written)
    from cbms.report.pdf import PdfWriters, cores  # WeasyPrint takes a second to import: only when PDFs are wanted

    folder = Path(out) / settings.word("profiles_folder", lang)
    today = dt.date.today()
    wanted = areas if areas is not None else [mart.district.code, *(s.code for s in mart.sectors)]
    chosen: list[Area] = []
    for code in wanted:
        area = mart.area(code)
        if area is None or area.level == "grupo" or not mart.has_data(code):
            written.problems.append(CbmsError(REP_005, area=code))
        else:
            chosen.append(area)
    try:
        writers = PdfWriters(settings.folder / STYLESHEET, min(cores(), len(chosen)))
    except CbmsError as exc:
        written.problems.append(exc)
        return Profiles(written)
    profiles = Profiles(written, writers)
    with ExitStack() as stop:  # the workers are stopped here only if building the pages fails
        stop.push(profiles)
        for area in chosen:  # the pages are built here while the workers lay out the ones already built
            page = build_page(mart, area, lang, today)
            written.problems += page.problems
            try:
                html = render_html(template, page)
            except jinja2.TemplateError as exc:
                written.problems.append(template_error(settings.folder / TEMPLATE, exc))
                break  # the same template fails every area the same way
            profiles.pending.append((area.code, writers.submit(html, folder / file_name(settings, area, lang))))
        stop.pop_all()
    return profiles


def file_name(settings: Settings, area: Area, lang: Lang) -> str:
    """perfil_distrito_150142.pdf, perfil_sector_S01.pdf (profile_district_... in English)."""
    level = settings.word(area.level, lang).lower()
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in area.code)
    return f"{settings.word('profile_file', lang)}_{level}_{safe}.pdf"


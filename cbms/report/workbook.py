"""The indicator workbook: a cover, a sheet per domain (district and sectors side by side), and the metadata."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from cbms import spreadsheet
from cbms.atomic import save_workbook
from cbms.config import Manifest
from cbms.errors import CLI_001, LANGS, CbmsError, Lang
from cbms.published import Area, Published
from cbms.published.numbers import excel_format, ratio_format
from cbms.published.settings import Settings
from cbms.report.budget_sheet import add_budget_sheets
from cbms.report.change_sheet import change_sheet
from cbms.report.coverage_sheet import add_coverage_sheet
from cbms.report.tables import Row, Shown, domain_rows, domains, indicators_of, unrecorded

SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
FILE_UNSAFE = re.compile(r"[^\w.-]+")
TITLE_FONT = Font(bold=True, size=14)
BOLD = Font(bold=True)
GREY = Font(color="FF666666")
RIGHT = Alignment(horizontal="right")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
HEADER_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")
THIN = Side(style="thin", color="FFBFBFBF")
TOP_RULE = Border(top=THIN)
LINE_HEIGHT = 1.3  # a wrapped line's height, in points per point of font size
TITLE_ROW, HEADER_ROW = 1, 3  # a domain sheet: title, blank, header, data
FIXED_COLUMNS = 4  # code, indicator, unit, group


class _Style:
    """The workbook's fills and formats, built once from reports/workbook.yaml."""

    def __init__(self, settings: Settings) -> None:
        layout = settings.workbook
        self.layout = layout

        def fill(key: str) -> PatternFill:
            return PatternFill(fill_type="solid", start_color="FF" + layout.colours[key],
                               end_color="FF" + layout.colours[key])

        self.header = fill("header")
        self.total = fill("total")
        self.behind = {1: fill("behind"), 2: fill("far_behind")}
        self.font = Font(size=layout.font_size)
        self.bold = Font(size=layout.font_size, bold=True)


def sheet_title(text: str, taken: set[str]) -> str:
    """A valid, unique sheet name: no []:*?/\\, at most 31 characters."""
    base = SHEET_FORBIDDEN.sub(" ", text).strip().strip("'")[:31] or "Hoja"
    title, k = base, 2
    while title.lower() in taken:
        suffix = f" ({k})"
        title, k = base[: 31 - len(suffix)] + suffix, k + 1
    taken.add(title.lower())
    return title


def _put(ws: Worksheet, row: int, column: int, value: object, font: Font | None = None,
         fill: PatternFill | None = None, number_format: str | None = None,
         alignment: Alignment | None = None) -> Any:
    cell = ws.cell(row=row, column=column, value=spreadsheet.safe_value(value))
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if number_format is not None:
        cell.number_format = number_format
    if alignment is not None:
        cell.alignment = alignment
    return cell


def _lines(text: object, width: float) -> int:
    """Lines a wrapped text takes in a column `width` characters wide (a little pessimistic: better a row a bit tall
    than a line cut off)."""
    if not isinstance(text, str) or not text:
        return 1
    per_line = max(width - 2.0, 1.0)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))


def _fit_row(ws: Worksheet, row: int, cells: Sequence[tuple[object, float]], size: float) -> None:
    """Set a row's height to its tallest wrapped text: neither Excel nor LibreOffice reliably grows rows of a file
    they did not write themselves."""
    lines = max((_lines(text, width) for text, width in cells), default=1)
    if lines > 1:
        ws.row_dimensions[row].height = round(lines * size * LINE_HEIGHT, 1)


def _span(ws: Worksheet, row: int, first: int, last: int, value: object, font: Font, size: float,
          widths: Sequence[float]) -> None:
    """A wrapped text over columns first..last (merged), its row as tall as the text needs."""
    _put(ws, row, first, value, font=font, alignment=WRAP_TOP)
    if last > first:
        ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    _fit_row(ws, row, [(spreadsheet.safe_value(value), sum(widths[first - 1:last]))], size)


def _area_header(area: Area, settings: Settings, lang: Lang) -> str:
    if area.level == "district":
        return f"{settings.word('district', lang)}\n{area.name}"
    return f"{area.code}\n{area.name}" if area.name != area.code else area.code


def _group_label(row: Row, settings: Settings, lang: Lang) -> str:
    head = row.indicator.pair == "head_sex"
    key = {"total": "total", "women": "female_head" if head else "women", "men": "male_head" if head else "men",
           "gap": "gap_head" if head else "gap", "ratio": "ratio_head" if head else "ratio"}[row.kind]
    return settings.word(key, lang)


def _number_format(row: Row) -> str:
    if row.kind == "ratio":
        return ratio_format()
    return excel_format(row.indicator.value, gap=row.kind == "gap")


def _notes(settings: Settings, manifest: Manifest, lang: Lang, households: bool) -> list[str]:
    small, big = settings.noticeable, settings.large
    sizes = [settings.word("behind_sizes", lang, points=f"{s.points:g}", relative=f"{100 * s.relative:g}")
             for s in (small, big)]
    notes = [settings.word("suppressed_note", lang, min_cell=manifest.min_cell,
                           min_cell_sensitive=manifest.min_cell_sensitive),
             settings.word("na_note", lang), settings.word("zero_note", lang), settings.word("gap_note", lang)]
    if households:
        notes.append(settings.word("head_note", lang))
    notes.append(settings.word("behind_note", lang, small=sizes[0], big=sizes[1]))
    return notes


def _domain_sheet(ws: Worksheet, mart: Published, settings: Settings, manifest: Manifest, domain: str, lang: Lang,
                  style: _Style) -> None:
    areas = [mart.district, *mart.sectors]
    rows = domain_rows(mart, settings, domain, areas)
    widths = settings.workbook.widths
    headers = [settings.word("code", lang), settings.word("indicator", lang), settings.word("unit", lang),
               settings.word("group", lang), *(_area_header(a, settings, lang) for a in areas)]
    area_widths = spreadsheet.fit_widths(headers[FIXED_COLUMNS:], [[_width_probe(v) for v in row.values]
                                                                   for row in rows])
    column_widths = [max(9.0, len(rows[0].indicator.id) + 3.0 if rows else 9.0), widths["indicator"],
                     widths["unit"], widths["group"],
                     *(min(max(w, widths["area_min"]), widths["area_max"]) for w in area_widths)]
    size = style.layout.font_size
    _put(ws, TITLE_ROW, 1, f"{settings.domain(domain, lang)} — {mart.district.name}", font=TITLE_FONT)
    _put(ws, TITLE_ROW + 1, 1, manifest.round_name, font=GREY)
    for column, label in enumerate(headers, 1):
        _put(ws, HEADER_ROW, column, label, font=style.bold, fill=style.header, alignment=HEADER_ALIGN)
    ws.row_dimensions[HEADER_ROW].height = 30
    r = HEADER_ROW
    for row in rows:
        r += 1
        total = row.kind == "total"
        fill = style.total if total else None
        _put(ws, r, 1, row.indicator.id, font=style.font if total else GREY, fill=fill)
        _put(ws, r, 2, row.indicator.name(lang) if total else None, font=style.bold, fill=fill, alignment=WRAP_TOP)
        if total:
            _fit_row(ws, r, [(row.indicator.name(lang), column_widths[1])], size)
        unit = settings.unit(row.indicator.id, row.indicator.value, lang) if total else None
        _put(ws, r, 3, unit, font=style.font, fill=fill)
        _put(ws, r, 4, _group_label(row, settings, lang), font=style.font, fill=fill)
        number_format = _number_format(row)
        for k, value in enumerate(row.values):
            cell_fill = style.behind.get(row.behind[k], fill)
            if isinstance(value, str):
                _put(ws, r, FIXED_COLUMNS + 1 + k, value, font=style.font, fill=cell_fill, alignment=RIGHT)
            else:
                _put(ws, r, FIXED_COLUMNS + 1 + k, value, font=style.font, fill=cell_fill, number_format=number_format)
        if total and r > HEADER_ROW + 1:
            for column in range(1, len(headers) + 1):
                ws.cell(row=r, column=column).border = TOP_RULE
    households = any(i.pair == "head_sex" for i in indicators_of(mart, domain))
    r += 1
    last = len(headers)
    notes = _notes(settings, manifest, lang, households)
    notes += [note for i in indicators_of(mart, domain) if (note := unrecorded(mart, i, areas, lang))]
    for note in notes:
        r += 1
        _span(ws, r, 1, last, note, GREY, size, column_widths)
    r += 1
    for level, gap in ((1, settings.noticeable), (2, settings.large)):
        r += 1
        _put(ws, r, 1, None, fill=style.behind[level])
        _span(ws, r, 2, last, settings.word("legend_behind", lang, size=settings.word(
            "behind_sizes", lang, points=f"{gap.points:g}", relative=f"{100 * gap.relative:g}")), GREY, size,
              column_widths)
    spreadsheet.set_widths(ws, column_widths)
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=FIXED_COLUMNS + 1).coordinate
    spreadsheet.set_print(ws, header_row=HEADER_ROW)
    ws.print_title_cols = f"A:{get_column_letter(FIXED_COLUMNS)}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4


def _width_probe(value: Shown) -> str:
    """How wide a value shows: numbers with separators and one or three decimals, at most."""
    return value if isinstance(value, str) else f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"


def _key_values(ws: Worksheet, r: int, title: str, pairs: Sequence[tuple[str, object]], style: _Style,
                widths: Sequence[float], label: tuple[int, int] = (1, 1), value: tuple[int, int] = (2, 2)) -> int:
    """A titled block of label - value lines (each over the columns given); returns the next free row."""
    _put(ws, r, 1, title, font=BOLD)
    size = style.layout.font_size
    for text, shown in pairs:
        r += 1
        _span(ws, r, *label, text, style.font, size, widths)
        if isinstance(shown, str):
            _span(ws, r, *value, shown, style.font, size, widths)
        else:
            _put(ws, r, value[0], shown, font=style.font, alignment=Alignment(horizontal="left"))
    return r + 2


def _cover(ws: Worksheet, mart: Published, settings: Settings, manifest: Manifest, lang: Lang,
           sheets: list[tuple[str, str]], style: _Style) -> None:
    word = settings.word
    widths = [34.0, 90.0]
    size = style.layout.font_size
    _put(ws, 1, 1, f"{word('title', lang)} — {mart.district.name}", font=TITLE_FONT)
    period = " — ".join(manifest.period) if manifest.period else ""
    r = _key_values(ws, 3, word("cover_facts", lang), [
        (word("district", lang), f"{mart.district.name} ({word('ubigeo', lang)} {mart.district.code})"),
        (word("round", lang), manifest.round_name), (word("period", lang), period),
        (word("generated", lang), dt.date.today().isoformat())], style, widths)
    _put(ws, r, 1, word("contents", lang), font=BOLD)
    _put(ws, r + 1, 1, word("sheet", lang), font=style.bold, fill=style.header)
    _put(ws, r + 1, 2, word("what_it_holds", lang), font=style.bold, fill=style.header)
    r += 1
    for name, holds in sheets:
        r += 1
        _put(ws, r, 1, name, font=style.font, alignment=WRAP_TOP)
        _span(ws, r, 2, 2, holds, style.font, size, widths)
    r += 2
    _put(ws, r, 1, word("how_to_read", lang), font=BOLD)
    for note in [*_notes(settings, manifest, lang, households=True), word("more_detail", lang),
                 word("no_personal_data_workbook", lang)]:
        r += 1
        _span(ws, r, 1, 2, note, style.font, size, widths)
    spreadsheet.set_widths(ws, widths)
    spreadsheet.set_print(ws)
    ws.page_setup.paperSize = ws.PAPERSIZE_A4


def _metadata(ws: Worksheet, mart: Published, settings: Settings, manifest: Manifest, lang: Lang,
              style: _Style) -> None:
    word = settings.word
    widths = [22.0, 40.0, 22.0, 70.0, 11.0, 26.0, 9.0, 12.0, 16.0, 14.0]

    def block(r: int, title: str, pairs: Sequence[tuple[str, object]]) -> int:
        return _key_values(ws, r, title, pairs, style, widths, label=(1, 2), value=(3, 6))  # A:B, then C:F

    _put(ws, 1, 1, f"{word('metadata_sheet', lang)} — {mart.district.name}", font=TITLE_FONT)
    _put(ws, 2, 1, manifest.round_name, font=GREY)
    lines = manifest.poverty
    pairs: list[tuple[str, object]] = [(word("z_total", lang), lines.z_total),
                                       (word("z_extreme", lang), lines.z_extreme)]
    if lines.quintile1 is not None:
        pairs.append((word("quintile1", lang), lines.quintile1))
    pairs += [(word("year", lang), lines.year or None), (word("source", lang), lines.source)]
    r = block(3, word("poverty_lines", lang), pairs)
    r = block(r, word("suppression", lang), [(word("min_cell", lang), manifest.min_cell),
                                             (word("min_cell_sensitive", lang), manifest.min_cell_sensitive)])
    primary, secondary = mart.protected_counts
    r = block(r, word("disclosure", lang), [(word("primary_cells", lang), primary),
                                            (word("secondary_cells", lang), secondary),
                                            (word("x_means_label", lang), word("x_means", lang)),
                                            (word("implied_label", lang), word("implied", lang))])
    prov = mart.provenance
    form = ", ".join(v for v in (prov.form_id, prov.form_version) if v)
    facts: list[tuple[str, object]] = [(word("cbms_version", lang), prov.cbms_version), (word("form", lang), form)]
    if prov.run_id is not None:
        facts.append((word("run", lang), f"{prov.run_id} ({prov.run_at})"))
    if prov.manifest_sha256:
        facts.append((word("manifest", lang), prov.manifest_sha256))
    if prov.catalogue_sha256:
        facts.append((word("catalogue", lang), prov.catalogue_sha256))
    facts += [(word("load", lang, id=ld.load_id), word("load_text", lang, when=ld.loaded_at, format=ld.format,
                                                     files=", ".join(ld.files))) for ld in prov.loads]
    r = block(r, word("provenance", lang), facts)
    _put(ws, r, 1, word("definitions", lang), font=BOLD)
    r += 1
    headers = ["code", "indicator", "domain", "definition", "unit", "breakdowns", "sensitive", "threshold",
               "computed", "unknown_share"]
    for column, key in enumerate(headers, 1):
        _put(ws, r, column, word(key, lang), font=style.bold, fill=style.header, alignment=HEADER_ALIGN)
    header_row = r
    for indicator in mart.indicators:
        r += 1
        breakdowns = ", ".join(settings.breakdown(b, lang) for b in indicator.breakdowns)
        values: list[object] = [
            indicator.id, indicator.name(lang), settings.domain(indicator.domain, lang), indicator.definition(lang),
            settings.unit(indicator.id, indicator.value, lang), breakdowns,
            word("word_yes" if indicator.sensitive else "word_no", lang),
            manifest.min_cell_sensitive if indicator.sensitive else manifest.min_cell,
            word("word_yes", lang) if mart.is_computed(indicator) else word("not_computed", lang),
            _unknown_share(mart, indicator.id)]
        for column, value in enumerate(values, 1):
            _put(ws, r, column, value, font=style.font, alignment=WRAP_TOP)
        ws.cell(r, len(values)).number_format = "0.0%"
        _fit_row(ws, r, list(zip(values, widths, strict=True)), style.layout.font_size)
    spreadsheet.set_widths(ws, widths)
    spreadsheet.set_print(ws, header_row=header_row)
    ws.page_setup.paperSize = ws.PAPERSIZE_A4


def _unknown_share(mart: Published, indicator_id: str) -> float | None:
    """The share of the indicator's universe in the district whose answer is unknown: n_missing / (n + n_missing)."""
    cell = mart.cell(indicator_id, mart.district.code)
    if cell is None or cell.n is None or cell.n_missing is None or cell.n + cell.n_missing == 0:
        return None
    return cell.n_missing / (cell.n + cell.n_missing)


def build_workbook(mart: Published, settings: Settings, manifest: Manifest, lang: Lang) -> Workbook:
    """The workbook in memory."""
    style = _Style(settings)
    workbook = Workbook()
    taken: set[str] = set()
    cover = workbook.active
    assert cover is not None
    cover.title = sheet_title(settings.word("cover_sheet", lang), taken)
    sheets = []
    for domain in domains(mart, settings):
        ws = workbook.create_sheet(sheet_title(settings.domain(domain, lang), taken))
        _domain_sheet(ws, mart, settings, manifest, domain, lang, style)
        sheets.append((ws.title, settings.word("domain_sheet_holds", lang, count=len(indicators_of(mart, domain)))))
    if mart.changes.cells:  # a previous round with changes: single-round workbooks stay as they were
        ws = workbook.create_sheet(sheet_title(settings.word("change_sheet", lang), taken))
        change_sheet(ws, mart, lang)
        sheets.append((ws.title, settings.word("change_sheet_holds", lang)))
    sheets += add_budget_sheets(workbook, mart, lang, lambda text: sheet_title(text, taken))
    sheets += add_coverage_sheet(workbook, mart, lang, lambda text: sheet_title(text, taken))
    meta = workbook.create_sheet(sheet_title(settings.word("metadata_sheet", lang), taken))
    _metadata(meta, mart, settings, manifest, lang, style)
    sheets.append((meta.title, settings.word("metadata_sheet_holds", lang)))
    _cover(cover, mart, settings, manifest, lang, sheets, style)
    return workbook


def file_name(settings: Settings, manifest: Manifest, lang: Lang) -> str:
    """indicadores_<round>.xlsx / indicators_<round>.xlsx."""
    round_id = FILE_UNSAFE.sub("-", manifest.round_id).strip("-") or "ronda"
    return f"{settings.word('workbook_file', lang)}_{round_id}.xlsx"


def write_workbook(mart: Published, out: Path, lang: Lang = "es") -> Path:
    """Write the indicator workbook in `lang` into the folder `out` (or to `out` itself when it ends in .xlsx);
    return its path."""
    if lang not in LANGS:
        raise CbmsError(CLI_001, lang=lang)
    out = Path(out)
    target = out if out.suffix.lower() == ".xlsx" else out / file_name(mart.settings, mart.manifest, lang)
    workbook = build_workbook(mart, mart.settings, mart.manifest, lang)
    return save_workbook(target, workbook)

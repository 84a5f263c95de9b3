"""The workbook's change sheet: each indicator in the district and the sectors in both rounds side by side, the
change coloured by the indicator's declared direction, the cases of each round, and the indicators that are not
comparable with their reason. Only the published changes (cbms/published/changes.py)."""

from __future__ import annotations

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from cbms import spreadsheet
from cbms.errors import Lang
from cbms.indicators.catalogue import Indicator
from cbms.published import Area, Published
from cbms.published.changes import Change
from cbms.published.numbers import excel_format
from cbms.report.change_reading import BETTER, WORSE, way
from cbms.report.tables import SUPPRESSED

HEADER_ROW = 4
WIDTHS = (11.0, 46.0, 10.0, 24.0, 13.0, 13.0, 11.0, 18.0, 12.0, 12.0)
COUNT_FORMAT = "#,##0"
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
HEADER_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")
RIGHT = Alignment(horizontal="right")
LINE_HEIGHT = 1.3  # points per point of font size, as the domain sheets


def _fill(colour: str) -> PatternFill:
    return PatternFill(fill_type="solid", start_color="FF" + colour, end_color="FF" + colour)


def _area_label(mart: Published, area: Area, lang: Lang) -> str:
    if area.level == "district":
        return f"{mart.settings.word('district', lang)} {area.name}"
    return f"{area.code} {area.name}" if area.name != area.code else area.code


def _reading(mart: Published, indicator: Indicator, change: Change, lang: Lang) -> str:
    if change.change is None:
        return SUPPRESSED
    if indicator.better is None:
        return mart.settings.word("change_neutral", lang)
    return mart.settings.word({BETTER: "change_better", WORSE: "change_worse"}.get(
        way(indicator, change.change), "change_same"), lang)


def rows(mart: Published) -> list[tuple[Indicator, Area, Change]]:
    """The sheet's lines: each computed indicator with a change, the district then the sectors that have one."""
    found = []
    for indicator in mart.indicators:
        if not mart.is_computed(indicator):
            continue
        for area in (mart.district, *mart.sectors):
            change = mart.changes.cell(indicator.id, area.code)
            if change is not None:
                found.append((indicator, area, change))
    return found


def change_sheet(ws: Worksheet, mart: Published, lang: Lang) -> None:
    """Fill an empty sheet with the change since the earlier round."""
    settings, word = mart.settings, mart.settings.word
    size = settings.workbook.font_size
    font, bold, grey = Font(size=size), Font(size=size, bold=True), Font(size=size, color="FF666666")
    header_fill = _fill(settings.workbook.colours["header"])
    fills = {BETTER: _fill(settings.change.colours["improved"]), WORSE: _fill(settings.change.colours["worsened"])}
    lines = rows(mart)
    before = lines[0][2].round_from if lines else ""
    after = lines[0][2].round_to if lines else mart.manifest.round_id

    def put(row: int, column: int, value: object, **style: object) -> None:
        cell = ws.cell(row=row, column=column, value=spreadsheet.safe_value(value))
        for key, setting in {"font": font, **style}.items():
            setattr(cell, key, setting)

    put(1, 1, f"{word('change_sheet', lang)} — {mart.district.name}", font=Font(size=14, bold=True))
    put(2, 1, f"{word('round', lang)} {before} → {after}", font=grey)
    headers = [word("code", lang), word("indicator", lang), word("unit", lang), word("change_area", lang),
               word("change_round", lang, round=before), word("change_round", lang, round=after),
               word("change_change", lang), word("change_reading", lang), word("change_cases", lang, round=before),
               word("change_cases", lang, round=after)]
    for column, label in enumerate(headers, 1):
        put(HEADER_ROW, column, label, font=bold, fill=header_fill, alignment=HEADER_ALIGN)
    ws.row_dimensions[HEADER_ROW].height = 30
    r = HEADER_ROW
    for indicator, area, change in lines:
        r += 1
        first = area.level == "district"
        put(r, 1, indicator.id, font=font if first else grey)
        put(r, 2, indicator.name(lang), font=bold if first else grey, alignment=WRAP_TOP)
        put(r, 3, settings.unit(indicator.id, indicator.value, lang))
        put(r, 4, _area_label(mart, area, lang))
        value_format = excel_format(indicator.value)
        numbers = ((5, change.value_from, value_format), (6, change.value_to, value_format),
                   (7, change.change, excel_format(indicator.value, gap=True)), (9, change.n_from, COUNT_FORMAT),
                   (10, change.n_to, COUNT_FORMAT))
        for column, value, number_format in numbers:
            if value is None:
                put(r, column, SUPPRESSED, alignment=RIGHT)
            else:
                put(r, column, value, number_format=number_format)
        if change.change is not None and (fill := fills.get(way(indicator, change.change))) is not None:
            ws.cell(row=r, column=7).fill = fill
        put(r, 8, _reading(mart, indicator, change, lang))
    r += 1
    notes = [word("change_census_note", lang), word("change_units_note", lang, before=before, after=after),
             word("change_colour_note", lang), word("change_x_note", lang)]
    for note in notes:
        r += 1
        _note(ws, r, note, grey, size)
    if mart.changes.not_comparable:
        r += 2
        put(r, 1, word("change_not_comparable_title", lang), font=bold)
        for indicator_id, reason_es, reason_en in mart.changes.not_comparable:
            r += 1
            named = mart.indicator(indicator_id)
            put(r, 1, indicator_id)
            put(r, 2, named.name(lang) if named else indicator_id, alignment=WRAP_TOP)
            _note(ws, r, reason_es if lang == "es" else reason_en, font, size, first=3)
    spreadsheet.set_widths(ws, WIDTHS)
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=5).coordinate
    spreadsheet.set_print(ws, header_row=HEADER_ROW)
    ws.print_title_cols = "A:D"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4


def _note(ws: Worksheet, row: int, text: str, font: Font, size: float, first: int = 1) -> None:
    """A wrapped text from column `first` to the last (merged), its row as tall as the text needs: neither Excel
    nor LibreOffice grows the rows of a file they did not write."""
    cell = ws.cell(row=row, column=first, value=spreadsheet.safe_value(text))
    cell.font, cell.alignment = font, WRAP_TOP
    ws.merge_cells(f"{get_column_letter(first)}{row}:{get_column_letter(len(WIDTHS))}{row}")
    width = sum(WIDTHS[first - 1:])
    lines = spreadsheet.row_lines([text], {0: width})
    if lines > 1:
        ws.row_dimensions[row].height = round(lines * size * LINE_HEIGHT, 1)

"""The workbook's "Cobertura" sheet, from the published coverage: programme x area x sex of the head / of the person:
eligible, beneficiaries, eligible beneficiaries, leakage %, under-coverage % and n."""

from __future__ import annotations

from collections.abc import Callable

from openpyxl import Workbook

from cbms.errors import Lang
from cbms.published import Published
from cbms.published.coverage import CoverageCell
from cbms.report.table_sheets import Column, figure, write_table_sheet


def breakdown_label(published: Published, cell: CoverageCell, lang: Lang) -> str:
    """Total, women / men (the person's sex) or female / male head."""
    word = published.settings.word
    if cell.sex is not None:
        return word("women" if cell.sex == "female" else "men", lang)
    if cell.head_sex is not None:
        return word("female_head" if cell.head_sex == "female" else "male_head", lang)
    return word("total", lang)


def add_coverage_sheet(workbook: Workbook, published: Published, lang: Lang,
                       title: Callable[[str], str]) -> list[tuple[str, str]]:
    """Add the coverage sheet (none when the run has no coverage)."""
    coverage = published.coverage
    if coverage is None:
        return []
    word = published.settings.word
    manifest = published.manifest
    columns = [Column(word("id_code", lang)), Column(word("programme", lang)), Column(word("programme_unit", lang)),
               Column(word("level", lang)), Column(word("area_code", lang)), Column(word("area_name", lang)),
               Column(word("breakdown", lang)), Column(word("eligible", lang), "count"),
               Column(word("beneficiaries", lang), "count"), Column(word("eligible_beneficiaries", lang), "count"),
               Column(word("leakage", lang), "percent"), Column(word("undercoverage", lang), "percent"),
               Column(word("coverage_n", lang), "count")]
    programmes = {p.id: p for p in coverage.programmes}
    rows = []
    for c in coverage.cells:
        programme = programmes[c.programme]
        rows.append([c.programme, programme.name(lang), word(f"unit_{programme.unit}", lang),
                     published.settings.level(c.area_level, lang), c.area_code,
                     published.name(c.area_level, c.area_code) or c.area_code, breakdown_label(published, c, lang),
                     figure(c.eligible, c.protected), figure(c.beneficiaries, c.protected),
                     figure(c.eligible_beneficiaries, c.protected), figure(c.leakage, c.protected),
                     figure(c.undercoverage, c.protected), figure(c.n, c.protected)])
    ws = workbook.create_sheet(title(word("coverage_sheet", lang)))
    notes = [word("coverage_note", lang), word("coverage_x_note", lang, min_cell=manifest.min_cell,
                                                min_cell_sensitive=manifest.min_cell_sensitive),
             word("head_note", lang)]
    write_table_sheet(ws, columns, rows, notes, wrap=(1,))
    return [(ws.title, word("coverage_holds", lang))]

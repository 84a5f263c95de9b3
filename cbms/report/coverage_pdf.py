"""The PDF "Cobertura de programas sociales", from the published coverage: each programme in the district (total,
and by the head's and the person's sex), the under-coverage map of each programme per sector, and each programme's
sectors side by side."""

from __future__ import annotations

from pathlib import Path

from cbms.errors import Lang
from cbms.published import Published
from cbms.published.coverage import CoverageCell
from cbms.report.coverage_sheet import breakdown_label
from cbms.report.document import Document, Part, sector_map, shown, table, write_document
from cbms.report.profiles import Cell, Written
from cbms.report.workbook import FILE_UNSAFE

FILE = "cobertura_programas_sociales"  # English adds `_en`


def file_name(published: Published, lang: Lang) -> str:
    """cobertura_programas_sociales_<round>.pdf, `_en` before .pdf in English."""
    round_id = FILE_UNSAFE.sub("-", published.manifest.round_id).strip("-") or "ronda"
    return f"{FILE}_{round_id}{'_en' if lang == 'en' else ''}.pdf"


def _figures(c: CoverageCell, lang: Lang) -> list[Cell]:
    return [shown(c.eligible, c.protected, 0, lang), shown(c.beneficiaries, c.protected, 0, lang),
            shown(c.eligible_beneficiaries, c.protected, 0, lang), shown(c.leakage, c.protected, 1, lang),
            shown(c.undercoverage, c.protected, 1, lang)]


def coverage_document(published: Published, lang: Lang) -> Document | None:
    """What the PDF shows (None when the run has no coverage)."""
    coverage = published.coverage
    if coverage is None:
        return None
    word = published.settings.word
    manifest = published.manifest
    figures = [word("eligible", lang), word("beneficiaries", lang), word("eligible_beneficiaries", lang),
               word("leakage", lang), word("undercoverage", lang)]
    district_rows = []
    for programme in coverage.programmes:
        district_rows += [[Cell(programme.name(lang), "name"), Cell(breakdown_label(published, d, lang), "unit"),
                           *_figures(d, lang)] for d in coverage.cells
                          if d.programme == programme.id and d.area_level == "district"]
    maps = tuple(sector_map(published, word("undercoverage_map_title", lang, programme=p.name(lang)),
                            coverage.undercoverage(p.id, [s.code for s in published.sectors]), "percent", lang)
                 for p in coverage.programmes)
    by_sector = []
    for programme in coverage.programmes:
        rows = [[Cell(f"{s.code} {published.name('sector', s.code)}".strip(), "name"), *_figures(c, lang)]
                for s in published.sectors if (c := coverage.cell(programme.id, s.code)) is not None]
        by_sector.append(table(f"{programme.name(lang)}, {word('by_sector', lang)}", [word("sector", lang), *figures],
                               rows))
    title = word("coverage_title", lang)
    place = published.district.name
    return Document(
        lang=lang, words={k: v[lang] for k, v in published.settings.labels.items()}, title=f"{title}: {place}",
        kicker=title, heading=place, subtitle=manifest.round_name, footer=f"{title} — {manifest.round_name}",
        intro=(word("coverage_note", lang),),
        parts=(Part(word("district_coverage_title", lang),
                    tables=(table("", [word("programme", lang), word("breakdown", lang), *figures], district_rows),)),
               Part(f"{word('undercoverage', lang)}, {word('by_sector', lang)}", maps=maps),
               Part(f"{title}, {word('by_sector', lang)}", tables=tuple(by_sector))),
        notes=(word("coverage_x_note", lang, min_cell=manifest.min_cell,
                    min_cell_sensitive=manifest.min_cell_sensitive),
               word("head_note", lang), word("no_personal_data", lang)))


def write_coverage_pdf(published: Published, out: Path, lang: Lang = "es") -> Written:
    """Write the coverage PDF into the folder `out` (nothing when the run has no coverage)."""
    document = coverage_document(published, lang)
    if document is None:
        return Written()
    return write_document(published, document, Path(out) / file_name(published, lang))

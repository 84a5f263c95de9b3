"""The PDF "Presupuesto sensible al género" for the council and the women's organisations, from the published budget
tables: the five sectors where need most exceeds allocation in words, the needs map and the budget map of each need
(per sector), the budget against need in the district, the ranking with its weights and the classes' shares."""

from __future__ import annotations

from pathlib import Path

from cbms.budget.needs import UNIT_LABELS
from cbms.errors import Lang
from cbms.published import Published
from cbms.published.budget import PublishedBudget
from cbms.published.numbers import number_text
from cbms.report.budget_sheet import class_label
from cbms.report.document import Document, Part, sector_map, shown, table, write_document
from cbms.report.profiles import Cell, Written
from cbms.report.workbook import FILE_UNSAFE

FILE = "presupuesto_sensible_al_genero"  # the file name says `presupuesto` in both languages; English adds `_en`
TOP = 5


def file_name(published: Published, lang: Lang) -> str:
    """presupuesto_sensible_al_genero_<round>.pdf, `_en` before .pdf in English."""
    round_id = FILE_UNSAFE.sub("-", published.manifest.round_id).strip("-") or "ronda"
    return f"{FILE}_{round_id}{'_en' if lang == 'en' else ''}.pdf"


def _sector(published: Published, code: str) -> str:
    name = published.name("sector", code)
    return f"{name} ({code})" if name and name != code else code


def top_unmet(published: Published, budget: PublishedBudget, lang: Lang) -> tuple[str, ...]:
    """The (up to) five first sectors of the ranking whose share of the need exceeds their share of the budget, in
    words; when the scores are protected, the first five of the ranking's order with their budget share only."""
    word = published.settings.word
    sentences: list[str] = []
    for row in budget.tables.ranking:
        if len(sentences) == TOP:
            break
        if row.unmet is None:
            sentences.append(word("top_unmet_sentence_hidden", lang,
                                  sector=_sector(published, row.area_code),
                                  budget=number_text(row.budget_share, 1, lang)))
        elif row.unmet > 0 and row.need_share is not None:
            sentences.append(word("top_unmet_sentence", lang, sector=_sector(published, row.area_code),
                                  need=number_text(row.need_share, 1, lang),
                                  budget=number_text(row.budget_share, 1, lang),
                                  points=number_text(row.unmet, 1, lang)))
    return tuple(sentences)


def budget_document(published: Published, lang: Lang) -> Document | None:
    """What the PDF shows (None when the run has no budget)."""
    budget = published.budget
    if budget is None:
        return None
    word = published.settings.word
    manifest = published.manifest
    tables = budget.tables
    needs_maps, budget_maps = [], []
    for need in budget.declarations.needs:
        unit = UNIT_LABELS[need.unit].text(lang)
        rates = {r.area_code: None if r.suppressed else r.rate for r in tables.needs
                 if r.need_id == need.id and r.area_level == "sector"}
        soles = {r.area_code: None if r.suppressed else r.allocated_per_unit for r in tables.comparison
                 if r.need_id == need.id and r.area_level == "sector"}
        needs_maps.append(sector_map(published, word("needs_map_title", lang, need=need.label.text(lang), unit=unit),
                                     rates, "mean" if need.unit == "hours" else "percent", lang))
        budget_maps.append(sector_map(published, word("budget_map_title", lang, need=need.label.text(lang)), soles,
                                      "count", lang))
    district = [r for r in tables.comparison if r.area_level == "district"]
    against = table(word("district_needs_title", lang),
                    [word("need", lang), word("need_unit", lang), word("in_need", lang), word("allocated", lang),
                     word("per_unit", lang), word("cost_needed", lang), word("cost_coverage", lang)],
                    [[Cell(budget.need(r.need_id).label.text(lang), "name"),
                      Cell(UNIT_LABELS[budget.need(r.need_id).unit].text(lang), "unit"),
                      shown(r.in_need, r.suppressed, 0, lang), shown(r.allocated, False, 0, lang),
                      shown(r.allocated_per_unit, r.suppressed, 0, lang), shown(r.cost_needed, r.suppressed, 0, lang),
                      shown(r.coverage, r.suppressed, 1, lang)] for r in district])
    ranking = table(word("ranking_title", lang),
                    [word("rank", lang), word("sector", lang), word("score_share", lang), word("allocated", lang),
                     word("budget_share", lang), word("unmet", lang)],
                    [[Cell(str(r.rank)), Cell(_sector(published, r.area_code), "name"),
                      shown(r.need_share, r.suppressed, 1, lang), shown(r.allocated, False, 0, lang),
                      shown(r.budget_share, False, 1, lang), shown(r.unmet, r.suppressed, 1, lang, sign=True)]
                     for r in tables.ranking])
    classes = table(word("classes_title", lang),
                    [word("gender_class", lang), word("projects", lang), word("amount", lang), word("share", lang)],
                    [[Cell(class_label(r.gender_class, lang), "name"), shown(r.projects, False, 0, lang),
                      shown(r.amount, False, 0, lang), shown(r.share, False, 1, lang)] for r in tables.classes])
    w = tables.weights
    items = top_unmet(published, budget, lang)
    title = word("budget_title", lang)
    place = published.district.name
    budget_file = manifest.budget.file.name if manifest.budget is not None else ""
    return Document(
        lang=lang, words={k: v[lang] for k, v in published.settings.labels.items()}, title=f"{title}: {place}",
        kicker=title, heading=place, subtitle=manifest.round_name, footer=f"{title} — {manifest.round_name}",
        intro=(word("budget_intro", lang), word("budget_illustrative", lang, file=budget_file)),
        parts=(Part(word("top_unmet_title", lang), items=items,
                    paragraphs=() if items else (word("no_unmet", lang),)),
               Part(f"{word('district_needs_title', lang)}, {word('by_sector', lang)}", maps=tuple(needs_maps)),
               Part(f"{word('allocated', lang)}, {word('by_sector', lang)}", maps=tuple(budget_maps)),
               Part(word("district_needs_title", lang), tables=(against,)),
               Part(word("ranking_title", lang), tables=(ranking,),
                    paragraphs=(word("weights_line", lang, severity=f"{w.severity:g}", size=f"{w.size:g}",
                                     gap=f"{w.gap:g}"),)),
               Part(word("classes_title", lang), tables=(classes,))),
        notes=(word("budget_x_note", lang, min_cell=manifest.min_cell, min_cell_sensitive=manifest.min_cell_sensitive),
               word("ranking_note", lang), word("gap_note", lang), word("head_note", lang),
               word("no_personal_data", lang)))


def write_budget_pdf(published: Published, out: Path, lang: Lang = "es") -> Written:
    """Write the budget PDF into the folder `out` (nothing when the run has no budget)."""
    document = budget_document(published, lang)
    if document is None:
        return Written()
    return write_document(published, document, Path(out) / file_name(published, lang))

"""The workbook's "Presupuesto" sheets, from the published budget tables: needs matrix, costing, budget against
need, the ranking of sectors with the declared weights beside it, the classes' shares and the projects."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from openpyxl import Workbook

from cbms.budget.classify import CLASS_LABELS
from cbms.budget.needs import UNIT_LABELS, Need
from cbms.errors import Lang
from cbms.published import Published
from cbms.published.budget import PublishedBudget
from cbms.report.table_sheets import RATIO, SOLES, Column, figure, write_table_sheet

Sheets = list[tuple[str, str]]  # (sheet title, what it holds) for the cover


def sex_label(published: Published, need: Need, sex: str | None, lang: Lang) -> str:
    """Both, women / men, or female / male head (household needs)."""
    word = published.settings.word
    if sex is None:
        return word("both_sexes", lang)
    if need.basis == "head_sex":
        return word("female_head" if sex == "female" else "male_head", lang)
    return word("women" if sex == "female" else "men", lang)


def class_label(gender_class: str, lang: Lang) -> str:
    """A project class in a language."""
    es, en = CLASS_LABELS[gender_class]
    return es if lang == "es" else en


def add_budget_sheets(workbook: Workbook, published: Published, lang: Lang,
                      title: Callable[[str], str]) -> Sheets:
    """Add the budget sheets (none when the run has no budget); `title` makes a sheet name valid and unique."""
    budget = published.budget
    if budget is None:
        return []
    word = published.settings.word
    manifest = published.manifest
    x_note = word("budget_x_note", lang, min_cell=manifest.min_cell, min_cell_sensitive=manifest.min_cell_sensitive)
    sheets: Sheets = []
    for key, holds, build in (("budget_needs_sheet", "budget_needs_holds", _needs),
                              ("budget_costing_sheet", "budget_costing_holds", _costing),
                              ("budget_against_sheet", "budget_against_holds", _against),
                              ("budget_ranking_sheet", "budget_against_holds", _ranking),
                              ("budget_classes_sheet", "budget_projects_holds", _classes),
                              ("budget_projects_sheet", "budget_projects_holds", _projects)):
        ws = workbook.create_sheet(title(word(key, lang)))
        columns, rows, notes = build(published, budget, lang)
        write_table_sheet(ws, columns, rows, [*notes, x_note], wrap=(1,))
        sheets.append((ws.title, word(holds, lang)))
    return sheets


Built = tuple[list[Column], Sequence[Sequence[object]], list[str]]


def _area(published: Published, level: str, code: str, lang: Lang) -> list[object]:
    return [published.settings.level(level, lang), code, published.name(level, code) or code]


def _needs(published: Published, budget: PublishedBudget, lang: Lang) -> Built:
    word = published.settings.word
    columns = [Column(word("id_code", lang)), Column(word("need", lang)), Column(word("indicator", lang)),
               Column(word("need_unit", lang)), Column(word("breakdown_by", lang)), Column(word("level", lang)),
               Column(word("area_code", lang)), Column(word("area_name", lang)), Column(word("in_need", lang), "count"),
               Column(word("rate", lang), "percent"), Column(word("in_need_women", lang), "count"),
               Column(word("in_need_men", lang), "count"), Column(word("rate_women", lang), "percent"),
               Column(word("rate_men", lang), "percent"), Column(word("gap", lang), "percent"),
               Column(word("ratio", lang), RATIO)]
    rows = []
    for r in budget.tables.needs:
        need = budget.need(r.need_id)
        rows.append([r.need_id, need.label.text(lang), r.indicator_id, UNIT_LABELS[r.unit].text(lang),
                     word("by_sex" if r.basis == "sex" else "by_head_sex", lang),
                     *_area(published, r.area_level, r.area_code, lang),
                     figure(r.in_need, r.suppressed), figure(r.rate, r.suppressed),
                     figure(r.in_need_female, r.suppressed_female), figure(r.in_need_male, r.suppressed_male),
                     figure(r.rate_female, r.suppressed_female), figure(r.rate_male, r.suppressed_male),
                     figure(r.gap, r.suppressed_female or r.suppressed_male),
                     figure(r.ratio, r.suppressed_female or r.suppressed_male)])
    return columns, rows, [word("gap_note", lang), word("head_note", lang)]


def _costing(published: Published, budget: PublishedBudget, lang: Lang) -> Built:
    word = published.settings.word
    columns = [Column(word("id_code", lang)), Column(word("need", lang)), Column(word("level", lang)),
               Column(word("area_code", lang)), Column(word("area_name", lang)), Column(word("sex_of", lang)),
               Column(word("in_need", lang), "count"), Column(word("unit_cost", lang), SOLES),
               Column(word("cost_needed", lang), SOLES), Column(word("cost_source", lang)),
               Column(word("cost_year", lang))]
    rows = [[r.need_id, budget.need(r.need_id).label.text(lang), *_area(published, r.area_level, r.area_code, lang),
             sex_label(published, budget.need(r.need_id), r.sex, lang), figure(r.in_need, r.suppressed),
             r.unit_cost, figure(r.cost_needed, r.suppressed), r.cost_source, r.cost_year]
            for r in budget.tables.costing]
    return columns, rows, []


def _against(published: Published, budget: PublishedBudget, lang: Lang) -> Built:
    word = published.settings.word
    columns = [Column(word("id_code", lang)), Column(word("need", lang)), Column(word("level", lang)),
               Column(word("area_code", lang)), Column(word("area_name", lang)), Column(word("in_need", lang), "count"),
               Column(word("allocated", lang), SOLES), Column(word("per_unit", lang), SOLES),
               Column(word("need_share", lang), "percent"), Column(word("budget_share", lang), "percent"),
               Column(word("share_gap", lang), "percent"), Column(word("cost_needed", lang), SOLES),
               Column(word("cost_coverage", lang), "percent")]
    rows = [[r.need_id, budget.need(r.need_id).label.text(lang), *_area(published, r.area_level, r.area_code, lang),
             figure(r.in_need, r.suppressed), r.allocated, figure(r.allocated_per_unit, r.suppressed),
             figure(r.need_share, r.suppressed and r.area_level == "sector"), r.budget_share,
             figure(r.share_gap, r.suppressed and r.area_level == "sector"), figure(r.cost_needed, r.suppressed),
             figure(r.coverage, r.suppressed)]
            for r in budget.tables.comparison]
    return columns, rows, []


def _ranking(published: Published, budget: PublishedBudget, lang: Lang) -> Built:
    word = published.settings.word
    w = budget.tables.weights
    columns = [Column(word("rank", lang)), Column(word("area_code", lang)), Column(word("area_name", lang)),
               Column(word("severity", lang), "index"), Column(word("size", lang), "index"),
               Column(word("women_gap", lang), "index"), Column(word("need_score", lang), "index"),
               Column(word("score_share", lang), "percent"), Column(word("allocated", lang), SOLES),
               Column(word("budget_share", lang), "percent"), Column(word("unmet", lang), "percent"),
               Column(word("weight_severity", lang), "index"), Column(word("weight_size", lang), "index"),
               Column(word("weight_gap", lang), "index")]
    rows = [[r.rank, r.area_code, r.area_name, figure(r.severity, r.suppressed), figure(r.size, r.suppressed),
             figure(r.gap, r.suppressed), figure(r.need_score, r.suppressed), figure(r.need_share, r.suppressed),
             r.allocated, r.budget_share, figure(r.unmet, r.suppressed), r.weight_severity, r.weight_size,
             r.weight_gap] for r in budget.tables.ranking]
    weights = word("weights_line", lang, severity=f"{w.severity:g}", size=f"{w.size:g}", gap=f"{w.gap:g}")
    return columns, rows, [weights, word("ranking_note", lang)]


def _classes(published: Published, budget: PublishedBudget, lang: Lang) -> Built:
    word = published.settings.word
    columns = [Column(word("gender_class", lang)), Column(word("projects", lang), "count"),
               Column(word("amount", lang), SOLES), Column(word("share", lang), "percent")]
    rows = [[class_label(r.gender_class, lang), r.projects, r.amount, r.share] for r in budget.tables.classes]
    return columns, rows, []


def _projects(published: Published, budget: PublishedBudget, lang: Lang) -> Built:
    word = published.settings.word
    rules = budget.declarations.rules
    columns = [Column(word("project_code", lang)), Column(word("project", lang)), Column(word("year", lang)),
               Column(word("sectors_word", lang)), Column(word("amount", lang), SOLES), Column(word("status", lang)),
               Column(word("counted", lang)), Column(word("category", lang)), Column(word("target_group", lang)),
               Column(word("needs_addressed", lang)), Column(word("gender_class", lang)),
               Column(word("class_reason", lang))]
    rows = []
    for r in budget.tables.projects:
        status = rules.statuses.get(r.status)
        category = rules.categories.get(r.category or "")
        group = rules.target_groups.get(r.target_group or "")
        rows.append([r.code, r.name, r.year, word("whole_district", lang) if r.sectors == "distrito" else r.sectors,
                     r.amount, status.text(lang) if status else r.status,
                     word("word_yes" if r.counted else "word_no", lang), category.text(lang) if category else None,
                     group.label.text(lang) if group else r.target_group, r.needs,
                     class_label(r.gender_class, lang), _reason(published, budget, r.reason, lang)])
    return columns, rows, []


def _reason(published: Published, budget: PublishedBudget, reason: str, lang: Lang) -> str:
    word = published.settings.word
    kind, _, what = reason.partition(":")
    if kind == "target_group":
        group = budget.declarations.rules.target_groups.get(what)
        return word("reason_target", lang, group=group.label.text(lang) if group else what)
    if kind == "need_gap":
        names = ", ".join(budget.need(n).label.text(lang) for n in what.split(";") if n)
        return word("reason_gap", lang, needs=names)
    return ""

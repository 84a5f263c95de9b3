"""The budget tables summed up for the terminal in either language, from their publishable version (a protected
figure shows as `x`): the needs in the district, the budget against them, the ranking of sectors with its weights,
and the classes of the projects."""

from __future__ import annotations

from dataclasses import dataclass

from cbms.budget.classify import CLASS_LABELS
from cbms.budget.compute import BudgetTables
from cbms.budget.needs import UNIT_LABELS
from cbms.budget.publish import published
from cbms.errors import Lang


@dataclass(frozen=True, slots=True)
class Summary:
    """A small table: its title, headers and rows as text."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def _n(value: float | None, protected: bool, digits: int = 0) -> str:
    if value is None:
        return "x" if protected else "-"
    return f"{value:,.{digits}f}"


def summarise(tables: BudgetTables, lang: Lang) -> tuple[Summary, ...]:
    """The four summaries, in `lang` (needs by their id: their names are in needs.yaml)."""
    def say(es: str, en: str) -> str:
        return es if lang == "es" else en

    shown = published(tables)
    needs = [r for r in shown.needs if r.area_level == "district"]
    money = [r for r in shown.comparison if r.area_level == "district"]
    w = shown.weights
    return (
        Summary(say("Necesidades en el distrito (mujeres / hombres: jefatura del hogar en las de hogares)",
                    "Needs in the district (women / men: the head's sex for household needs)"),
                (say("necesidad", "need"), say("unidad", "unit"), say("en necesidad", "in need"),
                 say("tasa", "rate"), say("mujeres", "women"), say("hombres", "men"), say("brecha", "gap")),
                tuple((r.need_id, UNIT_LABELS[r.unit].text(lang), _n(r.in_need, r.suppressed),
                       _n(r.rate, r.suppressed, 1), _n(r.rate_female, r.suppressed_female, 1),
                       _n(r.rate_male, r.suppressed_male, 1),
                       _n(r.gap, r.suppressed_female or r.suppressed_male, 1)) for r in needs)),
        Summary(say("Presupuesto frente a necesidad, distrito (S/)", "Budget against need, district (S/)"),
                (say("necesidad", "need"), say("en necesidad", "in need"), say("costo necesario", "cost needed"),
                 say("asignado", "allocated"), say("por unidad", "per unit"), say("cobertura %", "coverage %")),
                tuple((r.need_id, _n(r.in_need, r.suppressed), _n(r.cost_needed, r.suppressed),
                       _n(r.allocated, False), _n(r.allocated_per_unit, r.suppressed),
                       _n(r.coverage, r.suppressed, 1)) for r in money)),
        Summary(say(f"Sectores por necesidad no atendida (pesos: severidad {w.severity:g}, tamaño {w.size:g}, "
                    f"brecha {w.gap:g})",
                    f"Sectors by unmet need (weights: severity {w.severity:g}, size {w.size:g}, gap {w.gap:g})"),
                ("#", "sector", say("necesidad %", "need %"), say("presupuesto %", "budget %"),
                 say("diferencia", "difference"), say("severidad", "severity"), say("tamaño", "size"),
                 say("brecha", "gap")),
                tuple((str(r.rank), f"{r.area_code} {r.area_name}".strip() if r.area_name != r.area_code
                       else r.area_code, _n(r.need_share, r.suppressed, 1), _n(r.budget_share, False, 1),
                       _n(r.unmet, r.suppressed, 1), _n(r.severity, r.suppressed, 2), _n(r.size, r.suppressed, 2),
                       _n(r.gap, r.suppressed, 2)) for r in shown.ranking)),
        Summary(say("Clasificación de los proyectos (presupuesto que cuenta)",
                    "Classification of the projects (the budget that counts)"),
                (say("clase", "class"), say("proyectos", "projects"), "S/", "%"),
                tuple((_label(r.gender_class, lang), str(r.projects), _n(r.amount, False), _n(r.share, False, 1))
                      for r in shown.classes)),
    )


def _label(gender_class: str, lang: Lang) -> str:
    es, en = CLASS_LABELS[gender_class]
    return es if lang == "es" else en


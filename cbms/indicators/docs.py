"""docs/indicators.md, generated from the declarations themselves: the catalogue in Spanish and English."""

from __future__ import annotations

from pathlib import Path

from cbms.errors import Lang
from cbms.indicators.catalogue import Catalogue
from cbms.project import SHIPPED

DOCS = SHIPPED.docs / "indicators.md"
UNITS = {"es": {"percent": "porcentaje", "mean": "promedio", "count": "conteo", "per_1000": "por 1\u00a0000",
                "index": "índice 0-1"},
         "en": {"percent": "percent", "mean": "mean", "count": "count", "per_1000": "per 1,000",
                "index": "index 0-1"}}
HEAD = {"es": ("Catálogo de indicadores", "dominio", "unidad", "valor", "universo", "numerador o medida",
               "desagregaciones", "preguntas", "sensible (umbral mayor)", "sí", "no", "mejora si"),
        "en": ("Indicator catalogue", "domain", "unit", "value", "universe", "numerator or measure",
               "breakdowns", "items", "sensitive (higher threshold)", "yes", "no", "better when")}
BETTER = {"es": {"lower": "baja", "higher": "sube", None: "neutral (ni mejora ni empeora)"},
          "en": {"lower": "lower", "higher": "higher", None: "neutral (neither better nor worse)"}}


def _section(catalogue: Catalogue, lang: Lang) -> list[str]:
    title, domain, unit, value, universe, numerator, breakdowns, items, sensitive, yes, no, better = HEAD[lang]
    lines = [f"## {title} ({'español' if lang == 'es' else 'English'})", ""]
    for i in catalogue.indicators:
        domain_label = catalogue.dimensions.domains.get(i.domain, {}).get(lang, i.domain)
        lines += [
            f"### {i.id} — {i.name(lang)}", "", i.definition(lang), "",
            f"- {domain}: {domain_label}; {unit}: `{i.unit}`; {value}: {UNITS[lang][i.value]}",
            f"- {universe}: `{i.universe}`",
            f"- {numerator}: `{i.numerator}`" + (f" / `{i.denominator}`" if i.denominator != "1" else ""),
            f"- {breakdowns}: {', '.join(i.breakdowns) or '—'}; {items}: {', '.join(i.items) or '—'}",
            f"- {sensitive}: {yes if i.sensitive else no}; {better}: {BETTER[lang][i.better]}",
            "",
        ]
    return lines


def render_docs(catalogue: Catalogue) -> str:
    """The whole catalogue, Spanish first, then English."""
    lines = ["# Indicadores / Indicators", "",
             "Generado desde `pipelines/indicators/*.yaml` por `make docs`; no editar a mano. / Generated from "
             "the declarations by `make docs`; do not edit by hand.", ""]
    lines += _section(catalogue, "es") + _section(catalogue, "en")
    return "\n".join(lines)


def write_docs(catalogue: Catalogue, target: Path = DOCS) -> Path:
    """Write docs/indicators.md."""
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_docs(catalogue), encoding="utf-8")
    return target

"""pipelines/budget/needs.yaml: each need the census measures — the indicator whose numerator counts who is in need,
the unit in need, an optional unit cost with its source and year, the budget categories that address it — checked
against the indicator catalogue and the categories of rules.yaml, every problem located by file and line."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from cbms.budget.declared import Label, YamlDoc, codes, mapping, number, open_yaml, texts
from cbms.errors import BUD_023, BUD_024, BUD_025, BUD_026, BUD_027, BUD_029, Notice
from cbms.indicators.catalogue import Indicator
from cbms.located import did_you_mean

KEYS = ("id", "name", "indicator", "unit", "unit_cost", "cost_source", "cost_year", "categories", "weight", "note")
REQUIRED = ("id", "name", "indicator", "unit")
COST_KEYS = ("unit_cost", "cost_source", "cost_year")
UNITS = ("households", "persons", "children", "hours")
UNIT_LABELS = {"households": Label("hogares", "households"), "persons": Label("personas", "persons"),
               "children": Label("niñas y niños", "children"), "hours": Label("horas", "hours")}
ID = re.compile(r"^[a-z][a-z0-9_]*$")
YEARS = (1990, 2100)


@dataclass(frozen=True, slots=True)
class Need:
    """One declared need."""

    id: str
    label: Label
    indicator: str
    unit: str  # households | persons | children | hours: what `in_need` counts
    basis: str  # the women / men breakdown of its cells: `sex` for persons, `head_sex` for households
    unit_cost: float | None = None  # soles per unit in need
    cost_source: str | None = None
    cost_year: int | None = None
    categories: tuple[str, ...] = ()  # budget categories whose projects address it
    weight: float = 1.0  # its weight among the needs in a sector's need score
    where: str = ""


def read_needs(path: Path, label: str, indicators: Mapping[str, Indicator], categories: Collection[str] | None,
               problems: list[Notice]) -> tuple[Need, ...]:
    """Read and check needs.yaml, adding every problem to `problems` (categories are not checked when None: the
    rules that declare them could not be read)."""
    doc = open_yaml(path, label, problems)
    if doc is None:
        return ()
    top = mapping(doc, doc.root, ("needs",), ("needs",), problems)
    if not top or "needs" not in top:
        return ()
    items = top["needs"]
    if not isinstance(items, yaml.SequenceNode):
        problems.append(Notice(BUD_027, {"where": doc.where(items), "key": "needs", "value": doc.value(items),
                                          "expected_es": "una lista de necesidades (- id: ...)",
                                          "expected_en": "a list of needs (- id: ...)"}))
        return ()
    needs: list[Need] = []
    seen: dict[str, str] = {}
    for item in items.value:
        need = _need(doc, item, indicators, categories, problems)
        if need is None:
            continue
        if need.id in seen:
            problems.append(Notice(BUD_024, {"where": need.where, "value": need.id, "other": seen[need.id]}))
            continue
        seen[need.id] = need.where
        needs.append(need)
    return tuple(needs)


def _need(doc: YamlDoc, node: yaml.Node, indicators: Mapping[str, Indicator], categories: Collection[str] | None,
          problems: list[Notice]) -> Need | None:
    fields = mapping(doc, node, KEYS, REQUIRED, problems)
    if fields is None or any(k not in fields for k in REQUIRED):
        return None
    before = len(problems)
    need_id = str(doc.value(fields["id"]))
    if not ID.match(need_id):
        problems.append(Notice(BUD_027, {"where": doc.where(fields["id"]), "key": "id", "value": need_id,
                                          "expected_es": "un código en minúsculas, cifras y '_' (p. ej. agua_red)",
                                          "expected_en": "a code of lower-case letters, digits and '_' (e.g. "
                                                         "piped_water)"}))
    name = texts(doc, fields["name"], "name", problems)
    indicator_id = str(doc.value(fields["indicator"]))
    indicator = indicators.get(indicator_id)
    if indicator is None:
        problems.append(Notice(BUD_023, {"where": doc.where(fields["indicator"]), "value": indicator_id,
                                          **did_you_mean(indicator_id, tuple(indicators))}))
    unit = str(doc.value(fields["unit"]))
    if unit not in UNITS:
        problems.append(Notice(BUD_025, {"where": doc.where(fields["unit"]), "key": "unit", "value": unit,
                                          "options": ", ".join(UNITS), **did_you_mean(unit, UNITS)}))
    basis = None
    if indicator is not None and unit in UNITS:
        basis, reason = _measures(indicator, unit)
        if reason is not None:
            problems.append(Notice(BUD_029, {"where": doc.where(fields["unit"]), "indicator": indicator.id,
                                              "unit": unit, "reason_es": reason[0], "reason_en": reason[1]}))
    cost = _cost(doc, node, fields, problems)
    found: tuple[str, ...] = ()
    if "categories" in fields and categories is not None:
        found = codes(doc, fields["categories"], "categories", tuple(categories), problems)
    weight = number(doc, fields["weight"], "weight", problems, positive=False) if "weight" in fields else 1.0
    if len(problems) > before or basis is None:
        return None
    return Need(id=need_id, label=name, indicator=indicator_id, unit=unit, basis=basis, unit_cost=cost[0],
                cost_source=cost[1], cost_year=cost[2], categories=found,
                weight=weight if weight is not None else 1.0, where=doc.where(node))


def _measures(indicator: Indicator, unit: str) -> tuple[str | None, tuple[str, str] | None]:
    """The women / men breakdown of a need's cells, or why the indicator cannot count its units in need."""
    if indicator.value == "index":
        return None, ("es un índice: su numerador no cuenta unidades en necesidad",
                      "it is an index: its numerator does not count units in need")
    if (indicator.value == "mean") != (unit == "hours"):
        return None, ("'hours' es para promedios de horas (p. ej. GEN_01), cuyo numerador suma horas; un porcentaje "
                      "o un conteo cuenta hogares o personas",
                      "'hours' is for means of hours (e.g. GEN_01), whose numerator adds up hours; a percentage or a "
                      "count counts households or persons")
    if (indicator.unit == "household") != (unit == "households"):
        return None, (f"el indicador cuenta unidades '{indicator.unit}': use 'households' solo para indicadores de "
                      "hogares",
                      f"the indicator counts '{indicator.unit}' units: use 'households' only for household indicators")
    basis = "head_sex" if indicator.unit == "household" else "sex"
    if basis not in indicator.breakdowns:
        basis = "head_sex" if "head_sex" in indicator.breakdowns else basis
    if basis not in indicator.breakdowns:
        return None, ("no se desagrega por sexo ni por sexo de la jefatura: no hay mujeres y hombres que comparar",
                      "it is broken down neither by sex nor by the head's sex: there are no women and men to compare")
    return basis, None


def _cost(doc: YamlDoc, node: yaml.Node, fields: Mapping[str, yaml.Node],
          problems: list[Notice]) -> tuple[float | None, str | None, int | None]:
    """The unit cost with its source and year: all three or none."""
    present = [k for k in COST_KEYS if k in fields]
    if not present:
        return None, None, None
    for key in COST_KEYS:
        if key not in fields:
            problems.append(Notice(BUD_026, {"where": doc.where(node), "key": key}))
    cost = number(doc, fields["unit_cost"], "unit_cost", problems) if "unit_cost" in fields else None
    source = str(doc.value(fields["cost_source"]) or "").strip() if "cost_source" in fields else ""
    if "cost_source" in fields and not source:
        problems.append(Notice(BUD_026, {"where": doc.where(fields["cost_source"]), "key": "cost_source"}))
    year = doc.value(fields["cost_year"]) if "cost_year" in fields else None
    if "cost_year" in fields and not (isinstance(year, int) and not isinstance(year, bool)
                                      and YEARS[0] <= year <= YEARS[1]):
        problems.append(Notice(BUD_027, {"where": doc.where(fields["cost_year"]), "key": "cost_year", "value": year,
                                          "expected_es": f"un año de {YEARS[0]} a {YEARS[1]}",
                                          "expected_en": f"a year from {YEARS[0]} to {YEARS[1]}"}))
        year = None
    return cost, source or None, year if isinstance(year, int) else None

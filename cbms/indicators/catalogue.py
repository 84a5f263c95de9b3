"""Load the indicator declarations (pipelines/indicators/*.yaml, dimensions.yaml, units/) and check the whole
catalogue at once: unknown keys with a "did you mean", duplicate ids, items missing from the form, person-level
indicators without `sex`, unknown units, values, breakdowns and domains, and SQL that does not run."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from cbms.errors import (
    IND_001,
    IND_002,
    IND_003,
    IND_004,
    IND_005,
    IND_006,
    IND_008,
    IND_009,
    IND_010,
    IND_011,
    CbmsError,
    Lang,
    Notice,
)
from cbms.form.spec import FormSpec
from cbms.located import bilingual, did_you_mean, read_declaration, shown_name, unknown_keys
from cbms.project import SHIPPED

PIPELINES = SHIPPED.pipelines
VALUES = ("percent", "mean", "count", "per_1000", "index")
KEYS = ("id", "domain", "name", "definition", "unit", "value", "universe", "known", "numerator", "denominator",
        "breakdowns", "sensitive", "items", "needs", "order", "map", "better")
REQUIRED = ("id", "domain", "name", "definition", "unit", "value", "items")
PARAMS = ("quintile1",)
BETTER = ("lower", "higher", "none")  # which way an indicator improves; none (or not declared): neutral


@dataclass(frozen=True, slots=True)
class Indicator:
    """One declared indicator."""

    id: str
    domain: str
    name_es: str
    name_en: str
    definition_es: str
    definition_en: str
    unit: str  # a unit view: household, person, death, under5, visit
    value: str  # percent | mean | count | per_1000 | index
    universe: str = "TRUE"
    known: str | None = None  # default: every item in `items` is not NULL
    numerator: str = "1"
    denominator: str = "1"
    breakdowns: tuple[str, ...] = ()
    sensitive: bool = False
    items: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()  # manifest parameters without which the indicator is not computed
    order: int = 0
    map: bool = False
    better: str | None = None  # lower | higher; None for a neutral indicator (never called better or worse)
    where: str = ""

    def name(self, lang: Lang) -> str:
        """The name in a language."""
        return self.name_es if lang == "es" else self.name_en

    def definition(self, lang: Lang) -> str:
        """The definition in a language."""
        return self.definition_es if lang == "es" else self.definition_en

    @property
    def pair(self) -> str | None:
        """The women-men breakdown the outputs show: `sex` for persons, else `head_sex` for households."""
        return next((b for b in ("sex", "head_sex") if b in self.breakdowns), None)

    @property
    def known_sql(self) -> str:
        """When a unit's items are known (it then counts in n, else in n_missing)."""
        if self.known:
            return self.known
        return " AND ".join(f'"{i}" IS NOT NULL' for i in self.items) or "TRUE"


@dataclass(frozen=True, slots=True)
class Dimensions:
    """Area levels, breakdowns with their values and labels, crossed breakdowns, domains."""

    area_levels: Mapping[str, Mapping[str, str]]
    breakdowns: Mapping[str, Mapping[str, Any]]
    crossed: tuple[tuple[str, ...], ...]
    domains: Mapping[str, Mapping[str, str]]


@dataclass(frozen=True, slots=True)
class Catalogue:
    """The checked catalogue: indicators in order, dimensions, unit views (name -> SQL template)."""

    indicators: tuple[Indicator, ...]
    dimensions: Dimensions
    units: Mapping[str, str]
    folder: Path = PIPELINES

    def get(self, indicator_id: str) -> Indicator:
        """An indicator by id."""
        return next(i for i in self.indicators if i.id == indicator_id)


def load_dimensions(folder: Path = PIPELINES) -> Dimensions:
    """pipelines/dimensions.yaml."""
    data = yaml.safe_load((folder / "dimensions.yaml").read_text(encoding="utf-8"))
    return Dimensions(area_levels=data["area_levels"], breakdowns=data["breakdowns"],
                      crossed=tuple(tuple(c) for c in data.get("crossed", [])), domains=data["domains"])


def load_units(folder: Path = PIPELINES) -> dict[str, str]:
    """The unit views in creation order: name -> SQL template."""
    units = yaml.safe_load((folder / "units" / "units.yaml").read_text(encoding="utf-8"))["units"]
    return {name: (folder / "units" / file).read_text(encoding="utf-8") for name, file in units.items()}


def _better(value: object) -> str | None:
    return None if value is None or str(value) == "none" else str(value)


def _load_one(path: Path, folder: Path, form: FormSpec | None, dims: Dimensions, units: Mapping[str, str],
              problems: list[Notice]) -> Indicator | None:
    declaration = read_declaration(path, shown_name(path, folder), IND_009, problems)
    if declaration is None:
        return None
    data, where = declaration.data, declaration.where
    before = len(problems)
    unknown_keys(declaration, data, KEYS, IND_001, problems)
    for key in REQUIRED:
        if key not in data:
            problems.append(Notice(IND_002, {"where": where(), "key": key}))
    if len(problems) > before:
        return None
    if str(data["id"]) != path.stem:
        problems.append(Notice(IND_008, {"where": where("id"), "file": path.name, "id": data["id"]}))
    choices = {"unit": tuple(units), "value": VALUES, "domain": tuple(dims.domains),
               **({"better": BETTER} if "better" in data else {})}
    for key, options in choices.items():
        if str(data[key]) not in options:
            problems.append(Notice(IND_006, {"where": where(key), "key": key, "value": data[key],
                                              "options": ", ".join(options), **did_you_mean(str(data[key]), options)}))
    breakdowns = tuple(str(b) for b in data.get("breakdowns", []) or [])
    for b in breakdowns:
        if b not in dims.breakdowns:
            problems.append(Notice(IND_006, {"where": where("breakdowns"), "key": "breakdowns", "value": b,
                                              "options": ", ".join(dims.breakdowns),
                                              **did_you_mean(b, tuple(dims.breakdowns))}))
    if data["unit"] == "person" and "sex" not in breakdowns:
        problems.append(Notice(IND_005, {"where": where("breakdowns")}))
    items = tuple(str(i) for i in data.get("items", []) or [])
    if form is not None:
        names = tuple(q.name for q in form.questions)
        for item in items:
            if item not in names:
                problems.append(Notice(IND_004, {"where": where("items"), "item": item, "form": form.form_id,
                                                  **did_you_mean(item, names)}))
    for need in data.get("needs", []) or []:
        if need not in PARAMS:
            problems.append(Notice(IND_006, {"where": where("needs"), "key": "needs", "value": need,
                                              "options": ", ".join(PARAMS), **did_you_mean(str(need), PARAMS)}))
    name_es, name_en = bilingual(data["name"], "name", where("name"), problems, IND_011)
    def_es, def_en = bilingual(data["definition"], "definition", where("definition"), problems, IND_011)
    return Indicator(
        id=str(data["id"]), domain=str(data["domain"]), name_es=name_es, name_en=name_en, definition_es=def_es,
        definition_en=def_en, unit=str(data["unit"]), value=str(data["value"]),
        universe=str(data.get("universe", "TRUE")), known=data.get("known"),
        numerator=str(data.get("numerator", "1")), denominator=str(data.get("denominator", "1")),
        breakdowns=breakdowns, sensitive=bool(data.get("sensitive", False)), items=items,
        needs=tuple(str(n) for n in data.get("needs", []) or []), order=int(data.get("order", 0)),
        map=bool(data.get("map", False)), better=_better(data.get("better")),
        where=where())


def load_catalogue(form: FormSpec | None = None, folder: Path = PIPELINES) -> Catalogue:
    """Read every declaration and check them all; raise one CbmsError listing every problem."""
    from cbms.indicators.compile import check_sql

    problems: list[Notice] = []
    dims = load_dimensions(folder)
    units = load_units(folder)
    indicators: list[Indicator] = []
    seen: dict[str, str] = {}
    for path in sorted((folder / "indicators").glob("*.yaml")):
        indicator = _load_one(path, folder, form, dims, units, problems)
        if indicator is None:
            continue
        if indicator.id in seen:
            problems.append(Notice(IND_003, {"where": indicator.where, "id": indicator.id,
                                              "other": seen[indicator.id]}))
            continue
        seen[indicator.id] = indicator.where
        indicators.append(indicator)
    catalogue = Catalogue(tuple(sorted(indicators, key=lambda i: (i.order, i.id))), dims, units, folder)
    if form is not None and not problems:
        problems += check_sql(catalogue, form)
    if problems:
        raise CbmsError(IND_010, path=folder, count=len(problems)).with_problems(tuple(problems))
    return catalogue

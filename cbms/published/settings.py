"""Load the analysts' output settings (reports/*.yaml and pipelines/dimensions.yaml) into one checked, frozen object:
the words of every published output, how each indicator reads, and the layouts."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from cbms.config import ROOT
from cbms.errors import REP_001, REP_002, CbmsError, Lang, Said

REPORTS = ROOT / "reports"
PIPELINES = ROOT / "pipelines"
Direction = Literal["bad", "good", "neutral"]
DIRECTIONS: tuple[Direction, ...] = ("bad", "good", "neutral")
HEX = re.compile(r"^#?[0-9A-Fa-f]{6}$")


@dataclass(frozen=True, slots=True)
class Reading:
    """How the reports read one indicator: which way is worse, and what a mean counts."""

    higher_is: Direction = "neutral"
    measure: str | None = None


@dataclass(frozen=True, slots=True)
class GapSize:
    """A gap size: in points (percent, per 1,000) or as a share of the men's value (other units)."""

    points: float
    relative: float


@dataclass(frozen=True, slots=True)
class WorkbookLayout:
    """reports/workbook.yaml."""

    colours: Mapping[str, str]
    widths: Mapping[str, float]
    font_size: float


@dataclass(frozen=True, slots=True)
class ProfileLayout:
    """reports/profile.yaml."""

    colours: Mapping[str, str]
    hatch: Mapping[str, str]
    map_indicator: str
    key_figures: tuple[str, ...]
    top_gaps: int
    chart_min_bars: int
    chart_skip: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ChangeLayout:
    """reports/change.yaml: how the outputs show the change since the earlier round."""

    largest: int = 5
    maps: tuple[str, ...] = ()
    colours: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Dimensions:
    """The labels of pipelines/dimensions.yaml the outputs use: domains, breakdowns and area levels."""

    domains: Mapping[str, Mapping[str, str]]
    breakdowns: Mapping[str, Mapping[str, Any]]
    area_levels: Mapping[str, Mapping[str, str]]


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the reports need to know besides the data."""

    folder: Path
    readings: Mapping[str, Reading]
    noticeable: GapSize
    large: GapSize
    labels: Mapping[str, Mapping[str, str]]
    measures: Mapping[str, Mapping[str, str]]
    dimensions: Dimensions
    workbook: WorkbookLayout
    profile: ProfileLayout
    change: ChangeLayout = field(default_factory=ChangeLayout)

    def word(self, key: str, lang: Lang, **fields: object) -> str:
        """A label in `lang`, its {fields} filled."""
        text = self.labels[key][lang]
        return text.format(**fields) if fields else text

    def reading(self, indicator_id: str) -> Reading:
        """How to read an indicator (neutral when reports/indicators.yaml does not name it)."""
        return self.readings.get(indicator_id, Reading())

    def domain(self, domain: str, lang: Lang) -> str:
        """A domain's label (its code when dimensions.yaml lacks it)."""
        return str(self.dimensions.domains.get(domain, {}).get(lang, domain))

    def breakdown(self, breakdown: str, lang: Lang) -> str:
        """A breakdown's label (Sexo, Grupo de edad...)."""
        return str(self.dimensions.breakdowns.get(breakdown, {}).get("label", {}).get(lang, breakdown))

    def level(self, level: str, lang: Lang) -> str:
        """An area level's label (Sector, Grupo residencial...; its code when dimensions.yaml lacks it)."""
        return str(self.dimensions.area_levels.get(level, {}).get(lang, level))

    def choice(self, breakdown: str, value: str, lang: Lang) -> str:
        """A breakdown value's label (Mujeres, 0 a 5 años...; the value itself when dimensions.yaml lacks it)."""
        values = self.dimensions.breakdowns.get(breakdown, {}).get("values", {})
        return str(values.get(value, {}).get(lang, value))

    def unit(self, indicator_id: str, value_unit: str, lang: Lang) -> str:
        """The unit shown beside a value: %, hours, soles, per 1,000, index..."""
        measure = self.measure(self.reading(indicator_id).measure, lang)
        if measure and value_unit in ("mean", "count"):
            return measure
        return self.word(f"unit_{value_unit}", lang)

    def measure(self, measure: str | None, lang: Lang) -> str | None:
        """The word for what a mean counts (hours, soles...), if declared."""
        return self.measures[measure][lang] if measure else None


def _read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise CbmsError(REP_001, path=path, reason=Said("no existe", "not found")) from exc
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise CbmsError(REP_001, path=path, reason=" ".join(str(exc).split())) from exc
    if not isinstance(data, dict):
        raise CbmsError(REP_002, path=path, key="(file)", found=type(data).__name__,
                        expected_es="un mapeo clave: valor", expected_en="a key: value mapping")
    return data


def _bad(path: Path, key: str, found: object, es: str, en: str) -> CbmsError:
    return CbmsError(REP_002, path=path, key=key, found=found, expected_es=es, expected_en=en)


def _number(path: Path, key: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise _bad(path, key, value, "un número >= 0", "a number >= 0")
    return float(value)


def _texts(path: Path, key: str, value: object) -> dict[str, str]:
    if not isinstance(value, dict) or set(value) != {"es", "en"} or not all(
            isinstance(value[lang], str) and value[lang] for lang in ("es", "en")):
        raise _bad(path, key, value, "{es: texto, en: text}", "{es: texto, en: text}")
    return {"es": value["es"], "en": value["en"]}


def _colour(path: Path, key: str, value: object) -> str:
    if not isinstance(value, str) or not HEX.match(value):
        raise _bad(path, key, value, "un color RGB hexadecimal como '#5E3C99'", "an RGB hex colour such as '#5E3C99'")
    return value.lstrip("#").upper()


def _table(path: Path, data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    if not isinstance(value, dict):
        raise _bad(path, key, value, "una tabla clave: valor", "a key: value table")
    return value


def _readings(path: Path, data: dict[str, Any], measures: Mapping[str, object]) -> dict[str, Reading]:
    readings = {}
    for indicator_id, entry in _table(path, data, "indicators").items():
        where = f"indicators.{indicator_id}"
        if not isinstance(entry, dict) or set(entry) - {"higher_is", "measure"}:
            raise _bad(path, where, entry, "{higher_is: bad|good|neutral, measure: ...}",
                       "{higher_is: bad|good|neutral, measure: ...}")
        direction = entry.get("higher_is")
        if direction not in DIRECTIONS:
            raise _bad(path, f"{where}.higher_is", direction, "bad, good o neutral", "bad, good or neutral")
        measure = entry.get("measure")
        if measure is not None and measure not in measures:
            raise _bad(path, f"{where}.measure", measure, f"una de {sorted(measures)} (labels.yaml, measures)",
                       f"one of {sorted(measures)} (labels.yaml, measures)")
        readings[str(indicator_id)] = Reading(direction, measure)
    return readings


def _gap(path: Path, data: dict[str, Any], key: str) -> GapSize:
    size = _table(path, _table(path, data, "gaps"), key)
    return GapSize(_number(path, f"gaps.{key}.points", size.get("points")),
                   _number(path, f"gaps.{key}.relative", size.get("relative")))


def _workbook(path: Path) -> WorkbookLayout:
    data = _read(path)
    colours = {k: _colour(path, f"colours.{k}", v) for k, v in _table(path, data, "colours").items()}
    for key in ("header", "total", "behind", "far_behind"):
        if key not in colours:
            raise _bad(path, f"colours.{key}", None, "un color", "a colour")
    widths = {k: _number(path, f"widths.{k}", v) for k, v in _table(path, data, "widths").items()}
    for key in ("indicator", "unit", "group", "area_min", "area_max"):
        if key not in widths:
            raise _bad(path, f"widths.{key}", None, "un ancho en caracteres", "a width in characters")
    return WorkbookLayout(colours, widths, _number(path, "font_size", data.get("font_size", 10)))


def _count(path: Path, key: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _bad(path, key, value, "un número entero >= 1", "a whole number >= 1")
    return value


def _profile(path: Path) -> ProfileLayout:
    data = _read(path)
    colours = {k: "#" + _colour(path, f"colours.{k}", v) for k, v in _table(path, data, "colours").items()}
    for key in ("women", "men", "highlight", "area", "edge", "text"):
        if key not in colours:
            raise _bad(path, f"colours.{key}", None, "un color", "a colour")
    hatch = _table(path, data, "hatch")
    figures = data.get("key_figures")
    if not isinstance(figures, list) or not all(isinstance(f, str) for f in figures):
        raise _bad(path, "key_figures", figures, "una lista de códigos de indicador", "a list of indicator codes")
    skip = data.get("chart_skip", [])
    if not isinstance(skip, list) or not all(isinstance(f, str) for f in skip):
        raise _bad(path, "chart_skip", skip, "una lista de códigos de indicador", "a list of indicator codes")
    indicator = data.get("map_indicator")
    if not isinstance(indicator, str):
        raise _bad(path, "map_indicator", indicator, "un código de indicador", "an indicator code")
    return ProfileLayout(
        colours=colours, hatch={"women": str(hatch.get("women") or ""), "men": str(hatch.get("men") or "")},
        map_indicator=indicator,
        key_figures=tuple(figures), top_gaps=_count(path, "top_gaps", data.get("top_gaps")),
        chart_min_bars=_count(path, "chart_min_bars", data.get("chart_min_bars", 2)), chart_skip=tuple(skip))


def _change(path: Path) -> ChangeLayout:
    data = _read(path)
    colours = _table(path, data, "colours")
    for key in ("improved", "worsened", "earlier", "later"):
        if key not in colours:
            raise _bad(path, f"colours.{key}", None, "un color", "a colour")
    maps = data.get("maps")
    if not isinstance(maps, list) or not all(isinstance(m, str) for m in maps):
        raise _bad(path, "maps", maps, "una lista de códigos de indicador", "a list of indicator codes")
    return ChangeLayout(largest=_count(path, "largest", data.get("largest")), maps=tuple(maps),
                        colours={k: _colour(path, f"colours.{k}", v) for k, v in colours.items()})


def _dimensions(path: Path) -> Dimensions:
    data = _read(path)
    return Dimensions(domains=_table(path, data, "domains"), breakdowns=_table(path, data, "breakdowns"),
                      area_levels=_table(path, data, "area_levels"))


def load_settings(folder: Path = REPORTS, pipelines: Path = PIPELINES) -> Settings:
    """Read and check reports/indicators.yaml, labels.yaml, workbook.yaml, profile.yaml and change.yaml."""
    labels_path = folder / "labels.yaml"
    raw_labels = _read(labels_path)
    measures = {str(k): _texts(labels_path, f"measures.{k}", v)
                for k, v in _table(labels_path, raw_labels, "measures").items()}
    labels = {str(k): _texts(labels_path, str(k), v) for k, v in raw_labels.items() if k != "measures"}
    indicators_path = folder / "indicators.yaml"
    data = _read(indicators_path)
    return Settings(
        folder=folder, readings=_readings(indicators_path, data, measures),
        noticeable=_gap(indicators_path, data, "noticeable"), large=_gap(indicators_path, data, "large"),
        labels=labels, measures=measures, dimensions=_dimensions(pipelines / "dimensions.yaml"),
        workbook=_workbook(folder / "workbook.yaml"), profile=_profile(folder / "profile.yaml"),
        change=_change(folder / "change.yaml"))

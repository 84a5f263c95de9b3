"""The run manifest (one TOML per survey round) read into a frozen, typed object; every value has a default
or a clear error, unknown keys get a "did you mean", and relative paths are relative to the manifest."""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from cbms.errors import MAN_001, MAN_002, MAN_003, MAN_004, MAN_005, MAN_006, MAN_007, CbmsError

ROOT = Path(__file__).resolve().parents[1]
DEMO_MANIFEST = ROOT / "pipelines" / "ves_demo.toml"


@dataclass(frozen=True, slots=True)
class PovertyLines:
    """Monetary poverty lines, soles per person per month, with where they come from."""

    z_total: float
    z_extreme: float
    year: int
    source: str
    quintile1: float | None = None  # national first-quintile per-capita income threshold (PePI), if known


@dataclass(frozen=True, slots=True)
class BudgetSource:
    """The round's budget as the municipality keeps it (CSV or a workbook), and its column names where they are
    not the default ones (budget field -> the file's header)."""

    file: Path
    sheet: str | None = None  # a workbook's sheet; None for the first
    columns: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Manifest:
    """Everything a round's run needs to know besides the data."""

    path: Path
    round_id: str
    round_name: str
    ubigeo: str
    district: str
    period: tuple[str, str] | None
    area_type: str  # urban | rural (PePI criterion 1)
    form: Path
    form_versions: tuple[Path, ...]  # earlier versions' forms (XLSForm or KoBo asset), to judge their submissions
    geography: Path | None
    boundaries: dict[str, Path]  # area level -> GeoJSON
    code_property: str
    poverty: PovertyLines
    min_cell: int = 5
    min_cell_sensitive: int = 10
    weight: str | None = None  # household weight column (sample rounds); None for a census
    max_unknown_percent: float = 20.0  # an indicator with more of its district universe unknown is warned about
    lang: str = "es"
    formats: tuple[str, ...] = ("xlsx", "pdf", "maps")
    db: Path = field(default=ROOT / "data" / "cbms.duckdb")
    budget: BudgetSource | None = None  # the budget set against the needs (cbms budget), when the round has one


SCHEMA: dict[str, dict[str, type | tuple[type, ...]]] = {
    "round": {"id": str, "name": str, "ubigeo": str, "district": str, "period": list, "area_type": str},
    "form": {"path": str, "versions": list},
    "geography": {"table": str, "sectors": str, "grupos": str, "code_property": str},
    "poverty_lines": {"z_total": (int, float), "z_extreme": (int, float), "year": int, "source": str,
                      "quintile1": (int, float)},
    "suppression": {"min_cell": int, "min_cell_sensitive": int},
    "quality": {"max_unknown_percent": (int, float)},
    "weights": {"column": str},
    "outputs": {"lang": str, "formats": list, "db": str},
    "budget": {"file": str, "sheet": str, "columns": dict},
}
WORDS = {str: ("un texto", "a text"), int: ("un número entero", "a whole number"),
         list: ("una lista", "a list"), (int, float): ("un número", "a number"),
         dict: ("una tabla [sección.clave]", "a [section.key] table")}


def _hint(key: str, allowed: list[str]) -> dict[str, str]:
    close = difflib.get_close_matches(key, allowed, n=1)
    return {"hint_es": f" (¿quiso decir '{close[0]}'?)" if close else "",
            "hint_en": f" (did you mean '{close[0]}'?)" if close else ""}


def _check(path: Path, data: dict[str, Any]) -> None:
    for section, values in data.items():
        if section not in SCHEMA:
            raise CbmsError(MAN_003, path=path, key=section, **_hint(section, list(SCHEMA)))
        if not isinstance(values, dict):
            raise CbmsError(MAN_004, path=path, key=section, found=values, expected_es="una tabla [sección]",
                            expected_en="a [section] table")
        for key, value in values.items():
            kinds = SCHEMA[section]
            if key not in kinds:
                raise CbmsError(MAN_003, path=path, key=f"{section}.{key}", **_hint(key, list(kinds)))
            kind = kinds[key]
            if not isinstance(value, kind) or isinstance(value, bool):
                es, en = WORDS.get(kind, ("otro tipo", "another type"))
                raise CbmsError(MAN_004, path=path, key=f"{section}.{key}", found=value, expected_es=es,
                                expected_en=en)


def _file(path: Path, key: str, value: str | None, must_exist: bool = True) -> Path | None:
    if not value:
        return None
    resolved = (path.parent / value).resolve()
    if must_exist and not resolved.exists():
        raise CbmsError(MAN_006, path=path, key=key, file=value)
    return resolved


def _line(path: Path, lines: dict[str, Any], key: str) -> float:
    value = lines.get(key)
    if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
        raise CbmsError(MAN_005, path=path, key=f"poverty_lines.{key}", found=value)
    return float(value)


def _period(path: Path, period: Any) -> tuple[str, str] | None:
    """The round's field period: two ISO dates, the first not after the second."""
    if period is None:
        return None
    try:
        start, end = (p if isinstance(p, date) else date.fromisoformat(p) for p in period)
        if start > end or len(period) != 2:
            raise ValueError(period)
    except (TypeError, ValueError) as exc:
        raise CbmsError(MAN_004, path=path, key="round.period", found=period,
                        expected_es="dos fechas AAAA-MM-DD, la primera no posterior a la segunda",
                        expected_en="two YYYY-MM-DD dates, the first not after the second") from exc
    return start.isoformat(), end.isoformat()


def _budget(path: Path, budget: dict[str, Any]) -> BudgetSource | None:
    """The [budget] section: the file (beside the manifest), its sheet, its column names."""
    if not budget.get("file"):
        return None
    columns = budget.get("columns", {})
    for key, header in columns.items():
        if not isinstance(header, str) or not header.strip():
            raise CbmsError(MAN_004, path=path, key=f"budget.columns.{key}", found=header,
                            expected_es="el nombre de una columna del archivo", expected_en="a column name of the file")
    return BudgetSource(file=_file(path, "budget.file", budget["file"]) or Path(budget["file"]),
                        sheet=budget.get("sheet") or None, columns=dict(columns))


def load_manifest(path: Path | str = DEMO_MANIFEST) -> Manifest:
    """Read and check a run manifest."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise CbmsError(MAN_001, path=path) from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CbmsError(MAN_002, path=path, reason=str(exc)) from exc
    _check(path, data)
    rnd, geo, out = data.get("round", {}), data.get("geography", {}), data.get("outputs", {})
    lines = data.get("poverty_lines")
    if not lines or "z_total" not in lines or "z_extreme" not in lines:
        raise CbmsError(MAN_007, path=path)
    period = _period(path, rnd.get("period"))
    area_type = rnd.get("area_type", "urban")
    if area_type not in ("urban", "rural"):
        raise CbmsError(MAN_004, path=path, key="round.area_type", found=area_type,
                        expected_es="'urban' o 'rural'", expected_en="'urban' or 'rural'")
    lang = out.get("lang", "es")
    if lang not in ("es", "en"):
        raise CbmsError(MAN_004, path=path, key="outputs.lang", found=lang, expected_es="'es' o 'en'",
                        expected_en="'es' or 'en'")
    suppression = data.get("suppression", {})
    boundaries = {level: p for level in ("sector", "grupo")
                  if (p := _file(path, f"geography.{level}s", geo.get(f"{level}s"))) is not None}
    form = _file(path, "form.path", data.get("form", {}).get("path", str(ROOT / "forms" / "cbms_grb_hogar.xlsx")))
    versions = data.get("form", {}).get("versions", [])
    if not all(isinstance(v, str) for v in versions):
        raise CbmsError(MAN_004, path=path, key="form.versions", found=versions,
                        expected_es="una lista de rutas de formularios", expected_en="a list of form paths")
    unknown = data.get("quality", {}).get("max_unknown_percent", 20.0)
    if not 0 <= unknown <= 100:
        raise CbmsError(MAN_004, path=path, key="quality.max_unknown_percent", found=unknown,
                        expected_es="un porcentaje de 0 a 100", expected_en="a percentage from 0 to 100")
    return Manifest(
        path=path.resolve(), round_id=rnd.get("id", path.stem), round_name=rnd.get("name", path.stem),
        ubigeo=rnd.get("ubigeo", "150142"), district=rnd.get("district", ""),
        period=period, area_type=area_type,
        form=form or ROOT / "forms" / "cbms_grb_hogar.xlsx",
        form_versions=tuple(p for i, v in enumerate(versions)
                            if (p := _file(path, f"form.versions[{i}]", v)) is not None),
        geography=_file(path, "geography.table", geo.get("table")), boundaries=boundaries,
        code_property=geo.get("code_property", "code"),
        poverty=PovertyLines(
            z_total=_line(path, lines, "z_total"), z_extreme=_line(path, lines, "z_extreme"),
            year=int(lines.get("year", 0)), source=str(lines.get("source", "")),
            quintile1=_line(path, lines, "quintile1") if "quintile1" in lines else None),
        min_cell=int(suppression.get("min_cell", 5)),
        min_cell_sensitive=int(suppression.get("min_cell_sensitive", 10)),
        max_unknown_percent=float(unknown),
        weight=data.get("weights", {}).get("column") or None, lang=lang,
        formats=tuple(out.get("formats", ("xlsx", "pdf", "maps"))),
        db=_file(path, "outputs.db", out.get("db"), must_exist=False) or ROOT / "data" / "cbms.duckdb",
        budget=_budget(path, data.get("budget", {})))

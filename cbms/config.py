"""The run manifest (one TOML per survey round) read into a frozen, typed object; every value has a default
or a clear error, every problem is listed at once with its line and a "did you mean", and relative paths are
relative to the manifest."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from cbms.errors import (
    MAN_001,
    MAN_002,
    MAN_003,
    MAN_004,
    MAN_005,
    MAN_006,
    MAN_007,
    MAN_008,
    CbmsError,
    Detail,
    Notice,
)
from cbms.located import did_you_mean
from cbms.project import SHIPPED, Project

ROOT = SHIPPED.root
DEMO_MANIFEST = SHIPPED.pipelines / "ves_demo.toml"
# the demo's rounds (cbms/demo/rounds.py)
DEMO_MANIFESTS = {1: DEMO_MANIFEST, 2: SHIPPED.pipelines / "ves_demo_2027.toml"}


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
    project: Project = SHIPPED  # the analysts' folders: the shipped ones unless [project] names the round's own
    budget: BudgetSource | None = None  # the budget set against the needs (cbms budget), when the round has one
    previous_round: str | None = None  # the round the change tables compare this one with
    crosswalks: tuple[Path, ...] = ()  # pipelines/rounds/*.yaml: renamed questions, recoded codes, moved areas


SCHEMA: dict[str, dict[str, type | tuple[type, ...]]] = {
    "round": {"id": str, "name": str, "ubigeo": str, "district": str, "period": list, "area_type": str},
    "project": {"forms": str, "schemas": str, "pipelines": str, "reports": str},
    "form": {"path": str, "versions": list},
    "geography": {"table": str, "sectors": str, "grupos": str, "code_property": str},
    "poverty_lines": {"z_total": (int, float), "z_extreme": (int, float), "year": int, "source": str,
                      "quintile1": (int, float)},
    "suppression": {"min_cell": int, "min_cell_sensitive": int},
    "quality": {"max_unknown_percent": (int, float)},
    "weights": {"column": str},
    "outputs": {"lang": str, "formats": list, "db": str},
    "budget": {"file": str, "sheet": str, "columns": dict},
    "rounds": {"previous": str, "crosswalks": list},
}
WORDS = {str: ("un texto", "a text"), int: ("un número entero", "a whole number"),
         list: ("una lista", "a list"), (int, float): ("un número", "a number"),
         dict: ("una tabla [sección.clave]", "a [section.key] table")}
_TABLE = re.compile(r"^\s*\[\s*([A-Za-z0-9_.\-]+)\s*\]")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+)\s*=")


class _Reader:
    """Collects the manifest's problems, each located at the line of its key (tomllib gives values, not lines:
    the lines are found by reading the file's table headers and `key =` lines)."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.problems: list[Notice] = []
        self.lines: dict[str, int] = {}
        section = ""
        for number, line in enumerate(text.splitlines(), start=1):
            if table := _TABLE.match(line):
                section = table.group(1)
                self.lines.setdefault(section, number)
            elif key := _KEY.match(line):
                self.lines.setdefault(f"{section}.{key.group(1)}" if section else key.group(1), number)

    def where(self, key: str) -> str:
        """`file:line` of a key (of its section when the key is not written, of the file when neither is)."""
        bare = re.sub(r"\[\d+\]$", "", key)  # form.versions[0] is written on the line of form.versions
        line = self.lines.get(bare) or self.lines.get(bare.split(".")[0])
        return f"{self.path}:{line}" if line else str(self.path)

    def say(self, detail: Detail, key: str, **context: object) -> None:
        self.problems.append(Notice(detail, {"path": self.where(key), "key": key, **context}))


def _check(data: dict[str, Any], reader: _Reader) -> dict[str, dict[str, Any]]:
    """The known sections and keys of well-typed values; everything else said (and left to its default)."""
    kept: dict[str, dict[str, Any]] = {}
    for section, values in data.items():
        if section not in SCHEMA:
            reader.say(MAN_003, section, **did_you_mean(section, list(SCHEMA)))
            continue
        if not isinstance(values, dict):
            reader.say(MAN_004, section, found=values, expected_es="una tabla [sección]",
                       expected_en="a [section] table")
            continue
        kept[section] = {}
        for key, value in values.items():
            kinds = SCHEMA[section]
            if key not in kinds:
                reader.say(MAN_003, f"{section}.{key}", **did_you_mean(key, list(kinds)))
                continue
            kind = kinds[key]
            if not isinstance(value, kind) or isinstance(value, bool):
                es, en = WORDS.get(kind, ("otro tipo", "another type"))
                reader.say(MAN_004, f"{section}.{key}", found=value, expected_es=es, expected_en=en)
                continue
            kept[section][key] = value
    return kept


def _file(reader: _Reader, key: str, value: str | None, must_exist: bool = True) -> Path | None:
    if not value:
        return None
    resolved = (reader.path.parent / value).resolve()
    if must_exist and not resolved.exists():
        reader.say(MAN_006, key, file=value)
        return None
    return resolved


def _files(reader: _Reader, key: str, values: Any) -> tuple[Path, ...]:
    """A list of files beside the manifest, each of which must exist."""
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        reader.say(MAN_004, key, found=values, expected_es="una lista de rutas de archivos",
                   expected_en="a list of file paths")
        return ()
    return tuple(p for i, v in enumerate(values) if (p := _file(reader, f"{key}[{i}]", v)) is not None)


def _poverty_line(reader: _Reader, lines: dict[str, Any], key: str) -> float:
    if key not in lines:
        return 1.0  # MAN_007 says the lines are missing
    value = lines[key]
    if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
        reader.say(MAN_005, f"poverty_lines.{key}", found=value)
        return 1.0
    return float(value)


def _period(reader: _Reader, period: Any) -> tuple[str, str] | None:
    """The round's field period: two ISO dates, the first not after the second."""
    if period is None:
        return None
    try:
        start, end = (p if isinstance(p, date) else date.fromisoformat(p) for p in period)
        if start > end:
            raise ValueError(period)
    except (TypeError, ValueError):
        reader.say(MAN_004, "round.period", found=period,
                   expected_es="dos fechas AAAA-MM-DD, la primera no posterior a la segunda",
                   expected_en="two YYYY-MM-DD dates, the first not after the second")
        return None
    return start.isoformat(), end.isoformat()


def _choice(reader: _Reader, key: str, value: str, allowed: tuple[str, ...]) -> str:
    if value in allowed:
        return value
    reader.say(MAN_004, key, found=value, expected_es=" o ".join(f"'{a}'" for a in allowed),
               expected_en=" or ".join(f"'{a}'" for a in allowed))
    return allowed[0]


def _project(reader: _Reader, values: dict[str, Any]) -> Project:
    """The analysts' folders of the round: each named one (relative to the manifest), else the shipped one."""
    chosen = {name: _file(reader, f"project.{name}", values.get(name)) for name in ("forms", "schemas",
                                                                                    "pipelines", "reports")}
    return Project(root=SHIPPED.root, forms=chosen["forms"] or SHIPPED.forms,
                   schemas=chosen["schemas"] or SHIPPED.schemas, pipelines=chosen["pipelines"] or SHIPPED.pipelines,
                   reports=chosen["reports"] or SHIPPED.reports)


def _budget(reader: _Reader, budget: dict[str, Any]) -> BudgetSource | None:
    """The [budget] section: the file (beside the manifest), its sheet, its column names."""
    if not budget.get("file"):
        return None
    columns = budget.get("columns", {})
    for key, header in columns.items():
        if not isinstance(header, str) or not header.strip():
            reader.say(MAN_004, f"budget.columns.{key}", found=header,
                       expected_es="el nombre de una columna del archivo", expected_en="a column name of the file")
    return BudgetSource(file=_file(reader, "budget.file", budget["file"]) or Path(budget["file"]),
                        sheet=budget.get("sheet") or None, columns=dict(columns))


def load_manifest(path: Path | str = DEMO_MANIFEST) -> Manifest:
    """Read and check a run manifest: one CbmsError listing every problem, each at its line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (FileNotFoundError, IsADirectoryError) as exc:
        raise CbmsError(MAN_001, path=path) from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CbmsError(MAN_002, path=path, reason=str(exc)) from exc
    reader = _Reader(path, text)
    known = _check(data, reader)
    rnd, geo, out = known.get("round", {}), known.get("geography", {}), known.get("outputs", {})
    project = _project(reader, known.get("project", {}))
    lines = known.get("poverty_lines", {})
    if "z_total" not in lines or "z_extreme" not in lines:
        reader.say(MAN_007, "poverty_lines")
    period = _period(reader, rnd.get("period"))
    area_type = _choice(reader, "round.area_type", rnd.get("area_type", "urban"), ("urban", "rural"))
    lang = _choice(reader, "outputs.lang", out.get("lang", "es"), ("es", "en"))
    versions = known.get("form", {}).get("versions", [])
    unknown = known.get("quality", {}).get("max_unknown_percent", 20.0)
    if not 0 <= unknown <= 100:
        reader.say(MAN_004, "quality.max_unknown_percent", found=unknown,
                   expected_es="un porcentaje de 0 a 100", expected_en="a percentage from 0 to 100")
        unknown = 20.0
    suppression = known.get("suppression", {})
    boundaries = {level: p for level in ("sector", "grupo")
                  if (p := _file(reader, f"geography.{level}s", geo.get(f"{level}s"))) is not None}
    form = _file(reader, "form.path", known.get("form", {}).get("path", str(project.forms / "cbms_grb_hogar.xlsx")))
    manifest = Manifest(
        path=path.resolve(), round_id=rnd.get("id", path.stem), round_name=rnd.get("name", path.stem),
        ubigeo=rnd.get("ubigeo", "150142"), district=rnd.get("district", ""),
        period=period, area_type=area_type,
        form=form or project.forms / "cbms_grb_hogar.xlsx",
        form_versions=_files(reader, "form.versions", versions),
        geography=_file(reader, "geography.table", geo.get("table")), boundaries=boundaries,
        code_property=geo.get("code_property", "code"),
        poverty=PovertyLines(
            z_total=_poverty_line(reader, lines, "z_total"), z_extreme=_poverty_line(reader, lines, "z_extreme"),
            year=int(lines.get("year", 0)), source=str(lines.get("source", "")),
            quintile1=_poverty_line(reader, lines, "quintile1") if "quintile1" in lines else None),
        min_cell=int(suppression.get("min_cell", 5)),
        min_cell_sensitive=int(suppression.get("min_cell_sensitive", 10)),
        weight=known.get("weights", {}).get("column") or None, max_unknown_percent=float(unknown), lang=lang,
        formats=tuple(out.get("formats", ("xlsx", "pdf", "maps"))),
        db=_file(reader, "outputs.db", out.get("db"), must_exist=False) or ROOT / "data" / "cbms.duckdb",
        project=project, budget=_budget(reader, known.get("budget", {})),
        previous_round=known.get("rounds", {}).get("previous") or None,
        crosswalks=_files(reader, "rounds.crosswalks", known.get("rounds", {}).get("crosswalks", [])))
    if reader.problems:
        raise CbmsError(MAN_008, path=path, count=len(reader.problems)).with_problems(tuple(reader.problems))
    return manifest

"""The published mart: the catalogue, every cell an output may show with suppression applied here and only here
(small cells and the cells that would give them away), the areas with their names, parents and boundaries, and
where the numbers come from. Every output reads this object, never the database."""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from cbms import __version__
from cbms.budget import BudgetTables
from cbms.budget.declarations import Declarations
from cbms.config import Manifest
from cbms.disclosure import Key, Protection, protect
from cbms.errors import MAP_005, MAP_019, REP_003, CbmsError, Lang
from cbms.indicators.catalogue import Indicator
from cbms.published.boundaries import Boundaries, read_boundaries
from cbms.published.budget import PublishedBudget, protect_budget
from cbms.published.changes import Changes, read_changes
from cbms.published.classes import Classes, classify
from cbms.published.coverage import PublishedCoverage, read_coverage
from cbms.published.numbers import mart_number
from cbms.published.problems import Problem
from cbms.published.settings import Settings, load_settings
from cbms.targeting.rules import Rule

LEVELS = ("district", "sector", "grupo")
CellKey = tuple[str, str, str | None, str | None, str | None]  # indicator, area code, sex, head_sex, age_group


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell as published: a protected cell carries no number at all, so none can leak into an output."""

    value: float | None
    n: int | None
    numerator: float | None
    denominator: float | None
    n_missing: int | None
    protected: bool

    @property
    def suppressed(self) -> bool:
        """Hidden from every published output (shown as `x`)."""
        return self.protected


@dataclass(frozen=True, slots=True)
class Area:
    """The district, a sector or a grupo: its code, its name (the code when none is known) and its parent's code."""

    level: str
    code: str
    name: str
    parent: str = ""


@dataclass(frozen=True, slots=True)
class Load:
    """One load of exports (meta.loads)."""

    load_id: int
    loaded_at: str
    format: str
    files: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where the numbers come from: meta.runs when a run was recorded, else meta.loads."""

    cbms_version: str
    form_id: str | None
    form_version: str | None
    run_id: int | None
    run_at: str | None
    manifest_sha256: str | None
    catalogue_sha256: str | None
    loads: tuple[Load, ...]


@dataclass(frozen=True)
class Published:
    """Everything the workbook, the profiles, the maps and the published table show, read and protected once."""

    manifest: Manifest
    settings: Settings
    indicators: tuple[Indicator, ...]  # catalogue order
    computed: frozenset[str]
    cells: Mapping[CellKey, Cell]
    district: Area
    sectors: tuple[Area, ...]
    grupos: tuple[Area, ...]
    boundaries: Mapping[str, Boundaries]  # area level -> its boundaries, where they could be read
    provenance: Provenance
    problems: tuple[Problem, ...] = ()
    geography: Mapping[tuple[str, str], tuple[str, str]] = field(default_factory=dict)  # the manifest's table
    levels: Mapping[CellKey, str] = field(default_factory=dict)  # every cell's area level, in the mart's order
    protection: Mapping[str, Protection] = field(default_factory=dict)  # indicator -> its hidden cells
    changes: Changes = field(default_factory=Changes)  # since the earlier round, publishable (cbms/rounds/change.py)
    coverage: PublishedCoverage | None = None  # the programmes' coverage, when the run computed it
    budget: PublishedBudget | None = None  # the budget against need, when the manifest names a budget
    _areas: dict[str, Area] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._areas.update({a.code: a for a in (self.district, *self.sectors, *self.grupos)})

    @property
    def protected_counts(self) -> tuple[int, int]:
        """How many cells are hidden as too small (primary), and how many to protect them (secondary)."""
        return (sum(len(p.primary) for p in self.protection.values()),
                sum(len(p.secondary) for p in self.protection.values()))

    def cell(self, indicator_id: str, area: str, sex: str | None = None, head_sex: str | None = None,
             age_group: str | None = None) -> Cell | None:
        """A cell, or None when the mart has no row for it (nobody in the universe)."""
        return self.cells.get((indicator_id, area, sex, head_sex, age_group))

    def area(self, code: str) -> Area | None:
        """An area by code."""
        return self._areas.get(code)

    def areas(self, level: str) -> tuple[Area, ...]:
        """The areas of a level, sorted by code."""
        return {"district": (self.district,), "sector": self.sectors, "grupo": self.grupos}[level]

    def name(self, level: str, code: str) -> str:
        """An area's name, with or without data: the geography table's, else its boundary's, else ''."""
        name = self.geography.get((level, code), ("", ""))[0]
        if name:
            return name
        found = self.area(code)
        if found is not None and found.name != code:
            return found.name
        return self.boundaries[level].names.get(code, "") if level in self.boundaries else ""

    def has_data(self, area: str) -> bool:
        """Whether any indicator has a cell for the area."""
        return any(key[1] == area for key in self.cells)

    def indicator(self, indicator_id: str) -> Indicator | None:
        """A catalogue indicator by id."""
        return next((i for i in self.indicators if i.id == indicator_id), None)

    def is_computed(self, indicator: Indicator) -> bool:
        """Whether the indicator was computed (not left out for a missing manifest parameter)."""
        return indicator.id in self.computed

    def threshold(self, indicator: Indicator) -> int:
        """The fewest cases a cell of the indicator needs to be published."""
        return self.manifest.min_cell_sensitive if indicator.sensitive else self.manifest.min_cell

    def total(self, indicator_id: str, area: str) -> float | None:
        """The published total of an indicator in an area (None: protected or no data)."""
        cell = self.cell(indicator_id, area)
        return None if cell is None else cell.value

    def classes(self, values: Mapping[str, float | None], value_unit: str, lang: Lang) -> Classes | None:
        """The colour classes of a map of these values (area -> published value): the same for the profiles' small
        maps and the PNG maps; None when no value is published."""
        shown = [v for v in values.values() if v is not None]
        return classify(shown, value_unit, lang) if shown else None


def _indicators(con: duckdb.DuckDBPyConnection) -> tuple[tuple[Indicator, ...], frozenset[str]]:
    columns = {str(r[0]) for r in con.execute("DESCRIBE mart.indicator_catalogue").fetchall()}
    better = "better" if "better" in columns else "NULL"  # a mart computed before directions were declared
    rows = con.execute(
        "SELECT indicator_id, ord, domain, name_es, name_en, definition_es, definition_en, unit, value_unit, "
        f"breakdowns, sensitive, items, map, computed, {better} FROM mart.indicator_catalogue "
        "ORDER BY ord, indicator_id").fetchall()
    indicators = tuple(Indicator(
        id=str(r[0]), order=int(r[1] or 0), domain=str(r[2]), name_es=str(r[3]), name_en=str(r[4]),
        definition_es=str(r[5] or ""), definition_en=str(r[6] or ""), unit=str(r[7]), value=str(r[8]),
        breakdowns=tuple(json.loads(r[9] or "[]")), sensitive=bool(r[10]), items=tuple(json.loads(r[11] or "[]")),
        map=bool(r[12]), better=None if r[14] is None else str(r[14])) for r in rows)
    return indicators, frozenset(str(r[0]) for r in rows if r[13] is not False)


@dataclass(frozen=True, slots=True)
class _Row:
    """A mart row as read, before the publication rule."""

    key: CellKey
    level: str
    value: float | None
    n: int | None
    numerator: float | None
    denominator: float | None
    n_missing: int | None
    small: bool  # the mart's flag, or n under the manifest's threshold


def _rows(con: duckdb.DuckDBPyConnection, indicators: tuple[Indicator, ...], manifest: Manifest) -> list[_Row]:
    """Every mart row in the mart's order; small where the mart flags it or n is under the manifest's threshold
    (the current round's rule even on a mart computed under another)."""
    thresholds = {i.id: manifest.min_cell_sensitive if i.sensitive else manifest.min_cell for i in indicators}
    rows = con.execute(
        "SELECT indicator_id, area_level, area_code, sex, head_sex, age_group, value, n, numerator, denominator, "
        "n_missing, suppressed FROM mart.indicator_values").fetchall()
    return [_Row((ind, str(code), sex, head_sex, age), str(level), mart_number(value), None if n is None else int(n),
                 mart_number(numerator), mart_number(denominator), None if missing is None else int(missing),
                 bool(flag) or (n is not None and n < thresholds.get(ind, manifest.min_cell)))
            for ind, level, code, sex, head_sex, age, value, n, numerator, denominator, missing, flag in rows]


def _protected(rows: list[_Row], parents: Mapping[str, str]) -> dict[str, Protection]:
    """The publication rule, applied here once for every output: the small cells, and the cells hidden so that no
    small one can be worked back from the rest (cbms.disclosure)."""
    sizes: dict[str, dict[Key, int]] = {}
    small: dict[str, set[Key]] = {}
    for row in rows:
        ind, key = row.key[0], row.key[1:]
        sizes.setdefault(ind, {})[key] = row.n or 0
        if row.small:
            small.setdefault(ind, set()).add(key)
    return {ind: protect(cells, small.get(ind, set()), parents) for ind, cells in sizes.items()}


def read_geography(path: Path | None) -> tuple[dict[tuple[str, str], tuple[str, str]], list[Problem]]:
    """The manifest's geography table: (level, code) -> (name, parent code)."""
    if path is None:
        return {}, []
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
        return {(r["level"].strip(), r["code"].strip()): ((r.get("name") or "").strip(),
                                                          (r.get("parent_code") or "").strip())
                for r in rows}, []
    except (OSError, UnicodeDecodeError, csv.Error, KeyError, AttributeError) as exc:
        reason = f"'{exc.args[0]}'" if isinstance(exc, KeyError) else str(exc)
        return {}, [Problem(MAP_019, {"path": path, "reason": reason})]


def _table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
                            [schema, table]).fetchall()[0][0])


def _files(sources: str | None) -> tuple[str, ...]:
    """The exports' file names (a zip's name for the files inside it); never a folder path."""
    try:
        entries = json.loads(sources or "[]")
    except json.JSONDecodeError:
        return ()
    names: list[str] = []
    for entry in entries if isinstance(entries, list) else []:
        parts = Path(str(entry.get("path", "") if isinstance(entry, dict) else entry)).parts
        name = next((p for p in parts if p.lower().endswith(".zip")), parts[-1] if parts else "")
        if name and name not in names:
            names.append(name)
    return tuple(names)


def _provenance(con: duckdb.DuckDBPyConnection) -> Provenance:
    loads: tuple[Load, ...] = ()
    form: tuple[str | None, str | None] = (None, None)
    if _table_exists(con, "meta", "loads"):
        rows = con.execute("SELECT load_id, strftime(loaded_at, '%Y-%m-%d %H:%M'), format, sources, form_id, "
                           "form_version FROM meta.loads ORDER BY load_id").fetchall()
        loads = tuple(Load(int(r[0]), str(r[1]), str(r[2]), _files(r[3])) for r in rows)
        if rows:
            form = (rows[-1][4], rows[-1][5])
    if _table_exists(con, "meta", "runs"):
        runs = con.execute("SELECT run_id, strftime(started_at, '%Y-%m-%d %H:%M'), cbms_version, form_id, "
                           "form_version, manifest_sha256, catalogue_sha256, loads FROM meta.runs "
                           "ORDER BY run_id DESC LIMIT 1").fetchall()
        if runs:
            run_id, at, version, form_id, form_version, manifest_sha, catalogue_sha, used = runs[0]
            try:
                wanted = set(json.loads(used or "[]"))
            except json.JSONDecodeError:
                wanted = set()
            return Provenance(str(version), form_id, form_version, int(run_id), str(at), manifest_sha, catalogue_sha,
                              tuple(ld for ld in loads if not wanted or ld.load_id in wanted))
    return Provenance(__version__, form[0], form[1], None, None, None, None, loads)


def _parent(level: str, code: str, sectors: set[str], district: str) -> str:
    """A parent the geography table does not give: the district for a sector, the sector a grupo code starts with."""
    if level == "sector":
        return district
    return next((s for s in sorted(sectors, key=len, reverse=True) if code.startswith(s)), "")


def read_published(con: duckdb.DuckDBPyConnection, manifest: Manifest, settings: Settings | None = None,
                   boundaries: Mapping[str, Path] | None = None, code_property: str | None = None,
                   programmes: Sequence[Rule] = (),
                   budget: tuple[BudgetTables, Declarations] | None = None) -> Published:
    """Read mart.* and meta.* (never a personal table), apply the publication rule, name the areas and read their
    boundaries (`boundaries` {level: GeoJSON} replaces the manifest's; `code_property` names the code property).
    mart.coverage is protected the same way (`programmes` name its programmes); `budget`, the exact budget tables
    and their declarations, gets the indicators' protection. REP_003 when the database holds no computed
    indicators."""
    try:
        indicators, computed = _indicators(con)
        rows = _rows(con, indicators, manifest)
    except duckdb.CatalogException as exc:
        raise CbmsError(REP_003) from exc
    if not rows:
        raise CbmsError(REP_003)
    codes: dict[str, set[str]] = {level: set() for level in LEVELS}
    for row in rows:
        codes.setdefault(row.level, set()).add(row.key[1])
    geography, problems = read_geography(manifest.geography)
    district_code = min(codes["district"], default=manifest.ubigeo)
    files = dict(manifest.boundaries if boundaries is None else boundaries)
    read: dict[str, Boundaries] = {}
    for level in sorted(set(files) - set(LEVELS)):
        problems.append(Problem(MAP_005, {"level": level, "path": files[level], "levels": ", ".join(LEVELS)}))
    for level in LEVELS:
        if level in files:
            found, met = read_boundaries(files[level], level, code_property or manifest.code_property, codes[level])
            problems += met
            if found is not None:
                read[level] = found

    def area(level: str, code: str) -> Area:
        name, parent = geography.get((level, code), ("", ""))
        name = name or (read[level].names.get(code, "") if level in read else "")
        return Area(level, code, name or code, parent or _parent(level, code, codes["sector"], district_code))

    district = Area("district", district_code,
                    manifest.district or geography.get(("district", district_code), ("", ""))[0] or district_code)
    sectors = tuple(area("sector", c) for c in sorted(codes["sector"]))
    grupos = tuple(area("grupo", c) for c in sorted(codes["grupo"]))
    parents = {a.code: a.parent for a in (*sectors, *grupos)}
    protection = _protected(rows, parents)
    cells: dict[CellKey, Cell] = {}
    for row in rows:
        hidden = row.key[1:] in protection[row.key[0]].hidden
        cells[row.key] = Cell(None, None, None, None, None, True) if hidden else Cell(
            row.value, row.n, row.numerator, row.denominator, row.n_missing, False)
    return Published(
        manifest=manifest, settings=settings or load_settings(), indicators=indicators, computed=computed,
        cells=cells, district=district, sectors=sectors, grupos=grupos, boundaries=read,
        provenance=_provenance(con), problems=tuple(problems), geography=geography,
        levels={row.key: row.level for row in rows}, protection=protection, changes=read_changes(con),
        coverage=read_coverage(con, programmes, parents),
        budget=protect_budget(budget[0], budget[1], protection) if budget is not None else None)

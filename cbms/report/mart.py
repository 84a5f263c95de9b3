"""Read what the reports show from the database: the catalogue, district and sector cells, area names, provenance."""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb

from cbms import __version__
from cbms.config import Manifest
from cbms.errors import REP_003, CbmsError, Lang

CellKey = tuple[str, str, str | None, str | None]  # indicator, area code, sex, head_sex


@dataclass(frozen=True, slots=True)
class Indicator:
    """One row of mart.indicator_catalogue."""

    id: str
    order: int
    domain: str
    name_es: str
    name_en: str
    definition_es: str
    definition_en: str
    unit: str
    value_unit: str  # percent | mean | count | per_1000 | index
    breakdowns: tuple[str, ...]
    sensitive: bool
    map: bool
    computed: bool

    def name(self, lang: Lang) -> str:
        """The name in a language."""
        return self.name_es if lang == "es" else self.name_en

    def definition(self, lang: Lang) -> str:
        """The definition in a language."""
        return self.definition_es if lang == "es" else self.definition_en

    @property
    def pair(self) -> str | None:
        """The women-men breakdown the reports show: `sex` for persons, else `head_sex` for households."""
        return next((b for b in ("sex", "head_sex") if b in self.breakdowns), None)


@dataclass(frozen=True, slots=True)
class Cell:
    """One published cell; a suppressed cell carries no value at all, so none can leak into an output."""

    value: float | None
    n: int
    denominator: float | None
    suppressed: bool


@dataclass(frozen=True, slots=True)
class Area:
    """The district or a sector."""

    level: str
    code: str
    name: str


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


@dataclass(frozen=True, slots=True)
class Mart:
    """The district and sector cells of every indicator (totals and the women-men pairs), with their areas."""

    indicators: tuple[Indicator, ...]
    cells: Mapping[CellKey, Cell]
    district: Area
    sectors: tuple[Area, ...]
    provenance: Provenance

    def cell(self, indicator_id: str, area: str, sex: str | None = None, head_sex: str | None = None) -> Cell | None:
        """A cell, or None when the mart has no row for it (nobody in the universe)."""
        return self.cells.get((indicator_id, area, sex, head_sex))

    def has_data(self, area: str) -> bool:
        """Whether any indicator has a cell for the area."""
        return any(key[1] == area for key in self.cells)

    def area(self, code: str) -> Area | None:
        """The district or a sector by code."""
        return next((a for a in (self.district, *self.sectors) if a.code == code), None)


def _indicators(con: duckdb.DuckDBPyConnection) -> tuple[Indicator, ...]:
    rows = con.execute(
        "SELECT indicator_id, ord, domain, name_es, name_en, definition_es, definition_en, unit, value_unit, "
        "breakdowns, sensitive, map, computed FROM mart.indicator_catalogue ORDER BY ord, indicator_id").fetchall()
    return tuple(Indicator(str(r[0]), int(r[1] or 0), str(r[2]), str(r[3]), str(r[4]), str(r[5] or ""),
                           str(r[6] or ""), str(r[7]), str(r[8]), tuple(json.loads(r[9] or "[]")), bool(r[10]),
                           bool(r[11]), r[12] is not False) for r in rows)


def _cells(con: duckdb.DuckDBPyConnection, indicators: tuple[Indicator, ...],
           manifest: Manifest) -> tuple[dict[CellKey, Cell], str | None, list[str]]:
    sensitive = {i.id for i in indicators if i.sensitive}
    rows = con.execute(
        "SELECT indicator_id, area_level, area_code, sex, head_sex, value, n, denominator, suppressed "
        "FROM mart.indicator_values WHERE area_level IN ('district', 'sector') AND age_group IS NULL "
        "AND (sex IS NULL OR head_sex IS NULL)").fetchall()
    cells: dict[CellKey, Cell] = {}
    district: str | None = None
    sectors: set[str] = set()
    for ind, level, code, sex, head_sex, value, n, denominator, suppressed in rows:
        # the manifest's thresholds again: a report never publishes what the current round's rule hides
        threshold = manifest.min_cell_sensitive if ind in sensitive else manifest.min_cell
        hidden = bool(suppressed) or int(n or 0) < threshold
        number = None if hidden or value is None or value != value else float(value)
        cells[(ind, code, sex, head_sex)] = Cell(number, int(n or 0), None if hidden or denominator is None
                                                 else float(denominator), hidden)
        if level == "district":
            district = code
        else:
            sectors.add(code)
    return cells, district, sorted(sectors)


def area_names(manifest: Manifest) -> dict[str, str]:
    """Area code -> name from the manifest's geography table (empty when there is none or it cannot be read)."""
    if manifest.geography is None:
        return {}
    try:
        with manifest.geography.open(encoding="utf-8", newline="") as handle:
            return {row["code"]: row["name"] for row in csv.DictReader(handle) if row.get("code") and row.get("name")}
    except (OSError, UnicodeDecodeError, KeyError, csv.Error):
        return {}  # names are a courtesy: the codes still identify every area


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


def read_mart(con: duckdb.DuckDBPyConnection, manifest: Manifest) -> Mart:
    """Everything the workbook and the profiles show, read once (no personal data: only mart.* and meta.*)."""
    try:
        indicators = _indicators(con)
        cells, district, sectors = _cells(con, indicators, manifest)
    except duckdb.CatalogException as exc:
        raise CbmsError(REP_003) from exc
    if not cells:
        raise CbmsError(REP_003)
    names = area_names(manifest)
    district_code = district or manifest.ubigeo
    return Mart(
        indicators=indicators, cells=cells,
        district=Area("district", district_code, manifest.district or names.get(district_code, district_code)),
        sectors=tuple(Area("sector", code, names.get(code, code)) for code in sectors),
        provenance=_provenance(con))

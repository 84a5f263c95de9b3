"""The change stage: what changed where between the manifest's earlier round and this one, cell by cell of the
current geography (mart.indicator_change, OUT/analisis/change.parquet and .csv; docs/change.md).

Both rounds' cells come from the one database: this round's through the connection, the earlier one's through a
cursor scoped to it (store/rounds.py). The earlier areas are placed on the current geography (rounds/areas.py):
a split area's earlier rate is carried unchanged to each part and its counts by the part's share; areas merged
into one are recomputed from share x numerator and share x denominator. Whether a cell is protected is decided
by `read_published` for each round, under this manifest's thresholds: a change is suppressed when either cell
is. Indicators a crosswalk declares not comparable keep their two values but no change."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import pyarrow as pa

from cbms.atomic import copy_query
from cbms.config import Manifest, load_manifest
from cbms.errors import RND_020, RND_021, RND_022, RND_030, CbmsError, Notice
from cbms.indicators.compute import SCALES
from cbms.published.mart import CellKey, Published, read_geography, read_published
from cbms.published.numbers import mart_number
from cbms.rounds.areas import Placement, declared_areas, place_areas
from cbms.rounds.crosswalk import Crosswalk, load_crosswalks
from cbms.rounds.listing import recorded_manifest
from cbms.store.db import transaction
from cbms.store.rounds import refresh, replace_table, round_cursor, rounds_with

TABLE = "mart.indicator_change"
KEYS = ("indicator_id", "area_level", "area_code", "sex", "head_sex", "age_group")
SCHEMA = pa.schema([
    *((k, pa.string()) for k in KEYS), ("round_from", pa.string()), ("round_to", pa.string()),
    ("area_from", pa.string()), ("value_from", pa.float64()), ("value_to", pa.float64()), ("change", pa.float64()),
    ("n_from", pa.int64()), ("n_to", pa.int64()), ("comparable", pa.bool_()), ("reason", pa.string()),
    ("reason_en", pa.string()), ("suppressed", pa.bool_())])
COLUMNS = tuple(SCHEMA.names)


@dataclass(frozen=True, slots=True)
class MartRow:
    """A mart row's numbers."""

    level: str
    value: float | None
    numerator: float | None
    denominator: float | None
    n: int


@dataclass(frozen=True, slots=True)
class ChangeReport:
    """What the change stage did."""

    round_from: str
    round_to: str
    rows: int
    comparable: int
    suppressed: int  # comparable rows whose change is not published
    notices: tuple[Notice, ...] = ()
    files: tuple[Path, ...] = ()


def check_crosswalks(manifest: Manifest) -> tuple[Crosswalk, ...]:
    """The manifest's crosswalks, read; one CbmsError listing every problem of their files."""
    crosswalks, problems = load_crosswalks(manifest.crosswalks, manifest.project.pipelines)
    if problems:
        raise CbmsError(RND_030, path=manifest.path, count=len(problems)).with_problems(tuple(problems))
    return crosswalks


def _mart(con: duckdb.DuckDBPyConnection) -> dict[CellKey, MartRow]:
    rows = con.execute("SELECT indicator_id, area_code, sex, head_sex, age_group, area_level, value, numerator, "
                       "denominator, n FROM mart.indicator_values").fetchall()
    return {(str(r[0]), str(r[1]), r[2], r[3], r[4]): MartRow(
        str(r[5]), mart_number(r[6]), mart_number(r[7]), mart_number(r[8]), int(r[9] or 0)) for r in rows}


def _earlier_manifest(con: duckdb.DuckDBPyConnection, manifest: Manifest, previous: str) -> Manifest:
    """The manifest under which the earlier round's protection is worked out again: its own geography (the
    parents of its areas), this manifest's thresholds, no boundaries to read."""
    path = recorded_manifest(con, previous)
    geography = load_manifest(path).geography if path is not None else manifest.geography
    return replace(manifest, round_id=previous, geography=geography, boundaries={})


def earlier_value(kind: str, parts: list[tuple[float, MartRow]]) -> float | None:
    """The earlier value of a current area from its earlier areas' (share, row): one area placed whole keeps its
    value; a part of one split area keeps its rate, its count times the share; several recomputed from
    share x numerator over share x denominator, as the mart computes a value (SCALES)."""
    if len(parts) == 1:
        share, row = parts[0]
        if row.value is None or share == 1.0:
            return row.value
        return row.value * share if kind == "count" else row.value
    numerator = math.fsum(share * (row.numerator or 0.0) for share, row in parts)
    if kind == "count":
        return numerator
    denominator = math.fsum(share * (row.denominator or 0.0) for share, row in parts)
    return None if denominator == 0 else SCALES[kind] * numerator / denominator


def change_rows(current: dict[CellKey, MartRow], earlier: dict[CellKey, MartRow], placement: Placement,
                now: Published, before: Published, kinds: dict[str, str],
                reasons: dict[str, tuple[str, str]], round_from: str, round_to: str) -> pa.Table:
    """One row per current cell whose area has earlier areas with that cell (in the current mart's order)."""
    columns: dict[str, list[object]] = {name: [] for name in COLUMNS}
    for key, row in current.items():
        indicator, code, sex, head_sex, age_group = key
        sources = placement.of(row.level, code)
        found = [(share, old, earlier[(indicator, old, sex, head_sex, age_group)])
                 for old, share in sorted(sources.items()) if (indicator, old, sex, head_sex, age_group) in earlier]
        if not found:
            continue
        value_from = earlier_value(kinds.get(indicator, "count"), [(share, r) for share, _, r in found])
        comparable = indicator not in reasons
        suppressed = any(c is None or c.protected for c in (
            now.cells.get(key), *(before.cells.get((indicator, old, sex, head_sex, age_group)) for _, old, _ in found)))
        values = (indicator, row.level, code, sex, head_sex, age_group, round_from, round_to,
                  ";".join(o for _, o, _ in found), value_from, row.value,
                  row.value - value_from if comparable and row.value is not None and value_from is not None
                  else None,
                  sum(r.n for _, _, r in found), row.n, comparable, *reasons.get(indicator, (None, None)),
                  suppressed)
        for name, value in zip(COLUMNS, values, strict=True):
            columns[name].append(value)
    return pa.table(columns, schema=SCHEMA)


def _codes(rows: dict[CellKey, MartRow]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for key, row in rows.items():
        out.setdefault(row.level, set()).add(key[1])
    return out


def compute_change(con: duckdb.DuckDBPyConnection, manifest: Manifest, crosswalks: tuple[Crosswalk, ...],
                   now: Published | None = None) -> ChangeReport:
    """Replace this round's mart.indicator_change; RND_022 without an earlier round, RND_021 when the database has
    no indicators of it. `now` is this round's published mart when the caller already read it."""
    previous = manifest.previous_round
    if previous is None:
        raise CbmsError(RND_022, path=manifest.path)
    if previous not in rounds_with(con, "mart.indicator_values"):
        raise CbmsError(RND_021, previous=previous, path=_database(con))
    cursor = round_cursor(con, previous)
    try:
        earlier = _mart(cursor)
        before = read_published(cursor, _earlier_manifest(con, manifest, previous))
    finally:
        cursor.close()
    current = _mart(con)
    now = now or read_published(con, manifest, boundaries={})
    here = _codes(current)
    for level, code in read_geography(manifest.geography)[0]:
        here.setdefault(level, set()).add(code)
    placement = place_areas(declared_areas(crosswalks, previous), _codes(earlier), here)
    kinds = {i.id: i.value for i in now.indicators}
    reasons = {ind: reason for c in crosswalks if c.from_round in (None, previous)
               for ind, reason in c.not_comparable.items()}
    table = change_rows(current, earlier, placement, now, before, kinds, reasons, previous, manifest.round_id)
    con.register("change_rows", table)
    try:
        with transaction(con):
            replace_table(con, TABLE, "SELECT * FROM change_rows")
        refresh(con)
    finally:
        con.unregister("change_rows")
    comparable = table.column("comparable").to_pylist()
    suppressed = table.column("suppressed").to_pylist()
    notices = tuple(Notice(RND_020, {"round": manifest.round_id, "level": level, "count": len(codes),
                                     "codes": ", ".join(codes)})
                    for level, codes in sorted(placement.unplaced.items()))
    return ChangeReport(previous, manifest.round_id, table.num_rows, sum(comparable),
                        sum(1 for c, s in zip(comparable, suppressed, strict=True) if c and s), notices)


def _database(con: duckdb.DuckDBPyConnection) -> str:
    found = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = 'cbms'").fetchall()
    return str(found[0][0]) if found and found[0][0] else "cbms"


def write_change_files(con: duckdb.DuckDBPyConnection, out: Path) -> tuple[Path, Path]:
    """OUT/analisis/change.parquet and change.csv: this round's mart.indicator_change, every row, exact."""
    select = f"SELECT {', '.join(COLUMNS)} FROM {TABLE}"
    return (copy_query(con, select, out / "change.parquet", "FORMAT parquet"),
            copy_query(con, select, out / "change.csv", "FORMAT csv, HEADER"))

"""What rounds a database holds (`cbms rounds`): each one's name and field period, the form versions its raw
submissions came in, its households raw and clean, and its last run."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from cbms.store.rounds import FILE, ROUND


@dataclass(frozen=True, slots=True)
class RoundSummary:
    """One round of the database."""

    round_id: str
    name: str | None
    period: tuple[str, str] | None
    form_versions: tuple[str, ...]  # as the raw submissions carry them
    households_raw: int  # distinct submissions in raw.household
    households_clean: int
    last_run: str | None  # YYYY-MM-DD HH:MM of its latest meta.runs row


def _has(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM duckdb_columns() WHERE database_name = ? AND schema_name = ? AND "
                            "table_name = ? AND column_name = ?", [FILE, schema, table, ROUND]).fetchall()[0][0])


def _per_round(con: duckdb.DuckDBPyConnection, schema: str, table: str, select: str) -> dict[str, tuple[object, ...]]:
    if not _has(con, schema, table):
        return {}
    return {str(r[0]): tuple(r[1:]) for r in con.execute(
        f"SELECT {ROUND}, {select} FROM {FILE}.{schema}.{table} WHERE {ROUND} IS NOT NULL GROUP BY {ROUND}"
    ).fetchall()}


def list_rounds(con: duckdb.DuckDBPyConnection) -> tuple[RoundSummary, ...]:
    """Every round of meta.rounds and every round with raw rows, in order of field period, then id."""
    described = {str(r[0]): r[1:] for r in con.execute(
        f"SELECT round_id, name, CAST(period_start AS VARCHAR), CAST(period_end AS VARCHAR) FROM {FILE}.meta.rounds"
    ).fetchall()}
    raw = _per_round(con, "raw", "household", "list(DISTINCT _form_version ORDER BY _form_version) FILTER "
                     "(WHERE _form_version IS NOT NULL), count(DISTINCT _submission_key)")
    clean = _per_round(con, "clean", "household", "count(*)")
    runs = _per_round(con, "meta", "runs", "strftime(max(started_at), '%Y-%m-%d %H:%M')")
    out = []
    for round_id in set(described) | set(raw):
        name, start, end = described.get(round_id, (None, None, None))
        versions, households = raw.get(round_id, ([], 0))
        out.append(RoundSummary(
            round_id, None if name is None else str(name), (str(start), str(end)) if start and end else None,
            tuple(str(v) for v in versions or []),  # type: ignore[attr-defined]
            int(households or 0), int(clean.get(round_id, (0,))[0] or 0),  # type: ignore[call-overload]
            None if round_id not in runs else str(runs[round_id][0])))
    return tuple(sorted(out, key=lambda r: (r.period or ("9999", ""), r.round_id)))


def recorded_manifest(con: duckdb.DuckDBPyConnection, round_id: str) -> Path | None:
    """The manifest meta.rounds recorded for a round, when that file is still there."""
    found = con.execute(f"SELECT manifest FROM {FILE}.meta.rounds WHERE round_id = ?", [round_id]).fetchall()
    path = Path(str(found[0][0])) if found and found[0][0] else None
    return path if path is not None and path.is_file() else None

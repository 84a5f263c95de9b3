"""meta.runs: the provenance of each distinct run (cbms and form versions, manifest hash, loads used, time);
meta.rounds: the census rounds the database holds.

A run with the same provenance as an earlier one records nothing new, so re-running changes nothing."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import duckdb

from cbms import __version__
from cbms.config import Manifest
from cbms.store.rounds import round_of, table


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a run's numbers come from."""

    run_id: int
    started_at: str
    cbms_version: str
    form_id: str | None
    form_version: str | None
    manifest: str
    manifest_sha256: str
    loads: tuple[int, ...]
    catalogue_sha256: str


def sha256_of(paths: list[Path]) -> str:
    """One hash over files' contents, in the order given."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def record_run(con: duckdb.DuckDBPyConnection, manifest: Path, catalogue_files: list[Path]) -> Provenance:
    """The run's provenance row, inserted only when no earlier run had the same provenance."""
    form = con.execute("SELECT form_id, form_version FROM meta.form LIMIT 1").fetchall()
    form_id, form_version = form[0] if form else (None, None)
    loads = tuple(int(r[0]) for r in con.execute("SELECT load_id FROM meta.loads ORDER BY load_id").fetchall())
    values = (__version__, form_id, form_version, str(manifest), sha256_of([manifest]), json.dumps(list(loads)),
              sha256_of(catalogue_files))
    found = con.execute(
        "SELECT run_id, CAST(started_at AS VARCHAR) FROM meta.runs WHERE cbms_version = ? "
        "AND form_id IS NOT DISTINCT FROM ? AND form_version IS NOT DISTINCT FROM ? AND manifest = ? "
        "AND manifest_sha256 = ? AND loads = ? AND catalogue_sha256 = ?", list(values)).fetchall()
    if not found:
        runs = table(con, "meta.runs")  # numbered across rounds: one file, one sequence
        run_id = int(con.execute(f"SELECT coalesce(max(run_id), 0) + 1 FROM {runs}").fetchall()[0][0])
        con.execute(f"INSERT INTO {runs} VALUES (?, now(), ?, ?, ?, ?, ?, ?, ?, ?)",
                    [run_id, *values, round_of(con)])
        found = con.execute(f"SELECT run_id, CAST(started_at AS VARCHAR) FROM {runs} WHERE run_id = ?",
                            [run_id]).fetchall()
    run_id, started = found[0]
    return Provenance(int(run_id), str(started), __version__, form_id, form_version, str(manifest),
                      values[4], loads, values[6])


def record_round(con: duckdb.DuckDBPyConnection, manifest: Manifest) -> None:
    """The round in meta.rounds: its name and field period, the manifest that described it, when it was first
    run; written again only when one of them changed (re-running changes nothing)."""
    if round_of(con) is None:
        return
    start, end = manifest.period or (None, None)
    values = [manifest.round_name, start, end, str(manifest.path), sha256_of([manifest.path])]
    rounds = table(con, "meta.rounds")
    known = con.execute(f"SELECT name, period_start, period_end, manifest, manifest_sha256, first_run FROM {rounds} "
                        f"WHERE round_id = ?", [manifest.round_id]).fetchall()
    if known and [None if v is None else str(v) for v in known[0][:5]] == [None if v is None else str(v)
                                                                          for v in values]:
        return
    con.execute(f"DELETE FROM {rounds} WHERE round_id = ?", [manifest.round_id])
    con.execute(f"INSERT INTO {rounds} VALUES (?, ?, ?, ?, ?, ?, coalesce(?, now()))",
                [manifest.round_id, *values, known[0][5] if known else None])

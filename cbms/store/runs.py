"""meta.runs: the provenance of each distinct run (cbms and form versions, manifest hash, loads used, time).

A run with the same provenance as an earlier one records nothing new, so re-running changes nothing."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import duckdb

from cbms import __version__


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
        run_id = int(con.execute("SELECT coalesce(max(run_id), 0) + 1 FROM meta.runs").fetchall()[0][0])
        con.execute("INSERT INTO meta.runs VALUES (?, now(), ?, ?, ?, ?, ?, ?, ?)", [run_id, *values])
        found = con.execute("SELECT run_id, CAST(started_at AS VARCHAR) FROM meta.runs WHERE run_id = ?",
                            [run_id]).fetchall()
    run_id, started = found[0]
    return Provenance(int(run_id), str(started), __version__, form_id, form_version, str(manifest),
                      values[4], loads, values[6])

"""Write an output file through a temporary file beside it, so a crash never leaves half a file behind."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import duckdb

from cbms.errors import CLI_002, CbmsError, os_reason


def write_atomically(target: Path, write: Callable[[Path], object], private: bool = False) -> Path:
    """Call `write` on a temporary path in `target`'s folder, then rename it to `target`.

    A published file gets the usual permissions; a `private` one (names, phones: the supervisors' workbook)
    keeps the owner-only permissions of mkstemp."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(handle)
    except OSError as exc:
        raise CbmsError(CLI_002, path=target.parent, reason=os_reason(exc)) from exc
    tmp = Path(name)
    try:
        write(tmp)
        if not private:
            tmp.chmod(0o666 & ~_umask())
        os.replace(tmp, target)
    except OSError as exc:
        raise CbmsError(CLI_002, path=target.parent, reason=os_reason(exc)) from exc
    finally:
        tmp.unlink(missing_ok=True)
    return target


def copy_query(con: duckdb.DuckDBPyConnection, select: str, target: Path, options: str) -> Path:
    """DuckDB's COPY of a query into `target` (e.g. options 'FORMAT parquet'), written atomically."""

    def copy(tmp: Path) -> None:
        path = str(tmp).replace("'", "''")
        con.execute(f"COPY ({select}) TO '{path}' ({options})")

    return write_atomically(target, copy)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask

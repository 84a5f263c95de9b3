"""Write an output file through a temporary file beside it, so a crash never leaves half a file behind.

A temporary's name carries the id of the process writing it (`.<name>.<pid>.<random>.tmp`); a process killed
outright (`kill -9`, power cut) cannot remove its own, so each write first removes those of processes that are
gone. Ctrl-C and SIGTERM unwind normally (see cli.py) and remove theirs on the way."""

from __future__ import annotations

import glob
import io
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from cbms.errors import CLI_002, CbmsError, Said, os_reason


def write_atomically(target: Path, write: Callable[[Path], object], private: bool = False) -> Path:
    """Call `write` on a temporary path in `target`'s folder, then rename it to `target`.

    A published file gets the usual permissions; a `private` one (names, phones: the supervisors' workbook)
    keeps the owner-only permissions of mkstemp."""
    prefix = f".{target.name}."
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_stale(target.parent, prefix)
        handle, name = tempfile.mkstemp(prefix=owned(prefix), suffix=".tmp", dir=target.parent)
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


def save_workbook(target: Path, book: Any, private: bool = False) -> Path:
    """An openpyxl workbook saved atomically. It is built in memory first: openpyxl leaves its zip open when a
    write fails, and Python then prints that zip's second failure, a traceback, on the way out."""
    buffer = io.BytesIO()
    book.save(buffer)
    return write_atomically(target, lambda tmp: tmp.write_bytes(buffer.getbuffer()), private)


def _duckdb_reason(exc: duckdb.IOException) -> Said | str:
    """The system's reason inside a DuckDB I/O error (its message carries `"errno":"28"`), in both languages;
    DuckDB's own text when it names none."""
    found = re.search(r'"errno"\s*:\s*"?(\d+)', str(exc))
    if found:
        return os_reason(OSError(int(found.group(1)), ""))
    return " ".join(str(exc).split())


def copy_query(con: duckdb.DuckDBPyConnection, select: str, target: Path, options: str) -> Path:
    """DuckDB's COPY of a query into `target` (e.g. options 'FORMAT parquet'), written atomically."""

    def copy(tmp: Path) -> None:
        path = str(tmp).replace("'", "''")
        try:
            con.execute(f"COPY ({select}) TO '{path}' ({options})")
        except duckdb.IOException as exc:  # the folder is full or cannot be written: like any other output
            raise CbmsError(CLI_002, path=target.parent, reason=_duckdb_reason(exc)) from exc

    return write_atomically(target, copy)


def owned(prefix: str) -> str:
    """`prefix` with this process's id, for a temporary that `remove_stale` may later recognise."""
    return f"{prefix}{os.getpid()}."


def remove_stale(folder: Path, prefix: str) -> None:
    """Remove the temporaries (files or folders) named `owned(prefix)` by processes that no longer run."""
    if os.name != "posix":  # os.kill(pid, 0) only asks whether a process exists on POSIX
        return
    for entry in folder.glob(glob.escape(prefix) + "*"):
        pid = entry.name[len(prefix):].split(".", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _running(int(pid)):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask

"""A FormSpec kept on disk by the form file's content, so each command does not run pyxform again.

Reading the form costs ~0.5 s (importing pyxform and openpyxl, converting); every command reads it. The key
is the file's sha256 with the cbms and pyxform versions and the FormSpec's field names, so an edited form, a new
pyxform or a FormSpec with new fields is read afresh (a pickle of fewer fields would load with fields unset).
The cache is ours (a user cache folder); an unreadable or stale entry is read again, never trusted blindly.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from dataclasses import fields
from importlib.metadata import version
from pathlib import Path

from cbms import __version__
from cbms.form.spec import Choice, FormSpec, Group, Question, Repeat

_LAYOUT = "|".join(f"{kind.__name__}:{','.join(f.name for f in fields(kind))}"
                   for kind in (FormSpec, Question, Repeat, Group, Choice))


def cache_dir() -> Path | None:
    """The folder of cached forms: $CBMS_CACHE_DIR, else ~/.cache/cbms/forms; None when set to ''."""
    chosen = os.environ.get("CBMS_CACHE_DIR")
    if chosen == "":
        return None
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cbms" / "forms"


def _entry(data: bytes) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    key = hashlib.sha256(data + f"|cbms {__version__}|pyxform {version('pyxform')}|{_LAYOUT}".encode()).hexdigest()
    return folder / f"{key}.pickle"


def cached(data: bytes) -> FormSpec | None:
    """The FormSpec read earlier from exactly these bytes, if the cache holds it."""
    entry = _entry(data)
    if entry is None or not entry.is_file():
        return None
    try:
        spec = pickle.loads(entry.read_bytes())  # our own file, named by the content it was made from
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError):
        return None  # a damaged entry (disk full, older class layout): the form is read again
    return spec if isinstance(spec, FormSpec) else None


def keep(data: bytes, spec: FormSpec) -> None:
    """Store a FormSpec for these bytes; a cache that cannot be written is simply not used."""
    entry = _entry(data)
    if entry is None:
        return
    partial = entry.with_suffix(f".{os.getpid()}.tmp")
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(pickle.dumps(spec, protocol=pickle.HIGHEST_PROTOCOL))
        partial.replace(entry)
    except OSError:  # a full disk leaves no partial entry behind either
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)

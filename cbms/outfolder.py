"""The run's output folder: made when a run starts, and taken away again when the run fails before writing into it
(a failed run never leaves an empty folder behind)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cbms.validate.outputs import ensure_out


def _missing(folder: Path) -> list[Path]:
    """The folders that do not exist yet on the way to `folder`, deepest first."""
    missing = []
    for path in (folder, *folder.parents):
        if path.exists():
            break
        missing.append(path)
    return missing


@contextmanager
def output_folder(out: Path) -> Iterator[Path]:
    """`out`, created and checked for writing; the folders made for it are removed again, when still empty, if
    the block fails (the failure itself goes on up)."""
    made = _missing(out.absolute())
    ensure_out(out)
    done = False
    try:
        yield out
        done = True
    finally:
        if not done:
            for folder in made:
                if folder.is_dir() and not any(folder.iterdir()):
                    folder.rmdir()

"""Where a run writes: OUT's three folders, one per audience (OUTPUTS.md), made when a run starts and taken away
again, when still empty, if the run fails (a failed run never leaves an empty folder behind)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cbms.errors import CLI_002, CbmsError, os_reason
from cbms.validate.outputs import ensure_out

PUBLISHED = "publicacion"  # anyone: the workbook, the profiles, the maps, indicadores_publicados.csv
ANALYSIS = "analisis"  # the municipality's analysts: exact values, every cell; the issues without personal data
SUPERVISION = "supervision"  # field supervisors only (owner-only): the validation workbook, the demo's database
PRIVATE = 0o700


@dataclass(frozen=True, slots=True)
class Folders:
    """OUT's audience folders."""

    out: Path

    @property
    def published(self) -> Path:
        """For anyone: nothing in it gives away a protected cell or a person."""
        return self.out / PUBLISHED

    @property
    def analysis(self) -> Path:
        """For the municipality's analysts."""
        return self.out / ANALYSIS

    @property
    def supervision(self) -> Path:
        """For the field supervisors only: names and phones (owner-only permissions)."""
        return self.out / SUPERVISION

    def make(self, *which: str) -> Folders:
        """Create the folders named (all three by default); the supervisors' one readable by its owner only."""
        for name in which or (PUBLISHED, ANALYSIS, SUPERVISION):
            folder = ensure_out(self.out / name)
            if name == SUPERVISION:
                try:
                    folder.chmod(PRIVATE)
                except OSError as exc:
                    raise CbmsError(CLI_002, path=folder, reason=os_reason(exc)) from exc
        return self


def _missing(folder: Path) -> list[Path]:
    """The folders that do not exist yet on the way to `folder`, deepest first."""
    missing = []
    for path in (folder, *folder.parents):
        if path.exists():
            break
        missing.append(path)
    return missing


def _remove_empty(folder: Path) -> None:
    if folder.is_dir():
        for inner in folder.iterdir():
            _remove_empty(inner)
        if not any(folder.iterdir()):
            folder.rmdir()


@contextmanager
def output_folder(out: Path) -> Iterator[Folders]:
    """OUT's folders, created and checked for writing; what was made for them is removed again, when still empty,
    if the block fails (the failure itself goes on up)."""
    made = _missing(out.absolute())
    done = False
    try:
        yield Folders(out).make()
        done = True
    finally:
        if not done:
            for folder in made:
                _remove_empty(folder)
            if not made and out.is_dir():  # OUT was there: take away only the empty audience folders
                for name in (PUBLISHED, ANALYSIS, SUPERVISION):
                    _remove_empty(out / name)

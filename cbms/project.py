"""Where the analysts' folders are (forms/, schemas/, pipelines/, reports/): the ones shipped with cbms by
default, or a municipality's own beside its data when the round's manifest names them ([project]). This is
the one place that knows where cbms itself is installed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Project:
    """The declaration folders a run reads, and where cbms's own shipped files are."""

    root: Path  # the cbms installation (shipped data: WHO tables, demo geography, docs)
    forms: Path
    schemas: Path
    pipelines: Path
    reports: Path

    @property
    def data(self) -> Path:
        """Reference data shipped with cbms (never a municipality's: it is not an analysts' folder)."""
        return self.root / "data"

    @property
    def docs(self) -> Path:
        """cbms's own documentation, regenerated from the shipped declarations."""
        return self.root / "docs"


_ROOT = Path(__file__).resolve().parents[1]
SHIPPED = Project(root=_ROOT, forms=_ROOT / "forms", schemas=_ROOT / "schemas", pipelines=_ROOT / "pipelines",
                  reports=_ROOT / "reports")

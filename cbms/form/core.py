"""The core data dictionary (schemas/core_questionnaire.yaml) that every CBMS-GRB form must carry."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from cbms.errors import FORM_008, CbmsError, Said
from cbms.project import SHIPPED

ROOT = SHIPPED.root
CORE_DICTIONARY = ROOT / "schemas" / "core_questionnaire.yaml"
REPEAT_TYPE = "begin_repeat"


@dataclass(frozen=True, slots=True)
class CoreItem:
    """One required item: its name, the types it may have, the choice codes it must offer, its level."""

    name: str
    types: tuple[str, ...]
    choices: tuple[str, ...]
    level: str  # household (root), or the repeat it sits in

    @property
    def repeat(self) -> str | None:
        """The repeat the item belongs to, as FormSpec names it (None for the household root)."""
        return None if self.level == "household" else self.level


def load_core(path: Path = CORE_DICTIONARY) -> tuple[CoreItem, ...]:
    """Read the core dictionary, refusing a file whose entries lack a name or a type."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CbmsError(FORM_008, path=path, reason=str(exc)) from exc
    if not isinstance(data, dict):
        raise CbmsError(FORM_008, path=path, reason=Said("se esperaba un mapa de niveles", "expected a map of levels"))
    items: list[CoreItem] = []
    for level, entries in data.items():
        for entry in entries or []:
            if not isinstance(entry, dict) or "name" not in entry or "type" not in entry:
                raise CbmsError(FORM_008, path=path, reason=f"{level}: {entry!r}")
            kinds = entry["type"] if isinstance(entry["type"], list) else [entry["type"]]
            items.append(CoreItem(
                name=str(entry["name"]),
                types=tuple(str(t) for t in kinds),
                choices=tuple(str(c) for c in entry.get("choices", [])),
                level=str(level),
            ))
    return tuple(items)

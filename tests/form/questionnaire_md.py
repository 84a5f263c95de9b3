"""Parse the core data dictionary tables of QUESTIONNAIRE.md (the spec) into plain records, for drift tests."""

from __future__ import annotations

import re
from pathlib import Path

LEVELS = {"household": "household", "member": "member", "death": "death"}
_CODE = re.compile(r"`([^`]+)`")


def _types(cell: str) -> tuple[str, ...]:
    cell = re.sub(r"\(.*?\)", "", cell).strip()
    return tuple(part.strip().split()[0] for part in cell.split(" or ") if part.strip())


def parse_questionnaire(path: Path) -> list[dict[str, object]]:
    """Every item of the spec's tables: name, types, choices (required codes), level."""
    items: list[dict[str, object]] = []
    level: str | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            word = line[3:].split()[0].lower()
            level = LEVELS.get(word)
            continue
        if level is None or not line.startswith("|") or line.startswith("|---") or "| name |" in line:
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        names, type_cell, choice_cell = cells[0], cells[1], cells[2]
        if "automatic" in type_cell:
            continue
        types = _types(type_cell)
        choices: tuple[str, ...] = ()
        if "yes_no" in type_cell:
            choices = ("yes", "no")
        elif types[0].startswith("select") and "e.g." not in choice_cell:
            choices = tuple(_CODE.findall(choice_cell))
        for name in _CODE.findall(names):
            items.append({"name": name, "types": types, "choices": choices, "level": level})
    return items

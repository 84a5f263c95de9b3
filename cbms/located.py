"""One way to read an analyst's declaration file (YAML): the values, and the line of every key and list item, so
each loader says every problem at once, at its place, with a "did you mean" for a misspelt name. The indicator
catalogue and the validation rules read their files through it; the manifest (TOML) says its lines the same way."""

from __future__ import annotations

import difflib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cbms.errors import Detail, Notice

Key = tuple[str | int, ...]  # a path into the file: ("audits", 2, "code")


def did_you_mean(word: str, options: Collection[str]) -> dict[str, str]:
    """The closest option to a misspelt word, as the `hint_es` / `hint_en` fields of a message."""
    close = difflib.get_close_matches(str(word), [str(o) for o in options], n=1)
    return {"hint_es": f" (¿quiso decir '{close[0]}'?)" if close else "",
            "hint_en": f" (did you mean '{close[0]}'?)" if close else ""}


@dataclass(frozen=True, slots=True)
class Declaration:
    """A declaration file's values, and where each key is written."""

    shown: str  # the file as messages name it
    data: Any
    lines: Mapping[Key, int] = field(default_factory=dict)

    def where(self, *key: str | int) -> str:
        """`file:line` of a key (of the nearest enclosing key written in the file; the first line otherwise)."""
        for end in range(len(key), 0, -1):
            if key[:end] in self.lines:
                return f"{self.shown}:{self.lines[key[:end]]}"
        return f"{self.shown}:1"


def _lines(node: yaml.Node, key: Key, out: dict[Key, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for name, value in node.value:
            here = (*key, str(name.value))
            out.setdefault(here, name.start_mark.line + 1)
            _lines(value, here, out)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            out.setdefault((*key, index), item.start_mark.line + 1)
            _lines(item, (*key, index), out)


def node_line(node: yaml.Node | None) -> int:
    """The 1-based line of a composed YAML node (loaders that walk nodes: the budget's declarations)."""
    return node.start_mark.line + 1 if node is not None else 1


def node_keys(mapping: yaml.Node | None) -> dict[str, yaml.Node]:
    """A mapping node's keys, each as its own node (its line is where the key is written)."""
    return {str(k.value): k for k, _ in mapping.value} if isinstance(mapping, yaml.MappingNode) else {}


def node_values(mapping: yaml.Node | None) -> dict[str, yaml.Node]:
    """A mapping node's value nodes by key."""
    return {str(k.value): v for k, v in mapping.value} if isinstance(mapping, yaml.MappingNode) else {}


def shown_name(path: Path, folder: Path) -> str:
    """A declaration's name in messages: relative to the folder above the analysts' folder (`schemas/rules/x.yaml`)."""
    return str(path.relative_to(folder.parent)) if folder.parent in path.parents else str(path)


def read_declaration(path: Path, shown: str, unreadable: Detail, problems: list[Notice]) -> Declaration | None:
    """A YAML file with its lines; None (and one located problem) when it does not parse or is not a mapping."""
    try:
        text = path.read_text(encoding="utf-8")
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Notice(unreadable, {"where": f"{shown}:1", "reason": " ".join(str(exc).split())}))
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.append(Notice(unreadable, {"where": f"{shown}:{mark.line + 1 if mark else 1}",
                                            "reason": " ".join(str(exc).split())}))
        return None
    if not isinstance(data, dict):
        problems.append(Notice(unreadable, {"where": f"{shown}:1", "reason": "no es un mapa / not a mapping"}))
        return None
    lines: dict[Key, int] = {}
    if node is not None:
        _lines(node, (), lines)
    return Declaration(shown, data, lines)


def unknown_keys(declaration: Declaration, mapping: Mapping[str, Any], allowed: Collection[str], detail: Detail,
                 problems: list[Notice], at: Key = ()) -> None:
    """Say every key of a mapping that is not allowed, at its line, with the closest allowed one."""
    for key in mapping:
        if key not in allowed:
            problems.append(Notice(detail, {"where": declaration.where(*at, str(key)), "key": key,
                                            **did_you_mean(str(key), allowed)}))


def bilingual(value: Any, key: str, where: str, problems: list[Notice], missing: Detail) -> tuple[str, str]:
    """A declaration's {es, en} texts; each language left empty is a problem (`missing`, located at `where`)."""
    given = value if isinstance(value, dict) else {}
    for lang in ("es", "en"):
        if not str(given.get(lang, "")).strip():
            problems.append(Notice(missing, {"where": where, "key": key, "lang": lang}))
    return str(given.get("es", "")), str(given.get("en", ""))

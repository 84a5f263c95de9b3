"""An analyst's YAML declaration (pipelines/budget/*.yaml) composed once: each node's file:line, each node's value,
and the checks every budget declaration makes (keys, texts in both languages, choices, numbers), each problem a
located Notice."""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from cbms.errors import BUD_020, BUD_021, BUD_022, BUD_025, BUD_027, BUD_028, BUD_040, Notice
from cbms.located import did_you_mean, node_keys, node_line, node_values


@dataclass(frozen=True, slots=True)
class Label:
    """A declared code's name in both languages."""

    es: str
    en: str

    def text(self, lang: str) -> str:
        """The name in a language."""
        return self.es if lang == "es" else self.en


@dataclass(frozen=True, slots=True)
class YamlDoc:
    """A composed YAML file and the loader that turns its nodes into values."""

    label: str  # the path as messages show it
    root: yaml.Node | None
    loader: yaml.SafeLoader

    def where(self, node: yaml.Node | None) -> str:
        """file:line of a node."""
        return f"{self.label}:{node_line(node)}"

    def value(self, node: yaml.Node) -> Any:
        """The Python value of a node (as yaml.safe_load would give it)."""
        return self.loader.construct_object(node, deep=True)


def shown(path: Path, folder: Path) -> str:
    """A declaration's path as messages show it: from the pipelines folder's parent when it is inside it."""
    return str(path.relative_to(folder.parent)) if folder.parent in path.parents else str(path)


def open_yaml(path: Path, label: str, problems: list[Notice]) -> YamlDoc | None:
    """Compose a YAML file, or say that it is missing or where it is malformed (None)."""
    if not path.is_file():
        problems.append(Notice(BUD_040, {"path": label}))
        return None
    loader = yaml.SafeLoader(path.read_text(encoding="utf-8"))
    try:
        root = loader.get_single_node()
        doc = YamlDoc(label, root, loader)
        if root is not None:
            doc.value(root)  # a bad tag or anchor shows here, once, rather than in every check
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.append(Notice(BUD_022, {"where": f"{label}:{mark.line + 1 if mark else 1}",
                                          "reason": " ".join(str(exc).split())}))
        return None
    return doc


def mapping(doc: YamlDoc, node: yaml.Node | None, allowed: Collection[str], required: Collection[str],
            problems: list[Notice]) -> dict[str, yaml.Node] | None:
    """A mapping's value nodes by key after checking its keys (unknown ones with a "did you mean", missing ones);
    None when the node is not a mapping."""
    if not isinstance(node, yaml.MappingNode):
        problems.append(Notice(BUD_027, {"where": doc.where(node), "key": "-", "value": _brief(doc, node),
                                          "expected_es": "un mapa (clave: valor)",
                                          "expected_en": "a mapping (key: value)"}))
        return None
    for key, key_node in node_keys(node).items():
        if key not in allowed:
            problems.append(Notice(BUD_020, {"where": doc.where(key_node), "key": key,
                                              **did_you_mean(key, tuple(allowed))}))
    values = node_values(node)
    for key in required:
        if key not in values:
            problems.append(Notice(BUD_021, {"where": doc.where(node), "key": key}))
    return values


def texts(doc: YamlDoc, node: yaml.Node, key: str, problems: list[Notice]) -> Label:
    """`{es: ..., en: ...}`: both texts, saying which is missing."""
    value = doc.value(node)
    found = value if isinstance(value, dict) else {}
    for lang in ("es", "en"):
        if not str(found.get(lang) or "").strip():
            problems.append(Notice(BUD_028, {"where": doc.where(node), "key": key, "lang": lang}))
    return Label(str(found.get("es") or ""), str(found.get("en") or ""))


def labels(doc: YamlDoc, node: yaml.Node, key: str, problems: list[Notice],
           extra: Collection[str] = ()) -> dict[str, tuple[Label, dict[str, yaml.Node]]]:
    """A mapping of codes to `{es, en, ...extra}`: each code's label and its other keys' nodes."""
    out: dict[str, tuple[Label, dict[str, yaml.Node]]] = {}
    if not isinstance(node, yaml.MappingNode):
        problems.append(Notice(BUD_027, {"where": doc.where(node), "key": key, "value": _brief(doc, node),
                                          "expected_es": "un mapa de códigos con sus nombres {es, en}",
                                          "expected_en": "a mapping of codes to their names {es, en}"}))
        return out
    for code_node, value in node.value:
        code = str(code_node.value)
        fields = mapping(doc, value, ("es", "en", *extra), (), problems)
        if fields is None:
            continue
        out[code] = (texts(doc, value, f"{key}.{code}", problems), fields)
    return out


def choice(doc: YamlDoc, node: yaml.Node, key: str, options: Collection[str], problems: list[Notice]) -> str | None:
    """A value that must be one of `options` (None after saying so)."""
    value = str(doc.value(node))
    if value in options:
        return value
    problems.append(Notice(BUD_025, {"where": doc.where(node), "key": key, "value": value,
                                      "options": ", ".join(options), **did_you_mean(value, tuple(options))}))
    return None


def number(doc: YamlDoc, node: yaml.Node, key: str, problems: list[Notice], positive: bool = True,
           at_least: float | None = None) -> float | None:
    """A finite number, positive (or >= 0, or >= `at_least`); None after saying what it must be."""
    value = doc.value(node)
    ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    floor = at_least if at_least is not None else 0.0
    if ok and (value > floor if positive and at_least is None else value >= floor):
        return float(value)
    if at_least is not None:
        es, en = f"un número de {at_least:g} o más", f"a number of {at_least:g} or more"
    elif positive:
        es, en = "un número mayor que 0", "a number greater than 0"
    else:
        es, en = "un número de 0 o más", "a number of 0 or more"
    problems.append(Notice(BUD_027, {"where": doc.where(node), "key": key, "value": value, "expected_es": es,
                                      "expected_en": en}))
    return None


def codes(doc: YamlDoc, node: yaml.Node, key: str, options: Collection[str], problems: list[Notice]) -> tuple[str, ...]:
    """A list of codes, each one of `options`."""
    value = doc.value(node)
    if not isinstance(value, list):
        problems.append(Notice(BUD_027, {"where": doc.where(node), "key": key, "value": value,
                                          "expected_es": "una lista [a, b]", "expected_en": "a list [a, b]"}))
        return ()
    items = node.value if isinstance(node, yaml.SequenceNode) else []
    return tuple(found for item in items if (found := choice(doc, item, key, options, problems)) is not None)


def _brief(doc: YamlDoc, node: yaml.Node | None) -> object:
    return None if node is None else doc.value(node)

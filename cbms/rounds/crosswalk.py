"""Crosswalks between census rounds, declared by analysts (pipelines/rounds/*.yaml), never guessed: questions a
form version renamed and codes it recoded, read in the current form's names; indicators whose items changed
meaning (never published as a change); and an earlier round's areas put on the current geography, with the
share of an area that went to each part when it was split."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cbms.errors import RND_001, RND_002, RND_003, RND_004, RND_005, Notice
from cbms.located import Declaration, bilingual, read_declaration, shown_name, unknown_keys

KEYS = ("form_versions", "questions", "choices", "not_comparable", "areas")
AREA_KEYS = ("from_round", "sector", "grupo")
AREA_LEVELS = ("sector", "grupo")
SHARE_TOLERANCE = 1e-6


@dataclass(frozen=True, slots=True)
class Crosswalk:
    """One declaration file."""

    where: str  # the file as messages name it
    form_versions: tuple[str, ...] = ()  # whose submissions are read through `questions` and `choices`
    questions: Mapping[str, str] = field(default_factory=dict)  # name in those versions -> current name
    choices: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # current question -> old -> new code
    not_comparable: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # indicator -> reason (es, en)
    from_round: str | None = None  # the earlier round whose areas `areas` places
    areas: Mapping[str, Mapping[str, Mapping[str, float]]] = field(default_factory=dict)  # level -> old -> {new: share}
    declaration: Declaration | None = field(default=None, repr=False, compare=False)

    def renamed(self, version: str | None) -> Mapping[str, str]:
        """The questions renamed in a form version (old name -> current), or none."""
        return self.questions if version is not None and version in self.form_versions else {}

    def recoded(self, version: str | None) -> Mapping[str, Mapping[str, str]]:
        """The codes recoded in a form version (current question -> old code -> current code), or none."""
        return self.choices if version is not None and version in self.form_versions else {}


def _strings(value: Any) -> dict[str, str] | None:
    if not isinstance(value, dict) or not all(isinstance(v, str | int | float) for v in value.values()):
        return None
    return {str(k): str(v) for k, v in value.items()}


def _load(path: Path, folder: Path, problems: list[Notice]) -> Crosswalk | None:
    declaration = read_declaration(path, shown_name(path, folder), RND_001, problems)
    if declaration is None:
        return None
    data, where = declaration.data, declaration.where
    unknown_keys(declaration, data, KEYS, RND_002, problems)
    versions = data.get("form_versions") or []
    if not isinstance(versions, list):
        problems.append(Notice(RND_003, {"where": where("form_versions"), "key": "form_versions",
                                         "expected_es": "una lista de versiones", "expected_en": "a list of versions"}))
        versions = []
    questions = _strings(data.get("questions") or {})
    if questions is None:
        problems.append(Notice(RND_003, {"where": where("questions"), "key": "questions",
                                         "expected_es": "nombre anterior: nombre actual",
                                         "expected_en": "earlier name: current name"}))
    choices: dict[str, dict[str, str]] = {}
    for question, codes in (data.get("choices") or {}).items():
        recoded = _strings(codes)
        if recoded is None:
            problems.append(Notice(RND_003, {"where": where("choices", str(question)), "key": f"choices.{question}",
                                             "expected_es": "código anterior: código actual",
                                             "expected_en": "earlier code: current code"}))
            continue
        choices[str(question)] = recoded
    if (questions or choices) and not versions:
        problems.append(Notice(RND_004, {"where": where()}))
    reasons: dict[str, tuple[str, str]] = {}
    for indicator, reason in (data.get("not_comparable") or {}).items():
        reasons[str(indicator)] = bilingual(reason, f"not_comparable.{indicator}",
                                            where("not_comparable", str(indicator)), problems, RND_005)
    areas = data.get("areas") or {}
    placed: dict[str, dict[str, dict[str, float]]] = {}
    if isinstance(areas, dict):
        unknown_keys(declaration, areas, AREA_KEYS, RND_002, problems, ("areas",))
        for level in AREA_LEVELS:
            placed[level] = _shares(declaration, level, areas.get(level) or {}, problems)
    return Crosswalk(where=where(), form_versions=tuple(str(v) for v in versions), questions=questions or {},
                     choices=choices, not_comparable=reasons,
                     from_round=str(areas["from_round"]) if isinstance(areas, dict) and areas.get("from_round")
                     else None, areas=placed, declaration=declaration)


def _shares(declaration: Declaration, level: str, value: Any, problems: list[Notice]) -> dict[str, dict[str, float]]:
    """old code -> {new code: share}; a code moved whole may be written `old: new`. Shares are in (0, 1] and
    an old area's add up to 1."""
    out: dict[str, dict[str, float]] = {}
    for old, target in (value.items() if isinstance(value, dict) else []):
        where = declaration.where("areas", level, str(old))
        parts = {str(target): 1.0} if isinstance(target, str) else target
        if not isinstance(parts, dict) or not parts or not all(
                isinstance(s, int | float) and not isinstance(s, bool) and 0 < s <= 1 for s in parts.values()):
            problems.append(Notice(RND_003, {"where": where, "key": f"areas.{level}.{old}",
                                             "expected_es": "código nuevo, o {código nuevo: proporción entre 0 y 1}",
                                             "expected_en": "a new code, or {new code: share between 0 and 1}"}))
            continue
        total = math.fsum(float(s) for s in parts.values())
        if abs(total - 1.0) > SHARE_TOLERANCE:
            problems.append(Notice(RND_003, {"where": where, "key": f"areas.{level}.{old}",
                                             "expected_es": f"proporciones que sumen 1 (suman {total:g})",
                                             "expected_en": f"shares adding up to 1 (they add up to {total:g})"}))
            continue
        out[str(old)] = {str(k): float(v) for k, v in parts.items()}
    return out


def load_crosswalks(paths: tuple[Path, ...], folder: Path) -> tuple[tuple[Crosswalk, ...], list[Notice]]:
    """Every declared crosswalk, and every problem their files have (the caller decides when to refuse)."""
    problems: list[Notice] = []
    loaded = [c for path in paths if (c := _load(path, folder, problems)) is not None]
    return tuple(loaded), problems


def rename_references(expression: str, renamed: Mapping[str, str]) -> str:
    """An expression of an earlier version with its `${old}` references read as the current names."""
    if not renamed:
        return expression
    return re.sub(r"\$\{\s*([^}\s]+)\s*\}", lambda m: "${" + renamed.get(m.group(1), m.group(1)) + "}", expression)

"""Codes a crosswalk recodes, read as the current ones: the one SQL expression every stage that reads raw answers
into values uses (validation's typed views and clean.*, and the answers the form's checks see). Only the
submissions of the form versions a crosswalk names are touched; every other row keeps its text as it came."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from cbms.form.spec import FormSpec, Question
from cbms.rounds.crosswalk import Crosswalk
from cbms.store.db import sql_text

Rule = tuple[tuple[str, ...], Mapping[str, str]]  # (form versions, earlier code -> current code)


@dataclass(frozen=True, slots=True)
class Recodes:
    """Per current question name, the recodings in force, in the crosswalks' order."""

    rules: Mapping[str, tuple[Rule, ...]] = field(default_factory=dict)


NO_RECODES = Recodes()


def version_names(versions: Iterable[str], forms: Iterable[FormSpec]) -> tuple[str, ...]:
    """The versions a crosswalk names, with every other name a known form gives the same version (a KoBo
    version uid for an XLSForm `version`, and back: FormSpec.version_names): either one may be written."""
    named = list(dict.fromkeys(versions))
    for form in forms:
        names = form.version_names
        if set(names) & set(named):
            named += [n for n in names if n not in named]
    return tuple(named)


def recodes_of(crosswalks: tuple[Crosswalk, ...], forms: Iterable[FormSpec]) -> Recodes:
    """The recodings the crosswalks declare, per question one rule per set of versions read alike (every
    crosswalk that names a version adds its codes: rounds/declared.py refuses two that disagree); `forms` are
    the versions known (the current form, the registered ones), whose other names widen each crosswalk's."""
    known = tuple(forms)
    merged: dict[str, dict[str, dict[str, str]]] = {}  # question -> version -> earlier code -> current code
    for crosswalk in crosswalks:
        versions = version_names(crosswalk.form_versions, known) if crosswalk.choices else ()
        for question, codes in crosswalk.choices.items():
            for version in versions:
                merged.setdefault(question, {}).setdefault(version, {}).update(codes)
    rules: dict[str, tuple[Rule, ...]] = {}
    for question, by_version in merged.items():
        alike: dict[tuple[tuple[str, str], ...], list[str]] = {}
        for version, codes in by_version.items():
            alike.setdefault(tuple(codes.items()), []).append(version)
        rules[question] = tuple((tuple(versions), dict(codes)) for codes, versions in alike.items())
    return Recodes(rules)


def _case(value: str, codes: Mapping[str, str]) -> str:
    whens = " ".join(f"WHEN {sql_text(old)} THEN {sql_text(new)}" for old, new in codes.items())
    return f"CASE {value} {whens} ELSE {value} END"


def recoded(column: str, question: Question, version: str, recodes: Recodes) -> str:
    """The SQL of a raw answer column (`column`, an SQL expression) read in the current codes: for a submission
    whose form version (`version`, an SQL expression) a crosswalk names, each earlier code becomes the current
    one (each space-separated option of a select_multiple, the spaces kept as they came); the column itself
    when nothing recodes the question."""
    rules = recodes.rules.get(question.name)
    if not rules or question.type not in ("select_one", "select_multiple"):
        return column
    branches = []
    for versions, codes in rules:
        if not versions or not codes:
            continue
        each = f"list_transform(string_split({column}, ' '), lambda code: {_case('code', codes)})"
        translated = _case(column, codes) if question.type == "select_one" else f"array_to_string({each}, ' ')"
        branches.append(f"WHEN {version} IN ({', '.join(sql_text(v) for v in versions)}) THEN {translated}")
    return f"CASE {' '.join(branches)} ELSE {column} END" if branches else column

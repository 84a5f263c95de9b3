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

    def __bool__(self) -> bool:
        return bool(self.rules)


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
    """The recodings the crosswalks declare; `forms` are the versions known (the current form, the registered
    ones), whose other names widen each crosswalk's versions."""
    known = tuple(forms)
    rules: dict[str, list[Rule]] = {}
    for crosswalk in crosswalks:
        if not crosswalk.choices:
            continue
        versions = version_names(crosswalk.form_versions, known)
        for question, codes in crosswalk.choices.items():
            rules.setdefault(question, []).append((versions, dict(codes)))
    return Recodes({q: tuple(r) for q, r in rules.items()})


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

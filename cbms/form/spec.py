"""FormSpec: a typed, immutable view of an XLSForm's questions, choices, groups and repeats."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

# pyxform's internal type names -> the XLSForm names analysts write (and QUESTIONNAIRE.md uses)
XLSFORM_TYPES: Mapping[str, str] = {
    "string": "text",
    "select one": "select_one",
    "select all that apply": "select_multiple",
    "select one external": "select_one_external",
    "select_one_from_file": "select_one_from_file",
    "select_multiple_from_file": "select_multiple_from_file",
}

# the calculate KoBoToolbox adds to a deployed form (`__version__`; `_version_`, `_version__001` when a form
# downloaded from KoBo is uploaded again) and its value: the version uid between quotes
KOBO_VERSION_FIELD = re.compile(r"^(?:__version__|_version_(?:_[0-9]+)?)$")
KOBO_VERSION_LITERAL = re.compile(r"""^\s*['"]([^'"]+)['"]\s*$""")

# types that store no answer in an export
NON_DATA_TYPES = frozenset({"note", "group", "repeat"})
# question types that carry submission metadata rather than an enumerator's answer
META_TYPES = frozenset({"start", "end", "today", "deviceid", "username", "phonenumber", "subscriberid",
                        "simserial", "email", "audit", "start-geopoint", "background-geopoint"})


@dataclass(frozen=True, slots=True)
class Choice:
    """One option of a choice list: its stable code, its labels by language, extra columns."""

    name: str
    labels: Mapping[str, str] = field(default_factory=dict)
    extra: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Question:
    """One survey row that stores data (or a note), with where it sits and the rules it carries."""

    name: str
    type: str  # XLSForm type: text, integer, decimal, date, select_one, select_multiple, geopoint, ...
    path: tuple[str, ...]  # names from the root, groups and repeats included, ending in `name`
    repeat: str | None  # name of the nearest enclosing repeat; None at the root (household) level
    list_name: str | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    hints: Mapping[str, str] = field(default_factory=dict)
    relevant: str | None = None  # own relevance only
    relevant_chain: tuple[str, ...] = ()  # relevance of enclosing groups/repeats, outermost first
    constraint: str | None = None
    constraint_messages: Mapping[str, str] = field(default_factory=dict)
    required: bool = False  # required whenever relevant
    required_messages: Mapping[str, str] = field(default_factory=dict)
    required_if: str | None = None  # required only where this expression holds (XLSForm `required` formula)
    calculation: str | None = None
    choice_filter: str | None = None
    default: str | None = None
    appearance: str | None = None
    row: int | None = None  # 1-based row in the survey sheet, when known

    @property
    def xpath(self) -> str:
        """The path as written in exports with a `/` separator (KoBo) or `-` (Central CSV)."""
        return "/".join(self.path)

    @property
    def stores_data(self) -> bool:
        """True for rows that appear as columns in exports (not notes)."""
        return self.type not in NON_DATA_TYPES and self.type != "note"

    @property
    def asked(self) -> bool:
        """True for rows someone answers (not notes, calculations or metadata the phone records itself)."""
        return self.stores_data and self.type != "calculate" and self.type not in META_TYPES


@dataclass(frozen=True, slots=True)
class Repeat:
    """A begin_repeat: one table in every export, linked to its parent by keys."""

    name: str
    path: tuple[str, ...]
    parent: str | None  # enclosing repeat, None when the parent is the root
    labels: Mapping[str, str] = field(default_factory=dict)
    count: str | None = None  # repeat_count expression
    relevant: str | None = None
    row: int | None = None


@dataclass(frozen=True, slots=True)
class Group:
    """A begin_group with a label: a section of the questionnaire (its questions carry its path)."""

    name: str
    path: tuple[str, ...]
    labels: Mapping[str, str] = field(default_factory=dict)
    relevant: str | None = None
    row: int | None = None


@dataclass(frozen=True, slots=True)
class FormSpec:
    """Everything later stages need to know about a form, without importing pyxform."""

    form_id: str
    version: str | None
    title: str
    default_language: str | None
    languages: tuple[str, ...]
    questions: tuple[Question, ...]
    choices: Mapping[str, tuple[Choice, ...]]
    repeats: tuple[Repeat, ...]
    groups: tuple[Group, ...] = ()
    # earlier names of questions (name in an earlier form version -> current name), from the round's crosswalks:
    # an export that still uses them lands in the current columns (form/layout.py). Not kept with the form's JSON.
    aliases: Mapping[str, str] = field(default_factory=dict)

    def __iter__(self) -> Iterator[Question]:
        return iter(self.questions)

    def question(self, name: str) -> Question:
        """The first question called `name` (raises KeyError when absent)."""
        for q in self.questions:
            if q.name == name:
                return q
        raise KeyError(name)

    def get(self, name: str) -> Question | None:
        """The first question called `name`, or None."""
        try:
            return self.question(name)
        except KeyError:
            return None

    def table(self, repeat: str | None) -> tuple[Question, ...]:
        """The data-storing questions of one level: None for the root, else a repeat's name."""
        return tuple(q for q in self.questions if q.repeat == repeat and q.stores_data)

    def choice_names(self, name: str) -> tuple[str, ...]:
        """The choice codes offered by question `name` (empty for non-select questions)."""
        q = self.question(name)
        return tuple(c.name for c in self.choices.get(q.list_name or "", ()))

    @property
    def version_names(self) -> tuple[str, ...]:
        """Every name a server gives this form version in its exports: the XLSForm `version` (ODK Central's
        `FormVersion`) and the KoBoToolbox version uid. KoBo stamps each submission's `__version__` with the uid of
        the deployed version, never with the XLSForm's `version` (it rewrites that as "N (date)"); the uid is in
        a KoBo asset's `version_id` (form/kobo.py reads it as the version) and, in an XLSForm downloaded from
        KoBo, as the literal of the `__version__` calculate KoBo adds to the form."""
        names = [self.version] if self.version else []
        for q in self.questions:
            if q.type == "calculate" and KOBO_VERSION_FIELD.match(q.name) and q.calculation:
                literal = KOBO_VERSION_LITERAL.match(q.calculation)
                if literal:
                    names.append(literal.group(1))
        return tuple(dict.fromkeys(names))

    @property
    def tables(self) -> tuple[str | None, ...]:
        """The levels in form order: None (root) first, then each repeat."""
        return (None, *(r.name for r in self.repeats))


def spec_to_json(spec: FormSpec) -> str:
    """The FormSpec as JSON text (what the database keeps of each registered form version)."""
    data = asdict(spec)
    del data["aliases"]  # the round's crosswalks say them, not the form file
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def spec_from_json(text: str) -> FormSpec:
    """The FormSpec `spec_to_json` wrote (also one an earlier cbms wrote: fields it lacks take their defaults,
    fields it has that are gone are left out)."""
    data = json.loads(text)

    def build(kind: type[Any], values: dict[str, Any], tuples: tuple[str, ...] = ()) -> Any:
        known = {f.name for f in fields(kind)}
        return kind(**{k: tuple(v) if k in tuples else v for k, v in values.items() if k in known})

    return FormSpec(
        form_id=data["form_id"], version=data["version"], title=data["title"],
        default_language=data["default_language"], languages=tuple(data["languages"]),
        questions=tuple(build(Question, q, ("path", "relevant_chain")) for q in data["questions"]),
        choices={name: tuple(build(Choice, c) for c in options) for name, options in data["choices"].items()},
        repeats=tuple(build(Repeat, r, ("path",)) for r in data["repeats"]),
        groups=tuple(build(Group, g, ("path",)) for g in data.get("groups", [])))

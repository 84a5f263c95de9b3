"""The form as the field instruments show it: one language, questions numbered, sections, rules and skips in words."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cbms.config import ROOT
from cbms.errors import FORM_011, FORM_012, FORM_014, LANGS, CbmsError, Lang
from cbms.form.spec import FormSpec, Question
from cbms.form.words import Phrasing, Terms, Worded, truth_given

INSTRUMENTS = ROOT / "reports" / "instruments"
SETTINGS_FILE = "instruments.yaml"
STYLESHEET = "instruments.css"
LANGUAGE_NAMES: Mapping[Lang, tuple[str, ...]] = {
    "es": ("español", "espanol", "spanish", "castellano"),
    "en": ("english", "inglés", "ingles"),
}
_CODE_IN_NAME = re.compile(r"\(([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)?\)\s*$")
_REFERENCE = re.compile(r"\$\{([^}]+)\}")
_WHOLE_NUMBER = re.compile(r"^-?\d+$")
KINDS = {"relevant": ("relevancia", "relevance"), "constraint": ("restricción", "constraint"),
         "choice_filter": ("lista filtrada", "choice filter"), "required": ("obligatoriedad", "required condition")}


@dataclass(frozen=True)
class Settings:
    """reports/instruments/instruments.yaml: the words in both languages, the layout, roles and respondents."""

    folder: Path
    words: Mapping[str, Mapping[str, str]]
    layout: Mapping[str, int]
    roles: Mapping[str, Any]
    respondents: Mapping[str, Any]

    def vocab(self, lang: Lang) -> dict[str, str]:
        """Every word in one language."""
        return {key: texts[lang] for key, texts in self.words.items()}


def load_settings(folder: Path = INSTRUMENTS) -> Settings:
    """Read instruments.yaml, refusing a word that lacks Spanish or English."""
    path = folder / SETTINGS_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise CbmsError(FORM_014, path=path, reason=" ".join(str(exc).split())) from exc
    if not isinstance(data, dict) or not all(isinstance(data.get(k), dict) for k in
                                             ("words", "layout", "roles", "respondents")):
        raise CbmsError(FORM_014, path=path, reason="words, layout, roles, respondents")
    for key, texts in data["words"].items():
        if not isinstance(texts, dict) or any(not isinstance(texts.get(lang), str) for lang in LANGS):
            raise CbmsError(FORM_014, path=path, reason=f"words.{key}: es / en")
    for key, value in data["layout"].items():
        if not isinstance(value, int) or value < 1:
            raise CbmsError(FORM_014, path=path, reason=f"layout.{key}: {value!r}")
    return Settings(folder=folder, words=data["words"], layout=data["layout"], roles=data["roles"],
                    respondents=data["respondents"])


def form_language(spec: FormSpec, lang: Lang) -> str | None:
    """The form's language for `lang`: a name ending in '(es)', or one called Español / Spanish; None if none."""
    for language in spec.languages:
        code = _CODE_IN_NAME.search(language)
        if (code and code.group(1).lower() == lang) or language.strip().lower() in LANGUAGE_NAMES[lang]:
            return language
    return None


@dataclass(frozen=True)
class Option:
    """A choice as printed: its paper number, label, the stored code when it differs, where to go next."""

    number: str
    label: str
    code: str | None = None
    skip: str | None = None


@dataclass
class Block:
    """A group or repeat (or the root) with what sits in it, in form order: questions and smaller blocks."""

    kind: str  # root | group | repeat
    name: str
    path: tuple[str, ...]
    labels: Mapping[str, str] = field(default_factory=dict)
    relevant: str | None = None
    entries: list[Question | Block] = field(default_factory=list)

    def questions(self) -> list[Question]:
        """Every question inside, nested blocks included, in order."""
        out: list[Question] = []
        for entry in self.entries:
            out += entry.questions() if isinstance(entry, Block) else [entry]
        return out


def outline(spec: FormSpec) -> Block:
    """The form as nested blocks: groups and repeats from the questions' paths, in form order."""
    containers: dict[tuple[str, ...], Block] = {}
    for group in spec.groups:
        containers[group.path] = Block("group", group.name, group.path, group.labels, group.relevant)
    for repeat in spec.repeats:
        containers[repeat.path] = Block("repeat", repeat.name, repeat.path, repeat.labels, repeat.relevant)
    root = Block("root", spec.form_id, ())
    placed: set[tuple[str, ...]] = set()
    for question in spec.questions:
        parent = root
        for depth in range(1, len(question.path)):
            block = containers.get(question.path[:depth])
            if block is None:  # a bodyless group (meta): its questions sit in the enclosing block
                continue
            if block.path not in placed:
                parent.entries.append(block)
                placed.add(block.path)
            parent = block
        parent.entries.append(question)
    return root


class Document:
    """One form in one language: what both instruments print, and the rules they could not put into words."""

    def __init__(self, spec: FormSpec, lang: Lang, settings: Settings, source: Path) -> None:
        self.spec, self.lang, self.settings, self.source = spec, lang, settings, source
        self.vocab = settings.vocab(lang)
        self.problems: list[CbmsError] = []
        self.language = form_language(spec, lang)
        if self.language is None:
            found = spec.default_language or (spec.languages[0] if spec.languages else "default")
            self.problems.append(CbmsError(FORM_012, path=source.name, found=found,
                                           lang_es={"es": "español", "en": "inglés"}[lang],
                                           lang_en={"es": "Spanish", "en": "English"}[lang]))
        self.numbers = {q.name: n for n, q in enumerate((q for q in spec.questions if q.asked), start=1)}
        self.refs: dict[str, str] = {}
        self.refs = {q.name: self._ref_name(q) for q in spec.questions}
        roles = settings.roles
        sexes = {"female": str(roles.get("female", "female")), "male": str(roles.get("male", "male"))}
        selects = {q.name: q for q in spec.questions if q.list_name}
        self.terms = Terms(
            vocab=self.vocab, refs=self.refs,
            choices={name: {c.name: self.text(c.labels) or c.name for c in spec.choices.get(q.list_name or "", ())}
                     for name, q in selects.items()},
            kinds={q.name: q.type for q in spec.questions},
            ages=frozenset(str(n) for n in roles.get("age", []) if spec.get(str(n)) is not None),
            sexes={str(n): sexes for n in roles.get("sex", []) if spec.get(str(n)) is not None},
            decimal_comma=lang == "es",
        )
        self.phrasing = Phrasing(self.terms)
        self._warned: set[tuple[str, str]] = set()

    # ------------------------------------------------------------------------------------------ texts
    def word(self, key: str, **fields: object) -> str:
        """A fixed word of the instruments in the document's language."""
        return self.vocab[key].format(**fields)

    def text(self, texts: Mapping[str, str]) -> str:
        """A form text in the document's language (else the default language, else any), references as (P12)."""
        chosen = (texts.get(self.language or "") or texts.get(self.spec.default_language or "")
                  or texts.get("default") or next(iter(texts.values()), ""))
        return _REFERENCE.sub(lambda m: f"({self.refs.get(m.group(1), m.group(1))})", chosen)

    def number(self, question: Question) -> str:
        """P12 (Q12 in English); '' for what is not asked."""
        n = self.numbers.get(question.name)
        return self.word("number", n=n) if n is not None else ""

    def label(self, question: Question) -> str:
        """The question's text, or its name when it has none."""
        return self.text(question.labels) or question.name

    def block_title(self, block: Block) -> str:
        """A group's or repeat's label ('' for an unlabelled group)."""
        return self.text(block.labels) if block.labels else ("" if block.kind == "group" else block.name)

    def _ref_name(self, question: Question) -> str:
        if question.name in self.numbers:
            return self.word("number", n=self.numbers[question.name])
        if question.calculation and question.calculation.replace(" ", "") == "position(..)":
            return self.word("position")
        return self.text(question.labels) or f"«{question.name}»"

    # ------------------------------------------------------------------------------------------ choices
    def options(self, question: Question) -> list[Option]:
        """The choices with a number to tick or write: the code itself when every code is a whole number, else
        1, 2, 3 in order (the stored code beside it)."""
        choices = self.spec.choices.get(question.list_name or "", ())
        numeric = bool(choices) and all(_WHOLE_NUMBER.match(c.name) for c in choices)
        skips = self.skips(question) if question.type == "select_one" else {}
        return [Option(number=c.name if numeric else str(i), label=self.text(c.labels) or c.name,
                       code=None if numeric else c.name, skip=skips.get(c.name))
                for i, c in enumerate(choices, start=1)]

    # ------------------------------------------------------------------------------------------ rules
    def relevance(self, expression: str | None, owner: str, row: int | None) -> Worded | None:
        """A relevance as an instruction (None when there is none); listed as a problem when not in words."""
        if not expression:
            return None
        return self._checked(self.phrasing.relevance(expression), "relevant", owner, row)

    def constraint(self, question: Question) -> Worded | None:
        """The question's constraint as a note."""
        if not question.constraint:
            return None
        return self._checked(self.phrasing.constraint(question.constraint, question.name), "constraint",
                             question.name, question.row)

    def choice_filter(self, question: Question) -> Worded | None:
        """Which options a filtered list shows."""
        if not question.choice_filter:
            return None
        return self._checked(self.phrasing.choice_filter(question.choice_filter), "choice_filter",
                             question.name, question.row)

    def required_if(self, question: Question) -> Worded | None:
        """The condition under which a question is required, when it is a formula."""
        if not question.required_if:
            return None
        return self._checked(self.phrasing.condition(question.required_if), "required", question.name, question.row)

    def _checked(self, worded: Worded, kind: str, owner: str, row: int | None) -> Worded:
        if not worded.worded and (owner, kind) not in self._warned:
            self._warned.add((owner, kind))
            kind_es, kind_en = KINDS[kind]
            self.problems.append(CbmsError(FORM_011, path=self.source.name, row=row or "?", kind_es=kind_es,
                                           kind_en=kind_en, name=owner, expression=worded.text))
        return worded

    def skips(self, question: Question) -> dict[str, str]:
        """Choice code -> "Pase a P20" (or end of interview / next line) when that answer skips questions."""
        spec = self.spec
        index = spec.questions.index(question)
        scope = next((r.path for r in spec.repeats if r.name == question.repeat), ())
        later = [q for q in spec.questions[index + 1:] if q.path[:len(scope)] == scope]
        following = next((q for q in later if q.asked), None)
        if following is None:
            return {}
        out: dict[str, str] = {}
        for choice in spec.choices.get(question.list_name or "", ()):
            known = {question.name: choice.name}
            target: Question | None = None
            for q in later:
                conditions = [c for c in (*q.relevant_chain, q.relevant) if c]
                values = [truth_given(c, known) for c in conditions]
                if False in values:
                    known[q.name] = ""  # not asked: empty, and what depends on it follows
                    continue
                if q.asked:
                    target = q
                    break
            if target is following:
                continue
            if target is not None:
                out[choice.name] = self.word("skip_to", ref=self.number(target))
            else:
                out[choice.name] = self.word("skip_end" if question.repeat is None else "skip_next_line")
        return out

    def repeat_count(self, name: str) -> str:
        """A repeat's count expression with its references named (P25), '' when it has none."""
        count = next((r.count for r in self.spec.repeats if r.name == name), None)
        return _REFERENCE.sub(lambda m: self.refs.get(m.group(1), m.group(1)), count) if count else ""

    def depends_on(self, question: Question) -> list[Question]:
        """The asked questions whose relevance, constraint or choice filter read this question's answer."""
        needle = f"${{{question.name}}}"
        return [q for q in self.spec.questions if q.asked and q is not question and any(
            needle in (text or "") for text in (q.relevant, *q.relevant_chain, q.constraint, q.choice_filter))]

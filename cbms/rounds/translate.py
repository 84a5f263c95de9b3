"""An earlier form version read in the current names and codes, so that its own rules (relevance, constraints,
`required`, choice lists) judge its submissions after the crosswalk has put them in the current names and codes:
questions renamed, references to them renamed, the recoded questions' lists and the quoted codes compared with
them in expressions recoded."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

from cbms.form.spec import Choice, FormSpec, Question
from cbms.rounds.crosswalk import Crosswalk, rename_references

_DOT = r"(?<![\w.])\.(?![\w./])"  # the question itself in its own constraint, not `..` nor a number's point


def _named(form: FormSpec, crosswalks: tuple[Crosswalk, ...]) -> list[Crosswalk]:
    names = set(form.version_names)
    return [c for c in crosswalks if names & set(c.form_versions)]


def recode_literals(expression: str, recoded: Mapping[str, Mapping[str, str]], own: str | None = None) -> str:
    """An expression with the quoted codes it compares a recoded question with (`${q} = 'x'`, `'x' != ${q}`,
    `selected(${q}, 'x')`; `.` for the question `own` itself) read as the current codes. Only these forms are
    recognised: a code reached another way (a variable, `jr:choice-name`) is left as it is."""
    for question, codes in recoded.items():
        if not codes:
            continue
        ref = "(?:" + "|".join([re.escape("${" + question + "}"), *([_DOT] if own == question else [])]) + ")"

        def swap(match: re.Match[str], codes: Mapping[str, str] = codes) -> str:
            before, quote, code, after = match.group("before", "quote", "code", "after")
            return f"{before or ''}{quote}{codes.get(code, code)}{quote}{after or ''}"

        literal = r"""(?P<quote>['"])(?P<code>[^'"]*)(?P=quote)"""
        for pattern in (rf"(?P<before>{ref}\s*!?=\s*){literal}(?P<after>)",
                        rf"(?P<before>selected\s*\(\s*{ref}\s*,\s*){literal}(?P<after>)",
                        rf"(?P<before>){literal}(?P<after>\s*!?=\s*{ref})"):
            expression = re.sub(pattern, swap, expression)
    return expression


def _expression(text: str | None, renamed: Mapping[str, str], recoded: Mapping[str, Mapping[str, str]],
                own: str | None = None) -> str | None:
    if not text:
        return text
    return recode_literals(rename_references(text, renamed), recoded, own)


def _question(q: Question, renamed: Mapping[str, str], recoded: Mapping[str, Mapping[str, str]]) -> Question:
    """A question in the current names; a recoded one offers its own copy of the list (another question may
    share the earlier list unrecoded)."""
    name = renamed.get(q.name, q.name)
    return replace(q, name=name, path=(*q.path[:-1], name),
                   list_name=f"{q.list_name}@{name}" if name in recoded and q.list_name else q.list_name,
                   relevant=_expression(q.relevant, renamed, recoded),
                   relevant_chain=tuple(_expression(e, renamed, recoded) or "" for e in q.relevant_chain),
                   constraint=_expression(q.constraint, renamed, recoded, own=name),
                   required_if=_expression(q.required_if, renamed, recoded),
                   calculation=_expression(q.calculation, renamed, recoded),
                   choice_filter=_expression(q.choice_filter, renamed, recoded))


def translated(form: FormSpec, crosswalks: tuple[Crosswalk, ...]) -> FormSpec:
    """The form in the current names and codes when a crosswalk names its version; the form itself otherwise."""
    named = _named(form, crosswalks)
    renamed = {old: current for c in named for old, current in c.questions.items()}
    recoded: dict[str, dict[str, str]] = {}
    for crosswalk in named:
        for name, codes in crosswalk.choices.items():
            recoded.setdefault(name, {}).update(codes)
    if not renamed and not recoded:
        return form
    questions = tuple(_question(q, renamed, recoded) for q in form.questions)
    choices: dict[str, tuple[Choice, ...]] = dict(form.choices)
    for earlier, q in zip(form.questions, questions, strict=True):
        if q.name in recoded and q.list_name and earlier.list_name and q.list_name not in choices:
            codes = recoded[q.name]
            # two earlier codes read as one current code: the list offers it once (the first one's labels)
            kept = {codes.get(c.name, c.name): c for c in reversed(form.choices.get(earlier.list_name, ()))}
            choices[q.list_name] = tuple(replace(c, name=code) for code, c in reversed(kept.items()))
    repeats = tuple(replace(r, count=_expression(r.count, renamed, recoded),
                            relevant=_expression(r.relevant, renamed, recoded)) for r in form.repeats)
    groups = tuple(replace(g, relevant=_expression(g.relevant, renamed, recoded)) for g in form.groups)
    return replace(form, questions=questions, choices=choices, repeats=repeats, groups=groups)

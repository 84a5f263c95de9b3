"""The round's crosswalks as ingest and validation use them: loaded, checked against each other (an earlier name
or code read two ways is a contradiction, not a choice to make) and against the current form (an earlier name it
still uses), and refused at once, every problem located."""

from __future__ import annotations

from pathlib import Path

from cbms.errors import RND_040, RND_041, RND_042, RND_043, CbmsError, Notice
from cbms.form.spec import FormSpec
from cbms.rounds.crosswalk import Crosswalk, load_crosswalks


def _where(crosswalk: Crosswalk, *key: str) -> str:
    return crosswalk.declaration.where(*key) if crosswalk.declaration is not None else crosswalk.where


def conflicts(crosswalks: tuple[Crosswalk, ...]) -> list[Notice]:
    """Each earlier question name two crosswalks read as two current names (ingest lands a column in one place
    whatever the version), and each earlier code of a question two crosswalks recode differently for a form
    version both name."""
    problems: list[Notice] = []
    first_name: dict[str, Crosswalk] = {}
    for crosswalk in crosswalks:
        for old, current in crosswalk.questions.items():
            seen = first_name.setdefault(old, crosswalk)
            if seen is not crosswalk and seen.questions[old] != current:
                problems.append(Notice(RND_041, {"where": _where(crosswalk, "questions", old), "old": old,
                                                 "current": current, "other": seen.questions[old],
                                                 "other_where": _where(seen, "questions", old)}))
    for index, crosswalk in enumerate(crosswalks):
        for earlier in crosswalks[:index]:
            shared = sorted(set(crosswalk.form_versions) & set(earlier.form_versions))
            if not shared:
                continue
            for question, codes in crosswalk.choices.items():
                for old, current in codes.items():
                    other = earlier.choices.get(question, {}).get(old)
                    if other is not None and other != current:
                        problems.append(Notice(RND_042, {
                            "where": _where(crosswalk, "choices", question), "old": old, "question": question,
                            "current": current, "other": other, "versions": ", ".join(shared),
                            "other_where": _where(earlier, "choices", question)}))
    return problems


def clashes(crosswalks: tuple[Crosswalk, ...], form: FormSpec) -> list[Notice]:
    """Each earlier name the current form still gives a question at the level of the question it is declared
    an earlier name of: a column of that name could be either (the current question keeps it: form/layout.py)."""
    names: dict[str | None, set[str]] = {}
    for q in form.questions:
        if q.stores_data:
            names.setdefault(q.repeat, set()).add(q.name)
    problems = []
    for crosswalk in crosswalks:
        for old, current in crosswalk.questions.items():
            levels = {q.repeat for q in form.questions if q.stores_data and q.name == current}
            if any(old in names.get(level, set()) for level in levels):
                problems.append(Notice(RND_043, {"where": _where(crosswalk, "questions", old), "old": old,
                                                 "current": current}))
    return problems


def round_crosswalks(paths: tuple[Path, ...], folder: Path, manifest: Path | str,
                     form: FormSpec) -> tuple[Crosswalk, ...]:
    """The crosswalks a manifest names, for its current form; one RND_040 listing every problem of their files,
    between them, and with the form."""
    loaded, problems = load_crosswalks(paths, folder)
    problems += conflicts(loaded) + clashes(loaded, form)
    if problems:
        raise CbmsError(RND_040, path=manifest, count=len(problems)).with_problems(tuple(problems))
    return loaded

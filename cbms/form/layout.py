"""The raw-table layout a form implies, built once per FormSpec and read by every stage after the form: one table
per level (the submission, then each repeat), the key columns every table carries, each level's answer columns,
the question behind each column, and every way an export may spell a question's column."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cbms.form.spec import FormSpec, Question

ROOT = "household"  # name of the root level's table (the submission itself)

# system columns every raw table carries, in this order, before the form's fields
KEY_COLUMNS = ("_submission_key", "_version_id", "_row_key", "_parent_key")
VERSION_COLUMNS = ("_submitted_at", "_edits", "_deprecated_id")  # which version is newest (root only)
FORM_VERSION = "_form_version"  # the form version that collected the submission, as the server says (root only)
SOURCE_COLUMNS = ("_source_file", "_row_number")
HEAD_COLUMNS = KEY_COLUMNS + VERSION_COLUMNS + (FORM_VERSION,) + SOURCE_COLUMNS
# JSON text: server metadata; columns the form does not know; and (root only) the form's columns the export's
# files did not carry, per level ({"household": ["any_death"]}): those answers are unknown, not empty
ABSENT = "_absent"
TAIL_COLUMNS = ("_meta", "_extra", ABSENT)
# the keys validation's typed views and clean.* carry (before the answers)
STAGE_KEYS = ("_submission_key", "_row_key", "_parent_key", "_version_id", "_submitted_at", "_edits",
              "_deprecated_id")


def level_name(repeat: str | None) -> str:
    """The table name of a form level."""
    return ROOT if repeat is None else repeat


def column_name(question: Question, ambiguous: bool) -> str:
    """The raw column of a question: its name, or its '/'-joined path when another question shares it."""
    return "/".join(question.path) if ambiguous else question.name


@dataclass(frozen=True, slots=True)
class Layout:
    """What a form's raw tables look like."""

    fields: Mapping[str, tuple[str, ...]]  # level -> raw answer columns, in form order
    questions: Mapping[str, Mapping[str, Question]]  # level -> raw column -> its question
    spellings: Mapping[str, Mapping[str, str]]  # level -> a column name an export may use -> raw column
    parents: Mapping[str, str | None]  # level -> the level its rows point to (None for the root)
    roots: Mapping[str, tuple[str, ...]]  # level -> the path of its repeat from the form root

    def parent(self, level: str) -> str | None:
        """The table a level's rows point to (None for the root)."""
        return self.parents[level]

    def repeat_root(self, level: str) -> tuple[str, ...]:
        """The path of a repeat from the form root (empty for the root level)."""
        return self.roots[level]


def _build(form: FormSpec) -> Layout:
    counts: dict[tuple[str, str], int] = {}
    for q in form.questions:
        if q.stores_data:
            key = (level_name(q.repeat), q.name)
            counts[key] = counts.get(key, 0) + 1
    roots = {level_name(r.name): r.path for r in form.repeats} | {ROOT: ()}
    fields: dict[str, list[str]] = {level_name(r): [] for r in form.tables}
    questions: dict[str, dict[str, Question]] = {level: {} for level in fields}
    spellings: dict[str, dict[str, str]] = {level: {} for level in fields}
    for q in form.questions:
        if not q.stores_data:
            continue
        level = level_name(q.repeat)
        unique = counts[(level, q.name)] == 1
        raw = column_name(q, not unique)
        fields[level].append(raw)
        questions[level][raw] = q
        # full path with '/' (KoBo) or '-' (Central), the path relative to its repeat (Central repeat files,
        # OData), and the bare name where it is unique in the level (Central's `groupPaths=false`)
        relative = q.path[len(roots[level]):]
        for spelling in ("/".join(q.path), "-".join(q.path), "/".join(relative), "-".join(relative),
                         *((q.name,) if unique else ())):
            spellings[level].setdefault(spelling, raw)
    _alias_spellings(form, roots, counts, spellings)
    parents = {level_name(r.name): level_name(r.parent) for r in form.repeats} | {ROOT: None}
    return Layout(fields={k: tuple(v) for k, v in fields.items()}, questions=questions, spellings=spellings,
                  parents=parents, roots=roots)


def _alias_spellings(form: FormSpec, roots: Mapping[str, tuple[str, ...]], counts: Mapping[tuple[str, str], int],
                     spellings: dict[str, dict[str, str]]) -> None:
    """An earlier name of a question (FormSpec.aliases) spelt every way its current name is: an export of the
    version that used it lands in the current column. Added after every current spelling, so a name the current
    form uses keeps meaning its own question."""
    earlier: dict[str, list[str]] = {}
    for old, current in form.aliases.items():
        earlier.setdefault(current, []).append(old)
    for q in form.questions:
        if not q.stores_data or q.name not in earlier:
            continue
        level = level_name(q.repeat)
        unique = counts[(level, q.name)] == 1
        raw = column_name(q, not unique)
        for old in earlier[q.name]:
            path = (*q.path[:-1], old)
            relative = path[len(roots[level]):]
            for spelling in ("/".join(path), "-".join(path), "/".join(relative), "-".join(relative),
                             *((old,) if unique else ())):
                spellings[level].setdefault(spelling, raw)


_BUILT: dict[int, tuple[FormSpec, Layout]] = {}


def layout_of(form: FormSpec) -> Layout:
    """The form's layout, built the first time it is asked for and shared by every stage after that."""
    held = _BUILT.get(id(form))
    if held is None or held[0] is not form:  # the id of a form no longer held may be reused by another
        held = _BUILT[id(form)] = (form, _build(form))
        if len(_BUILT) > 64:  # forms are few; a long test session reads many
            _BUILT.pop(next(iter(_BUILT)))
    return held[1]

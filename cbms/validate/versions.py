"""Which rules judge each submission: those of the form version that collected it (its registered form, else the
nearest registered version), minus the rules that read a column that version's data lack. Such a rule is not
applied to those submissions and is reported once, so it never empties an answer it could not evaluate."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from cbms.errors import VAL_010, Notice
from cbms.form.layout import ABSENT, FORM_VERSION, ROOT, layout_of, level_name
from cbms.form.spec import FormSpec, Question
from cbms.rounds.crosswalk import Crosswalk
from cbms.rounds.translate import translated
from cbms.store.db import quote, registered_forms

KEYS_VIEW = "judge_keys"  # (_form_version, _absent, _judge): registered while the levels are read


@dataclass(frozen=True, slots=True)
class Judge:
    """The rules one group of submissions is judged by."""

    version: str | None  # the version the export names (None: it names none, the current form judges)
    form: FormSpec  # the form whose rules apply: the version's own, or the nearest registered one
    declared: bool  # the version's own form is registered
    absent: Mapping[str, frozenset[str]]  # per level: columns of the current layout these submissions lack
    lacking: frozenset[str]  # the same, as the question names expressions use
    questions: Mapping[tuple[str, str], Question] = field(repr=False)  # (level, column) -> the judge's question

    def question(self, level: str, column: str) -> Question | None:
        """The judge's question for a column of the current layout (None: this version has no such question)."""
        if column in self.absent.get(level, ()):
            return None
        return self.questions.get((level, column))


@dataclass(frozen=True, slots=True)
class Judging:
    """Every judge, the key table rows are matched with, and what was said about versions."""

    judges: tuple[Judge, ...]
    keys: pa.Table  # _form_version, _absent, _judge (index into judges)
    notes: tuple[Notice, ...]


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def nearest(version: str, known: list[str]) -> str | None:
    """The registered version nearest to one that has no form, when versions are numbers (ODK's yyyymmddNN
    convention): by numeric distance, ties to the earlier. Opaque ids (KoBo's `vLRmZ...`) have no distance:
    None, and the round's current form judges."""
    target = _number(version)
    numbers = {k: n for k in known if (n := _number(k)) is not None}
    if target is None or not numbers:
        return None
    return min(numbers, key=lambda k: (abs(numbers[k] - target), numbers[k]))


def _questions(current: FormSpec, judge: FormSpec) -> dict[tuple[str, str], Question]:
    """Each column of the current layout -> the judge form's question of the same level and path (else name)."""
    by_path = {(level_name(q.repeat), q.path): q for q in judge.questions if q.stores_data}
    names: dict[tuple[str, str], list[Question]] = {}
    for q in judge.questions:
        if q.stores_data:
            names.setdefault((level_name(q.repeat), q.name), []).append(q)
    out: dict[tuple[str, str], Question] = {}
    for level, columns in layout_of(current).questions.items():
        for column, q in columns.items():
            same = by_path.get((level, q.path))
            if same is None:  # moved to another group between versions: the same name, if only one
                candidates = names.get((level, q.name), [])
                same = candidates[0] if len(candidates) == 1 else None
            if same is not None:
                out[(level, column)] = same
    return out


def _empty_in_version(con: duckdb.DuckDBPyConnection, form: FormSpec,
                      versions: list[str]) -> dict[tuple[str, str], frozenset[str]]:
    """(version, level) -> the columns no submission of that version answered, where the version has rows.

    Used only for versions without a form file: a server's export carries the columns of every version, so a
    question a version did not have shows as a column left empty by all of its submissions."""
    if not versions:
        return {}
    out: dict[tuple[str, str], frozenset[str]] = {}
    chosen = ", ".join("'" + v.replace("'", "''") + "'" for v in versions)
    for level, columns in layout_of(form).fields.items():
        counts = ", ".join(f"count(t.{quote(c)})" for c in columns)
        source = (f"raw.{quote(ROOT)} t" if level == ROOT else
                  f"raw.{quote(level)} t JOIN raw.{quote(ROOT)} r USING (_submission_key)")
        version = "t" if level == ROOT else "r"
        for row in con.execute(f"SELECT {version}.{FORM_VERSION}, {counts} FROM {source} "
                               f"WHERE {version}.{FORM_VERSION} IN ({chosen}) GROUP BY ALL").fetchall():
            out[(str(row[0]), level)] = frozenset(c for c, n in zip(columns, row[1:], strict=True) if n == 0)
    return out


def by_name(form: FormSpec, registered: Mapping[str | None, FormSpec]) -> dict[str, FormSpec]:
    """Every name a version is exported under (FormSpec.version_names: the XLSForm `version`, a KoBo version
    uid) -> its form: the registered versions, then the current form (which wins a name both give)."""
    names = {name: spec for spec in registered.values() for name in spec.version_names}
    return names | {name: form for name in form.version_names}


def judge_submissions(con: duckdb.DuckDBPyConnection, form: FormSpec,
                      crosswalks: tuple[Crosswalk, ...] = ()) -> Judging:
    """A judge per (form version, columns the export lacked) found in raw.household. A registered version a
    crosswalk names judges in the current names and codes (its submissions are read through the crosswalk)."""
    forms = registered_forms(con, form.form_id)
    named = by_name(form, forms)
    combos = con.execute(f"SELECT {FORM_VERSION}, {ABSENT}, count(*) FROM raw.{quote(ROOT)} "
                         f"GROUP BY ALL ORDER BY ALL NULLS FIRST").fetchall()
    known = sorted(v for v in forms if v is not None)
    chosen: dict[str | None, tuple[FormSpec, bool]] = {}
    notes: list[Notice] = []
    read: dict[int, FormSpec] = {}  # each registered form in the current names, once

    def current_names(spec: FormSpec) -> FormSpec:
        return read.setdefault(id(spec), translated(spec, crosswalks))

    for version in dict.fromkeys(v for v, _, _ in combos):
        if version is None or named.get(version) is form:
            chosen[version] = (form, True)
        elif version in named:
            chosen[version] = (current_names(named[version]), True)
        else:
            judge = nearest(version, known)
            chosen[version] = (current_names(forms[judge]) if judge is not None else form, False)
            count = sum(n for v, _, n in combos if v == version)
            notes.append(Notice(VAL_010, {"version": version, "count": count, "judge": judge or form.version}))
    empty = _empty_in_version(con, form, [str(v) for v, (_, declared) in chosen.items() if not declared])
    names = {level: {c: q.name for c, q in columns.items()} for level, columns in layout_of(form).questions.items()}
    matched: dict[int, dict[tuple[str, str], Question]] = {}
    judges: list[Judge] = []
    for version, absent_json, _ in combos:
        judge_form, declared = chosen[version]
        questions = matched.setdefault(id(judge_form), _questions(form, judge_form))
        header: dict[str, list[str]] = json.loads(absent_json) if absent_json else {}
        absent = {level: frozenset(header.get(level, ()))
                  | frozenset(c for c in columns if (level, c) not in questions)
                  | empty.get((str(version), level), frozenset())
                  for level, columns in layout_of(form).fields.items()}
        lacking = frozenset(names[level][c] for level, columns in absent.items() for c in columns)
        judges.append(Judge(version, judge_form, declared, absent, lacking, questions))
    keys = pa.table({FORM_VERSION: pa.array([v for v, _, _ in combos], pa.string()),
                     ABSENT: pa.array([a for _, a, _ in combos], pa.string()),
                     "_judge": pa.array(range(len(combos)), pa.int64())})
    return Judging(tuple(judges), keys, tuple(notes))

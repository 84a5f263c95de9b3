"""`cbms rounds check`: the manifest's crosswalks against what they name — the current form and the registered
version forms (questions and choice codes), the indicator catalogue (not-comparable indicators) and both rounds'
geographies (area codes) — every problem at once, each at its file and line."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cbms.config import Manifest, load_manifest
from cbms.errors import (
    RND_020,
    RND_023,
    RND_024,
    RND_025,
    RND_026,
    RND_027,
    RND_028,
    RND_029,
    RND_031,
    RND_033,
    Notice,
)
from cbms.form import open_form
from cbms.form.spec import FormSpec
from cbms.indicators import load_catalogue
from cbms.located import Declaration, did_you_mean
from cbms.published.mart import read_geography
from cbms.rounds.aliases import read_through
from cbms.rounds.areas import declared_areas, place_areas
from cbms.rounds.crosswalk import AREA_LEVELS, Crosswalk, load_crosswalks


@dataclass(frozen=True, slots=True)
class RoundsCheck:
    """What the check found: problems (exit 1) and warnings (what the change table will leave out)."""

    crosswalks: int
    problems: tuple[Notice, ...]
    warnings: tuple[Notice, ...]


def previous_manifest(manifest: Manifest) -> Path | None:
    """The manifest beside this one whose round is this one's earlier round, if there is one."""
    for path in sorted(manifest.path.parent.glob("*.toml")):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue
        found = data.get("round", {})
        if path.resolve() != manifest.path and isinstance(found, dict) and found.get("id") == manifest.previous_round:
            return path
    return None


def _codes(path: Path | None) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for level, code in read_geography(path)[0]:
        out.setdefault(level, set()).add(code)
    return out


class _Checker:
    """Collects the problems of one crosswalk file."""

    def __init__(self, declaration: Declaration, problems: list[Notice]) -> None:
        self.declaration = declaration
        self.problems = problems

    def question(self, form: FormSpec, shown: str, name: str, *key: str) -> bool:
        if form.get(name) is not None:
            return True
        self.problems.append(Notice(RND_024, {"where": self.declaration.where(*key), "name": name, "form": shown,
                                              **did_you_mean(name, [q.name for q in form.questions])}))
        return False

    def codes(self, form: FormSpec, shown: str, question: str, codes: Mapping[str, str], *key: str) -> None:
        """Each code (written at key `*key, at`) among the question's choices in the form."""
        offered = form.choice_names(question)
        for code, at in codes.items():
            if code not in offered:
                self.problems.append(Notice(RND_025, {"where": self.declaration.where(*key, at), "code": code,
                                                      "question": question, "form": shown,
                                                      **did_you_mean(code, offered)}))


def _forms(crosswalk: Crosswalk, checker: _Checker, versions: Mapping[str, tuple[FormSpec, str]]
           ) -> list[tuple[FormSpec, str]]:
    found = []
    for index, version in enumerate(crosswalk.form_versions):
        if version in versions:
            found.append(versions[version])
        else:
            checker.problems.append(Notice(RND_023, {
                "where": checker.declaration.where("form_versions", index), "version": version,
                "versions": ", ".join(sorted(versions)) or "-"}))
    return found


def _names(crosswalk: Crosswalk, checker: _Checker, form: FormSpec, shown: str,
           older: list[tuple[FormSpec, str]]) -> None:
    """Renamed questions and recoded codes: the current names in the current form, the old in the versions."""
    for old, new in crosswalk.questions.items():
        checker.question(form, shown, new, "questions", old)
        for spec, where in older:
            checker.question(spec, where, old, "questions", old)
    earlier_name = {new: old for old, new in crosswalk.questions.items()}
    for question, codes in crosswalk.choices.items():
        if not checker.question(form, shown, question, "choices", question):
            continue
        if not form.question(question).type.startswith("select_"):
            checker.problems.append(Notice(RND_031, {"where": checker.declaration.where("choices", question),
                                                     "question": question, "form": shown}))
            continue
        checker.codes(form, shown, question, {new: old for old, new in codes.items()}, "choices", question)
        for spec, where in older:
            name = earlier_name.get(question, question)
            if spec.get(name) is not None:
                checker.codes(spec, where, name, {old: old for old in codes}, "choices", question)


def _areas(crosswalk: Crosswalk, checker: _Checker, manifest: Manifest,
           earlier: tuple[Mapping[str, set[str]], Path | None] | None, current: Mapping[str, set[str]],
           seen: dict[tuple[str, str], str]) -> None:
    """The earlier codes in the earlier round's geography, the new ones in the current one, each placed once."""
    where = checker.declaration.where
    if crosswalk.from_round is not None and crosswalk.from_round != manifest.previous_round:
        checker.problems.append(Notice(RND_028, {"where": where("areas", "from_round"), "found": crosswalk.from_round,
                                                 "previous": manifest.previous_round or "-"}))
    for level in AREA_LEVELS:
        for old, parts in crosswalk.areas.get(level, {}).items():
            if (level, old) in seen:
                checker.problems.append(Notice(RND_033, {"where": where("areas", level, old), "code": old,
                                                         "level": level}))
            seen[(level, old)] = where("areas", level, old)
            if earlier is not None and earlier[0] and old not in earlier[0].get(level, set()):
                checker.problems.append(Notice(RND_027, {"where": where("areas", level, old), "code": old,
                                                         "level": level, "round": manifest.previous_round,
                                                         "path": earlier[1]}))
            for new in parts:
                if current and new not in current.get(level, set()):
                    checker.problems.append(Notice(RND_027, {"where": where("areas", level, old), "code": new,
                                                             "level": level, "round": manifest.round_id,
                                                             "path": manifest.geography}))


def check_rounds(manifest: Manifest, previous: Path | None = None) -> RoundsCheck:
    """Check the manifest's crosswalks; `previous` is the earlier round's manifest (else the one beside this
    manifest whose round is [rounds] previous)."""
    crosswalks, problems = load_crosswalks(manifest.crosswalks, manifest.project.pipelines)
    warnings: list[Notice] = []
    shown = manifest.form.name
    versions = {spec.version or "": (spec, path.name) for path in manifest.form_versions
                for spec in (open_form(path),)}
    # a code a version added and a crosswalk keeps as it is counts among the current form's options
    form = read_through(open_form(manifest.form), crosswalks, [spec for spec, _ in versions.values()])
    indicators = [i.id for i in load_catalogue(form, manifest.project.pipelines).indicators]
    current = _codes(manifest.geography)
    earlier: tuple[dict[str, set[str]], Path | None] | None = None
    if manifest.previous_round is not None:
        previous = previous or previous_manifest(manifest)
        if previous is None:
            warnings.append(Notice(RND_029, {"previous": manifest.previous_round, "path": manifest.path}))
        else:
            geography = load_manifest(previous).geography
            earlier = (_codes(geography), geography)
    seen: dict[tuple[str, str], str] = {}
    for crosswalk in crosswalks:
        if crosswalk.declaration is None:
            continue
        checker = _Checker(crosswalk.declaration, problems)
        _names(crosswalk, checker, form, shown, _forms(crosswalk, checker, versions))
        for indicator in crosswalk.not_comparable:
            if indicator not in indicators:
                problems.append(Notice(RND_026, {"where": crosswalk.declaration.where("not_comparable", indicator),
                                                 "indicator": indicator, **did_you_mean(indicator, indicators)}))
        _areas(crosswalk, checker, manifest, earlier, current, seen)
    if earlier is not None and earlier[0] and current:
        unplaced = place_areas(declared_areas(crosswalks, manifest.previous_round), earlier[0], current).unplaced
        warnings += [Notice(RND_020, {"round": manifest.round_id, "level": level, "count": len(codes),
                                      "codes": ", ".join(codes)}) for level, codes in sorted(unplaced.items())]
    return RoundsCheck(len(crosswalks), tuple(problems), tuple(warnings))

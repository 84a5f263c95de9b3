"""The form an export is read with when the round's crosswalks rename questions or add codes: the current form,
knowing the earlier names as other spellings of the current columns (form/layout.py spells them), and the codes a
version added that a crosswalk keeps as they are (a new sector: `sector: {S11: S11}`) as options of its lists."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from cbms.form.spec import Choice, FormSpec
from cbms.rounds.crosswalk import Crosswalk


def _added(form: FormSpec, crosswalks: tuple[Crosswalk, ...],
           versions: Sequence[FormSpec]) -> dict[str, tuple[Choice, ...]]:
    """The current choice lists with the options a version added and a crosswalk keeps under the same code, copied
    from that version's form (labels and filter columns, such as a grupo's sector)."""
    lists = dict(form.choices)
    for crosswalk in crosswalks:
        named = [v for v in versions if set(v.version_names) & set(crosswalk.form_versions)]
        for question, codes in crosswalk.choices.items():
            current = form.get(question)
            if current is None or current.list_name is None:
                continue
            have = {c.name for c in lists.get(current.list_name, ())}
            for old, new in codes.items():
                if old != new or new in have:
                    continue
                for version in named:
                    own = version.get(question)
                    found = next((c for c in version.choices.get(own.list_name or "", ()) if c.name == old), None) \
                        if own is not None else None
                    if found is not None:
                        lists[current.list_name] = (*lists.get(current.list_name, ()), found)
                        have.add(new)
                        break
    return lists


def read_through(form: FormSpec, crosswalks: tuple[Crosswalk, ...], versions: Sequence[FormSpec] = ()) -> FormSpec:
    """The form with every crosswalk's earlier question names and the codes they keep from the `versions` that
    added them (the crosswalks are checked against each other first: rounds/declared.py); the form itself when they
    change nothing."""
    aliases = {old: current for crosswalk in crosswalks for old, current in crosswalk.questions.items()}
    choices = _added(form, crosswalks, versions)
    if not aliases and choices == dict(form.choices):
        return form
    return replace(form, aliases={**form.aliases, **aliases}, choices=choices)

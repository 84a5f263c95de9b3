"""The form an export is read with when the round's crosswalks rename questions: the current form, knowing the
earlier names as other spellings of the current columns (form/layout.py spells them)."""

from __future__ import annotations

from dataclasses import replace

from cbms.form.spec import FormSpec
from cbms.rounds.crosswalk import Crosswalk


def read_through(form: FormSpec, crosswalks: tuple[Crosswalk, ...]) -> FormSpec:
    """The form with every crosswalk's earlier question names (the crosswalks are checked against each other
    first: rounds/declared.py); the form itself when they rename nothing."""
    aliases = {old: current for crosswalk in crosswalks for old, current in crosswalk.questions.items()}
    return replace(form, aliases={**form.aliases, **aliases}) if aliases else form

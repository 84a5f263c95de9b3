"""The field supervisors' workbook from clean.issues, with where each household is and who interviewed it, its
messages saying choice answers by their labels in the workbook's language ("sexo hombre", not "sexo male")."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import duckdb
import pandas as pd

from cbms.errors import Lang
from cbms.form.spec import FormSpec
from cbms.validate.workbook import write_issue_workbook

PLACE = ("sector", "grupo", "manzana")
PERSON = ("line_no", "full_name")
WORD = re.compile(r"\b[a-z][a-z_]*\b")  # a choice code as a bare word (area codes like S01 are names)


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    return {r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()}


def _label(labels: Mapping[str, str], lang: Lang) -> str | None:
    """A choice's label in `lang`: the form's language column named 'Español (es)', 'es' or the like."""
    return next((text for name, text in labels.items() if name == lang or name.endswith(f"({lang})")), None)


class ChoiceWords:
    """Choice codes said by their labels: a question's own answer quoted in a message, and (in Spanish) any code
    of the form that is English and means one thing only, written where the message names it."""

    def __init__(self, form: FormSpec, lang: Lang) -> None:
        self.lang = lang
        self.lists: dict[str, dict[str, str]] = {
            name: {c.name: label for c in choices if (label := _label(c.labels, lang))}
            for name, choices in form.choices.items()}
        self.questions = {q.name: q.list_name for q in form.questions if q.list_name}
        found: dict[str, set[str]] = {}
        for labels in self.lists.values():
            for code, label in labels.items():
                found.setdefault(code, set()).add(label)
        # a code that reads the same in every list, and is not already its label: 'male' -> 'hombre'
        self.words = {code: _inline(next(iter(labels))) for code, labels in found.items()
                      if len(labels) == 1 and WORD.fullmatch(code) and code.casefold() != next(iter(labels)).casefold()}

    def answer(self, column: object, value: object) -> str | None:
        """A question's answer (one code, or several for a multiple choice) by its labels, or None."""
        list_name = self.questions.get(str(column)) if isinstance(column, str) else None
        labels = self.lists.get(list_name or "", {})
        codes = str(value).split() if isinstance(value, str) else []
        if not codes or not all(c in labels for c in codes):
            return None
        return ", ".join(labels[c] for c in codes)

    def message(self, text: object, column: object, value: object) -> object:
        """The message with its choice codes said by their labels."""
        if not isinstance(text, str):
            return text
        answer = self.answer(column, value)
        if answer is not None:
            text = text.replace(f"'{value}'", f"'{answer}'")
        if self.lang != "es":
            return text  # the codes are English words already; a word like 'head' must stay a word
        parts = re.split(r"('[^']*')", text)  # quoted names and answers stay as they are
        return "".join(p if p.startswith("'") else WORD.sub(lambda m: self.words.get(m.group(), m.group()), p)
                       for p in parts)


def _inline(label: str) -> str:
    """A label inside a sentence: 'Hombre' -> 'hombre'; names with more capitals ('Vaso de Leche') stay."""
    return label[:1].lower() + label[1:] if label[1:] == label[1:].lower() else label


def supervisor_workbook(con: duckdb.DuckDBPyConnection, out: Path, lang: Lang = "es",
                        form: FormSpec | None = None) -> Path:
    """Write the validation workbook (names may appear: it goes to the supervisors, not the public). With the
    `form`, the messages say choice answers by their labels in `lang`.

    Where a form lacks an item (another form than CBMS-GRB's), its column stays empty."""
    household = _columns(con, "stage_household")
    member = _columns(con, "stage_member") if con.execute(
        "SELECT count(*) FROM duckdb_views() WHERE view_name = 'stage_member'").fetchall()[0][0] else set()
    place = ", ".join(f"h.{c}" if c in household else f"NULL AS {c}" for c in PLACE)
    person = ", ".join(f"m.{c}" if c in member else f"NULL AS {c}" for c in PERSON)
    enumerator = "h.enumerator_id" if "enumerator_id" in household else "NULL"
    join = ("LEFT JOIN stage_member m ON m._row_key = i.row_key AND i.\"table\" = 'member'" if member else
            "LEFT JOIN (SELECT NULL AS _row_key) m ON FALSE")
    issues = con.sql(f"""
        SELECT i.rule, i.severity, i."table", i.submission_key, i.row_key, i."column", i.value, i.message_es,
               i.message_en, coalesce(i.enumerator_id, {enumerator}) AS enumerator_id, {place}, {person}
        FROM clean.issues i
        LEFT JOIN stage_household h ON h._submission_key = i.submission_key
        {join}""").df()
    if form is not None and len(issues):
        words = ChoiceWords(form, lang)
        issues[f"message_{lang}"] = pd.Series(
            [words.message(m, c, v) for m, c, v in zip(issues[f"message_{lang}"], issues["column"], issues["value"],
                                                         strict=True)], index=issues.index, dtype=object)
    return write_issue_workbook(issues, out, lang)

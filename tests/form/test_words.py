"""Relevance, constraints and choice filters in words: small hand-written expressions, the expected words beside."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cbms.form.document import load_settings
from cbms.form.words import Phrasing, Terms, truth_given

SETTINGS = load_settings()
YES_NO = {"yes": "Sí", "no": "No"}
YES_NO_EN = {"yes": "Yes", "no": "No"}


def _terms(lang: str) -> Terms:
    """A little form: P1 consent (yes/no), P2 sex, P3 age, P4 programs (select_multiple), P5 rooms, P6 a date."""
    es = lang == "es"
    return Terms(
        vocab=SETTINGS.vocab(lang),  # type: ignore[arg-type]
        refs={"consent": "P1" if es else "Q1", "sex": "P2" if es else "Q2", "age": "P3" if es else "Q3",
              "programs": "P4" if es else "Q4", "rooms": "P5" if es else "Q5", "born": "P6" if es else "Q6",
              "line_no": "N.º de línea" if es else "line no."},
        choices={"consent": YES_NO if es else YES_NO_EN,
                 "sex": {"female": "Mujer", "male": "Hombre"} if es else {"female": "Female", "male": "Male"},
                 "programs": {"juntos": "Juntos", "none": "Ninguno" if es else "None"}},
        kinds={"consent": "select_one", "sex": "select_one", "age": "integer", "programs": "select_multiple",
               "rooms": "integer", "born": "date", "line_no": "calculate"},
        ages=frozenset({"age"}), sexes={"sex": {"female": "female", "male": "male"}}, decimal_comma=es)


ES, EN = Phrasing(_terms("es")), Phrasing(_terms("en"))


@pytest.mark.parametrize(("expression", "spanish", "english"), [
    ("${consent} = 'yes'", "Solo si P1 = Sí", "Only if Q1 = Yes"),
    ("${consent} != 'no'", "Solo si P1 ≠ No", "Only if Q1 ≠ No"),
    ("selected('yes no', ${consent})", "Solo si P1 = Sí o No", "Only if Q1 = Yes or No"),
    ("${consent} = 'yes' or ${consent} = 'no'", "Solo si P1 = Sí o No", "Only if Q1 = Yes or No"),
    ("${sex} = 'female' and ${age} >= 12 and ${age} <= 49", "Solo para mujeres de 12 a 49 años",
     "Only for women aged 12 to 49"),
    ("${age} >= 3", "Solo para personas de 3 años o más", "Only for people aged 3 or over"),
    ("${age} < 5", "Solo para personas menores de 5 años", "Only for people under 5"),
    ("${sex} = 'male'", "Solo para hombres", "Only for men"),
    ("${age} >= 15 and selected(${programs}, 'juntos')", "Solo para personas de 15 años o más, si P4 incluye Juntos",
     "Only for people aged 15 or over, if Q4 includes Juntos"),
    ("not(selected(${programs}, 'none'))", "Solo si P4 no incluye Ninguno", "Only if Q4 does not include None"),
    ("${rooms} != ''", "Solo si P5 tiene respuesta", "Only if Q5 is answered"),
    ("${rooms} > 2 and (${consent} = 'yes' or ${age} > 17)", "Solo si P5 > 2 y (P1 = Sí o P3 > 17)",
     "Only if Q5 > 2 and (Q1 = Yes or Q3 > 17)"),
    ("${line_no} = 1", "Solo si N.º de línea = 1", "Only if line no. = 1"),
    ("position(..) <= ${rooms}", "Solo si P5 ≥ N.º de línea", "Only if Q5 ≥ line no."),
])
def test_relevance_in_words(expression: str, spanish: str, english: str) -> None:
    assert ES.relevance(expression).text == spanish
    assert EN.relevance(expression).text == english
    assert ES.relevance(expression).worded


@pytest.mark.parametrize(("expression", "dot", "spanish", "english"), [
    (". >= 1 and . <= 30", "rooms", "Entre 1 y 30", "Between 1 and 30"),
    (". >= 0", "rooms", "0 o más", "0 or more"),
    (". >= 0.9 and . <= 30", "rooms", "Entre 0,9 y 30", "Between 0.9 and 30"),  # decimal comma in Spanish
    ("(. >= 2 and . <= 54) or . = 999", "rooms", "Entre 2 y 54 o igual a 999", "Between 2 and 54 or equal to 999"),
    (". <= today() and . >= date('2025-01-01')", "born", "Entre 2025-01-01 y hoy", "Between 2025-01-01 and today"),
    (". <= today()", "born", "No después de hoy", "Not after today"),
    ("not(selected(., 'none') and count-selected(.) > 1)", "programs",
     "«Ninguno» no se marca junto con otras opciones", "“None” is not ticked with other options"),
    ("if(${line_no} = 1, . = 'yes', . != 'yes')", "consent", "Si N.º de línea = 1: igual a Sí; si no: distinto de Sí",
     "If line no. = 1: equal to Yes; otherwise: other than Yes"),
    (". >= 1 and . <= ${rooms}", "age", "Entre 1 y P5", "Between 1 and Q5"),
    (". + ${rooms} + coalesce(${age}, 0) <= 168", "rooms", "La respuesta + P5 + P3 (0 si no tiene respuesta) ≤ 168",
     "The answer + Q5 + Q3 (0 if not answered) ≤ 168"),
])
def test_constraint_as_a_note(expression: str, dot: str, spanish: str, english: str) -> None:
    assert ES.constraint(expression, dot).text == spanish
    assert EN.constraint(expression, dot).text == english


@pytest.mark.parametrize("expression", [
    "regex(., '^E[0-9]{3}$')",  # a pattern: no words say it faithfully
    "string-length(${rooms}) > 3",
    "${unknown} = 'x'",  # a name the form does not have
    "${consent} = ",  # cut short
    "/data/rooms > 1",  # an absolute path
])
def test_what_cannot_be_said_is_returned_as_written(expression: str) -> None:
    worded = ES.relevance(expression)
    assert not worded.worded and worded.text == expression
    assert not ES.constraint(expression, "rooms").worded


def test_choice_filter_names_the_choice_column() -> None:
    assert ES.choice_filter("sector=${rooms}").text == "Solo las opciones con sector = P5"


@pytest.mark.parametrize(("expression", "known", "expected"), [
    ("${consent} = 'yes'", {"consent": "no"}, False),
    ("${consent} = 'yes'", {"consent": "yes"}, True),
    ("${consent} = 'yes'", {}, None),  # depends on an answer not known
    ("${consent} = 'yes' and ${age} >= 3", {"consent": "no"}, False),  # false and unknown is false
    ("${consent} = 'yes' or ${age} >= 3", {"consent": "no"}, None),
    ("selected('completed partial', ${consent})", {"consent": "absent"}, False),
    ("${age} >= 3", {"age": ""}, False),  # a question not asked is empty: NaN against a number
    ("${age} != 3", {"age": ""}, True),
    ("not(${consent} = 'no')", {"consent": "no"}, False),
    ("regex(${consent}, 'y')", {"consent": "yes"}, None),  # outside the shapes read: never makes a skip
])
def test_relevance_knowing_some_answers(expression: str, known: dict[str, str], expected: bool | None) -> None:
    assert truth_given(expression, known) is expected


_ATOMS = st.sampled_from(["${consent} = 'yes'", "${age} >= 3", "${rooms} < 4", "regex(${rooms}, 'a')",
                          "selected(${programs}, 'juntos')", "${nowhere} = 1", "count-selected(${programs}) > 1"])


@given(st.lists(_ATOMS, min_size=1, max_size=4), st.sampled_from([" and ", " or "]))
def test_an_expression_is_never_dropped(atoms: list[str], joiner: str) -> None:
    """Invariant: either every reference is named in the words, or the text is exactly the expression."""
    expression = joiner.join(atoms)
    worded = ES.relevance(expression)
    if not worded.worded:
        assert worded.text == expression
    else:
        named = {"${consent}": "P1", "${rooms}": "P5", "${programs}": "P4"}
        assert all(label in worded.text for ref, label in named.items() if ref in expression)
        assert "${" not in worded.text

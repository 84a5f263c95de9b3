"""The supervisors' messages say choice answers by the form's labels in the workbook's language."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from cbms.form import FormSpec, read_form
from cbms.validate.supervisors import ChoiceWords

FORM = """
| survey |                 |          |                       |                        |
|        | type            | name     | label::Español (es)   | label::English (en)    |
|        | select_one sex  | sex      | Sexo                  | Sex                    |
|        | select_one yn   | pregnant | ¿Embarazada?          | Pregnant?              |
|        | select_multiple prog | programs | Programas        | Programmes             |
| choices |                |          |                       |                        |
|        | list_name       | name     | label::Español (es)   | label::English (en)    |
|        | sex             | female   | Mujer                 | Female                 |
|        | sex             | male     | Hombre                | Male                   |
|        | yn              | yes      | Sí                    | Yes                    |
|        | yn              | no       | No                    | No                     |
|        | prog            | vaso_de_leche | Vaso de Leche    | Vaso de Leche (glass of milk) |
|        | prog            | none     | Ninguno               | None                   |
"""


@pytest.fixture
def form(md_form: Callable[[str], object]) -> FormSpec:
    return read_form(md_form(FORM))  # type: ignore[arg-type]


def test_a_code_in_a_spanish_message_becomes_its_label(form: FormSpec) -> None:
    # issue 19: "sexo male" in a Spanish workbook
    words = ChoiceWords(form, "es")
    assert words.message("Embarazo registrado en una persona que no es mujer (sexo male, edad 41).", "pregnant",
                         "yes") == "Embarazo registrado en una persona que no es mujer (sexo hombre, edad 41)."


def test_the_quoted_answer_of_the_question_gets_its_labels(form: FormSpec) -> None:
    es, en = ChoiceWords(form, "es"), ChoiceWords(form, "en")
    message = "'programs' = 'vaso_de_leche none': 'none' (ninguno) no puede ir junto con otras opciones"
    assert es.message(message, "programs", "vaso_de_leche none") == (
        "'programs' = 'Vaso de Leche, Ninguno': 'none' (ninguno) no puede ir junto con otras opciones")
    assert en.message("'pregnant' = 'yes' has an answer although it was not to be asked", "pregnant", "yes") == (
        "'pregnant' = 'Yes' has an answer although it was not to be asked")


def test_english_words_stay_words_and_unknown_answers_stay(form: FormSpec) -> None:
    en = ChoiceWords(form, "en")
    assert en.message("The household head is male.", None, None) == "The household head is male."
    es = ChoiceWords(form, "es")
    assert es.message("'sex' = 'other': no es una opción", "sex", "other") == "'sex' = 'other': no es una opción"
    assert es.message(None, "sex", "male") is None

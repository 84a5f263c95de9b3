"""The message catalogue: every code unique, named as its variable, in both languages with the same fields."""

from __future__ import annotations

import string

import pytest

from cbms import errors
from cbms.errors import CbmsError, Detail

DETAILS = {name: value for name, value in vars(errors).items() if isinstance(value, Detail)}


def _fields(text: str) -> set[str]:
    """Placeholders, with a language suffix (`hint_es` / `hint_en`) read as the same field."""
    names = {f for _, f, _, _ in string.Formatter().parse(text) if f}
    return {n[:-3] + "_<lang>" if n.endswith(("_es", "_en")) else n for n in names}


def test_catalogue_is_not_empty() -> None:
    assert len(DETAILS) >= 20


@pytest.mark.parametrize("name", sorted(DETAILS))
def test_detail_is_coded_and_bilingual(name: str) -> None:
    detail = DETAILS[name]
    assert detail.code == name
    assert detail.es.strip() and detail.en.strip()
    assert detail.es != detail.en
    assert _fields(detail.es) == _fields(detail.en)


def test_codes_are_unique() -> None:
    codes = [d.code for d in DETAILS.values()]
    assert len(codes) == len(set(codes))


def test_error_message_in_each_language() -> None:
    exc = CbmsError(errors.FORM_001, path="x.xlsx")
    assert exc.code == "FORM_001"
    assert exc.message("es") == "[FORM_001] No se encuentra el formulario 'x.xlsx'."
    assert exc.message("en") == "[FORM_001] Form file 'x.xlsx' not found."


def test_a_reason_carried_in_both_languages_shows_one() -> None:
    exc = CbmsError(errors.CLI_002, path="out", reason=errors.Said("permiso denegado", "permission denied"))
    assert exc.message("es") == "[CLI_002] No se puede escribir en la carpeta de salida 'out': permiso denegado."
    assert exc.message("en") == "[CLI_002] Cannot write to the output folder 'out': permission denied."


def test_the_systems_reasons_are_said_in_spanish_too() -> None:
    import errno

    reason = errors.os_reason(PermissionError(errno.EACCES, "Permission denied"))
    assert (reason.text("es"), reason.text("en")) == ("permiso denegado", "permission denied")


def test_an_error_survives_pickling_with_its_context_and_problems() -> None:
    """A worker process (the PDF writers) hands its error to the parent pickled: the same code, words, problems."""
    import pickle

    inner = CbmsError(errors.FORM_001, path="a.xlsx")
    exc = CbmsError(errors.CLI_002, path="out", reason="disco lleno").with_problems((inner,))
    back = pickle.loads(pickle.dumps(exc))
    assert isinstance(back, CbmsError)
    assert (back.code, back.message("es"), back.message("en")) == (exc.code, exc.message("es"), exc.message("en"))
    assert [p.message("en") for p in back.problems] == [inner.message("en")]

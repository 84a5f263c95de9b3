"""The command line: help everywhere, one located line and exit 1 on bad input, tracebacks only with --debug."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

from cbms.cli import app, main
from cbms.errors import CbmsError


def _commands(group: typer.Typer, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [(*prefix, c.name or (c.callback.__name__ if c.callback else "")) for c in group.registered_commands]
    for sub in group.registered_groups:
        found += _commands(sub.typer_instance, (*prefix, sub.name or ""))
    return found


COMMANDS = _commands(app)


def test_there_are_commands() -> None:
    assert ("form", "build") in COMMANDS and ("form", "check") in COMMANDS


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help_in_each_language(command: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    """Each help text is written "Spanish. / English."; the reader gets one half, and typer's words in it too."""
    assert main([*command, "--help"]) == 0
    spanish = capsys.readouterr().out
    assert main(["--lang", "en", *command, "--help"]) == 0
    english = capsys.readouterr().out
    assert "Uso: cbms" in spanish and "Muestra esta ayuda y termina." in spanish and " / " not in spanish
    assert "Usage: cbms" in english and "Show this message and exit." in english and " / " not in english
    assert spanish != english


@pytest.mark.parametrize(("args", "es", "en"), [
    (["run", "--nope"], "Error: No existe la opción --nope.", "Error: No such option: --nope."),
    (["demo"], "Error: Falta la opción '--out'.", "Error: Missing option '--out'."),
    (["form", "build"], "Error: Falta el argumento 'FORMULARIO'.", "Error: Missing argument 'FORM'."),
    (["run", "--households", "x"], "Error: Valor no válido para '--households': se espera un número entero",
     "Error: Invalid value for '--households': Input should be a valid integer"),
    (["no-such-command"], "Error: No existe el comando 'no-such-command'.",
     "Error: No such command 'no-such-command'."),
])
def test_usage_errors_in_each_language(args: list[str], es: str, en: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == 2
    assert es in capsys.readouterr().err
    assert main(["--lang", "en", *args]) == 2
    assert en in capsys.readouterr().err


def test_a_bare_run_says_what_is_missing(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "Falta qué cargar" in err and "--demo" in err and "'-'" not in err


def test_missing_file_is_one_spanish_line_and_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["form", "build", "no-such-form.xlsx"]) == 1
    captured = capsys.readouterr()
    assert captured.err.strip() == "✗ [FORM_001] No se encuentra el formulario 'no-such-form.xlsx'."
    assert "Traceback" not in captured.err + captured.out


def test_lang_en_gives_english(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "en", "form", "check", "no-such-form.xlsx"]) == 1
    assert capsys.readouterr().err.strip() == "✗ [FORM_001] Form file 'no-such-form.xlsx' not found."


def test_debug_shows_the_traceback() -> None:
    with pytest.raises(CbmsError):
        main(["--debug", "form", "build", "no-such-form.xlsx"])


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "fr", "form", "build", "x.xlsx"]) == 2
    assert main(["no-such-command"]) == 2


@pytest.mark.outside
def test_unwritable_output_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.conftest import EXTERNAL

    blocker = tmp_path / "file"
    blocker.write_text("x")
    form = EXTERNAL / "xlsforms" / "pyodk_simple_repeat.xlsx"
    assert main(["form", "build", str(form), "--out", str(blocker / "sub"), "--no-validate"]) == 1
    assert "[CLI_002]" in capsys.readouterr().err


def test_validate_an_empty_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from cbms.store import connect

    connect(tmp_path / "empty.duckdb").close()
    assert main(["validate", "--db", str(tmp_path / "empty.duckdb"), "--out", str(tmp_path / "out")]) == 1
    assert "[DB_003]" in capsys.readouterr().err
    assert main(["indicators", "--db", str(tmp_path / "missing.duckdb"), "--out", str(tmp_path / "out")]) == 1

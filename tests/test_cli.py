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
def test_every_command_has_bilingual_help(command: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*command, "--help"]) == 0
    text = capsys.readouterr().out
    assert " / " in text  # Spanish first, then English


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

"""The FormSpec cache: the same bytes give the same FormSpec without pyxform; anything else reads afresh."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from cbms.form import cache, read
from cbms.form.read import read_form
from tests.conftest import FORM


def _no_pyxform(path: Path) -> None:
    raise AssertionError(f"pyxform ran on {path}")


def test_a_form_read_twice_is_converted_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CBMS_CACHE_DIR", str(tmp_path / "cache"))
    first = read_form(FORM)
    monkeypatch.setattr(read, "convert_form", _no_pyxform)
    assert read_form(FORM) == first


def test_an_edited_form_is_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      md_form: Callable[[str], Path]) -> None:
    monkeypatch.setenv("CBMS_CACHE_DIR", str(tmp_path / "cache"))
    path = md_form("| survey |\n| | type | name | label |\n| | integer | age | Age |\n")
    first = read_form(path)
    assert "age" in [q.name for q in first.questions]
    edited = md_form("| survey |\n| | type | name | label |\n| | integer | years | Years |\n")
    shutil.copyfile(edited, path)
    assert read_form(path) != first
    assert "years" in [q.name for q in read_form(path).questions]


def test_a_damaged_entry_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CBMS_CACHE_DIR", str(tmp_path / "cache"))
    first = read_form(FORM)
    for entry in (tmp_path / "cache").iterdir():
        entry.write_bytes(b"not a pickle")
    assert read_form(FORM) == first


def test_an_empty_setting_turns_the_cache_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CBMS_CACHE_DIR", "")
    assert cache.cache_dir() is None
    read_form(FORM)
    monkeypatch.setattr(read, "convert_form", _no_pyxform)
    with pytest.raises(AssertionError, match="pyxform ran"):
        read_form(FORM)

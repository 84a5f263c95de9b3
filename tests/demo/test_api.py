"""The public entry point: what it returns, and one clear coded error for each kind of bad input."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from cbms.demo import FORMATS, DemoResult, write_demo
from cbms.errors import DEMO_001, DEMO_002, DEMO_003, DEMO_004, DEMO_005, CbmsError


def test_result_says_what_was_written(tmp_path: Path) -> None:
    result = write_demo(households=40, seed=1, fmt="odk-csv", out=tmp_path / "a")
    assert isinstance(result, DemoResult)
    assert result.households == 40 and result.members > 40 and result.injected == 0
    assert result.files == (tmp_path / "a" / "cbms_grb_hogar.zip",)
    assert FORMATS == ("odk-csv", "odk-odata", "kobo-xlsx", "kobo-json")


@pytest.mark.parametrize(("kwargs", "detail"), [
    ({"households": 0}, DEMO_001),
    ({"households": -5}, DEMO_001),
    ({"seed": -1}, DEMO_002),
    ({"fmt": "stata"}, DEMO_003),
    ({"error_rate": 1.5}, DEMO_004),
    ({"error_rate": -0.1}, DEMO_004),
])
def test_bad_input_is_one_coded_error(tmp_path: Path, kwargs: dict[str, object], detail: object) -> None:
    args: dict[str, object] = {"households": 10, "seed": 1, "fmt": "odk-csv", "out": tmp_path} | kwargs
    with pytest.raises(CbmsError) as caught:
        write_demo(**args)  # type: ignore[arg-type]
    assert caught.value.detail is detail
    assert caught.value.message("es") != caught.value.message("en")  # both languages say it
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_an_output_folder_that_cannot_be_written(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(CbmsError) as caught:
        write_demo(households=10, seed=1, fmt="odk-csv", out=blocker / "out")
    assert caught.value.detail is DEMO_005
    if os.geteuid() != 0:  # root writes anywhere
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        with pytest.raises(CbmsError) as caught:
            write_demo(households=10, seed=1, fmt="odk-csv", out=locked)
        assert caught.value.detail is DEMO_005


def _digests(paths: tuple[Path, ...]) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


@pytest.mark.parametrize("fmt", FORMATS)
def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path, fmt: str) -> None:
    first = write_demo(households=120, seed=5, fmt=fmt, out=tmp_path / "1", error_rate=0.1)
    again = write_demo(households=120, seed=5, fmt=fmt, out=tmp_path / "2", error_rate=0.1)
    other = write_demo(households=120, seed=6, fmt=fmt, out=tmp_path / "3", error_rate=0.1)
    assert _digests(first.files) == _digests(again.files)
    assert "injected.json" in _digests(first.files)
    assert all(_digests(other.files)[name] != digest for name, digest in _digests(first.files).items())


def test_a_clean_rerun_removes_a_stale_error_list(tmp_path: Path) -> None:
    write_demo(households=60, seed=2, fmt="kobo-json", out=tmp_path, error_rate=0.2)
    assert (tmp_path / "injected.json").exists()
    write_demo(households=60, seed=2, fmt="kobo-json", out=tmp_path)
    assert not (tmp_path / "injected.json").exists()

"""The run manifest: earlier form versions, the field period, the unknown-share threshold; each mistake is one
coded message naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from cbms.config import load_manifest
from cbms.errors import CbmsError

BASE = """
[round]
id = "r1"
{period}
[form]
path = "{form}"
{versions}
[poverty_lines]
z_total = 446
z_extreme = 251
{quality}
"""


def _manifest(tmp_path: Path, period: str = "", versions: str = "", quality: str = "") -> Path:
    form = Path(__file__).resolve().parents[1] / "forms" / "cbms_grb_hogar.xlsx"
    (tmp_path / "cbms_2024.xlsx").write_bytes(b"")
    path = tmp_path / "ronda.toml"
    path.write_text(BASE.format(form=form, period=period, versions=versions, quality=quality), encoding="utf-8")
    return path


def _code(path: Path) -> tuple[str, str]:
    with pytest.raises(CbmsError) as info:
        load_manifest(path)
    return info.value.code, info.value.message("en")


def test_defaults(tmp_path: Path) -> None:
    manifest = load_manifest(_manifest(tmp_path))
    assert (manifest.form_versions, manifest.period, manifest.max_unknown_percent) == ((), None, 20.0)


def test_form_versions_are_paths_beside_the_manifest(tmp_path: Path) -> None:
    manifest = load_manifest(_manifest(tmp_path, versions='versions = ["cbms_2024.xlsx"]'))
    assert manifest.form_versions == ((tmp_path / "cbms_2024.xlsx").resolve(),)
    code, message = _code(_manifest(tmp_path, versions='versions = ["cbms_2023.xlsx"]'))
    assert code == "MAN_006" and "form.versions[0]" in message
    assert _code(_manifest(tmp_path, versions="versions = [2023]"))[0] == "MAN_004"


@pytest.mark.parametrize("period", ['period = ["2025-09-01"]', 'period = ["2025-10-31", "2025-09-01"]',
                                    'period = ["2025-09-01", "2025-13-01"]', 'period = ["septiembre", "octubre"]'])
def test_a_period_must_be_two_dates_in_order(tmp_path: Path, period: str) -> None:
    code, message = _code(_manifest(tmp_path, period=period))
    assert code == "MAN_004" and "round.period" in message


def test_a_period_may_be_written_as_toml_dates(tmp_path: Path) -> None:
    manifest = load_manifest(_manifest(tmp_path, period="period = [2025-09-01, 2025-10-31]"))
    assert manifest.period == ("2025-09-01", "2025-10-31")


def test_the_unknown_threshold_is_a_percentage(tmp_path: Path) -> None:
    manifest = load_manifest(_manifest(tmp_path, quality="[quality]\nmax_unknown_percent = 5"))
    assert manifest.max_unknown_percent == 5.0
    assert _code(_manifest(tmp_path, quality="[quality]\nmax_unknown_percent = 150"))[0] == "MAN_004"

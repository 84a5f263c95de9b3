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
    """The one problem a manifest has: its code and its message."""
    with pytest.raises(CbmsError) as info:
        load_manifest(path)
    assert info.value.code == "MAN_008" and len(info.value.problems) == 1
    problem = info.value.problems[0]
    return problem.detail.code, problem.message("en")  # type: ignore[attr-defined]


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


def test_every_problem_at_once_each_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "ronda.toml"
    path.write_text(
        '[round]\nid = "r1"\narea_type = "suburban"\n'        # lines 1-3
        '[suppresion]\nmin_cell = 5\n'                          # lines 4-5
        '[poverty_lines]\nz_total = -4\nz_extreme = 251\n'     # lines 6-8
        '[outputs]\nlang = "fr"\nformat = ["pdf"]\n', encoding="utf-8")  # lines 9-11
    with pytest.raises(CbmsError) as info:
        load_manifest(path)
    assert info.value.code == "MAN_008"
    assert sorted(p.message("en") for p in info.value.problems) == sorted([  # type: ignore[attr-defined]
        f"[MAN_004] '{path}:3': 'round.area_type' must be 'urban' or 'rural', it is 'suburban'",
        f"[MAN_003] '{path}:4': unknown key 'suppresion' (did you mean 'suppression'?)",
        f"[MAN_005] '{path}:7': poverty line 'poverty_lines.z_total' must be a positive number (soles per person "
        "per month), it is -4",
        f"[MAN_004] '{path}:10': 'outputs.lang' must be 'es' or 'en', it is 'fr'",
        f"[MAN_003] '{path}:11': unknown key 'outputs.format' (did you mean 'formats'?)"])


def test_the_round_may_keep_its_own_declarations(tmp_path: Path) -> None:
    """[project] names the municipality's folders, relative to the manifest; the others stay the shipped ones."""
    from cbms.project import SHIPPED

    (tmp_path / "mis_indicadores").mkdir()
    manifest = load_manifest(_manifest(tmp_path, quality='[project]\npipelines = "mis_indicadores"'))
    assert manifest.project.pipelines == (tmp_path / "mis_indicadores").resolve()
    assert manifest.project.schemas == SHIPPED.schemas and manifest.project.reports == SHIPPED.reports
    code, message = _code(_manifest(tmp_path, quality='[project]\nschemas = "no_such_folder"'))
    assert code == "MAN_006" and "project.schemas" in message

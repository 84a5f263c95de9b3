"""Crosswalk files (pipelines/rounds/*.yaml): read with every problem at its line (load_crosswalks, RND_001-005),
and checked against the forms, the catalogue and both geographies (`cbms rounds check`, RND_023-033)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from cbms.cli import main
from cbms.config import DEMO_MANIFESTS, load_manifest
from cbms.errors import (
    RND_001,
    RND_002,
    RND_003,
    RND_004,
    RND_005,
    RND_023,
    RND_024,
    RND_025,
    RND_026,
    RND_027,
    RND_028,
    RND_030,
    RND_031,
)
from cbms.rounds.check import check_rounds
from cbms.rounds.crosswalk import load_crosswalks
from tests.conftest import ROOT

SHIPPED = ROOT / "pipelines" / "rounds" / "ves-demo-2027.yaml"


def _file(tmp_path: Path, text: str) -> Path:
    """A crosswalk in an analysts' folder, named in messages as `rounds/x.yaml`."""
    (tmp_path / "rounds").mkdir(exist_ok=True)
    path = tmp_path / "rounds" / "x.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _load(tmp_path: Path, text: str) -> list[tuple[str, str]]:
    _, problems = load_crosswalks((_file(tmp_path, text),), tmp_path / "rounds")
    return [(p.detail.code, str(p.context.get("where", ""))) for p in problems]


def test_the_shipped_crosswalk_reads_as_declared() -> None:
    (crosswalk,), problems = load_crosswalks((SHIPPED,), SHIPPED.parents[1])
    assert problems == []
    assert crosswalk.renamed("2027080101") == {"food_shortage": "hunger"}
    assert crosswalk.renamed("2026112301") == {}  # the current version renames nothing
    assert crosswalk.areas["sector"] == {"S05": {"S05": 0.53, "S11": 0.47}}
    assert crosswalk.areas["grupo"]["S05-G04"] == {"S11-G01": 1.0}  # `old: new` is a move of the whole area
    assert crosswalk.from_round == "ves-demo" and set(crosswalk.not_comparable) == {"SEC_01"}


def test_a_broken_yaml_is_one_located_problem(tmp_path: Path) -> None:
    found = _load(tmp_path, "questions:\n  a: b\n  c: [d\n")
    assert len(found) == 1 and found[0][0] == RND_001.code
    assert found[0][1].startswith("rounds/x.yaml:")


def test_unknown_keys_are_said_at_their_line_with_a_guess(tmp_path: Path) -> None:
    path = _file(tmp_path, "form_version: ['1']\nareas:\n  from_round: r1\n  sectors: {}\n")
    _, problems = load_crosswalks((path,), tmp_path / "rounds")
    assert [(p.detail.code, p.context["where"], p.context["key"]) for p in problems] == [
        (RND_002.code, "rounds/x.yaml:1", "form_version"), (RND_002.code, "rounds/x.yaml:4", "sectors")]
    assert "form_versions" in problems[0].message("en")  # did you mean


def test_shares_not_adding_up_to_one_are_refused_at_their_line(tmp_path: Path) -> None:
    found = _load(tmp_path, "areas:\n  sector:\n    S01: S01\n    S05: {S05: 0.5, S11: 0.4}\n"
                            "    S06: {S06: 1.5}\n")
    assert found == [(RND_003.code, "rounds/x.yaml:4"), (RND_003.code, "rounds/x.yaml:5")]  # 0.9; a share above 1


def test_renames_without_versions_and_a_reason_in_one_language(tmp_path: Path) -> None:
    found = _load(tmp_path, "questions: {a: b}\nnot_comparable:\n  SEC_01: {es: Cambió la pregunta.}\n")
    assert found == [(RND_004.code, "rounds/x.yaml:1"), (RND_005.code, "rounds/x.yaml:3")]


BROKEN = """\
form_versions: ['2027080101', '1999']
questions:
  food_shortage: hungry
  fod_shortage: hunger
choices:
  water_source: {red_dentro: network_inside, red_lejos: network_outside, pileta: standpipe_x}
  age: {a: b}
not_comparable:
  SEC_1: {es: a, en: b}
areas:
  from_round: otra
  sector:
    S05: {S05: 0.5, S12: 0.5}
    S99: S01
"""


def test_check_finds_every_problem_against_forms_catalogue_and_geographies(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text(BROKEN, encoding="utf-8")
    manifest = replace(load_manifest(DEMO_MANIFESTS[2]), crosswalks=(tmp_path / "x.yaml",))
    result = check_rounds(manifest, DEMO_MANIFESTS[1])
    found = [(p.detail.code, str(p.context["where"]).rsplit(":", 1)[1],
              str(p.context.get("name") or p.context.get("code") or p.context.get("indicator") or
                  p.context.get("version") or p.context.get("question") or p.context.get("found")))
             for p in result.problems]
    assert found == [
        (RND_023.code, "1", "1999"),  # not a version the manifest registers
        (RND_024.code, "3", "hungry"),  # the current name is not in the current form
        (RND_024.code, "4", "fod_shortage"),  # the old name is not in version 2027080101
        (RND_025.code, "6", "standpipe_x"),  # not a current code of water_source
        (RND_025.code, "6", "red_lejos"),  # not a code of version 2027080101
        (RND_031.code, "7", "age"),  # an integer question has no codes
        (RND_026.code, "9", "SEC_1"),
        (RND_028.code, "11", "otra"),
        (RND_027.code, "13", "S12"),  # not in the 2027 geography
        (RND_027.code, "14", "S99"),  # not in the 2025 geography
    ]
    assert "SEC_01" in result.problems[6].message("es")  # ¿quiso decir?


def test_the_shipped_crosswalk_passes_the_check_and_a_broken_one_exits_1(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rounds", "check", "--manifest", str(DEMO_MANIFESTS[2])]) == 0
    (tmp_path / "x.yaml").write_text(BROKEN, encoding="utf-8")
    text = DEMO_MANIFESTS[2].read_text(encoding="utf-8").replace('"../', f'"{ROOT}/').replace(
        '"rounds/ves-demo-2027.yaml"', f'"{tmp_path / "x.yaml"}"')
    (tmp_path / "m.toml").write_text(text, encoding="utf-8")
    capsys.readouterr()
    assert main(["--lang", "en", "rounds", "check", "--manifest", str(tmp_path / "m.toml"), "--previous",
                 str(DEMO_MANIFESTS[1])]) == 1
    err = capsys.readouterr().err
    assert f"[{RND_030.code}]" in err and "x.yaml:13" in err and "Traceback" not in err

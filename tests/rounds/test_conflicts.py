"""Two crosswalks that read one earlier name or code two ways contradict each other, and an earlier name the
current form still uses could be either question: the run refuses them before touching anything, every problem
located at its file and line, exit 1, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from cbms.cli import main
from cbms.errors import RND_040, RND_041, RND_042, RND_043, CbmsError
from cbms.form import read_form
from cbms.rounds.crosswalk import load_crosswalks
from cbms.rounds.declared import clashes, conflicts, round_crosswalks
from tests.conftest import FORM
from tests.validate.census import household, write_export

FIRST = """\
form_versions: ["2024010101"]
questions:
  hunger_3m: hunger
choices:
  water_source: {red: network_inside}
"""
SECOND = """\
form_versions: ["2024010101", "2024060101"]
choices:
  water_source: {red: network_outside}
questions:
  hunger_3m: food_shortage
"""
MANIFEST = """\
[round]
id = "r2"
[form]
path = "{form}"
[poverty_lines]
z_total = 446
z_extreme = 251
[rounds]
crosswalks = ["rounds/first.yaml", "rounds/second.yaml"]
"""


def declared(folder: Path, second: str = SECOND) -> tuple[Path, ...]:
    (folder / "rounds").mkdir(parents=True, exist_ok=True)
    (folder / "rounds" / "first.yaml").write_text(FIRST, encoding="utf-8")
    (folder / "rounds" / "second.yaml").write_text(second, encoding="utf-8")
    return folder / "rounds" / "first.yaml", folder / "rounds" / "second.yaml"


def test_each_contradiction_is_located_in_both_files(tmp_path: Path) -> None:
    paths = declared(tmp_path / "pipelines")
    with pytest.raises(CbmsError) as info:
        round_crosswalks(paths, tmp_path / "pipelines", "ronda.toml", read_form(FORM))
    assert info.value.code == RND_040.code
    # the lines, counted in FIRST and SECOND above: second.yaml writes water_source on line 3 and hunger_3m on
    # line 5; first.yaml writes hunger_3m on line 3 and water_source on line 5
    assert [p.message("en") for p in info.value.problems] == [
        RND_041.format("en", where="pipelines/rounds/second.yaml:5", old="hunger_3m", current="food_shortage",
                       other="hunger", other_where="pipelines/rounds/first.yaml:3"),
        RND_042.format("en", where="pipelines/rounds/second.yaml:3", old="red", question="water_source",
                       current="network_outside", other="network_inside", versions="2024010101",
                       other_where="pipelines/rounds/first.yaml:5")]


def test_crosswalks_of_other_versions_may_recode_a_code_differently(tmp_path: Path) -> None:
    """A code recoded one way in one version and another way in another is no contradiction: each submission
    has one version. (The earlier question name still is: a column lands in one place whatever the version.)"""
    paths = declared(tmp_path / "pipelines", SECOND.replace('"2024010101", ', "").replace("food_shortage", "hunger"))
    loaded, problems = load_crosswalks(paths, tmp_path / "pipelines")
    assert problems == [] and conflicts(loaded) == []


def test_an_earlier_name_the_current_form_still_uses(tmp_path: Path) -> None:
    """`sanitation` is a question of the current household level: it cannot also be an earlier `water_source`.
    `full_name` is one too, but of the member level: an earlier name of a household question may reuse it."""
    (tmp_path / "pipelines" / "rounds").mkdir(parents=True)
    path = tmp_path / "pipelines" / "rounds" / "swap.yaml"
    path.write_text('form_versions: ["1"]\nquestions:\n  sanitation: water_source\n  full_name: hunger\n',
                    encoding="utf-8")
    loaded, problems = load_crosswalks((path,), tmp_path / "pipelines")
    assert problems == []
    assert [p.message("es") for p in clashes(loaded, read_form(FORM))] == [RND_043.format(
        "es", where="pipelines/rounds/swap.yaml:3", old="sanitation", current="water_source")]


def test_the_run_refuses_them_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    declared(tmp_path)
    manifest = tmp_path / "ronda.toml"
    manifest.write_text(MANIFEST.format(form=FORM), encoding="utf-8")
    export = write_export(tmp_path / "export", [household("uuid:h1", [{}])])
    db, out = tmp_path / "cbms.duckdb", tmp_path / "out"
    for command in (["ingest", str(export)], ["run", str(export), "--out", str(out)]):
        assert main(["--lang", "en", *command, "--manifest", str(manifest), "--db", str(db)]) == 1
        said = capsys.readouterr()
        text = said.out + said.err
        assert "[RND_040]" in text and "Traceback" not in text
        assert "rounds/second.yaml:5" in text and "rounds/second.yaml:3" in text
    assert not db.exists()
    assert not out.exists() or not any(out.rglob("*.*"))

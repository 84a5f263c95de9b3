"""The declared direction of each indicator (`better: lower | higher | none`): every shipped indicator declares one,
it agrees with how the reports read a gap (reports/indicators.yaml), and a wrong one is located."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from cbms.errors import IND_006, CbmsError
from cbms.form import FormSpec
from cbms.indicators import load_catalogue
from cbms.published.settings import load_settings
from tests.conftest import ROOT

# The gap's reading and the change's: a higher value that is worse is an improvement when it falls.
SAME = {"bad": "lower", "good": "higher", "neutral": None}


def test_every_shipped_indicator_declares_its_direction() -> None:
    for path in sorted((ROOT / "pipelines" / "indicators").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert data.get("better") in ("lower", "higher", "none"), path.name


def test_direction_agrees_with_the_gap_reading(form: FormSpec) -> None:
    settings = load_settings()
    for indicator in load_catalogue(form).indicators:
        assert indicator.better == SAME[settings.reading(indicator.id).higher_is], indicator.id


def test_examples_of_the_brief(form: FormSpec) -> None:
    catalogue = load_catalogue(form)
    # poverty, stunting, a deprivation and unpaid hours improve when lower; insurance and schooling when higher;
    # population is neutral (the examples)
    assert [catalogue.get(i).better for i in ("POV_01", "NUT_01", "MPI_CH_WATER", "GEN_01")] == ["lower"] * 4
    assert [catalogue.get(i).better for i in ("HEA_01", "EDU_01")] == ["higher"] * 2
    assert catalogue.get("DEM_01").better is None


def test_a_wrong_direction_is_located(tmp_path: Path, form: FormSpec) -> None:
    folder = tmp_path / "pipelines"
    shutil.copytree(ROOT / "pipelines", folder)
    path = folder / "indicators" / "POV_01.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    line = lines.index("better: lower") + 1
    path.write_text(path.read_text(encoding="utf-8").replace("better: lower", "better: lowr"), encoding="utf-8")
    with pytest.raises(CbmsError) as info:
        load_catalogue(form, folder)
    found = [p for p in info.value.problems if p.detail is IND_006]
    assert len(found) == 1
    message = found[0].message("es")
    assert f"POV_01.yaml:{line}" in message and "'lowr'" in message and "'lower'" in message

"""The output settings (reports/*.yaml): every indicator has a direction, every word both languages, errors name keys."""

from __future__ import annotations

import shutil
import string
from pathlib import Path

import pytest
import yaml

from cbms.errors import CbmsError
from cbms.published.settings import PIPELINES, REPORTS, load_settings

SHIPPED = {yaml.safe_load(p.read_text(encoding="utf-8"))["id"]: yaml.safe_load(p.read_text(encoding="utf-8"))
           for p in sorted((PIPELINES / "indicators").glob("*.yaml"))}


def test_every_shipped_indicator_declares_which_way_is_worse() -> None:
    settings = load_settings()
    assert set(SHIPPED) <= set(settings.readings), sorted(set(SHIPPED) - set(settings.readings))
    assert set(settings.readings) <= set(SHIPPED), "reports/indicators.yaml names an indicator that does not exist"


def test_every_mean_says_what_it_counts() -> None:
    settings = load_settings()
    means = [i for i, d in SHIPPED.items() if d["value"] == "mean"]
    assert means and all(settings.reading(i).measure for i in means), means


def test_an_unknown_indicator_is_neutral() -> None:
    assert load_settings().reading("NEW_99").higher_is == "neutral"


def test_labels_have_both_languages_and_the_same_fields() -> None:
    for key, texts in load_settings().labels.items():
        fields = [{f for _, f, _, _ in string.Formatter().parse(texts[lang]) if f} for lang in ("es", "en")]
        assert fields[0] == fields[1], key


@pytest.mark.parametrize(("file", "old", "new", "key"), [
    ("indicators.yaml", "POV_01: {higher_is: bad}", "POV_01: {higher_is: worse}", "indicators.POV_01.higher_is"),
    ("indicators.yaml", "GEN_01: {higher_is: bad, measure: hours}", "GEN_01: {higher_is: bad, measure: hourz}",
     "indicators.GEN_01.measure"),
    ("labels.yaml", "women: {es: Mujeres, en: Women}", "women: {es: Mujeres}", "women"),
    ("workbook.yaml", "behind: FCE4D6", "behind: orange", "colours.behind"),
    ("profile.yaml", "top_gaps: 5", "top_gaps: five", "top_gaps"),
])
def test_a_wrong_value_names_its_file_and_key(tmp_path: Path, file: str, old: str, new: str, key: str) -> None:
    folder = tmp_path / "reports"
    shutil.copytree(REPORTS, folder)
    text = (folder / file).read_text(encoding="utf-8")
    assert old in text
    (folder / file).write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(CbmsError) as caught:
        load_settings(folder)
    assert caught.value.code == "REP_002"
    assert file in caught.value.message("es") and f"'{key}'" in caught.value.message("en")


def test_a_missing_or_malformed_file_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    shutil.copytree(REPORTS, folder)
    (folder / "workbook.yaml").unlink()
    with pytest.raises(CbmsError) as caught:
        load_settings(folder)
    assert caught.value.code == "REP_001" and "workbook.yaml" in caught.value.message("es")
    (folder / "labels.yaml").write_text("title: {es: [unclosed", encoding="utf-8")
    with pytest.raises(CbmsError) as caught:
        load_settings(folder)
    assert caught.value.code == "REP_001" and "labels.yaml" in caught.value.message("en")

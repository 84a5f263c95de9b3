"""Broken rule declarations in schemas/: every problem at once, each located by file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cbms.errors import CbmsError
from cbms.form import FormSpec
from cbms.validate import load_rules
from tests.conftest import ROOT

BROKEN = """\
table: member
colums:
  age: {VAL_001: error}
audits:
  - code: VAL_102
    audit: head_age.sql
    severity: fatal
    message: {es: "x", en: "x"}
  - code: VAL_102
    audit: head_age.sql
    severity: warning
    mesage: {es: "x", en: "x"}
  - code: VAL_200
    audit: nowhere.sql
    severity: warning
    message: {es: "x", en: "x"}
  - code: VAL_201
    audit: broken.sql
    severity: warning
    message: {es: "x"}
"""


@pytest.fixture
def schemas(tmp_path: Path) -> Path:
    folder = tmp_path / "schemas"
    shutil.copytree(ROOT / "schemas", folder)
    return folder


def test_the_shipped_rules_load(form: FormSpec) -> None:
    rules = load_rules(form)
    codes = [a.code for a in rules.audits]
    assert len(codes) == len(set(codes)) >= 19
    # an age outside 0..120 holds the household back (INDICATORS.md): its range check is an error
    assert rules.severity("member", "age", "VAL_008") == "error"
    assert rules.severity("member", "age", "VAL_003") == "warning"
    assert rules.severity("member", "sex", "VAL_002") == "warning"
    age = rules.ranges[("member", "age")]
    assert (age.low, age.high, age.where) == (0, 120, "schemas/rules/member.yaml:13")
    assert rules.ranges[("member", "height_cm")].low == 38


def test_ranges_are_checked_all_at_once(schemas: Path, form: FormSpec) -> None:
    (schemas / "rules" / "ranges.yaml").write_text(
        "table: member\nranges:\n  age: {min: 10, max: 5}\n  rooms_x: {min: 0}\n  height_cm: {mn: 1}\n"
        "  weight_kg: {min: heavy}\n  hours_worked: 7\n")
    with pytest.raises(CbmsError) as info:
        load_rules(form, schemas)
    messages = sorted(p.message("en") for p in info.value.problems)
    where = "schemas/rules/ranges.yaml"
    assert messages == sorted([
        f"[SCH_012] {where}:3: a plausible range is written {{min: number, max: number}} with min <= max; "
        "found '10 > 5'",
        f"[SCH_008] {where}:4: column 'rooms_x' does not exist in table 'member'",
        f"[SCH_001] {where}:5: unknown key 'mn' (did you mean 'min'?)",
        f"[SCH_012] {where}:6: a plausible range is written {{min: number, max: number}} with min <= max; "
        "found 'heavy'",
        f"[SCH_012] {where}:7: a plausible range is written {{min: number, max: number}} with min <= max; "
        "found '7'"])


def test_every_problem_is_reported_at_once(schemas: Path, form: FormSpec) -> None:
    (schemas / "rules" / "broken.yaml").write_text(BROKEN)
    (schemas / "audits" / "broken.sql").write_text("SELECT nonsense FROM member")
    with pytest.raises(CbmsError) as info:
        load_rules(form, schemas)
    messages = [p.message("en") for p in info.value.problems]
    where = "schemas/rules/broken.yaml"
    assert f"[SCH_001] {where}:2: unknown key 'colums' (did you mean 'columns'?)" in messages
    assert f"[SCH_004] {where}:7: unknown severity 'fatal': use 'error' or 'warning'" in messages
    assert f"[SCH_001] {where}:12: unknown key 'mesage' (did you mean 'message'?)" in messages
    assert f"[SCH_002] {where}:9: key 'message' is missing" in messages
    assert any(m.startswith("[SCH_003]") and "'VAL_102'" in m for m in messages)  # also used in member.yaml
    assert any(m.startswith("[SCH_005]") and "nowhere.sql" in m for m in messages)
    assert any(m.startswith("[SCH_006]") and "broken.sql" in m and "nonsense" in m for m in messages)
    assert f"[SCH_002] {where}:20: key 'message.en' is missing" in messages
    assert info.value.code == "SCH_010"


def test_unknown_table_and_column(schemas: Path, form: FormSpec) -> None:
    (schemas / "rules" / "pets.yaml").write_text("table: pets\naudits: []\n")
    (schemas / "rules" / "cols.yaml").write_text("table: member\ncolumns:\n  shoe_size: {VAL_001: error}\n")
    with pytest.raises(CbmsError) as info:
        load_rules(form, schemas)
    messages = sorted(p.message("es") for p in info.value.problems)
    assert messages[0].startswith("[SCH_007] schemas/rules/pets.yaml:1: la tabla 'pets' no existe")
    assert messages[1] == ("[SCH_008] schemas/rules/cols.yaml:3: la columna 'shoe_size' no existe en la "
                           "tabla 'member'")


def test_malformed_yaml(schemas: Path, form: FormSpec) -> None:
    (schemas / "rules" / "bad.yaml").write_text("table: member\naudits:\n  - code: [unclosed\n")
    with pytest.raises(CbmsError) as info:
        load_rules(form, schemas)
    assert [p.message("en")[:9] for p in info.value.problems] == ["[SCH_009]"]


def test_an_audit_must_return_the_issue_columns(schemas: Path, form: FormSpec) -> None:
    (schemas / "audits" / "thin.sql").write_text("SELECT _row_key FROM member")
    (schemas / "rules" / "thin.yaml").write_text(
        "table: member\naudits:\n  - code: VAL_300\n    audit: thin.sql\n    severity: warning\n"
        "    message: {es: a, en: b}\n")
    with pytest.raises(CbmsError) as info:
        load_rules(form, schemas)
    assert info.value.problems[0].message("en").startswith("[SCH_011]")

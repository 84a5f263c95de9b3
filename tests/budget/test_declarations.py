"""needs.yaml and rules.yaml are linted like the indicator catalogue: every problem of both files at once, each
located by file and line, with a "did you mean" where a near name exists."""

from __future__ import annotations

from pathlib import Path

import pytest

from cbms.budget.declarations import BUDGET, load_declarations
from cbms.cli import main
from cbms.errors import (
    BUD_020,
    BUD_021,
    BUD_022,
    BUD_023,
    BUD_024,
    BUD_025,
    BUD_026,
    BUD_027,
    BUD_028,
    BUD_029,
    BUD_030,
    BUD_031,
    BUD_040,
    CbmsError,
)
from tests.budget.cases import NEEDS, RULES

# Each need below but the last has faults, named beside them.
BAD_NEEDS = """\
needs:
  - id: agua
    name: {es: Hogares sin agua}
    indicator: HOU_3
    unit: hogares
    unit_cost: 100
    categories: [agua_saneamento]
    colour: red
  - id: cuidado
    name: {es: Horas de cuidado, en: Care hours}
    indicator: GEN_01
    unit: persons
  - id: techo
    name: {es: Vivienda, en: Housing}
    indicator: HOU_01
    unit: households
    unit_cost: -5
    cost_source: ""
    cost_year: 1850
  - id: Mal-Id
    name: {es: X, en: X}
    indicator: HOU_01
    unit: households
    weight: -1
  - name: {es: Sin id ni indicador, en: No id nor indicator}
    unit: persons
  - id: hambre
    name: {es: Hambre, en: Hunger}
    indicator: POV_06
    unit: households
  - id: hambre
    name: {es: Hambre otra vez, en: Hunger again}
    indicator: POV_06
    unit: households
"""


def _line(text: str, fragment: str, start: int = 1) -> int:
    lines = text.splitlines()
    return next(i for i, line in enumerate(lines[start - 1:], start=start) if fragment in line)


def _write(folder: Path, rules: str = RULES, needs: str = NEEDS) -> Path:
    (folder / "budget").mkdir(parents=True, exist_ok=True)
    (folder / "budget" / "rules.yaml").write_text(rules, encoding="utf-8")
    (folder / "budget" / "needs.yaml").write_text(needs, encoding="utf-8")
    return folder / "budget"


def _problems(folder: Path) -> list[tuple[str, str]]:
    with pytest.raises(CbmsError) as info:
        load_declarations(folder=folder)
    assert info.value.code == BUD_031.code
    assert info.value.context["count"] == len(info.value.problems)
    return [(p.detail.code, p.context.get("where", p.context.get("path"))) for p in info.value.problems]


def test_the_shipped_declarations_load() -> None:
    declarations = load_declarations()
    assert declarations.folder == BUDGET
    assert {n.id for n in declarations.needs} >= {"agua", "desnutricion", "cuidado"}
    assert all(n.cost_source and n.cost_year for n in declarations.needs if n.unit_cost is not None)


def test_every_problem_of_needs_yaml_at_once(tmp_path: Path) -> None:
    folder = _write(tmp_path, needs=BAD_NEEDS)
    where = f"{tmp_path.name}/budget/needs.yaml"
    t = BAD_NEEDS
    techo = _line(t, "id: techo")
    expected = [
        (BUD_020.code, f"{where}:{_line(t, 'colour')}"),  # unknown key
        (BUD_028.code, f"{where}:{_line(t, 'Hogares sin agua')}"),  # no English name
        (BUD_023.code, f"{where}:{_line(t, 'HOU_3')}"),  # unknown indicator
        (BUD_025.code, f"{where}:{_line(t, 'unit: hogares')}"),  # unknown unit
        (BUD_026.code, f"{where}:2"),  # a cost without source ...
        (BUD_026.code, f"{where}:2"),  # ... nor year
        (BUD_025.code, f"{where}:{_line(t, 'agua_saneamento')}"),  # unknown category
        (BUD_029.code, f"{where}:{_line(t, 'unit: persons')}"),  # GEN_01 is a mean of hours
        (BUD_027.code, f"{where}:{_line(t, 'unit_cost: -5')}"),  # a cost must be positive
        (BUD_026.code, f"{where}:{_line(t, 'cost_source')}"),  # an empty source
        (BUD_027.code, f"{where}:{_line(t, 'cost_year')}"),  # not a plausible year
        (BUD_027.code, f"{where}:{_line(t, 'Mal-Id')}"),  # an id is lower-case letters, digits and _
        (BUD_027.code, f"{where}:{_line(t, 'weight')}"),  # a weight is 0 or more
        (BUD_021.code, f"{where}:{_line(t, 'Sin id')}"),  # no id
        (BUD_021.code, f"{where}:{_line(t, 'Sin id')}"),  # no indicator
        (BUD_024.code, f"{where}:{_line(t, 'id: hambre', _line(t, 'id: hambre') + 1)}"),  # declared twice
    ]
    assert techo < _line(t, "unit_cost: -5")
    assert _problems(folder) == expected


def test_did_you_mean(tmp_path: Path) -> None:
    with pytest.raises(CbmsError) as info:
        load_declarations(folder=_write(tmp_path, needs=BAD_NEEDS))
    messages = [p.message("en") for p in info.value.problems]
    assert any("'HOU_3'" in m and "did you mean 'HOU_03'" in m for m in messages)
    assert any("'agua_saneamento'" in m and "did you mean 'agua_saneamiento'" in m for m in messages)
    assert any("'unit' = 'hogares' is not valid; options: households, persons, children, hours" in m
               for m in messages)


def test_every_problem_of_rules_yaml_with_the_needs(tmp_path: Path) -> None:
    rules = (RULES.replace("weights: {severity: 0.5, size: 0.3, gap: 0.2}", "weights: {severity: 0, size: 0, gap: 0}")
             .replace("counted: [aprobado, ejecutado]", "counted: [aprobado, ejecutdo]")
             .replace("mujeres: {es: Mujeres, en: Women, class: specific}",
                      "mujeres: {es: Mujeres, en: Women, class: especifico}")
             .replace("classification: {gap_ratio: 1.10}", "classification: {gap_ratio: 0.5}\nextra: 1"))
    folder = _write(tmp_path, rules=rules, needs=NEEDS.replace("HOU_03", "HOU_99"))
    where = f"{tmp_path.name}/budget/rules.yaml"
    assert _problems(folder) == [
        (BUD_020.code, f"{where}:{_line(rules, 'extra')}"),
        (BUD_030.code, f"{where}:1"),
        (BUD_025.code, f"{where}:{_line(rules, 'counted')}"),
        (BUD_025.code, f"{where}:{_line(rules, 'especifico')}"),
        (BUD_027.code, f"{where}:{_line(rules, 'gap_ratio')}"),
        (BUD_023.code, f"{tmp_path.name}/budget/needs.yaml:{_line(NEEDS, 'HOU_03')}"),
    ]


def test_malformed_and_missing_files(tmp_path: Path) -> None:
    folder = _write(tmp_path, rules="weights: [severity: 1\n", needs=NEEDS)
    (folder / "needs.yaml").unlink()
    assert _problems(folder) == [(BUD_022.code, f"{tmp_path.name}/budget/rules.yaml:2"),
                                 (BUD_040.code, f"{tmp_path.name}/budget/needs.yaml")]


def test_budget_check_lints_the_shipped_round(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["budget", "check"]) == 0
    assert "Conforme: 7 necesidades, 21 proyectos" in capsys.readouterr().out

"""The eligibility rules: one per programme the form asks about, with sources; broken declarations reported all
at once, each located by file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cbms import errors
from cbms.errors import CbmsError
from cbms.form import FormSpec
from cbms.targeting import Targeting, load_rule, load_targeting
from tests.conftest import ROOT


def _line(path: Path, start: str) -> int:
    """The line of `path` that starts with `start` (1-based)."""
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if line.startswith(start))


def test_every_programme_of_the_form_has_one_rule(form: FormSpec, targeting: Targeting) -> None:
    codes = [c for c in form.choice_names("programs") if c != "none"]
    assert sorted(r.receipt_code for r in targeting.rules) == sorted(codes)
    assert all(r.receipt_item == "programs" for r in targeting.rules)


def test_every_rule_says_where_it_comes_from(targeting: Targeting) -> None:
    for r in targeting.rules:
        assert r.name_es and r.name_en and r.definition_es and r.definition_en, r.id
        assert r.source_es and r.source_en and 1980 <= r.year <= 2030, r.id
        assert r.approximation_es and r.approximation_en, r.id  # no rule is exactly what the census can see
        assert r.unit in ("household", "person")
    assert {r.id: r.unit for r in targeting.rules if r.unit == "household"} == {"juntos": "household",
                                                                                  "comedor": "household"}


def test_every_problem_is_reported_at_once_and_located(tmp_path: Path, form: FormSpec) -> None:
    folder = tmp_path / "pipelines"
    shutil.copytree(ROOT / "pipelines", folder)
    rules = folder / "targeting"
    edits = {"pension65.yaml": ("recipients:", "recipient:"), "juntos.yaml": ("unit: household", "unit: households"),
             "comedor.yaml": ("code: comedor}", "code: comedr}"), "qali_warma.yaml": ("year: 2012", "year: 2012a"),
             "cuna_mas.yaml": ("  en: Children under 3 in poor households.\n", "")}
    for name, (old, new) in edits.items():
        path = rules / name
        assert old in path.read_text()
        path.write_text(path.read_text().replace(old, new))
    (rules / "COPY.yaml").write_text((rules / "contigo.yaml").read_text())
    with pytest.raises(CbmsError) as info:
        load_targeting(form, folder)
    assert info.value.detail is errors.TGT_011
    messages = [p.message("en") for p in info.value.problems]
    assert len(messages) == 7 and info.value.context["count"] == 7

    def found(code: str, where: str, *words: str) -> bool:
        return any(m.startswith(f"[{code}] pipelines/{where}") and all(w in m for w in words) for m in messages)

    assert found("TGT_002", f"targeting/pension65.yaml:{_line(rules / 'pension65.yaml', 'recipient:')}",
                 "'recipient'", "did you mean 'recipients'")
    assert found("TGT_006", f"targeting/juntos.yaml:{_line(rules / 'juntos.yaml', 'unit:')}", "did you mean 'household'")
    assert found("TGT_009", f"targeting/comedor.yaml:{_line(rules / 'comedor.yaml', 'receipt:')}",
                 "'comedr'", "did you mean 'comedor'")
    assert found("TGT_013", "targeting/qali_warma.yaml:", "2012a")
    assert found("TGT_007", f"targeting/cuna_mas.yaml:{_line(rules / 'cuna_mas.yaml', 'definition:')}", "'en'")
    assert found("TGT_004", "targeting/COPY.yaml:", "'contigo'")
    assert found("TGT_005", "targeting/contigo.yaml:", "COPY.yaml")  # COPY.yaml is read first


def test_sql_that_does_not_run_is_located(tmp_path: Path, form: FormSpec) -> None:
    folder = tmp_path / "pipelines"
    shutil.copytree(ROOT / "pipelines", folder)
    path = folder / "targeting" / "vaso_de_leche.yaml"
    path.write_text(path.read_text().replace("pregnant = 'yes'\n                OR", "pregnat = 'yes'\n                OR"))
    with pytest.raises(CbmsError) as info:
        load_targeting(form, folder)
    (problem,) = info.value.problems
    message = problem.message("es")
    assert message.startswith(f"[TGT_010] pipelines/targeting/vaso_de_leche.yaml:{_line(path, 'eligible:')}")
    assert "'eligible'" in message and "pregnat" in message


def test_recipients_belong_to_person_rules(tmp_path: Path, form: FormSpec) -> None:
    rule = tmp_path / "comedor_hijos.yaml"
    rule.write_text((ROOT / "pipelines" / "targeting" / "comedor.yaml").read_text() + "recipients: age < 18\n")
    with pytest.raises(CbmsError) as info:
        load_rule(rule, form)
    assert [p.message()[:9] for p in info.value.problems] == ["[TGT_012]"]


def test_a_list_rule_outside_pipelines(tmp_path: Path, form: FormSpec) -> None:
    """A list's criterion may be a copy of a programme's rule with another `select` (and another file name)."""
    rule = tmp_path / "p65_sin_dni.yaml"
    rule.write_text((ROOT / "pipelines" / "targeting" / "pension65.yaml").read_text()
                    + "select: eligible AND NOT receives AND has_dni = 'no'\n")
    (loaded,) = load_rule(rule, form).rules
    assert loaded.select.endswith("has_dni = 'no'") and loaded.id == "pension65"
    bad = tmp_path / "bad.yaml"
    bad.write_text(rule.read_text().replace("has_dni = 'no'", "has_dnii = 'no'"))
    with pytest.raises(CbmsError) as info:
        load_rule(bad, form)
    assert "'select'" in info.value.problems[0].message("en")


def test_a_missing_rule_file(tmp_path: Path, form: FormSpec) -> None:
    with pytest.raises(CbmsError) as info:
        load_rule(tmp_path / "nope.yaml", form)
    assert info.value.detail is errors.TGT_014


def test_malformed_yaml(tmp_path: Path, form: FormSpec) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: [unclosed\n")
    with pytest.raises(CbmsError) as info:
        load_rule(bad, form)
    assert [p.message()[:9] for p in info.value.problems] == ["[TGT_001]"]


def test_an_id_that_could_name_another_path(tmp_path: Path, form: FormSpec) -> None:
    """The id names the list's file and a column value: no quotes, slashes or spaces."""
    rule = tmp_path / "rule.yaml"
    rule.write_text((ROOT / "pipelines" / "targeting" / "comedor.yaml").read_text().replace(
        "id: comedor", "id: ../comedor'"))
    with pytest.raises(CbmsError) as info:
        load_rule(rule, form)
    assert [p.message()[:9] for p in info.value.problems] == ["[TGT_021]"]

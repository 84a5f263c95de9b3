"""Load the programmes' eligibility rules (pipelines/targeting/*.yaml) and check them all at once, each problem
located by file and line: unknown keys with a "did you mean", missing texts, units, the census answer receipt is
read from, and SQL that does not run on the unit views."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb

from cbms.errors import (
    TGT_001,
    TGT_002,
    TGT_003,
    TGT_004,
    TGT_005,
    TGT_006,
    TGT_007,
    TGT_008,
    TGT_009,
    TGT_010,
    TGT_011,
    TGT_012,
    TGT_013,
    TGT_014,
    TGT_021,
    CbmsError,
    Lang,
    Notice,
)
from cbms.form.spec import FormSpec
from cbms.indicators.catalogue import PIPELINES, load_units
from cbms.indicators.compile import empty_database, quote, render_unit
from cbms.located import Declaration, bilingual, did_you_mean, read_declaration, shown_name, unknown_keys

UNITS = ("household", "person")
KEYS = ("id", "name", "definition", "unit", "eligible", "recipients", "receipt", "source", "year", "approximation",
        "sensitive", "select", "order")
REQUIRED = ("id", "name", "definition", "unit", "eligible", "receipt", "source", "year")
RECEIPT_KEYS = ("item", "code")
ID = re.compile(r"[A-Za-z0-9_-]+")
DEFAULT_SELECT = "eligible AND NOT receives"  # the outreach list: eligible, and the household does not receive it


@dataclass(frozen=True, slots=True)
class Rule:
    """One programme: who is eligible (SQL over a unit view), how receipt is read from the census, and where the
    rule comes from."""

    id: str
    name_es: str
    name_en: str
    definition_es: str
    definition_en: str
    unit: str  # household | person
    eligible: str  # SQL over the unit view; NULL (unknown) leaves the unit out of the coverage tables
    receipt_item: str  # a household-level select_multiple (the census asks each household what it receives)
    receipt_code: str  # the programme's choice code in it
    source_es: str
    source_en: str
    year: int
    approximation_es: str = ""
    approximation_en: str = ""
    recipients: str = "TRUE"  # person rules: who in a receiving household is counted as the programme's user
    sensitive: bool = False  # the higher small-cell threshold, as for sensitive indicators
    select: str = DEFAULT_SELECT  # the outreach list's criterion, over eligible, receives and the unit's columns
    order: int = 0
    where: str = ""  # file:line of the declaration
    path: Path | None = None

    def name(self, lang: Lang) -> str:
        """The programme's name in a language."""
        return self.name_es if lang == "es" else self.name_en


@dataclass(frozen=True, slots=True)
class Targeting:
    """The checked rules in order, and the unit views they are written over (name -> SQL template)."""

    rules: tuple[Rule, ...]
    units: Mapping[str, str]
    folder: Path = PIPELINES

    def get(self, rule_id: str) -> Rule:
        """A rule by id."""
        return next(r for r in self.rules if r.id == rule_id)


def evaluated(rule: Rule) -> str:
    """Per unit of the rule's view: its columns, `eligible`, `receives` (its household's answer holds the
    programme's code) and `beneficiary` (receives, and is whom the programme serves). Each layer is named after
    the unit, so a rule's SQL may say `household._row_key` or `person._parent_key` in a subquery."""
    unit, item = quote(rule.unit), quote(rule.receipt_item)
    if rule.unit == "household":
        base = f"SELECT u.*, u.{item} AS __receipt FROM household u"
    else:
        base = (f"SELECT u.*, h.__receipt FROM {unit} u JOIN (SELECT _row_key AS __household, {item} AS __receipt "
                f"FROM household) h ON h.__household = u._parent_key")
    code = rule.receipt_code.replace("'", "''")
    return (f"SELECT {unit}.*, {unit}.receives AND ({rule.recipients}) AS beneficiary FROM ("
            f"SELECT {unit}.*, ({rule.eligible}) AS eligible, "
            f"list_contains(string_split({unit}.__receipt, ' '), '{code}') AS receives "
            f"FROM ({base}) AS {unit}) AS {unit}")


def _declaration(path: Path, folder: Path | None, problems: list[Notice]) -> Declaration | None:
    return read_declaration(path, shown_name(path, folder) if folder is not None else str(path), TGT_001, problems)


def _receipt(declaration: Declaration, form: FormSpec | None, problems: list[Notice]) -> tuple[str, str]:
    where = declaration.where
    receipt = declaration.data["receipt"] if isinstance(declaration.data["receipt"], dict) else {}
    for key in receipt:
        if key not in RECEIPT_KEYS:
            problems.append(Notice(TGT_002, {"where": where("receipt", str(key)), "key": f"receipt.{key}",
                                             **did_you_mean(str(key), RECEIPT_KEYS)}))
    for key in RECEIPT_KEYS:
        if not str(receipt.get(key, "") or "").strip():
            problems.append(Notice(TGT_003, {"where": where("receipt"), "key": f"receipt.{key}"}))
    item, code = str(receipt.get("item", "") or ""), str(receipt.get("code", "") or "")
    if form is not None and item and code:
        multiples = tuple(q.name for q in form.questions if q.type == "select_multiple" and q.repeat is None)
        if item not in multiples:
            problems.append(Notice(TGT_008, {"where": where("receipt"), "item": item, "form": form.form_id,
                                             **did_you_mean(item, multiples)}))
        else:
            codes = tuple(c for c in form.choice_names(item) if c != "none")
            if code not in codes:
                problems.append(Notice(TGT_009, {"where": where("receipt"), "code": code, "item": item,
                                                 "options": ", ".join(codes), **did_you_mean(code, codes)}))
    return item, code


def _load_one(path: Path, folder: Path | None, form: FormSpec | None, problems: list[Notice]) -> Rule | None:
    declaration = _declaration(path, folder, problems)
    if declaration is None:
        return None
    data, where = declaration.data, declaration.where
    before = len(problems)
    unknown_keys(declaration, data, KEYS, TGT_002, problems)
    for key in REQUIRED:
        if key not in data:
            problems.append(Notice(TGT_003, {"where": where(), "key": key}))
    if len(problems) > before:
        return None
    if not ID.fullmatch(str(data["id"])):
        problems.append(Notice(TGT_021, {"where": where("id"), "id": data["id"]}))
    if folder is not None and str(data["id"]) != path.stem:
        problems.append(Notice(TGT_004, {"where": where("id"), "file": path.name, "id": data["id"]}))
    unit = str(data["unit"])
    if unit not in UNITS:
        problems.append(Notice(TGT_006, {"where": where("unit"), "key": "unit", "value": unit,
                                         "options": ", ".join(UNITS), **did_you_mean(unit, UNITS)}))
    if "recipients" in data and unit != "person":
        problems.append(Notice(TGT_012, {"where": where("recipients")}))
    year = data["year"]
    if not isinstance(year, int) or isinstance(year, bool):
        problems.append(Notice(TGT_013, {"where": where("year"), "value": year}))
    item, code = _receipt(declaration, form, problems)
    name_es, name_en = bilingual(data["name"], "name", where("name"), problems, TGT_007)
    def_es, def_en = bilingual(data["definition"], "definition", where("definition"), problems, TGT_007)
    source_es, source_en = bilingual(data["source"], "source", where("source"), problems, TGT_007)
    approx_es, approx_en = (bilingual(data["approximation"], "approximation", where("approximation"), problems,
                                      TGT_007) if "approximation" in data else ("", ""))
    return Rule(id=str(data["id"]), name_es=name_es, name_en=name_en, definition_es=def_es, definition_en=def_en,
                unit=unit, eligible=str(data["eligible"]), receipt_item=item, receipt_code=code,
                source_es=source_es, source_en=source_en, year=year if isinstance(year, int) else 0,
                approximation_es=approx_es, approximation_en=approx_en,
                recipients=str(data.get("recipients", "TRUE")), sensitive=bool(data.get("sensitive", False)),
                select=str(data.get("select", DEFAULT_SELECT)), order=int(data.get("order", 0)),
                where=where(), path=path)


def check_rules_sql(rules: tuple[Rule, ...], units: Mapping[str, str], form: FormSpec) -> list[Notice]:
    """Run each rule's eligibility, recipients and list criterion on the empty unit views: what does not bind is
    reported, located."""
    problems: list[Notice] = []
    with empty_database(form) as con:
        for name, template in units.items():
            con.execute(f"CREATE OR REPLACE TEMP VIEW {quote(name)} AS {render_unit(template, None)}")
        for rule in rules:
            # one key at a time, each on top of the ones before it, so a problem names its own key
            checks = {"eligible": f"SELECT ({rule.eligible}) FROM {quote(rule.unit)}",
                      "recipients": f"SELECT ({rule.recipients}) FROM {quote(rule.unit)}",
                      "select": f"SELECT ({rule.select}) FROM ({evaluated(rule)}) AS {quote(rule.unit)}"}
            for key, sql in checks.items():
                try:
                    con.execute(f"SELECT * FROM ({sql}) LIMIT 0").fetchall()
                except duckdb.Error as exc:
                    problems.append(Notice(TGT_010, {"where": _located(rule, key), "key": key, "unit": rule.unit,
                                                     "reason": " ".join(str(exc).split())[:400]}))
                    break
    return problems


def _located(rule: Rule, key: str) -> str:
    """Where a key of a rule is written (the rule's first line when the file cannot be read again)."""
    declaration = None if rule.path is None else read_declaration(rule.path, rule.where.rsplit(":", 1)[0],
                                                                  TGT_001, [])
    return rule.where if declaration is None else declaration.where(key)


def _checked(rules: list[Rule], problems: list[Notice], units: Mapping[str, str], form: FormSpec | None,
             path: Path) -> None:
    if form is not None and not problems:
        problems += check_rules_sql(tuple(rules), units, form)
    if problems:
        raise CbmsError(TGT_011, path=path, count=len(problems)).with_problems(tuple(problems))


def load_targeting(form: FormSpec | None = None, folder: Path = PIPELINES) -> Targeting:
    """Read every rule in `folder`/targeting and check them all; raise one CbmsError listing every problem."""
    problems: list[Notice] = []
    units = load_units(folder)
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for path in sorted((folder / "targeting").glob("*.yaml")):
        rule = _load_one(path, folder, form, problems)
        if rule is None:
            continue
        if rule.id in seen:
            problems.append(Notice(TGT_005, {"where": rule.where, "id": rule.id, "other": seen[rule.id]}))
            continue
        seen[rule.id] = rule.where
        rules.append(rule)
    _checked(rules, problems, units, form, folder / "targeting")
    return Targeting(tuple(sorted(rules, key=lambda r: (r.order, r.id))), units, folder)


def load_rule(path: Path, form: FormSpec | None = None, folder: Path = PIPELINES) -> Targeting:
    """One rule file, wherever it is (a list's criterion may be a copy of a programme's rule with another
    `select`), checked like the shipped ones."""
    if not path.is_file():
        raise CbmsError(TGT_014, path=path)
    problems: list[Notice] = []
    units = load_units(folder)
    rule = _load_one(path, None, form, problems)
    rules = [rule] if rule is not None else []
    _checked(rules, problems, units, form, path)
    return Targeting(tuple(rules), units, folder)

"""`cbms form check`: every problem of an XLSForm at once, located by sheet and row."""

from __future__ import annotations

import re
import tempfile
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from cbms.errors import (
    CHK_001,
    CHK_002,
    CHK_003,
    CHK_004,
    CHK_005,
    CHK_006,
    CHK_007,
    CHK_008,
    CHK_009,
    CHK_010,
    CHK_011,
    CHK_012,
    CHK_013,
    CHK_014,
    CHK_015,
    CbmsError,
    Detail,
    Lang,
)
from cbms.form.build import validate_xform
from cbms.form.core import REPEAT_TYPE, CoreItem, load_core
from cbms.form.read import convert_form, pyxform_location, spec_from_pyxform
from cbms.form.sheets import Sheet, read_sheets
from cbms.form.spec import FormSpec

if TYPE_CHECKING:
    from pyxform.xls2xform import ConvertResult

PYXFORM_ROUNDS = 25  # pyxform reads a form once per fault it reports
Severity = Literal["error", "warning"]
TEXT_COLUMNS = ("label", "hint", "required_message")  # constraint messages: CHK_013
REQUIRED_LANGUAGES = {"es": "Español (es)", "en": "English (en)"}
_SELECT = re.compile(r"^(select_one|select_multiple|select one|select all that apply|rank)\s+(\S+)")


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem of the form, with where it is."""

    detail: Detail
    sheet: str | None = None
    row: int | None = None
    context: Mapping[str, object] = field(default_factory=dict)
    severity: Severity = "error"

    def message(self, lang: Lang = "es") -> str:
        """The located message in the chosen language."""
        where = ""
        if self.sheet:
            sheet_word, row_word = ("hoja", "fila") if lang == "es" else ("sheet", "row")
            where = f"{sheet_word} {self.sheet}" + (f", {row_word} {self.row}" if self.row else "") + ": "
        return where + self.detail.format(lang, **self.context)


def check_form(path: Path | str, validate: bool = True, core: bool = True) -> list[Finding]:
    """Everything wrong with a form: pyxform, ODK Validate, the core dictionary, labels, choice lists."""
    path = Path(path)
    sheets = read_sheets(path)
    findings: list[Finding] = []
    spec: FormSpec | None = None
    refusals, result = _pyxform_refusals(path, sheets)
    findings += refusals
    if result is not None:
        spec = spec_from_pyxform(result._pyxform or {}, sheets.get("survey"))
        findings += _exclusive_none_findings(spec)
        findings += [Finding(CHK_014, None, None, {"reason": " ".join(w.split())}, "warning")
                     for w in result.warnings]
        if validate:
            findings += _odk_validate(result.xform, path)
    findings += _language_findings(sheets)
    findings += _choice_list_findings(sheets)
    if core:
        findings += _settings_findings(sheets)
        if spec is not None:
            findings += _core_findings(spec, load_core())
    return findings


def _pyxform_refusals(path: Path, sheets: Mapping[str, Sheet]) -> tuple[list[Finding], ConvertResult | None]:
    """Every fault pyxform finds, not only the first: pyxform stops at one, so the row it names is emptied in a
    copy and the copy read again, until it passes, names no row, or PYXFORM_ROUNDS are done. The result of
    pyxform when the form itself passed."""
    findings: list[Finding] = []
    seen: set[tuple[str, int]] = set()
    current = path
    with tempfile.TemporaryDirectory(prefix="cbms-check-") as work:
        for round_ in range(PYXFORM_ROUNDS):
            try:
                result = convert_form(current)
            except CbmsError as exc:
                reason = str(exc.context.get("reason", exc))
                sheet, row = pyxform_location(reason)
                if row is None:
                    sheet, row = _locate_quoted(reason, sheets) or (sheet, row)
                findings.append(Finding(CHK_009, sheet, row, {"reason": reason}))
                if sheet is None or row is None or (sheet, row) in seen or path.suffix.lower() != ".xlsx":
                    break
                seen.add((sheet, row))
                current = _without_row(current, sheet, row, Path(work) / f"round{round_}.xlsx")
                continue
            return findings, (result if not findings else None)
    return findings, None


def _without_row(source: Path, sheet: str, row: int, target: Path) -> Path:
    """A copy of the workbook with one row's cells emptied (the rows below keep their numbers)."""
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # openpyxl: dropped Excel extensions
        book = load_workbook(source)
    name = next(n for n in book.sheetnames if n.strip().lower() == sheet)
    for cell in book[name][row]:
        cell.value = None
    book.save(target)
    return target


def _locate_quoted(message: str, sheets: Mapping[str, Sheet]) -> tuple[str, int] | None:
    """pyxform names some faults without a row ("Unknown question type 'intgr'"): find the row it means."""
    for token in re.findall(r"'([^']+)'", message):
        for sheet_name in ("survey", "choices"):
            for row in sheets[sheet_name].rows if sheet_name in sheets else ():
                if token in (row.get("type"), row.get("name"), row.get("list_name")):
                    return sheet_name, row.row
    return None


def _odk_validate(xform: str, source: Path) -> list[Finding]:
    with tempfile.TemporaryDirectory() as tmp:
        xml = Path(tmp) / "form.xml"
        xml.write_text(xform, encoding="utf-8")
        try:
            validate_xform(xml, source)
        except CbmsError as exc:
            if exc.code != "FORM_004":
                raise
            return [Finding(CHK_010, None, None, {"reason": exc.context["reason"]})]
    return []


def _languages(sheet: Sheet, column: str) -> list[str]:
    prefix = f"{column}::"
    return [h[len(prefix):].strip() for h in sheet.headers if h.startswith(prefix)]


def _language_findings(sheets: Mapping[str, Sheet]) -> list[Finding]:
    findings: list[Finding] = []
    for sheet_name in ("survey", "choices"):
        sheet = sheets.get(sheet_name)
        if sheet is None:
            continue
        labels = _languages(sheet, "label")
        for code, language in REQUIRED_LANGUAGES.items():
            if not any(lang.endswith(f"({code})") for lang in labels):
                findings.append(Finding(CHK_005, sheet_name, 1, {"column": "label", "language": language}))
        for column in TEXT_COLUMNS:
            langs = _languages(sheet, column)
            if len(langs) < 2:
                continue
            for row in sheet.rows:
                texts = {lang: row.get(f"{column}::{lang}") for lang in langs}
                if any(texts.values()):
                    for lang, text in texts.items():
                        if not text:
                            name = row.get("name") or row.get("list_name")
                            findings.append(Finding(CHK_006, sheet_name, row.row,
                                                    {"name": name, "column": f"{column}::{lang}"}))
        if sheet_name == "survey":
            findings += _constraint_message_findings(sheet)
    return findings


def _constraint_message_findings(sheet: Sheet) -> list[Finding]:
    langs = _languages(sheet, "constraint_message") or (
        ["(default)"] if "constraint_message" in sheet.headers else [])
    findings: list[Finding] = []
    for row in sheet.rows:
        if not row.get("constraint"):
            continue
        if not langs:
            findings.append(Finding(CHK_013, "survey", row.row, {"name": row.get("name"), "language": "-"}))
        for lang in langs:
            column = "constraint_message" if lang == "(default)" else f"constraint_message::{lang}"
            if not row.get(column):
                findings.append(Finding(CHK_013, "survey", row.row, {"name": row.get("name"), "language": lang}))
    return findings


def _choice_list_findings(sheets: Mapping[str, Sheet]) -> list[Finding]:
    survey, choices = sheets.get("survey"), sheets.get("choices")
    used: dict[str, tuple[int, str]] = {}
    for row in survey.rows if survey else ():
        match = _SELECT.match(" ".join(row.get("type").split()))
        if match and not match.group(2).endswith((".csv", ".xml", ".geojson")):
            used.setdefault(match.group(2), (row.row, row.get("name")))
    defined: dict[str, int] = {}
    for row in choices.rows if choices else ():
        if row.get("list_name"):
            defined.setdefault(row.get("list_name"), row.row)
    findings = [Finding(CHK_007, "choices", r, {"list_name": n}) for n, r in defined.items() if n not in used]
    findings += [Finding(CHK_008, "survey", r, {"name": q, "list_name": n})
                 for n, (r, q) in used.items() if n not in defined]
    return findings


def _settings_findings(sheets: Mapping[str, Sheet]) -> list[Finding]:
    settings = sheets.get("settings")
    row = settings.rows[0] if settings and settings.rows else None
    findings: list[Finding] = []
    version = row.get("version") if row else ""
    if not version:
        findings.append(Finding(CHK_012, "settings", row.row if row else None))
    language = row.get("default_language") if row else ""
    if not language.endswith("(es)"):
        findings.append(Finding(CHK_015, "settings", row.row if row else None, {"found": language}))
    return findings


def _core_findings(spec: FormSpec, core: tuple[CoreItem, ...]) -> list[Finding]:
    findings: list[Finding] = []
    repeats = {r.name: r for r in spec.repeats}
    for item in core:
        if REPEAT_TYPE in item.types:
            repeat = repeats.get(item.name)
            if repeat is None:
                findings.append(Finding(CHK_001, "survey", None, {"name": item.name, "type": REPEAT_TYPE}))
            elif repeat.parent != item.repeat:
                findings.append(Finding(CHK_004, "survey", repeat.row, {
                    "name": item.name, "expected": item.level, "found": repeat.parent or "household"}))
            continue
        question = next((q for q in spec.questions if q.name == item.name), None)
        if question is None:
            findings.append(Finding(CHK_001, "survey", None, {"name": item.name, "type": "/".join(item.types)}))
            continue
        if question.type not in item.types:
            findings.append(Finding(CHK_002, "survey", question.row, {
                "name": item.name, "found": question.type, "expected": " | ".join(item.types)}))
        if question.repeat != item.repeat:
            findings.append(Finding(CHK_004, "survey", question.row, {
                "name": item.name, "expected": item.level, "found": question.repeat or "household"}))
        offered = {c.name for c in spec.choices.get(question.list_name or "", ())}
        missing = [c for c in item.choices if c not in offered]
        if missing and question.type.startswith("select"):
            findings.append(Finding(CHK_003, "survey", question.row,
                                    {"name": item.name, "choices": ", ".join(missing)}))
    return findings


def _exclusive_none_findings(spec: FormSpec) -> list[Finding]:
    findings: list[Finding] = []
    for q in spec.questions:
        if q.type != "select_multiple":
            continue
        codes = {c.name for c in spec.choices.get(q.list_name or "", ())}
        if "none" in codes and not re.search(r"""['"]none['"]""", q.constraint or ""):
            findings.append(Finding(CHK_011, "survey", q.row, {"name": q.name}))
    return findings

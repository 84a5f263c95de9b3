"""Load the analysts' validation rules (schemas/rules/*.yaml + schemas/audits/*.sql) and check them all at
once: unknown keys (with a "did you mean"), missing keys, duplicate codes, bad severities, missing or broken
SQL, unknown tables and columns, each located by file and line."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import duckdb

from cbms.errors import (
    SCH_001,
    SCH_002,
    SCH_003,
    SCH_004,
    SCH_005,
    SCH_006,
    SCH_007,
    SCH_008,
    SCH_009,
    SCH_010,
    SCH_011,
    SCH_012,
    CbmsError,
    Notice,
)
from cbms.form.layout import STAGE_KEYS, layout_of
from cbms.form.spec import FormSpec
from cbms.located import Declaration, did_you_mean, read_declaration, shown_name, unknown_keys
from cbms.project import SHIPPED

Severity = Literal["error", "warning"]
SCHEMAS = SHIPPED.schemas
FILE_KEYS = ("table", "audits", "columns", "ranges")
RANGE_KEYS = ("min", "max")
AUDIT_KEYS = ("code", "audit", "severity", "message", "drops_item")
REQUIRED_AUDIT_KEYS = ("code", "audit", "severity", "message")
FORM_RULES = ("VAL_001", "VAL_002", "VAL_003", "VAL_004", "VAL_005", "VAL_006", "VAL_007", "VAL_008")
AUDIT_COLUMNS = ("submission_key", "row_key", "column", "value")


@dataclass(frozen=True, slots=True)
class Audit:
    """One cross-record rule: a SQL query returning the violating rows, with its code and messages."""

    code: str
    table: str
    severity: Severity
    sql: str
    message_es: str
    message_en: str
    drops_item: bool
    where: str  # file:line of its declaration


@dataclass(frozen=True, slots=True)
class Range:
    """The values an answer can plausibly take (either end open); outside it the answer is left out."""

    low: float | None
    high: float | None
    where: str  # file:line of its declaration

    def text(self, end: float | None) -> str:
        """One end as the message shows it ('-' when open)."""
        return "-" if end is None else f"{end:g}"


@dataclass(frozen=True, slots=True)
class Rules:
    """Every declaration: the audits, severities of form-derived checks that are not warnings, plausible ranges."""

    audits: tuple[Audit, ...]
    severities: Mapping[tuple[str, str, str], Severity] = field(default_factory=dict)  # (table, column, code)
    ranges: Mapping[tuple[str, str], Range] = field(default_factory=dict)  # (table, column)

    def severity(self, table: str, column: str, code: str) -> Severity:
        """The severity of a form-derived check on one column (warning unless declared otherwise)."""
        return self.severities.get((table, column, code), "warning")


def _empty_stage(form: FormSpec) -> duckdb.DuckDBPyConnection:
    """An in-memory database with the audit views, empty, to check that every SQL audit runs."""
    from cbms.validate.stage import create_stage, typed_select

    con = duckdb.connect()
    con.execute("CREATE SCHEMA raw")
    for level, fields in layout_of(form).fields.items():
        columns = ", ".join(f'"{c}" VARCHAR' for c in (*STAGE_KEYS, *fields))
        con.execute(f'CREATE TABLE raw."{level}" ({columns})')
        typed_select(form, level, f'raw."{level}"')
    con.execute("CREATE TABLE raw.submission_versions (_submission_key VARCHAR, _version_id VARCHAR, "
                "_content_hash VARCHAR, status VARCHAR, first_load_id INTEGER, replaced_load_id INTEGER, "
                "content VARCHAR)")
    create_stage(con, form)
    return con


def load_rules(form: FormSpec, folder: Path = SCHEMAS) -> Rules:
    """Read every rules file; raise one CbmsError listing every problem found, located."""
    problems: list[Notice] = []
    audits: list[Audit] = []
    severities: dict[tuple[str, str, str], Severity] = {}
    ranges: dict[tuple[str, str], Range] = {}
    seen: dict[str, str] = {}
    levels = layout_of(form).fields
    con = _empty_stage(form)
    try:
        for path in sorted((folder / "rules").glob("*.yaml")):
            _load_file(path, folder, levels, con, problems, audits, severities, seen, ranges)
    finally:
        con.close()
    if problems:
        raise CbmsError(SCH_010, path=folder, count=len(problems)).with_problems(tuple(problems))
    return Rules(tuple(audits), severities, ranges)


def _load_file(path: Path, folder: Path, levels: Mapping[str, tuple[str, ...]], con: duckdb.DuckDBPyConnection,
               problems: list[Notice], audits: list[Audit], severities: dict[tuple[str, str, str], Severity],
               seen: dict[str, str], ranges: dict[tuple[str, str], Range]) -> None:
    declaration = read_declaration(path, shown_name(path, folder), SCH_009, problems)
    if declaration is None:
        return
    top, where = declaration.data, declaration.where
    unknown_keys(declaration, top, FILE_KEYS, SCH_001, problems)
    if "table" not in top:
        problems.append(Notice(SCH_002, {"where": where(), "key": "table"}))
        return
    table = str(top["table"])
    if table not in levels:
        problems.append(Notice(SCH_007, {"where": where("table"), "table": table, "tables": ", ".join(levels)}))
        return
    for column, codes in _mapping(top.get("columns")).items():
        if column not in levels[table]:
            problems.append(Notice(SCH_008, {"where": where("columns", column), "column": column, "table": table}))
            continue
        for code, severity in _mapping(codes).items():
            if code not in FORM_RULES:
                problems.append(Notice(SCH_001, {"where": where("columns", column, code), "key": code,
                                                 **did_you_mean(code, FORM_RULES)}))
            elif severity not in ("error", "warning"):
                problems.append(Notice(SCH_004, {"where": where("columns", column, code), "value": severity}))
            else:
                severities[(table, column, code)] = severity
    for column, bounds in _mapping(top.get("ranges")).items():
        if column not in levels[table]:
            problems.append(Notice(SCH_008, {"where": where("ranges", column), "column": column, "table": table}))
            continue
        found = _range(declaration, column, bounds, problems)
        if found is not None:
            ranges[(table, column)] = Range(*found, where=where("ranges", column))
    for index, item in enumerate(top.get("audits") or []):
        audit = _load_audit(declaration, index, item, table, folder, con, problems, seen)
        if audit is not None:
            audits.append(audit)


def _mapping(value: Any) -> dict[str, Any]:
    return {str(k): v for k, v in value.items()} if isinstance(value, dict) else {}


def _range(declaration: Declaration, column: str, bounds: Any,
           problems: list[Notice]) -> tuple[float | None, float | None] | None:
    """`{min: a, max: b}` (either may be left out) as numbers, or None after saying what is wrong."""
    before = len(problems)
    where = declaration.where
    if not isinstance(bounds, dict) or not bounds:
        problems.append(Notice(SCH_012, {"where": where("ranges", column), "value": bounds}))
        return None
    unknown_keys(declaration, bounds, RANGE_KEYS, SCH_001, problems, ("ranges", column))
    found: list[float | None] = []
    for key in RANGE_KEYS:
        value = bounds.get(key)
        if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
            found.append(None if value is None else float(value))
        else:
            problems.append(Notice(SCH_012, {"where": where("ranges", column, key), "value": value}))
    low, high = [*found, None, None][:2]
    if len(problems) == before and low is not None and high is not None and low > high:
        problems.append(Notice(SCH_012, {"where": where("ranges", column), "value": f"{low:g} > {high:g}"}))
    return (low, high) if len(problems) == before else None


def _load_audit(declaration: Declaration, index: int, item: Any, table: str, folder: Path,
                con: duckdb.DuckDBPyConnection, problems: list[Notice], seen: dict[str, str]) -> Audit | None:
    where = declaration.where
    before = len(problems)
    data = _mapping(item)
    unknown_keys(declaration, data, AUDIT_KEYS, SCH_001, problems, ("audits", index))
    for key in REQUIRED_AUDIT_KEYS:
        if key not in data:
            problems.append(Notice(SCH_002, {"where": where("audits", index), "key": key}))
    if len(problems) > before:
        return None
    code, severity = str(data["code"]), str(data["severity"])
    if code in seen:
        problems.append(Notice(SCH_003, {"where": where("audits", index, "code"), "code": code,
                                         "other": seen[code]}))
    seen.setdefault(code, where("audits", index, "code"))
    if severity not in ("error", "warning"):
        problems.append(Notice(SCH_004, {"where": where("audits", index, "severity"), "value": severity}))
    message = data["message"] if isinstance(data["message"], dict) else {}
    for lang in ("es", "en"):
        if not str(message.get(lang, "")).strip():
            problems.append(Notice(SCH_002, {"where": where("audits", index, "message"), "key": f"message.{lang}"}))
    sql_path = folder / "audits" / str(data["audit"])
    if not sql_path.is_file():
        problems.append(Notice(SCH_005, {"where": where("audits", index, "audit"), "path": sql_path}))
        return None
    sql = sql_path.read_text(encoding="utf-8")
    try:
        columns = [d[0] for d in con.execute(f"SELECT * FROM ({sql}) LIMIT 0").description]
    except duckdb.Error as exc:
        problems.append(Notice(SCH_006, {"where": f"{sql_path}", "reason": " ".join(str(exc).split())[:400]}))
        return None
    if not set(AUDIT_COLUMNS) <= set(columns):
        problems.append(Notice(SCH_011, {"where": str(sql_path), "required": ", ".join(AUDIT_COLUMNS),
                                         "found": ", ".join(columns)}))
    if len(problems) > before:
        return None
    return Audit(code=code, table=table, severity=severity,  # type: ignore[arg-type]
                 sql=sql, message_es=str(message["es"]), message_en=str(message["en"]),
                 drops_item=bool(data.get("drops_item", False)), where=where("audits", index, "code"))

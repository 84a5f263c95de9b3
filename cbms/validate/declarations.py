"""Load the analysts' validation rules (schemas/rules/*.yaml + schemas/audits/*.sql) and check them all at
once: unknown keys (with a "did you mean"), missing keys, duplicate codes, bad severities, missing or broken
SQL, unknown tables and columns, each located by file and line."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import duckdb
import yaml

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
from cbms.form.spec import FormSpec
from cbms.ingest.model import field_columns

Severity = Literal["error", "warning"]
SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
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


def _hint(key: str, allowed: tuple[str, ...]) -> dict[str, str]:
    close = difflib.get_close_matches(key, allowed, n=1)
    return {"hint_es": f" (¿quiso decir '{close[0]}'?)" if close else "",
            "hint_en": f" (did you mean '{close[0]}'?)" if close else ""}


def _line(node: yaml.Node | None) -> int:
    return node.start_mark.line + 1 if node is not None else 1


def _nodes(mapping: yaml.Node | None) -> dict[str, yaml.Node]:
    if not isinstance(mapping, yaml.MappingNode):
        return {}
    return {str(k.value): v for k, v in mapping.value}


def _keys(mapping: yaml.Node | None) -> dict[str, yaml.Node]:
    """Each key's own node (its line is where the key is written)."""
    if not isinstance(mapping, yaml.MappingNode):
        return {}
    return {str(k.value): k for k, _ in mapping.value}


def _empty_stage(form: FormSpec) -> duckdb.DuckDBPyConnection:
    """An in-memory database with the audit views, empty, to check that every SQL audit runs."""
    from cbms.validate.stage import create_stage, typed_select

    con = duckdb.connect()
    con.execute("CREATE SCHEMA raw")
    for level, fields in field_columns(form).items():
        columns = ", ".join(f'"{c}" VARCHAR' for c in ("_submission_key", "_row_key", "_parent_key", "_version_id",
                                                        "_submitted_at", "_edits", "_deprecated_id", *fields))
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
    levels = field_columns(form)
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
    def where(node: yaml.Node | None) -> str:
        return f"{path.relative_to(folder.parent) if folder.parent in path.parents else path}:{_line(node)}"

    try:
        root = yaml.compose(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.append(Notice(SCH_009, {"where": f"{path}:{mark.line + 1 if mark else 1}",
                                          "reason": " ".join(str(exc).split())}))
        return
    top = _nodes(root)
    for key, node in _keys(root).items():
        if key not in FILE_KEYS:
            problems.append(Notice(SCH_001, {"where": where(node), "key": key, **_hint(key, FILE_KEYS)}))
    if "table" not in top:
        problems.append(Notice(SCH_002, {"where": where(root), "key": "table"}))
        return
    table = str(top["table"].value)
    if table not in levels:
        problems.append(Notice(SCH_007, {"where": where(top["table"]), "table": table,
                                          "tables": ", ".join(levels)}))
        return
    for column_node, codes in (top["columns"].value if "columns" in top else []):
        column = str(column_node.value)
        if column not in levels[table]:
            problems.append(Notice(SCH_008, {"where": where(column_node), "column": column, "table": table}))
            continue
        for code_node, severity_node in (codes.value if isinstance(codes, yaml.MappingNode) else []):
            code, severity = str(code_node.value), str(severity_node.value)
            if code not in FORM_RULES:
                problems.append(Notice(SCH_001, {"where": where(code_node), "key": code,
                                                  **_hint(code, FORM_RULES)}))
            elif severity not in ("error", "warning"):
                problems.append(Notice(SCH_004, {"where": where(severity_node), "value": severity}))
            else:
                severities[(table, column, code)] = severity  # type: ignore[assignment]
    for column_node, bounds in (top["ranges"].value if "ranges" in top else []):
        column = str(column_node.value)
        if column not in levels[table]:
            problems.append(Notice(SCH_008, {"where": where(column_node), "column": column, "table": table}))
            continue
        found = _range(bounds, where, problems)
        if found is not None:
            ranges[(table, column)] = Range(*found, where=where(column_node))
    for item in (top["audits"].value if "audits" in top else []):
        audit = _load_audit(item, table, folder, where, con, problems, seen)
        if audit is not None:
            audits.append(audit)


def _range(node: yaml.Node, where: Any, problems: list[Notice]) -> tuple[float | None, float | None] | None:
    """`{min: a, max: b}` (either may be left out) as numbers, or None after saying what is wrong."""
    before = len(problems)
    for key, key_node in _keys(node).items():
        if key not in RANGE_KEYS:
            problems.append(Notice(SCH_001, {"where": where(key_node), "key": key, **_hint(key, RANGE_KEYS)}))
    bounds: list[float | None] = []
    for key in RANGE_KEYS:
        value = _nodes(node).get(key)
        if value is None:
            bounds.append(None)
            continue
        try:
            bounds.append(float(str(value.value)))
        except ValueError:
            problems.append(Notice(SCH_012, {"where": where(value), "value": value.value}))
    if not isinstance(node, yaml.MappingNode) or not _keys(node):
        problems.append(Notice(SCH_012, {"where": where(node), "value": getattr(node, "value", "")}))
    low, high = [*bounds, None, None][:2]
    if len(problems) == before and low is not None and high is not None and low > high:
        problems.append(Notice(SCH_012, {"where": where(node), "value": f"{low:g} > {high:g}"}))
    return (low, high) if len(problems) == before else None


def _load_audit(item: yaml.Node, table: str, folder: Path, where: Any, con: duckdb.DuckDBPyConnection,
                problems: list[Notice], seen: dict[str, str]) -> Audit | None:
    nodes = _nodes(item)
    before = len(problems)
    for key, node in _keys(item).items():
        if key not in AUDIT_KEYS:
            problems.append(Notice(SCH_001, {"where": where(node), "key": key, **_hint(key, AUDIT_KEYS)}))
    for key in REQUIRED_AUDIT_KEYS:
        if key not in nodes:
            problems.append(Notice(SCH_002, {"where": where(item), "key": key}))
    if len(problems) > before:
        return None
    data = yaml.safe_load(yaml.serialize(item))
    code, severity = str(data["code"]), str(data["severity"])
    if code in seen:
        problems.append(Notice(SCH_003, {"where": where(nodes["code"]), "code": code, "other": seen[code]}))
    seen.setdefault(code, where(nodes["code"]))
    if severity not in ("error", "warning"):
        problems.append(Notice(SCH_004, {"where": where(nodes["severity"]), "value": severity}))
    message = data["message"] if isinstance(data["message"], dict) else {}
    for lang in ("es", "en"):
        if not str(message.get(lang, "")).strip():
            problems.append(Notice(SCH_002, {"where": where(nodes["message"]), "key": f"message.{lang}"}))
    sql_path = folder / "audits" / str(data["audit"])
    if not sql_path.is_file():
        problems.append(Notice(SCH_005, {"where": where(nodes["audit"]), "path": sql_path}))
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
                 drops_item=bool(data.get("drops_item", False)), where=where(nodes["code"]))

"""The choice codes the indicator SQL compares answers with, checked against the form's lists: `internet = 'si'`
runs and gives 0 % without a word, so every code a declaration or a unit view names must be an option of the
question it is compared with. The SQL is parsed by DuckDB itself (json_serialize_sql), not by a regex."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator, Mapping
from typing import Any

import duckdb

from cbms.errors import IND_015, Notice
from cbms.form.spec import FormSpec

COMPARISONS = frozenset({"COMPARE_EQUAL", "COMPARE_NOTEQUAL", "COMPARE_IN", "COMPARE_NOT_IN",
                         "COMPARE_DISTINCT_FROM", "COMPARE_NOT_DISTINCT_FROM"})
LIST_FUNCTIONS = frozenset({"list_has_any", "list_has_all", "list_contains", "list_has", "array_has_any",
                            "array_has_all", "array_contains", "contains"})


def _text(node: Mapping[str, Any]) -> str | None:
    """A string constant's text (DuckDB 2 writes `literal.text`, DuckDB 1 `value.value`)."""
    if node.get("class") != "CONSTANT":
        return None
    literal = node.get("literal") or {}
    if literal.get("kind") == "STRING":
        return str(literal.get("text"))
    value = node.get("value") or {}
    if (value.get("type") or {}).get("id") == "VARCHAR" and not value.get("is_null"):
        return str(value.get("value"))
    return None


def _children(node: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The expressions directly under a node (operands, function arguments, list elements)."""
    out: list[Mapping[str, Any]] = []
    for key in ("left", "right"):
        if isinstance(node.get(key), dict):
            out.append(node[key])
    out += [c for c in node.get("children", []) if isinstance(c, dict)]
    for argument in node.get("arguments", []) or []:
        expression = argument.get("expression", argument) if isinstance(argument, dict) else None
        if isinstance(expression, dict):
            out.append(expression)
    return out


def _columns(node: Mapping[str, Any]) -> Iterator[str]:
    """Column names read by an operand, looking through string_split, lower, trim and casts."""
    if node.get("class") == "COLUMN_REF":
        yield str(node["column_names"][-1])
    elif node.get("class") in ("FUNCTION", "CAST"):
        for child in _children(node) + ([node["child"]] if isinstance(node.get("child"), dict) else []):
            yield from _columns(child)


def _codes(node: Mapping[str, Any]) -> Iterator[str]:
    """String constants of an operand: a literal, or the elements of a list literal."""
    text = _text(node)
    if text is not None:
        yield text
    elif node.get("class") == "FUNCTION" and node.get("function_name") in ("list_value", "array_value"):
        for child in _children(node):
            yield from _codes(child)


def comparisons(sql: str) -> Iterator[tuple[str, str]]:
    """Every (column, code) a statement compares: `col = 'x'`, `col IN ('x', 'y')`, `list_has_any(
    string_split(col, ' '), ['x'])`."""
    con = duckdb.connect()
    try:
        tree = json.loads(con.execute("SELECT json_serialize_sql(?)", [sql]).fetchall()[0][0])
    finally:
        con.close()
    stack: list[Any] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        if node.get("type") in COMPARISONS or node.get("function_name") in LIST_FUNCTIONS:
            operands = _children(node)
            columns = [c for o in operands for c in _columns(o)]
            codes = [c for o in operands for c in _codes(o)]
            yield from ((column, code) for column in columns for code in codes)
        stack.extend(v for v in node.values() if isinstance(v, dict | list))


def choice_lists(form: FormSpec) -> dict[str, tuple[str, ...]]:
    """Select questions by name -> their codes (a name two selects share with different lists is left out)."""
    out: dict[str, tuple[str, ...]] = {}
    shared: set[str] = set()
    for q in form.questions:
        if q.type in ("select_one", "select_multiple") and q.list_name and q.list_name in form.choices:
            codes = tuple(c.name for c in form.choices[q.list_name])
            if q.name in out and out[q.name] != codes:
                shared.add(q.name)
            out[q.name] = codes
    return {k: v for k, v in out.items() if k not in shared}


def unknown_codes(sql: str, where: str, lists: Mapping[str, tuple[str, ...]]) -> list[Notice]:
    """A problem for each code the SQL compares a select question with that is not one of its options."""
    found: list[Notice] = []
    for column, code in dict.fromkeys(comparisons(sql)):
        options = lists.get(column)
        if options is None or code in options:
            continue
        close = difflib.get_close_matches(code, list(options), n=1)
        found.append(Notice(IND_015, {
            "where": where, "column": column, "code": code, "options": ", ".join(options),
            "hint_es": f" (¿quiso decir '{close[0]}'?)" if close else "",
            "hint_en": f" (did you mean '{close[0]}'?)" if close else ""}))
    return found

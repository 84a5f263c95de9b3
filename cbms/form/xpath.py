"""A vectorised evaluator for the XPath subset XLSForms use in relevant, constraint, calculation, choice_filter.

One expression is evaluated over all rows of a table at once (numpy arrays), following XPath 1.0 rules as
ODK/JavaRosa apply them: an empty answer is the empty string, compares as NaN with numbers, and dates compare
as days since 1970-01-01. Expressions outside the subset raise `Unsupported`, so the caller decides.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_TOKEN = re.compile(r"""
    \s*(?:
      (?P<ref>\$\{[^}]+\})
    | (?P<num>\d+\.\d*|\.\d+|\d+)
    | (?P<str>'[^']*'|"[^"]*")
    | (?P<op>!=|<=|>=|=|<|>|\+|-|\*|\(|\)|,)
    | (?P<dots>\.\.|\.)
    | (?P<name>[A-Za-z_][\w:.-]*)
    )""", re.VERBOSE)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_NOT_NUMERIC_DATE_FORMAT = re.compile(r"%[^Yymnde]|%$")


class Unsupported(Exception):
    """The expression uses something outside the supported subset."""


class ArrowValues(dict[str, np.ndarray]):
    """Answers kept as Arrow text, turned into numpy objects (None = empty) only when an expression reads
    them: most columns are never referenced, and the conversion is the dearest step (~25 ms a column)."""

    def __init__(self, columns: Mapping[str, pa.ChunkedArray]) -> None:
        super().__init__()
        self.columns = dict(columns)

    def __contains__(self, name: object) -> bool:
        return name in self.columns or super().__contains__(name)

    def __missing__(self, name: str) -> np.ndarray:
        if name not in self.columns:
            raise KeyError(name)
        self[name] = self.columns[name].to_numpy(zero_copy_only=False)
        return self[name]


@dataclass
class Frame:
    """The rows an expression is evaluated on: answers by name (None = empty), and the enclosing level."""

    values: dict[str, np.ndarray]
    n: int
    parent: Frame | None = None
    parent_row: np.ndarray | None = None  # row of the parent frame, per row
    position: np.ndarray | None = None  # 1-based position inside the parent repeat, per row
    today: float = 0.0  # days since epoch
    choice: Mapping[str, str] = field(default_factory=dict)  # bare names inside a choice_filter
    # Set when `values` no longer change (validation): each reference is then read and converted once.
    cache: dict[tuple[Any, ...], Any] | None = None

    def lookup(self, name: str) -> np.ndarray:
        if name in self.values:
            return self.values[name]
        if self.parent is not None and self.parent_row is not None:
            return np.asarray(self.parent.lookup(name)[self.parent_row])
        raise Unsupported(f"unknown reference ${{{name}}}")


@dataclass(frozen=True, slots=True)
class Val:
    """A typed column: kind 's' (object strings, '' empty), 'n' (float, NaN empty) or 'b' (bool)."""

    kind: str
    data: np.ndarray
    # a cached reference's numbers, computed the first time a comparison needs them (a box: [] until then)
    num: list[np.ndarray] | None = None
    arrow: pa.ChunkedArray | None = None  # the same text as Arrow (null = empty), when it came as Arrow


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise Unsupported(f"cannot read {text[pos:]!r}")
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
        while pos < len(text) and text[pos].isspace():
            pos += 1
    return out


Node = tuple[Any, ...]


class _Parser:
    def __init__(self, text: str) -> None:
        self.toks = _tokens(text)
        self.i = 0

    def peek(self) -> tuple[str, str] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> tuple[str, str]:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def accept(self, *values: str) -> str | None:
        tok = self.peek()
        if tok and tok[0] in ("op", "name") and tok[1] in values:
            self.i += 1
            return tok[1]
        return None

    def parse(self) -> Node:
        node = self.binary(0)
        if self.peek() is not None:
            raise Unsupported(f"unexpected {self.peek()}")
        return node

    LEVELS: tuple[tuple[str, ...], ...] = (("or",), ("and",), ("=", "!="), ("<", "<=", ">", ">="), ("+", "-"),
                                           ("*", "div", "mod"))

    def binary(self, level: int) -> Node:
        if level == len(self.LEVELS):
            return self.unary()
        node = self.binary(level + 1)
        while (op := self.accept(*self.LEVELS[level])) is not None:
            node = ("bin", op, node, self.binary(level + 1))
        return node

    def unary(self) -> Node:
        if self.accept("-"):
            return ("neg", self.unary())
        return self.primary()

    def primary(self) -> Node:
        kind, text = self.take()
        if kind == "num":
            return ("num", float(text))
        if kind == "str":
            return ("str", text[1:-1])
        if kind == "ref":
            return ("ref", text[2:-1])
        if kind == "dots":
            return ("dot",) if text == "." else ("dotdot",)
        if kind == "op" and text == "(":
            node = self.binary(0)
            self.expect(")")
            return node
        if kind == "name":
            if self.accept("("):
                args: list[Node] = []
                if not self.accept(")"):
                    args.append(self.binary(0))
                    while self.accept(","):
                        args.append(self.binary(0))
                    self.expect(")")
                return ("call", text, tuple(args))
            return ("bare", text)
        raise Unsupported(f"unexpected {text!r}")

    def expect(self, value: str) -> None:
        if self.accept(value) is None:
            raise Unsupported(f"expected {value!r}")


_CACHE: dict[str, Node] = {}


def parse(text: str) -> Node:
    """The syntax tree of an expression (cached)."""
    if text not in _CACHE:
        _CACHE[text] = _Parser(text).parse()
    return _CACHE[text]


def references(text: str | None) -> frozenset[str]:
    """The question names an expression reads (`${name}`); Unsupported when it cannot be read at all."""
    if not text:
        return frozenset()
    return frozenset(value[2:-1].strip() for kind, value in _tokens(text) if kind == "ref")


# ----------------------------------------------------------------------------------------- conversions
def _strings(arr: np.ndarray) -> np.ndarray:
    out = np.asarray(arr, dtype=object)
    return np.where(pd.isna(out), "", out)  # None and NaN alike: an empty answer


def _arrow_text(column: pa.ChunkedArray) -> Val:
    """An Arrow text column as XPath sees it ('' for empty), keeping the column for Arrow's string functions."""
    return Val("s", pc.fill_null(column, "").to_numpy(zero_copy_only=False), [], column)


def as_num(v: Val) -> np.ndarray:
    if v.kind == "n":
        return v.data
    if v.kind == "b":
        return v.data.astype(float)
    source = v.data if v.arrow is None else v.arrow
    if v.num is None:
        return _as_num(source)
    if not v.num:
        v.num.append(_as_num(source))
    return v.num[0]


def as_arrow(v: Val) -> pa.Array | pa.ChunkedArray:
    """The text of a value as Arrow (for pyarrow's column-at-a-time string functions)."""
    return v.arrow if v.arrow is not None else pa.array(as_str(v), pa.string(), from_pandas=True)


def _as_num(data: np.ndarray | pa.ChunkedArray) -> np.ndarray:
    """Text to numbers, column at a time (pyarrow): plain numbers, then YYYY-MM-DD dates as days since 1970."""
    if isinstance(data, pa.ChunkedArray):
        text = data
        try:  # Arrow text has nulls, not '', for empty answers: a plain numeric column casts as it is
            return np.asarray(pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False), dtype=float)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
    else:
        text = pa.array(data, type=pa.string(), from_pandas=True)
    try:  # most numeric columns are plain numbers or empty: one cast, no pattern matching
        plain = pc.if_else(pc.equal(pc.utf8_trim_whitespace(text), ""), pa.scalar(None, pa.string()), text)
        return np.asarray(pc.cast(plain, pa.float64()).to_numpy(zero_copy_only=False), dtype=float)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    number = pc.match_substring_regex(text, r"^\s*[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?\s*$")
    num = pc.if_else(number, pc.cast(pc.if_else(number, pc.utf8_trim_whitespace(text), "0"), pa.float64()), None)
    is_date = pc.and_(pc.invert(pc.fill_null(number, False)),
                      pc.fill_null(pc.match_substring_regex(text, r"^[0-9]{4}-[0-9]{2}-[0-9]{2}"), False))
    if pc.any(is_date).as_py():
        day = pc.strptime(pc.utf8_slice_codeunits(pc.if_else(is_date, text, "1970-01-01"), 0, 10),
                          format="%Y-%m-%d", unit="s", error_is_null=True)
        days = pc.divide(pc.cast(pc.cast(day, pa.int64()), pa.float64()), 86400.0)
        num = pc.if_else(is_date, days, num)
    return np.asarray(num.to_numpy(zero_copy_only=False), dtype=float)


def as_str(v: Val) -> np.ndarray:
    if v.kind == "s":
        return v.data
    if v.kind == "b":
        return np.where(v.data, "true", "false").astype(object)
    x = v.data
    out = np.full(len(x), "", dtype=object)
    finite = np.isfinite(x)
    whole = finite & (np.floor(np.where(finite, x, 0)) == x)
    out[whole] = x[whole].astype(np.int64).astype(str).astype(object)
    frac = finite & ~whole
    out[frac] = [repr(float(f)) for f in x[frac]]
    return out


def as_bool(v: Val) -> np.ndarray:
    if v.kind == "b":
        return v.data
    if v.kind == "n":
        return np.asarray(np.nan_to_num(v.data, nan=0.0) != 0)
    return np.asarray(v.data != "")


def _days_to_dates(days: np.ndarray) -> pd.Series:
    return pd.to_datetime(pd.Series(days), unit="D", errors="coerce")


# ------------------------------------------------------------------------------------------ evaluation
def evaluate(text: str, frame: Frame, dot: np.ndarray | pa.ChunkedArray | None = None) -> Val:
    """Evaluate an expression over every row of `frame`; `.` is `dot` (the answer being checked)."""
    return _Eval(frame, dot).run(parse(text))


def truth(text: str | None, frame: Frame, dot: np.ndarray | pa.ChunkedArray | None = None) -> np.ndarray:
    """The boolean value of an expression per row (all True when there is no expression)."""
    if not text:
        return np.ones(frame.n, dtype=bool)
    return as_bool(evaluate(text, frame, dot))


class _Eval:
    def __init__(self, frame: Frame, dot: np.ndarray | pa.ChunkedArray | None) -> None:
        self.f = frame
        self.dot = dot
        self._dot: Val | None = None

    def full(self, kind: str, value: object) -> Val:
        cache = self.f.cache
        key = ("literal", kind, value)
        if cache is not None and key in cache:  # a constant column, made once per frame (never written to)
            return cache[key]  # type: ignore[no-any-return]
        dtype = object if kind == "s" else (bool if kind == "b" else float)
        data = np.empty(self.f.n, dtype=dtype)
        data.fill(value)  # (np.full of a string into objects is 15x slower in numpy 2)
        made = Val(kind, data)
        if cache is not None:
            cache[key] = made
        return made

    def ref(self, name: str) -> Val:
        """A referenced answer as text ('' empty); read once per frame when the frame caches."""
        cache = self.f.cache
        if cache is not None and ("s", name) in cache:
            return cache[("s", name)]  # type: ignore[no-any-return]
        values = self.f.values
        box: list[np.ndarray] | None = None if cache is None else []
        if isinstance(values, ArrowValues) and name in values.columns:
            made = _arrow_text(values.columns[name])
        elif name not in values and cache is not None and self.f.parent is not None \
                and self.f.parent_row is not None:  # an answer of the enclosing level, row by row
            up = _Eval(self.f.parent, None).ref(name)
            rows = self.f.parent_row
            made = Val("s", up.data[rows], box, None if up.arrow is None else up.arrow.take(rows))
        else:
            made = Val("s", _strings(self.f.lookup(name)), box)
        if cache is not None:
            cache[("s", name)] = made
        return made

    def run(self, node: Node) -> Val:
        tag = node[0]
        if tag == "num":
            return self.full("n", node[1])
        if tag == "str":
            return self.full("s", node[1])
        if tag == "ref":
            return self.ref(node[1])
        if tag == "dot":
            if self.dot is None:
                raise Unsupported("'.' outside a constraint")
            if self._dot is None:
                if isinstance(self.dot, pa.ChunkedArray):
                    self._dot = _arrow_text(self.dot)
                else:
                    self._dot = Val("s", _strings(self.dot))
            return self._dot
        if tag == "bare":
            if node[1] in self.f.choice:
                return self.full("s", self.f.choice[node[1]])
            raise Unsupported(f"bare name {node[1]!r}")
        if tag == "neg":
            return Val("n", -as_num(self.run(node[1])))
        if tag == "bin":
            return self.binary(node[1], self.run(node[2]), self.run(node[3]))
        if tag == "call":
            return self.call(node[1], node[2])
        raise Unsupported(tag)

    def binary(self, op: str, a: Val, b: Val) -> Val:
        if op == "or":
            return Val("b", as_bool(a) | as_bool(b))
        if op == "and":
            return Val("b", as_bool(a) & as_bool(b))
        if op in ("=", "!="):
            if "b" in (a.kind, b.kind):
                eq = as_bool(a) == as_bool(b)
            elif "n" in (a.kind, b.kind):
                x, y = as_num(a), as_num(b)
                eq = x == y
                if op == "!=":
                    return Val("b", ~eq)
            else:
                eq = as_str(a) == as_str(b)
            return Val("b", eq if op == "=" else ~eq)
        if op in ("<", "<=", ">", ">="):
            x, y = as_num(a), as_num(b)
            with np.errstate(invalid="ignore"):
                res = {"<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y}[op]
            return Val("b", res)
        x, y = as_num(a), as_num(b)
        with np.errstate(invalid="ignore", divide="ignore"):
            if op == "+":
                return Val("n", x + y)
            if op == "-":
                return Val("n", x - y)
            if op == "*":
                return Val("n", x * y)
            if op == "div":
                return Val("n", x / y)
            return Val("n", np.fmod(x, y))

    def call(self, name: str, args: tuple[Node, ...]) -> Val:
        fn = _FUNCTIONS.get(name)
        if fn is not None:
            return fn(self, [self.run(a) for a in args])
        if name == "position" and args == (("dotdot",),):
            if self.f.position is None:
                raise Unsupported("position(..) outside a repeat")
            return Val("n", self.f.position.astype(float))
        raise Unsupported(f"function {name}()")


def _selected(e: _Eval, a: list[Val]) -> Val:
    hay, needle = as_str(a[0]), as_str(a[1])
    if len(needle) and (needle == needle[0]).all():  # selected(${x}, 'code'): one code for every row
        found = pc.match_substring_regex(as_arrow(a[0]), f"(?:^|\\s){re.escape(str(needle[0]))}(?:\\s|$)")
        return Val("b", pc.fill_null(found, False).to_numpy(zero_copy_only=False).astype(bool))
    if len(hay) and (hay == hay[0]).all():  # selected('a b c', ${x}): a fixed list
        return Val("b", np.isin(needle, str(hay[0]).split()))
    return Val("b", np.array([n in h.split() for h, n in zip(hay, needle, strict=True)], dtype=bool))


def _count_selected(e: _Eval, a: list[Val]) -> Val:
    words = pc.split_pattern_regex(pc.utf8_trim_whitespace(pc.fill_null(as_arrow(a[0]), "")), r"\s+")
    count = pc.list_value_length(words)
    empty = pc.equal(pc.utf8_length(pc.list_element(words, 0)), 0)
    return Val("n", pc.if_else(empty, 0, count).to_numpy(zero_copy_only=False).astype(float))


def _regex(e: _Eval, a: list[Val]) -> Val:
    pattern = str(as_str(a[1])[0]) if len(a[1].data) else ""
    text = pc.fill_null(as_arrow(a[0]), "")
    try:  # RE2, column at a time; XLSForm patterns are almost always within what RE2 reads
        found = pc.match_substring_regex(text, pattern)
        return Val("b", pc.fill_null(found, False).to_numpy(zero_copy_only=False).astype(bool))
    except pa.ArrowInvalid:  # a Java/PCRE-only construct: Python's re, row by row
        s = pd.Series(as_str(a[0]), dtype=object)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # pandas: "pattern has match groups"
            return Val("b", s.str.contains(pattern, regex=True, na=False).to_numpy(dtype=bool))


def _if(e: _Eval, a: list[Val]) -> Val:
    cond = as_bool(a[0])
    if a[1].kind == a[2].kind == "s":
        return Val("s", np.where(cond, a[1].data, a[2].data))
    if a[1].kind == a[2].kind == "b":
        return Val("b", np.where(cond, a[1].data, a[2].data))
    return Val("n", np.where(cond, as_num(a[1]), as_num(a[2])))


def _coalesce(e: _Eval, a: list[Val]) -> Val:
    x, y = as_str(a[0]), as_str(a[1])
    return Val("s", np.where(x != "", x, y))


def _concat(e: _Eval, a: list[Val]) -> Val:
    out = np.full(e.f.n, "", dtype=object)
    for v in a:
        out = out + as_str(v)
    return Val("s", out)


def _format_date(e: _Eval, a: list[Val]) -> Val:
    days = as_num(a[0])
    pattern = str(as_str(a[1])[0])
    if not _NOT_NUMERIC_DATE_FORMAT.search(pattern):
        return Val("s", _format_numeric_date(days, pattern))
    d = _days_to_dates(days)
    formatted = d.dt.strftime(pattern.replace("%e", "%-d").replace("%n", "%-m")).to_numpy(dtype=object)
    return Val("s", np.where(pd.isna(formatted), "", formatted))


def _format_numeric_date(days: np.ndarray, pattern: str) -> np.ndarray:
    """format-date with %Y %y %m %n %d %e only, from the numbers of each date (strftime, in pandas or
    pyarrow, took ~0.1 s a call on 340,000 members; this is ~10x faster)."""
    finite = np.isfinite(days)
    day = np.where(finite, np.floor(np.where(finite, days, 0)), 0).astype("int64").astype("datetime64[D]")
    month_start = day.astype("datetime64[M]")
    year = day.astype("datetime64[Y]").astype("int64") + 1970
    month = month_start.astype("int64") % 12 + 1
    day_of_month = (day - month_start).astype("int64") + 1
    parts = {"Y": (year, 4), "y": (year % 100, 2), "m": (month, 2), "n": (month, 0), "d": (day_of_month, 2),
             "e": (day_of_month, 0)}
    pieces: list[pa.Array | str] = [pc.if_else(pa.array(finite), "", pa.scalar(None, pa.string()))]  # null: no date
    for literal, code in re.findall(r"([^%]*)(?:%(.))?", pattern):
        pieces.append(literal)
        if code:
            number, width = parts[code]
            text = pc.cast(pa.array(number), pa.string())
            pieces.append(pc.utf8_lpad(text, width, "0") if width else text)
    joined = pc.binary_join_element_wise(*pieces, "")
    return np.asarray(pc.fill_null(joined, "").to_numpy(zero_copy_only=False), dtype=object)


def _date(e: _Eval, a: list[Val]) -> Val:
    return Val("n", as_num(Val("s", as_str(a[0]))) if a[0].kind == "s" else as_num(a[0]))


def _today(e: _Eval, a: list[Val]) -> Val:
    return e.full("n", e.f.today)


def _int(e: _Eval, a: list[Val]) -> Val:
    return Val("n", np.trunc(as_num(a[0])))


def _round(e: _Eval, a: list[Val]) -> Val:
    digits = int(as_num(a[1])[0]) if len(a) > 1 and e.f.n else 0
    return Val("n", np.round(as_num(a[0]), digits))


def _string_length(e: _Eval, a: list[Val]) -> Val:
    return Val("n", pd.Series(as_str(a[0]), dtype=object).str.len().to_numpy(dtype=float))


def _contains(e: _Eval, a: list[Val]) -> Val:
    return Val("b", np.array([y in x for x, y in zip(as_str(a[0]), as_str(a[1]), strict=True)], dtype=bool))


def _starts_with(e: _Eval, a: list[Val]) -> Val:
    return Val("b", np.array([x.startswith(y) for x, y in zip(as_str(a[0]), as_str(a[1]), strict=True)],
                             dtype=bool))


_FUNCTIONS: dict[str, Callable[[_Eval, list[Val]], Val]] = {
    "selected": _selected,
    "count-selected": _count_selected,
    "regex": _regex,
    "if": _if,
    "coalesce": _coalesce,
    "concat": _concat,
    "format-date": _format_date,
    "date": _date,
    "today": _today,
    "now": _today,
    "int": _int,
    "round": _round,
    "number": lambda e, a: Val("n", as_num(a[0])),
    "string": lambda e, a: Val("s", as_str(a[0])),
    "boolean": lambda e, a: Val("b", as_bool(a[0])),
    "not": lambda e, a: Val("b", ~as_bool(a[0])),
    "true": lambda e, a: e.full("b", True),
    "false": lambda e, a: e.full("b", False),
    "string-length": _string_length,
    "contains": _contains,
    "starts-with": _starts_with,
    "once": lambda e, a: a[0],
}


def days(d: date) -> float:
    """Days since 1970-01-01, the number a date compares as."""
    return float((d - date(1970, 1, 1)).days)

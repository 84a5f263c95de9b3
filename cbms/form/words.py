"""XLSForm relevance, constraint and choice-filter expressions put into words, walking xpath's syntax tree."""

# Written by hand: no library phrases XPath for people. Whatever falls outside the shapes below is not guessed:
# `Worded.worded` is False and the text is the expression as written, for the caller to show and to list.

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from cbms.form.xpath import Node, Unsupported, parse

SYMBOLS = {"=": "=", "!=": "≠", "<": "<", "<=": "≤", ">": ">", ">=": "≥"}
FLIPPED = {"=": "=", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
NEGATED = {"=": "!=", "!=": "=", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}
ARITHMETIC = {"+": "+", "-": "−", "*": "×", "div": "÷", "mod": "mod"}
_DATE_LITERAL = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Unworded(Exception):
    """A part of an expression these words do not cover."""


@dataclass(frozen=True, slots=True)
class Worded:
    """An expression in words, or (worded False) the expression exactly as written."""

    text: str
    worded: bool = True


@dataclass(frozen=True)
class Terms:
    """What the words need to know about the form, already in the document's language.

    `refs` names each question (P12); `choices` gives each select question's labels by code; `kinds` each
    question's XLSForm type; `ages` the questions that hold an age in years and `sexes` the questions that hold
    sex, with the code of each sex ('female' / 'male' -> the form's code); `vocab` the fixed words.
    """

    vocab: Mapping[str, str]
    refs: Mapping[str, str]
    choices: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    kinds: Mapping[str, str] = field(default_factory=dict)
    ages: frozenset[str] = frozenset()
    sexes: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    decimal_comma: bool = False

    def say(self, key: str, **fields: str) -> str:
        return self.vocab[key].format(**fields)


def _parsed(expression: str) -> Node:
    try:
        return parse(expression)
    except (Unsupported, IndexError) as exc:  # IndexError: the expression ends early, e.g. "${a} ="
        raise Unworded(expression) from exc


def _flatten(node: Node, op: str) -> list[Node]:
    if node[0] == "bin" and node[1] == op:
        return [*_flatten(node[2], op), *_flatten(node[3], op)]
    return [node]


def _upper(text: str) -> str:
    return text[:1].upper() + text[1:]


class Phrasing:
    """Expressions of one form in one language. `dot` is the question a constraint belongs to."""

    def __init__(self, terms: Terms) -> None:
        self.t = terms

    # ------------------------------------------------------------------------------------------ public
    def condition(self, expression: str, dot: str | None = None) -> Worded:
        """A condition in words: "P12 = Sí y P14 ≥ 3"."""
        try:
            return Worded(self._cond(_parsed(expression), dot))
        except Unworded:
            return Worded(expression, worded=False)

    def relevance(self, expression: str) -> Worded:
        """A relevance as an instruction: "Solo si P12 = Sí", "Solo para mujeres de 12 a 49 años"."""
        try:
            node = _parsed(expression)
            who, rest = self._people(_flatten(node, "and"))
            if who is None:
                return Worded(self.t.say("only_if", condition=self._cond(node, None)))
            if not rest:
                return Worded(self.t.say("only_for", who=who))
            return Worded(self.t.say("only_for_if", who=who, condition=self._and(rest, None)))
        except Unworded:
            return Worded(expression, worded=False)

    def constraint(self, expression: str, dot: str) -> Worded:
        """A constraint as a note on the answer to `dot`: "Entre 1 y 30"."""
        try:
            return Worded(_upper(self._cond(_parsed(expression), dot)))
        except Unworded:
            return Worded(expression, worded=False)

    def choice_filter(self, expression: str) -> Worded:
        """A choice_filter as a note: "Solo las opciones con sector = P4"."""
        try:
            return Worded(self.t.say("choice_filter", condition=self._cond(_parsed(expression), None)))
        except Unworded:
            return Worded(expression, worded=False)

    # ------------------------------------------------------------------------------------------ conditions
    def _cond(self, node: Node, dot: str | None) -> str:
        tag = node[0]
        if tag == "bin" and node[1] == "or":
            return self._or(_flatten(node, "or"), dot)
        if tag == "bin" and node[1] == "and":
            return self._and(_flatten(node, "and"), dot)
        if tag == "bin" and node[1] in SYMBOLS:
            return self._compare(node[1], node[2], node[3], dot)
        if tag == "call":
            return self._call(node[1], node[2], dot)
        if tag == "ref":
            return self.t.say("answered", ref=self._ref(node[1]))
        raise Unworded(tag)

    def _or(self, parts: list[Node], dot: str | None) -> str:
        return self.t.vocab["or"].join(self._or_pieces(parts, dot))

    def _or_pieces(self, parts: list[Node], dot: str | None) -> list[str]:
        name = self._same_choice(parts)
        if name is not None:  # ${x} = 'a' or ${x} = 'b': "P6 = A o B"
            labels = [self._choice(name, p[3][1]) for p in parts]
            return [f"{self._ref(name)} = {self.t.vocab['or'].join(labels)}"]
        return [self._grouped(p, "and", dot) for p in parts]

    def _and(self, parts: list[Node], dot: str | None) -> str:
        return self.t.vocab["and"].join(self._and_pieces(parts, dot))

    def _and_pieces(self, parts: list[Node], dot: str | None) -> list[str]:
        words: list[str] = []
        ranges = self._ranges(parts, dot)
        done: set[int] = set()
        for i, part in enumerate(parts):
            if i in done:
                continue
            if i in ranges:
                j, text = ranges[i]
                done.add(j)
                words.append(text)
                continue
            words.append(self._grouped(part, "or", dot))
        return words

    def _grouped(self, node: Node, looser: str, dot: str | None) -> str:
        """A part of an `and` (`or`) list, in brackets when it is an `or` (`and`) said in more than one piece."""
        if not (node[0] == "bin" and node[1] == looser):
            return self._cond(node, dot)
        parts = _flatten(node, looser)
        pieces = self._and_pieces(parts, dot) if looser == "and" else self._or_pieces(parts, dot)
        text = self.t.vocab[looser].join(pieces)
        return f"({text})" if len(pieces) > 1 else text

    def _same_choice(self, parts: list[Node]) -> str | None:
        names = {p[2][1] for p in parts if p[0] == "bin" and p[1] == "=" and p[2][0] == "ref" and p[3][0] == "str"}
        if len(names) == 1 and all(p[0] == "bin" and p[1] == "=" and p[2][0] == "ref" and p[3][0] == "str"
                                   for p in parts):
            name = next(iter(names))
            return name if name in self.t.choices else None
        return None

    def _ranges(self, parts: list[Node], dot: str | None) -> dict[int, tuple[int, str]]:
        """Pairs `x >= a` and `x <= b` on the same subject: index of the first -> (index of the second, words)."""
        bounds: dict[str, dict[str, tuple[int, Node]]] = {}
        for i, part in enumerate(parts):
            side = _bound(part)
            if side is None:
                continue
            subject, kind, value = side
            bounds.setdefault(subject, {}).setdefault(kind, (i, value))
        out: dict[int, tuple[int, str]] = {}
        for subject, found in bounds.items():
            if "low" in found and "high" in found:
                (i, low), (j, high) = found["low"], found["high"]
                between = self.t.say("between", low=self._value(low, dot), high=self._value(high, dot))
                text = between if subject == "." else f"{self._ref(subject[2:-1])} {between}"
                out[min(i, j)] = (max(i, j), text)
        return out

    def _compare(self, op: str, left: Node, right: Node, dot: str | None) -> str:
        if left[0] not in ("ref", "dot", "bare") and right[0] in ("ref", "dot"):
            op, left, right = FLIPPED[op], right, left
        if right == ("str", "") and left[0] in ("ref", "dot") and op in ("=", "!="):
            key = "unanswered" if op == "=" else "answered"
            return self.t.say(key, ref=self._subject(left))
        if left[0] == "dot":
            return self._on_answer(op, right, dot)
        return f"{self._value(left, dot)} {SYMBOLS[op]} {self._value(right, self._of(left, dot))}"

    def _on_answer(self, op: str, value: Node, dot: str | None) -> str:
        """A comparison of the answer itself, as a constraint says it: "1 o más", "no después de hoy"."""
        text = self._value(value, dot)
        dated = self._dated(value) or (dot is not None and self.t.kinds.get(dot) in ("date", "datetime"))
        if op in ("=", "!="):
            return self.t.say("equal" if op == "=" else "differs", value=text)
        keys = {">=": "not_before", "<=": "not_after", ">": "after", "<": "before"} if dated else \
            {">=": "at_least", "<=": "at_most", ">": "more_than", "<": "less_than"}
        return self.t.say(keys[op], value=text)

    def _call(self, name: str, args: tuple[Node, ...], dot: str | None) -> str:
        if name == "not" and len(args) == 1:
            return self._not(args[0], dot)
        if name == "selected" and len(args) == 2:
            return self._selected(args[0], args[1], dot)
        if name == "if" and len(args) == 3:
            return self.t.say("if_then", condition=self._cond(args[0], dot), then=self._cond(args[1], dot),
                              otherwise=self._cond(args[2], dot))
        if name in ("true", "false") and not args:
            return self.t.vocab["always" if name == "true" else "never"]
        raise Unworded(name)

    def _not(self, inner: Node, dot: str | None) -> str:
        if inner[0] == "bin" and inner[1] in NEGATED:
            return self._compare(NEGATED[inner[1]], inner[2], inner[3], dot)
        if inner[0] == "call" and inner[1] == "selected" and len(inner[2]) == 2:
            subject, code = inner[2]
            if subject[0] in ("ref", "dot") and code[0] == "str":
                owner = self._of(subject, dot)
                return self.t.say("excludes", ref=self._subject(subject), choice=self._choice(owner, code[1]))
        alone = self._alone(inner, dot)
        if alone is not None:
            return alone
        return self.t.say("not", condition=self._cond(inner, dot))

    def _alone(self, node: Node, dot: str | None) -> str | None:
        """not(selected(X, 'c') and count-selected(X) > 1): "«Ninguno» no se marca junto con otras opciones"."""
        if not (node[0] == "bin" and node[1] == "and"):
            return None
        picked, counted = node[2], node[3]
        if picked[0] == "call" and picked[1] == "selected" and len(picked[2]) == 2 and picked[2][1][0] == "str" \
                and counted == ("bin", ">", ("call", "count-selected", (picked[2][0],)), ("num", 1.0)):
            owner = self._of(picked[2][0], dot)
            return self.t.say("alone", choice=self._choice(owner, picked[2][1][1]))
        return None

    def _selected(self, subject: Node, code: Node, dot: str | None) -> str:
        if subject[0] in ("ref", "dot") and code[0] == "str":
            owner = self._of(subject, dot)
            if self.t.kinds.get(owner or "") == "select_multiple":
                return self.t.say("includes", ref=self._subject(subject), choice=self._choice(owner, code[1]))
            return f"{self._subject(subject)} = {self._choice(owner, code[1])}"
        if subject[0] == "str" and code[0] in ("ref", "dot"):  # selected('a b', ${x}): x is one of a, b
            owner = self._of(code, dot)
            labels = [self._choice(owner, c) for c in subject[1].split()]
            return f"{self._subject(code)} = {self.t.vocab['or'].join(labels)}"
        raise Unworded("selected")

    # ------------------------------------------------------------------------------------------ values
    def _value(self, node: Node, owner: str | None) -> str:
        """A value: a number, a choice label (when compared with a select question), a question, a date."""
        tag = node[0]
        if tag == "num":
            return self._number(node[1])
        if tag == "str":
            if owner is not None and owner in self.t.choices:
                return self._choice(owner, node[1])
            return f"«{node[1]}»"
        if tag == "ref":
            return self._ref(node[1])
        if tag == "dot":
            return self.t.vocab["answer"]
        if tag == "neg":
            return f"−{self._value(node[1], None)}"
        if tag == "bin" and node[1] in ARITHMETIC:
            return f"{self._term(node[2], node[1])} {ARITHMETIC[node[1]]} {self._term(node[3])}"
        if tag == "bare":  # a column of the choices sheet, inside a choice_filter
            return str(node[1])
        if tag == "call":
            return self._function(node[1], node[2])
        raise Unworded(tag)

    def _term(self, node: Node, chain: str | None = None) -> str:
        """An operand of arithmetic, in brackets unless it continues the same sum or product on the left."""
        text = self._value(node, None)
        return f"({text})" if node[0] == "bin" and not (node[1] == chain and chain in ("+", "*")) else text

    def _function(self, name: str, args: tuple[Node, ...]) -> str:
        if name in ("today", "now") and not args:
            return self.t.vocab["today"]
        if name == "date" and len(args) == 1 and args[0][0] == "str" and _DATE_LITERAL.match(args[0][1]):
            return str(args[0][1])
        if name == "position" and args == (("dotdot",),):
            return self.t.vocab["position"]
        if name == "count-selected" and len(args) == 1 and args[0][0] in ("ref", "dot"):
            return self.t.say("count_ticked", ref=self._subject(args[0]))
        if name == "coalesce" and len(args) == 2 and args[0][0] == "ref" and args[1] == ("num", 0.0):
            return self.t.say("empty_as_zero", value=self._ref(args[0][1]))
        if name == "number" and len(args) == 1 and args[0][0] in ("ref", "num"):
            return self._value(args[0], None)
        if name == "int" and len(args) == 1:
            return self.t.say("whole", value=self._term(args[0]))
        raise Unworded(name)

    def _number(self, value: float) -> str:
        text = str(int(value)) if value == int(value) else repr(value)
        return text.replace(".", ",") if self.t.decimal_comma else text

    def _dated(self, node: Node) -> bool:
        if node[0] == "call" and node[1] in ("today", "now", "date"):
            return True
        return node[0] == "ref" and self.t.kinds.get(node[1]) in ("date", "datetime")

    def _ref(self, name: str) -> str:
        if name not in self.t.refs:
            raise Unworded(name)
        return self.t.refs[name]

    def _subject(self, node: Node) -> str:
        return self.t.vocab["answer"] if node[0] == "dot" else self._ref(node[1])

    @staticmethod
    def _of(node: Node, dot: str | None) -> str | None:
        """The question a reference or `.` stands for."""
        if node[0] == "ref":
            return str(node[1])
        return dot if node[0] == "dot" else None

    def _choice(self, owner: str | None, code: str) -> str:
        labels = self.t.choices.get(owner or "", {})
        return labels.get(code, f"«{code}»")

    # ------------------------------------------------------------------------------------------ people
    def _people(self, parts: list[Node]) -> tuple[str | None, list[Node]]:
        """The sex and age conditions of a relevance as who it is for ("mujeres de 12 a 49 años"), and the rest."""
        sex: str | None = None
        low: tuple[str, float] | None = None  # (>= or >, years)
        high: tuple[str, float] | None = None
        ages: set[str] = set()
        rest: list[Node] = []
        for part in parts:
            found = self._sex_of(part)
            if found is not None and sex is None:
                sex = found
                continue
            age = _age_bound(part, self.t.ages)
            if age is not None:
                name, op, years = age
                ages.add(name)
                if op in (">=", ">") and low is None:
                    low = (op, years)
                    continue
                if op in ("<=", "<") and high is None:
                    high = (op, years)
                    continue
                if op == "=" and low is None and high is None:
                    low = high = ("=", years)
                    continue
            rest.append(part)
        if (sex is None and low is None and high is None) or len(ages) > 1:
            return None, parts
        who = self.t.vocab[sex or "people"]
        if low is not None and low == high:
            return self.t.say("aged_exact", who=who, value=self._number(low[1])), rest
        if low is not None and high is not None and low[0] == ">=" and high[0] == "<=":
            return self.t.say("aged_range", who=who, low=self._number(low[1]), high=self._number(high[1])), rest
        if low is not None and high is not None:  # a strict bound in a range: said as two conditions
            return None, parts
        if low is not None:
            key = "aged_min" if low[0] == ">=" else "aged_over"
            return self.t.say(key, who=who, low=self._number(low[1])), rest
        if high is not None:
            key = "aged_max" if high[0] == "<=" else "aged_under"
            return self.t.say(key, who=who, high=self._number(high[1])), rest
        return who, rest

    def _sex_of(self, node: Node) -> str | None:
        if node[0] == "bin" and node[1] == "=" and node[2][0] == "ref" and node[3][0] == "str":
            codes = self.t.sexes.get(node[2][1], {})
            for sex, code in codes.items():
                if code == node[3][1]:
                    return sex
        return None


def _bound(node: Node) -> tuple[str, str, Node] | None:
    """`x >= a` -> (x, 'low', a); `x <= b` -> (x, 'high', b); x a reference or `.`, a and b constants."""
    if node[0] != "bin" or node[1] not in (">=", "<="):
        return None
    op, left, right = node[1], node[2], node[3]
    if left[0] not in ("ref", "dot"):
        op, left, right = FLIPPED[op], right, left
    if left[0] not in ("ref", "dot") or right[0] not in ("num", "ref", "call"):
        return None
    subject = "." if left[0] == "dot" else f"${{{left[1]}}}"
    return subject, "low" if op == ">=" else "high", right


def _age_bound(node: Node, ages: frozenset[str]) -> tuple[str, str, float] | None:
    if node[0] != "bin" or node[1] not in SYMBOLS or node[1] == "!=":
        return None
    op, left, right = node[1], node[2], node[3]
    if left[0] == "num":
        op, left, right = FLIPPED[op], right, left
    if left[0] == "ref" and left[1] in ages and right[0] == "num":
        return str(left[1]), op, float(right[1])
    return None


# ---------------------------------------------------------------------------------------------- skips
Known = Mapping[str, str]  # question name -> its answer ('' = not asked)


def truth_given(expression: str, known: Known) -> bool | None:
    """The value of a relevance when only some answers are known: True, False, or None when it depends on others
    (Kleene's three-valued logic). An unreadable expression is None: it never makes a skip."""
    try:
        return _given(_parsed(expression), known)
    except Unworded:
        return None


def _given(node: Node, known: Known) -> bool | None:
    tag = node[0]
    if tag == "bin" and node[1] in ("and", "or"):
        a, b = _given(node[2], known), _given(node[3], known)
        if node[1] == "and":
            return False if False in (a, b) else (True if a is True and b is True else None)
        return True if True in (a, b) else (False if a is False and b is False else None)
    if tag == "bin" and node[1] in SYMBOLS:
        return _compare_known(node[1], node[2], node[3], known)
    if tag == "call" and node[1] == "not" and len(node[2]) == 1:
        inner = _given(node[2][0], known)
        return None if inner is None else not inner
    if tag == "call" and node[1] == "selected" and len(node[2]) == 2:
        hay, needle = node[2]
        if hay[0] == "ref" and hay[1] in known and needle[0] == "str":
            return needle[1] in known[hay[1]].split()
        if hay[0] == "str" and needle[0] == "ref" and needle[1] in known:
            return known[needle[1]] != "" and known[needle[1]] in hay[1].split()
    return None


def _compare_known(op: str, left: Node, right: Node, known: Known) -> bool | None:
    if left[0] != "ref":
        op, left, right = FLIPPED[op], right, left
    if left[0] != "ref" or left[1] not in known or right[0] not in ("str", "num"):
        return None
    answer = known[left[1]]
    if right[0] == "str" and op in ("=", "!="):
        return bool(answer == right[1]) == (op == "=")
    if answer == "":  # an unanswered question is NaN against a number: only != holds (XPath 1.0)
        return op == "!="
    return None

"""The tokenizer and recursive-descent parser of the rule language
(:mod:`mlgates.gates.quality.expression`, which documents the grammar). Pure Python: text in,
a tree of the language's nodes out, or a :class:`RuleSyntaxError` naming the problem and its
column."""

from __future__ import annotations

import dataclasses
import datetime as _dt
from typing import Any

from mlgates.gates.quality.expression import (
    COMPARE,
    FUNCTIONS,
    MAX_DEPTH,
    Between,
    Binary,
    Call,
    Column,
    InList,
    IsNull,
    Literal,
    Logical,
    Node,
    Not,
    RuleSyntaxError,
    Unary,
    is_condition,
)

__all__ = ["Parser"]

_DIGITS = frozenset("0123456789")
_KEYWORDS = frozenset(
    {"and", "or", "not", "in", "between", "is", "null", "true", "false", "isnull", "notnull"}
)
#: Python words a rule may not use, with what to write instead.
_REFUSED_WORDS = {
    "lambda": "lambdas are not allowed",
    "if": "conditional expressions (x if c else y) are not allowed",
    "else": "conditional expressions (x if c else y) are not allowed",
    "for": "comprehensions are not allowed",
    "import": "imports are not allowed",
    "from": "'from' is not part of the rule language",
    "def": "definitions are not allowed",
    "class": "definitions are not allowed",
    "return": "'return' is not part of the rule language",
    "yield": "'yield' is not part of the rule language",
    "await": "'await' is not part of the rule language",
    "none": "None is not a value here: test for missing values with `x isnull` (or `x notnull`)",
}
_REFUSED_OPERATORS = {
    "=": "use == to compare",
    "!": "use not (or != to compare)",
    "&": "use and",
    "|": "use or",
    "~": "use not",
    "**": "powers are not supported",
    "//": "floor division is not supported (use / and compare)",
    "<>": "use != to compare",
    ":": "slices, dicts and lambdas are not allowed",
    "{": "sets and dicts are not allowed",
    "}": "sets and dicts are not allowed",
    ";": "one rule per string: ';' is not allowed",
    "@": "'@' is not part of the rule language",
    "^": "use != or `not` ('^' is not part of the rule language)",
    "$": "'$' is not part of the rule language",
    "?": "'?' is not part of the rule language",
    "#": "comments are not allowed in a rule",
    "\\": "a backslash belongs inside a quoted string",
}


# -- tokens ---------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "number", "string", "name", "quoted", "op", "end"
    text: str
    value: Any
    offset: int


def _is_name_start(ch: str) -> bool:
    return ch == "_" or ch.isalpha()


def _is_name_char(ch: str) -> bool:
    return ch == "_" or ch.isalnum()


def _tokens(text: str) -> list[_Token]:
    """The tokens of ``text``; a character outside the language ends the list with a ``bad``
    token carrying the problem, so that the parser reports problems in reading order (``lambda``
    before its ``:``)."""
    out: list[_Token] = []
    try:
        _scan(text, out)
    except RuleSyntaxError as exc:
        out.append(_Token("bad", text[exc.offset : exc.offset + 1], exc.problem, exc.offset))
        return out
    out.append(_Token("end", "", None, len(text)))
    return out


def _scan(text: str, out: list[_Token]) -> None:
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if ch in _DIGITS or (ch == "." and i + 1 < n and text[i + 1] in _DIGITS):
            i = _number(text, i, out)
            continue
        if ch in "'\"":
            i = _string(text, i, out)
            continue
        if ch == "`":
            i = _quoted(text, i, out)
            continue
        if _is_name_start(ch):
            j = i + 1
            while j < n and _is_name_char(text[j]):
                j += 1
            out.append(_Token("name", text[i:j], text[i:j], i))
            i = j
            continue
        two = text[i : i + 2]
        if two in ("**", "//", "<>"):
            raise RuleSyntaxError(f"{two!r}: {_REFUSED_OPERATORS[two]}", text, i)
        if two in ("==", "!=", "<=", ">="):
            out.append(_Token("op", two, two, i))
            i += 2
            continue
        if ch in "<>+-*/%()[],":
            out.append(_Token("op", ch, ch, i))
            i += 1
            continue
        if ch == ".":
            prev = out[-1] if out else None
            if prev is not None and (prev.kind in ("name", "quoted", "string") or prev.text in (")", "]")):
                name = f"{prev.text}." + _trailing_name(text, i + 1) if prev.kind == "name" else "a.b"
                raise RuleSyntaxError(
                    f"attribute access is not allowed (a column name with a dot goes in backticks: `{name}`)",
                    text,
                    i,
                )
            raise RuleSyntaxError("unexpected '.'", text, i)
        if ch in _REFUSED_OPERATORS:
            raise RuleSyntaxError(f"{ch!r}: {_REFUSED_OPERATORS[ch]}", text, i)
        raise RuleSyntaxError(f"unexpected character {ch!r}", text, i)


def _trailing_name(text: str, i: int) -> str:
    j = i
    while j < len(text) and _is_name_char(text[j]):
        j += 1
    return text[i:j]


def _number(text: str, i: int, out: list[_Token]) -> int:
    n = len(text)
    j = i
    while j < n and text[j] in _DIGITS:
        j += 1
    is_float = False
    if j < n and text[j] == "." and (j + 1 >= n or not _is_name_start(text[j + 1])):
        is_float = True
        j += 1
        while j < n and text[j] in _DIGITS:
            j += 1
    if j < n and text[j] in "eE":
        k = j + 1
        if k < n and text[k] in "+-":
            k += 1
        if k < n and text[k] in _DIGITS:
            is_float = True
            j = k
            while j < n and text[j] in _DIGITS:
                j += 1
    if j < n and _is_name_char(text[j]):
        raise RuleSyntaxError(
            "a name cannot start with a digit (a column named so goes in backticks)", text, i
        )
    raw = text[i:j]
    if len(raw) > 100:
        raise RuleSyntaxError("the number has more than 100 characters", text, i)
    value: Any = float(raw) if is_float else int(raw)
    out.append(_Token("number", raw, value, i))
    return j


_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", "'": "'", '"': '"'}


def _string(text: str, i: int, out: list[_Token]) -> int:
    quote = text[i]
    j = i + 1
    chars: list[str] = []
    while j < len(text):
        ch = text[j]
        if ch == "\\" and j + 1 < len(text):
            nxt = text[j + 1]
            if nxt not in _ESCAPES:
                raise RuleSyntaxError(
                    f"unknown escape '\\{nxt}' in a string (use \\\\ for a backslash)", text, j
                )
            chars.append(_ESCAPES[nxt])
            j += 2
            continue
        if ch == quote:
            out.append(_Token("string", text[i : j + 1], "".join(chars), i))
            return j + 1
        chars.append(ch)
        j += 1
    raise RuleSyntaxError(f"unterminated string (no closing {quote})", text, i)


def _quoted(text: str, i: int, out: list[_Token]) -> int:
    j = i + 1
    chars: list[str] = []
    while j < len(text):
        ch = text[j]
        if ch == "`":
            if text[j + 1 : j + 2] == "`":  # a doubled backtick is one backtick in the name
                chars.append("`")
                j += 2
                continue
            if not chars:
                raise RuleSyntaxError("empty column name in backticks", text, i)
            out.append(_Token("quoted", text[i : j + 1], "".join(chars), i))
            return j + 1
        chars.append(ch)
        j += 1
    raise RuleSyntaxError("unterminated column name (no closing backtick)", text, i)


# -- parser ---------------------------------------------------------------------------------------
class Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = _tokens(text)
        self.i = 0
        self.depth = 0

    # helpers
    @property
    def tok(self) -> _Token:
        tok = self.toks[self.i]
        if tok.kind == "bad":
            raise RuleSyntaxError(tok.value, self.text, tok.offset)
        return tok

    def peek(self, k: int = 1) -> _Token:
        return self.toks[min(self.i + k, len(self.toks) - 1)]

    def fail(self, problem: str, tok: _Token | None = None) -> RuleSyntaxError:
        return RuleSyntaxError(problem, self.text, (tok or self.tok).offset)

    def word(self, tok: _Token | None = None) -> str | None:
        """The lower-cased text of a name token, else None."""
        tok = tok or self.tok
        return tok.text.lower() if tok.kind == "name" else None

    def is_op(self, *ops: str) -> bool:
        return self.tok.kind == "op" and self.tok.text in ops

    def advance(self) -> _Token:
        tok = self.tok
        self.i += 1
        return tok

    def expect_op(self, op: str, what: str) -> _Token:
        if not self.is_op(op):
            raise self.fail(f"expected {op!r} {what}, got {self.shown()}")
        return self.advance()

    def shown(self, tok: _Token | None = None) -> str:
        tok = tok or self.tok
        return "the end of the rule" if tok.kind == "end" else repr(tok.text)

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail(f"the rule nests deeper than {MAX_DEPTH} levels")

    # grammar
    def parse(self) -> Node:
        if self.tok.kind == "end":
            raise self.fail("the rule is empty")
        node = self.or_()
        if self.tok.kind != "end":
            raise self.fail(self.trailing_problem())
        return node

    def trailing_problem(self) -> str:
        tok = self.tok
        if tok.kind == "op" and tok.text == "[":
            return "subscripts are not allowed (a list follows `in`: x in [1, 2])"
        if tok.kind == "op" and tok.text == "(":
            return "only the functions abs, date, days, isnull and notnull can be called"
        if tok.kind == "op" and tok.text in COMPARE:
            return "chained comparisons are not allowed: write `b between a and c` or `a < b and b < c`"
        word = self.word()
        if word in _REFUSED_WORDS:
            return _REFUSED_WORDS[word]
        if word == "is":
            return "expected `is null` or `is not null`"
        return f"unexpected {self.shown()} after a complete expression (missing and/or?)"

    def or_(self) -> Node:
        node = self.and_()
        while self.word() == "or":
            self.advance()
            right = self.and_()
            node = Logical(node.offset, "or", self.condition(node, "or"), self.condition(right, "or"))
        return node

    def and_(self) -> Node:
        node = self.not_()
        while self.word() == "and":
            self.advance()
            right = self.not_()
            node = Logical(node.offset, "and", self.condition(node, "and"), self.condition(right, "and"))
        return node

    def not_(self) -> Node:
        if self.word() == "not":
            tok = self.advance()
            self.enter()
            operand = self.not_()
            self.depth -= 1
            return Not(tok.offset, self.condition(operand, "not"))
        return self.predicate()

    def condition(self, node: Node, op: str) -> Node:
        if is_condition(node) is False:
            raise RuleSyntaxError(
                f"`{op}` needs conditions (comparisons, isnull, in, between), not a value",
                self.text,
                node.offset,
            )
        return node

    def predicate(self) -> Node:
        left = self.sum_()
        tok = self.tok
        if tok.kind == "op" and tok.text in COMPARE:
            self.advance()
            right = self.sum_()
            node: Node = Binary(left.offset, tok.text, left, right, tok.offset)
            if self.is_op(*COMPARE):
                raise self.fail(
                    "chained comparisons are not allowed: write `b between a and c` or `a < b and b < c`"
                )
            return node
        word = self.word()
        negated = False
        if word == "not" and self.word(self.peek()) in ("in", "between"):
            self.advance()
            negated = True
            word = self.word()
        if word == "in":
            self.advance()
            return InList(left.offset, left, self.literal_list(), negated)
        if word == "between":
            self.advance()
            low = self.sum_()
            if self.word() != "and":
                raise self.fail(f"expected `and` in `between ... and ...`, got {self.shown()}")
            self.advance()
            high = self.sum_()
            return Between(left.offset, left, low, high, negated)
        if word in ("isnull", "notnull"):
            self.advance()
            return IsNull(left.offset, left, word == "notnull")
        if word == "is":
            self.advance()
            neg = False
            if self.word() == "not":
                self.advance()
                neg = True
            if self.word() not in ("null", "none"):
                raise self.fail(f"expected `null` after `is` (x is null, x is not null), got {self.shown()}")
            self.advance()
            return IsNull(left.offset, left, neg)
        return left

    def literal_list(self) -> tuple[Any, ...]:
        if not self.is_op("[", "("):
            raise self.fail(f"expected a list after `in`: x in [1, 2] or x in ['a', 'b'], got {self.shown()}")
        close = "]" if self.advance().text == "[" else ")"
        values: list[Any] = []
        while True:
            if self.is_op(close) and values:
                self.advance()
                break
            if self.is_op(close):
                raise self.fail("the list after `in` is empty")
            values.append(self.list_literal())
            if self.is_op(","):
                self.advance()
                continue
            if self.is_op(close):
                self.advance()
                break
            if self.word() == "for":
                raise self.fail(_REFUSED_WORDS["for"])
            raise self.fail(f"expected ',' or {close!r} in the list, got {self.shown()}")
        return tuple(values)

    def list_literal(self) -> Any:
        tok = self.tok
        sign = 1
        if self.is_op("-", "+"):
            sign = -1 if tok.text == "-" else 1
            self.advance()
            if self.tok.kind != "number":
                raise self.fail("a list holds literals: numbers, strings, true/false, date('...')")
        tok = self.tok
        if tok.kind == "number":
            self.advance()
            return sign * tok.value
        if tok.kind == "string":
            self.advance()
            return tok.value
        word = self.word()
        if word in ("true", "false"):
            self.advance()
            return word == "true"
        if word == "date" and self.peek().text == "(":
            node = self.atom()
            assert isinstance(node, Literal)
            return node.value
        raise self.fail("a list holds literals: numbers, strings, true/false, date('...')")

    def sum_(self) -> Node:
        node = self.product()
        while self.is_op("+", "-"):
            tok = self.advance()
            right = self.product()
            node = Binary(node.offset, tok.text, node, right, tok.offset)
        return node

    def product(self) -> Node:
        node = self.unary()
        while self.is_op("*", "/", "%"):
            tok = self.advance()
            right = self.unary()
            node = Binary(node.offset, tok.text, node, right, tok.offset)
        return node

    def unary(self) -> Node:
        if self.is_op("-", "+"):
            tok = self.advance()
            self.enter()
            operand = self.unary()
            self.depth -= 1
            if isinstance(operand, Literal) and type(operand.value) in (int, float):
                return Literal(tok.offset, -operand.value if tok.text == "-" else operand.value)
            return Unary(tok.offset, tok.text, operand)
        return self.atom()

    def atom(self) -> Node:
        tok = self.tok
        if tok.kind == "number":
            self.advance()
            return Literal(tok.offset, tok.value)
        if tok.kind == "string":
            self.advance()
            return Literal(tok.offset, tok.value)
        if tok.kind == "quoted":
            self.advance()
            return Column(tok.offset, tok.value)
        if tok.kind == "op" and tok.text == "(":
            self.advance()
            self.enter()
            node = self.or_()
            self.depth -= 1
            self.expect_op(")", "to close the parenthesis")
            return node
        if tok.kind == "name":
            return self.name()
        if tok.kind == "end":
            raise self.fail("the rule ends where a value was expected")
        if tok.kind == "op" and tok.text == "[":
            if any(t.kind == "name" and t.text == "for" for t in self.toks[self.i :]):
                raise self.fail(_REFUSED_WORDS["for"])
            raise self.fail("lists only follow `in` (x in [1, 2])")
        raise self.fail(f"expected a value, got {self.shown()}")

    def name(self) -> Node:
        tok = self.tok
        word = tok.text.lower()
        if self.peek().kind == "op" and self.peek().text == "(":
            if word not in FUNCTIONS:
                raise self.fail(
                    f"calling {tok.text!r} is not allowed: the functions are {', '.join(FUNCTIONS)}"
                )
            return self.call()
        if word in _REFUSED_WORDS:
            raise self.fail(_REFUSED_WORDS[word])
        if tok.text.startswith("__"):
            raise self.fail("names starting with __ are not allowed (a column named so goes in backticks)")
        if word in ("true", "false"):
            self.advance()
            return Literal(tok.offset, word == "true")
        if word == "null":
            raise self.fail(
                "null is not a value here: test for missing values with `x isnull` (or `x notnull`)"
            )
        if word in _KEYWORDS:
            raise self.fail(
                f"{tok.text!r} is a keyword here (a column named so goes in backticks: `{tok.text}`)"
            )
        self.advance()
        return Column(tok.offset, tok.text)

    def call(self) -> Node:
        tok = self.advance()
        func = tok.text.lower()
        self.advance()  # "("
        if func == "date":
            arg = self.tok
            if arg.kind != "string":
                raise self.fail("date() takes one quoted ISO date: date('2024-01-31')")
            self.advance()
            self.expect_op(")", "after the date")
            return Literal(tok.offset, _parse_date(arg.value, self.text, arg.offset))
        self.enter()
        arg_node = self.or_()
        self.depth -= 1
        if self.is_op(","):
            raise self.fail(f"{func}() takes one argument")
        self.expect_op(")", f"to close {func}(")
        if func in ("isnull", "notnull"):
            return IsNull(tok.offset, arg_node, func == "notnull")
        if is_condition(arg_node):
            raise RuleSyntaxError(f"{func}() takes a value, not a condition", self.text, arg_node.offset)
        return Call(tok.offset, func, (arg_node,))


def _parse_date(value: str, text: str, offset: int) -> _dt.datetime:
    try:
        if len(value) == 10:
            day = _dt.date.fromisoformat(value)
            return _dt.datetime(day.year, day.month, day.day)
        return _dt.datetime.fromisoformat(value)
    except ValueError:
        raise RuleSyntaxError(
            f"{value!r} is not an ISO 8601 date (2024-01-31, 2024-01-31T08:00, 2024-01-31T08:00+00:00)",
            text,
            offset,
        ) from None

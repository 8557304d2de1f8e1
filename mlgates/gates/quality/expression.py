"""The rule language of the data-quality family: row conditions across columns.

:class:`~mlgates.RuleGate` judges rules written in it (``"end_date >= start_date"``,
``"abs(price * qty - total) <= 0.01"``, ``"country == 'US' or state isnull"``) and every quality
gate's ``where=`` keeps the rows where such a condition holds. A rule is parsed here, by a small
hand-written tokenizer and recursive-descent parser, into a tree of the node classes below;
nothing is ever handed to Python's ``eval``, ``compile`` or ``getattr``. The evaluation
(vectorised, with numpy and pandas) lives in :mod:`mlgates.gates.quality._evaluate`.

Grammar, lowest precedence first (keywords are case-insensitive)::

    condition := or
    or        := and ("or" and)*
    and       := not ("and" not)*
    not       := "not" not | predicate
    predicate := sum [ ("==" | "!=" | "<" | "<=" | ">" | ">=") sum
                     | ["not"] "in" "[" literal ("," literal)* [","] "]"
                     | ["not"] "between" sum "and" sum
                     | "isnull" | "notnull" | "is" ["not"] "null" ]
    sum       := product (("+" | "-") product)*
    product   := unary (("*" | "/" | "%") unary)*
    unary     := ("-" | "+") unary | atom
    atom      := number | string | "true" | "false" | column
               | function "(" arguments ")" | "(" condition ")"
    function  := "abs" | "isnull" | "notnull" | "date" | "days"
    column    := name | `any text` (in backticks; a backtick inside is written twice)

Strings are in single or double quotes (backslash escapes ``\\\\``, ``\\'``, ``\\"``, ``\\n``,
``\\t``). ``date('2024-01-01')`` is a date literal (ISO 8601, optionally with a time and an
offset); ``days(end - start)`` turns a duration into a number of days. A bare name is a column
name; a column whose name is not a plain identifier (``native.country``, ``unit price``), is a
keyword (``in``, ``null``) or starts with ``__`` goes in backticks.

Anything else is refused with :class:`RuleSyntaxError`, which names the problem and the column
where it is, with a caret under it: attribute access (``x.y``), calls of other functions,
subscripts (``x[0]``), names starting with ``__``, lambdas, comprehensions, conditional
expressions, ``=``, ``&``, ``|``, ``~``, ``**``, chained comparisons (``a < b < c``) and a rule
that is not a condition (``price * qty``).

Examples
--------
>>> from mlgates.gates.quality.expression import parse_condition, columns_of
>>> node = parse_condition("abs(price * qty - total) <= 0.01")
>>> columns_of(node)
('price', 'qty', 'total')
>>> parse_condition("df.price > 0")
Traceback (most recent call last):
...
mlgates.gates.quality.expression.RuleSyntaxError: attribute access is not allowed (a column name \
with a dot goes in backticks: `df.price`) at column 3:
  df.price > 0
    ^
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

__all__ = [
    "FUNCTIONS",
    "Between",
    "Binary",
    "Call",
    "Column",
    "InList",
    "IsNull",
    "Literal",
    "Logical",
    "Node",
    "Not",
    "RuleSyntaxError",
    "Unary",
    "columns_of",
    "parse",
    "parse_condition",
]

#: The functions a rule may call.
FUNCTIONS = ("abs", "date", "days", "isnull", "notnull")
#: Longest rule accepted (characters) and deepest nesting (parentheses, not, unary signs).
MAX_LENGTH = 10_000
MAX_DEPTH = 64
#: Most operators on one path from the top of a rule to a value (``a + b + c`` has 2): the
#: evaluation recurses along it.
MAX_HEIGHT = 100
#: The comparison operators.
COMPARE = ("==", "!=", "<", "<=", ">", ">=")


class RuleSyntaxError(ValueError):
    """A rule outside the grammar: ``problem`` at 0-based ``offset`` of ``text``.

    The message names the problem and the column (1-based) and shows the rule with a caret
    under the offending token.
    """

    def __init__(self, problem: str, text: str, offset: int) -> None:
        self.problem = problem
        self.text = text
        self.offset = max(0, min(offset, len(text)))
        super().__init__(f"{problem} at column {self.offset + 1}:\n{caret(text, self.offset)}")


def caret(text: str, offset: int) -> str:
    """The line of ``text`` holding ``offset``, with a caret under that character.

    Examples
    --------
    >>> print(caret("a >> b", 3))
      a >> b
         ^
    """
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    line = text[start : end if end >= 0 else len(text)]
    pad = "".join("\t" if ch == "\t" else " " for ch in line[: offset - start])
    return f"  {line}\n  {pad}^"


# -- nodes ----------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True, slots=True)
class Node:
    """A node of a parsed rule; ``offset`` is where it starts in the rule's text."""

    offset: int


@dataclasses.dataclass(frozen=True, slots=True)
class Column(Node):
    """A column, by name."""

    name: str


@dataclasses.dataclass(frozen=True, slots=True)
class Literal(Node):
    """A number (int or float), a string, a boolean or a date (``datetime.datetime``)."""

    value: Any


@dataclasses.dataclass(frozen=True, slots=True)
class Unary(Node):
    """``-x`` or ``+x``."""

    op: str
    operand: Node


@dataclasses.dataclass(frozen=True, slots=True)
class Binary(Node):
    """Arithmetic (``+ - * / %``) or a comparison (``== != < <= > >=``); ``op_offset`` is where
    the operator is."""

    op: str
    left: Node
    right: Node
    op_offset: int


@dataclasses.dataclass(frozen=True, slots=True)
class Logical(Node):
    """``left and right`` / ``left or right``."""

    op: str
    left: Node
    right: Node


@dataclasses.dataclass(frozen=True, slots=True)
class Not(Node):
    """``not operand``."""

    operand: Node


@dataclasses.dataclass(frozen=True, slots=True)
class IsNull(Node):
    """``operand isnull`` (``negated``: ``notnull``)."""

    operand: Node
    negated: bool


@dataclasses.dataclass(frozen=True, slots=True)
class InList(Node):
    """``operand in [v, ...]`` (``negated``: ``not in``)."""

    operand: Node
    values: tuple[Any, ...]
    negated: bool


@dataclasses.dataclass(frozen=True, slots=True)
class Between(Node):
    """``operand between low and high`` (both ends included; ``negated``: ``not between``)."""

    operand: Node
    low: Node
    high: Node
    negated: bool


@dataclasses.dataclass(frozen=True, slots=True)
class Call(Node):
    """``abs(x)`` or ``days(x)``."""

    func: str
    args: tuple[Node, ...]


#: Nodes whose value is true, false or unknown (a condition).
_CONDITIONS = (Logical, Not, IsNull, InList, Between)


def is_condition(node: Node) -> bool | None:
    """True for a condition, False for a number/string/date expression, None when only the
    data can tell (a column, which may be boolean)."""
    if isinstance(node, _CONDITIONS):
        return True
    if isinstance(node, Binary):
        return node.op in COMPARE
    if isinstance(node, Literal):
        return isinstance(node.value, bool)
    if isinstance(node, Column):
        return None
    return False


# -- entry points -----------------------------------------------------------------------------------
@functools.lru_cache(maxsize=1024)
def parse(text: str) -> Node:
    """Parse a rule (or any expression of the language) into its tree.

    Raises
    ------
    RuleSyntaxError
        For anything outside the grammar, naming the problem and its column.
    TypeError
        When ``text`` is not a str.

    Examples
    --------
    >>> parse("qty between 1 and 10")
    Between(offset=0, operand=Column(offset=0, name='qty'), low=Literal(offset=12, value=1), \
high=Literal(offset=18, value=10), negated=False)
    """
    if not isinstance(text, str):
        raise TypeError(f"a rule is a str, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise RuleSyntaxError(f"the rule is longer than {MAX_LENGTH:,} characters", text[:80], 80)
    from mlgates.gates.quality._rule_parser import Parser

    node = Parser(text).parse()
    if _height(node) > MAX_HEIGHT:
        raise RuleSyntaxError(
            f"the rule has more than {MAX_HEIGHT} operators in a row; split it into several rules "
            "(or use `x in [...]` for many alternatives)",
            text,
            0,
        )
    return node


def parse_condition(text: str) -> Node:
    """:func:`parse`, and the result must be a condition (true, false or unknown per row), not
    a number (``price * qty``), a string or a date.

    Examples
    --------
    >>> parse_condition("price * qty")
    Traceback (most recent call last):
    ...
    mlgates.gates.quality.expression.RuleSyntaxError: a rule must be a condition (a comparison, \
isnull, in, between, and/or/not), not a value at column 1:
      price * qty
      ^
    """
    node = parse(text)
    if is_condition(node) is False:
        raise RuleSyntaxError(
            "a rule must be a condition (a comparison, isnull, in, between, and/or/not), not a value",
            text,
            node.offset,
        )
    return node


def _children(node: Node) -> list[Node]:
    out: list[Node] = []
    for field in dataclasses.fields(node):
        child = getattr(node, field.name)
        if isinstance(child, Node):
            out.append(child)
        elif isinstance(child, tuple):
            out.extend(c for c in child if isinstance(c, Node))
    return out


def _height(node: Node) -> int:
    """Operators on the longest path from ``node`` to a value (iterative: no recursion)."""
    best = 0
    stack = [(node, 0)]
    while stack:
        n, h = stack.pop()
        best = max(best, h)
        stack.extend((c, h + 1) for c in _children(n))
    return best


def columns_of(node: Node) -> tuple[str, ...]:
    """The columns a rule reads, in order of first appearance."""
    seen: dict[str, None] = {}

    def walk(n: Node) -> None:
        if isinstance(n, Column):
            seen.setdefault(n.name, None)
        for child in _children(n):
            walk(child)

    walk(node)
    return tuple(seen)

"""Vectorised evaluation of the rule language (:mod:`mlgates.gates.quality.expression`) on a
table, with three-valued logic.

Every sub-expression is a :class:`_Value`: its kind (``number``, ``text``, ``boolean``,
``datetime``, ``timedelta``), its values (a numpy array, a pandas array for text, or a scalar
for a literal) and a mask of the rows where it is missing. A comparison with a missing operand
is *unknown*, neither true nor false; ``and``/``or``/``not`` follow Kleene's logic (``unknown or
true`` is true, ``unknown and false`` is false, ``not unknown`` is unknown); ``isnull`` and
``notnull`` are never unknown. Arithmetic is done in float64; a result that is NaN (``0 / 0``,
``inf - inf``) is missing. Dates are compared as UTC instants (a zone-aware column with a
zone-aware date, a naive one with a naive date).

What cannot be evaluated on the table is an :class:`~mlgates.core.errors.InputError`: a column
the table lacks (``missing_column``, with the nearest name), a column of lists or other
containers (``unsupported_dtype``) and values of the wrong kind for an operation (``invalid_rule``:
text compared with a number, arithmetic on text), naming the column of the rule.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from collections.abc import Callable, Hashable
from typing import Any

import numpy as np
import pandas as pd

from mlgates.core._suggest import did_you_mean
from mlgates.core.errors import InputError
from mlgates.gates._columns import UNSUPPORTED_KINDS, column_kind
from mlgates.gates.quality.expression import (
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
    Unary,
)

__all__ = ["Truth", "evaluate"]

Cache = Callable[[Hashable, Callable[[], Any]], Any]

_KIND_OF = {
    "integer": "number",
    "float": "number",
    "boolean": "boolean",
    "datetime": "datetime",
    "timedelta": "timedelta",
    "string": "text",
    "categorical": "text",
    "object": "text",
}
_NOUN = {
    "number": "a number",
    "text": "text",
    "boolean": "a boolean",
    "datetime": "a date",
    "timedelta": "a duration",
}


@dataclasses.dataclass(frozen=True)
class Truth:
    """The value of a condition per row: ``true`` and ``unknown`` masks (false is neither)."""

    true: np.ndarray
    unknown: np.ndarray

    @property
    def false(self) -> np.ndarray:
        return ~(self.true | self.unknown)


@dataclasses.dataclass(frozen=True)
class _Value:
    kind: str
    values: Any  # np.ndarray, a pandas array (text) or a scalar
    missing: Any  # np.ndarray of bool, or a bool for scalars
    tz: Any = None  # the time zone of a datetime (None: naive)


class _Evaluator:
    def __init__(
        self, text: str, frame: pd.DataFrame, cached: Cache | None, key: Hashable, label: str
    ) -> None:
        self.label = label
        self.text = text
        self.frame = frame
        self.n = len(frame)
        self.cached = cached
        self.key = key

    # -- errors -------------------------------------------------------------------------------
    def invalid(self, node: Node, problem: str) -> InputError:
        offset = node.op_offset if isinstance(node, Binary) else node.offset
        return InputError(
            f"{self.label} `{self.text}`: {problem} (column {offset + 1} of the {self.label})",
            reason="invalid_rule",
            subject=self.text,
        )

    def describe(self, node: Node, value: _Value) -> str:
        what = _NOUN[value.kind]
        if isinstance(node, Column):
            return f"{node.name!r} ({what})"
        if isinstance(node, Literal):
            return f"{_shown_literal(node.value)} ({what})"
        return what

    # -- dispatch -----------------------------------------------------------------------------
    def value(self, node: Node) -> _Value:
        if isinstance(node, Column):
            return self.column(node)
        if isinstance(node, Literal):
            return self.literal(node.value)
        if isinstance(node, Unary):
            return self.unary(node)
        if isinstance(node, Binary):
            if node.op in ("==", "!=", "<", "<=", ">", ">="):
                return self.as_value(self.compare(node))
            return self.arithmetic(node)
        if isinstance(node, Call):
            return self.call(node)
        return self.as_value(self.truth(node))

    def truth(self, node: Node) -> Truth:
        if isinstance(node, Logical):
            left, right = self.truth(node.left), self.truth(node.right)
            if node.op == "and":
                true = left.true & right.true
                false = left.false | right.false
            else:
                true = left.true | right.true
                false = left.false & right.false
            return Truth(true, ~(true | false))
        if isinstance(node, Not):
            inner = self.truth(node.operand)
            return Truth(inner.false, inner.unknown)
        if isinstance(node, IsNull):
            missing = self.broadcast(self.value(node.operand).missing)
            return Truth(~missing if node.negated else missing.copy(), np.zeros(self.n, dtype=bool))
        if isinstance(node, Binary) and node.op in ("==", "!=", "<", "<=", ">", ">="):
            return self.compare(node)
        if isinstance(node, InList):
            return self.in_list(node)
        if isinstance(node, Between):
            return self.between(node)
        value = self.value(node)
        if value.kind != "boolean":
            raise self.invalid(node, f"{self.describe(node, value)} is not a condition (true or false)")
        missing = self.broadcast(value.missing)
        return Truth(self.broadcast(value.values).astype(bool) & ~missing, missing)

    def as_value(self, truth: Truth) -> _Value:
        return _Value("boolean", truth.true, truth.unknown)

    def broadcast(self, x: Any) -> np.ndarray:
        arr = np.asarray(x)
        if arr.ndim == 0:
            return np.full(self.n, arr.item())
        return arr

    # -- leaves -------------------------------------------------------------------------------
    def column(self, node: Column) -> _Value:
        name = self.resolve(node)

        def compute() -> _Value:
            return _column_value(self.frame[name])

        if self.cached is None:
            return compute()
        return self.cached(("quality.rule_column", self.key, name), compute)  # type: ignore[no-any-return]

    def resolve(self, node: Column) -> Any:
        columns = self.frame.columns
        name: Any = node.name
        if name not in columns:
            as_text = [c for c in columns if str(c) == name]
            if len(as_text) == 1:
                name = as_text[0]
            else:
                hint = did_you_mean(node.name, [str(c) for c in columns])
                raise InputError(
                    f"{self.label} `{self.text}`: column {node.name!r} not found.{hint}",
                    reason="missing_column",
                    subject=node.name,
                )
        series = self.frame[name]
        if isinstance(series, pd.DataFrame):
            raise InputError(
                f"{self.label} `{self.text}`: column name {node.name!r} appears more than once; "
                "rename the duplicates",
                reason="duplicate_columns",
                subject=node.name,
            )
        kind = column_kind(series)
        if kind in UNSUPPORTED_KINDS:
            raise InputError(
                f"{self.label} `{self.text}`: column {node.name!r} holds {series.dtype} values of kind "
                f"{kind} (lists, dicts, complex or Decimal); a rule cannot compare them: convert or expand "
                "the column first",
                reason="unsupported_dtype",
                subject=node.name,
            )
        return name

    def literal(self, value: Any) -> _Value:
        if isinstance(value, bool):
            return _Value("boolean", value, False)
        if isinstance(value, (int, float)):
            return _Value("number", float(value) if isinstance(value, float) else value, False)
        if isinstance(value, str):
            return _Value("text", value, False)
        if isinstance(value, _dt.datetime):
            stamp = pd.Timestamp(value)
            tz = stamp.tz
            if tz is not None:
                stamp = stamp.tz_convert("UTC").tz_localize(None)
            return _Value("datetime", np.int64(stamp.value), False, tz)
        raise TypeError(f"unexpected literal {value!r}")  # the parser makes no other literal

    # -- operations ---------------------------------------------------------------------------
    def unary(self, node: Unary) -> _Value:
        value = self.value(node.operand)
        if value.kind not in ("number", "timedelta"):
            raise self.invalid(node, f"cannot negate {self.describe(node.operand, value)}")
        if node.op == "+":
            return value
        if value.kind == "number":
            return _Value("number", -np.asarray(value.values, dtype="float64"), value.missing)
        return _Value("timedelta", -np.asarray(value.values, dtype="int64"), value.missing)

    def call(self, node: Call) -> _Value:
        (arg,) = node.args
        value = self.value(arg)
        if node.func == "abs":
            if value.kind == "number":
                return _Value("number", np.abs(np.asarray(value.values, dtype="float64")), value.missing)
            if value.kind == "timedelta":
                return _Value("timedelta", np.abs(np.asarray(value.values, dtype="int64")), value.missing)
            raise self.invalid(node, f"abs() takes a number or a duration, not {self.describe(arg, value)}")
        # days
        if value.kind != "timedelta":
            raise self.invalid(
                node, f"days() takes a duration (a date minus a date), not {self.describe(arg, value)}"
            )
        return _Value("number", np.asarray(value.values, dtype="float64") / 86_400e9, value.missing)

    def arithmetic(self, node: Binary) -> _Value:
        left, right = self.value(node.left), self.value(node.right)
        kinds = (left.kind, right.kind)
        missing = _or(left.missing, right.missing)
        if kinds == ("number", "number"):
            a = np.asarray(left.values, dtype="float64")
            b = np.asarray(right.values, dtype="float64")
            with np.errstate(all="ignore"):
                out = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide, "%": np.mod}[node.op](
                    a, b
                )
            return _Value("number", out, _or(missing, np.isnan(out)))
        if node.op in ("+", "-"):
            result = {
                ("datetime", "datetime", "-"): "timedelta",
                ("datetime", "timedelta", "+"): "datetime",
                ("datetime", "timedelta", "-"): "datetime",
                ("timedelta", "datetime", "+"): "datetime",
                ("timedelta", "timedelta", "+"): "timedelta",
                ("timedelta", "timedelta", "-"): "timedelta",
            }.get((*kinds, node.op))
            if result is not None:
                if kinds == ("datetime", "datetime"):
                    self.same_zone(node, left, right)
                a = np.asarray(left.values, dtype="int64")
                b = np.asarray(right.values, dtype="int64")
                with np.errstate(all="ignore"):
                    out = a + b if node.op == "+" else a - b
                tz = left.tz if left.kind == "datetime" else right.tz
                return _Value(result, out, missing, tz if result == "datetime" else None)
        raise self.invalid(
            node,
            f"cannot compute {self.describe(node.left, left)} {node.op} {self.describe(node.right, right)}",
        )

    def same_zone(self, node: Node, left: _Value, right: _Value) -> None:
        if (left.tz is None) != (right.tz is None):
            raise self.invalid(
                node,
                "one date has a time zone and the other has none; give the date literal an offset "
                "(date('2024-01-31T00:00+00:00')) or convert the column",
            )

    def compare(self, node: Binary) -> Truth:
        left, right = self.value(node.left), self.value(node.right)
        op = node.op
        missing = self.broadcast(_or(left.missing, right.missing))
        kinds = {left.kind, right.kind}
        if len(kinds) != 1:
            raise self.invalid(
                node,
                f"cannot compare {self.describe(node.left, left)} with {self.describe(node.right, right)}",
            )
        kind = left.kind
        if kind == "boolean" and op not in ("==", "!="):
            raise self.invalid(node, f"booleans are compared with == or != only, not {op}")
        if kind == "datetime":
            self.same_zone(node, left, right)
        if kind == "text":
            result = self.compare_text(node, left.values, right.values, op)
        else:
            a, b = left.values, right.values
            if kind == "boolean":
                a, b = np.asarray(a, dtype=bool), np.asarray(b, dtype=bool)
            with np.errstate(invalid="ignore"):
                result = _OPS[op](a, b)
        true = self.broadcast(result).astype(bool) & ~missing
        return Truth(true, missing)

    def compare_text(self, node: Binary, a: Any, b: Any, op: str) -> np.ndarray:
        try:
            if isinstance(a, str) and not isinstance(b, str):
                a, b, op = b, a, _FLIPPED[op]
            if not isinstance(b, str) and (isinstance(a, pd.Categorical) or isinstance(b, pd.Categorical)):
                a, b = _as_objects(a), _as_objects(b)  # categoricals with different categories
            out = _OPS[op](a, b)
        except TypeError as exc:
            raise self.invalid(node, f"the values cannot be compared with {op} ({exc})") from None
        return _bool_array(out)

    def in_list(self, node: InList) -> Truth:
        value = self.value(node.operand)
        literals = [self.literal(v) for v in node.values]
        wrong = [lit for lit in literals if lit.kind != value.kind]
        if wrong:
            raise self.invalid(
                node,
                f"{self.describe(node.operand, value)} cannot be in a list holding {_NOUN[wrong[0].kind]}",
            )
        missing = self.broadcast(value.missing)
        if value.kind == "text":
            values = value.values
            if isinstance(values, str):
                hit = np.full(self.n, values in node.values)
            else:
                hit = _bool_array(pd.Series(values, copy=False).isin(list(node.values)).to_numpy())
        else:
            targets = np.array([lit.values for lit in literals])
            hit = np.isin(self.broadcast(value.values), targets)
        if node.negated:
            hit = ~hit
        return Truth(hit & ~missing, missing)

    def between(self, node: Between) -> Truth:
        low = Binary(node.offset, ">=", node.operand, node.low, node.offset)
        high = Binary(node.offset, "<=", node.operand, node.high, node.offset)
        both = self.truth(Logical(node.offset, "and", low, high))
        if node.negated:
            return Truth(both.false, both.unknown)
        return both


_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}
_FLIPPED = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


def _or(a: Any, b: Any) -> Any:
    if a is False:
        return b
    if b is False:
        return a
    return np.logical_or(a, b)


def _bool_array(result: Any) -> np.ndarray:
    """A comparison's result as numpy bool (pandas' nullable booleans: NA -> False; the
    missing mask says which rows are unknown)."""
    if isinstance(result, (pd.Series, pd.Index)):
        result = result.array
    if isinstance(result, pd.api.extensions.ExtensionArray):
        return np.asarray(result.to_numpy(dtype=bool, na_value=False), dtype=bool)
    return np.asarray(result, dtype=bool)


def _as_objects(values: Any) -> np.ndarray:
    out = np.asarray(values, dtype=object).copy()
    out[np.asarray(pd.isna(out), dtype=bool)] = ""
    return out


def _shown_literal(value: Any) -> str:
    if isinstance(value, _dt.datetime):
        return f"date('{value.isoformat()}')"
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def _column_value(series: pd.Series) -> _Value:
    kind = _KIND_OF[column_kind(series)]
    missing = np.asarray(series.isna().to_numpy(), dtype=bool)
    if kind == "number":
        dtype = series.dtype
        if isinstance(dtype, np.dtype) and dtype.kind in "iu":
            return _Value("number", series.to_numpy(), False)  # exact: no float conversion
        values = np.asarray(series.to_numpy(dtype="float64", na_value=np.nan), dtype="float64")
        return _Value("number", values, np.isnan(values))
    if kind == "boolean":
        values = np.asarray(series.to_numpy(dtype=bool, na_value=False), dtype=bool)
        return _Value("boolean", values, missing if missing.any() else False)
    if kind in ("datetime", "timedelta"):
        tz = getattr(series.dtype, "tz", None)
        if tz is not None:
            series = series.dt.tz_convert("UTC").dt.tz_localize(None)
        unit = "datetime64[ns]" if kind == "datetime" else "timedelta64[ns]"
        arr = series.to_numpy(dtype=unit)
        return _Value(kind, arr.view("int64"), np.isnat(arr), tz)
    if isinstance(series.dtype, np.dtype):  # object: NaN among str cannot be ordered
        values = series.to_numpy(dtype=object, copy=True)
        values[missing] = ""
        return _Value("text", values, missing)
    return _Value("text", series.array, missing)


def evaluate(
    node: Node,
    text: str,
    frame: pd.DataFrame,
    *,
    cached: Cache | None = None,
    key: Hashable = None,
    label: str = "rule",
) -> Truth:
    """The truth of the condition ``node`` (parsed from ``text``) on each row of ``frame``.

    ``cached(key, compute)`` (a :meth:`CheckContext.cached`) shares the columns read between the
    rules and gates of one run; ``key`` names the table (e.g. its side). ``label`` ("rule" or
    "where") starts the messages.

    Raises
    ------
    InputError
        ``missing_column``, ``duplicate_columns``, ``unsupported_dtype`` or ``invalid_rule``,
        naming the rule and where in it the problem is.
    """
    return _Evaluator(text, frame, cached, key, label).truth(node)

"""``where=``: the row condition every data-quality gate takes, implemented once.

:class:`QualityGate` is the base of the family's gates. With ``where`` set (a condition in the
rule language, :mod:`mlgates.gates.quality.expression`), the gate judges only the rows of
``current`` where the condition is true, and the rows of ``reference`` where it is true when it
reads ``reference``; a row where the condition is unknown (a missing value in a column it
reads) is left out, as SQL's ``WHERE`` does. Per-row inputs given as arrays (``target``,
``prediction``, ``sample_weight``, ...) are narrowed with ``current``. The verdict's message
starts with the condition and the rows kept, and its metrics hold ``where_rows_kept`` and
``where_rows_total`` (``where_reference_rows_kept`` / ``_total`` when the reference was
narrowed). Gates of one suite run with the same condition share the narrowed tables and
everything computed on them.
"""

from __future__ import annotations

import time
from typing import Any, ClassVar

import numpy as np

from mlgates.core.context import CheckContext
from mlgates.core.errors import InputError
from mlgates.core.gate import Gate
from mlgates.core.params import parameter_error
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.gates.quality._evaluate import evaluate
from mlgates.gates.quality.expression import Node, RuleSyntaxError, parse_condition

__all__ = ["QualityGate", "compile_condition"]

#: Inputs that may be given per row of ``current`` (an array or a Series): narrowed with it.
_PER_ROW = (
    "target",
    "prediction",
    "proba",
    "baseline_prediction",
    "baseline_proba",
    "sensitive_features",
    "sample_weight",
)

#: Where the rule language is documented (named in parameter errors).
LANGUAGE = "the rule language (docs/quality.md#the-rule-language)"


def compile_condition(owner: str, name: str, text: Any) -> Node:
    """Parse a condition given as parameter ``name`` of ``owner``; a syntax error becomes a
    :class:`~mlgates.ParameterError` naming the parameter, with the caret under the problem."""
    try:
        return parse_condition(text)
    except RuleSyntaxError as exc:
        raise parameter_error(owner, name, f"a condition in {LANGUAGE}", text, str(exc)) from None


class QualityGate(Gate):
    """Base class of the data-quality gates: adds the ``where=`` row condition.

    A subclass takes ``where: str | None = None`` in its ``__init__`` and stores it as
    ``self.where``; everything else is done here.
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {"where": [None, str]}
    where: str | None = None

    def validate(self) -> Gate:
        super().validate()
        if self.where is not None:
            compile_condition(type(self).__name__, "where", self.where)
        return self

    def _run(self, ctx: CheckContext) -> Verdict:
        where = self.where
        if where is None or self.missing_inputs(ctx.names):
            return super()._run(ctx)
        start = time.perf_counter()
        if ctx.profiled and not self._tables_in_memory(ctx):  # tables read in chunks
            verdict = self._verdict(
                Status.SKIP,
                reason="needs_in_memory",
                message=f"{type(self).__name__}(where={where!r}) narrows the rows, which needs them in "
                "memory; pass current (and reference) as DataFrames, or drop where= to judge the "
                "tables in chunks",
            )
            return self._finalize(verdict, ctx, time.perf_counter() - start)
        try:
            narrowed = narrowed_context(ctx, where)
        except InputError as exc:
            verdict = self._verdict(Status.ERROR, reason=exc.reason, message=str(exc))
            return self._finalize(verdict, ctx, time.perf_counter() - start)
        verdict = super()._run(narrowed)
        return _annotated(verdict, where, narrowed)


class _Narrowed(CheckContext):
    """The inputs of a check narrowed to the rows where a condition holds; it has its own
    cache (statistics of the narrowed tables) and describes the user's inputs as they were."""

    def __init__(self, parent: CheckContext, where: str, node: Node, keep: np.ndarray) -> None:
        inputs = {name: parent.get(name) for name in parent.names}
        n = len(keep)
        for name in _PER_ROW:
            value = inputs.get(name)
            if value is not None and _per_row(value, n):
                inputs[name] = _take(parent.aligned(name, value), keep)
        super().__init__(inputs)
        self.parent = parent
        self.where = where
        self.node = node
        self.keep = keep
        self.rows: dict[str, tuple[int, int]] = {"current": (int(keep.sum()), n)}

    def frame(self, side: Any = "current") -> Any:
        if side == "current":
            return self.cached(("frame", "current"), lambda: self.parent.frame("current")[self.keep])

        def narrow() -> Any:
            ref = self.parent.frame("reference")
            truth = evaluate(
                self.node, self.where, ref, cached=self.parent.cached, key="reference", label="where"
            )
            self.rows["reference"] = (int(truth.true.sum()), len(ref))
            return ref[truth.true]

        return self.cached(("frame", "reference"), narrow)

    def describe_inputs(self) -> dict[str, Any]:
        return self.parent.describe_inputs()


def narrowed_context(ctx: CheckContext, where: str) -> _Narrowed:
    """The context of ``ctx`` narrowed by ``where``, built once per run and condition."""

    def build() -> _Narrowed:
        node = parse_condition(where)
        truth = evaluate(node, where, ctx.frame("current"), cached=ctx.cached, key="current", label="where")
        return _Narrowed(ctx, where, node, truth.true)

    return ctx.cached(("quality.where", where), build)  # type: ignore[no-any-return]


def _per_row(value: Any, n: int) -> bool:
    """An input given per row (an array, a Series, a list of values), not column names."""
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return False
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return False  # column names (proba columns, sensitive feature columns)
    try:
        return len(value) == n
    except TypeError:
        return False


def _take(value: Any, keep: np.ndarray) -> Any:
    import pandas as pd

    if isinstance(value, (pd.Series, pd.DataFrame)):
        return value.iloc[np.flatnonzero(keep)]
    return np.asarray(value)[keep]


def _annotated(verdict: Verdict, where: str, narrowed: _Narrowed) -> Verdict:
    kept, total = narrowed.rows["current"]
    metrics: dict[str, float] = {**verdict.metrics, "where_rows_kept": kept, "where_rows_total": total}
    if "reference" in narrowed.rows:
        ref_kept, ref_total = narrowed.rows["reference"]
        metrics.update(where_reference_rows_kept=ref_kept, where_reference_rows_total=ref_total)
    message = f"where `{where}` ({kept:,} of {total:,} rows): {verdict.message}"
    return verdict.replace(metrics=metrics, message=message)

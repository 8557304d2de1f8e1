"""RowCountGate: the table has as many rows as expected."""

from __future__ import annotations

from typing import Any, ClassVar

from mlgates.core.context import CheckContext
from mlgates.core.finding import Finding
from mlgates.core.gate import Gate
from mlgates.core.params import Interval, parameter_error
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.profiles.summaries import Rows

__all__ = ["RowCountGate"]


class RowCountGate(Gate):
    """The number of rows of ``current`` lies in ``[min_rows, max_rows]``.

    Parameters
    ----------
    min_rows : int, default 1
        Fewest rows allowed. The default fails an empty table.
    max_rows : int, optional
        Most rows allowed.
    warn_min_rows : int, optional
        Below this (but at least ``min_rows``) the gate WARNs.
    name, blocking
        See :class:`~mlgates.Gate`.

    Examples
    --------
    >>> import pandas as pd
    >>> from mlgates import RowCountGate
    >>> v = RowCountGate(min_rows=3).check(current=pd.DataFrame({"a": [1, 2]}))
    >>> v.status, v.reason
    (<Status.FAIL: 'fail'>, 'row_count_exceeded')
    >>> v.message
    'rows: 2 < 3 required'
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "min_rows": [Interval("int", 0, None)],
        "max_rows": [Interval("int", 0, None), None],
        "warn_min_rows": [Interval("int", 0, None), None],
    }

    def __init__(
        self,
        *,
        min_rows: int = 1,
        max_rows: int | None = None,
        warn_min_rows: int | None = None,
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.min_rows = min_rows
        self.max_rows = max_rows
        self.warn_min_rows = warn_min_rows

    def _validate_params(self) -> None:
        if self.max_rows is not None and self.max_rows < self.min_rows:
            raise parameter_error(
                "RowCountGate", "max_rows", f"an int >= min_rows ({self.min_rows})", self.max_rows
            )

    def required_inputs(self) -> tuple[str, ...]:
        return ("current",)

    def _check(self, ctx: CheckContext) -> Verdict:
        return self._decide(len(ctx.frame("current")))

    def _profile_needs(self, ctx: CheckContext, side: str) -> list[Any]:
        return [Rows()] if side == "current" else []

    def _check_profile(self, ctx: CheckContext) -> Verdict:
        return self._decide(ctx.summary("current", Rows()).n_rows)

    def _decide(self, n: int) -> Verdict:
        status, reason = Status.PASS, None
        if n < self.min_rows:
            status, reason = Status.FAIL, "row_count_exceeded"
            message = f"rows: {n:,} < {self.min_rows:,} required"
            threshold: float = self.min_rows
        elif self.max_rows is not None and n > self.max_rows:
            status, reason = Status.FAIL, "row_count_exceeded"
            message = f"rows: {n:,} > {self.max_rows:,} allowed"
            threshold = self.max_rows
        elif self.warn_min_rows is not None and n < self.warn_min_rows:
            status, reason = Status.WARN, "row_count_exceeded"
            message = f"rows: {n:,} < {self.warn_min_rows:,} (warning level)"
            threshold = self.warn_min_rows
        else:
            bounds = f">= {self.min_rows:,}" + (
                f" and <= {self.max_rows:,}" if self.max_rows is not None else ""
            )
            message = f"rows: {n:,} ({bounds})"
            threshold = self.min_rows
        finding = Finding(
            "rows",
            status,
            statistic=n,
            threshold=threshold,
            method="row_count",
            reason=reason,
            message=message,
            details={"min_rows": self.min_rows, "max_rows": self.max_rows},
        )
        return self._verdict(status, findings=[finding], metrics={"rows": n}, reason=reason, message=message)

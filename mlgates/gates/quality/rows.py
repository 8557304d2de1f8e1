"""RowCountGate: the table has as many rows as expected."""

from __future__ import annotations

from typing import Any, ClassVar

from mlgates.core.context import CheckContext
from mlgates.core.finding import Finding
from mlgates.core.params import Interval, Options, parameter_error
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.gates.quality._where import QualityGate
from mlgates.profiles.summaries import Rows

__all__ = ["RowCountGate"]


class RowCountGate(QualityGate):
    """The number of rows of ``current`` lies in ``[min_rows, max_rows]``, and, with
    ``compare_to="reference"``, its ratio to the number of rows of ``reference`` lies in
    ``[min_ratio, max_ratio]`` (relative volume: today's batch against yesterday's).

    Parameters
    ----------
    min_rows : int, default 1
        Fewest rows allowed. The default fails an empty table.
    max_rows : int, optional
        Most rows allowed.
    warn_min_rows : int, optional
        Below this (but at least ``min_rows``) the gate WARNs.
    compare_to : {"reference"}, optional
        Also bound the ratio ``rows of current / rows of reference``.
    min_ratio, max_ratio : float, optional
        With ``compare_to``: the smallest and largest ratio allowed (``min_ratio=0.5,
        max_ratio=2.0``: within half and double the reference's volume).
    where : str, optional
        Judge only the rows where this condition (in the rule language of
        :class:`~mlgates.RuleGate`) is true; see ``docs/quality.md#where``. Both tables are
        counted after it.
    name, blocking
        See :class:`~mlgates.Gate`.

    Notes
    -----
    Findings: ``rows`` (the count) and, with ``compare_to``, ``row_ratio`` (the ratio; details
    ``n_reference``). A bound crossed is reason ``row_count_exceeded``; an empty ``reference``
    makes the ratio undefined (ERROR ``empty_input``).

    Examples
    --------
    >>> import pandas as pd
    >>> from mlgates import RowCountGate
    >>> v = RowCountGate(min_rows=3).check(current=pd.DataFrame({"a": [1, 2]}))
    >>> v.status, v.reason
    (<Status.FAIL: 'fail'>, 'row_count_exceeded')
    >>> v.message
    'rows: 2 < 3 required'
    >>> gate = RowCountGate(compare_to="reference", min_ratio=0.5, max_ratio=2.0)
    >>> v = gate.check(reference=pd.DataFrame({"a": range(100)}), current=pd.DataFrame({"a": range(40)}))
    >>> v.status, v.findings[1].message
    (<Status.FAIL: 'fail'>, 'row_ratio: 40 rows = 0.4 x reference (100) < 0.5 x required')
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "min_rows": [Interval("int", 0, None)],
        "max_rows": [Interval("int", 0, None), None],
        "warn_min_rows": [Interval("int", 0, None), None],
        "compare_to": [Options("reference"), None],
        "min_ratio": [Interval("real", 0, None), None],
        "max_ratio": [Interval("real", 0, None), None],
    }

    def __init__(
        self,
        *,
        min_rows: int = 1,
        max_rows: int | None = None,
        warn_min_rows: int | None = None,
        compare_to: str | None = None,
        min_ratio: float | None = None,
        max_ratio: float | None = None,
        where: str | None = None,
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.where = where
        self.min_rows = min_rows
        self.max_rows = max_rows
        self.warn_min_rows = warn_min_rows
        self.compare_to = compare_to
        self.min_ratio = min_ratio
        self.max_ratio = max_ratio

    def _validate_params(self) -> None:
        owner = "RowCountGate"
        if self.max_rows is not None and self.max_rows < self.min_rows:
            raise parameter_error(owner, "max_rows", f"an int >= min_rows ({self.min_rows})", self.max_rows)
        ratios = self.min_ratio is not None or self.max_ratio is not None
        if self.compare_to is None and ratios:
            name = "min_ratio" if self.min_ratio is not None else "max_ratio"
            raise parameter_error(
                owner,
                name,
                "used with compare_to='reference'",
                getattr(self, name),
                f"RowCountGate(compare_to='reference', {name}=...).",
            )
        if self.compare_to is not None and not ratios:
            raise parameter_error(
                owner,
                "min_ratio",
                "set (or max_ratio) with compare_to='reference'",
                None,
                "RowCountGate(compare_to='reference', min_ratio=0.5, max_ratio=2.0).",
            )
        if self.min_ratio is not None and self.max_ratio is not None and self.max_ratio < self.min_ratio:
            raise parameter_error(
                owner, "max_ratio", f"a float >= min_ratio ({self.min_ratio})", self.max_ratio
            )

    def required_inputs(self) -> tuple[str, ...]:
        return ("current", "reference") if self.compare_to == "reference" else ("current",)

    def _check(self, ctx: CheckContext) -> Verdict:
        n_ref = len(ctx.frame("reference")) if self.compare_to == "reference" else None
        return self._decide(len(ctx.frame("current")), n_ref)

    def _profile_needs(self, ctx: CheckContext, side: str) -> list[Any]:
        wanted = side == "current" or (side == "reference" and self.compare_to == "reference")
        return [Rows()] if wanted else []

    def _check_profile(self, ctx: CheckContext) -> Verdict:
        n_ref = ctx.summary("reference", Rows()).n_rows if self.compare_to == "reference" else None
        return self._decide(ctx.summary("current", Rows()).n_rows, n_ref)

    def _decide(self, n: int, n_ref: int | None) -> Verdict:
        findings = [self._count(n)]
        metrics: dict[str, float] = {"rows": n}
        if n_ref is not None:
            findings.append(self._ratio(n, n_ref))
            metrics["reference_rows"] = n_ref
            if n_ref:
                metrics["row_ratio"] = n / n_ref
        status = Status.worst(f.status for f in findings)
        reasons = [f.reason for f in findings if f.status is status and f.reason]
        message = "; ".join(f.message for f in findings if f.message)
        return self._verdict(
            status,
            findings=findings,
            metrics=metrics,
            reason=reasons[0] if reasons else None,
            message=message,
        )

    def _count(self, n: int) -> Finding:
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
        return Finding(
            "rows",
            status,
            statistic=n,
            threshold=threshold,
            method="row_count",
            reason=reason,
            message=message,
            details={"min_rows": self.min_rows, "max_rows": self.max_rows},
        )

    def _ratio(self, n: int, n_ref: int) -> Finding:
        details = {"n_reference": n_ref, "min_ratio": self.min_ratio, "max_ratio": self.max_ratio}
        if n_ref == 0:
            return Finding(
                "row_ratio",
                Status.ERROR,
                method="row_ratio",
                reason="empty_input",
                message="row_ratio: reference has no rows, so the ratio is undefined",
                details=details,
            )
        ratio = n / n_ref
        head = f"row_ratio: {n:,} rows = {ratio:.3g} x reference ({n_ref:,})"
        status = Status.FAIL
        reason: str | None = "row_count_exceeded"
        threshold: float | None
        if self.min_ratio is not None and ratio < self.min_ratio:
            threshold, message = self.min_ratio, f"{head} < {self.min_ratio:g} x required"
        elif self.max_ratio is not None and ratio > self.max_ratio:
            threshold, message = self.max_ratio, f"{head} > {self.max_ratio:g} x allowed"
        else:
            status, reason = Status.PASS, None
            low = "0" if self.min_ratio is None else f"{self.min_ratio:g}"
            high = "inf" if self.max_ratio is None else f"{self.max_ratio:g}"
            threshold, message = (
                self.min_ratio if self.min_ratio is not None else self.max_ratio,
                f"{head} (within [{low}, {high}])",
            )
        return Finding(
            "row_ratio",
            status,
            statistic=ratio,
            threshold=threshold,
            method="row_ratio",
            reason=reason,
            message=message,
            details=details,
        )

"""Column health: InfiniteValuesGate (the share of +inf/-inf values)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np

from mlgates.core.context import CheckContext
from mlgates.core.finding import Finding
from mlgates.core.params import Interval
from mlgates.core.verdict import Verdict
from mlgates.gates._columns import share_text
from mlgates.gates.quality import _profiled as Q
from mlgates.gates.quality._common import (
    NUMERIC_KINDS,
    all_missing,
    checkable,
    frame_or_error,
    minmax,
    numeric,
    resolve_columns,
    share_status,
)
from mlgates.gates.quality._where import QualityGate
from mlgates.profiles.summaries import ColumnStats, Rows, Stats

__all__ = ["InfiniteValuesGate"]


class InfiniteValuesGate(QualityGate):
    """The share of ``+inf``/``-inf`` among non-missing values is at most ``max_share``.

    Parameters
    ----------
    columns : str or list of str, optional
        Columns to check; every float column by default. Integer columns cannot hold
        infinities and PASS; other kinds are ERROR (``unsupported_dtype``).
    max_share : float, default 0.0
        Largest share of infinite values allowed, in [0, 1].
    where : str, optional
        Judge only the rows where this condition (in the rule language of
        :class:`~mlgates.RuleGate`) is true; see ``docs/quality.md#where``.
    name, blocking
        See :class:`~mlgates.Gate`.

    Notes
    -----
    Reason codes: ``infinite_values`` (FAIL), ``all_missing`` (ERROR), ``unsupported_dtype``,
    ``missing_column``, ``empty_input``, ``duplicate_columns``. Details hold ``n_pos_inf``,
    ``n_neg_inf`` and ``n_checked``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from mlgates import InfiniteValuesGate
    >>> df = pd.DataFrame({"ratio": [0.5, np.inf, 1.0, np.nan]})
    >>> InfiniteValuesGate().check(current=df).findings[0].message
    'ratio: 33.3% infinite (1 +inf, 0 -inf) > 0.0% allowed'
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "columns": ["columns", None],
        "max_share": [Interval("real", 0, 1)],
    }

    def __init__(
        self,
        *,
        columns: str | Sequence[str] | None = None,
        max_share: float = 0.0,
        where: str | None = None,
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.where = where
        self.columns = columns
        self.max_share = max_share

    def required_inputs(self) -> tuple[str, ...]:
        return ("current",)

    def _check(self, ctx: CheckContext) -> Verdict:
        frame = frame_or_error(ctx)
        findings: list[Finding] = []
        columns = resolve_columns(frame, self.columns, kinds=("float",))
        for col, kind in checkable(
            ctx,
            columns,
            findings,
            accepted=NUMERIC_KINDS,
            wanted="a float column",
            method="infinite",
            explicit=self.columns is not None,
        ):
            findings.append(self._judge(ctx, col, kind))
        return self._verdict(
            findings=findings, metrics={"n_infinite": sum(f.details.get("n_inf", 0) for f in findings)}
        )

    # -- profiles (docs/scale.md): counts of +inf/-inf merged over chunks -------------------
    def _profile_needs(self, ctx: CheckContext, side: str) -> list[Any]:
        if side != "current":
            return []
        schema = Q.schema_of(ctx)
        cols = Q.candidates(schema, self.columns, ("float",))
        return [Rows(), *Q.type_needs(schema, cols), *(Stats(c) for c in cols)]

    def _check_profile(self, ctx: CheckContext) -> Verdict:
        schema, n = Q.table(ctx)
        findings: list[Finding] = []
        for col, _kind in Q.checkable(
            ctx,
            schema,
            Q.resolve(schema, self.columns, ctx, ("float",)),
            findings,
            accepted=NUMERIC_KINDS,
            wanted="a float column",
            method="infinite",
            explicit=self.columns is not None,
        ):
            stats: ColumnStats = ctx.summary("current", Stats(col))
            n_checked = n - stats.n_missing
            if n_checked == 0:
                findings.append(all_missing(col, n, "infinite"))
            else:
                findings.append(self._finding(col, n_checked, stats.n_posinf, stats.n_neginf))
        return self._verdict(
            findings=findings, metrics={"n_infinite": sum(f.details.get("n_inf", 0) for f in findings)}
        )

    def _judge(self, ctx: CheckContext, col: Any, kind: str) -> Finding:
        n = len(ctx.frame("current"))
        lo, hi, n_missing = minmax(ctx, "current", col)
        n_checked = n - n_missing
        if n_checked == 0:
            return all_missing(col, n, "infinite")
        if kind == "integer" or (np.isfinite(lo) and np.isfinite(hi)):
            n_pos = n_neg = 0
        else:
            values = numeric(ctx, "current", col)
            n_pos, n_neg = int(np.isposinf(values).sum()), int(np.isneginf(values).sum())
        return self._finding(col, n_checked, n_pos, n_neg)

    def _finding(self, col: Any, n_checked: int, n_pos: int, n_neg: int) -> Finding:
        share = (n_pos + n_neg) / n_checked
        status, exceeded = share_status(share, self.max_share, None)
        cmp = ">" if exceeded else "<="
        return Finding(
            str(col),
            status,
            statistic=share,
            threshold=self.max_share,
            method="infinite",
            reason="infinite_values" if exceeded else None,
            message=f"{col}: {share_text(share)} infinite ({n_pos:,} +inf, {n_neg:,} -inf) {cmp} "
            f"{share_text(self.max_share)} allowed",
            details={"n_pos_inf": n_pos, "n_neg_inf": n_neg, "n_inf": n_pos + n_neg, "n_checked": n_checked},
        )

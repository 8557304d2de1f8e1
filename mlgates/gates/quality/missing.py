"""MissingValuesGate: per-column share of missing values against a maximum."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from mlgates.core.context import CheckContext
from mlgates.core.errors import InputError
from mlgates.core.finding import Finding
from mlgates.core.params import Interval
from mlgates.core.verdict import Verdict
from mlgates.gates._columns import missing_mask, select_columns, share_text, unknown_key_findings
from mlgates.gates.quality._chance import DEFAULT_ALPHA, check_calibration, judge_share, with_notes
from mlgates.gates.quality._common import (
    absent,
    check_share_mapping,
    frame_or_error,
    per_column,
)
from mlgates.gates.quality._where import QualityGate
from mlgates.profiles.summaries import Rows, Stats

__all__ = ["MissingValuesGate"]


class MissingValuesGate(QualityGate):
    """Each column's share of missing values (NaN, None, NaT, pd.NA) is at most ``max_share``.

    Parameters
    ----------
    columns : str or list of str, optional
        Columns to check; all columns of ``current`` by default. A listed column that is absent
        is an ERROR finding (reason ``missing_column``).
    max_share : float or mapping of column to float, default 0.0
        Largest missing share allowed, in [0, 1]; a mapping sets it per column (columns not in
        the mapping use 0.0). A key that names no column of ``current`` is an ERROR finding
        (reason ``missing_column``, with the nearest column name).
    warn_share : float, optional
        Shares above this (but within ``max_share``) WARN.
    calibration : mapping of column to {"n": int, "k": int}, optional
        For shares learned from a reference (:func:`~mlgates.quality_suite_from_reference`
        writes it): ``k`` of ``n`` reference rows were missing. A batch of ``m`` rows may then
        have as many missing values as chance allows at false-alarm level ``alpha`` (the
        one-sided Fisher exact test, ``K ~ BetaBinomial(m, k + 1, n - k)``), or
        ``max_share * m`` if that is larger. See docs/quality.md.
    alpha : float, default 0.001
        False-alarm level of that sampling bound, in (0, 1).
    where : str, optional
        Judge only the rows where this condition (in the rule language of
        :class:`~mlgates.RuleGate`) is true; see ``docs/quality.md#where``.
    name, blocking
        See :class:`~mlgates.Gate`.

    Notes
    -----
    An empty table has no missing share: the verdict is ERROR with reason ``empty_input``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from mlgates import MissingValuesGate
    >>> df = pd.DataFrame({"age": [30, np.nan, 40, 50, 60], "city": ["a", "b", "c", "d", "e"]})
    >>> v = MissingValuesGate(max_share=0.05).check(current=df)
    >>> v.status
    <Status.FAIL: 'fail'>
    >>> v.findings[0].message
    'age: 20.0% missing > 5.0% allowed'
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "columns": ["columns", None],
        "max_share": [Interval("real", 0, 1), "mapping"],
        "warn_share": [Interval("real", 0, 1), None],
        "calibration": ["mapping", None],
        "alpha": [Interval("real", 0, 1, closed="neither")],
    }

    def __init__(
        self,
        *,
        columns: str | Sequence[str] | None = None,
        max_share: float | Mapping[str, float] = 0.0,
        warn_share: float | None = None,
        calibration: Mapping[str, Mapping[str, int]] | None = None,
        alpha: float = DEFAULT_ALPHA,
        where: str | None = None,
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.where = where
        self.columns = columns
        self.max_share = max_share
        self.warn_share = warn_share
        self.calibration = calibration
        self.alpha = alpha

    def _validate_params(self) -> None:
        check_share_mapping("MissingValuesGate", "max_share", self.max_share)  # TOML keys are str
        check_calibration("MissingValuesGate", self.calibration, self.alpha)

    def required_inputs(self) -> tuple[str, ...]:
        return ("current",)

    def _check(self, ctx: CheckContext) -> Verdict:
        frame = frame_or_error(ctx)  # duplicate names and an empty table are input errors
        cols = select_columns(frame, self.columns)
        counts = {c: int(missing_mask(frame[c]).sum()) for c in cols if c in frame.columns}
        return self._decide(cols, counts, len(frame), frame.columns)

    def _profile_needs(self, ctx: CheckContext, side: str) -> list[Any]:
        if side != "current":
            return []
        schema = ctx.table_schema("current")
        select_columns(schema, None)  # duplicate names -> InputError naming them
        cols = select_columns(schema, self.columns)
        return [Rows(), *(Stats(c) for c in cols if c in schema.columns)]

    def _check_profile(self, ctx: CheckContext) -> Verdict:
        schema = ctx.table_schema("current")
        n = ctx.summary("current", Rows()).n_rows
        if n == 0:
            raise InputError(
                "current has no rows: nothing can be judged", reason="empty_input", subject="current"
            )
        cols = select_columns(schema, self.columns)
        counts = {c: ctx.summary("current", Stats(c)).n_missing for c in cols if c in schema.columns}
        return self._decide(cols, counts, n, schema.columns)

    def _decide(self, cols: list[Any], counts: Mapping[Any, int], n: int, available: Any) -> Verdict:
        """Findings from the missing count of each column (the one decision and wording of the
        in-memory and the profiled check)."""
        findings = []
        worst = 0.0
        for col in cols:
            limit = per_column(self.max_share, col, 0.0)
            if col not in counts:
                findings.append(absent(col, threshold=limit, method="missing_share", available=available))
                continue
            count = counts[col]
            share = count / n
            worst = max(worst, share)
            d = judge_share(
                count,
                n,
                limit,
                self.warn_share,
                calibration=self.calibration,
                subject=str(col),
                alpha=self.alpha,
            )
            findings.append(
                Finding(
                    str(col),
                    d.status,
                    statistic=share,
                    threshold=d.threshold,
                    method="missing_share",
                    reason="missing_share_exceeded" if d.exceeded else None,
                    message=with_notes(f"{col}: {share_text(share)} missing {d.tail()}", d.note()),
                    details={"n_missing": count, "n_rows": n, **d.details()},
                )
            )
        # a max_share key that names no column (a typo) is an error, not a silent no-op
        findings.extend(
            unknown_key_findings({"max_share": self.max_share}, available, skip=cols, method="missing_share")
        )
        return self._verdict(findings=findings, metrics={"max_missing_share": worst, "rows": n})

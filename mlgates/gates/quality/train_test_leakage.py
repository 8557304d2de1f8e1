"""Split integrity: TrainTestLeakageGate (rows of the test set also in the training set)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from mlgates.core.context import CheckContext
from mlgates.core.errors import InputError
from mlgates.core.finding import Finding
from mlgates.core.params import Interval
from mlgates.core.verdict import Verdict
from mlgates.gates._columns import column_kind, share_text
from mlgates.gates.quality._chance import DEFAULT_ALPHA, check_calibration, judge_share, with_notes
from mlgates.gates.quality._common import (
    MAX_EXAMPLES,
    UNGROUPABLE,
    absent,
    examples,
    frame_or_error,
    row_hash,
)
from mlgates.gates.quality._where import QualityGate

__all__ = ["TrainTestLeakageGate"]


def _harmonized(
    ctx: CheckContext, cols: list[Any]
) -> tuple[np.ndarray, np.ndarray, pd.DataFrame, pd.DataFrame]:
    """Row hashes of both sides on ``cols``; columns whose dtypes differ are brought to a
    common form (float64 for two numeric columns, str otherwise) so equal values hash equal."""
    cur, ref = ctx.frame("current")[cols], ctx.frame("reference")[cols]
    differ = [c for c in cols if cur[c].dtype != ref[c].dtype]
    if not differ:
        return row_hash(ctx, "current", cols), row_hash(ctx, "reference", cols), cur, ref
    cur, ref = cur.copy(), ref.copy()
    for c in differ:
        numeric = all(column_kind(s[c]) in ("integer", "float", "boolean") for s in (cur, ref))
        target = "float64" if numeric else str
        cur[c] = cur[c].astype(target) if numeric else cur[c].astype(object).where(cur[c].notna()).astype(str)
        ref[c] = ref[c].astype(target) if numeric else ref[c].astype(object).where(ref[c].notna()).astype(str)

    def h(f: pd.DataFrame) -> np.ndarray:
        return np.asarray(pd.util.hash_pandas_object(f, index=False), dtype="uint64")

    return h(cur), h(ref), cur, ref


class TrainTestLeakageGate(QualityGate):
    """The share of ``current`` rows that also appear in ``reference`` is at most ``max_share``
    (pass the training set as ``reference`` and the test/serving set as ``current``).

    Parameters
    ----------
    columns : str or list of str, optional
        Compare rows on these columns; by default the columns both tables share, except the
        target and prediction columns.
    max_share : float, default 0.0
        Largest share of current rows allowed to occur in the reference, in [0, 1].
    warn_share : float, optional
        Shares above this (within ``max_share``) WARN.
    calibration : mapping of "rows" to {"n": int, "k": int}, optional
        For a share learned from the training set (:func:`~mlgates.quality_suite_from_reference`
        writes it): ``k`` of its ``n`` rows repeated an earlier row. Independent draws repeat
        each other per pair of rows, so ``m`` current rows may be found in the reference as
        often as chance allows at false-alarm level ``alpha`` (``P(Binomial(k + K, w) >=
        K)``, ``w = n m / (C(n,2) + n m)``), or ``max_share * m`` if that is larger.
    alpha : float, default 0.001
        False-alarm level of that sampling bound, in (0, 1).
    where : str, optional
        Judge only the rows where this condition (in the rule language of
        :class:`~mlgates.RuleGate`) is true; see ``docs/quality.md#where``.
    name, blocking
        See :class:`~mlgates.Gate`.

    Notes
    -----
    Missing values compare equal. Columns whose dtypes differ between the tables are compared
    as float64 (both numeric) or as text. Hashes find candidates, an exact join decides.
    Reason codes: ``train_test_overlap`` (FAIL/WARN), ``missing_column``, ``empty_input``,
    ``missing_input``, ``duplicate_columns``. Details hold ``n_leaked`` and up to five index
    labels of leaked current rows.

    Examples
    --------
    >>> import pandas as pd
    >>> from mlgates import TrainTestLeakageGate
    >>> train = pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]})
    >>> test = pd.DataFrame({"a": [3, 4], "b": ["z", "w"]})
    >>> TrainTestLeakageGate().check(reference=train, current=test).findings[0].message
    'rows: 1 of 2 current rows (50.0%) also in reference > 0.0% allowed'
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "columns": ["columns", None],
        "max_share": [Interval("real", 0, 1)],
        "warn_share": [Interval("real", 0, 1), None],
        "calibration": ["mapping", None],
        "alpha": [Interval("real", 0, 1, closed="neither")],
    }

    def __init__(
        self,
        *,
        columns: str | Sequence[str] | None = None,
        max_share: float = 0.0,
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
        check_calibration("TrainTestLeakageGate", self.calibration, self.alpha)

    def required_inputs(self) -> tuple[str, ...]:
        return ("current", "reference")

    def _check(self, ctx: CheckContext) -> Verdict:
        frame = frame_or_error(ctx)
        ref = frame_or_error(ctx, "reference")
        if self.columns is None:
            ref_cols = set(ctx.features("reference").columns)
            cols = [c for c in ctx.features("current").columns if c in ref_cols]
        else:
            cols = [self.columns] if isinstance(self.columns, str) else list(self.columns)
            gone = [
                (c, s)
                for c in cols
                for s, f in (("current", frame), ("reference", ref))
                if c not in f.columns
            ]
            if gone:
                return self._verdict(
                    findings=[
                        absent(c, s, method="leakage", available=(frame if s == "current" else ref).columns)
                        for c, s in gone
                    ]
                )
        if not cols:
            raise InputError("current and reference share no columns", reason="missing_column")
        h_cur, h_ref, cur, refc = _harmonized(ctx, cols)
        cand = np.flatnonzero(np.asarray(pd.Series(h_cur).isin(pd.Series(h_ref).unique()), dtype=bool))
        leaked = np.zeros(len(frame), dtype=bool)
        if len(cand):
            names = [f"f{i}" for i in range(len(cols))]
            left = cur.iloc[cand].copy()
            left.columns = names
            right = refc[np.asarray(pd.Series(h_ref).isin(h_cur[cand]), dtype=bool)].copy()
            right.columns = names

            def exact_join(a: pd.DataFrame, b: pd.DataFrame) -> np.ndarray:
                a = a.assign(__pos__=cand)
                return np.asarray(a.merge(b.drop_duplicates(), on=names, how="inner")["__pos__"])

            try:
                hit = exact_join(left, right)
            except (*UNGROUPABLE, KeyError):  # lists, Arrow lists, float16 join keys: by text
                hit = exact_join(left.map(str), right.map(str))
            leaked[hit] = True
        n = len(frame)
        n_leak = int(leaked.sum())
        share = n_leak / n
        d = judge_share(
            n_leak,
            n,
            self.max_share,
            self.warn_share,
            calibration=self.calibration,
            subject="rows",
            alpha=self.alpha,
            method="cross_collisions",
        )
        finding = Finding(
            "rows",
            d.status,
            statistic=share,
            threshold=d.threshold,
            method="train_test_overlap",
            reason="train_test_overlap" if d.exceeded else None,
            message=with_notes(
                f"rows: {n_leak:,} of {n:,} current rows ({share_text(share)}) also in reference {d.tail()}",
                d.note(),
            ),
            details={
                **d.details(),
                "n_leaked": n_leak,
                "n_rows": n,
                "n_columns": len(cols),
                "example_rows": examples(frame.index[np.flatnonzero(leaked)[:MAX_EXAMPLES]]),
            },
        )
        return self._verdict(findings=[finding], metrics={"leaked_share": share})

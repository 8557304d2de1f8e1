"""Label integrity: ConflictingLabelsGate (identical features, different labels)."""

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
from mlgates.gates._columns import share_text
from mlgates.gates.quality._chance import DEFAULT_ALPHA, check_calibration, judge_share, with_notes
from mlgates.gates.quality._common import (
    MAX_EXAMPLES,
    UNGROUPABLE,
    examples,
    frame_or_error,
    repeated_candidates,
)
from mlgates.gates.quality._integrity_inputs import _feature_columns, _labels
from mlgates.gates.quality._where import QualityGate

__all__ = ["ConflictingLabelsGate"]


class ConflictingLabelsGate(QualityGate):
    """Rows with identical features carry the same target: the share of rows in groups of
    identical feature rows with more than one target value is at most ``max_share``.

    Parameters
    ----------
    columns : str or list of str, optional
        The feature columns; by default every column of ``current`` except the target and
        prediction columns.
    max_share : float, default 0.0
        Largest share of rows allowed in conflicting groups, in [0, 1].
    calibration : mapping of "rows" to {"n": int, "k": int}, optional
        For a share learned from a reference (:func:`~mlgates.quality_suite_from_reference`
        writes it): ``k`` of ``n`` reference rows were in conflicting groups. Conflicts need
        a pair of rows, so a batch of ``m`` rows may hold as many as chance allows at
        false-alarm level ``alpha`` (``P(Binomial(k + K, w) >= K)``, ``w = C(m,2) / (C(n,2) +
        C(m,2))``), or ``max_share * m`` if that is larger. See docs/quality.md.
    alpha : float, default 0.001
        False-alarm level of that sampling bound, in (0, 1).
    where : str, optional
        Judge only the rows where this condition (in the rule language of
        :class:`~mlgates.RuleGate`) is true; see ``docs/quality.md#where``.
    name, blocking
        See :class:`~mlgates.Gate`.

    Notes
    -----
    Inputs: ``current`` and ``target`` (a column name or an array). Missing values compare
    equal (a missing feature or label is a value of its own). Candidate rows are narrowed
    column by column, then grouped exactly, so the count is exact. Reason codes:
    ``conflicting_labels`` (FAIL), ``missing_column``, ``empty_input``, ``missing_input``,
    ``all_missing`` (ERROR: every label is missing, so no conflict can be judged),
    ``invalid_input`` (ERROR: an infinite label). Details hold ``n_conflicting_rows``,
    ``n_conflicting_groups`` and up to five index labels of conflicting rows.

    Examples
    --------
    >>> import pandas as pd
    >>> from mlgates import ConflictingLabelsGate
    >>> df = pd.DataFrame({"a": [1, 1, 2, 3], "b": ["x", "x", "y", "z"], "y": [0, 1, 1, 0]})
    >>> v = ConflictingLabelsGate().check(current=df, target="y")
    >>> v.findings[0].message
    'rows: 2 rows (50.0%) in 1 groups of identical features with different targets > 0.0% allowed'
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "columns": ["columns", None],
        "max_share": [Interval("real", 0, 1)],
        "calibration": ["mapping", None],
        "alpha": [Interval("real", 0, 1, closed="neither")],
    }

    def __init__(
        self,
        *,
        columns: str | Sequence[str] | None = None,
        max_share: float = 0.0,
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
        self.calibration = calibration
        self.alpha = alpha

    def _validate_params(self) -> None:
        check_calibration("ConflictingLabelsGate", self.calibration, self.alpha)

    def required_inputs(self) -> tuple[str, ...]:
        return ("current", "target")

    def _check(self, ctx: CheckContext) -> Verdict:
        frame = frame_or_error(ctx)
        cols = _feature_columns(ctx, "current", self.columns)
        if not cols:
            raise InputError("no feature columns besides the target", reason="nothing_to_check")
        labels = _labels(ctx)
        n = len(frame)
        n_labelled = int(np.count_nonzero(~np.asarray(pd.isna(labels), dtype=bool)))
        if n_labelled == 0:
            raise InputError(
                f"target: all {n:,} labels are missing; label conflicts cannot be judged",
                reason="all_missing",
                subject="target",
            )
        cand = repeated_candidates(frame, cols)
        conflict = np.zeros(n, dtype=bool)
        n_groups = 0
        if len(cand):
            sub = frame[cols].iloc[cand].copy()
            sub.columns = [f"f{i}" for i in range(len(cols))]
            keys = list(sub.columns)
            sub["__label__"] = pd.Series(labels[cand], index=sub.index).astype(object)
            try:
                nun = sub.groupby(keys, dropna=False, sort=False, observed=True)["__label__"].transform(
                    "nunique", dropna=False
                )
            except UNGROUPABLE:
                sub[keys] = sub[keys].map(str)
                nun = sub.groupby(keys, dropna=False, sort=False, observed=True)["__label__"].transform(
                    "nunique", dropna=False
                )
            bad = np.asarray(nun > 1, dtype=bool)
            conflict[cand[bad]] = True
            if bad.any():
                n_groups = int(sub[bad].drop_duplicates(subset=keys).shape[0])
        n_bad = int(conflict.sum())
        share = n_bad / n
        d = judge_share(
            n_bad,
            n,
            self.max_share,
            None,
            calibration=self.calibration,
            subject="rows",
            alpha=self.alpha,
            method="pair_collisions",
        )
        finding = Finding(
            "rows",
            d.status,
            statistic=share,
            threshold=d.threshold,
            method="conflicting_labels",
            reason="conflicting_labels" if d.exceeded else None,
            message=with_notes(
                f"rows: {n_bad:,} rows ({share_text(share)}) in {n_groups:,} groups of identical "
                f"features with different targets {d.tail()}",
                d.note(),
            ),
            details={
                **d.details(),
                "n_conflicting_rows": n_bad,
                "n_conflicting_groups": n_groups,
                "n_rows": n,
                "n_features": len(cols),
                "example_rows": examples(frame.index[np.flatnonzero(conflict)[:MAX_EXAMPLES]]),
            },
        )
        return self._verdict(findings=[finding], metrics={"conflicting_share": share})

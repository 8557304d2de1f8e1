"""CalibrationGate: expected calibration error and Brier score of a binary classifier."""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np

from mlgates.core.context import CheckContext
from mlgates.core.finding import Finding
from mlgates.core.gate import Gate
from mlgates.core.params import ON_INSUFFICIENT, Interval, Options
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.gates.performance._common import INSUFFICIENT, headline
from mlgates.gates.performance._data import resolve_pair
from mlgates.stats.performance import METRICS, calibration_bins

__all__ = ["CalibrationGate"]


class CalibrationGate(Gate):
    """Predicted probabilities match observed frequencies: ECE and Brier score within bounds.

    Binary classification; the probabilities are ``proba`` (or ``model.predict_proba``) on
    ``current`` for the positive class.

    Parameters
    ----------
    max_ece : float or None, default 0.05
        Largest expected calibration error allowed (reason ``calibration_error_exceeded``).
    max_brier : float, optional
        Largest Brier score allowed (reason ``brier_score_exceeded``).
    n_bins : int, default 10
        Number of probability bins.
    strategy : {"uniform", "quantile"}, default "uniform"
        ``"uniform"``: equal-width bins on [0, 1]; ``"quantile"``: bins holding equal numbers of
        rows. Bins are right-closed ``(e_i, e_{i+1}]`` (the first also holds 0), as in
        :func:`sklearn.calibration.calibration_curve`.
    min_rows_per_bin : int, default 10
        The sample must hold at least ``n_bins * min_rows_per_bin`` rows; below that the ECE
        (which noise inflates) is reported but not judged, and the verdict says
        ``insufficient_samples``. The Brier bound is judged at any size.
    on_insufficient : {"warn", "fail", "error", "skip"}, default "warn"
    pos_label : str or int, optional
        Positive class (default: the greater of the two classes).
    name, blocking
        See :class:`~mlgates.Gate`.

    Notes
    -----
    ``ECE = sum_b (n_b / n) |mean(y in b) - mean(p in b)|`` over non-empty bins (Naeini, Cooper
    and Hauskrecht 2015); the Brier score is ``mean((p - y)^2)`` (Brier 1950). The finding for
    ``ece`` lists each bin's edges, row count, mean probability and positive rate in
    ``details``. ``metrics``: ``ece``, ``brier_score_loss``, ``n``.

    With ``sample_weight`` each row counts its weight: the bins' shares, mean probabilities and
    positive rates are weighted, and the Brier score is that of
    :func:`sklearn.metrics.brier_score_loss` with ``sample_weight`` (the quantile edges and the
    ``min_rows_per_bin`` rule count rows).

    Examples
    --------
    >>> import numpy as np
    >>> from mlgates import CalibrationGate
    >>> rng = np.random.default_rng(0)
    >>> p = rng.random(5000)
    >>> y = (rng.random(5000) < p).astype(int)
    >>> CalibrationGate(max_ece=0.03).check(target=y, proba=p).status
    <Status.PASS: 'pass'>
    >>> v = CalibrationGate(max_ece=0.03).check(target=y, proba=p ** 3)
    >>> v.status, v.reason
    (<Status.FAIL: 'fail'>, 'calibration_error_exceeded')
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "max_ece": [Interval("real", 0, 1), None],
        "max_brier": [Interval("real", 0, 1), None],
        "n_bins": [Interval("int", 2, None)],
        "strategy": [Options("uniform", "quantile")],
        "min_rows_per_bin": [Interval("int", 1, None)],
        "on_insufficient": [ON_INSUFFICIENT],
        "pos_label": [str, int, None],
    }

    def __init__(
        self,
        *,
        max_ece: float | None = 0.05,
        max_brier: float | None = None,
        n_bins: int = 10,
        strategy: str = "uniform",
        min_rows_per_bin: int = 10,
        on_insufficient: str = "warn",
        pos_label: str | int | None = None,
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.max_ece = max_ece
        self.max_brier = max_brier
        self.n_bins = n_bins
        self.strategy = strategy
        self.min_rows_per_bin = min_rows_per_bin
        self.on_insufficient = on_insufficient
        self.pos_label = pos_label

    def required_inputs(self) -> tuple[str, ...]:
        return ("target",)

    def required_any_of(self) -> tuple[tuple[str, ...], ...]:
        return (("proba", "model"),)

    def _check(self, ctx: CheckContext) -> Verdict:
        pair = resolve_pair(
            ctx,
            METRICS["brier_score_loss"],
            compare=False,
            compare_to="baseline",
            pos_label=self.pos_label,
            metric_name="calibration",
        )
        y, p, w = pair.candidate.y, pair.candidate.pred, pair.candidate.w
        n = y.shape[0]
        edges, count, mean_p, rate = calibration_bins(
            y, p, n_bins=self.n_bins, strategy=self.strategy, sample_weight=w
        )
        keep = count > 0
        ece = float(np.sum(count[keep] / count.sum() * np.abs(rate[keep] - mean_p[keep])))
        brier = float(np.average((p - y) ** 2, weights=w))
        rows = count if w is None else calibration_bins(y, p, n_bins=self.n_bins, strategy=self.strategy)[1]
        bins = {
            "edges": edges.tolist(),
            "count": rows.astype(int).tolist(),
            **({"weight": count.tolist()} if w is not None else {}),
            "mean_proba": [None if math.isnan(v) else float(v) for v in mean_p],
            "positive_rate": [None if math.isnan(v) else float(v) for v in rate],
        }
        findings = []
        need = self.n_bins * self.min_rows_per_bin
        if n < need:
            findings.append(
                Finding(
                    "calibration",
                    INSUFFICIENT[self.on_insufficient],
                    statistic=float(n),
                    threshold=float(need),
                    method="min_rows",
                    reason="insufficient_samples",
                    message=f"calibration: {n} rows < {need} ({self.n_bins} bins x "
                    f"{self.min_rows_per_bin} rows); the ECE of {ece:.4f} is mostly noise at this size",
                )
            )
        method = f"ece_{self.strategy}_{self.n_bins}"
        for subject, value, bound, reason, meth, details in (
            ("ece", ece, self.max_ece, "calibration_error_exceeded", method, {"bins": bins}),
            ("brier_score_loss", brier, self.max_brier, "brier_score_exceeded", "brier", {}),
        ):
            if bound is None or (subject == "ece" and n < need):
                continue  # below the size rule the ECE is reported, not judged
            ok = value <= bound
            findings.append(
                Finding(
                    subject,
                    Status.PASS if ok else Status.FAIL,
                    statistic=value,
                    threshold=bound,
                    method=meth,
                    reason=None if ok else reason,
                    details={**details, "n": n},
                    message=f"{subject}: {value:.4f} {'<=' if ok else '>'} {bound:.4f} allowed",
                )
            )
        if not findings:
            findings.append(
                Finding(
                    "ece",
                    Status.SKIP,
                    statistic=ece,
                    method=method,
                    reason="nothing_to_check",
                    message=f"ece: {ece:.4f} (no bound set)",
                    details={"bins": bins},
                )
            )
        return self._verdict(
            findings=findings,
            metrics={"ece": ece, "brier_score_loss": brier, "n": int(n)},
            message=headline(findings),
            params={"sample_weight": "metric values weighted"} if w is not None else None,
        )

"""LabelFreeRegressionGate: a regression model's error on current rows, before labels."""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np

from mlgates.core import inputs
from mlgates.core.context import CheckContext
from mlgates.core.errors import InputError
from mlgates.core.finding import Finding
from mlgates.core.gate import Gate
from mlgates.core.params import ON_INSUFFICIENT, Interval, Options, insufficient_status
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.gates.label_free._decide import (
    CONCEPT_DRIFT_NOTE,
    fmt,
    headline,
    interval_finding,
    support_finding,
)
from mlgates.gates.label_free._features import encode_features
from mlgates.gates.label_free._reading import feature_columns
from mlgates.gates.label_free._support import outside_support
from mlgates.stats.crossfit import cross_fit_predict, fold_ids
from mlgates.stats.loss_estimate import LossCalibration, loss_calibration, loss_metric, row_loss

__all__ = ["LabelFreeRegressionGate"]

LOSS_METRICS = ("mean_absolute_error", "mean_squared_error", "root_mean_squared_error")
#: The inferred ``max_reference_error`` is this quantile of the error of a right loss model.
NULL_LEVEL = 0.999


class LabelFreeRegressionGate(Gate):
    """A regression model's error on ``current``, estimated before the labels arrive.

    On ``reference`` (held-out labelled rows) the gate fits a model of the per-row loss (the
    absolute or squared error) from the features and the prediction: scikit-learn's
    :class:`~sklearn.ensemble.HistGradientBoostingRegressor`, cross-fitted in ``cv`` folds. The
    mean predicted loss over current rows estimates the metric there (direct loss estimation).
    It FAILs when the metric is worse than allowed beyond the estimate's interval.

    What it assumes, and checks where it can:

    - the loss model is right on the reference: in every decile of the regression model's
      prediction, the realized mean loss must match the loss model's out-of-fold prediction
      (relative error at most ``max_reference_error``; ERROR ``not_calibrated`` otherwise, and
      no estimate);
    - current rows lie where the reference had rows (WARN ``outside_support`` beyond
      ``warn_outside_share``);
    - P(y | x) has not changed: no label-free method can see concept drift, and every verdict
      says so. Back-test with :class:`EstimateCheckGate` once labels arrive.

    Parameters
    ----------
    metric : str, default "mean_absolute_error"
        ``"mean_absolute_error"``, ``"mean_squared_error"`` or ``"root_mean_squared_error"``.
    max_value : float, optional
        Ceiling on the metric: FAIL when the whole interval is above it (``metric_bound_exceeded``).
    max_drop : float, optional
        Largest worsening (increase) against the metric measured on ``reference``, in metric
        units (``performance_regression``).
    max_reference_error : float or "auto", default "auto"
        Largest relative calibration error of the loss model on the reference (out of fold).
        ``"auto"``: the 99.9% quantile of that error for a loss model that is right, at the
        reference's size (recorded).
    confidence : float, default 0.95
        Level of the estimate's interval.
    cv : int, default 5
        Folds of the cross-fitted loss model.
    min_samples : int, default 200
        Fewest reference rows to fit and check a loss model; below it no estimate is made.
    on_insufficient : {"warn", "fail", "error", "skip"}, default "warn"
        Status when the reference is too small or the interval straddles the bound.
    warn_outside_share : float, default 0.01
        Share of current rows outside the reference's support above which the gate WARNs
        (when it also exceeds the null bound).
    columns : str or list of str, optional
        Feature columns of the loss model and the support check; default the model's
        ``feature_names_in_``, else every column of both tables but the target and prediction.
    random_state : int or None, default 0
        Seed of the folds and the loss model.
    name, blocking
        See :class:`~mlgates.Gate`.

    Notes
    -----
    The estimate is the mean over current rows of the fold models' average predicted loss
    (RMSE: its square root). Its interval is normal: the sampling variance of the batch's mean
    loss (each row's residual variance taken from its decile on the reference) plus the
    variance of the fold models' means (the loss model's own uncertainty); for RMSE the bounds
    of the mean squared error are square-rooted.

    ``metrics``: ``<metric>``, ``<metric>_ci_low``, ``<metric>_ci_high``,
    ``reference_loss_error``, ``max_reference_error``, ``outside_share``, ``n``,
    ``n_reference``; with ``max_drop`` also ``baseline_<metric>``, ``difference``,
    ``ci_low``/``ci_high``.

    Reason codes: ``not_calibrated``, ``outside_support``, ``metric_bound_exceeded``,
    ``performance_regression``, ``insufficient_samples``, ``undefined_statistic``,
    ``missing_values``, ``invalid_input``, ``missing_column``, ``missing_input``, ``empty_input``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from mlgates import LabelFreeRegressionGate
    >>> rng = np.random.default_rng(0)
    >>> def batch(n):
    ...     x = rng.uniform(0, 1, n)
    ...     return pd.DataFrame({"x": x, "pred": 3 * x, "y": 3 * x + rng.normal(0, 0.2 + x, n)})
    >>> reference, current = batch(3000), batch(2000).drop(columns="y")
    >>> gate = LabelFreeRegressionGate("mean_absolute_error", max_value=1.0)
    >>> v = gate.check(reference=reference, current=current, target="y", prediction="pred")
    >>> v.status
    <Status.PASS: 'pass'>
    >>> 0.5 < v.metrics["mean_absolute_error"] < 0.65
    True
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "metric": [Options(*LOSS_METRICS)],
        "max_value": [Interval("real", 0, None), None],
        "max_drop": [Interval("real", 0, None), None],
        "max_reference_error": [Interval("real", 0, None), Options("auto")],
        "confidence": [Interval("real", 0, 1, closed="neither")],
        "cv": [Interval("int", 2, 20)],
        "min_samples": [Interval("int", 20, None)],
        "on_insufficient": [ON_INSUFFICIENT],
        "warn_outside_share": [Interval("real", 0, 1)],
        "columns": ["columns", None],
        "random_state": [Interval("int", 0, None), None],
    }

    def __init__(
        self,
        metric: str = "mean_absolute_error",
        *,
        max_value: float | None = None,
        max_drop: float | None = None,
        max_reference_error: float | str = "auto",
        confidence: float = 0.95,
        cv: int = 5,
        min_samples: int = 200,
        on_insufficient: str = "warn",
        warn_outside_share: float = 0.01,
        columns: str | list[str] | None = None,
        random_state: int | None = 0,
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.metric = metric
        self.max_value = max_value
        self.max_drop = max_drop
        self.max_reference_error = max_reference_error
        self.confidence = confidence
        self.cv = cv
        self.min_samples = min_samples
        self.on_insufficient = on_insufficient
        self.warn_outside_share = warn_outside_share
        self.columns = columns
        self.random_state = random_state

    def required_inputs(self) -> tuple[str, ...]:
        return ("reference", "current", "target")

    def required_any_of(self) -> tuple[tuple[str, ...], ...]:
        return (("prediction", "model"),)

    def _check(self, ctx: CheckContext) -> Verdict:
        y = inputs.numbers("target", ctx.labels("reference"))
        p_ref = inputs.numbers("prediction", ctx.prediction("reference"))
        p_cur = inputs.numbers("prediction", ctx.prediction("current"))
        for name, arr in (("target", y), ("prediction", p_ref), ("prediction", p_cur)):
            if arr.ndim != 1:
                raise InputError(
                    f"{name}: expected one value per row, got shape {arr.shape}.",
                    reason="invalid_input",
                    subject=name,
                )
        if y.size == 0:
            raise InputError("reference has no rows: nothing to fit the loss model on", reason="empty_input")
        if p_cur.size == 0:
            raise InputError("current has no rows: nothing to estimate", reason="empty_input")
        if p_ref.size != y.size:
            raise InputError(
                f"prediction (reference): {p_ref.size} values for {y.size} rows.",
                reason="length_mismatch",
                subject="prediction",
            )
        n_ref, n_cur = int(y.size), int(p_cur.size)
        metrics: dict[str, float] = {"n": n_cur, "n_reference": n_ref}
        params: dict[str, Any] = {"assumption": CONCEPT_DRIFT_NOTE}
        if n_ref < self.min_samples:
            finding = Finding(
                self.metric,
                insufficient_status(self.on_insufficient),
                statistic=float(n_ref),
                threshold=float(self.min_samples),
                method="min_samples",
                reason="insufficient_samples",
                message=f"{self.metric}: {n_ref} reference rows < min_samples {self.min_samples}: too "
                "few labelled rows to fit and check a loss model; no estimate made",
            )
            return self._verdict(findings=[finding], metrics=metrics, params=params)
        explicit = self.columns is not None
        if self.columns is None:
            columns = feature_columns(ctx)
        else:
            columns = [self.columns] if isinstance(self.columns, str) else list(self.columns)
        ref, cur = ctx.frame("reference"), ctx.frame("current")
        x_ref, x_cur, is_cat, used, skipped = encode_features(ref, cur, columns)
        if explicit and "missing_column" in skipped.values():
            absent = [c for c, why in skipped.items() if why == "missing_column"]
            raise InputError(
                f"columns {absent} are not in both reference and current.",
                reason="missing_column",
                subject=absent[0],
            )
        x_ref, x_cur = np.column_stack([x_ref, p_ref]), np.column_stack([x_cur, p_cur])
        is_cat = [*is_cat, False]
        loss = row_loss(self.metric, y, p_ref)
        oof, cur_pred = self._fit_loss_model(x_ref, x_cur, loss, is_cat)
        cal = loss_calibration(loss, oof, p_ref, level=NULL_LEVEL, random_state=self.random_state)
        bound = cal.bound if isinstance(self.max_reference_error, str) else float(self.max_reference_error)
        params.update(
            {
                "loss_model": "HistGradientBoostingRegressor",
                "features": used,
                "max_reference_error": bound,
                "max_reference_error_source": "parameter"
                if not isinstance(self.max_reference_error, str)
                else f"null_quantile_{NULL_LEVEL:g}",
                "cv": self.cv,
            }
        )
        if skipped:
            params["features_skipped"] = skipped
        metrics.update({"reference_loss_error": cal.error, "max_reference_error": bound})
        findings = [self._calibration_finding(cal, bound)]
        support = outside_support(ref, cur, columns, p_ref, p_cur, explicit=explicit)
        metrics["outside_share"] = support.share
        findings.append(support_finding(support, self.warn_outside_share))
        if cal.error > bound:
            return self._verdict(
                findings=findings, metrics=metrics, params=params, message=headline(findings)
            )
        main, est = self._estimate(cal, loss, cur_pred, p_cur)
        metrics.update(est)
        findings.insert(0, main)
        return self._verdict(findings=findings, metrics=metrics, params=params, message=headline(findings))

    def _fit_loss_model(
        self, x_ref: np.ndarray, x_cur: np.ndarray, loss: np.ndarray, is_cat: list[bool]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Out-of-fold predicted loss on reference and each fold model's prediction on current,
        shape ``(cv, n_current)``."""
        from sklearn.ensemble import HistGradientBoostingRegressor

        folds = fold_ids(loss.size, self.cv, self.random_state)
        mask = np.asarray(is_cat, dtype=bool) if any(is_cat) else None

        def fit(rows: np.ndarray) -> Any:
            model = HistGradientBoostingRegressor(
                max_iter=100,
                learning_rate=0.1,
                min_samples_leaf=40,
                categorical_features=mask,
                random_state=self.random_state,
            )
            return model.fit(x_ref[rows], loss[rows])

        def predict(model: Any, rows: np.ndarray) -> np.ndarray:
            return np.maximum(model.predict(x_ref[rows]), 0.0)  # type: ignore[no-any-return]

        from threadpoolctl import threadpool_limits

        # OpenMP threads cost far more than they save on small tables (as in MultivariateDriftGate)
        with threadpool_limits(limits=1 if loss.size < 50_000 else 2):
            oof, models = cross_fit_predict(fit, predict, folds)
            cur_pred = np.vstack([np.maximum(m.predict(x_cur), 0.0) for m in models])
        return oof, cur_pred

    def _calibration_finding(self, cal: LossCalibration, bound: float) -> Finding:
        details = {"mean_loss": cal.mean_loss, "deciles": int(cal.edges.size + 1)}
        if cal.error <= bound:
            return Finding(
                "calibration",
                Status.PASS,
                statistic=cal.error,
                threshold=bound,
                method="oof_loss_deciles",
                details=details,
                message=f"calibration: the loss model's out-of-fold relative error {fmt(cal.error)} <= "
                f"{fmt(bound)}",
            )
        return Finding(
            "calibration",
            Status.ERROR,
            statistic=cal.error,
            threshold=bound,
            method="oof_loss_deciles",
            reason="not_calibrated",
            details=details,
            message=f"calibration: the loss model's out-of-fold relative error {fmt(cal.error)} > "
            f"{fmt(bound)}: it does not predict the reference's errors, so no estimate is made",
        )

    def _estimate(
        self, cal: LossCalibration, loss: np.ndarray, cur_pred: np.ndarray, p_cur: np.ndarray
    ) -> tuple[Finding, dict[str, float]]:
        from statistics import NormalDist

        z = NormalDist().inv_cdf((1 + self.confidence) / 2)
        row = cur_pred.mean(axis=0)
        n = row.size
        mean_loss = float(row.mean())
        se_sampling = math.sqrt(float(cal.row_variance(p_cur).sum())) / n
        fold_means = cur_pred.mean(axis=1)
        se_model = float(np.std(fold_means, ddof=1)) if fold_means.size > 1 else 0.0
        se = math.sqrt(se_sampling**2 + se_model**2)
        lo_loss, hi_loss = max(mean_loss - z * se, 0.0), mean_loss + z * se
        mname = self.metric
        estimate = loss_metric(mname, mean_loss)
        lo, hi = loss_metric(mname, lo_loss), loss_metric(mname, hi_loss)
        out = {mname: estimate, f"{mname}_ci_low": lo, f"{mname}_ci_high": hi}
        baseline = diff_ci = None
        if self.max_drop is not None:
            base_loss = float(loss.mean())
            se_base = float(loss.std(ddof=1) / math.sqrt(loss.size))
            baseline = loss_metric(mname, base_loss)
            if mname == "root_mean_squared_error":  # delta method for the square roots
                se_est = se / (2 * estimate) if estimate > 0 else 0.0
                se_b = se_base / (2 * baseline) if baseline > 0 else 0.0
            else:
                se_est, se_b = se, se_base
            d = estimate - baseline
            half = z * math.sqrt(se_est**2 + se_b**2)
            diff_ci = (d - half, d + half)
            out.update(
                {f"baseline_{mname}": baseline, "difference": d, "ci_low": diff_ci[0], "ci_high": diff_ci[1]}
            )
        finding = interval_finding(
            mname,
            estimate=estimate,
            interval=(lo, hi),
            confidence=self.confidence,
            greater_is_better=False,
            min_value=None,
            max_value=self.max_value,
            max_drop=self.max_drop,
            baseline=baseline,
            difference_interval=diff_ci,
            on_insufficient=self.on_insufficient,
            method="direct_loss_estimation",
            details={
                "n": n,
                "se_sampling": se_sampling,
                "se_model": se_model,
                "assumption": CONCEPT_DRIFT_NOTE,
            },
        )
        return finding, out

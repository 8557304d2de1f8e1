"""EmbeddingDriftGate: drift of vectors (embeddings) by a domain classifier, MMD or the
distance between the mean vectors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np

from mlgates.core.context import CheckContext
from mlgates.core.embeddings import embedding_matrix
from mlgates.core.errors import InputError
from mlgates.core.finding import Finding
from mlgates.core.gate import Gate
from mlgates.core.params import (
    MAX_RESAMPLES,
    ON_INSUFFICIENT,
    Interval,
    Options,
    insufficient_status,
    parameter_error,
)
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.gates.drift._domain import Decision, cross_fitted_scores, domain_finding

__all__ = ["EmbeddingDriftGate", "decide_pvalue"]


_METHOD_NAMES = {"classifier": "domain_classifier", "mmd": "empirical_mmd", "mean_distance": "mean_distance"}
#: The MMD kernel matrix is quadratic in the rows: each side is subsampled to this many.
MMD_MAX_SAMPLES = 1000


def decide_pvalue(pvalue: float, threshold: float, warn_threshold: float | None) -> Decision:
    """(status, reason, outcome) of a p-value method: drift when ``pvalue < threshold``.

    >>> decide_pvalue(0.001, 0.01, None)
    Decision(status=<Status.FAIL: 'fail'>, reason='drift_detected', outcome='drift')
    >>> decide_pvalue(0.03, 0.01, 0.05)
    Decision(status=<Status.WARN: 'warn'>, reason='drift_detected', outcome='warn')
    """
    if not np.isfinite(pvalue):
        return Decision(Status.ERROR, "undefined_statistic", "undefined")
    if pvalue < threshold:
        return Decision(Status.FAIL, "drift_detected", "drift")
    if warn_threshold is not None and pvalue < warn_threshold:
        return Decision(Status.WARN, "drift_detected", "warn")
    return Decision(Status.PASS, None, "no_drift")


class EmbeddingDriftGate(Gate):
    """Drift of embeddings (one vector per row) between ``reference`` and ``current``.

    Embeddings are a 2-d array passed as ``reference`` / ``current``, or read from tables: one
    column of vectors (lists or arrays of one length) or several numeric columns
    (:func:`mlgates.core.embeddings.embedding_matrix`). Methods:

    ``"classifier"`` (default)
        A logistic regression on the standardized vectors, cross-fitted over ``cv`` stratified
        folds, scores every row held out; the statistic is the out-of-fold ROC AUC with
        DeLong's interval, and the embeddings drift when the interval's lower bound is above
        ``threshold`` (default 0.55).
    ``"mmd"``
        :func:`mlgates.stats.drift.empirical_mmd` (Gaussian kernel, median bandwidth) with its
        permutation p-value (``n_resamples`` permutations, at most 1,000 rows per side);
        drift when ``p < threshold`` (default 0.01). The interval at ``confidence`` uses the
        bootstrap standard error (:func:`mlgates.stats.embedding.mmd_interval`).
    ``"mean_distance"``
        The Euclidean distance between the mean vectors
        (:func:`mlgates.stats.embedding.mean_distance`), with a permutation p-value and a
        bootstrap interval at ``confidence``; drift when ``p < threshold`` (default 0.01). The
        distance scaled by the reference's spread is in the details.

    Parameters
    ----------
    columns : str or list of str, optional
        The column of vectors, or the numeric columns that form the vectors (tables only);
        by default the table's one column of vectors, else every numeric feature column.
    method : {"classifier", "mmd", "mean_distance"}, default "classifier"
    threshold : float, optional
        The classifier's AUC bound on the interval's lower bound (default 0.55, in [0.5, 1]),
        or the p-value level of the other methods (default 0.01).
    warn_threshold : float, optional
        A laxer level that only WARNs.
    confidence : float, default 0.95
        Level of the intervals.
    cv : int, default 5
        Cross-validation folds of the classifier.
    n_resamples : int, default 200
        Permutations and bootstrap resamples (mmd, mean_distance).
    subsample : int, default 20000
        Each side is subsampled (seeded) to at most this many rows.
    min_samples : int, default 50
        Fewer rows with a vector on a side: ``insufficient_samples``.
    on_insufficient : {"warn", "fail", "error", "skip"}, default "warn"
    random_state : int, default 0
    name, blocking
        See :class:`~mlgates.Gate`.

    Notes
    -----
    Rows without a vector are left out (counted in the details). Vectors of different lengths,
    non-numeric or infinite values are ERROR ``invalid_input``; reference and current vectors of
    different dimensions too. The p-value methods judge significance only; at large samples
    even a slight shift is significant, so read the standardized distance (or use the
    classifier, whose threshold is a material margin). Reason codes: ``drift_detected``,
    ``insufficient_samples``, ``undefined_statistic``, ``invalid_input``, ``missing_column``,
    ``empty_input``, ``missing_input``.

    Examples
    --------
    >>> import numpy as np
    >>> from mlgates import EmbeddingDriftGate
    >>> rng = np.random.default_rng(0)
    >>> ref, cur = rng.normal(0, 1, (400, 16)), rng.normal(0, 1, (400, 16))
    >>> EmbeddingDriftGate(cv=3).check(reference=ref, current=cur).status
    <Status.PASS: 'pass'>
    >>> cur[:, 0] += 1.0  # one direction shifts
    >>> v = EmbeddingDriftGate(method="mean_distance").check(reference=ref, current=cur)
    >>> v.status, v.findings[0].pvalue < 0.01
    (<Status.FAIL: 'fail'>, True)
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "columns": ["columns", None],
        "method": [Options("classifier", "mmd", "mean_distance")],
        "threshold": [Interval("real", 0, 1), None],
        "warn_threshold": [Interval("real", 0, 1), None],
        "confidence": [Interval("real", 0, 1, closed="neither")],
        "cv": [Interval("int", 2, 20)],
        "n_resamples": [Interval("int", 10, MAX_RESAMPLES)],
        "subsample": [Interval("int", 10, None)],
        "min_samples": [Interval("int", 10, None)],
        "on_insufficient": [ON_INSUFFICIENT],
        "random_state": [Interval("int", 0, None)],
    }

    def __init__(
        self,
        *,
        columns: str | Sequence[str] | None = None,
        method: str = "classifier",
        threshold: float | None = None,
        warn_threshold: float | None = None,
        confidence: float = 0.95,
        cv: int = 5,
        n_resamples: int = 200,
        subsample: int = 20_000,
        min_samples: int = 50,
        on_insufficient: str = "warn",
        random_state: int = 0,
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.columns = columns
        self.method = method
        self.threshold = threshold
        self.warn_threshold = warn_threshold
        self.confidence = confidence
        self.cv = cv
        self.n_resamples = n_resamples
        self.subsample = subsample
        self.min_samples = min_samples
        self.on_insufficient = on_insufficient
        self.random_state = random_state

    def _validate_params(self) -> None:
        if self.method != "classifier":
            # a permutation p-value is at least 1 / (n_resamples + 1): with too few resamples
            # no drift, however large, could ever go below the level (a silent PASS)
            floor = 1.0 / (self.n_resamples + 1)
            if floor >= self._threshold():
                need = int(np.ceil(1.0 / self._threshold()))
                raise parameter_error(
                    "EmbeddingDriftGate",
                    "n_resamples",
                    f"large enough that the smallest p-value 1 / (n_resamples + 1) is below "
                    f"threshold={self._threshold():g} with method={self.method!r}",
                    self.n_resamples,
                    f"use n_resamples >= {need} (the default 200 suits threshold 0.01), or raise threshold.",
                )
        if self.method == "classifier":
            for pname in ("threshold", "warn_threshold"):
                value = getattr(self, pname)
                if value is not None and value < 0.5:
                    raise parameter_error(
                        "EmbeddingDriftGate",
                        pname,
                        "an AUC in [0.5, 1] with method='classifier'",
                        value,
                        "use 0.55 (a material margin above chance), or a p-value method.",
                    )

    def required_inputs(self) -> tuple[str, ...]:
        return ("reference", "current")

    def _threshold(self) -> float:
        if self.threshold is not None:
            return float(self.threshold)
        return 0.55 if self.method == "classifier" else 0.01

    def _check(self, ctx: CheckContext) -> Verdict:
        ref, drop_ref, subject = embedding_matrix(ctx, "reference", self.columns)
        cur, drop_cur, _ = embedding_matrix(ctx, "current", self.columns)
        if len(ref) + drop_ref == 0 or len(cur) + drop_cur == 0:
            raise InputError("reference or current has no rows: drift cannot be judged", reason="empty_input")
        if len(ref) and len(cur) and ref.shape[1] != cur.shape[1]:
            raise InputError(
                f"reference vectors have {ref.shape[1]} dimensions but current vectors {cur.shape[1]}",
                reason="invalid_input",
                subject="current",
            )
        rng = np.random.default_rng(self.random_state)
        if len(ref) > self.subsample:
            ref = ref[np.sort(rng.choice(len(ref), self.subsample, replace=False))]
        if len(cur) > self.subsample:
            cur = cur[np.sort(rng.choice(len(cur), self.subsample, replace=False))]
        method = _METHOD_NAMES[self.method]
        details: dict[str, Any] = {
            "n_ref": len(ref),
            "n_cur": len(cur),
            "n_dropped_ref": drop_ref,
            "n_dropped_cur": drop_cur,
            "dimensions": int(ref.shape[1]) if ref.ndim == 2 and ref.size else 0,
        }
        if min(len(ref), len(cur)) < self.min_samples:
            status = insufficient_status(self.on_insufficient)
            msg = (
                f"{subject}: {len(ref):,} reference and {len(cur):,} current vectors (< min_samples "
                f"{self.min_samples}); drift cannot be judged reliably"
            )
            return self._verdict(
                status,
                reason="insufficient_samples",
                message=msg,
                findings=[
                    Finding(
                        subject,
                        status,
                        method=method,
                        reason="insufficient_samples",
                        message=msg,
                        details=details,
                    )
                ],
            )
        if self.method == "classifier":
            finding = self._classifier(subject, ref, cur, details)
        else:
            finding = self._pvalue_method(subject, ref, cur, details)
        metric = {"classifier": "roc_auc", "mmd": "mmd2", "mean_distance": "mean_distance"}[self.method]
        return self._verdict(findings=[finding], metrics={metric: float(finding.statistic or float("nan"))})

    def _classifier(self, subject: str, ref: np.ndarray, cur: np.ndarray, details: dict[str, Any]) -> Finding:
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler
        from threadpoolctl import threadpool_limits

        x = np.vstack((ref, cur))
        y = np.r_[np.zeros(len(ref)), np.ones(len(cur))]

        def fit_predict(train: np.ndarray, test: np.ndarray) -> np.ndarray:
            model = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=1000))
            model.fit(x[train], y[train])
            return np.asarray(model.predict_proba(x[test])[:, 1])

        with threadpool_limits(limits=1):
            oof, n_dup = cross_fitted_scores(x, y, x, fit_predict, cv=self.cv, random_state=self.random_state)
        return domain_finding(
            subject,
            y,
            oof,
            n_dup,
            threshold=self._threshold(),
            warn_threshold=self.warn_threshold,
            confidence=self.confidence,
            cv=self.cv,
            model="StandardScaler + LogisticRegression(C=1)",
            method="domain_classifier",
            what="logistic classifier",
            details=details,
        )

    def _pvalue_method(
        self, subject: str, ref: np.ndarray, cur: np.ndarray, details: dict[str, Any]
    ) -> Finding:
        from mlgates.stats.drift import empirical_mmd
        from mlgates.stats.embedding import mean_distance, mmd_interval

        thr = self._threshold()
        if self.method == "mmd":
            mu, sd = ref.mean(axis=0), ref.std(axis=0)
            sd[sd == 0] = 1.0
            # subsampled here (seeded), so the test and the interval see the same rows
            rng = np.random.default_rng(self.random_state)
            sides = []
            for side in ((ref - mu) / sd, (cur - mu) / sd):
                if len(side) > MMD_MAX_SAMPLES:
                    side = side[np.sort(rng.choice(len(side), MMD_MAX_SAMPLES, replace=False))]
                sides.append(side)
            res = empirical_mmd(
                sides[0],
                sides[1],
                n_permutations=self.n_resamples,
                max_samples=MMD_MAX_SAMPLES,
                random_state=self.random_state,
            )
            iv = mmd_interval(
                sides[0],
                sides[1],
                n_resamples=self.n_resamples,
                confidence=self.confidence,
                random_state=self.random_state,
            )
            stat, p = float(res.statistic), float(res.pvalue if res.pvalue is not None else np.nan)
            details.update(
                max_samples=MMD_MAX_SAMPLES,
                standardized_by="reference",
                ci_low=iv.ci_low,
                ci_high=iv.ci_high,
                se=iv.se,
                confidence=self.confidence,
            )
            what = f"MMD^2 {stat:.4g} ({self.confidence:.0%} interval {iv.ci_low:.4g}-{iv.ci_high:.4g})"
        else:
            dist = mean_distance(
                ref,
                cur,
                n_resamples=self.n_resamples,
                confidence=self.confidence,
                random_state=self.random_state,
            )
            stat, p = dist.statistic, dist.pvalue
            details.update(
                ci_low=dist.ci_low,
                ci_high=dist.ci_high,
                confidence=self.confidence,
                standardized=dist.standardized,
            )
            what = (
                f"distance of the means {stat:.4g} ({self.confidence:.0%} interval {dist.ci_low:.4g}-"
                f"{dist.ci_high:.4g}; {dist.standardized:.3f} of the reference's spread)"
            )
        status, reason, outcome = decide_pvalue(p, thr, self.warn_threshold)
        details.update(direction="pvalue < threshold", n_resamples=self.n_resamples)
        level = self.warn_threshold if status is Status.WARN else thr
        verb = {"drift": "drift detected", "warn": "drift at warning level", "no_drift": "no drift"}.get(
            outcome, "undefined"
        )
        cmp = "<" if outcome in ("drift", "warn") else ">="
        return Finding(
            subject,
            status,
            statistic=stat,
            pvalue=p if np.isfinite(p) else None,
            threshold=level,
            method=_METHOD_NAMES[self.method],
            reason=reason,
            message=f"{subject}: {verb}: {what}, permutation p={p:.3g} {cmp} {level:g}",
            details=details,
        )

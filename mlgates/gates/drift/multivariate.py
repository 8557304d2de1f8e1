"""MultivariateDriftGate: can a classifier tell reference rows from current rows?"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np

from mlgates.core._text import pluralize
from mlgates.core.context import CheckContext
from mlgates.core.finding import Finding
from mlgates.core.gate import Gate
from mlgates.core.params import (
    ON_INSUFFICIENT,
    Interval,
    Options,
    insufficient_status,
    parameter_error,
)
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.gates._columns import (
    UNSUPPORTED_KINDS,
    column_kind,
    missing_column_hint,
    select_columns,
    unsupported_dtype_finding,
)
from mlgates.gates.drift._decide import DECISIONS
from mlgates.gates.drift._domain import fold_ids as _fold_ids
from mlgates.gates.drift._domain import material_auc_finding
from mlgates.gates.drift._encoding import encode as _encode

__all__ = ["MultivariateDriftGate"]

#: Permutations of the MMD test (``empirical_mmd``'s default) and its smallest p-value.
MMD_PERMUTATIONS = 200
MMD_SMALLEST_PVALUE = 1.0 / (1 + MMD_PERMUTATIONS)
#: How the classifier's AUC is tested against 0.5 (``details["pvalue_method"]``).
AUC_TEST = "mean of the folds' held-out AUCs, Mann-Whitney null variance per fold"


class MultivariateDriftGate(Gate):
    """Drift of the joint distribution: a domain classifier, or MMD with a permutation test.

    ``method="classifier"`` trains a gradient-boosted classifier
    (``HistGradientBoostingClassifier``, seeded) to tell reference rows from current rows with
    stratified ``cv``-fold cross-validation; the statistic is the held-out ROC AUC averaged
    over the folds (0.5 means indistinguishable). Drift needs both: the AUC is significant
    (one-sided ``p < alpha`` against 0.5, from the null variance of each fold's Mann-Whitney
    statistic, :func:`mlgates.stats.crossval.cv_auc_test`) and material (``AUC >= threshold``,
    default 0.55). So identical samples of a few hundred rows flag drift at most ``alpha`` of
    the time, and the finding records the smallest AUC the data could show as significant.
    The features that separate the two samples most are ranked by permutation importance
    (drop in AUC) on the first fold's held-out rows, on at most ``max_importance_columns``
    candidate columns, and listed in the finding. ``method="mmd"`` computes
    :func:`mlgates.stats.drift.empirical_mmd` on the numeric columns standardized by the
    reference (drift when the permutation p-value ``< threshold``, default 0.05).

    Parameters
    ----------
    columns : str or list of str, optional
        Columns to use; all feature columns of ``current`` by default.
    method : {"classifier", "mmd"}, default "classifier"
    threshold : float, optional
        AUC bound (classifier, default 0.55, in (0.5, 1]) or alpha (mmd, default 0.05, in
        (0, 1)).
    warn_threshold : float, optional
        Laxer level that only WARNs (a smaller AUC bound; a larger mmd alpha).
    alpha : float, default 0.05
        Significance level of the classifier's AUC test, in (0, 1).
    decision : {"point", "material"}, default "point"
        ``"point"``: drift when the AUC is significant and at least ``threshold``.
        ``"material"`` (classifier): drift only when the AUC is significant **and** the lower end
        of its interval is above ``threshold``; no drift when the whole interval is below it;
        otherwise the data cannot tell (``drift_inconclusive``, with ``on_insufficient``'s
        status), as :class:`~mlgates.DriftGate`'s ``decision="material"``. The interval is
        DeLong's variance of the pooled held-out scores, on the logit scale around the mean
        fold AUC (``details["interval"]``).
    confidence : float, default 0.95
        Level of the AUC's interval with ``decision="material"``.
    cv : int, default 5
        Cross-validation folds of the classifier.
    subsample : int, default 50000
        Each side is subsampled (seeded, without replacement) to at most this many rows; the
        number used is recorded. (``max_rows=`` is a deprecated alias: ``max_<stat>`` names
        bounds that fail.)
    n_top_features : int, default 5
    max_importance_columns : int, default 50
        Permutation importance permutes at most this many columns (those that separate the
        samples most on their own), so wide tables cost no more than narrow ones; recorded in
        ``details["importance"]``.
    min_samples : int, default 50
        Fewer rows on either side is ``insufficient_samples``.
    on_insufficient : {"warn", "fail", "error", "skip"}, default "warn"
    random_state : int, default 0
    name, blocking
        See :class:`~mlgates.Gate`.

    Notes
    -----
    By default the columns both tables share are used; a column in only one table is a SKIP
    finding (``column_only_in_current`` / ``column_only_in_reference``); a listed column that
    is absent is an ERROR (``missing_column``). Columns with no finite, non-missing value on
    either side, and columns with more than 255 categories, are left out
    (``details["skipped_columns"]``, reasons in ``details["skipped_reasons"]``). Copies of one
    row are kept together in balanced folds (``details["duplicate_rows"]`` counts them), so
    identical samples give an AUC near 0.5.

    Reason codes: ``drift_detected``, ``drift_inconclusive`` (``decision="material"``),
    ``insufficient_samples``, ``empty_input``,
    ``missing_column``, ``all_missing`` (no usable column has a value), ``duplicate_columns``,
    ``nothing_to_check``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from mlgates import MultivariateDriftGate
    >>> rng = np.random.default_rng(0)
    >>> ref = pd.DataFrame({"a": rng.normal(0, 1, 300), "b": rng.normal(0, 1, 300)})
    >>> cur = pd.DataFrame({"a": rng.normal(0, 1, 300), "b": rng.normal(1.5, 1, 300)})
    >>> v = MultivariateDriftGate(cv=3).check(reference=ref, current=cur)
    >>> v.status, v.findings[0].details["top_features"][0]["feature"]
    (<Status.FAIL: 'fail'>, 'b')
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "columns": ["columns", None],
        "method": [Options("classifier", "mmd")],
        "threshold": [Interval("real", 0, 1), None],
        "warn_threshold": [Interval("real", 0, 1), None],
        "alpha": [Interval("real", 0, 1, closed="neither")],
        "decision": [Options(*DECISIONS)],
        "confidence": [Interval("real", 0, 1, closed="neither")],
        "cv": [Interval("int", 2, 20)],
        "subsample": [Interval("int", 10, None)],
        "n_top_features": [Interval("int", 0, None)],
        "max_importance_columns": [Interval("int", 1, None)],
        "min_samples": [Interval("int", 2, None)],
        "on_insufficient": [ON_INSUFFICIENT],
        "random_state": [Interval("int", 0, None)],
    }
    _renamed_parameters: ClassVar[dict[str, str]] = {"max_rows": "subsample"}

    def __init__(
        self,
        *,
        columns: str | Sequence[str] | None = None,
        method: str = "classifier",
        threshold: float | None = None,
        warn_threshold: float | None = None,
        alpha: float = 0.05,
        decision: str = "point",
        confidence: float = 0.95,
        cv: int = 5,
        subsample: int = 50_000,
        n_top_features: int = 5,
        max_importance_columns: int = 50,
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
        self.alpha = alpha
        self.decision = decision
        self.confidence = confidence
        self.cv = cv
        self.subsample = subsample
        self.n_top_features = n_top_features
        self.max_importance_columns = max_importance_columns
        self.min_samples = min_samples
        self.on_insufficient = on_insufficient
        self.random_state = random_state

    def _validate_params(self) -> None:
        owner = "MultivariateDriftGate"
        thr, warn = self.threshold, self.warn_threshold
        if self.method == "classifier":
            for pname, value in (("threshold", thr), ("warn_threshold", warn)):
                if value is not None and not 0.5 < value <= 1:
                    raise parameter_error(
                        owner,
                        pname,
                        "an AUC bound in (0.5, 1] for method='classifier' (0.5 or less flags any pair "
                        "of samples)",
                        value,
                        f"pass e.g. {pname}=0.55.",
                    )
            if warn is not None and not warn < (0.55 if thr is None else thr):
                raise parameter_error(owner, "warn_threshold", "below threshold (a laxer AUC bound)", warn)
        else:
            if self.decision == "material":
                raise parameter_error(
                    owner,
                    "decision",
                    "'point' with method='mmd' (a permutation test has no interval on a material size)",
                    self.decision,
                    "use method='classifier' (the AUC has an interval) or decision='point'.",
                )
            for pname, value in (("threshold", thr), ("warn_threshold", warn)):
                if value is not None and not 0 < value < 1:
                    raise parameter_error(
                        owner, pname, "a significance level in (0, 1) for method='mmd'", value
                    )
                if value is not None and value <= MMD_SMALLEST_PVALUE:
                    # the permutation p-value is at least 1 / (1 + permutations): a level at or
                    # below it could never flag drift
                    raise parameter_error(
                        owner,
                        pname,
                        f"above {MMD_SMALLEST_PVALUE:.4f}, the smallest p-value of the MMD permutation "
                        f"test ({MMD_PERMUTATIONS} permutations), or drift could never be flagged",
                        value,
                        f"pass e.g. {pname}=0.01.",
                    )
            if warn is not None and not warn > (0.05 if thr is None else thr):
                raise parameter_error(owner, "warn_threshold", "above threshold (a laxer alpha)", warn)

    def required_inputs(self) -> tuple[str, ...]:
        return ("reference", "current")

    def _check(self, ctx: CheckContext) -> Verdict:
        ref, cur = ctx.frame("reference"), ctx.frame("current")
        select_columns(ref, None)  # duplicate names are an InputError naming them
        select_columns(cur, None)
        empty = [s for s, f in (("reference", ref), ("current", cur)) if len(f) == 0]
        if empty:
            return self._verdict(
                Status.ERROR,
                reason="empty_input",
                message=f"{' and '.join(empty)} has no rows: drift cannot be judged",
            )
        unshared: list[Finding] = []
        if self.columns is None:
            names = [c for c in ctx.features("current").columns if c in ref.columns]
            for side, frame, other in (
                ("current", ctx.features("current"), ref),
                ("reference", ctx.features("reference"), cur),
            ):
                unshared.extend(
                    Finding(
                        str(c),
                        Status.SKIP,
                        reason=f"column_only_in_{side}",
                        message=f"{c}: column only in {side}; not used",
                    )
                    for c in frame.columns
                    if c not in other.columns
                )
        else:
            names = select_columns(cur, self.columns)
        absent = [c for c in names if c not in ref.columns or c not in cur.columns]
        if absent:
            return self._verdict(
                findings=[
                    Finding(
                        str(c),
                        Status.ERROR,
                        reason="missing_column",
                        message=f"{c}: column not found in "
                        + ("reference" if c not in ref.columns else "current")
                        + missing_column_hint(c, ref.columns if c not in ref.columns else cur.columns),
                    )
                    for c in absent
                ]
            )
        rng = np.random.default_rng(self.random_state)
        r_idx = (
            np.sort(rng.choice(len(ref), self.subsample, replace=False))
            if len(ref) > self.subsample
            else None
        )
        c_idx = (
            np.sort(rng.choice(len(cur), self.subsample, replace=False))
            if len(cur) > self.subsample
            else None
        )
        r = ref[names] if r_idx is None else ref[names].iloc[r_idx]
        c = cur[names] if c_idx is None else cur[names].iloc[c_idx]
        n_ref, n_cur = len(r), len(c)
        details: dict[str, Any] = {
            "n_ref": n_ref,
            "n_cur": n_cur,
            "subsampled": r_idx is not None or c_idx is not None,
        }
        method = "empirical_mmd" if self.method == "mmd" else "domain_classifier"
        if min(n_ref, n_cur) < self.min_samples:
            what = (
                "the MMD permutation test has too few rows to detect a shift reliably"
                if self.method == "mmd"
                else "a domain classifier cannot be trained and validated reliably"
            )
            return self._verdict(
                insufficient_status(self.on_insufficient),
                reason="insufficient_samples",
                findings=[
                    Finding(
                        "dataset",
                        insufficient_status(self.on_insufficient),
                        method=method,
                        reason="insufficient_samples",
                        details=details,
                        message=f"{n_ref} reference and {n_cur} current rows (< {self.min_samples}): {what}",
                    )
                ],
            )
        x, used, skipped, is_cat = _encode(r, c, names)
        details.update(columns=used, skipped_columns=list(skipped), skipped_reasons=skipped)
        listed = self.columns is not None
        screens = [  # one finding per column of an unsupported kind: SKIP, or ERROR when listed
            unsupported_dtype_finding(
                col, r[col] if column_kind(r[col]) in UNSUPPORTED_KINDS else c[col], explicit=listed
            )
            for col in names
            if column_kind(r[col]) in UNSUPPORTED_KINDS or column_kind(c[col]) in UNSUPPORTED_KINDS
        ]
        verdict = self._judge_encoded(x, used, skipped, is_cat, details, method, n_ref, n_cur)
        if screens:
            status = Status.worst([verdict.status, *(f.status for f in screens)])
            verdict = verdict.replace(
                status=status,
                findings=(*verdict.findings, *screens),
                reason=verdict.reason if status is verdict.status else "unsupported_dtype",
            )
        if unshared:  # columns in only one table: SKIP findings, not used, said in the message
            verdict = verdict.replace(
                findings=(*verdict.findings, *unshared),
                message=f"{verdict.message}; {pluralize(len(unshared), 'column')} in only one table, "
                "not used",
            )
        return verdict

    def _judge_encoded(
        self,
        x: np.ndarray,
        used: list[str],
        skipped: dict[str, str],
        is_cat: list[bool],
        details: dict[str, Any],
        method: str,
        n_ref: int,
        n_cur: int,
    ) -> Verdict:
        if not used:
            missing = [col for col, why in skipped.items() if why == "all_missing"]
            if missing:
                return self._verdict(
                    Status.ERROR,
                    reason="all_missing",
                    message=f"no non-missing values in {', '.join(missing[:10])} on either side; "
                    "the joint distribution cannot be compared",
                    findings=[
                        Finding(
                            "dataset",
                            Status.ERROR,
                            method=method,
                            reason="all_missing",
                            details=details,
                            message=f"no usable columns: {', '.join(missing[:10])} "
                            "have no non-missing value on either side",
                        )
                    ],
                )
            return self._verdict(Status.SKIP, reason="nothing_to_check", message="no usable columns")
        y = np.concatenate((np.zeros(n_ref), np.ones(n_cur)))
        if self.method == "mmd":
            verdict = self._mmd(x, y, used, details)
        else:
            verdict = self._classifier(x, y, used, details, is_cat)
        return verdict

    def _decide(
        self, value: float, thr: float, higher_is_drift: bool, significant: bool = True
    ) -> tuple[Status, str | None]:
        warn = self.warn_threshold
        hit = significant and (value >= thr if higher_is_drift else value < thr)
        soft = significant and warn is not None and (value >= warn if higher_is_drift else value < warn)
        if hit:
            return Status.FAIL, "drift_detected"
        return (Status.WARN, "drift_detected") if soft else (Status.PASS, None)

    def _classifier(
        self, x: np.ndarray, y: np.ndarray, used: list[str], details: dict[str, Any], is_cat: list[bool]
    ) -> Verdict:

        from threadpoolctl import threadpool_limits

        # OpenMP threads cost far more than they save on small tables (20x CPU at 1k rows)
        with threadpool_limits(limits=1 if y.size < 50_000 else 2):
            return self._fit_folds(x, y, used, details, is_cat)

    def _fit_folds(
        self, x: np.ndarray, y: np.ndarray, used: list[str], details: dict[str, Any], is_cat: list[bool]
    ) -> Verdict:
        from sklearn.ensemble import HistGradientBoostingClassifier

        from mlgates.gates.drift._importance import top_features
        from mlgates.stats.crossval import cv_auc_test

        fold, n_dup = _fold_ids(x, y, self.cv, self.random_state)
        details.update(duplicate_rows=n_dup)
        oof = np.empty(y.size)
        top: list[dict[str, Any]] | None = None
        for i in range(self.cv):
            test = np.flatnonzero(fold == i)
            train = np.flatnonzero(fold != i)
            if test.size == 0:
                continue
            model = HistGradientBoostingClassifier(
                max_iter=100,
                early_stopping=False,
                categorical_features=np.asarray(is_cat, dtype=bool) if any(is_cat) else None,
                random_state=self.random_state,
            )
            model.fit(x[train], y[train])
            oof[test] = model.predict_proba(x[test])[:, 1]
            if top is None and self.n_top_features and np.unique(y[test]).size == 2:
                top, record = top_features(
                    model,
                    x[test],
                    y[test],
                    used,
                    n_top=self.n_top_features,
                    max_columns=self.max_importance_columns,
                    random_state=self.random_state,
                )
                details.update(importance=record)
        test_result = cv_auc_test(y, oof, fold)
        auc = test_result.auc
        thr = 0.55 if self.threshold is None else float(self.threshold)
        significant = bool(test_result.pvalue < self.alpha)
        top = top or []
        material = self.decision == "material"
        details.update(
            top_features=top,
            cv=self.cv,
            direction=(
                "interval low > threshold and pvalue < alpha"
                if material
                else "statistic >= threshold and pvalue < alpha"
            ),
            model="HistGradientBoostingClassifier(max_iter=100)",
            alpha=self.alpha,
            fold_aucs=list(test_result.fold_aucs),
            null_se=test_result.se,
        )
        if material:
            details.update(pvalue_method=AUC_TEST)
            finding = material_auc_finding(
                auc,
                test_result.pvalue,
                y,
                oof,
                threshold=thr,
                warn_threshold=self.warn_threshold,
                confidence=self.confidence,
                alpha=self.alpha,
                insufficient=insufficient_status(self.on_insufficient),
                details=details,
            )
        else:
            finding = self._point_finding(auc, thr, significant, test_result, y, oof, details)
        if top and finding.status is not Status.PASS:
            names = ", ".join(t["feature"] for t in top[:3])
            finding = finding.replace(message=f"{finding.message}; most separating: {names}")
        return self._verdict(findings=[finding], metrics={"roc_auc": auc}, message=finding.message)

    def _point_finding(
        self,
        auc: float,
        thr: float,
        significant: bool,
        test_result: Any,
        y: np.ndarray,
        oof: np.ndarray,
        details: dict[str, Any],
    ) -> Finding:
        """``decision="point"``: drift when the AUC is significant and at least ``thr``."""
        from sklearn.metrics import roc_auc_score

        status, reason = self._decide(auc, thr, higher_is_drift=True, significant=significant)
        detectable = test_result.detectable(self.alpha)
        details.update(
            detectable_auc=detectable, pooled_auc=float(roc_auc_score(y, oof)), pvalue_method=AUC_TEST
        )
        verb = {Status.FAIL: "drift detected", Status.WARN: "drift at warning level"}.get(status, "no drift")
        bound = (
            float(self.warn_threshold) if status is Status.WARN and self.warn_threshold is not None else thr
        )
        p = test_result.pvalue
        msg = (
            f"domain classifier: {verb} (ROC AUC {auc:.3f} {'>=' if auc >= bound else '<'} "
            f"{bound:g}; p={p:.3g} {'<' if significant else '>='} {self.alpha:g}"
        )
        if not significant:
            msg += f"; these sizes detect AUC >= {detectable:.3f}"
        msg += ")"
        return Finding(
            "dataset",
            status,
            statistic=auc,
            pvalue=p,
            threshold=bound,
            method="domain_classifier",
            reason=reason,
            message=msg,
            details=details,
        )

    def _mmd(self, x: np.ndarray, y: np.ndarray, used: list[str], details: dict[str, Any]) -> Verdict:
        from mlgates.stats.drift import empirical_mmd

        ref, cur = x[y == 0], x[y == 1]
        keep = ~(np.isnan(ref).any(axis=1))
        keep_c = ~(np.isnan(cur).any(axis=1))
        ref, cur = ref[keep], cur[keep_c]
        if min(len(ref), len(cur)) < self.min_samples:
            status = insufficient_status(self.on_insufficient)
            msg = (
                f"MMD: {len(ref)} reference and {len(cur)} current rows without missing values "
                f"(< {self.min_samples}); impute or select columns, or use method='classifier'"
            )
            return self._verdict(
                status,
                reason="insufficient_samples",
                message=msg,
                findings=[
                    Finding(
                        "dataset",
                        status,
                        method="empirical_mmd",
                        reason="insufficient_samples",
                        message=msg,
                        details=details,
                    )
                ],
            )
        mu, sd = ref.mean(axis=0), ref.std(axis=0)
        sd[sd == 0] = 1.0
        res = empirical_mmd(
            (ref - mu) / sd, (cur - mu) / sd, n_permutations=MMD_PERMUTATIONS, random_state=self.random_state
        )
        thr = 0.05 if self.threshold is None else float(self.threshold)
        status, reason = self._decide(float(res.pvalue or 0.0), thr, higher_is_drift=False)
        details.update(
            direction="pvalue < threshold",
            rows_with_missing_dropped=int((~keep).sum() + (~keep_c).sum()),
            max_samples=1000,
        )
        verb = {Status.FAIL: "drift detected", Status.WARN: "drift at warning level"}.get(status, "no drift")
        bound = (
            float(self.warn_threshold) if status is Status.WARN and self.warn_threshold is not None else thr
        )
        level = "warning level" if status is Status.WARN else "alpha"
        msg = f"MMD: {verb} (MMD^2 {res.statistic:.4g}, permutation p={res.pvalue:.3g}, {level} {bound:g})"
        finding = Finding(
            "dataset",
            status,
            statistic=res.statistic,
            pvalue=res.pvalue,
            threshold=bound,
            method="empirical_mmd",
            reason=reason,
            message=msg,
            details=details,
        )
        return self._verdict(findings=[finding], metrics={"mmd2": float(res.statistic)}, message=msg)

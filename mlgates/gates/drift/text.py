"""TextDriftGate: drift of a free-text column, by a cross-fitted TF-IDF domain classifier."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from mlgates.core.context import CheckContext
from mlgates.core.errors import InputError
from mlgates.core.finding import Finding
from mlgates.core.gate import Gate
from mlgates.core.params import ON_INSUFFICIENT, Interval, insufficient_status
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.gates._columns import (
    UNSUPPORTED_KINDS,
    column_kind,
    is_text_like,
    missing_column_hint,
    missing_mask,
    select_columns,
    unsupported_dtype_finding,
)
from mlgates.gates.drift._domain import cross_fitted_scores, domain_finding

__all__ = ["TextDriftGate"]

#: Words kept by the vectorizer (most frequent in the training rows).
MAX_TERMS = 50_000
#: Characters of a term shown in the details.
MAX_TERM_CHARS = 30
_MODEL = "TfidfVectorizer(sublinear_tf=True, min_df=2) + LogisticRegression(C=1)"


def _vectorizer() -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(sublinear_tf=True, min_df=2, max_features=MAX_TERMS, dtype=np.float64)


def _classifier(seed: int) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=1.0, max_iter=1000, solver="liblinear", random_state=seed)


class TextDriftGate(Gate):
    """Drift of free-text columns: can a bag-of-words classifier tell current texts from
    reference texts?

    For each text column, a TF-IDF vectorizer (word unigrams, sublinear term frequency, words
    in at least two training texts) and a logistic regression are fitted on ``cv - 1`` folds
    and score the held-out fold (stratified, seeded; the vectorizer learns its vocabulary from
    the training folds only, and copies of one text are dealt to the folds in proportion).
    The statistic is the out-of-fold ROC AUC (0.5: indistinguishable) with DeLong's interval
    at ``confidence``; the column drifts when the interval's **lower bound** is above
    ``threshold`` (0.55: the samples are told apart by a material margin, not by chance). The
    words that separate the samples most (a model fitted on all rows) are in the details,
    never in the message.

    Parameters
    ----------
    columns : str or list of str, optional
        Text columns to judge; by default every string column of ``current`` (also in
        ``reference``) whose values are mostly distinct (free text, not categories).
    threshold : float, default 0.55
        AUC bound on the interval's lower bound, in [0.5, 1].
    warn_threshold : float, optional
        A laxer bound that only WARNs.
    confidence : float, default 0.95
        Level of the AUC interval (its lower bound is a one-sided bound at
        ``(1 + confidence) / 2``).
    cv : int, default 5
        Cross-validation folds.
    subsample : int, default 20000
        Each side is subsampled (seeded) to at most this many texts.
    n_top_features : int, default 10
        Separating words listed per side in the details (0: none, and no final fit).
    min_samples : int, default 50
        Fewer non-missing texts on a side: ``insufficient_samples``.
    on_insufficient : {"warn", "fail", "error", "skip"}, default "warn"
    random_state : int, default 0
    name, blocking
        See :class:`~mlgates.Gate`.

    Notes
    -----
    Missing texts are left out (counted in the details). Texts without a word of two letters
    or more carry no signal; when no fold has a vocabulary the AUC is 0.5. Under the null
    (both samples from one source) the cross-fitted AUC is at or slightly below 0.5, so a
    random split passes. Reason codes: ``drift_detected``, ``insufficient_samples``,
    ``undefined_statistic``, ``unsupported_dtype``, ``missing_column``, ``empty_input``,
    ``duplicate_columns``, ``missing_input``, ``nothing_to_check``.

    Examples
    --------
    >>> from mlgates import TextDriftGate
    >>> from mlgates.datasets import load_kjv_verses
    >>> verses = load_kjv_verses()
    >>> proverbs, acts = verses[verses.book == "Proverbs"], verses[verses.book == "Acts"]
    >>> v = TextDriftGate(columns="text", cv=3).check(reference=proverbs, current=acts)
    >>> v.status, v.findings[0].details["ci_low"] > 0.9
    (<Status.FAIL: 'fail'>, True)
    >>> shuffled = verses.sample(frac=1.0, random_state=1)
    >>> TextDriftGate(columns="text", cv=3).check(reference=shuffled[:600], current=shuffled[600:]).status
    <Status.PASS: 'pass'>
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "columns": ["columns", None],
        "threshold": [Interval("real", 0.5, 1)],
        "warn_threshold": [Interval("real", 0.5, 1), None],
        "confidence": [Interval("real", 0, 1, closed="neither")],
        "cv": [Interval("int", 2, 20)],
        "subsample": [Interval("int", 10, None)],
        "n_top_features": [Interval("int", 0, None)],
        "min_samples": [Interval("int", 10, None)],
        "on_insufficient": [ON_INSUFFICIENT],
        "random_state": [Interval("int", 0, None)],
    }

    def __init__(
        self,
        *,
        columns: str | Sequence[str] | None = None,
        threshold: float = 0.55,
        warn_threshold: float | None = None,
        confidence: float = 0.95,
        cv: int = 5,
        subsample: int = 20_000,
        n_top_features: int = 10,
        min_samples: int = 50,
        on_insufficient: str = "warn",
        random_state: int = 0,
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.columns = columns
        self.threshold = threshold
        self.warn_threshold = warn_threshold
        self.confidence = confidence
        self.cv = cv
        self.subsample = subsample
        self.n_top_features = n_top_features
        self.min_samples = min_samples
        self.on_insufficient = on_insufficient
        self.random_state = random_state

    def required_inputs(self) -> tuple[str, ...]:
        return ("reference", "current")

    def _check(self, ctx: CheckContext) -> Verdict:
        ref, cur = ctx.frame("reference"), ctx.frame("current")
        select_columns(ref, None)  # duplicate names are an InputError naming them
        select_columns(cur, None)
        empty = [s for s, f in (("reference", ref), ("current", cur)) if len(f) == 0]
        if empty:
            raise InputError(
                f"{' and '.join(empty)} has no rows: drift cannot be judged", reason="empty_input"
            )
        findings: list[Finding] = []
        explicit = self.columns is not None
        names = select_columns(cur, self.columns) if explicit else self._default_columns(ctx, ref, cur)
        for col in names:
            if col not in cur.columns or col not in ref.columns:
                frame, side = (cur, "current") if col not in cur.columns else (ref, "reference")
                findings.append(
                    Finding(
                        str(col),
                        Status.ERROR,
                        method="tfidf_classifier",
                        reason="missing_column",
                        message=f"{col}: column not found in {side}{missing_column_hint(col, frame.columns)}",
                    )
                )
                continue
            kinds = (column_kind(ref[col]), column_kind(cur[col]))
            bad = [k for k in kinds if k in UNSUPPORTED_KINDS]
            if bad:
                series = ref[col] if kinds[0] in UNSUPPORTED_KINDS else cur[col]
                findings.append(
                    unsupported_dtype_finding(col, series, explicit=explicit, method="tfidf_classifier")
                )
                continue
            if any(k not in ("string", "categorical", "object") for k in kinds):
                findings.append(
                    Finding(
                        str(col),
                        Status.ERROR,
                        method="tfidf_classifier",
                        reason="unsupported_dtype",
                        message=f"{col}: {kinds[0]}/{kinds[1]} column is not text (needs strings)",
                        details={"kind": kinds[1]},
                    )
                )
                continue
            findings.append(self._judge(col, ref[col], cur[col]))
        if not findings:
            return self._verdict(Status.SKIP, reason="nothing_to_check", message="no text column to judge")
        aucs = [f.statistic for f in findings if f.statistic is not None]
        return self._verdict(
            findings=findings,
            metrics={
                "max_roc_auc": max(aucs) if aucs else float("nan"),
                "n_drifted": sum(f.status is Status.FAIL for f in findings),
            },
        )

    def _default_columns(self, ctx: CheckContext, ref: pd.DataFrame, cur: pd.DataFrame) -> list[Any]:
        out = []
        for col in ctx.features("current").columns:
            if col not in ref.columns:
                continue
            kind = column_kind(cur[col])
            if kind in UNSUPPORTED_KINDS:
                out.append(col)  # reported as unsupported_dtype (SKIP), never silently left out
                continue
            values = cur[col][~missing_mask(cur[col])]
            if is_text_like(kind, int(values.nunique()), len(values)):
                out.append(col)
        return out

    def _judge(self, col: Any, ref: pd.Series, cur: pd.Series) -> Finding:
        from threadpoolctl import threadpool_limits

        rng = np.random.default_rng(self.random_state)
        texts = []
        counts = {}
        for side, series in (("ref", ref), ("cur", cur)):
            keep = ~missing_mask(series)
            values = series[keep].astype(str).to_numpy(dtype=object)
            counts[f"n_missing_{side}"] = int((~keep).sum())
            if len(values) > self.subsample:
                values = values[np.sort(rng.choice(len(values), self.subsample, replace=False))]
            texts.append(values)
        n_ref, n_cur = len(texts[0]), len(texts[1])
        details: dict[str, Any] = {"n_ref": n_ref, "n_cur": n_cur, **counts}
        if min(n_ref, n_cur) < self.min_samples:
            return Finding(
                str(col),
                insufficient_status(self.on_insufficient),
                threshold=self.threshold,
                method="tfidf_classifier",
                reason="insufficient_samples",
                message=f"{col}: {n_ref:,} reference and {n_cur:,} current texts (< min_samples "
                f"{self.min_samples}); a classifier cannot be trained and validated reliably",
                details=details,
            )
        pooled = np.concatenate(texts)
        y = np.r_[np.zeros(n_ref), np.ones(n_cur)]
        with threadpool_limits(limits=1):
            oof, n_dup = cross_fitted_scores(
                pooled,
                y,
                pooled[:, None],
                lambda train, test: self._fit_predict(pooled, y, train, test),
                cv=self.cv,
                random_state=self.random_state,
            )
            top = self._top_terms(pooled, y) if self.n_top_features else {}
        return domain_finding(
            str(col),
            y,
            oof,
            n_dup,
            threshold=self.threshold,
            warn_threshold=self.warn_threshold,
            confidence=self.confidence,
            cv=self.cv,
            model=_MODEL,
            method="tfidf_classifier",
            what="TF-IDF classifier",
            details=details,
            top_terms=top,
        )

    def _fit_predict(
        self, texts: np.ndarray, y: np.ndarray, train: np.ndarray, test: np.ndarray
    ) -> np.ndarray:
        vec = _vectorizer()
        try:
            xt = vec.fit_transform(texts[train])
        except ValueError:  # no word in the training texts: no information
            return np.full(test.size, 0.5)
        model = _classifier(self.random_state).fit(xt, y[train])
        return np.asarray(model.predict_proba(vec.transform(texts[test]))[:, 1])

    def _top_terms(self, texts: np.ndarray, y: np.ndarray) -> dict[str, list[dict[str, Any]]]:
        vec = _vectorizer()
        try:
            x = vec.fit_transform(texts)
        except ValueError:
            return {}
        coef = _classifier(self.random_state).fit(x, y).coef_[0]
        terms = vec.get_feature_names_out()
        order = np.argsort(coef, kind="stable")
        k = self.n_top_features

        def shown(idx: np.ndarray) -> list[dict[str, Any]]:
            return [{"term": str(terms[j])[:MAX_TERM_CHARS], "weight": round(float(coef[j]), 4)} for j in idx]

        return {
            "current": shown(order[::-1][:k][coef[order[::-1][:k]] > 0]),
            "reference": shown(order[:k][coef[order[:k]] < 0]),
        }

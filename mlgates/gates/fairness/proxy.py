"""ProxyGate: features that predict a sensitive attribute (bias through the back door)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from mlgates.core import inputs
from mlgates.core.context import CheckContext
from mlgates.core.finding import Finding
from mlgates.core.gate import Gate
from mlgates.core.params import (
    MAX_RESAMPLES,
    ON_INSUFFICIENT,
    Interval,
    Options,
    insufficient_status,
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
from mlgates.gates._decision import Decision

__all__ = ["Decision", "ProxyFacts", "ProxyGate", "decide_proxy"]


#: A numeric column with at most this many distinct values is encoded value by value; with
#: more, by ``n_bins`` quantile bins.
MAX_LEVELS = 256
_DEFAULT_MAX = {"auc": 0.8, "mutual_info": 0.2}
_METHOD = {"auc": "proxy_auc", "mutual_info": "proxy_mutual_info"}


@dataclass(frozen=True)
class ProxyFacts:
    """One feature: its score for the sensitive attribute, the interval, the bounds."""

    subject: str
    score: float
    ci_low: float
    ci_high: float
    max_score: float
    warn_score: float | None
    label: str  # "ROC AUC" or "normalized mutual information"
    group: str | None = None


def decide_proxy(facts: ProxyFacts, *, insufficient: Status) -> Decision:
    """(status, reason, outcome): FAIL when the interval's lower bound is above ``max_score``,
    WARN when above ``warn_score``; a score above ``max_score`` whose interval still reaches it
    is ``insufficient_samples``; an undefined score is ERROR.

    >>> decide_proxy(ProxyFacts("zip", 0.93, 0.91, 0.95, 0.8, None, "ROC AUC"), insufficient=Status.WARN)
    Decision(status=<Status.FAIL: 'fail'>, reason='proxy_score_exceeded', outcome='proxy')
    >>> decide_proxy(ProxyFacts("age", 0.52, 0.48, 0.56, 0.8, None, "ROC AUC"), insufficient=Status.WARN)
    Decision(status=<Status.PASS: 'pass'>, reason=None, outcome='no_proxy')
    """
    if not (np.isfinite(facts.score) and np.isfinite(facts.ci_low)):
        return Decision(Status.ERROR, "undefined_statistic", "undefined")
    if facts.ci_low > facts.max_score:
        return Decision(Status.FAIL, "proxy_score_exceeded", "proxy")
    if facts.warn_score is not None and facts.ci_low > facts.warn_score:
        return Decision(Status.WARN, "proxy_score_exceeded", "warn")
    if facts.score > facts.max_score:
        return Decision(insufficient, "insufficient_samples", "inconclusive")
    return Decision(Status.PASS, None, "no_proxy")


def _describe(f: ProxyFacts, outcome: str, confidence: float) -> str:
    of = f" (for {f.group})" if f.group else ""
    value = f"{f.label} {f.score:.3f}{of}, {confidence:.0%} interval [{f.ci_low:.3f}, {f.ci_high:.3f}]"
    if outcome == "undefined":
        return f"{f.subject}: the score is undefined"
    if outcome == "proxy":
        return f"{f.subject}: predicts the sensitive attribute ({value}; lower bound > {f.max_score:g})"
    if outcome == "warn":
        return f"{f.subject}: may predict the sensitive attribute ({value}; lower bound > {f.warn_score:g})"
    if outcome == "inconclusive":
        return f"{f.subject}: {value}: above {f.max_score:g}, but the interval reaches it (too few rows)"
    return f"{f.subject}: {value} (lower bound <= max_score {f.max_score:g})"


def _codes(series: pd.Series, n_bins: int) -> tuple[np.ndarray, str]:
    """Integer codes of a feature (missing is a code of its own) and the encoding used."""
    kind = column_kind(series)
    if kind in ("integer", "float", "datetime", "timedelta"):
        if kind in ("datetime", "timedelta"):
            raw = series.astype("int64").to_numpy(dtype="float64")
            raw[np.asarray(series.isna(), dtype=bool)] = np.nan
        else:
            raw = series.to_numpy(dtype="float64", na_value=np.nan)
        raw = np.where(np.isfinite(raw), raw, np.nan)
        finite = raw[~np.isnan(raw)]
        if np.unique(finite).size > MAX_LEVELS:
            edges = np.unique(np.quantile(finite, np.linspace(0, 1, n_bins + 1))[1:-1])
            codes = np.searchsorted(edges, raw, side="right")
            codes[np.isnan(raw)] = edges.size + 1
            return codes.astype(np.int64), "quantile_bins"
        codes, _ = pd.factorize(pd.Series(raw), use_na_sentinel=False)
        return np.asarray(codes, dtype=np.int64), "values"
    try:
        codes, _ = pd.factorize(series, use_na_sentinel=False)
    except (TypeError, NotImplementedError):
        codes, _ = pd.factorize(series.astype(str), use_na_sentinel=False)
    return np.asarray(codes, dtype=np.int64), "values"


def _cross_fitted_probabilities(
    codes: np.ndarray, groups: np.ndarray, n_groups: int, cv: int, seed: int
) -> np.ndarray:
    """Out-of-fold ``P(group | code)`` of every row (rows x groups): the group shares of the
    row's code in the other folds, smoothed towards the groups' shares with one pseudo-row; a
    code unseen in the other folds gets the groups' shares."""
    from sklearn.model_selection import StratifiedKFold

    n_codes = int(codes.max()) + 1
    out = np.empty((codes.size, n_groups))
    counts_g = np.bincount(groups, minlength=n_groups)
    splits = StratifiedKFold(
        n_splits=min(cv, int(counts_g[counts_g > 0].min())) if counts_g.min() >= 2 else 2,
        shuffle=True,
        random_state=seed,
    )
    for train, test in splits.split(np.zeros(codes.size), groups):
        table = np.bincount(codes[train] * n_groups + groups[train], minlength=n_codes * n_groups)
        table = table.reshape(n_codes, n_groups).astype(float)
        prior = np.bincount(groups[train], minlength=n_groups) / train.size
        probs = (table + prior) / (table.sum(axis=1, keepdims=True) + 1.0)
        out[test] = probs[codes[test]]
    return out


class ProxyGate(Gate):
    """No feature predicts a sensitive attribute: a model that drops ``race`` but keeps a zip
    code that encodes it is flagged.

    Each feature is encoded as codes (its values; a numeric feature with more than 256
    distinct values by ``n_bins`` quantile bins; missing is a value of its own), and each row
    gets the out-of-fold share of each sensitive group among the rows with its code
    (``cv`` stratified folds, smoothed towards the overall shares): the score of a row never
    uses its own group, so an identifier does not score by memorising rows. Then:

    ``method="auc"`` (default)
        The ROC AUC of those shares for membership of each group (one group against the
        rest; with two groups, one AUC), with DeLong's interval (Bonferroni over the groups).
        The feature's score is the AUC of the group whose interval has the highest lower bound
        (every group's AUC is in the details); 0.5 means no information.
    ``method="mutual_info"``
        The normalized mutual information of feature and attribute, estimated out of fold:
        ``1 - cross-entropy / H(attribute)`` (the uncertainty coefficient, 0: no information,
        1: the feature determines the attribute), with a bootstrap interval over rows.

    A feature FAILs when the **lower bound** of its interval is above ``max_score``.

    Parameters
    ----------
    sensitive_features : str or list of str, optional
        Columns of ``current`` holding the sensitive attribute (several: their intersections);
        takes precedence over the ``sensitive_features`` input.
    columns : str or list of str, optional
        Features to score; every column of ``current`` except the sensitive ones, the target
        and the predictions by default.
    method : {"auc", "mutual_info"}, default "auc"
    max_score : float, optional
        Bound on the lower end of a feature's interval (default 0.8 for "auc", 0.2 for
        "mutual_info").
    warn_score : float, optional
        A laxer bound that only WARNs.
    confidence : float, default 0.95
        Level of the intervals.
    cv : int, default 5
        Folds of the cross-fitted encoding.
    n_bins : int, default 20
        Quantile bins of a numeric feature with many distinct values.
    n_resamples : int, default 200
        Bootstrap resamples of the mutual information's interval.
    min_group_size : int, default 30
        Fewest rows a group needs to be scored against the rest; fewer than two such groups
        is ``insufficient_samples``.
    on_insufficient : {"warn", "fail", "error", "skip"}, default "warn"
    random_state : int, default 0
    name, blocking
        See :class:`~mlgates.Gate`.

    Notes
    -----
    Rows with a missing sensitive value are left out (counted in the details). One finding per
    feature, with the per-group AUCs (auc) in the details. Reason codes:
    ``proxy_score_exceeded``, ``insufficient_samples``, ``undefined_statistic``,
    ``unsupported_dtype``, ``missing_column``, ``missing_input``, ``empty_input``,
    ``length_mismatch``, ``nothing_to_check``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from mlgates import ProxyGate
    >>> rng = np.random.default_rng(0)
    >>> zips = rng.integers(0, 40, 2000)
    >>> race = np.where(rng.random(2000) < 0.9, zips % 2, 1 - zips % 2)  # zip encodes race
    >>> df = pd.DataFrame({"zip": zips, "income": rng.normal(50, 10, 2000), "race": race})
    >>> v = ProxyGate(sensitive_features="race").check(current=df)
    >>> [(f.subject, f.status.value) for f in v.findings]
    [('zip', 'fail'), ('income', 'pass')]
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "sensitive_features": ["columns", None],
        "columns": ["columns", None],
        "method": [Options("auc", "mutual_info")],
        "max_score": [Interval("real", 0, 1), None],
        "warn_score": [Interval("real", 0, 1), None],
        "confidence": [Interval("real", 0, 1, closed="neither")],
        "cv": [Interval("int", 2, 20)],
        "n_bins": [Interval("int", 2, 1000)],
        "n_resamples": [Interval("int", 10, MAX_RESAMPLES)],
        "min_group_size": [Interval("int", 2, None)],
        "on_insufficient": [ON_INSUFFICIENT],
        "random_state": [Interval("int", 0, None)],
    }

    def __init__(
        self,
        *,
        sensitive_features: str | Sequence[str] | None = None,
        columns: str | Sequence[str] | None = None,
        method: str = "auc",
        max_score: float | None = None,
        warn_score: float | None = None,
        confidence: float = 0.95,
        cv: int = 5,
        n_bins: int = 20,
        n_resamples: int = 200,
        min_group_size: int = 30,
        on_insufficient: str = "warn",
        random_state: int = 0,
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.sensitive_features = sensitive_features
        self.columns = columns
        self.method = method
        self.max_score = max_score
        self.warn_score = warn_score
        self.confidence = confidence
        self.cv = cv
        self.n_bins = n_bins
        self.n_resamples = n_resamples
        self.min_group_size = min_group_size
        self.on_insufficient = on_insufficient
        self.random_state = random_state

    def required_inputs(self) -> tuple[str, ...]:
        return ("current",) if self.sensitive_features is not None else ("current", "sensitive_features")

    def _check(self, ctx: CheckContext) -> Verdict:
        frame = ctx.frame("current")
        select_columns(frame, None)  # duplicate names are an InputError naming them
        groups = inputs.groups(ctx, self.sensitive_features, "drop")
        sizes = np.bincount(groups.codes, minlength=groups.n_groups)
        eligible = np.flatnonzero(
            (sizes >= self.min_group_size) & (groups.codes.size - sizes >= self.min_group_size)
        )
        explicit = self.columns is not None
        if self.columns is not None:
            names = [self.columns] if isinstance(self.columns, str) else list(self.columns)
        else:
            names = [c for c in ctx.features("current").columns if str(c) not in groups.names]
        max_score = float(self.max_score if self.max_score is not None else _DEFAULT_MAX[self.method])
        base = {"n_rows": int(groups.codes.size), "n_dropped": groups.n_dropped, "n_groups": groups.n_groups}
        if eligible.size < (1 if groups.n_groups == 2 else 2) or groups.n_groups < 2:
            status = insufficient_status(self.on_insufficient)
            msg = (
                f"sensitive attribute: {groups.n_groups} group(s), {eligible.size} with at least "
                f"min_group_size={self.min_group_size} rows (and as many outside): no feature can be scored"
            )
            finding = Finding(
                "sensitive_features",
                status,
                method=_METHOD[self.method],
                reason="insufficient_samples",
                message=msg,
                details=base,
            )
            return self._verdict(status, reason="insufficient_samples", message=msg, findings=[finding])
        findings: list[Finding] = []
        for col in names:
            if col not in frame.columns:
                findings.append(
                    Finding(
                        str(col),
                        Status.ERROR,
                        method=_METHOD[self.method],
                        reason="missing_column",
                        message=f"{col}: not found in current{missing_column_hint(col, frame.columns)}",
                    )
                )
                continue
            series = frame[col] if groups.keep is None else frame[col][groups.keep]
            if column_kind(series) in UNSUPPORTED_KINDS:
                findings.append(
                    unsupported_dtype_finding(col, frame[col], explicit=explicit, method=_METHOD[self.method])
                )
                continue
            findings.append(self._judge(str(col), series, groups, eligible, max_score))
        if not findings:
            return self._verdict(Status.SKIP, reason="nothing_to_check", message="no feature to score")
        scores = [f.statistic for f in findings if f.statistic is not None]
        return self._verdict(
            findings=findings,
            metrics={
                "max_score": max(scores) if scores else float("nan"),
                "n_proxies": sum(f.status is Status.FAIL for f in findings),
            },
            params={"max_score": max_score},
        )

    def _judge(
        self, col: str, series: pd.Series, groups: inputs.Groups, eligible: np.ndarray, max_score: float
    ) -> Finding:
        codes, encoding = _codes(series, self.n_bins)
        probs = _cross_fitted_probabilities(codes, groups.codes, groups.n_groups, self.cv, self.random_state)
        details: dict[str, Any] = {
            "encoding": encoding,
            "n_levels": int(np.unique(codes).size),
            "n_rows": int(codes.size),
            "cv": self.cv,
            "confidence": self.confidence,
        }
        if self.method == "auc":
            facts = self._auc(col, probs, groups, eligible, max_score, details)
        else:
            facts = self._mutual_info(col, probs, groups, max_score, details)
        status, reason, outcome = decide_proxy(facts, insufficient=insufficient_status(self.on_insufficient))
        details.update(ci_low=facts.ci_low, ci_high=facts.ci_high, direction="ci_low > threshold")
        return Finding(
            col,
            status,
            statistic=facts.score if np.isfinite(facts.score) else None,
            threshold=self.warn_score if status is Status.WARN else max_score,
            method=_METHOD[self.method],
            reason=reason,
            message=_describe(facts, outcome, self.confidence),
            details=details,
        )

    def _auc(
        self,
        col: str,
        probs: np.ndarray,
        groups: inputs.Groups,
        eligible: np.ndarray,
        max_score: float,
        details: dict[str, Any],
    ) -> ProxyFacts:
        from mlgates.stats.embedding import domain_auc

        judged = eligible[:1] if groups.n_groups == 2 else eligible
        level = 1.0 - (1.0 - self.confidence) / len(judged)
        per_group = {}
        best: tuple[float, float, float, str | None] = (float("nan"), float("nan"), float("nan"), None)
        for g in judged:
            res = domain_auc((groups.codes == g).astype(int), probs[:, g], confidence=level)
            per_group[groups.subject(int(g))] = round(res.auc, 4)
            if not np.isfinite(best[1]) or res.ci_low > best[1]:
                best = (res.auc, res.ci_low, res.ci_high, groups.subject(int(g)))
        details["group_auc"] = dict(sorted(per_group.items(), key=lambda kv: -kv[1])[:10])
        # the score, its interval and the group named are one group's: the one whose lower
        # bound decides (a small group's larger AUC with a wide interval does not mix in)
        group = None if groups.n_groups == 2 else best[3]
        details["group"] = group
        return ProxyFacts(col, float(best[0]), best[1], best[2], max_score, self.warn_score, "ROC AUC", group)

    def _mutual_info(
        self, col: str, probs: np.ndarray, groups: inputs.Groups, max_score: float, details: dict[str, Any]
    ) -> ProxyFacts:
        shares = np.bincount(groups.codes, minlength=groups.n_groups) / groups.codes.size
        entropy = float(-(shares[shares > 0] * np.log(shares[shares > 0])).sum())
        loss = -np.log(np.clip(probs[np.arange(groups.codes.size), groups.codes], 1e-12, 1.0))
        score = 1.0 - float(loss.mean()) / entropy if entropy > 0 else float("nan")
        rng = np.random.default_rng(self.random_state)
        n = loss.size
        boot = np.array([1.0 - loss[rng.integers(0, n, n)].mean() / entropy for _ in range(self.n_resamples)])
        tail = (1.0 - self.confidence) / 2
        lo, hi = (float(q) for q in np.quantile(boot, [tail, 1 - tail]))
        details.update(entropy=entropy, n_resamples=self.n_resamples)
        return ProxyFacts(col, score, lo, hi, max_score, self.warn_score, "normalized mutual information")

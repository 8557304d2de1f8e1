"""CorrelationChangeGate: the associations between columns stay as they were in the reference."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import combinations
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from mlgates.core.context import CheckContext
from mlgates.core.finding import Finding
from mlgates.core.params import MAX_RESAMPLES, ON_INSUFFICIENT, Interval, Options, insufficient_status
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.gates._columns import (
    UNSUPPORTED_KINDS,
    column_kind,
    is_text_like,
    missing_mask,
    unsupported_dtype_finding,
)
from mlgates.gates._decision import Decision
from mlgates.gates.quality._common import UNGROUPABLE, absent, frame_or_error, unsupported
from mlgates.gates.quality._where import QualityGate

__all__ = ["ChangeFacts", "CorrelationChangeGate", "Decision", "decide_change"]


_NUMERIC = ("integer", "float")
_CATEGORICAL = ("string", "categorical", "boolean")
#: Categorical columns keep their most frequent levels (pooled over both samples); the rest
#: are one level "other", so a column of many rare values cannot inflate Cramér's V.
MAX_LEVELS = 20


@dataclass(frozen=True)
class ChangeFacts:
    """One pair of columns: the measure, its values in both samples, the change, its interval,
    the Holm-adjusted p-value, the rows used and the bounds of the rule."""

    subject: str
    measure: str
    reference: float
    current: float
    ci_low: float
    ci_high: float
    pvalue: float
    n_reference: int
    n_current: int
    max_change: float
    alpha: float
    min_samples: int

    @property
    def change(self) -> float:
        return self.current - self.reference


def decide_change(facts: ChangeFacts, *, insufficient: Status) -> Decision:
    """(status, reason, outcome). Significant and material: FAIL when ``|change| > max_change``
    and the Holm-adjusted p-value ``< alpha``; a material change that is not significant
    passes (outcome ``not_significant``); fewer than ``min_samples`` complete rows on a side
    is ``insufficient_samples``; an undefined statistic is ERROR.

    >>> f = ChangeFacts("a ~ b", "spearman", 0.6, 0.1, -0.6, -0.4, 1e-9, 500, 500, 0.2, 0.01, 30)
    >>> decide_change(f, insufficient=Status.WARN)
    Decision(status=<Status.FAIL: 'fail'>, reason='correlation_change_exceeded', outcome='changed')
    """
    if min(facts.n_reference, facts.n_current) < facts.min_samples:
        return Decision(insufficient, "insufficient_samples", "insufficient")
    if not (np.isfinite(facts.change) and np.isfinite(facts.pvalue)):
        return Decision(Status.ERROR, "undefined_statistic", "undefined")
    if abs(facts.change) > facts.max_change:
        if facts.pvalue < facts.alpha:
            return Decision(Status.FAIL, "correlation_change_exceeded", "changed")
        return Decision(Status.PASS, None, "not_significant")
    return Decision(Status.PASS, None, "within")


def _describe(f: ChangeFacts, outcome: str) -> str:
    if outcome == "insufficient":
        return (
            f"{f.subject}: {f.n_reference:,} reference and {f.n_current:,} current rows with both values "
            f"(< min_samples {f.min_samples}); the change of {f.measure} cannot be judged"
        )
    if outcome == "undefined":
        return f"{f.subject}: {f.measure} is undefined on the rows with both values (a constant column)"
    values = f"{f.measure} {f.reference:.3f} -> {f.current:.3f} (change {f.change:+.3f}"
    if outcome == "changed":
        return (
            f"{f.subject}: {values}, interval {f.ci_low:+.3f} to {f.ci_high:+.3f}, Holm p={f.pvalue:.2g}) "
            f"beyond max_change {f.max_change:g}"
        )
    if outcome == "not_significant":
        return (
            f"{f.subject}: {values}) beyond max_change {f.max_change:g}, but not significant "
            f"(Holm p={f.pvalue:.2g} >= alpha {f.alpha:g}): too few rows to tell"
        )
    return f"{f.subject}: {values}) within max_change {f.max_change:g}"


@dataclass
class _Column:
    kind: str  # "numeric" or "categorical"
    values: np.ndarray  # pooled: float with NaN, or int codes with -1 for missing
    n_ref: int


class CorrelationChangeGate(QualityGate):
    """Associations between pairs of columns do not change against the reference.

    For every pair of the selected columns the association is measured in ``reference`` and
    in ``current``: numeric pairs by Spearman's rho (or Pearson's r), categorical pairs by
    Cramér's V (bias-corrected, Bergsma 2013), a categorical and a numeric column by the
    correlation ratio eta (bias-corrected). A pair FAILs when its change is material and
    significant: ``|current - reference| > max_change`` and the change's Holm-adjusted p-value
    (over all pairs judged) is below ``alpha``. Numeric pairs are tested on Fisher's z scale
    (:func:`mlgates.stats.association.correlation_change`), the others against the
    permutation distribution of the change (``n_resamples`` permutations of the rows' sides,
    :func:`mlgates.stats.association.permutation_change`). A large change that is not
    significant passes, and says so.

    Parameters
    ----------
    columns : str or list of str, optional
        Columns to pair; by default every numeric, boolean, categorical and string feature of
        ``current`` that ``reference`` also has (string columns whose values are mostly
        distinct, such as identifiers or free text, are left out).
    method : {"spearman", "pearson"}, default "spearman"
        The measure of numeric pairs.
    max_change : float, default 0.2
        Largest allowed absolute change of a pair's association, in [0, 2].
    alpha : float, default 0.01
        Significance level of the Holm-adjusted test of a change (the family-wise false-alarm
        rate over all pairs).
    n_resamples : int, default 200
        Permutations for Cramér's V and the correlation ratio.
    min_samples : int, default 30
        Fewer rows with both values on a side: ``insufficient_samples``.
    subsample : int, default 10000
        Each side is subsampled (seeded) to at most this many rows.
    on_insufficient : {"warn", "fail", "error", "skip"}, default "warn"
    random_state : int, default 0
    where : str, optional
        Judge only the rows where this condition (in the rule language of
        :class:`~mlgates.RuleGate`) is true; see ``docs/quality.md#where``.
    name, blocking
        See :class:`~mlgates.Gate`.

    Notes
    -----
    One finding per pair (subject ``"a ~ b"``) with the measure on both sides, the change,
    its interval, the raw and Holm-adjusted p-values and the rows used; rows missing either
    value are left out of that pair. Categorical columns keep their 20 most frequent levels
    (the rest pooled). A column constant on both sides is SKIP (``constant_column``); constant
    on one side only, ERROR (``undefined_statistic``: its correlations are undefined there).
    Pairs grow with the square of the number of columns: list the columns that matter on wide
    tables. Reason codes: ``correlation_change_exceeded``, ``insufficient_samples``,
    ``undefined_statistic``, ``constant_column``, ``kind_mismatch``, ``unsupported_dtype``,
    ``missing_column``, ``empty_input``, ``duplicate_columns``, ``missing_input``,
    ``nothing_to_check``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from mlgates import CorrelationChangeGate
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=1000)
    >>> ref = pd.DataFrame({"x": x[:500], "y": x[:500] + rng.normal(0, 0.5, 500)})
    >>> cur = pd.DataFrame({"x": x[500:], "y": rng.normal(size=500)})  # the link is broken
    >>> f = CorrelationChangeGate().check(reference=ref, current=cur).findings[0]
    >>> f.status, f.subject, round(f.details["reference"], 2)
    (<Status.FAIL: 'fail'>, 'x ~ y', 0.89)
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "columns": ["columns", None],
        "method": [Options("spearman", "pearson")],
        "max_change": [Interval("real", 0, 2)],
        "alpha": [Interval("real", 0, 1, closed="neither")],
        "n_resamples": [Interval("int", 10, MAX_RESAMPLES)],
        "min_samples": [Interval("int", 5, None)],
        "subsample": [Interval("int", 10, None)],
        "on_insufficient": [ON_INSUFFICIENT],
        "random_state": [Interval("int", 0, None)],
    }

    def __init__(
        self,
        *,
        columns: str | Sequence[str] | None = None,
        method: str = "spearman",
        max_change: float = 0.2,
        alpha: float = 0.01,
        n_resamples: int = 200,
        min_samples: int = 30,
        subsample: int = 10_000,
        on_insufficient: str = "warn",
        random_state: int = 0,
        where: str | None = None,
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.where = where
        self.columns = columns
        self.method = method
        self.max_change = max_change
        self.alpha = alpha
        self.n_resamples = n_resamples
        self.min_samples = min_samples
        self.subsample = subsample
        self.on_insufficient = on_insufficient
        self.random_state = random_state

    def required_inputs(self) -> tuple[str, ...]:
        return ("reference", "current")

    # -- compute ----------------------------------------------------------------------------
    def _check(self, ctx: CheckContext) -> Verdict:
        ref = frame_or_error(ctx, "reference")
        cur = frame_or_error(ctx)
        findings: list[Finding] = []
        explicit = self.columns is not None
        names = self._names(ctx, ref, cur, findings)
        rng = np.random.default_rng(self.random_state)
        r = (
            ref.iloc[np.sort(rng.choice(len(ref), self.subsample, replace=False))]
            if len(ref) > self.subsample
            else ref
        )
        c = (
            cur.iloc[np.sort(rng.choice(len(cur), self.subsample, replace=False))]
            if len(cur) > self.subsample
            else cur
        )
        columns: dict[str, _Column] = {}
        for col in names:
            kr, kc = column_kind(r[col]), column_kind(c[col])
            if kr in UNSUPPORTED_KINDS or kc in UNSUPPORTED_KINDS:
                series = r[col] if kr in UNSUPPORTED_KINDS else c[col]
                findings.append(
                    unsupported_dtype_finding(col, series, explicit=explicit, method="association")
                )
                continue
            fam = {_family(kr), _family(kc)}
            if None in fam:
                findings.append(
                    unsupported(
                        col,
                        kr if _family(kr) is None else kc,
                        "a numeric or categorical column",
                        "association",
                    )
                )
                continue
            if len(fam) > 1:
                findings.append(
                    Finding(
                        str(col),
                        Status.ERROR,
                        method="association",
                        reason="kind_mismatch",
                        message=f"{col}: {kr} in reference but {kc} in current; associations not comparable",
                    )
                )
                continue
            encoded = _encode(r[col], c[col], str(fam.pop()))
            if encoded is None:
                findings.append(unsupported(col, "object", "hashable values", "association"))
                continue
            screen = _constant(col, encoded)
            if screen is not None:
                findings.append(screen)
                continue
            columns[str(col)] = encoded
        if len(columns) < 2:
            return self._verdict(
                Status.worst([Status.SKIP, *(f.status for f in findings)]),
                findings=findings,
                reason=None if findings else "nothing_to_check",
                message=f"{len(columns)} usable column(s): no pair to compare",
            )
        facts = self._pairs(columns)
        insufficient = insufficient_status(self.on_insufficient)
        for f in facts:
            status, reason, outcome = decide_change(f, insufficient=insufficient)
            findings.append(
                Finding(
                    f.subject,
                    status,
                    statistic=f.change if np.isfinite(f.change) else None,
                    pvalue=f.pvalue if np.isfinite(f.pvalue) else None,
                    threshold=self.max_change,
                    method=f.measure,
                    reason=reason,
                    message=_describe(f, outcome),
                    details={
                        "reference": f.reference,
                        "current": f.current,
                        "change": f.change,
                        "ci_low": f.ci_low,
                        "ci_high": f.ci_high,
                        "n_ref": f.n_reference,
                        "n_cur": f.n_current,
                        "alpha": self.alpha,
                        "correction": "holm",
                        "direction": "|statistic| > threshold and pvalue < alpha",
                    },
                )
            )
        changes = [abs(f.change) for f in facts if np.isfinite(f.change)]
        return self._verdict(
            findings=findings,
            metrics={
                "max_abs_change": max(changes) if changes else float("nan"),
                "n_pairs": len(facts),
                "n_failed_pairs": sum(x.status is Status.FAIL for x in findings),
            },
        )

    def _names(
        self, ctx: CheckContext, ref: pd.DataFrame, cur: pd.DataFrame, findings: list[Finding]
    ) -> list[Any]:
        if self.columns is not None:
            listed = [self.columns] if isinstance(self.columns, str) else list(self.columns)
            out = []
            for col in listed:
                for side, frame in (("current", cur), ("reference", ref)):
                    if col not in frame.columns:
                        findings.append(absent(col, side, method="association", available=frame.columns))
                        break
                else:
                    out.append(col)
            return out
        out = []
        for col in ctx.features("current").columns:
            if col not in ref.columns:
                continue
            kind = column_kind(cur[col])
            if kind in UNSUPPORTED_KINDS or kind in _NUMERIC or kind in ("categorical", "boolean"):
                out.append(col)
            elif kind == "string":
                values = cur[col][~missing_mask(cur[col])]
                if not is_text_like(kind, int(values.nunique()), len(values), min_distinct=MAX_LEVELS):
                    out.append(col)
        return out

    def _pairs(self, columns: dict[str, _Column]) -> list[ChangeFacts]:
        from mlgates.stats.association import (
            correlation_change,
            correlation_ratio,
            cramers_v,
            pearson,
            permutation_change,
            spearman,
        )
        from mlgates.stats.multiple_testing import adjust_pvalues

        raw: list[tuple[str, str, Any, int, int]] = []
        for (a, ca), (b, cb) in combinations(columns.items(), 2):
            subject = f"{a} ~ {b}"
            ok = _present(ca) & _present(cb)
            side = np.arange(ok.size) >= ca.n_ref
            n_ref, n_cur = int((ok & ~side).sum()), int((ok & side).sum())
            if min(n_ref, n_cur) < max(self.min_samples, 4):
                raw.append((subject, self._measure(ca, cb), None, n_ref, n_cur))
                continue
            if ca.kind == cb.kind == "numeric":
                corr = spearman if self.method == "spearman" else pearson
                x, y, s = ca.values[ok], cb.values[ok], side[ok]
                r1, r2 = corr(x[~s], y[~s]), corr(x[s], y[s])
                if not (np.isfinite(r1) and np.isfinite(r2)):
                    res = None
                else:
                    res = correlation_change(r1, n_ref, r2, n_cur, rank=self.method == "spearman")
            elif ca.kind == cb.kind == "categorical":
                x, y, s = ca.values[ok], cb.values[ok], side[ok]
                res = permutation_change(
                    partial(_on_rows, cramers_v, x, y),
                    s,
                    n_resamples=self.n_resamples,
                    random_state=self.random_state,
                )
            else:
                cat, num = (ca, cb) if ca.kind == "categorical" else (cb, ca)
                x, y, s = cat.values[ok], num.values[ok], side[ok]
                res = permutation_change(
                    partial(_on_rows, correlation_ratio, x, y),
                    s,
                    n_resamples=self.n_resamples,
                    random_state=self.random_state,
                )
            raw.append((subject, self._measure(ca, cb), res, n_ref, n_cur))
        pvals = np.array([res.pvalue if res is not None else np.nan for _, _, res, _, _ in raw], dtype=float)
        finite = np.isfinite(pvals)
        adjusted = np.full(pvals.size, np.nan)
        if finite.any():
            adjusted[finite] = adjust_pvalues(pvals[finite], "holm")
        nan = float("nan")
        return [
            ChangeFacts(
                subject,
                measure,
                res.reference if res is not None else nan,
                res.current if res is not None else nan,
                res.ci_low if res is not None else nan,
                res.ci_high if res is not None else nan,
                float(p),
                n_ref,
                n_cur,
                float(self.max_change),
                float(self.alpha),
                self.min_samples,
            )
            for (subject, measure, res, n_ref, n_cur), p in zip(raw, adjusted)
        ]

    def _measure(self, a: _Column, b: _Column) -> str:
        if a.kind == b.kind == "numeric":
            return self.method
        return "cramers_v" if a.kind == b.kind == "categorical" else "correlation_ratio"


def _on_rows(
    fn: Callable[[np.ndarray, np.ndarray], float], x: np.ndarray, y: np.ndarray, mask: np.ndarray
) -> float:
    return fn(x[mask], y[mask])


def _family(kind: str) -> str | None:
    if kind in _NUMERIC:
        return "numeric"
    if kind in _CATEGORICAL:
        return "categorical"
    return None


def _present(col: _Column) -> np.ndarray:
    return col.values >= 0 if col.kind == "categorical" else ~np.isnan(col.values)


def _encode(ref: pd.Series, cur: pd.Series, family: str) -> _Column | None:
    both = pd.concat([ref, cur], ignore_index=True)
    if family == "numeric":
        values = both.to_numpy(dtype="float64", na_value=np.nan)
        return _Column("numeric", np.where(np.isfinite(values), values, np.nan), len(ref))
    if isinstance(both.dtype, pd.CategoricalDtype):
        both = both.astype(object)
    try:
        codes, uniques = pd.factorize(both, use_na_sentinel=True)
    except UNGROUPABLE:
        return None
    codes = np.asarray(codes, dtype=np.int64)
    if len(uniques) > MAX_LEVELS:
        counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
        keep = np.argsort(-counts, kind="stable")[:MAX_LEVELS]
        remap = np.full(len(uniques), MAX_LEVELS, dtype=np.int64)
        remap[keep] = np.arange(MAX_LEVELS)
        codes = np.where(codes >= 0, remap[np.maximum(codes, 0)], -1)
    return _Column("categorical", codes, len(ref))


def _constant(col: Any, encoded: _Column) -> Finding | None:
    present = _present(encoded)
    side = np.arange(present.size) >= encoded.n_ref
    distinct = []
    for s in (~side, side):
        v = encoded.values[present & s]
        distinct.append(int(np.unique(v).size))
    if min(distinct) >= 2:
        return None
    if max(distinct) < 2:
        return Finding(
            str(col),
            Status.SKIP,
            method="association",
            reason="constant_column",
            message=f"{col}: at most one distinct value on either side; no association to compare",
        )
    where = "reference" if distinct[0] < 2 else "current"
    return Finding(
        str(col),
        Status.ERROR,
        method="association",
        reason="undefined_statistic",
        message=f"{col}: at most one distinct value in {where}; its associations are undefined there",
        details={"n_distinct_reference": distinct[0], "n_distinct_current": distinct[1]},
    )

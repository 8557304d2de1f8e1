"""Label and split integrity: ConflictingLabelsGate, TrainTestLeakageGate, FeatureLeakageGate."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from mlgates.core import inputs
from mlgates.core._text import pluralize
from mlgates.core.context import CheckContext, Side
from mlgates.core.errors import InputError
from mlgates.core.finding import Finding
from mlgates.core.gate import Gate
from mlgates.core.params import ON_INSUFFICIENT, Interval, insufficient_status
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.gates._columns import column_kind, share_text
from mlgates.gates.quality._chance import DEFAULT_ALPHA, chance_bound, check_calibration, decide, with_notes
from mlgates.gates.quality._common import (
    MAX_EXAMPLES,
    UNGROUPABLE,
    absent,
    all_missing,
    examples,
    frame_or_error,
    guarded,
    repeated_candidates,
    row_hash,
    screened,
)
from mlgates.stats.quality import auc_lower_bound, spearman_abs, spearman_lower_bound, univariate_auc

__all__ = ["ConflictingLabelsGate", "FeatureLeakageGate", "TrainTestLeakageGate"]


def _feature_columns(ctx: CheckContext, side: Side, columns: Any) -> list[Any]:
    frame = frame_or_error(ctx, side)
    if columns is None:
        return list(ctx.features(side).columns)
    cols = [columns] if isinstance(columns, (str, int)) else list(columns)
    gone = [c for c in cols if c not in frame.columns]
    if gone:
        raise InputError(
            f"{side}: column {gone[0]!r} not found", reason="missing_column", subject=str(gone[0])
        )
    return cols


def _labels(ctx: CheckContext, side: Side = "current") -> np.ndarray:
    """The target: a missing label is a value of its own here; an infinite one is not a class
    (the rule of every family, :func:`mlgates.core.inputs.complete`)."""
    labels = inputs.labels(ctx, side, on_missing="keep")
    if len(labels) != len(ctx.frame(side)):
        raise InputError("target: length differs from current", reason="length_mismatch", subject="target")
    return labels


class ConflictingLabelsGate(Gate):
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
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
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
                sub[keys] = sub[keys].astype(str)
                nun = sub.groupby(keys, dropna=False, sort=False, observed=True)["__label__"].transform(
                    "nunique", dropna=False
                )
            bad = np.asarray(nun > 1, dtype=bool)
            conflict[cand[bad]] = True
            if bad.any():
                n_groups = int(sub[bad].drop_duplicates(subset=keys).shape[0])
        n_bad = int(conflict.sum())
        share = n_bad / n
        bound = chance_bound(
            self.calibration, "rows", n, self.max_share, self.alpha, method="pair_collisions"
        )
        status, exceeded, allowed = decide(n_bad, n, self.max_share, None, bound)
        cmp = ">" if exceeded else "<="
        finding = Finding(
            "rows",
            status,
            statistic=share,
            threshold=allowed,
            method="conflicting_labels",
            reason="conflicting_labels" if exceeded else None,
            message=with_notes(
                f"rows: {n_bad:,} rows ({share_text(share)}) in {n_groups:,} groups of identical "
                f"features with different targets {cmp} {share_text(allowed)} allowed",
                bound.note() if bound is not None else "",
            ),
            details={
                **({"bound": bound.details()} if bound is not None else {}),
                "n_conflicting_rows": n_bad,
                "n_conflicting_groups": n_groups,
                "n_rows": n,
                "n_features": len(cols),
                "example_rows": examples(frame.index[np.flatnonzero(conflict)[:MAX_EXAMPLES]]),
            },
        )
        return self._verdict(findings=[finding], metrics={"conflicting_share": share})


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


class TrainTestLeakageGate(Gate):
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
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
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
                hit = exact_join(left.astype(str), right.astype(str))
            leaked[hit] = True
        n = len(frame)
        n_leak = int(leaked.sum())
        share = n_leak / n
        bound = chance_bound(
            self.calibration, "rows", n, self.max_share, self.alpha, method="cross_collisions"
        )
        status, exceeded, allowed = decide(n_leak, n, self.max_share, self.warn_share, bound)
        if exceeded:
            limit = allowed if status is Status.FAIL else self.warn_share
            tail = f"> {share_text(limit or 0.0)} " + (
                "allowed" if status is Status.FAIL else "(warning level)"
            )
        else:
            tail = f"<= {share_text(allowed)} allowed"
        finding = Finding(
            "rows",
            status,
            statistic=share,
            threshold=self.warn_share if status is Status.WARN else allowed,
            method="train_test_overlap",
            reason="train_test_overlap" if exceeded else None,
            message=with_notes(
                f"rows: {n_leak:,} of {n:,} current rows ({share_text(share)}) also in reference {tail}",
                bound.note() if bound is not None else "",
            ),
            details={
                **({"bound": bound.details()} if bound is not None else {}),
                "n_leaked": n_leak,
                "n_rows": n,
                "n_columns": len(cols),
                "example_rows": examples(frame.index[np.flatnonzero(leaked)[:MAX_EXAMPLES]]),
            },
        )
        return self._verdict(findings=[finding], metrics={"leaked_share": share})


_ENCODED_KINDS = ("string", "categorical", "object")
_FOLD_SEED = 20261126
#: A feature whose name contains the target's name is leakage evidence above this score.
NAME_EVIDENCE_SCORE = 0.9


class FeatureLeakageGate(Gate):
    """No single feature predicts the target almost perfectly on its own.

    A strong predictor is not leakage: leakage needs evidence beyond a high score. A feature
    FAILs (reason ``feature_leakage``) when it

    - splits the target perfectly (score 1) on at least ``min_samples`` rows
      (``perfect_split``), or
    - has a one-sided ``1 - alpha`` lower confidence bound of its score above ``max_score``
      (``lower_bound_above_max_score``), or
    - has a name containing the target column's name (three characters or more) and scores
      above 0.9 (``target_derived_name``).

    The evidence found is listed in ``details["evidence"]`` with the score's lower bound. A
    feature scoring above ``warn_score`` without such evidence WARNs (reason
    ``strong_predictor``).

    The univariate score of a feature is, for a binary target, its ROC AUC folded to
    ``max(AUC, 1 - AUC)`` (0.5: useless, 1: perfect); for a numeric target with more than
    ten distinct values, the absolute Spearman correlation. String, categorical and object
    features are first replaced by the target mean of their category, cross-fitted on two
    folds (drawn at random with a fixed seed; a category unseen in the other fold gets that
    fold's overall mean), so an identifier column does not score 1 by memorising rows.

    Parameters
    ----------
    columns : str or list of str, optional
        Features to score; every column except the target and predictions by default.
    max_score : float, default 0.99
        A feature whose score's lower confidence bound exceeds this FAILs, in [0.5, 1].
        The bound of a folded ROC AUC inverts a one-sided score test with Hanley and
        McNeil's standard error taken at the tested value; that of ``|Spearman|`` uses
        Fisher's z with standard error ``sqrt(1.06 / (n - 3))``.
    warn_score : float, optional
        A feature scoring above this without leakage evidence WARNs (``strong_predictor``).
    alpha : float, default 0.05
        One-sided level of the lower confidence bound, in (0, 1).
    min_samples : int, default 30
        Fewer rows with both feature and target present: reason ``insufficient_samples``.
    on_insufficient : {"warn", "fail", "error", "skip"}, default "warn"
        Status of a feature below ``min_samples``.
    name, blocking
        See :class:`~mlgates.Gate`.

    Notes
    -----
    A target with one class is ERROR ``one_class_target``; a non-binary target that is not
    numeric with more than ten distinct values is ERROR ``unsupported_target``. Missing values
    of a numeric feature are left out; in an encoded feature missing is a category. Reason
    codes: ``feature_leakage``, ``strong_predictor`` (WARN), ``insufficient_samples``,
    ``one_class_target``, ``unsupported_target``, ``all_missing`` (a feature, or every label),
    ``missing_column``, ``empty_input``, ``missing_input``, ``invalid_input`` (an infinite label),
    ``unsupported_dtype`` (a column of lists, dicts, complex numbers...: SKIP, ERROR when
    listed). With ``n`` rows, a binary score's standard error is about
    ``0.5 / sqrt(n_minority)``; scores near the bound on small data are noisy.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from mlgates import FeatureLeakageGate
    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, 200)
    >>> df = pd.DataFrame({"noise": rng.normal(size=200), "leak": y + rng.normal(0, 0.01, 200), "y": y})
    >>> v = FeatureLeakageGate().check(current=df, target="y")
    >>> [(f.subject, f.status.value) for f in v.findings]
    [('noise', 'pass'), ('leak', 'fail')]
    >>> v.findings[1].details["evidence"]
    ('perfect_split',)
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "columns": ["columns", None],
        "max_score": [Interval("real", 0.5, 1)],
        "warn_score": [Interval("real", 0.5, 1), None],
        "alpha": [Interval("real", 0, 1, closed="neither")],
        "min_samples": [Interval("int", 2, None)],
        "on_insufficient": [ON_INSUFFICIENT],
    }

    def __init__(
        self,
        *,
        columns: str | Sequence[str] | None = None,
        max_score: float = 0.99,
        warn_score: float | None = None,
        alpha: float = 0.05,
        min_samples: int = 30,
        on_insufficient: str = "warn",
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.columns = columns
        self.max_score = max_score
        self.warn_score = warn_score
        self.alpha = alpha
        self.min_samples = min_samples
        self.on_insufficient = on_insufficient

    def required_inputs(self) -> tuple[str, ...]:
        return ("current", "target")

    def _check(self, ctx: CheckContext) -> Verdict:
        frame = frame_or_error(ctx)
        cols = _feature_columns(ctx, "current", self.columns)
        labels = pd.Series(_labels(ctx))
        present = np.asarray(labels.notna(), dtype=bool)
        if not present.any():
            raise InputError(
                f"target: all {len(labels):,} labels are missing; no feature can be scored",
                reason="all_missing",
                subject="target",
            )
        uniq = pd.unique(labels[present])
        if len(uniq) < 2:
            raise InputError(
                f"target has {pluralize(len(uniq), 'distinct value')}; no feature can predict it",
                reason="one_class_target",
                subject="target",
            )
        if len(uniq) == 2:
            task = "auc"
            positive = np.asarray(labels == sorted(uniq, key=repr)[1], dtype=bool)
            y = positive.astype("float64")
        elif pd.api.types.is_numeric_dtype(labels.dtype) and len(uniq) > 10:
            task = "spearman"
            y = labels.to_numpy(dtype="float64", na_value=np.nan)
        else:
            raise InputError(
                f"target has {len(uniq)} classes; FeatureLeakageGate scores binary targets (ROC AUC) and "
                "numeric targets with more than 10 distinct values (Spearman)",
                reason="unsupported_target",
                subject="target",
            )
        findings = []
        given = ctx.get("target")
        target_name = given if isinstance(given, str) else None
        for col in cols:
            if col not in frame.columns:
                findings.append(absent(col, method=task, available=frame.columns))
                continue
            screen = screened(ctx, col, explicit=self.columns is not None, method=task)
            judge = partial(self._judge, frame[col], col, y, present, task, target_name)
            findings.append(screen or guarded(judge, col, task))
        scores = [f.statistic for f in findings if f.statistic is not None]
        return self._verdict(
            findings=findings,
            metrics={"max_score": max(scores) if scores else float("nan")},
            params={"task": task},
        )

    def _judge(
        self,
        series: pd.Series,
        col: Any,
        y: np.ndarray,
        present: np.ndarray,
        task: str,
        target_name: str | None = None,
    ) -> Finding:
        kind = column_kind(series)
        if bool(series.isna().all()):
            return all_missing(col, len(series), task)
        if kind in _ENCODED_KINDS:
            try:
                codes, _ = pd.factorize(series, use_na_sentinel=False)
            except UNGROUPABLE:  # unhashable objects
                codes, _ = pd.factorize(series.astype(str), use_na_sentinel=False)
            codes = np.asarray(codes, dtype="int64")
            x = _cross_fit_mean(codes[present], y[present])
            keep = np.ones(len(x), dtype=bool)
            encoding = "target_mean_2fold"
        else:
            if kind == "datetime":
                raw = series.astype("int64").to_numpy(dtype="float64")
                raw = np.where(np.asarray(series.isna(), dtype=bool), np.nan, raw)
            else:
                raw = series.to_numpy(dtype="float64", na_value=np.nan)
            x = raw[present]
            keep = ~np.isnan(x)
            encoding = "raw"
        x, yy = x[keep], y[present][keep]
        n_checked = len(x)
        if n_checked < self.min_samples or (task == "auc" and min(yy.sum(), n_checked - yy.sum()) == 0):
            return Finding(
                str(col),
                insufficient_status(self.on_insufficient),
                threshold=self.max_score,
                method=task,
                reason="insufficient_samples",
                message=f"{col}: {n_checked:,} rows with feature and target (min_samples={self.min_samples}, "
                "both classes needed); no score",
                details={"n_checked": n_checked},
            )
        if task == "auc":
            auc = univariate_auc(x, yy.astype(bool))
            score = max(auc, 1.0 - auc)
            n_pos = int(yy.sum())
            lower = auc_lower_bound(score, n_pos, n_checked - n_pos, self.alpha) if score == score else score
        else:
            score = spearman_abs(x, yy)
            lower = spearman_lower_bound(score, n_checked, self.alpha)
        label = "ROC AUC (folded)" if task == "auc" else "|Spearman|"
        if score != score:
            return Finding(
                str(col),
                Status.ERROR,
                method=task,
                reason="constant_column",
                message=f"{col}: constant feature; {label} undefined",
                details={"n_checked": n_checked},
            )
        evidence = []
        if score >= 1.0:
            evidence.append("perfect_split")
        if lower > self.max_score:
            evidence.append("lower_bound_above_max_score")
        derived = _derived_from(str(col), target_name)
        if derived and score > NAME_EVIDENCE_SCORE:
            evidence.append("target_derived_name")
        bound = f"lower bound {lower:.3f} at alpha {self.alpha:g}"
        if evidence:
            status, reason = Status.FAIL, "feature_leakage"
            why = {
                "perfect_split": "splits the target perfectly",
                "lower_bound_above_max_score": f"{bound} > {self.max_score:g}",
                "target_derived_name": f"name contains the target's name {target_name!r}",
            }
            message = f"{col}: {label} {score:.3f}; leakage: " + "; ".join(why[e] for e in evidence)
        elif self.warn_score is not None and score > self.warn_score:
            status, reason = Status.WARN, "strong_predictor"
            message = (
                f"{col}: {label} {score:.3f} > {self.warn_score:.3f} (a strong predictor alone; {bound} "
                f"<= {self.max_score:g}, no perfect split: not judged leakage)"
            )
        else:
            status, reason = Status.PASS, None
            message = f"{col}: {label} {score:.3f} ({bound} <= {self.max_score:g}; no perfect split)"
        return Finding(
            str(col),
            status,
            statistic=score,
            threshold=self.warn_score if status is Status.WARN else self.max_score,
            method=task,
            reason=reason,
            message=message,
            details={
                "n_checked": n_checked,
                "encoding": encoding,
                "lower_bound": lower,
                "alpha": self.alpha,
                "evidence": evidence,
                "target_derived_name": derived,
            },
        )


def _derived_from(feature: str, target: str | None) -> bool:
    """Whether a feature's name contains the target column's name (3+ characters, any case)."""
    if target is None or len(target) < 3 or feature == target:
        return False
    return target.lower() in feature.lower()


def _cross_fit_mean(codes: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Target mean per category, each row encoded from the other fold (folds drawn at random
    with a fixed seed, so row order cannot line up with the folds)."""
    n_cat = int(codes.max()) + 1 if len(codes) else 0
    fold = np.random.default_rng(_FOLD_SEED).integers(0, 2, len(codes))
    out = np.empty(len(codes), dtype="float64")
    for f in (0, 1):
        other = fold != f
        sums = np.bincount(codes[other], weights=y[other], minlength=n_cat)
        counts = np.bincount(codes[other], minlength=n_cat)
        overall = float(y[other].mean()) if other.any() else 0.5
        with np.errstate(invalid="ignore", divide="ignore"):
            means = np.where(counts > 0, sums / np.maximum(counts, 1), overall)
        out[~other] = means[codes[~other]]
    return out

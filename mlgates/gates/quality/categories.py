"""CategoryGate: values belong to an allowed set (given, or seen in the reference)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from mlgates.core._text import pluralize
from mlgates.core.context import CheckContext
from mlgates.core.finding import Finding
from mlgates.core.params import Interval, Options, parameter_error
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.gates._columns import share_text, unknown_key_findings
from mlgates.gates.quality import _profiled as Q
from mlgates.gates.quality._chance import DEFAULT_ALPHA, check_calibration, with_notes
from mlgates.gates.quality._common import (
    absent,
    all_missing,
    check_string_keys,
    frame_or_error,
    guarded,
    resolve_columns,
    screened,
    top_examples,
    value_counts,
)
from mlgates.gates.quality._where import QualityGate
from mlgates.profiles.summaries import Rows, Values

__all__ = ["CategoryGate"]

CATEGORY_KINDS = ("string", "categorical", "boolean")


class CategoryGate(QualityGate):
    """Values of categorical columns belong to an allowed set; new categories are reported.

    The allowed set of a column is ``allowed[column]`` when given, else the values seen in
    ``reference``. A value outside it is *unknown*. The gate FAILs a column whose share of
    unknown rows (among non-missing rows) exceeds ``max_unknown_share``; within that share,
    the presence of any unknown category gives the status chosen by ``on_new``.

    Parameters
    ----------
    columns : str or list of str, optional
        Columns to check. By default the keys of ``allowed`` when it is given, else every
        string, categorical or boolean column of ``current``.
    allowed : mapping of column to list of values, optional
        The allowed values per column (keys are column names as str). Columns without an
        entry take their allowed set from ``reference``.
    max_unknown_share : float, default 0.0
        Largest share of non-missing rows allowed in unknown categories, in [0, 1].
    on_new : {"fail", "warn", "ignore"}, default "warn"
        Status of a column with unknown categories whose share is within
        ``max_unknown_share`` (with the default share of 0, any unknown value already FAILs).
    calibration : mapping of column to {"n": int, "counts": list of int}, optional
        For allowed sets learned from a reference (:func:`~mlgates.quality_suite_from_reference`
        writes it): the reference's ``n`` non-missing values and their ``counts`` per allowed
        value (in the order of ``allowed[column]``). Rare categories of the reference make
        unknown values in a batch likely by chance, so the column FAILs only when its unknown
        share exceeds ``max_unknown_share`` *and* a permutation test of the split (pooled
        counts, :func:`mlgates.stats.sampling.new_category_pvalue`) gives ``p < alpha``; the
        p-value and level go into ``details["bound"]``. See docs/quality.md.
    alpha : float, default 0.001
        False-alarm level of that test, in (0, 1).
    where : str, optional
        Judge only the rows where this condition (in the rule language of
        :class:`~mlgates.RuleGate`) is true; see ``docs/quality.md#where``.
    name, blocking
        See :class:`~mlgates.Gate`.

    Notes
    -----
    Missing values are not judged here (see ``MissingValuesGate``). Reason codes:
    ``unknown_categories`` (share exceeded: FAIL), ``new_categories`` (unknown values within
    the share: ``on_new``), ``missing_column``, ``all_missing``, ``reference_required`` (no
    ``allowed`` entry and no reference), ``empty_input``, ``duplicate_columns``. Details list
    the number of unknown rows and distinct unknown values and the five most frequent
    unknown values with their counts.

    Examples
    --------
    >>> import pandas as pd
    >>> from mlgates import CategoryGate
    >>> ref = pd.DataFrame({"color": ["red", "green", "blue", "red"]})
    >>> cur = pd.DataFrame({"color": ["red", "green", "purple", "red"]})
    >>> v = CategoryGate().check(reference=ref, current=cur)
    >>> v.status, v.findings[0].message
    (<Status.FAIL: 'fail'>, "color: 25.0% of rows in 1 unknown category (e.g. 'purple') > 0.0% allowed")
    >>> CategoryGate(max_unknown_share=0.3).check(reference=ref, current=cur).status
    <Status.WARN: 'warn'>
    >>> CategoryGate(allowed={"color": ["red", "green", "purple"]}).check(current=cur).status
    <Status.PASS: 'pass'>
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "columns": ["columns", None],
        "allowed": ["mapping", None],
        "max_unknown_share": [Interval("real", 0, 1)],
        "on_new": [Options("fail", "warn", "ignore")],
        "calibration": ["mapping", None],
        "alpha": [Interval("real", 0, 1, closed="neither")],
    }

    def __init__(
        self,
        *,
        columns: str | Sequence[str] | None = None,
        allowed: Mapping[str, Sequence[Any]] | None = None,
        max_unknown_share: float = 0.0,
        on_new: str = "warn",
        calibration: Mapping[str, Mapping[str, Any]] | None = None,
        alpha: float = DEFAULT_ALPHA,
        where: str | None = None,
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.where = where
        self.columns = columns
        self.allowed = allowed
        self.max_unknown_share = max_unknown_share
        self.on_new = on_new
        self.calibration = calibration
        self.alpha = alpha

    def _validate_params(self) -> None:
        check_calibration("CategoryGate", self.calibration, self.alpha, counts=True)
        for col, spec in (self.calibration or {}).items():
            values = (self.allowed or {}).get(col)
            if values is None or len(spec["counts"]) != len(values):
                raise parameter_error(
                    "CategoryGate",
                    f"calibration[{col!r}]",
                    f"counts aligned with allowed[{col!r}] (one per allowed value)",
                    dict(spec),
                )
        if self.allowed is not None:
            check_string_keys("CategoryGate", "allowed", self.allowed)
            for col, values in self.allowed.items():
                if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, Sequence):
                    raise parameter_error("CategoryGate", f"allowed[{col!r}]", "a list of values", values)
                bad = [v for v in values if v is None or (isinstance(v, float) and v != v)]
                if bad:
                    raise parameter_error(
                        "CategoryGate",
                        f"allowed[{col!r}]",
                        "a list of non-missing values",
                        list(values),
                        "remove None/NaN; missing values are judged by MissingValuesGate.",
                    )

    def required_inputs(self) -> tuple[str, ...]:
        return ("current",) if self.allowed is not None else ("current", "reference")

    def _check(self, ctx: CheckContext) -> Verdict:
        frame = frame_or_error(ctx)
        if self.columns is None and self.allowed is not None:
            cols: list[Any] = list(self.allowed)
        else:
            cols = resolve_columns(frame, self.columns, kinds=CATEGORY_KINDS)
        findings = []
        for col in cols:
            if col not in frame.columns:
                findings.append(absent(col, method="categories", available=frame.columns))
                continue
            screen = screened(ctx, col, explicit=self.columns is not None, method="categories")
            if screen is None and self.allowed is not None and str(col) in self.allowed:
                screen = screened(ctx, col, explicit=True, method="categories")
            findings.append(screen or guarded(partial(self._judge, ctx, col), col, "categories"))
        findings.extend(
            unknown_key_findings({"allowed": self.allowed}, frame.columns, skip=cols, method="categories")
        )
        n_new = sum(f.details.get("n_unknown_values", 0) for f in findings)
        return self._verdict(findings=findings, metrics={"n_unknown_values": n_new})

    # -- profiles (docs/scale.md): counts per value merged over chunks ---------------------
    def _selection(self, schema: pd.DataFrame, default: Any) -> list[Any]:
        if self.columns is None and self.allowed is not None:
            return list(self.allowed)
        return list(default())

    def _profile_needs(self, ctx: CheckContext, side: str) -> list[Any]:
        cur = Q.schema_of(ctx, "current") if ctx.table_kind("current") != "absent" else None
        ref = Q.schema_of(ctx, "reference") if ctx.table_kind("reference") != "absent" else None
        base = cur if cur is not None else ref
        if base is None:
            return []
        cols = self._selection(base, lambda: Q.candidates(base, self.columns, CATEGORY_KINDS))
        if side == "current":
            assert cur is not None
            present = [c for c in cols if c in cur.columns]
            return [Rows(), *Q.type_needs(cur, present), *(Values(c) for c in present)]
        if ref is None:
            return []
        learned = [
            c for c in cols if c in ref.columns and (self.allowed is None or str(c) not in self.allowed)
        ]
        return [Values(c) for c in learned]

    def _check_profile(self, ctx: CheckContext) -> Verdict:
        schema, n = Q.table(ctx)
        cols = self._selection(schema, lambda: Q.resolve(schema, self.columns, ctx, CATEGORY_KINDS))
        findings = []
        for col in cols:
            if col not in schema.columns:
                findings.append(absent(col, method="categories", available=schema.columns))
                continue
            screen = Q.screened(ctx, col, schema, explicit=self.columns is not None, method="categories")
            if screen is None and self.allowed is not None and str(col) in self.allowed:
                screen = Q.screened(ctx, col, schema, explicit=True, method="categories")
            findings.append(screen or guarded(partial(self._judge_profile, ctx, col, n), col, "categories"))
        findings.extend(
            unknown_key_findings({"allowed": self.allowed}, schema.columns, skip=cols, method="categories")
        )
        n_new = sum(f.details.get("n_unknown_values", 0) for f in findings)
        return self._verdict(findings=findings, metrics={"n_unknown_values": n_new})

    def _judge_profile(self, ctx: CheckContext, col: Any, n: int) -> Finding:
        from_reference = self.allowed is None or str(col) not in self.allowed
        has_ref = ctx.table_kind("reference") != "absent"
        if from_reference and has_ref:
            ref = Q.schema_of(ctx, "reference")
            if col not in ref.columns:
                return absent(col, "reference", method="categories", available=ref.columns)
        if not from_reference:
            allowed: pd.Index | None = pd.Index(list(self.allowed[str(col)]), dtype=object)  # type: ignore[index]
        elif has_ref:
            learned = ctx.summary("reference", Values(col))
            if learned.overflow:
                return _too_many(col, learned.max_distinct, "reference")
            allowed = pd.Index(list(learned.counts), dtype=object)
        else:
            allowed = None
        if allowed is None:
            return self._no_allowed(col)
        counts = ctx.summary("current", Values(col))
        if counts.overflow:
            return _too_many(col, counts.max_distinct, "current")
        index, numbers = Q.sorted_counts(counts.counts)
        if len(index) and isinstance(index[0], (bool, np.bool_)):
            index = pd.Index(index.tolist(), dtype=bool) if all(isinstance(v, bool) for v in index) else index
        return self._finding(col, index, numbers, allowed, n)

    def _allowed_for(self, ctx: CheckContext, col: Any) -> pd.Index | None:
        if self.allowed is not None and str(col) in self.allowed:
            return pd.Index(list(self.allowed[str(col)]), dtype=object)
        if not ctx.has("reference"):
            return None
        ref = frame_or_error(ctx, "reference")
        if col not in ref.columns:  # reported as missing_column by _judge
            return pd.Index([], dtype=object)
        index, counts = value_counts(ctx, "reference", col)
        return index[counts > 0]

    def _judge(self, ctx: CheckContext, col: Any) -> Finding:
        from_reference = self.allowed is None or str(col) not in self.allowed
        if from_reference and ctx.has("reference") and col not in frame_or_error(ctx, "reference").columns:
            return absent(
                col, "reference", method="categories", available=frame_or_error(ctx, "reference").columns
            )
        allowed = self._allowed_for(ctx, col)
        if allowed is None:
            return self._no_allowed(col)
        index, counts = value_counts(ctx, "current", col)
        keep = counts > 0
        return self._finding(col, index[keep], counts[keep], allowed, len(ctx.frame("current")))

    def _no_allowed(self, col: Any) -> Finding:
        return Finding(
            str(col),
            Status.ERROR,
            method="categories",
            reason="reference_required",
            message=f"{col}: no allowed values given and no reference to learn them from",
        )

    def _finding(self, col: Any, index: pd.Index, counts: np.ndarray, allowed: pd.Index, n: int) -> Finding:
        """The column's finding from the counts of its values, most frequent first."""
        n_checked = int(counts.sum())
        if n_checked == 0:
            return all_missing(col, n, "categories")
        known = _isin(index, allowed)
        unknown_idx, unknown_counts = index[~known], counts[~known]
        n_unknown = int(unknown_counts.sum())
        share = n_unknown / n_checked
        n_values = len(unknown_idx)
        shown = top_examples(unknown_idx, unknown_counts)
        eg = ", ".join(repr(e["value"]) for e in shown[:3])
        limit = crossed = self.max_unknown_share
        over = not share <= limit
        bound = self._chance(col, index, counts, known) if over else None
        note = ""
        if bound is not None:
            cmp = "<" if bound["pvalue"] < self.alpha else ">="
            note = f"chance p={bound['pvalue']:.2g} {cmp} {self.alpha:.2g} given the reference's counts"
            over = bound["pvalue"] < self.alpha  # beyond the tolerance, but as many as chance gives
        if over:
            status, reason = Status.FAIL, "unknown_categories"
            message = with_notes(
                f"{col}: {share_text(share)} of rows in {pluralize(n_values, 'unknown category')} "
                f"(e.g. {eg}) > {share_text(limit)} allowed",
                note,
            )
        elif n_values and self.on_new != "ignore":
            status = Status.FAIL if self.on_new == "fail" else Status.WARN
            reason = "new_categories"
            crossed = 0.0  # on_new flags any new category: the bound crossed is a share of 0
            message = with_notes(
                f"{col}: {pluralize(n_values, 'new category')} (e.g. {eg}) in {share_text(share)} of rows",
                f"<= {share_text(limit)} allowed" if share <= limit else "",
                note,
            )
        else:
            status, reason = Status.PASS, None
            message = with_notes(
                f"{col}: {share_text(share)} of rows in unknown categories <= {share_text(limit)} allowed",
                note,
            )
        extra: dict[str, Any] = {"bound": bound} if bound is not None else {}
        return Finding(
            str(col),
            status,
            statistic=share,
            threshold=crossed,
            method="categories",
            reason=reason,
            message=message,
            details={
                "n_unknown_rows": n_unknown,
                "n_unknown_values": n_values,
                "n_checked": n_checked,
                "n_allowed": len(allowed),
                "examples": shown,
                **extra,
            },
        )

    def _chance(
        self, col: Any, index: pd.Index, counts: np.ndarray, known: np.ndarray
    ) -> dict[str, Any] | None:
        """The permutation test of the unknown rows given the reference's counts, or None."""
        spec = (self.calibration or {}).get(str(col))
        if spec is None:
            return None
        from mlgates.stats.sampling import new_category_pvalue

        allowed = pd.Index(list((self.allowed or {})[str(col)]), dtype=object)
        ref_counts = np.asarray(spec["counts"], dtype=np.int64)
        cur_known = np.zeros(len(allowed), dtype=np.int64)
        pos = allowed.get_indexer(pd.Index(index[known], dtype=object))
        np.add.at(cur_known, pos[pos >= 0], counts[known][pos >= 0])
        unknown = counts[~known].astype(np.int64)
        p = new_category_pvalue(
            np.r_[ref_counts, np.zeros(unknown.size, dtype=np.int64)],
            np.r_[cur_known, unknown],
            alpha=self.alpha,
        )
        return {
            "pvalue": p,
            "alpha": float(self.alpha),
            "m": int(counts.sum()),
            "n_reference": int(spec["n"]),
            "method": "permutation",
            "formula": "P(K >= K_obs) over random splits of the pooled counts",
        }


def _isin(values: pd.Index, allowed: pd.Index) -> np.ndarray:
    """Membership that matches 1 with 1.0 and True only with True (not 1)."""
    if values.dtype == bool or str(values.dtype) == "boolean":
        flags = [v for v in allowed if isinstance(v, (bool, np.bool_))]
        return np.asarray(values.isin(flags), dtype=bool)
    return np.asarray(pd.Index(values, dtype=object).isin(allowed), dtype=bool)


def _too_many(col: Any, cap: int, side: str) -> Finding:
    return Finding(
        str(col),
        Status.SKIP,
        method="categories",
        reason="distinct_values_exceeded",
        message=f"{col}: more than {cap:,} distinct values in {side}; the categories are not counted "
        "in chunks beyond that: check on a DataFrame",
        details={"n_distinct_more_than": cap},
    )

"""OutlierGate: the share of values beyond IQR or robust z-score fences."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from mlgates.core.context import CheckContext, Side
from mlgates.core.finding import Finding
from mlgates.core.params import ON_INSUFFICIENT, Interval, Options, insufficient_status, parameter_error
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.gates._columns import column_kind, share_text, unknown_key_findings
from mlgates.gates.quality import _profiled as Q
from mlgates.gates.quality._chance import DEFAULT_ALPHA, check_calibration, judge_share, with_notes
from mlgates.gates.quality._common import (
    NUMERIC_KINDS,
    absent,
    all_missing,
    check_share_mapping,
    check_string_keys,
    examples,
    frame_or_error,
    kind_of,
    minmax,
    numeric,
    per_column,
    resolve_columns,
    screened,
    unsupported,
)
from mlgates.gates.quality._where import QualityGate
from mlgates.profiles.select import resolved
from mlgates.profiles.summaries import Fences, Outside, Rows, Stats
from mlgates.stats.quality import iqr_fences, outside_counts, robust_z_fences

__all__ = ["OutlierGate"]

_DEFAULT_FACTOR = {"iqr": 1.5, "robust_z": 3.5}
_DEFAULT_SHARE = 0.05


class OutlierGate(QualityGate):
    """Per numeric column, the share of values beyond outlier fences is at most ``max_share``.

    Parameters
    ----------
    columns : str or list of str, optional
        Columns to check. By default the keys of ``fences`` when given, else of
        ``max_share`` when it is a mapping, else every integer or float column (booleans
        excluded).
    method : {"iqr", "robust_z"}, default "iqr"
        ``"iqr"``: Tukey fences ``[Q1 - factor * IQR, Q3 + factor * IQR]``. ``"robust_z"``:
        values whose robust z-score ``0.6745 * |x - median| / MAD`` exceeds ``factor``
        (Iglewicz and Hoaglin, 1993).
    factor : float, optional
        Fence multiplier; 1.5 for ``"iqr"`` and 3.5 for ``"robust_z"`` by default.
    fences_from : {"current", "reference"}, default "current"
        Where the quartiles/median are computed. ``"reference"`` catches a shifted
        ``current`` whose own quartiles moved with it (and then needs ``reference``).
    fences : mapping of column to {"low": float, "high": float}, optional
        Fixed fences per column (keys are column names as str), e.g. computed once from a
        reference by :func:`~mlgates.quality_suite_from_reference` and kept in the suite
        file. For these columns ``method``, ``factor`` and ``fences_from`` are not used and
        no quantile is computed at check time.
    max_share : float or mapping of column to float, default 0.05
        Largest share of non-missing values beyond the fences, in [0, 1]; a mapping sets it
        per column (keys are column names as str).
    min_samples : int, default 10
        Fewer finite values than this cannot place fences: reason ``insufficient_samples``.
    on_insufficient : {"warn", "fail", "error", "skip"}, default "warn"
        Status for a column below ``min_samples``.
    calibration : mapping of column to {"n": int, "k": int}, optional
        For fences learned from a reference (:func:`~mlgates.quality_suite_from_reference`
        writes it): ``n`` reference values, ``k`` of them beyond the fences. A batch of ``m``
        values may then have as many values beyond them as chance allows at false-alarm
        level ``alpha`` (``K ~ BetaBinomial(m, k + 2, n - k - 1)``, at least one row), or
        ``max_share * m`` if that is larger. See docs/quality.md.
    alpha : float, default 0.001
        False-alarm level of that sampling bound, in (0, 1).
    where : str, optional
        Judge only the rows where this condition (in the rule language of
        :class:`~mlgates.RuleGate`) is true; see ``docs/quality.md#where``.
    name, blocking
        See :class:`~mlgates.Gate`.

    Notes
    -----
    A column whose IQR (or MAD) is 0 has degenerate fences: every value off the central value
    is an outlier; details flag it with ``"degenerate": true``. Reason codes:
    ``outlier_share_exceeded`` (FAIL), ``insufficient_samples``, ``all_missing`` (ERROR),
    ``unsupported_dtype``, ``missing_column``, ``empty_input``, ``duplicate_columns``.
    Findings on fixed fences have method ``"fixed_fences"``. Details hold the fences,
    ``n_low``, ``n_high``, ``n_checked``, up to five offending values and, with
    ``calibration``, the ``bound`` (allowed count, sampling and material counts, ``alpha``).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from mlgates import OutlierGate
    >>> df = pd.DataFrame({"x": np.r_[np.arange(1.0, 20.0), 500.0]})
    >>> v = OutlierGate(max_share=0.01).check(current=df)
    >>> v.findings[0].message
    'x: 5.0% of values beyond IQR fences [-8.5, 29.5] > 1.0% allowed (e.g. 500.0)'
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "columns": ["columns", None],
        "method": [Options("iqr", "robust_z")],
        "factor": [Interval("real", 0, None, closed="neither"), None],
        "fences_from": [Options("current", "reference")],
        "fences": ["mapping", None],
        "max_share": [Interval("real", 0, 1), "mapping"],
        "min_samples": [Interval("int", 4, None)],
        "on_insufficient": [ON_INSUFFICIENT],
        "calibration": ["mapping", None],
        "alpha": [Interval("real", 0, 1, closed="neither")],
    }

    def __init__(
        self,
        *,
        columns: str | Sequence[str] | None = None,
        method: str = "iqr",
        factor: float | None = None,
        fences_from: str = "current",
        fences: Mapping[str, Mapping[str, float]] | None = None,
        max_share: float | Mapping[str, float] = _DEFAULT_SHARE,
        min_samples: int = 10,
        on_insufficient: str = "warn",
        calibration: Mapping[str, Mapping[str, int]] | None = None,
        alpha: float = DEFAULT_ALPHA,
        where: str | None = None,
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.where = where
        self.columns = columns
        self.method = method
        self.factor = factor
        self.fences_from = fences_from
        self.fences = fences
        self.max_share = max_share
        self.min_samples = min_samples
        self.on_insufficient = on_insufficient
        self.calibration = calibration
        self.alpha = alpha

    def _validate_params(self) -> None:
        check_share_mapping("OutlierGate", "max_share", self.max_share)
        check_calibration("OutlierGate", self.calibration, self.alpha)
        if self.fences is not None:
            check_string_keys("OutlierGate", "fences", self.fences)
            real = Interval("real", None, None)
            for col, spec in self.fences.items():
                if (
                    not isinstance(spec, Mapping)
                    or set(spec) != {"low", "high"}
                    or not all(real.is_satisfied_by(v) for v in spec.values())
                    or spec["low"] > spec["high"]
                ):
                    raise parameter_error(
                        "OutlierGate",
                        f"fences[{col!r}]",
                        'a mapping {"low": float, "high": float} with low <= high',
                        spec,
                    )

    def required_inputs(self) -> tuple[str, ...]:
        if self.fences_from == "reference" and not self._all_fixed():
            return ("current", "reference")
        return ("current",)

    def _all_fixed(self) -> bool:
        if self.fences is None:
            return False
        if self.columns is None:
            return True
        cols = [self.columns] if isinstance(self.columns, str) else list(self.columns)
        return all(str(c) in self.fences for c in cols)

    @property
    def _factor(self) -> float:
        return float(self.factor) if self.factor is not None else _DEFAULT_FACTOR[self.method]

    def _check(self, ctx: CheckContext) -> Verdict:
        frame = frame_or_error(ctx)
        if self.columns is None and self.fences is not None:
            cols: list[Any] = list(self.fences)
        elif self.columns is None and isinstance(self.max_share, Mapping):
            cols = list(self.max_share)
        else:
            cols = resolve_columns(frame, self.columns, kinds=NUMERIC_KINDS)
        side: Side = "reference" if self.fences_from == "reference" and not self._all_fixed() else "current"
        source = frame_or_error(ctx, side)
        findings = []
        for col in cols:
            if col not in frame.columns or (
                col not in source.columns and str(col) not in (self.fences or {})
            ):
                where = "current" if col not in frame.columns else side
                findings.append(
                    absent(
                        col,
                        where,
                        method=self.method,
                        available=(frame if where == "current" else source).columns,
                    )
                )
                continue
            kind = kind_of(ctx, "current", col)
            fixed = self.fences is not None and str(col) in self.fences
            listed = self.columns is not None or fixed or isinstance(self.max_share, Mapping)
            screen = screened(ctx, col, explicit=listed, method=self.method)
            if screen is None and not fixed and side == "reference":
                screen = screened(ctx, col, explicit=listed, method=self.method, side=side)
            if screen is not None:
                findings.append(screen)
                continue
            if kind not in NUMERIC_KINDS or (not fixed and kind_of(ctx, side, col) not in NUMERIC_KINDS):
                findings.append(unsupported(col, kind, "an integer or float column", self.method))
                continue
            findings.append(self._judge(ctx, col, side))
        findings.extend(
            unknown_key_findings(
                {"fences": self.fences, "max_share": self.max_share},
                frame.columns,
                skip=cols,
                method=self.method,
            )
        )
        return self._verdict(findings=findings, params={"factor": self._factor})

    def _fences(self, ctx: CheckContext, side: Side, col: Any) -> tuple[float, float]:
        fn = iqr_fences if self.method == "iqr" else robust_z_fences
        key = ("quality.fences", side, col, self.method, self._factor)
        return ctx.cached(key, lambda: fn(numeric(ctx, side, col), self._factor))  # type: ignore[no-any-return]

    # -- profiles (docs/scale.md): counts beyond fences fixed or from the reference --------
    def _profile_columns(self, schema: pd.DataFrame, default: Any) -> list[Any]:
        if self.columns is None and self.fences is not None:
            return list(self.fences)
        if self.columns is None and isinstance(self.max_share, Mapping):
            return list(self.max_share)
        return list(default())

    def _fixed(self, col: Any) -> bool:
        return self.fences is not None and str(col) in self.fences

    def _profile_needs(self, ctx: CheckContext, side: str) -> list[Any]:
        if ctx.table_kind("current") == "absent":
            base = Q.schema_of(ctx, "reference")
        else:
            base = Q.schema_of(ctx, "current")
        cols = self._profile_columns(base, lambda: Q.candidates(base, self.columns, NUMERIC_KINDS))
        from_ref = self.fences_from == "reference"
        if side == "reference":
            if not from_ref or ctx.table_kind("reference") == "absent":
                return []
            ref = Q.schema_of(ctx, "reference")
            return [
                Fences(c, self.method, self._factor)
                for c in cols
                if not self._fixed(c) and c in ref.columns and column_kind(ref[c]) in NUMERIC_KINDS
            ]
        out: list[Any] = [Rows(), *Q.type_needs(base, cols)]
        for col in cols:
            if col not in base.columns or column_kind(base[col]) not in NUMERIC_KINDS:
                continue
            out.append(Stats(col))
            fences = self._profile_fences(ctx, col)
            if fences is not None:
                out.append(Outside(col, fences[0], fences[1], "both"))
        return out

    def _profile_fences(self, ctx: CheckContext, col: Any) -> tuple[float, float] | None:
        """Fixed fences, or the reference's; None when they would come from current."""
        if self._fixed(col):
            spec = self.fences[str(col)]  # type: ignore[index]
            return float(spec["low"]), float(spec["high"])
        if self.fences_from != "reference":
            return None
        ref = Q.schema_of(ctx, "reference")
        if col not in ref.columns or column_kind(ref[col]) not in NUMERIC_KINDS:
            return None
        return resolved(ctx, "reference", Fences(col, self.method, self._factor)).fences  # type: ignore[no-any-return]

    def _check_profile(self, ctx: CheckContext) -> Verdict:
        schema, n = Q.table(ctx)
        cols = self._profile_columns(schema, lambda: Q.resolve(schema, self.columns, ctx, NUMERIC_KINDS))
        side: Side = "reference" if self.fences_from == "reference" and not self._all_fixed() else "current"
        source = Q.schema_of(ctx, side)
        findings = []
        for col in cols:
            if col not in schema.columns or (col not in source.columns and not self._fixed(col)):
                where = "current" if col not in schema.columns else side
                available = (schema if where == "current" else source).columns
                findings.append(absent(col, where, method=self.method, available=available))
                continue
            kind = Q.kind(ctx, "current", col, schema)
            fixed = self._fixed(col)
            listed = self.columns is not None or fixed or isinstance(self.max_share, Mapping)
            screen = Q.screened(ctx, col, schema, explicit=listed, method=self.method)
            if screen is None and not fixed and side == "reference":
                screen = Q.screened(ctx, col, source, explicit=listed, method=self.method, side=side)
            if screen is not None:
                findings.append(screen)
                continue
            if kind not in NUMERIC_KINDS or (
                not fixed and Q.kind(ctx, side, col, source) not in NUMERIC_KINDS
            ):
                findings.append(unsupported(col, kind, "an integer or float column", self.method))
                continue
            findings.append(self._judge_profile(ctx, col, side, n))
        findings.extend(
            unknown_key_findings(
                {"fences": self.fences, "max_share": self.max_share},
                schema.columns,
                skip=cols,
                method=self.method,
            )
        )
        return self._verdict(findings=findings, params={"factor": self._factor})

    def _judge_profile(self, ctx: CheckContext, col: Any, side: Side, n: int) -> Finding:
        limit = per_column(self.max_share, col, _DEFAULT_SHARE)
        stats = ctx.summary("current", Stats(col))
        fixed = self._fixed(col)
        if not fixed and side == "current":
            return Finding(
                str(col),
                Status.SKIP,
                threshold=limit,
                method=self.method,
                reason="needs_in_memory",
                message=f"{col}: fences from current's own quartiles need every value at once; use "
                "fences_from='reference' or fixed fences to check it in chunks, or check on a DataFrame",
            )
        fences = self._profile_fences(ctx, col)
        assert fences is not None
        n_source = stats.n_finite
        if not fixed:
            n_source = resolved(ctx, "reference", Fences(col, self.method, self._factor)).n_finite
        out = ctx.summary("current", Outside(col, fences[0], fences[1], "both"))
        return self._finding(
            col,
            limit,
            n,
            out.n_checked,
            stats.n_finite,
            n_source,
            side,
            fences,
            (out.n_below, out.n_above),
            out.example_values,
        )

    def _judge(self, ctx: CheckContext, col: Any, side: Side) -> Finding:
        values = numeric(ctx, "current", col)
        limit = per_column(self.max_share, col, _DEFAULT_SHARE)
        n = len(values)
        n_checked = int((~np.isnan(values)).sum())
        if n_checked == 0:
            return all_missing(col, n, self.method)
        fixed = self.fences is not None and str(col) in self.fences
        # fences are placed on finite values: infinities count as values, not as samples
        n_finite = int(np.isfinite(values).sum())
        if fixed or side == "current":
            n_source = n_finite
        else:
            n_source = int(np.isfinite(numeric(ctx, side, col)).sum())
        if not fixed and min(n_checked, n_source) < self.min_samples:
            return self._finding(col, limit, n, n_checked, n_finite, n_source, side, None, None, [])
        if fixed:
            spec = self.fences[str(col)]  # type: ignore[index]
            low, high = float(spec["low"]), float(spec["high"])
        else:
            low, high = self._fences(ctx, side, col)
        lo, hi, _ = minmax(ctx, "current", col)
        if lo >= low and hi <= high:
            n_low, n_high, mask = 0, 0, np.zeros(0, dtype=bool)
        else:
            n_low, n_high, mask = outside_counts(values, low, high, inclusive="both")
        shown = examples(values[mask]) if n_low + n_high else []
        return self._finding(
            col, limit, n, n_checked, n_finite, n_source, side, (low, high), (n_low, n_high), shown
        )

    def _finding(
        self,
        col: Any,
        limit: float,
        n: int,
        n_checked: int,
        n_finite: int,
        n_source: int,
        side: Side,
        fences: tuple[float, float] | None,
        outside: tuple[int, int] | None,
        shown: list[Any],
    ) -> Finding:
        """The column's finding from its counts (in memory or merged from chunks)."""
        if n_checked == 0:
            return all_missing(col, n, self.method)
        fixed = self.fences is not None and str(col) in self.fences
        if not fixed and min(n_checked, n_source) < self.min_samples:
            status = insufficient_status(self.on_insufficient)
            n_inf = n_checked - n_finite
            if n_source <= n_checked:
                counted = f"{n_source:,} finite values" + ("" if side == "current" else f" in {side}")
            else:
                counted = f"{n_checked:,} values"
            also = f" ({n_inf:,} of {n_checked:,} current values are infinite)" if n_inf else ""
            return Finding(
                str(col),
                status,
                threshold=limit,
                method=self.method,
                reason="insufficient_samples",
                message=f"{col}: {counted} < min_samples={self.min_samples}{also}; "
                "fences cannot be placed, so no outlier share can be judged",
                details={
                    "n_checked": n_checked,
                    "n_finite": n_finite,
                    "n_source_finite": n_source,
                    "min_samples": self.min_samples,
                },
            )
        assert fences is not None and outside is not None
        low, high = fences
        n_low, n_high = outside
        share = (n_low + n_high) / n_checked
        d = judge_share(
            n_low + n_high,
            n_checked,
            limit,
            None,
            calibration=self.calibration,
            subject=str(col),
            alpha=self.alpha,
            ends=2,
            at_least_one=True,
        )
        label = "fixed fences" if fixed else ("IQR fences" if self.method == "iqr" else "robust z fences")
        message = f"{col}: {share_text(share)} of values beyond {label} [{low:g}, {high:g}] {d.tail()}"
        eg = f"e.g. {', '.join(map(str, shown[:3]))}" if d.exceeded and shown else ""
        return Finding(
            str(col),
            d.status,
            statistic=share,
            threshold=d.threshold,
            method="fixed_fences" if fixed else self.method,
            reason="outlier_share_exceeded" if d.exceeded else None,
            message=with_notes(message, eg, d.note()),
            details={
                "low": low,
                "high": high,
                "fences_from": "fixed" if fixed else side,
                "n_low": n_low,
                "n_high": n_high,
                "n_checked": n_checked,
                "degenerate": bool(low == high),
                "examples": shown,
                **d.details(),
            },
        )

"""quality_suite_from_reference: a reviewable data-quality suite with thresholds derived from a
reference table and explicit tolerances."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from mlgates.core.errors import ParameterError
from mlgates.core.gate import Gate
from mlgates.core.params import Interval, Options, parameter_error
from mlgates.core.suite import Suite
from mlgates.gates._columns import UNSUPPORTED_KINDS, column_kind
from mlgates.gates.quality._common import UNGROUPABLE, exact_duplicate_mask, pandas_table
from mlgates.gates.quality._infer_statistics import StatisticBounds
from mlgates.gates.quality._infer_statistics import round_out as _round_out
from mlgates.gates.quality.categories import CategoryGate
from mlgates.gates.quality.health import ConstantColumnGate, InfiniteValuesGate, MixedTypesGate
from mlgates.gates.quality.integrity import ConflictingLabelsGate, FeatureLeakageGate, TrainTestLeakageGate
from mlgates.gates.quality.missing import MissingValuesGate
from mlgates.gates.quality.outliers import OutlierGate
from mlgates.gates.quality.ranges import RangeGate
from mlgates.gates.quality.rows import RowCountGate
from mlgates.gates.quality.schema import SchemaGate
from mlgates.gates.quality.strings import StringGate
from mlgates.gates.quality.time import MonotonicGate
from mlgates.gates.quality.uniqueness import DuplicateRowsGate, UniqueGate
from mlgates.stats.quality import iqr_fences, outside_counts

__all__ = ["quality_suite_from_reference"]

_OWNER = "quality_suite_from_reference"
#: A reference needs at least this many non-missing values before a column is declared unique.
MIN_ROWS_FOR_UNIQUE = 20


def quality_suite_from_reference(
    reference: pd.DataFrame,
    *,
    tolerance: float = 0.01,
    range_margin: float = 0.1,
    range_outside_share: float = 0.001,
    max_categories: int = 50,
    new_categories: str = "warn",
    min_rows: int = 1,
    outliers: bool = True,
    statistics: bool = True,
    statistic_margin: float = 1.0,
    min_row_ratio: float | None = None,
    max_row_ratio: float | None = None,
    correlations: bool = False,
    max_correlation_change: float = 0.2,
    target: str | None = None,
    leakage: bool = False,
    alpha: float = 0.01,
    name: str = "data quality",
) -> Suite:
    """Build a data-quality :class:`~mlgates.Suite` whose thresholds come from ``reference``.

    The result is plain configuration: ``save_suite(suite, "quality.toml")`` writes a file a
    person can review in a pull request and edit; ``load_suite`` reads it back identical.
    Thresholds are the reference's own values loosened by explicit tolerances, never the exact
    reference extremes (which would fail the next batch by chance).

    Every share bound also allows for sampling at the sizes at hand: each gate keeps the
    reference's counts (``calibration``: ``n`` values judged, ``k`` breaking the rule) and,
    at check time, allows a batch of ``m`` rows as many breaks as chance allows at a
    false-alarm level ``alpha / n_bounds`` (order statistics and beta-binomial or binomial
    tails, see docs/quality.md), whenever that is more than the material tolerance. A batch
    drawn like the reference therefore FAILs the suite with probability at most ``alpha``,
    at any size.

    Parameters
    ----------
    reference : pandas.DataFrame
        The table that defines "good" data (e.g. the training set); a polars or pyarrow table
        is converted with its ``to_pandas()``. Column names must be
        unique strings (suite files key thresholds by column name).
    tolerance : float, default 0.01
        Added to every observed share (missing values, unknown categories, duplicated rows,
        outliers, conflicting labels, train/test overlap, string rule breaks) to give the
        largest share allowed. Shares are rounded up to 4 decimals and capped at 1.
    range_margin : float, default 0.1
        Numeric ranges are the reference's finite ``[min, max]`` widened by this fraction of
        the span on each side (of ``max(|min|, 1)`` for a constant column). A column that is
        non-negative in the reference keeps 0 as its lower bound; integer columns get integer
        bounds; float bounds are rounded outwards to 6 significant digits. String lengths are
        widened by the same fraction (floor/ceil).
    range_outside_share : float, default 0.001
        Share of non-missing values allowed outside the widened range
        (:class:`RangeGate` ``max_share_outside``): a large batch draws values beyond the
        reference's extremes by chance (one in a million is not a broken pipeline; one in a
        hundred is). Use 0 to fail on any value outside.
    max_categories : int, default 50
        String, categorical and boolean columns with at most this many distinct values get
        an allowed-category list; string columns with more get length and whitespace rules.
    new_categories : {"warn", "fail", "ignore"}, default "warn"
        Status of a column with categories unseen in the reference whose share stays within
        ``tolerance`` (beyond it the column FAILs): :class:`CategoryGate` ``on_new``.
    min_rows : int, default 1
        Fewest rows a checked table must have (:class:`RowCountGate`).
    outliers : bool, default True
        Add an :class:`OutlierGate` with fixed fences: Tukey's 1.5 IQR fences of each numeric
        column computed on the reference (rounded outwards to 6 significant digits) and kept
        in the file; the share of current values beyond them may be the reference's share
        plus ``tolerance``. Columns with a zero IQR, binary integer columns and columns with
        fewer than 10 finite values get none.
    statistics : bool, default True
        Add :class:`StatisticGate` bounds on the mean, the standard deviation and the median
        of each numeric column (except ``target``) with at least 30 finite values, three
        distinct values and no infinity in the reference. Each bound starts from the
        reference's own 99.9% interval of the statistic (so the reference's sampling error is
        covered) and is widened by ``statistic_margin``. The gates judge with intervals
        (``decision="ci"``) at ``confidence = 1 - 2 * level``, ``level`` being these bounds'
        share of ``alpha`` (recorded in the file as the gate's ``confidence``): a batch drawn
        like the reference FAILs a bound with probability at most ``level`` where the interval
        holds its level, and each gate's ``min_samples`` (per column) is the batch size from
        which a simulation from the reference confirms it; smaller batches are skipped.
    statistic_margin : float, default 1.0
        How far the statistics may move beyond the reference's interval: the mean and the
        median by this many reference standard deviations, the standard deviation by a factor
        ``1 + statistic_margin`` (down: divided by it). The default catches broken data (a
        unit change, a zeroed or rescaled column) and leaves distribution shift to the drift
        gates; 0.25 is a tighter contract. Bounds are rounded outwards to 6 significant digits.
    min_row_ratio, max_row_ratio : float, optional
        Add ``RowCountGate(compare_to="reference", min_ratio=..., max_ratio=...)`` (named
        ``row_ratio``): the checked table's rows relative to the reference's. Off by default:
        the reference is usually the training set, whose size says nothing about a batch's;
        use it when the reference is the previous batch.
    correlations : bool, default False
        Add :class:`CorrelationChangeGate` (named ``correlations``) over the numeric columns
        (target excluded): a pair fails when its Spearman correlation moved by more than
        ``max_correlation_change`` against the reference and the change is significant at the
        gate's share of ``alpha`` (Holm over the pairs). Off by default because it compares with
        the reference at check time: the suite then needs ``check(reference=..., current=...)``.
        A random split of the same data passes it (tests/gates/quality/test_quality_infer.py).
    max_correlation_change : float, default 0.2
        The material change of a correlation for ``correlations=True``.
    target : str, optional
        The label column: adds :class:`ConflictingLabelsGate` (reference share plus
        ``tolerance``) and, for a binary or numeric target, a non-blocking
        :class:`FeatureLeakageGate` (leakage needs evidence beyond a strong score: a perfect
        split, a score whose lower confidence bound exceeds 0.99, or a name derived from the
        target's; the reference's own scores are not used, so a feature that already leaks
        in the reference is reported).
    leakage : bool, default False
        Add :class:`TrainTestLeakageGate` (``reference`` = training set): the share of current
        rows found in the reference may be the reference's own duplicate share plus
        ``tolerance`` (what independent draws would show).
    alpha : float, default 0.01
        False-alarm level of the whole suite on data drawn like the reference, in (0, 1):
        split evenly (Bonferroni) over the suite's sampling bounds (each gate's ``alpha``)
        and statistic bounds (each :class:`StatisticGate`'s ``confidence`` is ``1 - 2 *
        level``).
    name : str, default "data quality"
        The suite's name.

    Returns
    -------
    Suite
        Gates in this order (each only when the reference has a column it applies to):
        schema (kinds of every column), row_count, row_ratio (with ``min_row_ratio`` or
        ``max_row_ratio``), missing_values, ranges, categories,
        strings (one per high-cardinality string column), unique_keys (columns unique in a
        reference of at least 20 rows), duplicate_rows, constant_columns (columns that vary in
        the reference), infinite_values (float columns without infinities in the reference),
        mixed_types (object columns holding one type), outliers, statistics: mean,
        statistics: std, statistics: median, monotonic (datetime columns increasing in the
        reference), conflicting_labels, feature_leakage, train_test_leakage. All-missing
        reference columns get schema and missing checks only.

    Raises
    ------
    ParameterError
        For an empty reference, duplicate or non-string column names (naming the column),
        a ``target`` not in the reference, or an invalid tolerance.

    Examples
    --------
    >>> import pandas as pd
    >>> from mlgates import quality_suite_from_reference
    >>> ref = pd.DataFrame({"age": [23, 35, 47, 59, 61] * 40,
    ...                     "city": pd.Series(["Oslo", "Rome"] * 100, dtype="string")})
    >>> suite = quality_suite_from_reference(ref, outliers=False, statistics=False)
    >>> [g.name for g in suite.gates]
    ['schema', 'row_count', 'missing_values', 'ranges', 'categories', 'duplicate_rows', 'constant_columns']
    >>> ranges = suite.gates[3]
    >>> ranges.bounds, ranges.calibration, ranges.alpha
    ({'age': {'min': 19, 'max': 65}}, {'age': {'n': 200, 'k': 0}}, 0.0014)
    >>> cur = pd.DataFrame({"age": [30, 70, 41, 52, 80, 33, 90, 47], "city": ["Oslo", "Rome"] * 4})
    >>> v = suite.check(current=cur)
    >>> v.status
    <Status.FAIL: 'fail'>
    >>> print(v.children[3].findings[0].message)
    age: 37.5% of values outside [19, 65] > 25.0% allowed (3 above; sampling bound: 2 of 8 at
    false-alarm level 0.0014, reference 0 of 200)
    """
    reference = pandas_table(reference, _OWNER, "reference")  # polars/pyarrow converted
    _validate(reference, tolerance, range_margin, max_categories, new_categories, min_rows, target)
    if not Interval("real", 0, 1).is_satisfied_by(range_outside_share):
        raise parameter_error(_OWNER, "range_outside_share", "a float in [0, 1]", range_outside_share)
    _validate_learned(statistics, statistic_margin, min_row_ratio, max_row_ratio)
    if not isinstance(correlations, bool):
        raise parameter_error(_OWNER, "correlations", "True or False", correlations)
    if not Interval("real", 0, 2, closed="right").is_satisfied_by(max_correlation_change):
        raise parameter_error(
            _OWNER,
            "max_correlation_change",
            "a float in (0, 2] (a change of correlation)",
            max_correlation_change,
        )
    if not Interval("real", 0, 1, closed="neither").is_satisfied_by(alpha):
        raise parameter_error(_OWNER, "alpha", "a float in (0, 1)", alpha)
    ref = reference
    n = len(ref)
    kinds = {c: column_kind(ref[c]) for c in ref.columns}
    # Gates with sampling bounds are built by _Calibrated once every bound is counted, so that
    # each gets its share alpha / n_bounds of the suite's false-alarm level.
    pending: list[Gate | _Calibrated | StatisticBounds | _Correlations] = [
        SchemaGate(columns=dict(kinds), name="schema"),
        RowCountGate(min_rows=min_rows, name="row_count"),
    ]
    if min_row_ratio is not None or max_row_ratio is not None:
        pending.append(
            RowCountGate(
                min_rows=0,
                compare_to="reference",
                min_ratio=min_row_ratio,
                max_ratio=max_row_ratio,
                name="row_ratio",
            )
        )

    n_missing = {c: int(ref[c].isna().sum()) for c in ref.columns}
    missing = {c: _share(n_missing[c] / n, tolerance) for c in ref.columns}
    pending.append(
        _Calibrated(
            MissingValuesGate,
            {"max_share": missing, "name": "missing_values"},
            {c: _counts(n, k) for c, k in n_missing.items()},
        )
    )

    numeric_cols = [c for c in ref.columns if kinds[c] in ("integer", "float")]
    values = {c: ref[c].to_numpy(dtype="float64", na_value=np.nan) for c in numeric_cols}
    finite = {c: v[np.isfinite(v)] for c, v in values.items()}
    bounds = {
        c: _widen(finite[c], kinds[c] == "integer", range_margin) for c in numeric_cols if finite[c].size
    }
    if bounds:
        range_counts = {}
        for c, b in bounds.items():
            present = values[c][~np.isnan(values[c])]
            below, above, _ = outside_counts(present, b["min"], b["max"])
            range_counts[c] = _counts(present.size, below + above)
        pending.append(
            _Calibrated(
                RangeGate,
                {"bounds": bounds, "max_share_outside": range_outside_share, "name": "ranges"},
                range_counts,
            )
        )

    allowed: dict[str, list[Any]] = {}
    category_counts: dict[str, dict[str, Any]] = {}
    string_gates: list[_Calibrated] = []
    for c in ref.columns:
        if kinds[c] not in ("string", "categorical", "boolean"):
            continue
        counts = ref[c].value_counts(dropna=True)
        counts = counts[counts > 0]
        if len(counts) == 0:
            continue
        if len(counts) <= max_categories and all(
            isinstance(v, (str, bool, int, np.bool_, np.integer)) for v in counts.index
        ):
            pairs = sorted(
                ((_plain(v), int(k)) for v, k in counts.items()), key=lambda p: (type(p[0]).__name__, p[0])
            )
            allowed[c] = [v for v, _ in pairs]
            # rare categories make unseen ones likely: the gate tests on the pooled counts
            category_counts[c] = {"n": int(counts.sum()), "counts": [k for _, k in pairs]}
        elif kinds[c] == "string":
            string_gates.append(_string_gate(ref[c], c, range_margin, tolerance))
    if allowed:
        pending.append(
            _Calibrated(
                CategoryGate,
                {
                    "allowed": allowed,
                    "max_unknown_share": tolerance,
                    "on_new": new_categories,
                    "name": "categories",
                },
                category_counts,
            )
        )
    pending.extend(string_gates)

    unique = [c for c in ref.columns if kinds[c] in ("integer", "string") and _is_unique(ref[c])]
    if unique:
        pending.append(
            _Calibrated(
                UniqueGate,
                {"columns": unique, "name": "unique_keys"},
                {c: _counts(int(ref[c].notna().sum()), 0) for c in unique},
            )
        )

    n_dup = int(exact_duplicate_mask(ref).sum())
    dup_share = n_dup / n
    pending.append(
        _Calibrated(
            DuplicateRowsGate,
            {"max_share": _share(dup_share, tolerance), "name": "duplicate_rows"},
            {"rows": _counts(n, n_dup)},
        )
    )

    varying = [c for c in ref.columns if kinds[c] not in UNSUPPORTED_KINDS and _varies(ref[c], finite.get(c))]
    if varying:
        pending.append(
            _Calibrated(
                ConstantColumnGate,
                {"columns": varying, "name": "constant_columns"},
                {c: _off_mode(ref[c]) for c in varying},
            )
        )

    floats = [c for c in numeric_cols if kinds[c] == "float" and not np.isinf(values[c]).any()]
    if floats:
        pending.append(InfiniteValuesGate(columns=floats, name="infinite_values"))

    objects = [
        c
        for c in ref.columns
        if pd.api.types.is_object_dtype(ref[c].dtype) and ref[c].notna().any() and kinds[c] == "string"
    ]
    if objects:
        pending.append(MixedTypesGate(columns=objects, name="mixed_types"))

    if outliers:
        shares: dict[str, float] = {}
        fences: dict[str, dict[str, float]] = {}
        beyond: dict[str, dict[str, int]] = {}
        for c in numeric_cols:
            if (kinds[c] == "integer" and ref[c].nunique() <= 2) or finite[c].size < 10:
                continue
            low, high = iqr_fences(finite[c], 1.5)
            if low == high:
                continue
            low, high = _round_out(low, up=False), _round_out(high, up=True)
            present = values[c][~np.isnan(values[c])]
            n_low, n_high, _ = outside_counts(present, low, high)
            fences[c] = {"low": low, "high": high}
            shares[c] = _share((n_low + n_high) / max(1, present.size), tolerance)
            beyond[c] = _counts(present.size, n_low + n_high)
        if shares:
            pending.append(
                _Calibrated(OutlierGate, {"fences": fences, "max_share": shares, "name": "outliers"}, beyond)
            )

    # Gates learned from the reference's statistics.
    if statistics:
        learned = [c for c in numeric_cols if c != target and not np.isinf(values[c]).any()]
        pending.append(StatisticBounds({c: finite[c] for c in learned}, statistic_margin))
    paired = [c for c in numeric_cols if c != target]
    if correlations and len(paired) >= 2:
        pending.append(_Correlations(paired, max_correlation_change))

    ordered = [
        c
        for c in ref.columns
        if kinds[c] == "datetime" and ref[c].notna().sum() >= 3 and ref[c].dropna().is_monotonic_increasing
    ]
    if ordered:
        pending.append(MonotonicGate(columns=ordered, name="monotonic"))

    if target is not None:
        features = [c for c in ref.columns if c != target]
        n_conflict = _conflict_rows(ref, features, target)
        pending.append(
            _Calibrated(
                ConflictingLabelsGate,
                {"max_share": _share(n_conflict / n, tolerance), "name": "conflicting_labels"},
                {"rows": _counts(n, n_conflict)},
            )
        )
        y = ref[target].dropna()
        n_classes = y.nunique()
        if n_classes == 2 or (pd.api.types.is_numeric_dtype(y.dtype) and n_classes > 10):
            pending.append(FeatureLeakageGate(name="feature_leakage", blocking=False))
    if leakage:
        pending.append(
            _Calibrated(
                TrainTestLeakageGate,
                {"max_share": _share(dup_share, tolerance), "name": "train_test_leakage"},
                {"rows": _counts(n, n_dup)},
            )
        )
    n_bounds = sum(
        p.n_bounds for p in pending if isinstance(p, (_Calibrated, StatisticBounds, _Correlations))
    )
    level = _level(alpha, n_bounds)
    gates: list[Gate] = []
    for p in pending:
        if isinstance(p, StatisticBounds):
            gates.extend(p.build(level))
        else:
            gates.append(p.build(level) if isinstance(p, (_Calibrated, _Correlations)) else p)
    return Suite(gates, name=name)


class _Correlations:
    """The correlation-change gate, built once the suite's bounds are counted: its pairs are
    one bound of the suite (Holm within the gate at the suite's share of ``alpha``)."""

    n_bounds = 1

    def __init__(self, columns: list[Any], max_change: float) -> None:
        self.columns = columns
        self.max_change = max_change

    def build(self, level: float) -> Gate:
        from mlgates.gates.quality.correlation import CorrelationChangeGate

        return CorrelationChangeGate(
            columns=self.columns, max_change=self.max_change, alpha=level, name="correlations"
        )


def _validate_learned(statistics: Any, margin: Any, min_ratio: Any, max_ratio: Any) -> None:
    if not isinstance(statistics, bool):
        raise parameter_error(_OWNER, "statistics", "True or False", statistics)
    if not Interval("real", 0, None).is_satisfied_by(margin):
        raise parameter_error(_OWNER, "statistic_margin", "a float in [0, inf)", margin)
    for pname, value in (("min_row_ratio", min_ratio), ("max_row_ratio", max_ratio)):
        if value is not None and not Interval("real", 0, None).is_satisfied_by(value):
            raise parameter_error(_OWNER, pname, "a float in [0, inf) or None", value)
    if min_ratio is not None and max_ratio is not None and max_ratio < min_ratio:
        raise parameter_error(_OWNER, "max_row_ratio", f"a float >= min_row_ratio ({min_ratio})", max_ratio)


def _validate(
    reference: Any,
    tolerance: Any,
    range_margin: Any,
    max_categories: Any,
    new_categories: Any,
    min_rows: Any,
    target: Any,
) -> None:
    if not isinstance(reference, pd.DataFrame):
        raise parameter_error(_OWNER, "reference", "a pandas DataFrame", type(reference).__name__)
    if len(reference) == 0:
        raise ParameterError(
            f"The 'reference' of {_OWNER} has no rows; thresholds cannot be derived from an empty table. "
            "Fix: pass the data that defines good quality (e.g. the training set)."
        )
    dupes = reference.columns[reference.columns.duplicated()].unique().tolist()
    if dupes:
        raise ParameterError(
            f"The 'reference' of {_OWNER} has duplicate column names {dupes[:5]}. Fix: rename them so each "
            "column gets its own thresholds."
        )
    for c in reference.columns:
        if not isinstance(c, str):
            raise ParameterError(
                f"The 'reference' of {_OWNER} has the non-string column name {c!r}; suite files key "
                f"thresholds by column name. Fix: reference.rename(columns=str) (and the same for the "
                f"data you check), so the column is {str(c)!r}."
            )
    checks: list[tuple[str, Any, list[Any]]] = [
        ("tolerance", tolerance, [Interval("real", 0, 1)]),
        ("range_margin", range_margin, [Interval("real", 0, None)]),
        ("max_categories", max_categories, [Interval("int", 1, None)]),
        ("new_categories", new_categories, [Options("warn", "fail", "ignore")]),
        ("min_rows", min_rows, [Interval("int", 0, None)]),
    ]
    for pname, value, allowed in checks:
        if not any(a.is_satisfied_by(value) for a in allowed):
            raise parameter_error(_OWNER, pname, str(allowed[0]), value)
    if target is not None and target not in reference.columns:
        raise parameter_error(
            _OWNER, "target", "a column of reference", target, f"pass one of {list(reference.columns)[:10]}."
        )


class _Calibrated:
    """A gate with sampling bounds, built once the suite's bounds are counted."""

    def __init__(self, cls: type[Gate], params: dict[str, Any], calibration: dict[str, dict[str, int]]):
        self.cls = cls
        self.params = params
        self.calibration = calibration
        self.n_bounds = len(calibration)

    def build(self, alpha: float) -> Gate:
        return self.cls(**self.params, calibration=self.calibration, alpha=alpha)  # type: ignore[call-arg]


def _counts(n: int, k: int) -> dict[str, int]:
    return {"n": int(n), "k": int(k)}


def _off_mode(series: pd.Series) -> dict[str, int]:
    """Non-missing values, and how many of them differ from the most frequent one."""
    try:
        counts = series.value_counts(dropna=True)
    except TypeError:  # unhashable objects
        counts = series.dropna().astype(str).value_counts()
    total = int(counts.sum())
    return _counts(total, total - int(counts.iloc[0]) if total else 0)


def _level(alpha: float, n_bounds: int) -> float:
    """``alpha / n_bounds`` rounded down to two significant digits (a readable file)."""
    x = alpha / max(n_bounds, 1)
    exp = math.floor(math.log10(x)) - 1
    mantissa = math.floor(round(x / 10.0**exp, 9))
    return float(f"{mantissa}e{exp}")


def _share(observed: float, tolerance: float) -> float:
    """observed + tolerance, rounded up to 4 decimals, capped at 1."""
    return min(1.0, math.ceil(round((observed + tolerance) * 1e4, 6)) / 1e4)


def _widen(finite: np.ndarray, integer: bool, margin: float) -> dict[str, float]:
    lo, hi = float(finite.min()), float(finite.max())
    span = hi - lo
    pad = margin * span if span > 0 else margin * max(abs(lo), 1.0)
    low, high = lo - pad, hi + pad
    if lo >= 0:
        low = max(low, 0.0)
    if integer:
        return {"min": math.floor(low), "max": math.ceil(high)}  # type: ignore[dict-item]
    return {"min": _round_out(low, up=False), "max": _round_out(high, up=True)}


def _plain(v: Any) -> Any:
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    return str(v)


def _string_gate(series: pd.Series, col: str, margin: float, tolerance: float) -> _Calibrated:
    values = series.dropna()
    if not pd.api.types.is_string_dtype(values.dtype):
        values = values.astype(str)
    lengths = values.str.len()
    lo, hi = int(lengths.min()), int(lengths.max())
    has_empty = bool((values == "").any())
    padded = bool((values != values.str.strip()).any())
    params = {
        "columns": [col],
        "min_length": math.floor(lo * (1 - margin)),
        "max_length": math.ceil(hi * (1 + margin)),
        "allow_empty": has_empty,
        "allow_padding": padded,
        "max_share": _share(0.0, tolerance),
        "name": f"strings: {col}",
    }
    # by construction no reference value breaks the rules learned from it
    return _Calibrated(StringGate, params, {col: _counts(len(values), 0)})


def _varies(series: pd.Series, finite: np.ndarray | None) -> bool:
    """At least two distinct non-missing values (numeric columns: from min and max)."""
    if finite is not None and finite.size == int(series.notna().sum()):
        return bool(finite.size and finite.min() != finite.max())
    return bool(series.nunique(dropna=True) >= 2)


def _is_unique(series: pd.Series) -> bool:
    values = series.dropna()
    return len(values) >= MIN_ROWS_FOR_UNIQUE and not bool(values.duplicated().any())


def _conflict_rows(ref: pd.DataFrame, features: list[str], target: str) -> int:
    if not features:
        return 0
    try:
        groups = ref.groupby(features, dropna=False, sort=False, observed=True)
        nun = groups[target].transform("nunique", dropna=False)
    except UNGROUPABLE:
        nun = ref.map(str).groupby(features, sort=False, observed=True)[target].transform("nunique")
    return int((nun > 1).sum())

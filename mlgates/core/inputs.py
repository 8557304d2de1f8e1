"""The input layer: reading and checking every input of a check, with one rule per mistake.

Every gate family reads its per-row inputs through here, so the same mistake gives the same
reason code and the same words everywhere:

================================  =============================  ==============================
mistake                           rule                           reason
================================  =============================  ==============================
a missing label/score/weight      :func:`complete`               ``missing_values``
an infinite or complex value      :func:`complete`               ``invalid_input``
non-numbers where numbers go      :func:`numbers`                ``invalid_input``
probabilities given as labels     :func:`reject_scores`          ``probabilities_as_labels``
labels that are not binary        :func:`binary_labels`          ``non_binary_labels`` /
                                                                 ``pos_label_required``
bad ``sample_weight``             :func:`weights`                ``missing_values`` /
                                                                 ``invalid_input``
a missing group value             :func:`groups`,                a group of its own, shown as
                                  :func:`segments`               ``<missing>`` (or
                                                                 ``missing_sensitive_values``)
================================  =============================  ==============================

:class:`~mlgates.core.context.CheckContext` keeps the raw access (a column name or an array
resolved to ``current``'s rows, predictions from ``model`` computed once) and the cache; the
functions here check what it returns. Gate families keep only their own encodings (the
performance gates' class codes and pairs, the fairness gates' confusion counts). Sensitive
groups and segments are built in ``core._groups`` (one group builder) and re-exported here.

Tables come in through :func:`read_table` (files) and :func:`as_frame` (objects passed to
``check()``); tables read in chunks (files, globs, directories, iterators; Dask and Spark)
through :func:`chunked_source`, whose :class:`ChunkedSource` computes the mergeable summaries
(:class:`Summarizer`) of every gate of a check in one pass (see docs/scale.md).
:func:`read_table` is the seam for table sources: a path is turned into a
:class:`TableSource` by :func:`table_source` (today :class:`FileSource` for CSV/TSV, Parquet
and Feather) and read once, with one dtype policy for ``mlgates check``/``init``, the
fingerprints of ``mlgates lock``/``fingerprint`` and the pytest plugin's users alike. A new
source (chunked files, Dask, Spark) is a new :class:`TableSource` returned by
:func:`table_source`; nothing that reads tables changes.

numpy and pandas are imported inside the functions: ``import mlgates`` stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from mlgates.core._engines import DaskSource, SparkSource
from mlgates.core._groups import MISSING_GROUP, Groups, group_codes, group_subject, groups, segments
from mlgates.core._profile_file import ProfileData, is_saved_profile, read_profile
from mlgates.core._sources import (
    DEFAULT_CHUNK_ROWS,
    Chunk,
    ChunkedSource,
    Failed,
    FilesSource,
    FrameSource,
    IteratorSource,
    ScanProgress,
    ScanResult,
    Summarizer,
    Summary,
    TerminalProgress,
    chunked_source,
    is_chunked_input,
    merge_partials,
    scan,
    summarize_chunk,
)
from mlgates.core._tables import (
    FileSource,
    TableSource,
    arrow_to_pandas,
    arrow_types,
    as_frame,
    csv_read_policy,
    read_table,
    table_format,
    table_source,
)
from mlgates.core.errors import InputError

if TYPE_CHECKING:
    import numpy as np

    from mlgates.core.context import CheckContext

__all__ = [
    "DEFAULT_CHUNK_ROWS",
    "MISSING_GROUP",
    "Chunk",
    "ChunkedSource",
    "DaskSource",
    "Failed",
    "FileSource",
    "FilesSource",
    "FrameSource",
    "Groups",
    "IteratorSource",
    "ProfileData",
    "ScanProgress",
    "ScanResult",
    "SparkSource",
    "Summarizer",
    "Summary",
    "TableSource",
    "TerminalProgress",
    "arrow_to_pandas",
    "arrow_types",
    "as_frame",
    "binary_labels",
    "chunked_source",
    "column_input",
    "complete",
    "count_infinite",
    "csv_read_policy",
    "group_codes",
    "group_subject",
    "groups",
    "is_chunked_input",
    "is_saved_profile",
    "labels",
    "merge_partials",
    "numbers",
    "predicted_labels",
    "read_profile",
    "read_table",
    "reject_scores",
    "scan",
    "scores",
    "segments",
    "summarize_chunk",
    "table_format",
    "table_source",
    "weights",
]

Side = Literal["current", "reference"]

#: A float target with more distinct values than this, some of them fractional, is continuous.
CONTINUOUS_MIN_DISTINCT = 10


# -- per-row values ----------------------------------------------------------------------------
def complete(name: str, values: Any, *, on_missing: Literal["error", "keep"] = "error") -> np.ndarray:
    """``values`` as an array, or an InputError when a row has no usable value.

    Missing values (NaN, None, ``pd.NA``, NaT) are ``missing_values`` (unless
    ``on_missing="keep"``, for gates where a missing label is a value of its own); ``inf``/``-inf``
    and complex numbers are ``invalid_input`` (an infinite label is not a class, and an infinite
    score ranks nothing). The message names the input, the count and the fix.

    Examples
    --------
    >>> complete("target", [0, 1, 1]).tolist()
    [0, 1, 1]
    >>> complete("target", [0.0, float("inf"), 1.0])
    Traceback (most recent call last):
    ...
    mlgates.core.errors.InputError: target: 1 of 3 values are infinite (inf or -inf); labels, \
predictions and scores must be finite: drop or fix those rows before the check.
    """
    import numpy as np
    import pandas as pd

    arr = np.asarray(values)
    kind = arr.dtype.kind
    n = arr.shape[0] if arr.ndim else 1
    if kind == "c":
        raise InputError(
            f"{name}: holds complex numbers ({arr.dtype}); labels, predictions and scores must be "
            "real: pass np.real(...) or np.abs(...) of them.",
            reason="invalid_input",
            subject=name,
        )
    if on_missing == "error":
        if kind == "f":
            n_missing = int(np.count_nonzero(np.isnan(arr)))
        elif kind in "biuUSmM":
            n_missing = int(np.count_nonzero(pd.isna(arr))) if kind in "mM" else 0
        else:
            n_missing = int(np.count_nonzero(pd.isna(arr.ravel())))
        if n_missing:
            raise InputError(
                f"{name}: {n_missing} of {n} values are missing (NaN); the metric needs a value for "
                "every row: drop or impute them before the check.",
                reason="missing_values",
                subject=name,
            )
    n_inf = count_infinite(arr)
    if n_inf:
        raise InputError(
            f"{name}: {n_inf} of {n} values are infinite (inf or -inf); labels, predictions and "
            "scores must be finite: drop or fix those rows before the check.",
            reason="invalid_input",
            subject=name,
        )
    return arr


def count_infinite(arr: np.ndarray) -> int:
    """Number of ``inf``/``-inf`` entries (float arrays, or floats inside object arrays)."""
    import numpy as np

    kind = arr.dtype.kind
    if kind == "f":
        return int(np.count_nonzero(np.isinf(arr)))
    if kind != "O":
        return 0
    flat = arr.ravel()
    with np.errstate(invalid="ignore"):
        try:
            hits = (flat == np.inf) | (flat == -np.inf)  # elementwise; strings compare False
        except (TypeError, ValueError):
            return 0
    if isinstance(hits, np.ndarray):
        return int(np.count_nonzero(hits.astype(bool)))
    return 0


def numbers(name: str, values: Any) -> np.ndarray:
    """Complete, finite float64 values (regression targets and predictions, scores); values
    that are not numbers are ``invalid_input``.

    >>> numbers("prediction", [1, 2.5]).tolist()
    [1.0, 2.5]
    """
    import numpy as np

    arr = complete(name, values)
    try:
        return np.asarray(arr, dtype=float)
    except (TypeError, ValueError):
        raise InputError(
            f"{name}: expected numbers, got values such as {arr.ravel()[0]!r}.",
            reason="invalid_input",
            subject=name,
        ) from None


def reject_scores(name: str, pred: np.ndarray, y: np.ndarray | None = None) -> None:
    """The one "probabilities given as labels" rule: predicted labels that are floats with
    fractional values (when the target's own values are whole numbers or not numbers) are
    probabilities or scores, an InputError ``probabilities_as_labels``.

    >>> import numpy as np
    >>> reject_scores("prediction", np.array([0.0, 1.0]), np.array([0, 1]))  # labels: fine
    >>> reject_scores("prediction", np.array([0.2, 0.9]), np.array([0, 1]))
    Traceback (most recent call last):
    ...
    mlgates.core.errors.InputError: prediction: values such as 0.2 are probabilities or scores, \
not class labels (the target's classes are [0, 1]). Pass predicted labels, e.g. \
(scores >= 0.5).astype(int); or pass the scores as proba=... to a score metric (roc_auc, \
log_loss, ...); the fairness gates cut scores into labels at decision_threshold=0.5 (or your \
own cut-off).
    """
    import numpy as np

    if pred.dtype.kind != "f" or pred.size == 0:
        return
    fractional = pred != np.round(pred)
    if not fractional.any():
        return
    if y is not None and y.dtype.kind == "f" and bool((y != np.round(y)).any()):
        return  # the classes themselves are fractional numbers
    example = float(pred[fractional].ravel()[0])
    classes = ""
    regression = ""
    if y is not None:
        values = _unique(y, "target")
        classes = f" (the target's classes are {shown_values(values)})"
        if y.dtype.kind in "fiu" and values.size > CONTINUOUS_MIN_DISTINCT:
            regression = (
                " The target has many distinct numbers: for a regression problem use a regression "
                "metric (r2, mean_absolute_error, root_mean_squared_error, ...)."
            )
    raise InputError(
        f"{name}: values such as {example:.4g} are probabilities or scores, not class labels{classes}. "
        "Pass predicted labels, e.g. (scores >= 0.5).astype(int); or pass the scores as proba=... "
        "to a score metric (roc_auc, log_loss, ...); the fairness gates cut scores into labels at "
        f"decision_threshold=0.5 (or your own cut-off).{regression}",
        reason="probabilities_as_labels",
        subject=name,
    )


def binary_labels(
    name: str, values: Any, pos_label: Any = None, *, prediction: bool = False, y: np.ndarray | None = None
) -> np.ndarray:
    """0/1 int8 labels. Complete and finite (:func:`complete`); predictions
    (``prediction=True``) not probabilities (:func:`reject_scores`, against the target ``y``
    when given); 0/1, -1/1 and booleans
    as they are, anything else needs ``pos_label``. More than two values are
    ``non_binary_labels``; two values without ``pos_label`` are ``pos_label_required``.

    >>> binary_labels("target", [0, 1, 1]).tolist()
    [0, 1, 1]
    >>> binary_labels("target", ["no", "yes"], pos_label="yes").tolist()
    [0, 1]
    """
    import numpy as np
    import pandas as pd

    v = complete(name, values)
    if v.dtype.kind == "b":
        return v.astype(np.int8)
    if v.dtype.kind in "iuf":
        if prediction:
            reject_scores(name, v, y)
        if pos_label is None:
            lo, hi = v.min(), v.max()
            if lo >= 0 and hi <= 1 and ((v == 0) | (v == 1)).all():
                return v.astype(np.int8)
            if lo >= -1 and hi <= 1 and ((v == -1) | (v == 1)).all():
                return (v == 1).astype(np.int8)
    uniques = pd.unique(v.ravel() if v.dtype.kind != "O" else v)
    if len(uniques) > 2:
        raise InputError(
            f"{name}: {len(uniques)} distinct values (e.g. {list(uniques[:5])}); classification "
            "fairness metrics need binary labels. Pass pos_label=... only for binary data, or "
            "use a regression metric such as 'mean_absolute_error'.",
            reason="non_binary_labels",
            subject=name,
        )
    if pos_label is None:
        if set(uniques.tolist()) <= {True, False}:
            return (v == 1).astype(np.int8)
        raise InputError(
            f"{name}: values {sorted(map(str, uniques.tolist()))} are not 0/1; pass pos_label=... "
            "to the gate to say which one is the positive (favourable) outcome.",
            reason="pos_label_required",
            subject=name,
        )
    return (v == pos_label).astype(np.int8)


def weights(raw: Any, side: str = "current") -> np.ndarray:
    """The one ``sample_weight`` rule: float64, one finite, non-negative weight per row with a
    positive sum. Missing weights are ``missing_values``; non-numeric, infinite or negative
    weights, or weights summing to 0, are ``invalid_input``.

    >>> weights([1, 2, 0]).tolist()
    [1.0, 2.0, 0.0]
    """
    import numpy as np
    import pandas as pd

    arr = np.asarray(raw)
    n_missing = int(np.count_nonzero(pd.isna(arr.ravel()))) if arr.dtype.kind not in "biu" else 0
    if n_missing:
        raise InputError(
            f"sample_weight: {n_missing} of {arr.shape[0]} weights are missing (NaN); give "
            "every row a weight.",
            reason="missing_values",
            subject="sample_weight",
        )
    try:
        w = np.asarray(arr, dtype=float)
    except (TypeError, ValueError):
        raise InputError(
            f"sample_weight: expected numbers, got values such as {arr.ravel()[0]!r}.",
            reason="invalid_input",
            subject="sample_weight",
        ) from None
    if w.ndim != 1 or not np.isfinite(w).all() or (w < 0).any() or (w.size and not w.sum() > 0):
        raise InputError(
            f"sample_weight ({side}): weights must be one finite, non-negative number per row "
            "with a positive sum.",
            reason="invalid_input",
            subject="sample_weight",
        )
    return w


# -- per-row inputs of a check -----------------------------------------------------------------
def labels(
    ctx: CheckContext, side: Side = "current", *, on_missing: Literal["error", "keep"] = "error"
) -> np.ndarray:
    """The target of ``side``, checked by :func:`complete` (with ``on_missing="keep"`` a missing
    label is kept, for gates that treat it as a value of its own)."""
    return complete("target", ctx.labels(side), on_missing=on_missing)


def predicted_labels(
    ctx: CheckContext, side: Side = "current", *, baseline: bool = False, y: np.ndarray | None = None
) -> np.ndarray:
    """Predicted labels (``prediction`` or ``model.predict``): complete, one per row, and not
    probabilities (:func:`reject_scores`, against the target ``y`` when given)."""
    name = "baseline_prediction" if baseline else "prediction"
    pred = complete(name, ctx.prediction(side, baseline=baseline))
    if pred.ndim != 1:
        raise InputError(
            f"{name}: expected one predicted label per row, got an array of shape {pred.shape}; "
            "pass probabilities as proba= instead.",
            reason="invalid_prediction",
            subject=name,
        )
    reject_scores(name, pred, y)
    return pred


def scores(ctx: CheckContext, side: Side = "current", *, baseline: bool = False) -> np.ndarray:
    """Probabilities or scores (``proba`` or ``model.predict_proba``) as complete floats."""
    name = "baseline_proba" if baseline else "proba"
    return numbers(name, ctx.proba(side, baseline=baseline))


def shown_values(values: np.ndarray, limit: int = 6) -> str:
    """``[0, 1]``, or the first ``limit`` values and ``...``."""
    shown = [v.item() if hasattr(v, "item") else v for v in values[:limit]]
    return repr(shown) if len(values) <= limit else repr(shown)[:-1] + ", ...]"


def _unique(values: np.ndarray, name: str) -> np.ndarray:
    import numpy as np

    try:
        return np.unique(values)
    except TypeError:
        raise InputError(
            f"{name}: holds values of different types (e.g. numbers and strings) that cannot be "
            "compared; convert them to one type.",
            reason="invalid_input",
            subject=name,
        ) from None


# -- per-row inputs on tables read in chunks ---------------------------------------------------
def column_input(
    ctx: CheckContext, name: str, *, required: bool, why: str = "", side: Side = "current"
) -> str | None:
    """The column of ``side`` that input ``name`` names, on a table read in chunks (where a
    per-row input must be a column: an array cannot be matched to rows read in parts).

    None when the input is absent and not ``required``; ``missing_input`` when it is required;
    ``invalid_input`` for an array; ``missing_column`` for a name that is not a column."""
    from mlgates.core._suggest import did_you_mean

    if not ctx.has(name):
        if required:
            ctx.require(name, why)
        return None
    value = ctx.get(name)
    if not isinstance(value, str):
        raise InputError(
            f"{name}: {side} is read in chunks ({ctx.table_kind(side)}), so {name} must be the name of a "
            f"column of {side}, not {type(value).__name__}; add the values to the table as a column.",
            reason="invalid_input",
            subject=name,
        )
    columns = ctx.table_schema(side).columns
    if value not in columns:
        raise InputError(
            f"{side}: column {value!r} not found.{did_you_mean(value, columns)} "
            f"Columns: {[str(c) for c in columns][:20]}.",
            reason="missing_column",
            subject=value,
        )
    return value

"""The inputs of one check, and the computations every gate in a suite run shares.

A :class:`CheckContext` is built once per ``check()`` call (once for a whole suite) and handed
to every gate. It gives raw access to the inputs (a column name or an array resolved to
``current``'s rows, predictions from ``model``) and the cache: predictions and other shared
statistics are computed at most once per run through :meth:`CheckContext.cached`. Checking the
values (missing, infinite, probabilities given as labels, groups...) is the job of
:mod:`mlgates.core.inputs`. Nothing here mutates what the user passed in.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal

from mlgates.core import inputs
from mlgates.core._model_errors import model_method, predict_failed
from mlgates.core._suggest import did_you_mean
from mlgates.core.errors import InputError
from mlgates.core.inputs import as_frame

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["STANDARD_INPUTS", "CheckContext", "as_frame"]

#: Input names every gate understands (DESIGN.md). Gates may document more in ``extra_inputs``.
STANDARD_INPUTS = (
    "reference",
    "current",
    "target",
    "prediction",
    "proba",
    "model",
    "baseline_prediction",
    "baseline_proba",
    "baseline_model",
    "sensitive_features",
    "sample_weight",
)

Side = Literal["current", "reference"]

#: Input names of other libraries -> ours, for the did-you-mean of ``check()``.
_INPUT_ALIASES = {
    "reference_data": "reference",
    "ref": "reference",
    "train": "reference",
    "current_data": "current",
    "cur": "current",
    "test": "current",
    "data": "current",
    "df": "current",
    "y": "target",
    "y_true": "target",
    "label": "target",
    "labels": "target",
    "y_pred": "prediction",
    "predictions": "prediction",
    "y_proba": "proba",
    "y_score": "proba",
    "probabilities": "proba",
    "estimator": "model",
    "sensitive": "sensitive_features",
    "sensitive_feature": "sensitive_features",
    "weights": "sample_weight",
}


def check_input_names(names: Iterable[str], accepted: Iterable[str], owner: str) -> None:
    """Raise TypeError for an unknown input keyword, suggesting the closest valid name."""
    accepted = sorted(set(accepted))
    for name in names:
        if name not in accepted:
            hint = did_you_mean(name, accepted, aliases=_INPUT_ALIASES)
            raise TypeError(
                f"{owner}.check() got an unexpected input {name!r}.{hint} "
                f"Accepted inputs: {', '.join(accepted)}."
            )


class CheckContext:
    """Inputs of one check plus a cache shared by every gate of a suite run.

    Parameters
    ----------
    inputs : Mapping
        The keyword inputs of ``check()``; entries that are None count as absent.
    profiled : bool, optional
        Run on profiles (mergeable summaries) even when every table is in memory; by default
        when ``current`` or ``reference`` is read in chunks or is a saved reference profile.
    progress : callable, optional
        Called with a :class:`~mlgates.core.inputs.ScanProgress` during each pass over a table
        (default: a progress bar on stderr when it is a terminal).
    """

    def __init__(
        self, inputs: Mapping[str, Any], *, profiled: bool | None = None, progress: Any = None
    ) -> None:
        from mlgates.core._profiling import Profiling

        self._inputs = {k: v for k, v in inputs.items() if v is not None}
        self._cache: dict[Hashable, Any] = {}
        #: The cache of the run's first context, shared with every context derived from it, and
        #: the inputs a derived context replaced (see :meth:`derive`).
        self._shared: dict[Hashable, Any] = self._cache
        self._replaced: frozenset[str] = frozenset()
        #: Inputs of a derived context that are row slices of the parent's inputs (name -> the
        #: parent input), and that parent (see :meth:`derive`).
        self._slice_of: dict[str, str] = {}
        self._parent: CheckContext | None = None
        self._positions: dict[str, slice | np.ndarray] = {}
        if profiled is None:
            profiled = Profiling.wanted(self._inputs)
        self._profiling = Profiling(self._inputs, progress) if profiled else None

    def derive(
        self,
        *,
        slices_of: Mapping[str, str] | None = None,
        positions_of: Mapping[str, slice | np.ndarray] | None = None,
        **inputs: Any,
    ) -> CheckContext:
        """A context for a slice of this run (a window of ``current``): ``inputs`` replace the
        given ones (None removes one). Values cached with ``depends_on`` naming only inputs that
        were not replaced (``depends_on=("reference",)``) are computed once for the root context
        and every context derived from it: the sorted reference values and reference bins of
        each window, for instance.

        Examples
        --------
        >>> ctx = CheckContext({"reference": [1, 2], "current": [3, 4]})
        >>> window = ctx.derive(current=[4])
        >>> calls = []
        >>> _ = ctx.cached("ref_stat", lambda: calls.append(1), depends_on=("reference",))
        >>> _ = window.cached("ref_stat", lambda: calls.append(1), depends_on=("reference",))
        >>> len(calls), window.get("current")
        (1, [4])

        ``slices_of`` names the replaced inputs that are row slices of this context's inputs
        (``{"current": "current"}`` for a window of current): their provenance is their shape and
        the parent input's fingerprint, not a fingerprint of their own (a window is fully defined
        by the whole input and its bounds, recorded alongside; fingerprinting every window of a
        year of batches would cost more than judging them).

        ``positions_of`` gives, for such a slice of a table, the rows of the parent's table it
        holds (a slice or positions): its columns are then the parent's columns cut alike
        (:meth:`column`), each taken from the table once per run.
        """
        child = CheckContext({**self._inputs, **inputs})
        child._shared = self._shared
        child._replaced = self._replaced | frozenset(inputs)
        if slices_of:
            child._slice_of = {**self._slice_of, **dict(slices_of)}
            child._parent = self
            child._positions = dict(positions_of or {})
        return child

    # -- profiles (issue 15: tables read in chunks, saved reference profiles) ----------------
    @property
    def profiled(self) -> bool:
        """Whether this check runs on profiles: ``current`` or ``reference`` is read in chunks
        (files, an iterator, a chunked source) or ``reference`` is a saved profile. Gates then
        decide from merged summaries (``summary``) instead of ``frame``."""
        return self._profiling is not None

    def _require_profiling(self) -> Any:
        if self._profiling is None:
            raise RuntimeError("this check does not run on profiles (ctx.profiled is False)")
        return self._profiling

    def table_kind(self, side: Side) -> str:
        """How ``side`` is given: ``"frame"`` (in memory), ``"chunks"`` (read in a pass),
        ``"profile"`` (a saved reference profile) or ``"absent"``."""
        if self._profiling is None:
            return "frame" if self.has(side) else "absent"
        return str(self._profiling.kind(side))

    def table_schema(self, side: Side = "current") -> pd.DataFrame:
        """A zero-row DataFrame with the columns and dtypes of ``side`` (no rows read)."""
        if self._profiling is None:
            return self.frame(side).iloc[:0]
        return self._profiling.schema(side)  # type: ignore[no-any-return]

    def need(self, side: Side, summarizers: Iterable[Any]) -> None:
        """Register summaries of ``side`` this run will need (computed in its one pass)."""
        self._require_profiling().need(side, summarizers)

    def summary(self, side: Side, summarizer: Any) -> Any:
        """The merged summary of ``side`` for ``summarizer`` (a
        :class:`~mlgates.core.inputs.Summarizer`): computed in the side's one pass with every
        other registered summary, or read from a saved reference profile."""
        return self._require_profiling().summary(side, summarizer)

    def summaries(self, side: Side) -> dict[str, Any]:
        """Every registered summary of ``side`` by key, computed (a failed one is a
        :class:`~mlgates.core.inputs.Failed`, not an error): what a reference profile saves."""
        return dict(self._require_profiling().computed(side))

    def plan(self, gates: Iterable[Any]) -> None:
        """Collect what ``gates`` need (reference first, then current) before any pass runs."""
        if self._profiling is not None:
            self._profiling.plan(self, gates)

    def profile_provenance(self) -> dict[str, Any]:
        """How each table was read in this profiled run (engine, passes, rows, files)."""
        return {} if self._profiling is None else dict(self._profiling.describe())

    # -- raw access -----------------------------------------------------------------------
    def has(self, name: str) -> bool:
        """Whether input ``name`` was given (and is not None)."""
        return name in self._inputs

    def get(self, name: str, default: Any = None) -> Any:
        """The raw input ``name`` as the user passed it (never modify it)."""
        return self._inputs.get(name, default)

    def require(self, name: str, why: str = "") -> Any:
        """The raw input, or an InputError with reason ``missing_input`` naming it."""
        if name not in self._inputs:
            because = f" {why}" if why else ""
            raise InputError(
                f"missing input {name!r}: pass check({name}=...).{because}",
                reason="missing_input",
                subject=name,
            )
        return self._inputs[name]

    @property
    def names(self) -> tuple[str, ...]:
        """Names of the inputs given."""
        return tuple(self._inputs)

    def cached(
        self, key: Hashable, compute: Callable[[], Any], *, depends_on: Iterable[str] | None = None
    ) -> Any:
        """Return ``compute()``, computed at most once per run for ``key``.

        ``depends_on`` names the inputs the value is computed from: when none of them was
        replaced by :meth:`derive`, the value is shared with the root context and every context
        derived from it (computed once across all windows of a run).
        """
        store = self._cache
        if depends_on is not None and not self._replaced.intersection(depends_on):
            store = self._shared
        if key not in store:
            store[key] = compute()
        return store[key]

    # -- tables ---------------------------------------------------------------------------
    def frame(self, side: Side = "current") -> pd.DataFrame:
        """``current`` or ``reference`` as a pandas DataFrame (converted once, cached)."""
        raw = self.require(side)
        return self.cached(("frame", side), lambda: as_frame(raw, side), depends_on=(side,))

    def column(self, side: Side, column: Any) -> pd.Series:
        """One column of a table; a missing column is an InputError that names it (taken once
        per run: the reference's columns are shared by the windows of a run)."""
        return self.cached(  # type: ignore[no-any-return]
            ("column", side, column), lambda: self._column(side, column), depends_on=(side,)
        )

    def _column(self, side: Side, column: Any) -> pd.Series:
        pick = self._positions.get(side)
        if pick is not None and self._parent is not None and self._slice_of.get(side) == side:
            return self._parent.column(side, column).iloc[pick]
        frame = self.frame(side)
        if column not in frame.columns:
            raise InputError(
                f"{side}: column {column!r} not found.{did_you_mean(column, frame.columns)} "
                f"Columns: {_shown_columns(frame.columns)}.",
                reason="missing_column",
                subject=str(column),
            )
        col = frame[column]
        if not hasattr(col, "dtype"):  # duplicate column names give a DataFrame
            raise InputError(
                f"{side}: column name {column!r} appears more than once; rename the duplicates",
                reason="duplicate_columns",
                subject=str(column),
            )
        return col

    def _vector(self, name: str, side: Side) -> np.ndarray:
        """Resolve an input that is a column name of ``side`` or an array of its length.

        A pandas Series (or DataFrame) is matched to ``current`` by index label, not position:
        the same labels in another order are reordered to current's; different labels are an
        InputError ``index_mismatch``. Plain arrays and lists are positional. Every input but
        ``proba`` (which may be ``(n, k)``) must be one-dimensional."""
        import numpy as np

        value = self.require(name)
        if _is_column_ref(value):
            return self.column(side, value).to_numpy()
        if side == "reference":
            raise InputError(
                f"{name} was given as an array, which belongs to 'current'; to use it on "
                f"'reference' pass {name} as a column name present in both tables.",
                reason="missing_input",
                subject=name,
            )
        n_current = len(self.frame("current")) if self.has("current") else None
        if n_current is not None:
            value = self.aligned(name, value)
        arr = np.asarray(value)
        n = n_current if n_current is not None else len(arr)
        if arr.ndim == 0 or arr.shape[0] != n:
            raise InputError(
                f"{name}: has {arr.shape[0] if arr.ndim else 0} rows but current has {n}; "
                "pass one value per row of current.",
                reason="length_mismatch",
                subject=name,
            )
        ndim = 2 if name in ("proba", "baseline_proba") else 1
        if arr.ndim > ndim:
            shape = "1-d (n,) or 2-d (n, k)" if ndim == 2 else "1-d (n,)"
            flat = (
                " (a single column can be flattened with .ravel())"
                if arr.ndim == 2 and arr.shape[1] == 1
                else ""
            )
            raise InputError(
                f"{name}: expected a {shape} array with one entry per row of current, got shape "
                f"{arr.shape}{flat}.",
                reason="invalid_input",
                subject=name,
            )
        return arr

    def aligned(self, name: str, value: Any) -> Any:
        """``value`` in current's row order when it is a pandas Series/DataFrame of current's
        length: the same index labels in another order are reordered to current's, different
        labels are an InputError ``index_mismatch``. Anything else (arrays, lists, other
        lengths, no ``current``) is returned unchanged: positional."""
        import pandas as pd

        if not isinstance(value, (pd.Series, pd.DataFrame)) or not self.has("current"):
            return value
        if len(value) != len(self.frame("current")):
            return value
        index, own = self.frame("current").index, value.index
        if own.equals(index):
            return value
        if own.is_unique and index.is_unique and bool(own.isin(index).all()):
            return value.reindex(index)  # same labels, another order: align on current's
        shown = own[~own.isin(index)][:3].tolist() if own.is_unique and index.is_unique else []
        detail = f" (e.g. {shown} are not in current's index)" if shown else " (duplicate labels)"
        raise InputError(
            f"{name}: its index does not match current's index{detail}; rows cannot be matched by "
            f"label. Pass {name}=values.to_numpy() to use it by position, or give it current's index.",
            reason="index_mismatch",
            subject=name,
        )

    def sample_weight(self, side: Side = "current") -> np.ndarray | None:
        """``sample_weight`` as float64 (None when not given): a column name (which works on
        both tables) or an array for current, checked once per run by
        :func:`mlgates.core.inputs.weights`."""
        if not self.has("sample_weight"):
            return None
        return self.cached(  # type: ignore[no-any-return]
            ("sample_weight", side), lambda: inputs.weights(self._vector("sample_weight", side), side)
        )

    # -- labels and predictions -----------------------------------------------------------
    def labels(self, side: Side = "current") -> np.ndarray:
        """The target values (``target`` is a column name, or an array for current)."""
        return self.cached(
            ("labels", side), lambda: self._vector("target", side), depends_on=(side, "target")
        )

    def features(self, side: Side = "current") -> pd.DataFrame:
        """The table minus the target and any prediction columns given by name."""
        frame = self.frame(side)
        named: list[Any] = []
        for n in ("target", "prediction", "proba", "baseline_prediction", "baseline_proba"):
            value = self.get(n)
            named.extend(value if isinstance(value, (list, tuple)) else [value])
        drop = [c for c in dict.fromkeys(v for v in named if _is_column_ref(v)) if c in frame.columns]
        return frame.drop(columns=drop) if drop else frame

    def prediction(self, side: Side = "current", *, baseline: bool = False) -> np.ndarray:
        """Predicted labels: the ``prediction`` input, else ``model.predict`` (once per run)."""
        pred_name = "baseline_prediction" if baseline else "prediction"
        model_name = "baseline_model" if baseline else "model"
        if self.has(pred_name):
            return self.cached(
                (pred_name, side), lambda: self._vector(pred_name, side), depends_on=(side, pred_name)
            )
        if self.has(model_name):
            model = self.get(model_name)
            return self.cached(
                (pred_name, side),
                lambda: self._call_model(model, "predict", side, model_name),
                depends_on=(side, model_name),
            )
        raise InputError(
            f"missing input {pred_name!r}: pass check({pred_name}=...) (a column name or an "
            f"array) or check({model_name}=...) to compute it.",
            reason="missing_input",
            subject=pred_name,
        )

    def proba(self, side: Side = "current", *, baseline: bool = False) -> np.ndarray:
        """Predicted probabilities: ``proba`` (column(s) or array), else ``model.predict_proba``.

        For a binary problem given by a model, the positive-class column is returned (1-d).
        """
        import numpy as np

        proba_name = "baseline_proba" if baseline else "proba"
        model_name = "baseline_model" if baseline else "model"
        if self.has(proba_name):
            value = self.get(proba_name)
            if isinstance(value, (list, tuple)) and value and all(isinstance(c, str) for c in value):

                def stack() -> np.ndarray:
                    return np.column_stack([self.column(side, c).to_numpy(dtype=float) for c in value])

                return self.cached((proba_name, side), stack, depends_on=(side, proba_name))
            return self.cached(
                (proba_name, side), lambda: np.asarray(self._vector(proba_name, side), dtype=float)
            )
        if self.has(model_name):
            model = self.get(model_name)

            def compute() -> np.ndarray:
                p = np.asarray(self._call_model(model, "predict_proba", side, model_name), dtype=float)
                return p[:, 1] if p.ndim == 2 and p.shape[1] == 2 else p

            return self.cached((proba_name, side), compute, depends_on=(side, model_name))
        raise InputError(
            f"missing input {proba_name!r}: pass check({proba_name}=...) or check({model_name}=...) "
            "with a model that has predict_proba.",
            reason="missing_input",
            subject=proba_name,
        )

    def _call_model(self, model: Any, method: str, side: Side, model_name: str) -> np.ndarray:
        """``model.<method>(features)``; an exception from the model becomes an InputError with
        reason ``predict_failed`` naming the model and the fix (cached, so the other gates of a
        suite run get the same answer without calling the model again)."""
        import numpy as np

        fn = model_method(model, method, model_name)
        key = ("model_error", model_name, method, side)
        failed = self._cache.get(key)
        if failed is not None:
            raise failed
        features = self.model_features(model, side, model_name)
        try:
            return np.asarray(fn(features))
        except Exception as exc:
            error = predict_failed(model, model_name, method, side, features, exc)
            self._cache[key] = error
            raise error from exc

    def model_features(self, model: Any, side: Side = "current", model_name: str = "model") -> pd.DataFrame:
        """The columns ``model`` predicts from: exactly ``model.feature_names_in_`` when the model
        records them (scikit-learn estimators fitted on a DataFrame), else :meth:`features`."""
        names = getattr(model, "feature_names_in_", None)
        if names is None:
            return self.features(side)
        frame = self.frame(side)
        wanted = list(names)
        absent = [c for c in wanted if c not in frame.columns]
        if absent:
            raise InputError(
                f"{model_name} was fitted on columns that {side} lacks: {absent[:10]}; pass a table "
                "with every feature the model was trained on.",
                reason="missing_column",
                subject=str(absent[0]),
            )
        return frame[wanted]

    def describe_inputs(self) -> dict[str, Any]:
        """Provenance of the inputs: type and shape of each, and for tables and numeric arrays up
        to :data:`FINGERPRINT_MAX_CELLS` cells a content fingerprint (computed once per run;
        numpy text arrays are not fingerprinted here, their conversion costs more than a gate)."""
        return self.cached(("provenance",), self._describe_inputs)  # type: ignore[no-any-return]

    def _describe_inputs(self) -> dict[str, Any]:
        # one description per input, shared with the derived contexts that kept it (windows
        # fingerprint their own slice of current, the reference once)
        return {
            name: self.cached(
                ("provenance", name), functools.partial(self._describe_input, name, value), depends_on=(name,)
            )
            for name, value in self._inputs.items()
        }

    def _describe_input(self, name: str, value: Any) -> dict[str, Any]:
        if name in self._slice_of and self._parent is not None:
            whole = self._slice_of[name]
            desc = _describe(value, fingerprinted=False)
            parent = self._parent.describe_inputs().get(whole, {})
            desc["slice_of"] = {"input": whole, "fingerprint": parent.get("fingerprint")}
            return desc
        if name not in ("current", "reference") or self._profiling is None:
            return _describe(value)
        kind = self._profiling.kind(name)
        # a table read in chunks is not touched here (a Dask frame's shape is lazy)
        desc = _describe(value, shaped=kind != "chunks")
        if kind == "chunks":
            desc["chunked"] = True
        if kind == "profile":
            try:
                desc["fingerprint"] = self._profiling.profile(name).fingerprint
            except InputError:
                desc["fingerprint"] = None
        return desc


def _describe(value: Any, *, shaped: bool = True, fingerprinted: bool = True) -> dict[str, Any]:
    """Type and shape of one input, with a content fingerprint for tables and numeric arrays
    (unless not ``fingerprinted``)."""
    shape = getattr(value, "shape", None) if shaped else None
    desc: dict[str, Any] = {"type": type(value).__name__}
    if shape is not None:
        desc["shape"] = list(shape)
        cells = 1
        for dim in shape:
            cells *= int(dim)
        kind = getattr(getattr(value, "dtype", None), "kind", "")
        if kind in ("U", "S", "O") or not fingerprinted:
            # text arrays need a conversion that costs more than most gates: skipped
            desc["fingerprint"] = None
        elif cells <= FINGERPRINT_MAX_CELLS:
            desc["fingerprint"] = _fingerprint_or_none(value)
    elif isinstance(value, str):
        desc["value"] = value
    elif isinstance(value, (list, tuple)):
        desc["length"] = len(value)
    return desc


def _shown_columns(columns: Iterable[Any], limit: int = 20) -> str:
    names = [str(c) for c in columns]
    return ", ".join(names[:limit]) + (f", ... ({len(names)} in all)" if len(names) > limit else "")


def _is_column_ref(value: Any) -> bool:
    """A str or int input names a column (integer column names are allowed); arrays do not."""
    return isinstance(value, (str, int)) and not isinstance(value, bool)


#: Tables and arrays up to this many cells get a content fingerprint in verdict provenance
#: (about 30 ms for 1M rows x 20 columns); larger ones record only their shape.
FINGERPRINT_MAX_CELLS = 50_000_000


def _fingerprint_or_none(value: Any) -> str | None:
    try:
        from mlgates.fingerprints import fingerprint

        return fingerprint(value)
    except Exception:  # noqa: BLE001 - provenance must never break a check
        return None

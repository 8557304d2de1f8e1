"""Groups of rows: sensitive groups (fairness) and segments (performance, concept drift), built
by one group builder with one spelling of a group and of a missing value.

:func:`groups` reads a gate's ``sensitive_features`` (column names) or the check input (names,
an array, a Series, a DataFrame or a dict), applies the missing-value policy
(``"as_group"``/``"drop"``/``"error"``) and caches the :class:`Groups` per run;
:func:`segments` groups the rows of either table by column(s) or by a callable's labels. Both go
through :func:`group_codes`, and both name a group with :func:`group_subject`
(``"sex=Female, race=<missing>"``). Everything here is re-exported by
:mod:`mlgates.core.inputs`, the input layer, which is where the families import it from.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Hashable, Sequence
from typing import TYPE_CHECKING, Any

from mlgates.core._text import pluralize
from mlgates.core.errors import InputError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from mlgates.core.context import CheckContext, Side

__all__ = ["MISSING_GROUP", "Groups", "group_codes", "group_subject", "groups", "segments"]

#: How a missing value of a sensitive feature or a segment column is shown in a group's name.
MISSING_GROUP = "<missing>"


@dataclasses.dataclass(frozen=True)
class Groups:
    """Groups of the rows of ``current`` (after the missing-value policy): sensitive groups or
    segments.

    ``keep`` is the row mask applied to every other per-row input (None when no row was
    dropped), ``codes`` the group code of each kept row, ``labels[g]`` the values (one per
    column, None for a missing value) of group ``g``.
    """

    codes: np.ndarray
    labels: list[tuple[Any, ...]]
    names: tuple[str, ...]
    keep: np.ndarray | None
    n_dropped: int
    key: Hashable
    n_rows: int

    @property
    def n_groups(self) -> int:
        return len(self.labels)

    def subject(self, g: int) -> str:
        """``"sex=Female"``, ``"sex=Female, race=Black"``, ``"sex=<missing>"``."""
        return group_subject(self.names, self.labels[g])

    def take(self, values: np.ndarray, name: str = "input") -> np.ndarray:
        """Per-row values restricted to the kept rows (InputError if the length differs)."""
        if len(values) != self.n_rows:
            raise InputError(
                f"{name} has {len(values)} rows but sensitive_features has {self.n_rows}; pass one "
                "value per row.",
                reason="length_mismatch",
                subject=name,
            )
        return values if self.keep is None else values[self.keep]


def group_subject(names: Sequence[str], values: Sequence[Any]) -> str:
    """The one spelling of a group: ``name=value`` joined with ``", "``, a missing value shown
    as :data:`MISSING_GROUP`.

    >>> group_subject(("sex", "race"), ("F", None))
    'sex=F, race=<missing>'
    """
    return ", ".join(f"{n}={MISSING_GROUP if v is None else v}" for n, v in zip(names, values))


def group_codes(
    columns: Sequence[Any], names: Sequence[str], on_missing: str, *, what: str = "sensitive feature"
) -> tuple[np.ndarray, list[tuple[Any, ...]], np.ndarray | None, int]:
    """The one group builder: codes, labels, kept-row mask and dropped count for ``columns``.

    ``on_missing`` is the policy for a missing value: ``"as_group"`` (a group of its own, shown
    as :data:`MISSING_GROUP`), ``"drop"`` (the row is left out) or ``"error"`` (InputError
    ``missing_sensitive_values``)."""
    import numpy as np
    import pandas as pd

    from mlgates.stats.fairness import group_codes as kernel

    n = len(columns[0])
    na = np.zeros(n, dtype=bool)
    for col in columns:
        na |= np.asarray(pd.isna(col), dtype=bool)
    n_missing = int(na.sum())
    if n_missing and on_missing == "error":
        bad = [nm for nm, c in zip(names, columns) if np.asarray(pd.isna(c)).any()]
        raise InputError(
            f"{what}{'' if len(bad) == 1 else 's'} {bad}: {pluralize(n_missing, 'missing value')}; "
            "pass on_missing='as_group' to treat them as a group or on_missing='drop' to drop those rows.",
            reason="missing_sensitive_values",
            subject=bad[0],
        )
    codes, found = kernel(list(columns), dropna=(on_missing == "drop"))
    keep = None
    if on_missing == "drop" and n_missing:
        keep = codes >= 0
        codes = codes[keep]
        if len(codes) == 0:
            raise InputError(
                f"every row has a missing {what} value; nothing left after on_missing='drop'.",
                reason="empty_input",
            )
    return codes, found, keep, (n_missing if on_missing == "drop" else 0)


def groups(ctx: CheckContext, param: Any, on_missing: str) -> Groups:
    """Sensitive groups from a gate's ``sensitive_features`` (column names; precedence) or the
    check input (column names, an array, a Series, a DataFrame or a dict), computed once per
    run for the same specification."""
    key_src: tuple[Any, ...]
    if param is not None:
        spec, key_src = param, ("param", param if isinstance(param, str) else tuple(param))
    else:
        spec = ctx.require("sensitive_features", "Fairness gates need the sensitive feature(s).")
        key_src = ("input",)
    key = ("inputs.groups", key_src, on_missing)
    return ctx.cached(key, lambda: _build_groups(ctx, spec, on_missing, key, from_param=param is not None))  # type: ignore[no-any-return]


def _build_groups(
    ctx: CheckContext, spec: Any, on_missing: str, key: Hashable, *, from_param: bool
) -> Groups:
    cols, names = _sensitive_columns(ctx, spec, from_param)
    n = len(ctx.frame("current")) if ctx.has("current") else len(cols[0])
    for name, col in zip(names, cols):
        if len(col) != n:
            raise InputError(
                f"sensitive feature {name!r} has {len(col)} rows but current has {n}; pass one "
                "value per row.",
                reason="length_mismatch",
                subject=name,
            )
    if n == 0:
        raise InputError("current has no rows: group rates are undefined.", reason="empty_input")
    codes, found, keep, n_dropped = group_codes(cols, names, on_missing)
    return Groups(codes, found, names, keep, n_dropped, key, n)


def _sensitive_columns(ctx: CheckContext, spec: Any, from_param: bool) -> tuple[list[Any], tuple[str, ...]]:
    """Arrays and names of the sensitive features from a gate parameter (always column
    names) or the check input (column names, or values)."""
    import numpy as np
    import pandas as pd

    if from_param and not isinstance(spec, str):
        names = tuple(spec)
        return [ctx.column("current", c).to_numpy() for c in names], tuple(str(c) for c in names)
    if isinstance(spec, (str, int)) and not isinstance(spec, bool):
        return [ctx.column("current", spec).to_numpy()], (str(spec),)
    if (
        isinstance(spec, Sequence)
        and not isinstance(spec, (str, bytes))
        and len(spec) > 0
        and all(isinstance(c, str) for c in spec)
    ):
        names = tuple(spec)
        return [ctx.column("current", c).to_numpy() for c in names], names
    if isinstance(spec, (pd.DataFrame, pd.Series)):
        spec = ctx.aligned("sensitive_features", spec)  # by index label, like every per-row input
    if isinstance(spec, pd.DataFrame):
        return [spec[c].to_numpy() for c in spec.columns], tuple(str(c) for c in spec.columns)
    if isinstance(spec, pd.Series):
        name = str(spec.name) if spec.name is not None else "sensitive_feature_0"
        return [spec.to_numpy()], (name,)
    if isinstance(spec, dict):
        return [np.asarray(v) for v in spec.values()], tuple(str(k) for k in spec)
    arr = np.asarray(spec, dtype=object) if isinstance(spec, (list, tuple)) else np.asarray(spec)
    if arr.ndim == 1:
        return [arr], ("sensitive_feature_0",)
    if arr.ndim == 2:
        return [arr[:, j] for j in range(arr.shape[1])], tuple(
            f"sensitive_feature_{j}" for j in range(arr.shape[1])
        )
    raise InputError(
        f"sensitive_features: expected column name(s), a 1-d or 2-d array, a Series or a "
        f"DataFrame; got an array with {arr.ndim} dimensions.",
        reason="invalid_input",
        subject="sensitive_features",
    )


def segments(ctx: CheckContext, spec: Any, side: Side) -> tuple[list[str], np.ndarray]:
    """Segment names and the segment id of each row of ``side``: the groups of column(s)
    (``"col=value"`` joined with ``", "``, a missing value its own segment shown as
    :data:`MISSING_GROUP`, as for sensitive groups), or of the labels a callable returns for the
    table (``"segment=value"``). Segments of two tables are matched by name."""
    import numpy as np

    frame = ctx.frame(side)
    if callable(spec):
        fn: Callable[[pd.DataFrame], Any] = spec
        values = np.asarray(fn(frame), dtype=object)
        if values.ndim != 1 or values.shape[0] != len(frame):
            raise InputError(
                f"segments: the callable returned {values.shape[0] if values.ndim else 0} labels "
                f"for {len(frame)} rows of {side}.",
                reason="length_mismatch",
                subject="segments",
            )
        cols: list[Any] = [values]
        names: tuple[str, ...] = ("segment",)
    else:
        wanted = [spec] if isinstance(spec, str) else list(spec)
        cols = [ctx.column(side, c).to_numpy() for c in wanted]
        names = tuple(str(c) for c in wanted)
    if len(frame) == 0:
        return [], np.zeros(0, dtype=np.int64)
    try:
        codes, found, _, _ = group_codes(cols, names, "as_group", what="segment")
    except TypeError:  # unhashable values (lists, dicts): grouped by their text
        as_text = [np.asarray([None if v is None else str(v) for v in c], dtype=object) for c in cols]
        codes, found, _, _ = group_codes(as_text, names, "as_group", what="segment")
    return [group_subject(names, label) for label in found], codes

"""Column health: MixedTypesGate (values of more than one type in an object column)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from mlgates.core.context import CheckContext
from mlgates.core.finding import Finding
from mlgates.core.params import Interval
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.gates._columns import share_text
from mlgates.gates.quality import _profiled as Q
from mlgates.gates.quality._common import (
    absent,
    all_missing,
    examples,
    frame_or_error,
    guarded,
    resolve_columns,
    share_status,
)
from mlgates.gates.quality._where import QualityGate
from mlgates.profiles.summaries import Rows, Types, type_group

__all__ = ["MixedTypesGate"]


_type_group = type_group  # one rule for the groups, in memory and on profiles


_SINGLE = {
    "string",
    "integer",
    "floating",
    "mixed-integer-float",
    "decimal",
    "boolean",
    "empty",
    "datetime",
    "datetime64",
    "date",
    "time",
    "timedelta",
    "timedelta64",
    "bytes",
    "complex",
    "period",
    "interval",
    "categorical",
}


class MixedTypesGate(QualityGate):
    """Object columns hold one kind of value: numbers, strings, booleans (or one other type).

    Parameters
    ----------
    columns : str or list of str, optional
        Columns to check; by default every ``object`` column (and categorical columns with
        object categories). Typed columns (float, string dtype, ...) hold one type by
        construction and PASS.
    max_minority_share : float, default 0.0
        Largest share of non-missing values allowed outside the column's most common type
        group, in [0, 1].
    where : str, optional
        Judge only the rows where this condition (in the rule language of
        :class:`~mlgates.RuleGate`) is true; see ``docs/quality.md#where``.
    name, blocking
        See :class:`~mlgates.Gate`.

    Notes
    -----
    Type groups: ``number`` (int, float, Decimal, numpy numbers; not bool), ``string``,
    ``boolean``, else the Python type name. The common case is decided by
    ``pandas.api.types.infer_dtype`` in one pass; only mixed columns are counted per type.
    Reason codes: ``mixed_types`` (FAIL), ``all_missing`` (ERROR), ``missing_column``,
    ``empty_input``, ``duplicate_columns``. Details hold the count per type group and up to
    five examples of each minority group.

    Examples
    --------
    >>> import pandas as pd
    >>> from mlgates import MixedTypesGate
    >>> df = pd.DataFrame({"zip": ["02139", 2139, "10001", "94110"]})
    >>> MixedTypesGate().check(current=df).findings[0].message
    'zip: 25.0% of values are not string (number: 1) > 0.0% allowed'
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "columns": ["columns", None],
        "max_minority_share": [Interval("real", 0, 1)],
    }

    def __init__(
        self,
        *,
        columns: str | Sequence[str] | None = None,
        max_minority_share: float = 0.0,
        where: str | None = None,
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.where = where
        self.columns = columns
        self.max_minority_share = max_minority_share

    def required_inputs(self) -> tuple[str, ...]:
        return ("current",)

    def _check(self, ctx: CheckContext) -> Verdict:
        frame = frame_or_error(ctx)
        if self.columns is None:
            cols = [c for c in frame.columns if _is_objectish(frame[c])]
        else:
            cols = resolve_columns(frame, self.columns)
        findings = []
        for col in cols:
            if col not in frame.columns:
                findings.append(absent(col, method="mixed_types", available=frame.columns))
                continue
            findings.append(guarded(partial(self._judge, frame[col], col), col, "mixed_types"))
        return self._verdict(
            findings=findings, metrics={"n_mixed_columns": sum(f.status is Status.FAIL for f in findings)}
        )

    # -- profiles (docs/scale.md): counts per type group merged over chunks ----------------
    def _profile_columns(self, ctx: CheckContext, schema: pd.DataFrame) -> list[Any]:
        if self.columns is None:
            return [c for c in schema.columns if _is_objectish(schema[c])]
        return Q.resolve(schema, self.columns, ctx, None)

    def _profile_needs(self, ctx: CheckContext, side: str) -> list[Any]:
        if side != "current":
            return []
        schema = Q.schema_of(ctx)
        cols = [c for c in self._profile_columns(ctx, schema) if c in schema.columns]
        return [Rows(), *(Types(c, grouped=True) for c in cols if _is_objectish(schema[c]))]

    def _check_profile(self, ctx: CheckContext) -> Verdict:
        schema, n = Q.table(ctx)
        findings = []
        for col in self._profile_columns(ctx, schema):
            if col not in schema.columns:
                findings.append(absent(col, method="mixed_types", available=schema.columns))
                continue
            if not _is_objectish(schema[col]):
                findings.append(self._typed(col, schema[col]))
                continue
            counts = ctx.summary("current", Types(col, grouped=True))
            findings.append(self._groups_finding(col, n, counts))
        return self._verdict(
            findings=findings, metrics={"n_mixed_columns": sum(f.status is Status.FAIL for f in findings)}
        )

    def _groups_finding(self, col: Any, n: int, counts: Any) -> Finding:
        n_checked = sum(counts.counts.values())
        if n_checked == 0:
            return all_missing(col, n, "mixed_types")
        by_group = pd.Series(counts.counts, dtype="int64").sort_values(ascending=False, kind="stable")
        if len(by_group) == 1:
            return self._one_type(col, by_group.index[0], n_checked)
        eg = {str(g): [counts.examples[g][1]] for g in by_group.index[1:6]}
        return self._mixed_finding(col, by_group, n_checked, "mixed", eg)

    def _typed(self, col: Any, series: pd.Series) -> Finding:
        """A column whose dtype allows one type only."""
        return self._single(col, f"{series.dtype} column holds one type", {"dtype": str(series.dtype)})

    def _one_type(self, col: Any, inferred: str, n_checked: int) -> Finding:
        """An object column whose values are of one type."""
        return self._single(col, f"one type ({inferred})", {"inferred": inferred, "n_checked": n_checked})

    def _single(self, col: Any, what: str, details: dict[str, Any]) -> Finding:
        return Finding(
            str(col),
            Status.PASS,
            statistic=0.0,
            threshold=self.max_minority_share,
            method="mixed_types",
            message=f"{col}: {what}",
            details=details,
        )

    def _judge(self, series: pd.Series, col: Any) -> Finding:
        n = len(series)
        if not _is_objectish(series):
            return self._typed(col, series)
        values = series.astype(object) if isinstance(series.dtype, pd.CategoricalDtype) else series
        values = values[~np.asarray(values.isna(), dtype=bool)]
        if len(values) == 0:
            return all_missing(col, n, "mixed_types")
        inferred = pd.api.types.infer_dtype(values, skipna=True)
        if inferred in _SINGLE:
            return self._one_type(col, inferred, len(values))
        types = values.map(type)  # only reached for mixed columns
        groups = types.map({t: _type_group(t) for t in types.unique()})  # per distinct type, not per row
        counts = groups.value_counts()
        minor_groups = counts.index[1:6]
        eg = {str(g): examples(values[np.asarray(groups == g)].to_numpy()[:50]) for g in minor_groups}
        return self._mixed_finding(col, counts, len(values), inferred, eg)

    def _mixed_finding(
        self, col: Any, counts: pd.Series, n_checked: int, inferred: str, eg: dict[str, Any]
    ) -> Finding:
        """The finding from the count per type group, most frequent first."""
        major = counts.index[0]
        n_minor = int(n_checked - counts.iloc[0])
        share = n_minor / n_checked
        status, exceeded = share_status(share, self.max_minority_share, None)
        minor = counts.iloc[1:]
        per_group = ", ".join(f"{g}: {c:,}" for g, c in minor.items())
        if exceeded:
            message = (
                f"{col}: {share_text(share)} of values are not {major} ({per_group}) > "
                f"{share_text(self.max_minority_share)} allowed"
            )
        else:
            allowed = share_text(self.max_minority_share)
            message = f"{col}: {share_text(share)} of values are not {major} <= {allowed} allowed"
        return Finding(
            str(col),
            status,
            statistic=share,
            threshold=self.max_minority_share,
            method="mixed_types",
            reason="mixed_types" if exceeded else None,
            message=message,
            details={
                "inferred": inferred,
                "types": {str(k): int(v) for k, v in counts.items()},
                "n_checked": n_checked,
                "examples": eg,
            },
        )


def _is_objectish(series: pd.Series) -> bool:
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return bool(pd.api.types.is_object_dtype(dtype.categories.dtype))
    return bool(pd.api.types.is_object_dtype(dtype))

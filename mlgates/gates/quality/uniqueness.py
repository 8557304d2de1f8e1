"""UniqueGate (keys are unique) and DuplicateRowsGate (share of repeated rows)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from mlgates.core.context import CheckContext
from mlgates.core.finding import Finding
from mlgates.core.params import Interval, parameter_error
from mlgates.core.verdict import Verdict
from mlgates.gates._columns import share_text
from mlgates.gates.quality import _profiled as Q
from mlgates.gates.quality._chance import DEFAULT_ALPHA, check_calibration, judge_share, with_notes
from mlgates.gates.quality._common import (
    MAX_EXAMPLES,
    absent,
    all_missing,
    exact_duplicate_mask,
    examples,
    frame_or_error,
    guarded,
    plain_value,
    top_examples,
)
from mlgates.gates.quality._where import QualityGate
from mlgates.profiles.summaries import HashCounts, RowHashes, Rows

__all__ = ["DuplicateRowsGate", "UniqueGate"]


def _keys(columns: Any) -> list[list[Any]]:
    """``"id"`` -> [["id"]]; ``["id", ["a", "b"]]`` -> [["id"], ["a", "b"]]."""
    if isinstance(columns, (str, int)):
        return [[columns]]
    return [[c] if isinstance(c, (str, int)) else list(c) for c in columns]


def _is_key_list(value: Any) -> bool:
    if isinstance(value, str):
        return True
    if not isinstance(value, Sequence) or not value:
        return False
    for item in value:
        if isinstance(item, bool):
            return False
        if isinstance(item, (str, int)):
            continue
        if (
            isinstance(item, Sequence)
            and item
            and all(isinstance(c, (str, int)) and not isinstance(c, bool) for c in item)
        ):
            continue
        return False
    return True


class _KeyList:
    def is_satisfied_by(self, value: Any) -> bool:
        return _is_key_list(value)

    def __str__(self) -> str:
        return "a column name or a list whose items are column names or lists of column names"


class UniqueGate(QualityGate):
    """Each key (a column, or a set of columns taken together) is unique in ``current``.

    Parameters
    ----------
    columns : str or list of (str or list of str)
        The keys: ``"id"``, ``["id", "email"]`` (two keys checked separately) or
        ``[["store", "date"]]`` (one composite key). Required.
    max_duplicate_share : float, default 0.0
        Largest share of rows allowed to repeat an earlier row's key, in [0, 1].
    calibration : mapping of key subject to {"n": int, "k": int}, optional
        For keys found unique in a reference (:func:`~mlgates.quality_suite_from_reference`
        writes it): ``k`` of ``n`` reference rows repeated an earlier key. Keys collide per
        pair of rows, so a batch of ``m`` rows may repeat as many keys as chance allows at
        false-alarm level ``alpha`` given the reference's pairs (``P(Binomial(k + K, w) >=
        K)``, ``w = C(m,2) / (C(n,2) + C(m,2))``), or ``max_duplicate_share * m`` if that is
        larger. See docs/quality.md.
    alpha : float, default 0.001
        False-alarm level of that sampling bound, in (0, 1).
    where : str, optional
        Judge only the rows where this condition (in the rule language of
        :class:`~mlgates.RuleGate`) is true; see ``docs/quality.md#where``.
    name, blocking
        See :class:`~mlgates.Gate`.

    Notes
    -----
    Rows where any key column is missing are left out (as SQL ``UNIQUE`` does) and counted in
    ``details["n_missing"]``. Reason codes: ``duplicate_keys`` (FAIL), ``missing_column``,
    ``all_missing``, ``empty_input``, ``duplicate_columns``. Details hold ``n_duplicates`` (rows
    repeating an earlier key) and the most repeated keys with their counts. Subjects of
    composite keys join the column names with ``+``.

    Examples
    --------
    >>> import pandas as pd
    >>> from mlgates import UniqueGate
    >>> df = pd.DataFrame({"id": [1, 2, 2, 3], "day": ["a", "a", "b", "b"]})
    >>> v = UniqueGate(columns=["id", ["id", "day"]]).check(current=df)
    >>> [(f.subject, f.status.value) for f in v.findings]
    [('id', 'fail'), ('id+day', 'pass')]
    >>> v.findings[0].message
    'id: 1 rows (25.0%) repeat an earlier key > 0.0% allowed; e.g. 2 (x2)'
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "columns": [_KeyList()],
        "max_duplicate_share": [Interval("real", 0, 1)],
        "calibration": ["mapping", None],
        "alpha": [Interval("real", 0, 1, closed="neither")],
    }

    def __init__(
        self,
        *,
        columns: str | Sequence[str | Sequence[str]] | None = None,
        max_duplicate_share: float = 0.0,
        calibration: Mapping[str, Mapping[str, int]] | None = None,
        alpha: float = DEFAULT_ALPHA,
        where: str | None = None,
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.where = where
        self.columns = columns
        self.max_duplicate_share = max_duplicate_share
        self.calibration = calibration
        self.alpha = alpha

    def _validate_params(self) -> None:
        check_calibration("UniqueGate", self.calibration, self.alpha)

    def required_inputs(self) -> tuple[str, ...]:
        return ("current",)

    def _check(self, ctx: CheckContext) -> Verdict:
        frame = frame_or_error(ctx)
        return self._per_key(
            frame.columns,
            lambda key, subject: guarded(partial(self._judge, ctx, frame, key, subject), subject, "unique"),
        )

    def _per_key(self, available: Any, judge: Callable[[list[Any], str], Finding]) -> Verdict:
        """One finding per key (``judge(key, subject)``; a key naming a column not in
        ``available`` is ``missing_column``): the frame of the in-memory and the profiled check."""
        findings = []
        for key in _keys(self.columns):
            subject = "+".join(map(str, key))
            gone = [c for c in key if c not in available]
            if gone:
                findings.append(
                    absent(gone[0], method="unique", available=available).replace(subject=subject)
                )
                continue
            findings.append(judge(key, subject))
        return self._verdict(
            findings=findings,
            metrics={"n_duplicate_keys": sum(f.details.get("n_duplicates", 0) for f in findings)},
        )

    # -- profiles (docs/scale.md): row hashes merged over chunks ---------------------------
    def _profile_needs(self, ctx: CheckContext, side: str) -> list[Any]:
        if side != "current":
            return []
        schema = Q.schema_of(ctx)
        out: list[Any] = [Rows()]
        for key in _keys(self.columns):
            if all(c in schema.columns for c in key):
                out.append(RowHashes(tuple(key), skip_missing=True))
        return out

    def _check_profile(self, ctx: CheckContext) -> Verdict:
        schema, n = Q.table(ctx)

        def judge(key: list[Any], subject: str) -> Finding:
            hashes = ctx.summary("current", RowHashes(tuple(key), skip_missing=True))
            if hashes.n_rows == 0:
                return all_missing(subject, n, "unique")
            finding = self._finding(key, subject, n, hashes.n_rows, hashes.n_rows - hashes.n_distinct, [])
            return finding.replace(details={**finding.details, **hash_facts(hashes)})

        return self._per_key(schema.columns, judge)

    def _judge(self, ctx: CheckContext, frame: pd.DataFrame, key: list[Any], subject: str) -> Finding:
        n = len(frame)
        sub = frame[key]
        present = ~np.asarray(sub.isna().any(axis=1))
        n_checked = int(present.sum())
        if n_checked == 0:
            return all_missing(subject, n, "unique")
        if len(key) == 1:
            values = sub.iloc[:, 0][present]
            dup = np.asarray(values.duplicated(keep="first"), dtype=bool)
            repeated = values[dup].value_counts().head(MAX_EXAMPLES)
            shown = top_examples(repeated.index, repeated.to_numpy() + 1)
        else:
            kept = sub[present]
            dup = exact_duplicate_mask(kept)
            rows = kept[dup].head(MAX_EXAMPLES * 4).drop_duplicates().head(MAX_EXAMPLES)
            shown = [
                {"value": [plain_value(v) for v in r], "count": None} for r in rows.to_numpy(dtype=object)
            ]
        return self._finding(key, subject, n, n_checked, int(dup.sum()), shown)

    def _finding(
        self, key: list[Any], subject: str, n: int, n_checked: int, n_dup: int, shown: list[dict[str, Any]]
    ) -> Finding:
        """The key's finding from its counts (in memory or from row hashes merged over chunks)."""
        share = n_dup / n_checked
        d = judge_share(
            n_dup,
            n_checked,
            self.max_duplicate_share,
            None,
            calibration=self.calibration,
            subject=subject,
            alpha=self.alpha,
            method="pair_collisions",
        )
        eg = ", ".join(f"{e['value']!r}" + (f" (x{e['count']})" if e["count"] else "") for e in shown[:3])
        if d.exceeded:
            message = f"{subject}: {n_dup:,} rows ({share_text(share)}) repeat an earlier key {d.tail()}" + (
                f"; e.g. {eg}" if eg else ""
            )
        else:
            message = f"{subject}: {n_dup:,} repeated keys ({share_text(share)}) {d.tail()}"
        return Finding(
            subject,
            d.status,
            statistic=share,
            threshold=d.threshold,
            method="unique",
            reason="duplicate_keys" if d.exceeded else None,
            message=with_notes(message, d.note()),
            details={
                "columns": [str(c) for c in key],
                "n_duplicates": n_dup,
                "n_checked": n_checked,
                "n_missing": n - n_checked,
                "examples": shown,
                **d.details(),
            },
        )


class DuplicateRowsGate(QualityGate):
    """The share of rows identical to an earlier row (over all columns, or a subset) is at
    most ``max_share``.

    Parameters
    ----------
    columns : str or list of str, optional
        Compare rows on these columns only; all columns by default.
    max_share : float, default 0.0
        Largest share of duplicated rows (rows equal to an earlier row), in [0, 1].
    warn_share : float, optional
        Shares above this (within ``max_share``) WARN.
    calibration : mapping of "rows" to {"n": int, "k": int}, optional
        For a share learned from a reference (:func:`~mlgates.quality_suite_from_reference`
        writes ``{"rows": {"n": ..., "k": ...}}``): ``k`` of ``n`` reference rows repeated an
        earlier row. Rows collide per pair, so a batch of ``m`` rows may hold as many repeats
        as chance allows at false-alarm level ``alpha`` (``P(Binomial(k + K, w) >= K)``,
        ``w = C(m,2) / (C(n,2) + C(m,2))``), or ``max_share * m`` if that is larger. See docs/quality.md.
    alpha : float, default 0.001
        False-alarm level of that sampling bound, in (0, 1).
    where : str, optional
        Judge only the rows where this condition (in the rule language of
        :class:`~mlgates.RuleGate`) is true; see ``docs/quality.md#where``.
    name, blocking
        See :class:`~mlgates.Gate`.

    Notes
    -----
    Missing values compare equal to each other (as in ``DataFrame.duplicated``). Candidates
    are narrowed column by column (a row can only repeat another if each of its values
    repeats), then compared exactly, so the count is exact and a table without duplicates
    costs about one hash pass over its most distinct column. Reason codes:
    ``duplicate_rows`` (FAIL/WARN), ``missing_column``,
    ``empty_input``, ``duplicate_columns``. Details hold ``n_duplicates`` and up to five index
    labels of duplicated rows.

    Examples
    --------
    >>> import pandas as pd
    >>> from mlgates import DuplicateRowsGate
    >>> df = pd.DataFrame({"a": [1, 1, 2, 1], "b": ["x", "x", "y", "z"]})
    >>> v = DuplicateRowsGate(max_share=0.1).check(current=df)
    >>> v.findings[0].message
    'rows: 1 duplicated (25.0%) > 10.0% allowed'
    >>> DuplicateRowsGate(columns="a", max_share=0.5).check(current=df).findings[0].statistic
    0.5
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
        where: str | None = None,
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.where = where
        self.columns = columns
        self.max_share = max_share
        self.warn_share = warn_share
        self.calibration = calibration
        self.alpha = alpha

    def _validate_params(self) -> None:
        check_calibration("DuplicateRowsGate", self.calibration, self.alpha)
        if isinstance(self.columns, list) and not self.columns:
            raise parameter_error("DuplicateRowsGate", "columns", "a non-empty list or None", self.columns)

    def required_inputs(self) -> tuple[str, ...]:
        return ("current",)

    def _check(self, ctx: CheckContext) -> Verdict:
        frame = frame_or_error(ctx)
        cols = (
            list(frame.columns)
            if self.columns is None
            else ([self.columns] if isinstance(self.columns, str) else list(self.columns))
        )
        gone = [c for c in cols if c not in frame.columns]
        if gone:
            return self._verdict(
                findings=[absent(c, method="duplicate_rows", available=frame.columns) for c in gone]
            )
        dup = _duplicate_rows(ctx, frame, cols)
        labels = frame.index[np.flatnonzero(dup)[:MAX_EXAMPLES]]
        return self._decide(len(frame), int(dup.sum()), cols, examples(labels))

    # -- profiles (docs/scale.md): row hashes merged over chunks ---------------------------
    def _columns_of(self, schema: pd.DataFrame) -> list[Any]:
        if self.columns is None:
            return list(schema.columns)
        return [self.columns] if isinstance(self.columns, str) else list(self.columns)

    def _profile_needs(self, ctx: CheckContext, side: str) -> list[Any]:
        if side != "current":
            return []
        schema = Q.schema_of(ctx)
        cols = self._columns_of(schema)
        if any(c not in schema.columns for c in cols):
            return [Rows()]
        return [Rows(), RowHashes(None if self.columns is None else tuple(cols))]

    def _check_profile(self, ctx: CheckContext) -> Verdict:
        schema, n = Q.table(ctx)
        cols = self._columns_of(schema)
        gone = [c for c in cols if c not in schema.columns]
        if gone:
            return self._verdict(
                findings=[absent(c, method="duplicate_rows", available=schema.columns) for c in gone]
            )
        hashes = ctx.summary("current", RowHashes(None if self.columns is None else tuple(cols)))
        verdict = self._decide(n, hashes.n_rows - hashes.n_distinct, cols, [])
        finding = verdict.findings[0]
        finding = finding.replace(details={**finding.details, **hash_facts(hashes)})
        return verdict.replace(findings=(finding,))

    def _decide(self, n: int, n_dup: int, cols: list[Any], example_rows: list[Any]) -> Verdict:
        """The verdict from the count of duplicated rows (in memory or from row hashes)."""
        share = n_dup / n
        d = judge_share(
            n_dup,
            n,
            self.max_share,
            self.warn_share,
            calibration=self.calibration,
            subject="rows",
            alpha=self.alpha,
            method="pair_collisions",
        )
        finding = Finding(
            "rows",
            d.status,
            statistic=share,
            threshold=d.threshold,
            method="duplicate_rows",
            reason="duplicate_rows" if d.exceeded else None,
            message=with_notes(f"rows: {n_dup:,} duplicated ({share_text(share)}) {d.tail()}", d.note()),
            details={
                "n_duplicates": n_dup,
                "n_rows": n,
                "columns": None if self.columns is None else [str(c) for c in cols],
                "example_rows": example_rows,
                **d.details(),
            },
        )
        return self._verdict(findings=[finding], metrics={"duplicate_share": share})


def _duplicate_rows(ctx: CheckContext, frame: pd.DataFrame, cols: list[Any]) -> np.ndarray:
    return ctx.cached(  # type: ignore[no-any-return]
        ("quality.duplicate_rows", "current", tuple(cols)),
        lambda: exact_duplicate_mask(frame[cols]),
    )


def hash_facts(hashes: HashCounts) -> dict[str, Any]:
    """What a count from row hashes records: not exact in principle, and how likely it is off
    (a collision can only add a duplicate, so a PASS is certain)."""
    return {
        "exact": False,
        "counted_by": "64-bit row hashes",
        "collision_probability": hashes.collision_bound(),
    }

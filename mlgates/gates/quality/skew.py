"""FeatureSkewGate: training/serving skew, joined row by row on id columns."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from mlgates.core.context import CheckContext
from mlgates.core.finding import Finding
from mlgates.core.params import Interval, Options, parameter_error
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.gates._columns import UNSUPPORTED_KINDS, column_kind, share_text, unsupported_dtype_finding
from mlgates.gates.quality._common import UNGROUPABLE, absent, frame_or_error, plain_value, share_status
from mlgates.gates.quality._where import QualityGate

__all__ = ["FeatureSkewGate"]

_NUMERIC = ("integer", "float")
_TEXT = ("string", "categorical", "object")
_EXAMPLES = 5


def _mismatch(ref: pd.Series, cur: pd.Series) -> str | None:
    """How the kinds of a column differ between the tables (None: comparable)."""
    ref_kind, cur_kind = column_kind(ref), column_kind(cur)
    compatible = (
        ref_kind == cur_kind or {ref_kind, cur_kind} <= set(_NUMERIC) or {ref_kind, cur_kind} <= set(_TEXT)
    )
    if not compatible:
        return f"{ref_kind} vs {cur_kind}"
    tz = [getattr(s.dtype, "tz", None) is not None for s in (ref, cur)]
    if ref_kind == "datetime" and tz[0] != tz[1]:
        return "timestamps with and without a timezone"
    return None


def _names(columns: str | Sequence[Any] | None) -> list[Any] | None:
    if columns is None:
        return None
    return [columns] if isinstance(columns, str) else list(columns)


class FeatureSkewGate(QualityGate):
    """The same rows in training (``reference``) and serving (``current``) carry the same
    feature values: TensorFlow Data Validation's feature skew, without Beam.

    The two tables are joined on the id columns ``keys``. For each feature the gate reports the
    share of joined rows whose values differ and FAILs it above ``max_share``; rows whose key
    has no match in the other table are reported per side and FAIL above
    ``max_unmatched_share``.

    Parameters
    ----------
    keys : str or list of str
        The id column(s) both tables share. Required.
    columns : str or list of str, optional
        Features to compare; by default every column both tables have, except the keys
        (columns only one table has are SKIP findings, reason ``missing_column``).
    atol, rtol : float, default 0.0
        Tolerance for features where either side holds floats: values are equal when
        ``|current - reference| <= atol + rtol * |reference|`` (``numpy.isclose``). Other kinds
        (integers, strings, categories, booleans, timestamps) must be equal exactly.
    max_share : float, default 0.0
        Largest share of joined rows whose value of a feature may differ, in [0, 1].
    warn_share : float, optional
        Shares above this (within ``max_share``) WARN.
    max_unmatched_share : float, default 0.0
        Largest share of a table's rows whose key has no match in the other table (a missing
        key never matches), each side judged on its own.
    on_duplicate_keys : {"error", "first", "last", "drop"}, default "error"
        A key shared by several rows of one table makes the join ambiguous: ``"error"`` returns
        ERROR (reason ``duplicate_keys``) naming them; ``"first"``/``"last"`` keep one row per key,
        ``"drop"`` drops every row of a repeated key, each with a WARN finding counting them.
    where : str, optional
        Judge only the rows where this condition (in the rule language of
        :class:`~mlgates.RuleGate`) is true; see ``docs/quality.md#where``.
    name, blocking
        See :class:`~mlgates.Gate`.

    Notes
    -----
    Missing values equal missing values (NaN, None, NaT, pd.NA); a value missing on one side
    only differs. A feature whose kinds differ between the tables (numbers in one, text in the
    other; timestamps with and without a timezone) is ERROR (``kind_mismatch``). Reason codes:
    ``skew_share_exceeded``, ``unmatched_share_exceeded``, ``duplicate_keys``,
    ``kind_mismatch``, ``missing_column``, ``unsupported_dtype``, ``empty_input`` (no key
    matched, or an empty table), ``duplicate_columns``. Each feature's details hold
    ``n_joined``, ``n_differing`` and up to five differing rows (key, reference value, current
    value); float features also ``max_abs_difference``.

    Examples
    --------
    >>> import pandas as pd
    >>> from mlgates import FeatureSkewGate
    >>> training = pd.DataFrame({"id": [1, 2, 3, 4], "age": [30, 41, 52, 63], "score": [0.1, 0.2, 0.3, 0.4]})
    >>> serving = pd.DataFrame({"id": [2, 3, 4, 5], "age": [41, 52, 64, 70], "score": [0.2, 0.3, 0.4, 0.5]})
    >>> v = FeatureSkewGate(keys="id", max_unmatched_share=0.25).check(reference=training, current=serving)
    >>> [(f.subject, f.status.value) for f in v.findings]
    [('age', 'fail'), ('score', 'pass'), ('reference keys', 'pass'), ('current keys', 'pass')]
    >>> v.findings[0].message
    'age: 33.3% of 3 joined rows differ (1) > 0.0% allowed; e.g. id=4: 63 in reference, 64 in current'
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "keys": ["columns", None],
        "columns": ["columns", None],
        "atol": [Interval("real", 0, None)],
        "rtol": [Interval("real", 0, None)],
        "max_share": [Interval("real", 0, 1)],
        "warn_share": [Interval("real", 0, 1), None],
        "max_unmatched_share": [Interval("real", 0, 1)],
        "on_duplicate_keys": [Options("error", "first", "last", "drop")],
    }

    def __init__(
        self,
        *,
        keys: str | Sequence[str] | None = None,
        columns: str | Sequence[str] | None = None,
        atol: float = 0.0,
        rtol: float = 0.0,
        max_share: float = 0.0,
        warn_share: float | None = None,
        max_unmatched_share: float = 0.0,
        on_duplicate_keys: str = "error",
        where: str | None = None,
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.where = where
        self.keys = keys
        self.columns = columns
        self.atol = atol
        self.rtol = rtol
        self.max_share = max_share
        self.warn_share = warn_share
        self.max_unmatched_share = max_unmatched_share
        self.on_duplicate_keys = on_duplicate_keys

    def _validate_params(self) -> None:
        keys = _names(self.keys)
        if not keys:
            raise parameter_error(
                "FeatureSkewGate",
                "keys",
                "the id column(s) both tables share",
                self.keys,
                "FeatureSkewGate(keys='id') (or keys=['store', 'day']).",
            )
        overlap = [c for c in _names(self.columns) or [] if c in keys]
        if overlap:
            raise parameter_error(
                "FeatureSkewGate",
                "columns",
                "features other than the keys",
                self.columns,
                f"remove {overlap} from columns: keys are what the tables are joined on.",
            )

    def required_inputs(self) -> tuple[str, ...]:
        return ("reference", "current")

    # -- the join ---------------------------------------------------------------------------
    def _duplicates(
        self, frames: dict[str, pd.DataFrame], keys: list[Any], findings: list[Finding]
    ) -> dict[str, np.ndarray] | None:
        """Rows kept per side (the duplicates policy applied); None when duplicates are an ERROR."""
        kept: dict[str, np.ndarray] = {}
        errors = []
        for side, frame in frames.items():
            key_frame = frame[keys]
            missing = np.asarray(key_frame.isna().any(axis=1), dtype=bool)
            try:
                repeated = np.asarray(key_frame.duplicated(keep=False), dtype=bool) & ~missing
            except UNGROUPABLE:
                repeated = np.asarray(key_frame.map(str).duplicated(keep=False), dtype=bool) & ~missing
            n_rep = int(repeated.sum())
            if n_rep == 0:
                kept[side] = np.ones(len(frame), dtype=bool)
                continue
            shown = _key_examples(key_frame, np.flatnonzero(repeated), keys)
            facts = {"n_rows_with_repeated_keys": n_rep, "n_rows": len(frame), "examples": shown}
            if self.on_duplicate_keys == "error":
                errors.append(
                    Finding(
                        f"{side} keys",
                        Status.ERROR,
                        statistic=n_rep / len(frame),
                        method="join",
                        reason="duplicate_keys",
                        message=f"{side} keys: {n_rep:,} rows share their key with another row (e.g. "
                        f"{', '.join(shown[:3])}), so the join is ambiguous; make the keys unique or "
                        "set on_duplicate_keys='first', 'last' or 'drop'",
                        details=facts,
                    )
                )
                continue
            if self.on_duplicate_keys == "drop":
                keep = ~repeated
            else:
                keep = ~np.asarray(key_frame.duplicated(keep=self.on_duplicate_keys), dtype=bool) | missing
            kept[side] = keep
            n_dropped = int((~keep).sum())
            findings.append(
                Finding(
                    f"{side} keys",
                    Status.WARN,
                    statistic=n_rep / len(frame),
                    method="join",
                    reason="duplicate_keys",
                    message=f"{side} keys: {n_rep:,} rows share their key with another row (e.g. "
                    f"{', '.join(shown[:3])}); {n_dropped:,} dropped "
                    f"(on_duplicate_keys={self.on_duplicate_keys!r})",
                    details={**facts, "n_dropped": n_dropped},
                )
            )
        if errors:
            findings.extend(errors)
            return None
        return kept

    def _join(
        self, frames: dict[str, pd.DataFrame], keys: list[Any], kept: dict[str, np.ndarray]
    ) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
        """Positions of joined rows in reference and current, and each side's unmatched mask."""
        usable = {}
        for side, frame in frames.items():
            missing = np.asarray(frame[keys].isna().any(axis=1), dtype=bool)
            usable[side] = np.flatnonzero(kept[side] & ~missing)

        def index(side: str) -> pd.Index:
            sub = frames[side][keys].iloc[usable[side]]
            if len(keys) == 1:
                return pd.Index(sub.iloc[:, 0].to_numpy())
            return pd.MultiIndex.from_frame(sub)

        ref_index, cur_index = index("reference"), index("current")
        try:
            hit = ref_index.get_indexer(cur_index)
        except UNGROUPABLE:
            hit = pd.Index(ref_index.astype(str)).get_indexer(pd.Index(cur_index.astype(str)))
        found = hit >= 0
        cur_pos = usable["current"][found]
        ref_pos = usable["reference"][hit[found]]
        unmatched = {}
        for side, pos in (("reference", ref_pos), ("current", cur_pos)):
            joined = np.zeros(len(frames[side]), dtype=bool)
            joined[pos] = True
            unmatched[side] = kept[side] & ~joined
        return ref_pos, cur_pos, unmatched

    # -- per feature ------------------------------------------------------------------------
    def _compare(
        self,
        col: Any,
        ref: pd.Series,
        cur: pd.Series,
        ref_pos: np.ndarray,
        cur_pos: np.ndarray,
        keys_of: Any,
    ) -> Finding:
        ref_kind, cur_kind = column_kind(ref), column_kind(cur)
        details: dict[str, Any] = {"kinds": [ref_kind, cur_kind]}
        what = _mismatch(ref, cur)
        if what is not None:
            return Finding(
                str(col),
                Status.ERROR,
                method="join",
                reason="kind_mismatch",
                message=f"{col}: the tables hold different kinds of values ({what}): fix the "
                "serving or training pipeline's types before comparing values",
                details=details,
            )
        m = len(ref_pos)
        if "float" in (ref_kind, cur_kind):
            method = "isclose"
            a = ref.to_numpy(dtype="float64", na_value=np.nan)[ref_pos]
            b = cur.to_numpy(dtype="float64", na_value=np.nan)[cur_pos]
            with np.errstate(invalid="ignore"):
                equal = np.isclose(b, a, rtol=self.rtol, atol=self.atol, equal_nan=True)
                gap = np.abs(b - a)
            finite = np.isfinite(gap)
            details["max_abs_difference"] = float(gap[finite].max()) if finite.any() else 0.0
            details.update(atol=self.atol, rtol=self.rtol)
        else:
            method = "exact"
            both = pd.concat(
                [ref.iloc[ref_pos].reset_index(drop=True), cur.iloc[cur_pos].reset_index(drop=True)],
                ignore_index=True,
            )
            try:
                codes, _ = pd.factorize(both, use_na_sentinel=True)
            except UNGROUPABLE:
                text = both.astype(str).where(~both.isna(), None)
                codes, _ = pd.factorize(text, use_na_sentinel=True)
            equal = codes[:m] == codes[m:]
        differ = np.flatnonzero(~equal)
        n_diff = len(differ)
        share = n_diff / m
        status, exceeded = share_status(share, self.max_share, self.warn_share)
        shown = [
            {
                "key": keys_of(int(ref_pos[i])),
                "reference": plain_value(ref.iloc[int(ref_pos[i])]),
                "current": plain_value(cur.iloc[int(cur_pos[i])]),
            }
            for i in differ[:_EXAMPLES]
        ]
        details.update(n_joined=m, n_differing=n_diff, examples=shown)
        limit = self.max_share
        if status is Status.WARN and self.warn_share is not None:
            limit = self.warn_share
        rel = ">" if exceeded else "<="
        message = (
            f"{col}: {share_text(share)} of {m:,} joined rows differ ({n_diff:,}) {rel} {share_text(limit)} "
        )
        message += "(warning level)" if status is Status.WARN else "allowed"
        if shown:
            first = shown[0]
            message += (
                f"; e.g. {first['key']}: {first['reference']!r} in reference, {first['current']!r} in current"
            )
        return Finding(
            str(col),
            status,
            statistic=share,
            threshold=limit,
            method=method,
            reason="skew_share_exceeded" if exceeded else None,
            message=message,
            details=details,
        )

    def _check(self, ctx: CheckContext) -> Verdict:
        frames = {side: frame_or_error(ctx, side) for side in ("reference", "current")}
        keys = _names(self.keys) or []
        findings: list[Finding] = []
        for side, frame in frames.items():
            for key in keys:
                if key not in frame.columns:
                    findings.append(absent(key, side, method="join", available=frame.columns))
        if findings:
            return self._verdict(findings=findings)
        ref, cur = frames["reference"], frames["current"]
        for key in keys:
            what = _mismatch(ref[key], cur[key])
            if what is not None:  # no key could match: say why instead of "100% unmatched"
                findings.append(
                    Finding(
                        str(key),
                        Status.ERROR,
                        method="join",
                        reason="kind_mismatch",
                        message=f"{key}: the key column holds different kinds of values in the tables "
                        f"({what}), so no row can be joined; cast one side (e.g. both to str) first",
                        details={"kinds": [column_kind(ref[key]), column_kind(cur[key])]},
                    )
                )
        if findings:
            return self._verdict(findings=findings)
        listed = _names(self.columns)
        if listed is None:
            features = [c for c in ref.columns if c in cur.columns and c not in keys]
            for side, frame, other in (("current", cur, ref), ("reference", ref, cur)):
                for c in other.columns:
                    if c not in frame.columns and c not in keys:
                        findings.append(
                            Finding(
                                str(c),
                                Status.SKIP,
                                method="join",
                                reason="missing_column",
                                message=f"{c}: not in {side}, so not compared",
                            )
                        )
        else:
            features = []
            for c in listed:
                gone = [side for side, frame in frames.items() if c not in frame.columns]
                if gone:
                    findings.append(absent(c, gone[0], method="join", available=frames[gone[0]].columns))
                else:
                    features.append(c)
        kept = self._duplicates(frames, keys, findings)
        if kept is None:
            return self._verdict(findings=findings)
        ref_pos, cur_pos, unmatched = self._join(frames, keys, kept)
        key_frame = ref[keys]

        def keys_of(pos: int) -> str:
            return ", ".join(f"{k}={plain_value(key_frame.iat[pos, i])!r}" for i, k in enumerate(keys))

        compared: list[Finding] = []
        if len(ref_pos) == 0:
            compared.append(
                Finding(
                    "features",
                    Status.ERROR,
                    method="join",
                    reason="empty_input",
                    message="no key of current matches a key of reference: no row to compare",
                )
            )
        else:
            for col in features:
                kinds = [column_kind(frames[s][col]) for s in frames]
                bad = next((k for k in kinds if k in UNSUPPORTED_KINDS), None)
                if bad is not None:
                    side = "reference" if kinds[0] == bad else "current"
                    compared.append(
                        unsupported_dtype_finding(
                            col, frames[side][col], explicit=listed is not None, method="join", kind=bad
                        )
                    )
                    continue
                compared.append(self._compare(col, ref[col], cur[col], ref_pos, cur_pos, keys_of))
        key_findings: list[Finding] = []
        shares = {}
        for side in ("reference", "current"):
            frame = frames[side]
            mask = unmatched[side]
            missing_key = np.asarray(frame[keys].isna().any(axis=1), dtype=bool)
            n_rows = int(kept[side].sum())
            n_unmatched = int(mask.sum())
            share = n_unmatched / n_rows if n_rows else float("nan")
            shares[side] = share
            other = "current" if side == "reference" else "reference"
            status, exceeded = share_status(share, self.max_unmatched_share, None)
            n_missing = int((missing_key & mask).sum())
            shown = _key_examples(frame[keys], np.flatnonzero(mask & ~missing_key), keys)
            rel = ">" if exceeded else "<="
            message = (
                f"{side} keys: {share_text(share)} of rows ({n_unmatched:,} of {n_rows:,}) have no match in "
                f"{other} {rel} {share_text(self.max_unmatched_share)} allowed"
            )
            if n_missing:
                message += f"; {n_missing:,} have a missing key"
            if shown:
                message += f"; e.g. {', '.join(shown[:3])}"
            key_findings.append(
                Finding(
                    f"{side} keys",
                    status,
                    statistic=share,
                    threshold=self.max_unmatched_share,
                    method="join",
                    reason="unmatched_share_exceeded" if exceeded else None,
                    message=message,
                    details={
                        "n_unmatched": n_unmatched,
                        "n_rows": n_rows,
                        "n_missing_key": n_missing,
                        "examples": shown,
                    },
                )
            )
        findings = [*compared, *key_findings, *findings]
        skews = [
            f.statistic for f in compared if f.method in ("isclose", "exact") and f.statistic is not None
        ]
        return self._verdict(
            findings=findings,
            metrics={
                "n_joined": len(ref_pos),
                "max_skew_share": max(skews) if skews else float("nan"),
                "reference_unmatched_share": shares["reference"],
                "current_unmatched_share": shares["current"],
            },
        )


def _key_examples(key_frame: pd.DataFrame, positions: np.ndarray, keys: list[Any]) -> list[str]:
    """``["id=3", ...]`` for the first distinct keys at ``positions``."""
    out: list[str] = []
    for pos in positions[: _EXAMPLES * 20]:
        text = ", ".join(f"{k}={plain_value(key_frame.iat[int(pos), i])!r}" for i, k in enumerate(keys))
        if text not in out:
            out.append(text)
        if len(out) == _EXAMPLES:
            break
    return out

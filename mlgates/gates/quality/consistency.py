"""Consistency of string values: spellings that differ only by case, whitespace or punctuation
(:class:`StringVariantsGate`), missing values spelled as text (:class:`MissingSpellingsGate`)
and values made only of special characters (:class:`SpecialCharactersGate`).

Each gate judges every string column of ``current`` (or the listed ones), one finding per
column, and bounds a share with ``max_share``. The decision is :func:`decide_share` (pure,
facts in); the sentences are written by the ``_describe_*`` functions from the same facts.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, ClassVar

import pandas as pd

from mlgates.core.context import CheckContext
from mlgates.core.finding import Finding
from mlgates.core.params import Interval, parameter_error
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.gates._columns import missing_mask, share_text, unknown_key_findings
from mlgates.gates.quality._common import (
    all_missing,
    check_share_mapping,
    checkable,
    frame_or_error,
    guarded,
    per_column,
    resolve_columns,
)
from mlgates.gates.quality._where import QualityGate

__all__ = [
    "DEFAULT_MISSING_SPELLINGS",
    "MissingSpellingsGate",
    "ShareFacts",
    "SpecialCharactersGate",
    "StringVariantsGate",
    "decide_share",
    "normalized_form",
]

#: Text that spells a missing value, compared after stripping surrounding whitespace and
#: case-folding (``" N/A "`` and ``"n/a"`` match ``"n/a"``).
DEFAULT_MISSING_SPELLINGS = (
    "",
    "n/a",
    "na",
    "#n/a",
    "<na>",
    "null",
    "none",
    "nan",
    "nil",
    "-",
    "--",
    "?",
    "missing",
    "undefined",
)

#: Variant groups (and special values) listed in a finding's details, most rows first.
MAX_GROUPS = 10
#: Characters of a value shown in details and messages; longer values are cut with "...".
MAX_SHOWN = 40

_ACCEPTED = ("string", "categorical", "object")
_DEFAULT_KINDS = ("string", "categorical")


def _short(value: str) -> str:
    return value if len(value) <= MAX_SHOWN else value[: MAX_SHOWN - 3] + "..."


def normalized_form(value: str) -> str:
    """The form two spellings share when they differ only by case, whitespace or punctuation:
    Unicode NFKC, case-folded, with every whitespace, separator and punctuation character
    removed (symbols such as ``$`` and ``%`` and all letters and digits stay).

    Examples
    --------
    >>> [normalized_form(v) for v in ("NY", " ny ", "N.Y.", "New-York", "new york")]
    ['ny', 'ny', 'ny', 'newyork', 'newyork']
    """
    text = unicodedata.normalize("NFKC", value).casefold()
    return "".join(ch for ch in text if not (ch.isspace() or unicodedata.category(ch)[0] in "PZ"))


def _is_special(value: str) -> bool:
    """Not blank, and no letter or digit (only punctuation, symbols, marks or spaces)."""
    return bool(value.strip()) and not any(ch.isalnum() for ch in value)


@dataclass(frozen=True)
class ShareFacts:
    """What the share rule needs: the column, the offending count, the denominator, the bound,
    and a short account of what offends (for the message)."""

    subject: str
    n_bad: int
    n_checked: int
    limit: float
    what: str
    shown: tuple[str, ...] = ()

    @property
    def share(self) -> float:
        return self.n_bad / self.n_checked if self.n_checked else float("nan")


def decide_share(facts: ShareFacts) -> tuple[Status, bool]:
    """FAIL when the share is above the bound (NaN fails closed); returns (status, exceeded).

    >>> decide_share(ShareFacts("city", 2, 100, 0.01, "variants"))
    (<Status.FAIL: 'fail'>, True)
    >>> decide_share(ShareFacts("city", 1, 100, 0.01, "variants"))
    (<Status.PASS: 'pass'>, False)
    """
    if not facts.share <= facts.limit:
        return Status.FAIL, True
    return Status.PASS, False


def _describe(facts: ShareFacts, exceeded: bool) -> str:
    share = share_text(facts.share)
    if not exceeded:
        return f"{facts.subject}: {share} {facts.what} <= {share_text(facts.limit)} allowed"
    tail = f"; e.g. {', '.join(repr(v) for v in facts.shown[:3])}" if facts.shown else ""
    return f"{facts.subject}: {share} {facts.what} > {share_text(facts.limit)} allowed{tail}"


def _text_values(series: pd.Series) -> pd.Series:
    """Non-missing values as str (categories and other objects by their text)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype(object)
    values = series[~missing_mask(series)]
    if len(values) and not pd.api.types.is_string_dtype(values.dtype):
        values = values.astype(str)
    return values.astype(object)


class _StringShareGate(QualityGate):
    """Shared frame of the three gates: the parameters (``columns``, ``max_share``, ``where``),
    column selection, one finding per column."""

    _method: ClassVar[str] = ""
    _reason: ClassVar[str] = ""
    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "columns": ["columns", None],
        "max_share": [Interval("real", 0, 1), "mapping"],
    }

    def __init__(
        self,
        *,
        columns: str | Sequence[str] | None = None,
        max_share: float | Mapping[str, float] = 0.0,
        where: str | None = None,
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.where = where
        self.columns = columns
        self.max_share = max_share

    def _validate_params(self) -> None:
        check_share_mapping(type(self).__name__, "max_share", self.max_share)

    def required_inputs(self) -> tuple[str, ...]:
        return ("current",)

    def _check(self, ctx: CheckContext) -> Verdict:
        frame = frame_or_error(ctx)
        findings: list[Finding] = []
        columns = resolve_columns(frame, self.columns, kinds=_DEFAULT_KINDS)
        judged: list[Any] = []
        for col, _kind in checkable(
            ctx,
            columns,
            findings,
            accepted=_ACCEPTED,
            wanted="a string column",
            method=self._method,
            explicit=self.columns is not None,
        ):
            judged.append(col)
            limit = per_column(self.max_share, col, 0.0)
            findings.append(guarded(partial(self._judge, frame[col], col, limit), col, self._method))
        findings.extend(
            unknown_key_findings(
                {"max_share": self.max_share}, frame.columns, skip=judged, method=self._method
            )
        )
        shares = [f.statistic for f in findings if f.statistic is not None]
        return self._verdict(
            findings=findings,
            metrics={
                "max_share": max(shares) if shares else float("nan"),
                "n_columns_failed": sum(f.status is Status.FAIL for f in findings),
            },
        )

    def _finding(self, facts: ShareFacts, details: dict[str, Any]) -> Finding:
        status, exceeded = decide_share(facts)
        return Finding(
            facts.subject,
            status,
            statistic=facts.share,
            threshold=facts.limit,
            method=self._method,
            reason=self._reason if exceeded else None,
            message=_describe(facts, exceeded),
            details={"n_offending": facts.n_bad, "n_checked": facts.n_checked, **details},
        )

    def _judge(self, series: pd.Series, col: Any, limit: float) -> Finding:
        raise NotImplementedError


def _counted(values: pd.Series, keep: Callable[[str], bool]) -> list[tuple[str, int]]:
    """``(value, count)`` of the distinct values for which ``keep`` holds, most rows first."""
    counts = values.value_counts(sort=True)
    return [(str(v), int(c)) for v, c in zip(counts.index, counts.to_numpy()) if keep(str(v))]


class StringVariantsGate(_StringShareGate):
    """Spellings of one value that differ only by case, whitespace or punctuation ("NY",
    "ny ", "N.Y.") are at most ``max_share`` of a column's values.

    Values are grouped by :func:`normalized_form`; a group with more than one spelling is a
    variant group. The share judged is that of non-missing values spelled otherwise than the
    most common spelling of their group (the rows a clean-up would change).

    Parameters
    ----------
    columns : str or list of str, optional
        Columns to check; every string and categorical column by default (object columns
        mixing types when listed). Other kinds are ERROR (``unsupported_dtype``).
    max_share : float or mapping of column to float, default 0.0
        Largest share of non-missing values allowed to be variant spellings, in [0, 1]; a
        mapping sets it per column (others 0.0). A key naming no column is an ERROR finding
        (``missing_column``).
    where : str, optional
        Judge only the rows where this condition (in the rule language of
        :class:`~mlgates.RuleGate`) is true; see ``docs/quality.md#where``.
    name, blocking
        See :class:`~mlgates.Gate`.

    Notes
    -----
    Details list up to ten variant groups (most rows first), each with its spellings and
    counts (values cut at 40 characters). Values without a letter, digit or symbol (only
    punctuation or spaces) have no normalized form and are left to
    :class:`SpecialCharactersGate`. Reason codes: ``variant_share_exceeded`` (FAIL),
    ``all_missing``, ``unsupported_dtype``, ``missing_column``, ``empty_input``,
    ``duplicate_columns``, ``invalid_values``.

    Examples
    --------
    >>> import pandas as pd
    >>> from mlgates import StringVariantsGate
    >>> df = pd.DataFrame({"state": ["NY", "NY", "ny ", "N.Y.", "CA", "CA"]})
    >>> v = StringVariantsGate().check(current=df)
    >>> v.findings[0].message
    "state: 33.3% variant spellings > 0.0% allowed; e.g. 'ny ', 'N.Y.'"
    >>> v.findings[0].details["groups"][0]["variants"]
    ({'value': 'NY', 'count': 2}, {'value': 'ny ', 'count': 1}, {'value': 'N.Y.', 'count': 1})
    """

    _method = "string_variants"
    _reason = "variant_share_exceeded"

    def _judge(self, series: pd.Series, col: Any, limit: float) -> Finding:
        values = _text_values(series)
        if len(values) == 0:
            return all_missing(col, len(series), self._method)
        groups: dict[str, list[tuple[str, int]]] = {}
        for value, count in _counted(values, lambda _v: True):
            form = normalized_form(value)
            if form:
                groups.setdefault(form, []).append((value, count))
        variant = [g for g in groups.values() if len(g) > 1]
        variant.sort(key=lambda g: -sum(c for _, c in g))
        n_bad = sum(sum(c for _, c in g[1:]) for g in variant)  # all but the most common spelling
        shown = tuple(_short(v) for g in variant for v, _ in g[1:])
        facts = ShareFacts(str(col), n_bad, len(values), limit, "variant spellings", shown)
        details = {
            "n_variant_groups": len(variant),
            "groups": [
                {"variants": [{"value": _short(v), "count": c} for v, c in g[:MAX_GROUPS]]}
                for g in variant[:MAX_GROUPS]
            ],
        }
        return self._finding(facts, details)


class MissingSpellingsGate(_StringShareGate):
    """Missing values spelled as text ("N/A", "null", "None", "", "-", "?", "nan", ...) are at
    most ``max_share`` of a column's rows.

    A value matches when, stripped of surrounding whitespace and case-folded, it equals one of
    ``spellings`` (also case-folded and stripped). Real missing values (NaN, None, NaT,
    ``pd.NA``) are not counted here (see :class:`~mlgates.MissingValuesGate`); the finding
    records how many there are, so a column mixing both kinds shows it.

    Parameters
    ----------
    columns : str or list of str, optional
        Columns to check; every string and categorical column by default.
    spellings : list of str, optional
        The text that spells a missing value; :data:`DEFAULT_MISSING_SPELLINGS` by default
        (``""``, ``"n/a"``, ``"na"``, ``"#n/a"``, ``"<na>"``, ``"null"``, ``"none"``,
        ``"nan"``, ``"nil"``, ``"-"``, ``"--"``, ``"?"``, ``"missing"``, ``"undefined"``).
    max_share : float or mapping of column to float, default 0.0
        Largest share of rows allowed to spell a missing value, in [0, 1]; per column with a
        mapping (others 0.0).
    where : str, optional
        Judge only the rows where this condition (in the rule language of
        :class:`~mlgates.RuleGate`) is true; see ``docs/quality.md#where``.
    name, blocking
        See :class:`~mlgates.Gate`.

    Notes
    -----
    The share's denominator is every row of the column (missing or not), as in
    :class:`~mlgates.MissingValuesGate`. Details count each spelling found (as written in
    the data) and the real missing values. Reason codes: ``missing_spelling_share_exceeded``
    (FAIL), ``unsupported_dtype``, ``missing_column``, ``empty_input``, ``duplicate_columns``,
    ``invalid_values``.

    Examples
    --------
    >>> import pandas as pd
    >>> from mlgates import MissingSpellingsGate
    >>> df = pd.DataFrame({"city": ["Oslo", "N/A", "null", None, "Rome", "n/a"]})
    >>> f = MissingSpellingsGate().check(current=df).findings[0]
    >>> f.message
    "city: 50.0% values spelling missing > 0.0% allowed; e.g. 'N/A', 'null', 'n/a'"
    >>> f.details["spellings"], f.details["n_missing"]
    ({'N/A': 1, 'null': 1, 'n/a': 1}, 1)
    """

    _method = "missing_spellings"
    _reason = "missing_spelling_share_exceeded"
    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        **_StringShareGate._parameter_constraints,
        "spellings": [list, tuple, None],
    }

    def __init__(
        self,
        *,
        columns: str | Sequence[str] | None = None,
        spellings: Sequence[str] | None = None,
        max_share: float | Mapping[str, float] = 0.0,
        where: str | None = None,
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(columns=columns, max_share=max_share, where=where, name=name, blocking=blocking)
        self.spellings = spellings

    def _validate_params(self) -> None:
        super()._validate_params()
        for s in self.spellings or ():
            if not isinstance(s, str):
                raise parameter_error(
                    "MissingSpellingsGate",
                    "spellings",
                    "a list of str",
                    self.spellings,
                    f"spell every entry as text (e.g. {str(s)!r}); real NaN/None are counted by "
                    "MissingValuesGate.",
                )

    def _judge(self, series: pd.Series, col: Any, limit: float) -> Finding:
        tokens = {
            s.strip().casefold()
            for s in (DEFAULT_MISSING_SPELLINGS if self.spellings is None else self.spellings)
        }
        n = len(series)
        n_missing = int(missing_mask(series).sum())
        values = _text_values(series)
        found = _counted(values, lambda v: v.strip().casefold() in tokens)
        n_bad = sum(c for _, c in found)
        facts = ShareFacts(str(col), n_bad, n, limit, "values spelling missing", tuple(v for v, _ in found))
        details = {
            "spellings": {_short(v): c for v, c in found[:MAX_GROUPS]},
            "n_missing": n_missing,
            "n_rows": n,
        }
        return self._finding(facts, details)


class SpecialCharactersGate(_StringShareGate):
    """Values made only of special characters ("?", "-", "***", "#!") are at most
    ``max_share`` of a column's non-missing values.

    A value counts when it is not blank and holds no letter or digit (any script): only
    punctuation, symbols, marks and spaces. Blank values (``""``, spaces) do not count here;
    :class:`MissingSpellingsGate` counts them.

    Parameters
    ----------
    columns : str or list of str, optional
        Columns to check; every string and categorical column by default.
    max_share : float or mapping of column to float, default 0.0
        Largest share of non-missing values allowed to be special-character-only, in [0, 1];
        per column with a mapping (others 0.0).
    where : str, optional
        Judge only the rows where this condition (in the rule language of
        :class:`~mlgates.RuleGate`) is true; see ``docs/quality.md#where``.
    name, blocking
        See :class:`~mlgates.Gate`.

    Notes
    -----
    Details list up to ten special values with their counts. Reason codes:
    ``special_character_share_exceeded`` (FAIL), ``all_missing``, ``unsupported_dtype``,
    ``missing_column``, ``empty_input``, ``duplicate_columns``, ``invalid_values``.

    Examples
    --------
    >>> import pandas as pd
    >>> from mlgates import SpecialCharactersGate
    >>> df = pd.DataFrame({"grade": ["A", "B", "?", "***", "C", "A+"]})
    >>> SpecialCharactersGate(max_share=0.1).check(current=df).findings[0].message
    "grade: 33.3% special-character-only values > 10.0% allowed; e.g. '?', '***'"
    """

    _method = "special_characters"
    _reason = "special_character_share_exceeded"

    def _judge(self, series: pd.Series, col: Any, limit: float) -> Finding:
        values = _text_values(series)
        if len(values) == 0:
            return all_missing(col, len(series), self._method)
        found = _counted(values, _is_special)
        n_bad = sum(c for _, c in found)
        facts = ShareFacts(
            str(col),
            n_bad,
            len(values),
            limit,
            "special-character-only values",
            tuple(_short(v) for v, _ in found),
        )
        return self._finding(
            facts, {"values": [{"value": _short(v), "count": c} for v, c in found[:MAX_GROUPS]]}
        )

"""StringGate: regex match, length bounds, empty strings, surrounding whitespace."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from mlgates.core.context import CheckContext
from mlgates.core.finding import Finding
from mlgates.core.params import Interval, parameter_error
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.gates._columns import share_text
from mlgates.gates.quality._chance import DEFAULT_ALPHA, check_calibration, judge_share, with_notes
from mlgates.gates.quality._common import (
    all_missing,
    checkable,
    examples,
    frame_or_error,
    guarded,
    resolve_columns,
)
from mlgates.gates.quality._where import QualityGate

__all__ = ["StringGate"]

_RULES = ("pattern_mismatch", "too_short", "too_long", "empty", "padded")


class StringGate(QualityGate):
    """String values follow the rules: a regular expression, length bounds, no empty strings,
    no leading/trailing whitespace. A share ``max_share`` of non-missing values may break them.

    Parameters
    ----------
    columns : str or list of str, optional
        Columns to check; every string column (string dtypes, or object columns holding only
        str) by default. Other kinds are ERROR (``unsupported_dtype``).
    pattern : str, optional
        Regular expression (Python ``re``) each value must match in full.
    min_length, max_length : int, optional
        Bounds on the number of characters.
    allow_empty : bool, default True
        Whether ``""`` is allowed.
    allow_padding : bool, default True
        Whether leading or trailing whitespace is allowed.
    max_share : float, default 0.0
        Largest share of non-missing values allowed to break a rule, in [0, 1].
    calibration : mapping of column to {"n": int, "k": int}, optional
        For rules learned from a reference (:func:`~mlgates.quality_suite_from_reference`
        writes it): ``k`` of ``n`` reference values broke them. A batch of ``m`` values may
        then break them as often as chance allows at false-alarm level ``alpha``, each rule
        counting as one end placed at a reference extreme (``K ~ BetaBinomial(m, k + ends,
        n - k - ends + 1)``, at least one row with length bounds), or ``max_share * m`` if that
        is larger. See docs/quality.md.
    alpha : float, default 0.001
        False-alarm level of that sampling bound, in (0, 1).
    where : str, optional
        Judge only the rows where this condition (in the rule language of
        :class:`~mlgates.RuleGate`) is true; see ``docs/quality.md#where``.
    name, blocking
        See :class:`~mlgates.Gate`.

    Notes
    -----
    Patterns that can backtrack catastrophically are refused when the gate is validated (a
    ``ParameterError``, before any data is read), by :func:`backtracking_risk`: an unbounded
    quantifier (``*``, ``+``, ``{n,}``) inside a repeat that is unbounded or allows more than
    10 rounds (``(a+)+``, ``(\\w+\\s?)*``, ``(.*a){12}``), or alternatives that can start with
    the same character inside one (``(a|ab)+``). Such a
    pattern takes time exponential in a value's length (``(a+)+$`` on 27 characters takes
    seconds, 16 times longer per 4 more). Possessive quantifiers and atomic groups
    (``(a++)+``, ``(?>a+)+``) never backtrack and are accepted; polynomial patterns such as
    ``.*a.*a.*a`` are not refused, so keep them to short values.

    A value breaking several rules counts once in the share. Reason codes: ``string_rules``
    (FAIL), ``unsupported_dtype``, ``all_missing`` (ERROR), ``missing_column``,
    ``empty_input``, ``duplicate_columns``. Details count each rule (``pattern_mismatch``,
    ``too_short``, ``too_long``, ``empty``, ``padded``) and list up to five offending values.

    Examples
    --------
    >>> import pandas as pd
    >>> from mlgates import StringGate
    >>> df = pd.DataFrame({"code": ["AB12", "CD34", " EF56", "x"]})
    >>> v = StringGate(pattern=r"[A-Z]{2}\\d{2}", allow_padding=False).check(current=df)
    >>> v.findings[0].message
    "code: 50.0% of values break a rule (pattern_mismatch: 2, padded: 1) > 0.0% allowed; e.g. ' EF56', 'x'"
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "columns": ["columns", None],
        "pattern": [str, None],
        "min_length": [Interval("int", 0, None), None],
        "max_length": [Interval("int", 0, None), None],
        "allow_empty": ["boolean"],
        "allow_padding": ["boolean"],
        "max_share": [Interval("real", 0, 1)],
        "calibration": ["mapping", None],
        "alpha": [Interval("real", 0, 1, closed="neither")],
    }

    def __init__(
        self,
        *,
        columns: str | Sequence[str] | None = None,
        pattern: str | None = None,
        min_length: int | None = None,
        max_length: int | None = None,
        allow_empty: bool = True,
        allow_padding: bool = True,
        max_share: float = 0.0,
        calibration: Mapping[str, Mapping[str, int]] | None = None,
        alpha: float = DEFAULT_ALPHA,
        where: str | None = None,
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.where = where
        self.columns = columns
        self.pattern = pattern
        self.min_length = min_length
        self.max_length = max_length
        self.allow_empty = allow_empty
        self.allow_padding = allow_padding
        self.max_share = max_share
        self.calibration = calibration
        self.alpha = alpha

    def _validate_params(self) -> None:
        check_calibration("StringGate", self.calibration, self.alpha)
        if self.pattern is not None:
            try:
                re.compile(self.pattern)
            except re.error as exc:
                raise parameter_error(
                    "StringGate",
                    "pattern",
                    "a valid regular expression",
                    self.pattern,
                    f"fix the regular expression ({exc}).",
                ) from None
            risk = backtracking_risk(self.pattern)
            if risk is not None:
                raise parameter_error(
                    "StringGate",
                    "pattern",
                    "a regular expression that cannot backtrack catastrophically (no unbounded "
                    "quantifier inside a repeat, no alternatives that can match the same "
                    f"text inside one; found {risk})",
                    self.pattern,
                    "make the inner quantifier possessive ('(a++)+') or wrap it in an atomic group "
                    "('(?>a+)+'), or rewrite it without nesting (e.g. '(a+)+' matches exactly "
                    "what 'a+' matches).",
                ) from None
        if self.min_length is not None and self.max_length is not None and self.min_length > self.max_length:
            raise parameter_error(
                "StringGate", "max_length", f"an int >= min_length ({self.min_length})", self.max_length
            )
        if (
            self.pattern is None
            and self.min_length is None
            and self.max_length is None
            and self.allow_empty
            and self.allow_padding
        ):
            raise parameter_error(
                "StringGate",
                "pattern",
                "set, or some rule enabled",
                None,
                "set pattern, min_length, max_length, allow_empty=False or allow_padding=False.",
            )

    def required_inputs(self) -> tuple[str, ...]:
        return ("current",)

    def _check(self, ctx: CheckContext) -> Verdict:
        frame = frame_or_error(ctx)
        findings: list[Finding] = []
        columns = resolve_columns(frame, self.columns, kinds=("string",))
        for col, _kind in checkable(
            ctx,
            columns,
            findings,
            accepted=("string", "categorical"),
            wanted="a string column",
            method="string",
            explicit=self.columns is not None,
        ):
            findings.append(guarded(partial(self._judge, frame[col], col), col, "string"))
        return self._verdict(
            findings=findings, metrics={"n_columns_failed": sum(f.status is Status.FAIL for f in findings)}
        )

    def _judge(self, series: pd.Series, col: Any) -> Finding:
        n = len(series)
        if isinstance(series.dtype, pd.CategoricalDtype):
            series = series.astype(object)
        values = series[~np.asarray(series.isna(), dtype=bool)]
        if len(values) and not pd.api.types.is_string_dtype(values.dtype):
            values = values.astype(str)
        n_checked = len(values)
        if n_checked == 0:
            return all_missing(col, n, "string")
        text = values.str
        broken = np.zeros(n_checked, dtype=bool)
        counts: dict[str, int] = {}

        def rule(name: str, mask: Any) -> None:
            arr = np.asarray(mask, dtype=bool)
            counts[name] = int(arr.sum())
            broken[:] |= arr

        if self.pattern is not None:
            rule("pattern_mismatch", ~np.asarray(text.fullmatch(self.pattern), dtype=bool))
        if self.min_length is not None or self.max_length is not None:
            lengths = np.asarray(text.len(), dtype="int64")
            if self.min_length is not None:
                rule("too_short", lengths < self.min_length)
            if self.max_length is not None:
                rule("too_long", lengths > self.max_length)
        if not self.allow_empty:
            rule("empty", np.asarray(values == "", dtype=bool))
        if not self.allow_padding:
            rule("padded", np.asarray(values != text.strip(), dtype=bool))
        n_bad = int(broken.sum())
        share = n_bad / n_checked
        lengths_set = self.min_length is not None or self.max_length is not None
        ends = (
            (self.pattern is not None)
            + (self.min_length is not None)
            + (self.max_length is not None)
            + (not self.allow_empty)
            + (not self.allow_padding)
        )
        d = judge_share(
            n_bad,
            n_checked,
            self.max_share,
            None,
            calibration=self.calibration,
            subject=str(col),
            alpha=self.alpha,
            ends=max(ends, 1),
            at_least_one=lengths_set,
        )
        shown = examples(values.to_numpy(dtype=object)[broken]) if n_bad else []
        per_rule = ", ".join(f"{k}: {v:,}" for k, v in counts.items() if v)
        if d.exceeded:
            message = (
                f"{col}: {share_text(share)} of values break a rule ({per_rule}) {d.tail()}; "
                f"e.g. {', '.join(map(repr, shown[:3]))}"
            )
        else:
            message = f"{col}: {share_text(share)} of values break a rule {d.tail()}"
        return Finding(
            str(col),
            d.status,
            statistic=share,
            threshold=d.threshold,
            method="string",
            reason="string_rules" if d.exceeded else None,
            message=with_notes(message, d.note()),
            details={
                **counts,
                "n_violations": n_bad,
                "n_checked": n_checked,
                "examples": shown,
                **d.details(),
            },
        )


#: A bounded repeat allowing more rounds than this counts as a repeat for
#: :func:`backtracking_risk` (``(.*a){12}`` backtracks like ``(.*a)+``; ``(\d+\.){3}`` does not).
MAX_BOUNDED_REPEAT = 10


def backtracking_risk(pattern: str) -> str | None:
    r"""What makes ``pattern`` backtrack exponentially, or None: a regular expression's parse
    tree (the one ``re`` compiles) with an unbounded quantifier inside a repeat that is
    unbounded or allows more than :data:`MAX_BOUNDED_REPEAT` rounds, or with alternatives
    that can start with the same character (or match nothing) inside one. Possessive
    quantifiers and atomic groups do not backtrack and are not counted.

    Examples
    --------
    >>> backtracking_risk(r"(a+)+$")
    "an unbounded quantifier inside a repeat in '(a+)+$'"
    >>> backtracking_risk(r"(a|ab)+c") is not None, backtracking_risk(r"(\d+\.){3}\d+")
    (True, None)
    >>> backtracking_risk(r"(?>a+)+$"), backtracking_risk(r"[A-Z]{2}\d{2}")
    (None, None)
    """
    import re._parser as sre_parse

    try:
        tree = sre_parse.parse(pattern)
    except re.error:
        return None
    what = _risk(list(tree), in_repeat=False)
    return None if what is None else f"{what} in {pattern!r}"


def _risk(items: list[Any], *, in_repeat: bool) -> str | None:
    from re._constants import MAXREPEAT

    for op, av in items:
        name, found = str(op), None
        if name in ("MAX_REPEAT", "MIN_REPEAT"):
            _lo, hi, sub = av
            unbounded = hi == MAXREPEAT
            if unbounded and in_repeat:
                return "an unbounded quantifier inside a repeat"
            found = _risk(list(sub), in_repeat=in_repeat or unbounded or hi > MAX_BOUNDED_REPEAT)
        elif name == "SUBPATTERN":
            found = _risk(list(av[3]), in_repeat=in_repeat)
        elif name == "BRANCH":
            branches = [list(b) for b in av[1]]
            if in_repeat and _overlapping(branches):
                return "alternatives that can match the same text inside a repeat"
            found = next((r for b in branches if (r := _risk(b, in_repeat=in_repeat))), None)
        elif name in ("ASSERT", "ASSERT_NOT"):
            found = _risk(list(av[1]), in_repeat=in_repeat)
        elif name == "GROUPREF_EXISTS":
            found = _risk(list(av[1]), in_repeat=in_repeat) or (
                _risk(list(av[2]), in_repeat=in_repeat) if av[2] is not None else None
            )
        # POSSESSIVE_REPEAT and ATOMIC_GROUP never give back what they matched: not walked
        if found:
            return found
    return None


def _first_chars(items: list[Any]) -> frozenset[int] | None:
    """Code points a match of ``items`` can start with; None when unknown or possibly empty."""
    for op, av in items:
        name = str(op)
        if name == "AT":  # anchors match no character
            continue
        if name == "LITERAL":
            return frozenset([av])
        if name == "IN":
            chars: set[int] = set()
            for item_op, item_av in av:
                if str(item_op) == "LITERAL":
                    chars.add(item_av)
                elif str(item_op) == "RANGE" and item_av[1] - item_av[0] <= 1000:
                    chars.update(range(item_av[0], item_av[1] + 1))
                else:  # categories (\\d, \\w), negation, wide ranges
                    return None
            return frozenset(chars)
        if name == "SUBPATTERN":
            return _first_chars(list(av[3]))
        if name == "ATOMIC_GROUP":
            return _first_chars(list(av))
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            return _first_chars(list(av[2])) if av[0] > 0 else None
        return None
    return None  # matches the empty string


def _overlapping(branches: list[list[Any]]) -> bool:
    firsts = [_first_chars(b) for b in branches]
    for i, a in enumerate(firsts):
        for b in firsts[i + 1 :]:
            if a is None or b is None or a & b:
                return True
    return False

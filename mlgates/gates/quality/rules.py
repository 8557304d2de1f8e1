"""RuleGate: row-level rules across columns, written in the rule language."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from mlgates.core._suggest import did_you_mean
from mlgates.core.context import CheckContext
from mlgates.core.errors import InputError
from mlgates.core.finding import Finding
from mlgates.core.params import Interval, Options, parameter_error
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.gates._columns import share_text
from mlgates.gates.quality._common import MAX_EXAMPLES, frame_or_error, plain_value, share_status
from mlgates.gates.quality._evaluate import evaluate
from mlgates.gates.quality._where import LANGUAGE, QualityGate
from mlgates.gates.quality.expression import Node, RuleSyntaxError, columns_of, parse_condition

__all__ = ["RuleGate"]

_ENTRY_KEYS = ("rule", "name", "max_share")


class _Rules:
    """The constraint of ``rules``: a rule or a list of rules (str or mapping)."""

    def is_satisfied_by(self, value: Any) -> bool:
        if isinstance(value, str):
            return True
        return isinstance(value, (list, tuple)) and all(isinstance(v, (str, Mapping)) for v in value)

    def __str__(self) -> str:
        return "a rule (str) or a list of rules (str, or {'rule': ..., 'name': ..., 'max_share': ...})"


@dataclass(frozen=True)
class _Rule:
    subject: str
    text: str
    node: Node
    max_share: float


class RuleGate(QualityGate):
    """Row-level rules across columns: the share of rows that violate each rule is at most
    ``max_share``.

    A rule is a condition in the rule language (``"end_date >= start_date"``,
    ``"abs(price * qty - total) <= 0.01"``, ``"country == 'US' or state isnull"``), parsed by
    :mod:`mlgates.gates.quality.expression` (never ``eval``) and evaluated on whole columns
    with numpy. A row *violates* a rule where the rule is false; where it is *unknown* (a
    comparison with a missing value, which is neither true nor false), ``on_missing`` decides.

    Parameters
    ----------
    rules : str or list of (str or mapping)
        The rules. An entry may be a mapping ``{"rule": "...", "name": "...", "max_share":
        0.01}`` to name the rule (the finding's subject; the rule text by default) or give it
        its own ``max_share``.
    max_share : float, default 0.0
        Largest share of violating rows allowed per rule, in [0, 1].
    warn_share : float, optional
        Shares above this (within ``max_share``) WARN.
    on_missing : {"fail", "skip", "warn", "error"}, default "fail"
        Rows where a rule is unknown because of a missing value: ``"fail"`` counts them as
        violations (write ``x isnull or ...`` to allow missing values); ``"skip"`` leaves them
        out of the share (counted in the details); ``"warn"`` leaves them out and WARNs when
        there are any; ``"error"`` makes the rule ERROR (reason ``missing_values``).
    where : str, optional
        Judge only the rows where this condition is true (a conditional rule for every rule of
        the gate); see ``docs/quality.md#where``.
    name, blocking
        See :class:`~mlgates.Gate`.

    Notes
    -----
    One finding per rule: statistic = share of violating rows, details ``rule``, ``columns``,
    ``n_rows``, ``n_violations``, ``n_false``, ``n_unknown``, ``n_judged``, ``on_missing`` and up
    to five ``example_rows`` (index labels, never values). Reasons: ``violation_share_exceeded``
    (FAIL/WARN), ``missing_values`` (``on_missing`` "warn"/"error"), ``invalid_rule`` (ERROR:
    text compared with a number, arithmetic on text, ...), ``missing_column``,
    ``unsupported_dtype``, ``all_missing`` (no row could be judged), ``empty_input``. A rule
    outside the grammar is a ``ParameterError`` naming the rule and the column of the problem.

    Examples
    --------
    >>> import pandas as pd
    >>> from mlgates import RuleGate
    >>> df = pd.DataFrame({"start": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]),
    ...                    "end": pd.to_datetime(["2024-01-31", "2024-01-15", None]),
    ...                    "price": [2.0, 3.0, 4.0], "qty": [3, 1, 2], "total": [6.0, 3.0, 8.5]})
    >>> gate = RuleGate(["end >= start", "abs(price * qty - total) <= 0.01"], on_missing="skip")
    >>> v = gate.check(current=df)
    >>> [f.message for f in v.findings]  # doctest: +NORMALIZE_WHITESPACE
    ['end >= start: 50.0% of rows violate the rule (1 of 2) > 0.0% allowed; 1 row could not be
    evaluated (a missing value) and is left out',
     'abs(price * qty - total) <= 0.01: 33.3% of rows violate the rule (1 of 3) > 0.0% allowed']
    >>> v.findings[0].details["example_rows"], v.findings[0].details["columns"]
    ((1,), ('end', 'start'))
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "rules": [_Rules()],
        "max_share": [Interval("real", 0, 1)],
        "warn_share": [Interval("real", 0, 1), None],
        "on_missing": [Options("fail", "skip", "warn", "error")],
    }

    def __init__(
        self,
        rules: str | Sequence[str | Mapping[str, Any]],
        *,
        max_share: float = 0.0,
        warn_share: float | None = None,
        on_missing: str = "fail",
        where: str | None = None,
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.rules = rules
        self.max_share = max_share
        self.warn_share = warn_share
        self.on_missing = on_missing
        self.where = where

    # -- parameters ---------------------------------------------------------------------------
    def _validate_params(self) -> None:
        self._compiled()

    def _compiled(self) -> list[_Rule]:
        owner = "RuleGate"
        entries = [self.rules] if isinstance(self.rules, str) else list(self.rules)
        if not entries:
            raise parameter_error(owner, "rules", "at least one rule", self.rules, "RuleGate(['a >= b']).")
        out: list[_Rule] = []
        seen: set[str] = set()
        for i, entry in enumerate(entries):
            where = "rules" if isinstance(self.rules, str) else f"rules[{i}]"
            text: Any = entry
            subject: Any = entry
            limit: Any = self.max_share
            if isinstance(entry, Mapping):
                unknown = [k for k in entry if k not in _ENTRY_KEYS]
                if unknown:
                    hint = did_you_mean(str(unknown[0]), _ENTRY_KEYS)
                    raise parameter_error(
                        owner,
                        where,
                        f"a mapping with the keys {', '.join(_ENTRY_KEYS)}",
                        dict(entry),
                        f"remove {unknown[0]!r}.{hint}",
                    )
                text = entry.get("rule")
                if not isinstance(text, str):
                    raise parameter_error(owner, f"{where}['rule']", "the rule (a str)", text)
                subject = entry.get("name", text)
                if not isinstance(subject, str) or not subject:
                    raise parameter_error(owner, f"{where}['name']", "a non-empty str", subject)
                limit = entry.get("max_share", self.max_share)
                if not Interval("real", 0, 1).is_satisfied_by(limit):
                    raise parameter_error(owner, f"{where}['max_share']", "a float in [0, 1]", limit)
            assert isinstance(text, str) and isinstance(subject, str)
            try:
                node = parse_condition(text)
            except RuleSyntaxError as exc:
                raise parameter_error(owner, where, f"a rule in {LANGUAGE}", text, str(exc)) from None
            if subject in seen:
                raise parameter_error(
                    owner,
                    where,
                    "a rule with a name of its own",
                    entry,
                    f"two rules are named {subject!r}; give one {{'rule': ..., 'name': ...}}.",
                )
            seen.add(subject)
            out.append(_Rule(subject, text, node, float(limit)))
        return out

    def required_inputs(self) -> tuple[str, ...]:
        return ("current",)

    # -- checking -----------------------------------------------------------------------------
    def _check(self, ctx: CheckContext) -> Verdict:
        frame = frame_or_error(ctx)
        findings = [self._judge(ctx, rule) for rule in self._compiled()]
        shares = [f.statistic for f in findings if f.statistic is not None]
        metrics = {
            "n_rules": len(findings),
            "n_failing_rules": sum(f.status is Status.FAIL for f in findings),
            "max_violation_share": max(shares) if shares else float("nan"),
            "rows": len(frame),
        }
        return self._verdict(findings=findings, metrics=metrics)

    def _judge(self, ctx: CheckContext, rule: _Rule) -> Finding:
        frame = ctx.frame("current")
        columns = list(columns_of(rule.node))
        base = {"rule": rule.text, "columns": columns, "on_missing": self.on_missing}
        try:
            truth = evaluate(rule.node, rule.text, frame, cached=ctx.cached, key="current")
        except InputError as exc:
            return Finding(
                rule.subject,
                Status.ERROR,
                threshold=rule.max_share,
                method="rule",
                reason=exc.reason,
                message=str(exc) if rule.subject == rule.text else f"{rule.subject}: {exc}",
                details=base,
            )
        n = len(frame)
        unknown = truth.unknown
        false = truth.false
        n_false, n_unknown = int(false.sum()), int(unknown.sum())
        counted = false | unknown if self.on_missing == "fail" else false
        n_judged = n if self.on_missing == "fail" else n - n_unknown
        n_violations = n_false + (n_unknown if self.on_missing == "fail" else 0)
        details = {
            **base,
            "n_rows": n,
            "n_violations": n_violations,
            "n_false": n_false,
            "n_unknown": n_unknown,
            "n_judged": n_judged,
            "example_rows": _examples(frame, counted),
        }
        subject = rule.subject
        if self.on_missing == "error" and n_unknown:
            return Finding(
                subject,
                Status.ERROR,
                threshold=rule.max_share,
                method="rule",
                reason="missing_values",
                message=(
                    f"{subject}: {n_unknown:,} of {n:,} rows could not be evaluated (a missing value in "
                    f"{', '.join(columns)}) and on_missing='error'"
                ),
                details={**details, "example_rows": _examples(frame, unknown)},
            )
        if n_judged == 0:
            return Finding(
                subject,
                Status.ERROR,
                threshold=rule.max_share,
                method="rule",
                reason="all_missing",
                message=f"{subject}: no row could be evaluated (each has a missing value the rule needs)",
                details=details,
            )
        share = n_violations / n_judged
        status, exceeded = share_status(share, rule.max_share, self.warn_share)
        reason = "violation_share_exceeded" if exceeded else None
        counts = f"({n_violations:,} of {n_judged:,})"
        head = f"{subject}: {share_text(share)} of rows violate the rule {counts}"
        if status is Status.FAIL:
            message = f"{head} > {share_text(rule.max_share)} allowed"
        elif status is Status.WARN:
            message = f"{head} > {share_text(self.warn_share or 0.0)} (warning level)"
        else:
            message = f"{head} <= {share_text(rule.max_share)} allowed"
        if n_unknown and self.on_missing == "fail":
            message += (
                f"; {n_unknown:,} of them because of a missing value (write `... isnull or ...` to "
                "allow missing values, or on_missing='skip')"
            )
        elif n_unknown:
            rows = "1 row" if n_unknown == 1 else f"{n_unknown:,} rows"
            verb = "is" if n_unknown == 1 else "are"
            message += f"; {rows} could not be evaluated (a missing value) and {verb} left out"
            if self.on_missing == "warn" and status is Status.PASS:
                status, reason = Status.WARN, "missing_values"
        return Finding(
            subject,
            status,
            statistic=share,
            threshold=self.warn_share if status is Status.WARN and exceeded else rule.max_share,
            method="rule",
            reason=reason,
            message=message,
            details=details,
        )


def _examples(frame: Any, mask: np.ndarray) -> list[Any]:
    return [plain_value(v) for v in frame.index[np.flatnonzero(mask)[:MAX_EXAMPLES]]]

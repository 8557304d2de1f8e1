"""ContractRuleGate: one rule of a data contract (ODCS v3) that no other gate states exactly.

:func:`mlgates.contracts.from_odcs` maps a contract's rules onto the data-quality gates where a
gate expresses a rule exactly (``required`` -> ``MissingValuesGate``, ``rowCount`` ->
``RowCountGate``, ...). Every other rule becomes a ``ContractRuleGate``, which evaluates the
ODCS library metrics itself (``nullValues``, ``missingValues``, ``invalidValues``,
``duplicateValues``, ``rowCount``, with any operator, in rows or percent) and fails closed on
what mlgates cannot run: SQL, other engines' checks, unknown metrics and type options are
ERROR (reason ``unsupported_rule``), a human-readable ``text`` rule is SKIP.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from mlgates.contracts import LibraryRule, library_rule, rule_type, satisfies, wrap_pattern
from mlgates.core.context import CheckContext
from mlgates.core.errors import ConfigError, InputError
from mlgates.core.finding import Finding
from mlgates.core.params import parameter_error
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.gates._columns import missing_mask
from mlgates.gates.quality._common import UNGROUPABLE, absent, examples, frame_or_error
from mlgates.gates.quality._where import QualityGate
from mlgates.gates.quality.strings import backtracking_risk

__all__ = ["ContractRuleGate"]

#: Keys of the rules ``from_odcs`` writes for a property's constraints mlgates does not check.
SYNTHETIC_KEYS = ("logicalType", "logicalTypeOptions", "properties", "items")


class _Rule:
    """Constraint: a contract rule, a mapping with string keys."""

    def is_satisfied_by(self, value: Any) -> bool:
        return isinstance(value, Mapping) and bool(value) and all(isinstance(k, str) for k in value)

    def __str__(self) -> str:
        return "an ODCS quality rule (a mapping such as {'metric': 'nullValues', 'mustBe': 0})"


class ContractRuleGate(QualityGate):
    """One rule of a data contract, evaluated exactly, or an ERROR when mlgates cannot run it.

    Parameters
    ----------
    rule : mapping
        An ODCS v3 quality rule as written in the contract, e.g.
        ``{"metric": "nullValues", "mustBeLessThan": 1, "unit": "percent"}``. ``from_odcs``
        also puts here a property's constraints mlgates does not check, as
        ``{"logicalTypeOptions": {...}}``, ``{"properties": [...]}`` or ``{"items": {...}}``,
        so that :func:`~mlgates.contracts.to_odcs` writes them back.
    column : str, optional
        The property (column) the rule belongs to; None for a rule on the whole table.
    where : str, optional
        Judge only the rows where this condition (in the rule language of
        :class:`~mlgates.RuleGate`) is true; see ``docs/quality.md#where``.
    name, blocking
        See :class:`~mlgates.Gate`.

    Notes
    -----
    Library metrics, as ODCS v3.1 defines them: ``nullValues`` counts missing values;
    ``missingValues`` counts values in ``arguments.missingValues`` (``null`` there counts
    missing values); ``invalidValues`` counts non-missing values outside
    ``arguments.validValues`` or not matching ``arguments.pattern`` (anywhere in the value, as
    ECMA-262 patterns do; Python's ``re``); ``duplicateValues`` counts non-missing values (or, with
    ``arguments.properties``, combinations without a missing part) that repeat an earlier one;
    ``rowCount`` counts rows. In ``unit: percent`` a count is divided by the table's rows. A rule
    without an operator means ``mustBe: 0``; ``mustBeBetween: [a, b]`` excludes ``a`` and ``b``
    (the standard defines it as ``mustBeGreaterThan a`` and ``mustBeLessThan b``).

    Reason codes: ``contract_bound_exceeded`` (FAIL), ``unsupported_rule`` (ERROR; SKIP for a
    ``text`` rule), ``missing_column``, ``all_missing`` (``invalidValues`` or ``duplicateValues``
    on a column without a value, as the gates they map onto), ``empty_input``,
    ``duplicate_columns``.

    Examples
    --------
    >>> import pandas as pd
    >>> from mlgates import ContractRuleGate
    >>> df = pd.DataFrame({"email": ["a@x.io", None, "b@x.io", "N/A"]})
    >>> rule = {"metric": "missingValues", "arguments": {"missingValues": [None, "N/A"]},
    ...         "mustBeLessThan": 10, "unit": "percent"}
    >>> v = ContractRuleGate(rule=rule, column="email").check(current=df)
    >>> v.status, v.findings[0].message
    (<Status.FAIL: 'fail'>, 'email: missingValues = 50.0 % (2 of 4 rows); the rule: missingValues < 10 %')
    >>> ContractRuleGate(rule={"type": "sql", "query": "SELECT 1"}).check(current=df).reason
    'unsupported_rule'
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "rule": [_Rule()],
        "column": [str, None],
    }

    def __init__(
        self,
        *,
        rule: Mapping[str, Any] | None = None,
        column: str | None = None,
        where: str | None = None,
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.where = where
        self.rule = rule
        self.column = column

    def _validate_params(self) -> None:
        if self.rule is None:
            raise parameter_error(
                "ContractRuleGate",
                "rule",
                "an ODCS quality rule",
                None,
                "ContractRuleGate(rule={'metric': 'nullValues', 'mustBe': 0}, column='id').",
            )
        if rule_type(self.rule) == "library" and not self._synthetic():
            try:
                library_rule(self.rule, "rule")
            except ConfigError as exc:
                raise parameter_error(
                    "ContractRuleGate", "rule", "a well-formed ODCS rule", dict(self.rule), str(exc)
                ) from None

    def required_inputs(self) -> tuple[str, ...]:
        return ("current",)

    def _synthetic(self) -> bool:
        keys = set(self.rule or {})
        return bool(keys) and keys <= set(SYNTHETIC_KEYS) and keys != {"logicalType"}

    @property
    def _subject(self) -> str:
        return self.column if self.column is not None else "table"

    def _unsupported(self, why: str, status: Status = Status.ERROR) -> Verdict:
        finding = Finding(
            self._subject,
            status,
            method="contract_rule",
            reason="unsupported_rule",
            message=f"{self._subject}: {why}",
            details={"rule": dict(self.rule or {})},
        )
        return self._verdict(findings=[finding], reason="unsupported_rule")

    def _check(self, ctx: CheckContext) -> Verdict:
        rule = dict(self.rule or {})
        kind = rule_type(rule)
        if self._synthetic():
            parts = []
            for key, value in rule.items():
                if key == "logicalTypeOptions" and isinstance(value, Mapping):
                    parts.append("logicalTypeOptions " + ", ".join(f"{k}={v!r}" for k, v in value.items()))
                elif key != "logicalType":
                    parts.append(f"nested {key}")
            shown = "; ".join(parts)
            if "logicalType" in rule:
                shown = f"{rule['logicalType']} {shown}"
            return self._unsupported(f"{shown[:160]} cannot be checked by mlgates; check it elsewhere")
        if kind == "text":
            text = str(rule.get("description") or rule.get("name") or "")[:160]
            return self._unsupported(f"a text rule is not machine-checkable: {text!r}", status=Status.SKIP)
        if kind != "library":
            engine = f" of the engine {rule['engine']!r}" if "engine" in rule else ""
            return self._unsupported(
                f"a {kind!r} rule{engine} cannot be run by mlgates; run it with its engine, or express it "
                "as a library metric (nullValues, invalidValues, ...)"
            )
        parsed = library_rule(rule, "rule")
        if isinstance(parsed, str):
            return self._unsupported(parsed)
        if parsed.metric == "rowCount":
            frame = ctx.frame("current")
            return self._judge(parsed, float(len(frame)), len(frame), len(frame))
        frame = frame_or_error(ctx)
        count, extra = self._count(parsed, frame)
        n = len(frame)
        value = 100.0 * count / n if parsed.unit == "percent" else float(count)
        return self._judge(parsed, value, count, n, extra)

    def _count(self, rule: LibraryRule, frame: pd.DataFrame) -> tuple[int, dict[str, Any]]:
        properties = rule.arguments.get("properties")
        columns = list(properties) if properties else ([self.column] if self.column is not None else [])
        if not columns:
            raise InputError(
                f"{rule.metric} counts values of a property: the rule needs column= (or "
                "arguments.properties for duplicateValues)",
                reason="unsupported_rule",
                subject="table",
            )
        for col in columns:
            if col not in frame.columns:
                finding = absent(col, method=rule.metric, available=frame.columns)
                raise InputError(finding.message or "", reason="missing_column", subject=col)
        series = frame[columns[0]]
        if rule.metric == "nullValues":
            return int(missing_mask(series).sum()), {}
        if rule.metric == "missingValues":
            listed = rule.arguments["missingValues"]
            values = [v for v in listed if v is not None and v == v]
            hit = np.array(series.isin(values), dtype=bool)
            if len(values) < len(listed):  # null listed: missing values count
                hit |= missing_mask(series)
            return int(hit.sum()), {"examples": examples(series[hit].to_numpy())}
        if rule.metric == "invalidValues":
            return self._invalid(rule, series)
        return self._duplicates(frame, columns)

    def _invalid(self, rule: LibraryRule, series: pd.Series) -> tuple[int, dict[str, Any]]:
        present = series[~missing_mask(series)]
        self._some_values(len(present), len(series), rule.metric)
        bad = np.zeros(len(present), dtype=bool)
        valid = rule.arguments.get("validValues")
        if valid is not None:
            allowed = [v for v in valid if v is not None and v == v]
            bad |= ~np.asarray(present.isin(allowed), dtype=bool)
        pattern = rule.arguments.get("pattern")
        if pattern is not None:
            full = wrap_pattern(pattern)
            try:
                compiled = re.compile(full)
            except re.error as exc:
                raise InputError(
                    f"the pattern {pattern!r} cannot be compiled by Python's re ({exc})",
                    reason="unsupported_rule",
                    subject=self._subject,
                ) from None
            risk = backtracking_risk(full)
            if risk is not None:
                raise InputError(
                    f"the pattern {pattern!r} can backtrack catastrophically ({risk}); "
                    "mlgates does not run it",
                    reason="unsupported_rule",
                    subject=self._subject,
                )
            is_text = np.fromiter((isinstance(v, str) for v in present), dtype=bool, count=len(present))
            matched = np.zeros(len(present), dtype=bool)
            if is_text.any():
                text = present[is_text].astype(str)
                matched[is_text] = np.asarray([compiled.fullmatch(v) is not None for v in text], dtype=bool)
            bad |= ~matched
        return int(bad.sum()), {"examples": examples(present.to_numpy()[bad])}

    def _duplicates(self, frame: pd.DataFrame, columns: list[str]) -> tuple[int, dict[str, Any]]:
        sub = frame[columns]
        complete = ~np.asarray(sub.isna().any(axis=1), dtype=bool)
        sub = sub[complete]
        self._some_values(len(sub), len(frame), "duplicateValues")
        try:
            repeated = np.asarray(sub.duplicated(keep="first"), dtype=bool)
        except UNGROUPABLE:
            repeated = np.asarray(sub.map(str).duplicated(keep="first"), dtype=bool)
        shown = sub[repeated].iloc[:, 0].to_numpy() if len(columns) == 1 else []
        return int(repeated.sum()), {"examples": examples(shown)}

    def _some_values(self, n_present: int, n: int, metric: str) -> None:
        """A metric on values (invalid, duplicate) with no value to judge fails closed."""
        if n_present == 0:
            raise InputError(
                f"{self._subject}: all {n:,} values are missing; {metric} has nothing to judge",
                reason="all_missing",
                subject=self._subject,
            )

    def _judge(
        self, rule: LibraryRule, value: float, count: int, n: int, extra: dict[str, Any] | None = None
    ) -> Verdict:
        ok = satisfies(value, rule.operator, rule.bound)
        subject = self._subject if rule.metric != "rowCount" else "rows"
        if rule.metric == "rowCount":
            shown = f"{count:,} rows"
        elif rule.unit == "percent":
            shown = f"{value:.1f} % ({count:,} of {n:,} rows)"
        else:
            shown = f"{count:,} of {n:,} rows"
        label = self.rule.get("name") or self.rule.get("id") if self.rule else None
        message = f"{subject}: {rule.metric} = {shown}; the rule: {rule.describe()}"
        if isinstance(label, str):
            message += f" ({label})"
        finding = Finding(
            subject,
            Status.PASS if ok else Status.FAIL,
            statistic=value,
            threshold=None if isinstance(rule.bound, tuple) else float(rule.bound),
            method=rule.metric,
            reason=None if ok else "contract_bound_exceeded",
            message=message,
            details={
                "count": count,
                "n_rows": n,
                "operator": rule.operator,
                "bound": list(rule.bound) if isinstance(rule.bound, tuple) else rule.bound,
                "unit": rule.unit,
                **(extra or {}),
            },
        )
        return self._verdict(findings=[finding], metrics={"value": value})

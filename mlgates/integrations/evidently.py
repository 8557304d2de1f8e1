"""Run Evidently metrics, presets and their tests as an mlgates gate.

Needs the ``evidently`` extra (``pip install mlgates[evidently]``). Evidently 0.7 does not import
under pandas 3, so that extra pins ``pandas<3``; the rest of mlgates works with pandas 2.2+ and 3.

Every Evidently test result becomes one :class:`~mlgates.Finding` (SUCCESS -> pass,
WARNING -> warn, FAIL -> fail, ERROR -> error, SKIPPED -> skip) carrying the tested metric
value; the gate's status is the worst finding's, as for any gate. The Evidently snapshot itself
(for Evidently's own HTML) is kept on :attr:`EvidentlyGate.last_snapshot_`, never in the
verdict, which stays plain JSON-serializable data.
"""

from __future__ import annotations

import copy
import json
import numbers
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar, Union

try:
    import evidently
    from evidently import DataDefinition, Dataset, Report
    from evidently.core.container import MetricContainer
    from evidently.core.metric_types import (
        ByLabelBoundTest,
        ByLabelCountBoundTest,
        CountBoundTest,
        MeanStdBoundTest,
        Metric,
        MetricResult,
        MetricTestResult,
    )
    from evidently.legacy.calculations import stattests as _stattests
except ImportError as exc:  # pragma: no cover - exercised in the environment without the extra
    raise ImportError(
        "mlgates.integrations.evidently needs Evidently 0.7: pip install mlgates[evidently] "
        "(Evidently 0.7 requires pandas<3, so install it in its own environment). "
        f"Import failed with: {exc}"
    ) from exc

from pydantic.v1 import ValidationError, parse_obj_as

from mlgates.core.context import CheckContext
from mlgates.core.errors import InputError
from mlgates.core.finding import Finding
from mlgates.core.gate import Gate
from mlgates.core.params import parameter_error
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict

__all__ = ["EvidentlyGate"]

#: Evidently test status -> mlgates status.
STATUS_MAP: dict[str, Status] = {
    "SUCCESS": Status.PASS,
    "WARNING": Status.WARN,
    "FAIL": Status.FAIL,
    "ERROR": Status.ERROR,
    "SKIPPED": Status.SKIP,
}

_REASONS: dict[Status, str] = {
    Status.WARN: "evidently_test_warning",
    Status.FAIL: "evidently_test_failed",
    Status.ERROR: "evidently_test_error",
    Status.SKIP: "evidently_test_skipped",
}

#: Evidently stattests whose drift score is a p-value (drift when it is below the threshold).
PVALUE_STATTESTS = frozenset(
    {
        "ks",
        "chisquare",
        "z",
        "anderson",
        "cramer_von_mises",
        "mannw",
        "t_test",
        "fisher_exact",
        "g_test",
        "TVD",
        "empirical_mmd",
        "es",
    }
)

#: Evidently metrics whose failed or warned tests mean drift (reason ``drift_detected``).
_DRIFT_METRICS = frozenset({"ValueDrift", "DriftedColumnsCount"})

_MetricLike = Any  # an Evidently Metric or MetricContainer (preset), or its plain-dict form


class _EvidentlyObject:
    """A constraint for an Evidently object: checked by Evidently itself when the gate runs (it is
    not imported here to validate); refused here only when it is None or a plain string."""

    def __init__(self, what: str) -> None:
        self.what = what

    def is_satisfied_by(self, value: Any) -> bool:
        return value is not None and not isinstance(value, (str, bytes))

    def __str__(self) -> str:
        return self.what


class EvidentlyGate(Gate):
    """Run an Evidently ``Report`` and judge it by its tests.

    Each Evidently test result becomes a finding: SUCCESS -> PASS, WARNING -> WARN,
    FAIL -> FAIL, ERROR -> ERROR, SKIPPED -> SKIP. The finding's ``statistic`` is the metric
    value the test looked at, its ``threshold`` the test's bound where it has a numeric one, and
    ``details`` hold Evidently's test name, description, metric id and configuration. The
    verdict's ``metrics`` hold every numeric value of every metric in the report, keyed by
    Evidently's metric id (e.g. ``"ValueDrift(column=age,method=K-S p_value,threshold=0.05)"``).

    Parameters
    ----------
    metrics_or_presets : Evidently metric or preset, or a list of them
        What goes into ``Report([...])``: e.g. ``DataDriftPreset()``, ``ValueDrift(column="age")``,
        ``MeanValue(column="age", tests=[lt(40)])``. The plain-dict form Evidently itself uses
        (``{"type": "evidently:metric_v2:ValueDrift", "column": "age"}``) is accepted too; that is
        what :meth:`to_config` writes, so the gate can live in a suite file.
    include_tests : bool, default True
        ``Report(include_tests=...)``: add Evidently's default tests to metrics that have none
        (e.g. drift per column, drifted-column share below ``drift_share``). With False only the
        tests you attached to metrics run; a report without tests gives SKIP
        (reason ``nothing_to_check``).
    data_definition : evidently.DataDefinition or mapping, optional
        Column roles and types for both tables (classification/regression presets need one);
        Evidently infers it when None.
    name, blocking
        See :class:`~mlgates.Gate`.

    Attributes
    ----------
    last_snapshot_ : evidently Snapshot or None
        The Evidently snapshot of this gate's most recent check (``.save_html(path)``,
        ``.dict()``), also when the gate ran inside a suite. It is not part of the verdict.

    Notes
    -----
    Inputs: ``current`` (required) and ``reference`` (needed by drift metrics). Other inputs
    are accepted and ignored. Reason codes:

    - ``drift_detected``: an Evidently ``ValueDrift`` or ``DriftedColumnsCount`` test failed
      (or warned);
    - ``evidently_test_failed`` / ``evidently_test_warning`` / ``evidently_test_error`` /
      ``evidently_test_skipped``: any other Evidently test with that status;
    - ``empty_input``: ``current`` or ``reference`` has no rows or no columns;
    - ``evidently_error``: Evidently raised while computing the report (the message quotes it);
      Evidently stops the whole report at the first such error.

    Evidently's statuses map one to one, so a non-critical Evidently test
    (``is_critical=False``) that fails is WARNING there and WARN here.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from evidently.metrics import MeanValue
    >>> from evidently.tests import lt
    >>> from mlgates.integrations.evidently import EvidentlyGate
    >>> df = pd.DataFrame({"age": np.arange(20.0, 60.0)})
    >>> gate = EvidentlyGate(MeanValue(column="age", tests=[lt(35)]))
    >>> v = gate.check(current=df)
    >>> v.status, v.reason
    (<Status.FAIL: 'fail'>, 'evidently_test_failed')
    >>> f = v.findings[0]
    >>> f.subject, f.statistic, f.threshold
    ('age', 39.5, 35.0)
    >>> type(gate.last_snapshot_).__name__
    'Snapshot'
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "metrics_or_presets": [_EvidentlyObject("an Evidently metric or preset, or a list of them")],
        "include_tests": ["boolean"],
        "data_definition": [_EvidentlyObject("an Evidently DataDefinition"), None],
    }

    #: The Evidently snapshot of the most recent check (not a parameter, not in the verdict).
    last_snapshot_: Any = None

    def __init__(
        self,
        metrics_or_presets: _MetricLike | Sequence[_MetricLike],
        *,
        include_tests: bool = True,
        data_definition: Any = None,
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.metrics_or_presets = metrics_or_presets
        self.include_tests = include_tests
        self.data_definition = data_definition

    # -- parameters -----------------------------------------------------------------------
    def _items(self) -> list[_MetricLike]:
        value = self.metrics_or_presets
        if isinstance(value, (list, tuple)):
            return list(value)
        return [value]

    def _validate_params(self) -> None:
        owner = type(self).__name__
        items = self._items()
        if not items:
            raise parameter_error(
                owner,
                "metrics_or_presets",
                "a non-empty list of Evidently metrics or presets",
                [],
                fix="EvidentlyGate([DataDriftPreset()]) or EvidentlyGate(ValueDrift(column='age')).",
            )
        for i, item in enumerate(items):
            _to_evidently(item, owner=owner, where=f"metrics_or_presets[{i}]")
        _to_definition(self.data_definition, owner=owner)

    def required_inputs(self) -> tuple[str, ...]:
        return ("current",)

    def _param_to_config(self, name: str, value: Any) -> Any:
        """Plain-data form of a parameter for :meth:`to_config` (Evidently's own dict form)."""
        if name == "metrics_or_presets":
            return [_plain_model(_to_evidently(v, owner="EvidentlyGate", where=name)) for v in self._items()]
        if name == "data_definition" and value is not None:
            return _plain_model(_to_definition(value, owner="EvidentlyGate"))
        from mlgates.core._jsonable import to_plain

        return to_plain(value)

    # -- checking -------------------------------------------------------------------------
    def _check(self, ctx: CheckContext) -> Verdict:
        owner = type(self).__name__
        current = ctx.frame("current")
        reference = ctx.frame("reference") if ctx.has("reference") else None
        for side, frame in (("current", current), ("reference", reference)):
            if frame is not None and (frame.shape[0] == 0 or frame.shape[1] == 0):
                raise InputError(
                    f"{side} is empty ({frame.shape[0]} rows, {frame.shape[1]} columns); "
                    "Evidently has nothing to judge",
                    reason="empty_input",
                    subject=side,
                )
        # fresh copies: Evidently resolves parameters on the objects it runs
        items = [_to_evidently(v, owner=owner, where="metrics_or_presets") for v in self._items()]
        definition = _to_definition(self.data_definition, owner=owner)
        report = Report(items, include_tests=self.include_tests)
        cur_data: Any = current
        ref_data: Any = reference
        try:
            if definition is not None:
                cur_data = Dataset.from_pandas(current, data_definition=definition)
                if reference is not None:
                    ref_data = Dataset.from_pandas(reference, data_definition=copy.deepcopy(definition))
            snapshot = report.run(current_data=cur_data, reference_data=ref_data)
        except Exception as exc:  # Evidently's data errors become the verdict
            text = f"{type(exc).__name__}: {exc}"
            if reference is None and "reference" in str(exc).lower():
                raise InputError(
                    f"missing input 'reference': pass check(reference=...); Evidently: {text}",
                    reason="missing_input",
                    subject="reference",
                ) from exc
            raise InputError(
                f"Evidently could not compute the report: {text}", reason="evidently_error"
            ) from exc
        self.last_snapshot_ = snapshot

        results: Mapping[Any, MetricResult] = snapshot.metric_results
        findings = [_finding(test, results) for test in snapshot.tests_results]
        metrics: dict[str, float] = {}
        for metric_id in getattr(snapshot, "_top_level_metrics", None) or list(results):
            result = results.get(metric_id)
            if result is not None:
                metrics.update(_metric_values(result))
        return self._verdict(
            findings=findings,
            metrics=metrics,
            params={
                "metrics_or_presets": self._param_to_config("metrics_or_presets", self.metrics_or_presets),
                "data_definition": self._param_to_config("data_definition", self.data_definition),
                "evidently_version": evidently.__version__,
                "n_current": int(current.shape[0]),
                "n_reference": None if reference is None else int(reference.shape[0]),
            },
        )


# -- Evidently objects <-> plain data -------------------------------------------------------
def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value


def _plain_model(model: Any) -> dict[str, Any]:
    """Evidently's JSON form of a pydantic object, without None fields (TOML cannot hold None)."""
    return _drop_none(json.loads(model.json()))  # type: ignore[no-any-return]


def _to_evidently(item: Any, *, owner: str, where: str) -> Any:
    """A fresh Evidently Metric/MetricContainer from an object or its dict form."""
    if isinstance(item, (Metric, MetricContainer)):
        return copy.deepcopy(item)
    if isinstance(item, Mapping) and isinstance(item.get("type"), str):
        try:
            return parse_obj_as(Union[Metric, MetricContainer], dict(item))  # type: ignore[arg-type]  # noqa: UP007
        except (ValidationError, TypeError, ValueError) as exc:
            raise parameter_error(
                owner,
                where,
                "an Evidently metric or preset (or its dict form)",
                item,
                fix=f"Evidently could not read it ({str(exc).splitlines()[0]}); build it in Python, e.g. "
                "ValueDrift(column='age'), and pass the object.",
            ) from None
    raise parameter_error(
        owner,
        where,
        "an Evidently metric or preset (or its dict form)",
        item,
        fix="pass e.g. DataDriftPreset() or ValueDrift(column='age') (evidently.presets, evidently.metrics).",
    )


def _to_definition(value: Any, *, owner: str) -> Any:
    if value is None:
        return None
    if isinstance(value, DataDefinition):
        return copy.deepcopy(value)
    if isinstance(value, Mapping):
        try:
            return parse_obj_as(DataDefinition, dict(value))
        except (ValidationError, TypeError, ValueError) as exc:
            raise parameter_error(
                owner,
                "data_definition",
                "an evidently.DataDefinition or its dict form",
                value,
                fix=f"Evidently could not read it ({str(exc).splitlines()[0]}).",
            ) from None
    raise parameter_error(
        owner, "data_definition", "an evidently.DataDefinition, its dict form, or None", value
    )


# -- test results -> findings ---------------------------------------------------------------
def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    return float(value)


def _tested_value(result: MetricResult | None, bound: Any) -> Any:
    """The metric value one test looked at (a SingleValue), or None when it cannot be told."""
    if result is None:
        return None
    try:
        if isinstance(bound, CountBoundTest):
            return result.count if bound.is_count else result.share  # type: ignore[attr-defined]
        if isinstance(bound, MeanStdBoundTest):
            return result.mean if bound.is_mean else result.std  # type: ignore[attr-defined]
        if isinstance(bound, ByLabelBoundTest):
            return result.values.get(bound.label)  # type: ignore[attr-defined]
        if isinstance(bound, ByLabelCountBoundTest):
            counts, shares = result.counts, result.shares  # type: ignore[attr-defined]
            return (counts if bound.slot == "count" else shares).get(bound.label)
    except AttributeError:
        return None
    return result if hasattr(result, "value") else None


def _stattest_name(display_name: Any) -> str | None:
    for obj in vars(_stattests).values():
        if isinstance(obj, _stattests.StatTest) and obj.display_name == display_name:
            return obj.name
    return None


def _finding(test: MetricTestResult, results: Mapping[Any, MetricResult]) -> Finding:
    status = STATUS_MAP.get(str(getattr(test.status, "value", test.status)), Status.ERROR)
    metric_params = dict(test.metric_config.params)
    metric_type = str(metric_params.get("type", "")).split(":")[-1]
    result = results.get(test.metric_config.metric_id)
    tested = _tested_value(result, test.bound_test)
    statistic = _number(getattr(tested, "value", None))
    test_config = dict(test.test_config or {})

    column = metric_params.get("column")
    if isinstance(column, str):
        subject = column
    elif tested is not None and getattr(tested, "display_name", None):
        subject = str(tested.display_name)
    else:
        subject = test.name
    pvalue = None
    if metric_type == "ValueDrift":
        method = _stattest_name(metric_params.get("method")) or metric_params.get("method")
        threshold = _number(metric_params.get("threshold"))
        if method in PVALUE_STATTESTS:
            pvalue = statistic
        reason = "drift_detected" if status in (Status.FAIL, Status.WARN) else _REASONS.get(status)
    else:
        method = metric_type or None
        threshold = _number(test_config.get("threshold"))
        reason = _REASONS.get(status)
        if metric_type in _DRIFT_METRICS and status in (Status.FAIL, Status.WARN):
            reason = "drift_detected"
    description = test.description or test.name
    message = description if description.startswith(subject) else f"{subject}: {description}"
    details: dict[str, Any] = {
        "evidently_status": str(getattr(test.status, "value", test.status)),
        "evidently_test": test.name,
        "evidently_test_id": test.id,
        "evidently_metric": result.explicit_metric_id() if result is not None and _located(result) else None,
        "evidently_metric_config": metric_params,
        "evidently_test_config": test_config,
    }
    if metric_type == "ValueDrift":
        details["evidently_method"] = metric_params.get("method")
    return Finding(
        subject=subject,
        status=status,
        statistic=statistic,
        pvalue=pvalue,
        threshold=threshold,
        method=None if method is None else str(method),
        reason=reason,
        message=message,
        details=details,
    )


def _located(result: MetricResult) -> bool:
    return getattr(result, "metric_value_location", None) is not None


def _flatten(value: Any, prefix: str) -> Iterable[tuple[str, float]]:
    if isinstance(value, Mapping):
        for key, inner in value.items():
            yield from _flatten(inner, f"{prefix}.{key}")
        return
    number = _number(value)
    if number is None:
        item = getattr(value, "item", None)  # numpy scalars
        number = _number(item()) if callable(item) and getattr(value, "ndim", 1) == 0 else None
    if number is not None:
        yield prefix, number


def _metric_values(result: MetricResult) -> dict[str, float]:
    """Every numeric value of one metric result, keyed by Evidently's explicit metric id."""
    if not _located(result):
        return {}
    try:
        simple = result.to_simple_dict()
    except Exception:  # noqa: BLE001 - a result type without a plain form contributes nothing
        return {}
    key = result.explicit_metric_id()
    if not isinstance(simple, Mapping):
        number = _number(simple)
        if number is None:
            item = getattr(simple, "item", None)
            number = _number(item()) if callable(item) else None
        return {} if number is None else {key: number}
    if len(str(simple)) > 100_000:  # data frames and the like: keep verdicts small
        return {}
    return dict(_flatten(simple, key))

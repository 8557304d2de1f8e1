"""The Gate base class: configured once with keyword parameters, checked many times."""

from __future__ import annotations

import contextlib
import copy
import datetime as _dt
import inspect
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from mlgates._version import __version__
from mlgates.core._jsonable import to_plain
from mlgates.core._text import pluralize
from mlgates.core.context import STANDARD_INPUTS, CheckContext, check_input_names
from mlgates.core.errors import InputError, ParameterError
from mlgates.core.finding import Finding
from mlgates.core.params import validate_params
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict

if TYPE_CHECKING:
    from mlgates.core.suite import Suite

__all__ = ["Gate", "add_verdict_listener", "remove_verdict_listener"]

#: Callables notified with every verdict returned by a top-level ``check()`` (a gate's or a
#: suite's; members of a suite are not notified separately, their verdicts are the suite's
#: children). The pytest plugin registers one to collect a session report. Empty by default,
#: so the cost is one ``if`` per check.
_VERDICT_LISTENERS: list[Callable[[Verdict], None]] = []


def add_verdict_listener(listener: Callable[[Verdict], None]) -> None:
    """Call ``listener(verdict)`` after every top-level ``Gate.check()`` / ``Suite.check()``.

    A listener that raises is ignored (it must not change a check's outcome).

    Examples
    --------
    >>> seen = []
    >>> add_verdict_listener(seen.append)
    >>> from mlgates import RowCountGate
    >>> import pandas as pd
    >>> _ = RowCountGate().check(current=pd.DataFrame({"a": [1]}))
    >>> remove_verdict_listener(seen.append)
    >>> [v.gate for v in seen]
    ['RowCountGate']
    """
    _VERDICT_LISTENERS.append(listener)


def remove_verdict_listener(listener: Callable[[Verdict], None]) -> None:
    """Undo :func:`add_verdict_listener` (no error if it was not registered)."""
    if listener in _VERDICT_LISTENERS:
        _VERDICT_LISTENERS.remove(listener)


def _notify(verdict: Verdict) -> Verdict:
    for listener in tuple(_VERDICT_LISTENERS):
        with contextlib.suppress(Exception):  # a listener must not change the outcome
            listener(verdict)
    return verdict


class Gate:
    """Base class of every gate.

    A subclass defines ``__init__`` with keyword-only parameters that it stores unchanged
    (plus ``name`` and ``blocking``, passed to ``super().__init__``), lists its constraints in
    ``_parameter_constraints``, names its inputs in :meth:`required_inputs`, and implements
    :meth:`_check`, which reads a :class:`~mlgates.core.context.CheckContext` and returns a
    verdict built with :meth:`_verdict`.

    Parameters
    ----------
    name : str, optional
        Name shown in reports; defaults to the class name.
    blocking : bool, default True
        A non-blocking gate reports FAIL as WARN, so it never fails a suite.

    Examples
    --------
    >>> from mlgates import Gate, Status
    >>> class AlwaysPass(Gate):
    ...     def _check(self, ctx):
    ...         return self._verdict(Status.PASS, message="fine")
    >>> AlwaysPass().check().status
    <Status.PASS: 'pass'>
    >>> AlwaysPass(name="p", blocking=False)
    AlwaysPass(name='p', blocking=False)
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "name": [None, str],
        "blocking": ["boolean"],
    }
    #: Inputs beyond the standard ones that this gate accepts (e.g. ``"artifacts"``).
    extra_inputs: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *, name: str | None = None, blocking: bool = True) -> None:
        self.name = name
        self.blocking = blocking

    # -- parameters (scikit-learn style) --------------------------------------------------
    @classmethod
    def _param_names(cls) -> list[str]:
        sig = inspect.signature(cls.__init__)
        names = []
        for p in sig.parameters.values():
            if p.name == "self" or p.kind in (p.VAR_KEYWORD, p.VAR_POSITIONAL):
                continue
            names.append(p.name)
        return names

    @classmethod
    def _param_defaults(cls) -> dict[str, Any]:
        sig = inspect.signature(cls.__init__)
        return {
            p.name: p.default
            for p in sig.parameters.values()
            if p.name != "self" and p.default is not inspect.Parameter.empty
        }

    def get_params(self, deep: bool = False) -> dict[str, Any]:
        """The constructor parameters, as stored."""
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params: Any) -> Gate:
        """Set parameters by name; unknown names raise ParameterError."""
        valid = set(self._param_names())
        for key, value in params.items():
            if key not in valid:
                raise ParameterError(
                    f"{type(self).__name__} has no parameter {key!r}. Valid parameters: "
                    f"{', '.join(sorted(valid))}."
                )
            setattr(self, key, value)
        return self

    def clone(self) -> Gate:
        """A new, unchecked gate with deep copies of the same parameters."""
        return type(self)(**copy.deepcopy(self.get_params()))

    def validate(self) -> Gate:
        """Validate all parameters now (``check()`` does this too); return self."""
        owner = type(self).__name__
        constraints: dict[str, list[Any]] = {}
        for klass in reversed(type(self).__mro__):
            constraints.update(getattr(klass, "_parameter_constraints", {}) or {})
        validate_params(owner, self.get_params(), constraints)
        self._validate_params()
        return self

    def _validate_params(self) -> None:
        """Cross-parameter checks; override and raise ParameterError (via parameter_error)."""

    def __repr__(self) -> str:
        defaults = self._param_defaults()
        parts = []
        for key, value in self.get_params().items():
            if key in defaults and _same(value, defaults[key]):
                continue
            parts.append(f"{key}={value!r}")
        return f"{type(self).__name__}({', '.join(parts)})"

    def _repr_html_(self) -> str:
        """Notebook display: the gate (or the suite's tree of gates) and its parameters."""
        from mlgates.report.html import render_gate

        return render_gate(self)

    @property
    def display_name(self) -> str:
        """``name`` if set, else the class name."""
        return self.name or type(self).__name__

    # -- inputs ---------------------------------------------------------------------------
    def required_inputs(self) -> tuple[str, ...]:
        """Inputs this gate cannot judge without (may depend on parameters)."""
        return ()

    def accepted_inputs(self) -> tuple[str, ...]:
        """Every input keyword ``check()`` accepts."""
        return (*STANDARD_INPUTS, *self.extra_inputs)

    # -- checking -------------------------------------------------------------------------
    def check(self, **inputs: Any) -> Verdict:
        """Judge the inputs and return a :class:`Verdict`.

        Inputs are keyword-only (``reference``, ``current``, ``target``, ``prediction``,
        ``proba``, ``model``, ``baseline_*``, ``sensitive_features`` and the gate's own).
        Invalid parameters raise :class:`ParameterError`; everything about the data becomes
        the verdict.
        """
        check_input_names(inputs, self.accepted_inputs(), type(self).__name__)
        self.validate()
        return _notify(self._run(CheckContext(inputs)))

    def _run(self, ctx: CheckContext) -> Verdict:
        """Check against a shared context: missing inputs and InputError become ERROR."""
        start = time.perf_counter()
        missing = [n for n in self.required_inputs() if not ctx.has(n)]
        if missing:
            verdict = self._verdict(
                Status.ERROR,
                reason="missing_input",
                message=f"missing input {', '.join(map(repr, missing))}: pass "
                + ", ".join(f"check({n}=...)" for n in missing),
            )
        else:
            try:
                verdict = self._check(ctx)
            except InputError as exc:
                verdict = self._verdict(Status.ERROR, reason=exc.reason, message=str(exc))
        return self._finalize(verdict, ctx, time.perf_counter() - start)

    def _check(self, ctx: CheckContext) -> Verdict:
        """Compute, decide and return a verdict. Subclasses implement this."""
        raise NotImplementedError(f"{type(self).__name__} must implement _check(ctx)")

    def _verdict(
        self,
        status: Status | None = None,
        *,
        findings: Iterable[Finding] = (),
        metrics: Mapping[str, float] | None = None,
        reason: str | None = None,
        message: str | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> Verdict:
        """Build this gate's verdict.

        With ``status=None`` the status is the worst of the findings'; a verdict with no
        judged finding is SKIP with reason ``nothing_to_check`` (never a silent PASS).
        """
        findings = tuple(findings)
        if status is None:
            status = Status.worst(f.status for f in findings)
            if status is Status.SKIP and reason is None:
                reason = "nothing_to_check"
        if reason is None and status is not Status.PASS:
            reasons = [f.reason for f in findings if f.status is status and f.reason]
            reason = reasons[0] if reasons else None
        if message is None:
            message = _summarize(status, findings)
        resolved = dict(self.get_params())
        resolved.update(params or {})
        return Verdict(
            status=status,
            name=self.display_name,
            gate=type(self).__name__,
            reason=reason,
            message=message,
            metrics=metrics or {},
            findings=findings,
            params=resolved,
        )

    def _finalize(self, verdict: Verdict, ctx: CheckContext, duration: float) -> Verdict:
        status = verdict.status
        message = verdict.message
        if not self.blocking and status is Status.FAIL:
            status = status.downgraded()
            message = f"(non-blocking; would fail) {message}"
        provenance = {
            "mlgates_version": __version__,
            "timestamp": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
            "inputs": ctx.describe_inputs(),
            **dict(verdict.provenance),
        }
        return verdict.replace(status=status, message=message, duration_s=duration, provenance=provenance)

    # -- composition ----------------------------------------------------------------------
    def __and__(self, other: Gate) -> Suite:
        from mlgates.core.suite import Suite

        return Suite._combine(self, other, require="all")

    def __or__(self, other: Gate) -> Suite:
        from mlgates.core.suite import Suite

        return Suite._combine(self, other, require="any")

    # -- config ---------------------------------------------------------------------------
    def _param_to_config(self, key: str, value: Any) -> Any:
        """The plain-data form of one parameter for a config file; a gate whose parameters hold
        foreign objects (e.g. Evidently metrics) overrides this."""
        return to_plain(value)

    def to_config(self) -> dict[str, Any]:
        """Plain config: ``{"type": ClassName, **non-default parameters}``."""
        from mlgates.core.config import gate_to_config

        return gate_to_config(self)


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(a == b) and type(a) is type(b)
    except Exception:  # noqa: BLE001
        return a is b


def _summarize(status: Status, findings: Sequence[Finding]) -> str:
    if not findings:
        return status.value

    def head(rows: Sequence[Finding]) -> str:
        text = "; ".join(f.message or f"{f.subject}: {f.status.value}" for f in rows[:3])
        return text + (f" (+{len(rows) - 3} more)" if len(rows) > 3 else "")

    n = len(findings)
    bad = [f for f in findings if f.status in (Status.FAIL, Status.ERROR, Status.WARN)]
    skipped = [f for f in findings if f.status is Status.SKIP]
    if bad:
        return f"{len(bad)} of {pluralize(n, 'check')} not passed: {head(bad)}"
    if len(skipped) == n:
        return f"nothing judged: {'' if n == 1 else 'all '}{pluralize(n, 'check')} skipped: {head(skipped)}"
    if skipped:
        return f"{len(findings) - len(skipped)} of {pluralize(n, 'check')} passed, {len(skipped)} skipped"
    return "1 check passed" if n == 1 else f"all {pluralize(n, 'check')} passed"

"""The Gate base class: configured once with keyword parameters, checked many times."""

from __future__ import annotations

import contextlib
import copy
import datetime as _dt
import functools
import inspect
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from mlgates._version import __version__
from mlgates.core._jsonable import to_plain
from mlgates.core._suggest import closest, peer_note
from mlgates.core._text import pluralize
from mlgates.core.context import STANDARD_INPUTS, CheckContext, check_input_names
from mlgates.core.errors import InputError, NeedsInMemory, ParameterError, UnknownParameterError
from mlgates.core.finding import Finding
from mlgates.core.params import non_default_params, validate_params
from mlgates.core.renames import translate_deprecated
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict

if TYPE_CHECKING:
    from mlgates.core.suite import Suite

__all__ = ["Gate", "Progress", "add_verdict_listener", "remove_verdict_listener"]

#: ``progress(i, n, gate)``: called before gate ``i`` of ``n`` runs (see :meth:`Gate.check`).
Progress = Callable[[int, int, "Gate"], None]

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


@functools.cache
def _init_param_names(init: Any) -> tuple[str, ...]:
    """The named parameters of a constructor (cached: every verdict records its gate's
    parameters, and ``inspect.signature`` costs more than the rest of that)."""
    return tuple(
        p.name
        for p in inspect.signature(init).parameters.values()
        if p.name != "self" and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
    )


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
    #: Deprecated parameter names -> new names, and deprecated option values per parameter
    #: (``{"on_insufficient": {"ignore": "skip"}}``): the old spellings keep working for one
    #: minor version with a FutureWarning, in the constructor, ``set_params`` and suite files
    #: (see :mod:`mlgates.core.renames`).
    #: Parameters that hold one gate (a wrapper such as :class:`~mlgates.Windowed`): config
    #: files write and read them as nested gate tables.
    _gate_parameters: ClassVar[tuple[str, ...]] = ()
    _renamed_parameters: ClassVar[dict[str, str]] = {}
    _renamed_values: ClassVar[dict[str, dict[Any, Any]]] = {}

    def __init__(self, *, name: str | None = None, blocking: bool = True) -> None:
        self.name = name
        self.blocking = blocking

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        init = cls.__dict__.get("__init__")
        if init is not None and not getattr(init, "_mlgates_checked_init", False):
            cls.__init__ = _checked_init(init)  # type: ignore[method-assign]

    # -- parameters (scikit-learn style) --------------------------------------------------
    @classmethod
    def _param_names(cls) -> list[str]:
        return list(_init_param_names(cls.__init__))

    @classmethod
    def _param_defaults(cls) -> dict[str, Any]:
        sig = inspect.signature(cls.__init__)
        return {
            p.name: p.default
            for p in sig.parameters.values()
            if p.name != "self" and p.default is not inspect.Parameter.empty
        }

    def get_params(self, deep: bool = False) -> dict[str, Any]:
        """The constructor parameters, as stored (the very objects passed to ``__init__``).

        ``deep=True`` adds the parameters of nested gates (a :class:`~mlgates.Suite`'s members,
        as ``gates__0__max_share``); a gate without nested gates returns the same either way.
        """
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params: Any) -> Gate:
        """Set parameters by name; unknown names raise ParameterError.

        A deprecated name (or option value) is accepted with a FutureWarning naming the new one.
        """
        valid = self._param_names()
        params = translate_deprecated(type(self), params, valid, stacklevel=3)
        for key, value in params.items():
            if key not in valid:
                raise ParameterError(
                    f"{type(self).__name__} has no parameter {key!r}.{unknown_parameter_hint(key, valid)}"
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
        parts = [f"{key}={value!r}" for key, value in non_default_params(self).items()]
        return f"{type(self).__name__}({', '.join(parts)})"

    def _repr_html_(self) -> str:
        """Notebook display: the gate (or the suite's tree of gates) and its parameters."""
        from mlgates.report import render

        return render(self, "html")

    @property
    def display_name(self) -> str:
        """``name`` if set, else the class name."""
        return self.name or type(self).__name__

    # -- inputs ---------------------------------------------------------------------------
    def required_inputs(self) -> tuple[str, ...]:
        """Inputs this gate cannot judge without (may depend on parameters)."""
        return ()

    def required_any_of(self) -> tuple[tuple[str, ...], ...]:
        """Groups of inputs of which at least one must be given, e.g. ``("prediction", "model")``
        (the model computes the predictions). Checked with :meth:`required_inputs` before the
        gate runs, so that every missing input is named at once."""
        return ()

    def missing_inputs(self, given: Iterable[str]) -> list[tuple[str, ...]]:
        """What this gate still needs when the inputs ``given`` are passed: one tuple of
        alternatives per requirement (``("target",)``, ``("prediction", "model")``).

        Examples
        --------
        >>> from mlgates import PerformanceGate
        >>> PerformanceGate("accuracy", min_value=0.8).missing_inputs(["current"])
        [('target',), ('prediction', 'model')]
        """
        have = set(given)
        needs = [(n,) for n in self.required_inputs()] + [tuple(g) for g in self.required_any_of()]
        out: list[tuple[str, ...]] = []
        for group in needs:
            if not have.intersection(group) and group not in out:
                out.append(group)
        return out

    def accepted_inputs(self) -> tuple[str, ...]:
        """Every input keyword ``check()`` accepts."""
        return (*STANDARD_INPUTS, *self.extra_inputs)

    # -- checking -------------------------------------------------------------------------
    def check(self, *args: Any, progress: Progress | None = None, **inputs: Any) -> Verdict:
        """Judge the inputs and return a :class:`Verdict`.

        Inputs are keyword-only (``reference``, ``current``, ``target``, ``prediction``,
        ``proba``, ``model``, ``baseline_*``, ``sensitive_features`` and the gate's own).
        Invalid parameters raise :class:`ParameterError`; everything about the data becomes
        the verdict. An exception raised by the model's ``predict``/``predict_proba`` becomes
        an ERROR verdict (reason ``predict_failed``), as it does inside a suite.

        ``progress``, when given, is called as ``progress(i, n, gate)`` before each gate runs:
        once as ``(0, 1, self)`` for a single gate, before each top-level member for a
        :class:`~mlgates.Suite` (the command line's ``[2/5] drift ...`` line uses it).

        Examples
        --------
        >>> import pandas as pd
        >>> from mlgates import RowCountGate
        >>> seen = []
        >>> RowCountGate(min_rows=1).check(
        ...     current=pd.DataFrame({"a": [1]}), progress=lambda i, n, g: seen.append((i, n, g.display_name))
        ... ).status
        <Status.PASS: 'pass'>
        >>> seen
        [(0, 1, 'RowCountGate')]
        """
        positional_inputs_error(self, args)
        check_input_names(inputs, self.accepted_inputs(), type(self).__name__)
        self.validate()
        if progress is not None:
            progress(0, 1, self)
        return _notify(self._run(CheckContext(inputs)))

    def _run(self, ctx: CheckContext) -> Verdict:
        """Check against a shared context: missing inputs and InputError become ERROR."""
        start = time.perf_counter()
        missing = self.missing_inputs(ctx.names)
        if missing:
            verdict = self._verdict(
                Status.ERROR, reason="missing_input", message=missing_inputs_message(missing)
            )
        else:
            try:
                verdict = self._check_profiled(ctx) if ctx.profiled else self._check(ctx)
            except InputError as exc:
                verdict = self._verdict(Status.ERROR, reason=exc.reason, message=str(exc))
            except NeedsInMemory as exc:
                verdict = self._verdict(Status.SKIP, reason="needs_in_memory", message=str(exc))
        return self._finalize(verdict, ctx, time.perf_counter() - start)

    def _check(self, ctx: CheckContext) -> Verdict:
        """Compute, decide and return a verdict. Subclasses implement this."""
        raise NotImplementedError(f"{type(self).__name__} must implement _check(ctx)")

    # -- profiles (tables read in chunks, saved reference profiles; see docs/scale.md) ------
    def _profile_needs(self, ctx: CheckContext, side: str) -> Sequence[Any]:
        """The summaries (:class:`~mlgates.core.inputs.Summarizer`) this gate needs from
        ``side`` (``"reference"``, then ``"current"``) to decide without the rows; the
        current's needs may read reference summaries (``ctx.summary("reference", ...)``), e.g.
        bins frozen from the reference. Raise :class:`~mlgates.core.errors.NeedsInMemory`
        (the default) when the gate, or these parameters, need every row at once."""
        raise NeedsInMemory(
            f"{type(self).__name__} needs every row in memory (it is not computed from mergeable "
            "summaries); pass current (and reference) as DataFrames to run it"
        )

    def _tables_in_memory(self, ctx: CheckContext) -> bool:
        """Whether every table this gate requires is an in-memory DataFrame in this check (a
        saved reference profile given for the other gates of a suite does not concern it)."""
        needed = [s for s in ("current", "reference") if s in self.required_inputs()]
        return all(ctx.table_kind(s) in ("frame", "absent") for s in needed) and (
            ctx.table_kind("current") in ("frame", "absent")
        )

    def _check_profile(self, ctx: CheckContext) -> Verdict:
        """Decide from the merged summaries (``ctx.summary(side, summarizer)``) of the needs
        named by :meth:`_profile_needs`, with the same decision and wording as :meth:`_check`."""
        raise NeedsInMemory(f"{type(self).__name__} has no decision from profiles")

    def _check_profiled(self, ctx: CheckContext) -> Verdict:
        if type(self)._profile_needs is Gate._profile_needs and self._tables_in_memory(ctx):
            return self._check(ctx)  # not profiled, but every table it reads is a DataFrame
        ctx.plan([self])  # a no-op when a suite planned every member already
        error = ctx._profiling.planned_error(self) if ctx._profiling is not None else None
        if error is not None:
            raise error
        return self._check_profile(ctx)

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
        if ctx.profiled:  # how the tables were read, and whether every statistic is exact
            provenance["profile"] = {**ctx.profile_provenance(), "exact": _all_exact(verdict)}
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


def missing_inputs_message(missing: Sequence[str | tuple[str, ...]]) -> str:
    """One sentence naming every missing input (alternatives in parentheses).

    Examples
    --------
    >>> missing_inputs_message([("current",), ("target",), ("prediction", "model")])
    "missing inputs 'current', 'target', 'prediction' (or 'model'): pass check(current=...), \
check(target=...), check(prediction=...) or check(model=...)"
    """
    groups = list(dict.fromkeys((g,) if isinstance(g, str) else tuple(g) for g in missing))
    shown = ", ".join(
        repr(g[0]) + (f" (or {', '.join(map(repr, g[1:]))})" if len(g) > 1 else "") for g in groups
    )
    noun = "input" if len(groups) == 1 else "inputs"
    calls = ", ".join(" or ".join(f"check({n}=...)" for n in g) for g in groups)
    return f"missing {noun} {shown}: pass {calls}"


def positional_inputs_error(gate: Gate, args: tuple[Any, ...]) -> None:
    """Refuse positional inputs to ``check()``: inputs are named (``reference``, ``current``, ...)."""
    if not args:
        return
    owner = type(gate).__name__
    kinds = ", ".join(type(a).__name__ for a in args[:3])
    example = "check(reference=..., current=...)" if len(args) >= 2 else "check(current=...)"
    raise TypeError(
        f"{owner}.check() takes its inputs by keyword; got {len(args)} positional value(s) "
        f"({kinds}). Use {example} (also target=, prediction=, proba=, model=, ...)."
    )


def unknown_parameter_hint(key: str, valid: Sequence[str]) -> str:
    """ " Did you mean 'x' (why)? Valid parameters: ..." for an unknown parameter name; the same
    help from the constructor, :meth:`Gate.set_params` and the config loader."""
    best = closest(key, valid, aliases=_parameter_alias_targets())
    hint = ""
    if best is not None:
        note = peer_note(key, best)
        hint = f" Did you mean {best!r}?" + (f" ({key!r}: {note}.)" if note else "")
    return f"{hint} Valid parameters: {', '.join(sorted(valid))}."


@functools.lru_cache(maxsize=1)
def _parameter_alias_targets() -> dict[str, str]:
    from mlgates.core._suggest import PARAMETER_ALIASES

    return {k: v[0] for k, v in PARAMETER_ALIASES.items()}


def _checked_init(init: Callable[..., None]) -> Callable[..., None]:
    """Wrap a gate's ``__init__`` so a deprecated keyword is renamed (with a FutureWarning) and
    a wrong keyword or a positional value gets the config
    loader's help (nearest name, valid names) instead of a bare TypeError. The signature is
    kept (``functools.wraps`` sets ``__wrapped__``), so ``inspect.signature``, ``get_params``
    and ``clone`` see the real parameters; the check runs only when the call fails."""
    signature: list[inspect.Signature] = []

    @functools.wraps(init)
    def __init__(self: Gate, *args: Any, **kwargs: Any) -> None:
        if kwargs and (type(self)._renamed_parameters or type(self)._renamed_values):
            if not signature:
                signature.append(inspect.signature(init))
            kwargs = translate_deprecated(type(self), kwargs, signature[0].parameters, stacklevel=3)
        try:
            init(self, *args, **kwargs)
        except TypeError as exc:
            if isinstance(exc, UnknownParameterError):
                raise
            if not signature:
                signature.append(inspect.signature(init))
            error = _binding_error(type(self).__name__, signature[0], self, args, kwargs)
            if error is None:
                raise
            raise error from None

    __init__._mlgates_checked_init = True  # type: ignore[attr-defined]
    return __init__


def _binding_error(
    owner: str, sig: inspect.Signature, self: Gate, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> UnknownParameterError | None:
    try:
        sig.bind(self, *args, **kwargs)
    except TypeError:
        pass
    else:
        return None  # the TypeError came from inside __init__, not from the call
    params = [p for p in sig.parameters.values() if p.name != "self"]
    valid = [p.name for p in params if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)]
    for key in kwargs:
        if key not in valid:
            return UnknownParameterError(
                f"{owner}() got an unexpected keyword argument {key!r}.{unknown_parameter_hint(key, valid)}"
            )
    positional = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if "gates" in positional and len(args) > 1 and all(isinstance(a, Gate) for a in args):
        return UnknownParameterError(
            f"{owner}() takes its gates as one list: {owner}([gate_a, gate_b, ...]) (or gate_a & gate_b)."
        )
    if len(args) > len(positional):
        extra = args[len(positional) :]
        shown = ", ".join(_short(a) for a in extra[:3])
        takes = f"only {positional[0]!r} by position" if positional else "no positional values"
        more = f"{len(extra)} more" if positional else str(len(extra))
        first_kw = [n for n in valid if n not in positional][:2]
        example = ", ".join(f"{n}=..." for n in first_kw)
        return UnknownParameterError(
            f"{owner}() takes {takes}; got {more} ({shown}). Pass parameters by keyword, "
            f"e.g. {owner}({example}). Valid parameters: {', '.join(sorted(valid))}."
        )
    missing = [
        p.name
        for p in params
        if p.default is inspect.Parameter.empty
        and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
        and p.name not in kwargs
    ][len(args) :]
    if missing:
        return UnknownParameterError(
            f"{owner}() needs the parameter {missing[0]!r}: {owner}({missing[0]}=...). "
            f"Valid parameters: {', '.join(sorted(valid))}."
        )
    return None


def _all_exact(verdict: Verdict) -> bool:
    """A verdict is exact when none of its findings (nor its children's) says ``exact: False``
    (a statistic on a reference-quantile grid, within its recorded bound; duplicates by row
    hashes)."""
    if any(f.details.get("exact", True) is False for f in verdict.findings):
        return False
    return all(c.provenance.get("profile", {}).get("exact", True) is not False for c in verdict.children)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


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


Gate.__init__ = _checked_init(Gate.__init__)  # type: ignore[method-assign]

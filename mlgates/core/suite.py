"""Suites: gates composed into one gate whose verdict has children."""

from __future__ import annotations

import time
import traceback
from collections.abc import Iterable
from typing import Any, ClassVar

from mlgates.core._suggest import did_you_mean
from mlgates.core._text import pluralize
from mlgates.core.context import CheckContext, check_input_names
from mlgates.core.errors import ParameterError
from mlgates.core.gate import Gate, Progress, _notify, missing_inputs_message, positional_inputs_error
from mlgates.core.params import Options, non_default_params
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict

__all__ = ["Suite"]


class Suite(Gate):
    """A gate made of gates.

    Every member is checked against one shared context (so predictions and shared statistics
    are computed once), an exception inside one member becomes that member's ERROR verdict,
    and the others still run.

    Parameters
    ----------
    gates : iterable of Gate
        The members; suites may nest.
    name : str, optional
        Name shown in reports.
    fail_fast : bool, default False
        Stop after the first member that FAILs or ERRORs; the rest are SKIP
        (reason ``fail_fast``).
    require : {"all", "any"}, default "all"
        ``"all"``: the suite's status is the worst member status (``a & b``).
        ``"any"``: the best member status (``a | b``).
    blocking : bool, default True
        A non-blocking suite reports FAIL as WARN.

    Examples
    --------
    >>> from mlgates import RowCountGate, MissingValuesGate
    >>> suite = RowCountGate(min_rows=1) & MissingValuesGate(max_share=0.1)
    >>> len(suite.gates)
    2
    >>> import pandas as pd
    >>> suite.check(current=pd.DataFrame({"a": [1.0, 2.0]})).status
    <Status.PASS: 'pass'>
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "gates": [list, tuple],  # members are checked by validate(), one by one
        "fail_fast": ["boolean"],
        "require": [Options("all", "any")],
    }

    def __init__(
        self,
        gates: Iterable[Gate] = (),
        *,
        name: str | None = None,
        fail_fast: bool = False,
        require: str = "all",
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.gates = gates if isinstance(gates, list) else list(gates)  # a list is stored as given
        self.fail_fast = fail_fast
        self.require = require

    @classmethod
    def _combine(cls, left: Gate, right: Gate, *, require: str) -> Suite:
        members: list[Gate] = []
        for g in (left, right):
            if isinstance(g, Suite) and g._is_anonymous(require):
                members.extend(g.gates)
            elif isinstance(g, Gate):
                members.append(g)
            else:
                return NotImplemented  # type: ignore[return-value]
        return cls(members, require=require)

    def _is_anonymous(self, require: str) -> bool:
        return self.require == require and self.name is None and not self.fail_fast and self.blocking

    def get_params(self, deep: bool = False) -> dict[str, Any]:
        """The constructor parameters; with ``deep=True`` also every member and its parameters
        under ``gates__<i>`` and ``gates__<i>__<parameter>`` (nested suites recursively), the keys
        :meth:`set_params` accepts.

        Examples
        --------
        >>> from mlgates import RowCountGate, MissingValuesGate
        >>> suite = RowCountGate(min_rows=10) & MissingValuesGate(max_share=0.1)
        >>> suite.get_params(deep=True)["gates__1__max_share"]
        0.1
        >>> suite.set_params(gates__0__min_rows=100)[0]
        RowCountGate(min_rows=100)
        """
        params = super().get_params()
        if deep:
            for i, gate in enumerate(self.gates):
                params[f"gates__{i}"] = gate
                if isinstance(gate, Gate):
                    for key, value in gate.get_params(deep=True).items():
                        params[f"gates__{i}__{key}"] = value
        return params

    def set_params(self, **params: Any) -> Suite:
        """Set the suite's parameters, a member (``gates__0=gate``) or a member's parameter
        (``gates__0__max_share=0.1``; nested suites ``gates__1__gates__0__...``).

        Own parameters are set first, then members, then members' parameters.
        """
        nested: dict[int, dict[str, Any]] = {}
        members: dict[int, Any] = {}
        own: dict[str, Any] = {}
        for key, value in params.items():
            head, sep, rest = key.partition("__")
            if head != "gates" or not sep:
                own[key] = value
                continue
            index, sep, sub = rest.partition("__")
            position = self._member_index(key, index)
            if sep:
                nested.setdefault(position, {})[sub] = value
            else:
                members[position] = value
        super().set_params(**own)
        if members and not isinstance(self.gates, list):
            self.gates = list(self.gates)
        for position, gate in members.items():
            self.gates[position] = gate
        for position, sub_params in nested.items():
            member = self.gates[position]
            if not isinstance(member, Gate):
                raise ParameterError(
                    f"Suite.set_params: gates__{position} is {type(member).__name__}, not a gate, so it "
                    f"has no parameters {sorted(sub_params)}."
                )
            member.set_params(**sub_params)
        return self

    def _member_index(self, key: str, index: str) -> int:
        n = len(self.gates)
        if not index.isdigit() or int(index) >= n:
            valid = f"gates__0 .. gates__{n - 1}" if n else "none (the suite is empty)"
            raise ParameterError(
                f"Suite has no parameter {key!r}: members are addressed by position, "
                f"gates__<i>__<parameter> with i in {valid}."
            )
        return int(index)

    def clone(self) -> Suite:
        params = self.get_params()
        params["gates"] = [g.clone() for g in self.gates]
        return type(self)(**params)

    def validate(self) -> Suite:
        super().validate()
        seen: set[int] = set()
        for i, g in enumerate(self.gates):
            if not isinstance(g, Gate):
                raise ParameterError(
                    f"The 'gates' parameter of Suite must contain Gate instances. Item {i} is "
                    f"{type(g).__name__} ({g!r}). Fix: pass gate objects, e.g. Suite([RowCountGate()])."
                )
            if id(g) in seen:
                continue
            seen.add(id(g))
            g.validate()
        return self

    def accepted_inputs(self) -> tuple[str, ...]:
        names: list[str] = list(super().accepted_inputs())
        for g in self.gates:
            names.extend(n for n in g.accepted_inputs() if n not in names)
        return tuple(names)

    def missing_inputs(self, given: Iterable[str]) -> list[tuple[str, ...]]:
        """What the members still need (every member's needs for ``require="all"``; for
        ``"any"`` only what every member needs)."""
        given = list(given)
        per_member = [g.missing_inputs(given) for g in self.gates]
        if not per_member:
            return []
        if self.require == "any":
            common = [req for req in per_member[0] if all(req in other for other in per_member[1:])]
            return common
        out: list[tuple[str, ...]] = []
        for needs in per_member:
            out.extend(req for req in needs if req not in out)
        return out

    def check(self, *args: Any, progress: Progress | None = None, **inputs: Any) -> Verdict:
        """Check every member against one shared context and return the suite's verdict.

        ``progress(i, n, gate)``, when given, is called before each top-level member runs
        (``i`` counts from 0, ``n`` is the number of members); see :meth:`Gate.check`.

        Examples
        --------
        >>> import pandas as pd
        >>> from mlgates import MissingValuesGate, RowCountGate
        >>> suite = RowCountGate(min_rows=1) & MissingValuesGate(max_share=0.1)
        >>> shown = []
        >>> def progress(i, n, gate):
        ...     shown.append(f"[{i + 1}/{n}] {gate.display_name}")
        >>> _ = suite.check(current=pd.DataFrame({"a": [1.0]}), progress=progress)
        >>> shown
        ['[1/2] RowCountGate', '[2/2] MissingValuesGate']
        """
        positional_inputs_error(self, args)
        self.validate()
        check_input_names(inputs, self.accepted_inputs(), type(self).__name__)
        return _notify(self._run(CheckContext(inputs), progress=progress))

    def _run(self, ctx: CheckContext, *, progress: Progress | None = None) -> Verdict:
        """Run the members; ``progress(i, n, gate)`` is called before each."""
        start = time.perf_counter()
        children: list[Verdict] = []
        stopped = False
        if ctx.profiled:  # every member names its summaries first: one pass per table for all
            ctx.plan(self._leaves())
        for i, gate in enumerate(self.gates):
            if progress is not None:
                progress(i, len(self.gates), gate)
            if stopped:
                children.append(
                    gate._verdict(
                        Status.SKIP,
                        reason="fail_fast",
                        message="not run: an earlier gate failed and fail_fast=True",
                    )
                )
                continue
            child = _run_isolated(gate, ctx)
            children.append(child)
            if self.fail_fast and child.status in (Status.FAIL, Status.ERROR):
                stopped = True
        verdict = self._aggregate(children)
        missing = self.missing_inputs(ctx.names)
        if missing and not verdict.passed:  # one sentence naming every missing input
            verdict = verdict.replace(
                reason="missing_input" if verdict.status is Status.ERROR else verdict.reason,
                message=f"{missing_inputs_message(missing)}; {verdict.message}",
            )
        return self._finalize(verdict, ctx, time.perf_counter() - start)

    def _aggregate(self, children: list[Verdict]) -> Verdict:
        statuses = [c.status for c in children]
        combine = Status.worst if self.require == "all" else Status.best
        status = combine(statuses)
        counts = {s.value: sum(1 for c in statuses if c is s) for s in Status}
        reason = None
        if not children:
            reason = "empty_suite"
        elif status is Status.SKIP:
            reason = "nothing_to_check"
        elif status is not Status.PASS:
            culprits = [c for c in children if c.status is status]
            reason = culprits[0].reason if culprits else None
        not_passed = [c.name for c in children if not c.passed and c.status is not Status.SKIP]
        warned = [c.name for c in children if c.status is Status.WARN]
        skipped = [c.name for c in children if c.status is Status.SKIP]
        head = f"{counts['pass'] + counts['warn']} of {pluralize(len(children), 'gate')} passed"
        if warned:
            head += f", {len(warned)} with {'a warning' if len(warned) == 1 else 'warnings'}"
        if skipped:
            head += f", {len(skipped)} skipped"
        parts = [head]
        if not_passed:
            parts.append("not passed: " + ", ".join(not_passed))
        if warned:
            parts.append("warnings: " + ", ".join(warned))
        if skipped:
            parts.append("skipped: " + ", ".join(skipped))
        if self.require == "any":
            parts.append("any one passing gate suffices")
        metrics: dict[str, float] = {f"n_{k}": v for k, v in counts.items()}
        metrics["n_gates"] = len(children)
        params = {
            "require": self.require,
            "fail_fast": self.fail_fast,
            "blocking": self.blocking,
            "name": self.name,
            "gates": [c.name for c in children],
        }
        return Verdict(
            status=status,
            name=self.display_name,
            gate=type(self).__name__,
            reason=reason,
            message="; ".join(parts),
            metrics=metrics,
            children=tuple(children),
            params=params,
        )

    def _leaves(self) -> list[Gate]:
        """Every non-suite gate inside this suite, depth first."""
        out: list[Gate] = []
        for g in self.gates:
            out.extend(g._leaves() if isinstance(g, Suite) else [g])
        return out

    def __repr__(self) -> str:
        inner = ", ".join(repr(g) for g in self.gates)
        extra = [f"{k}={v!r}" for k, v in non_default_params(self, exclude=("gates",)).items()]
        return f"{type(self).__name__}([{inner}]{''.join(', ' + e for e in extra)})"

    def __len__(self) -> int:
        return len(self.gates)

    def __getitem__(self, key: int | str) -> Gate:
        """A member by position, or the first gate (at any depth) whose display name is ``key``.

        Examples
        --------
        >>> from mlgates import RowCountGate, MissingValuesGate
        >>> suite = RowCountGate(name="rows") & MissingValuesGate()
        >>> suite["rows"]
        RowCountGate(name='rows')
        >>> suite["MissingValuesGate"], suite[0].name
        (MissingValuesGate(), 'rows')
        """
        if isinstance(key, int) and not isinstance(key, bool):
            return self.gates[key]
        names: list[str] = []
        stack: list[Gate] = list(self.gates)
        while stack:
            gate = stack.pop(0)
            if gate.display_name == key:
                return gate
            names.append(gate.display_name)
            if isinstance(gate, Suite):
                stack[:0] = gate.gates
        raise KeyError(
            f"No gate named {key!r} in this suite.{did_you_mean(key, names)} Names: "
            f"{', '.join(map(repr, dict.fromkeys(names)))}."
        )

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.gates)


def _run_isolated(gate: Gate, ctx: CheckContext) -> Verdict:
    """Run one member; an unexpected exception becomes its ERROR verdict."""
    start = time.perf_counter()
    try:
        return gate._run(ctx)
    except Exception as exc:  # noqa: BLE001 - isolation is the point
        tb = traceback.extract_tb(exc.__traceback__)
        where = tb[-1] if tb else None
        location = f" at {where.filename.rsplit('/', 1)[-1]}:{where.lineno} in {where.name}" if where else ""
        summary = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        verdict = gate._verdict(
            Status.ERROR,
            reason="exception",
            message=f"{type(exc).__name__} raised{location}: {summary}",
        )
        verdict = verdict.replace(
            provenance={"traceback": traceback.format_exception(type(exc), exc, exc.__traceback__)[-6:]}
        )
        return gate._finalize(verdict, ctx, time.perf_counter() - start)

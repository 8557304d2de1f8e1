"""How the statuses of a sequence of windows become one status: ``worst``, ``last``,
``k_of_n(k, n)`` and ``share(max_fail=...)``.

Policies are small frozen value objects; each has a string form that config files hold and
:func:`parse_policy` reads back (``"k_of_n(2, 3)"``). A window is *judged* when its status is
PASS, WARN, FAIL or ERROR (SKIP, e.g. an empty window, is not); a judged window is *bad* when
it FAILed or could not be judged for a data problem (ERROR): nothing that could not be computed
counts as a pass.

Examples
--------
>>> from mlgates import Status
>>> P, F = Status.PASS, Status.FAIL
>>> k_of_n(2, 3).decide([P, P, F])[0], k_of_n(2, 3).decide([P, F, F])[0]
(<Status.WARN: 'warn'>, <Status.FAIL: 'fail'>)
>>> parse_policy("share(max_fail=0.25)").decide([P, P, P, F])[0]
<Status.WARN: 'warn'>
>>> parse_policy(" k_of_n( 2 ,3 ) ")
k_of_n(2, 3)
"""

from __future__ import annotations

import math
import re
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mlgates.core.status import Status

__all__ = ["POLICY_FORMS", "Policy", "k_of_n", "last", "parse_policy", "share", "worst"]

#: The accepted forms, for messages.
POLICY_FORMS = "'worst', 'last', 'k_of_n(k, n)' or 'share(max_fail=x)'"

_BAD = (Status.FAIL, Status.ERROR)


def _judged(statuses: Sequence[Status]) -> list[Status]:
    return [s for s in statuses if s is not Status.SKIP]


def _alarm_or_warn(window: Sequence[Status], alarm: bool) -> Status:
    """The status of a policy's scope: the worst bad status when the alarm is raised, WARN when
    anything in scope did not pass cleanly, else PASS."""
    worst_bad = Status.worst([s for s in window if s in _BAD])
    return _scope_status(alarm, worst_bad, any(s is not Status.PASS for s in window))


def _scope_status(alarm: bool, worst_bad: Status, unclean: bool) -> Status:
    """:func:`_alarm_or_warn` from a scope's tallies (its worst bad status, and whether anything
    in it did not pass cleanly), for policies that keep them as windows come."""
    if alarm:
        return worst_bad
    return Status.WARN if unclean else Status.PASS


@dataclass(frozen=True, slots=True)
class Policy:
    """Base of the window policies; :meth:`decide` maps window statuses (in time order) to
    ``(status, explanation)``."""

    def decide(self, statuses: Sequence[Status]) -> tuple[Status, str]:
        raise NotImplementedError

    def running(self, statuses: Sequence[Status]) -> list[Status]:
        """The policy's status after each window (what a monitor run daily would have said).

        The built-in policies compute it in one pass (a year of hourly windows is 8,760
        prefixes); this default decides every prefix anew."""
        return [self.decide(statuses[: i + 1])[0] for i in range(len(statuses))]

    def __str__(self) -> str:
        return repr(self)


@dataclass(frozen=True, slots=True, repr=False)
class _Worst(Policy):
    def decide(self, statuses: Sequence[Status]) -> tuple[Status, str]:
        judged = _judged(statuses)
        if not judged:
            return Status.SKIP, "no window was judged"
        bad = sum(s in _BAD for s in judged)
        return Status.worst(judged), f"worst of {len(judged)} judged windows ({bad} failed)"

    def running(self, statuses: Sequence[Status]) -> list[Status]:
        out, acc = [], Status.SKIP
        for s in statuses:
            acc = Status.worst((acc, s))
            out.append(acc)
        return out

    def __repr__(self) -> str:
        return "worst"


@dataclass(frozen=True, slots=True, repr=False)
class _Last(Policy):
    def decide(self, statuses: Sequence[Status]) -> tuple[Status, str]:
        if not statuses:
            return Status.SKIP, "no window"
        return statuses[-1], "the last window decides"

    def running(self, statuses: Sequence[Status]) -> list[Status]:
        return list(statuses)

    def __repr__(self) -> str:
        return "last"


@dataclass(frozen=True, slots=True, repr=False)
class KOfN(Policy):
    """FAIL when at least ``k`` of the last ``n`` judged windows are bad (hysteresis: one bad
    window in ``n`` only WARNs)."""

    k: int
    n: int

    def __post_init__(self) -> None:
        ok = all(isinstance(v, int) and not isinstance(v, bool) for v in (self.k, self.n))
        if not ok or not 1 <= self.k <= self.n:
            raise ValueError(f"k_of_n needs integers 1 <= k <= n, got k={self.k!r}, n={self.n!r}")

    def decide(self, statuses: Sequence[Status]) -> tuple[Status, str]:
        tail = _judged(statuses)[-self.n :]
        if not tail:
            return Status.SKIP, "no window was judged"
        bad = sum(s in _BAD for s in tail)
        alarm = bad >= self.k
        why = f"{bad} of the last {len(tail)} judged windows failed ({'>=' if alarm else '<'} {self.k})"
        return _alarm_or_warn(tail, alarm), why

    def running(self, statuses: Sequence[Status]) -> list[Status]:
        out: list[Status] = []
        tail: deque[Status] = deque(maxlen=self.n)
        for s in statuses:
            if s is not Status.SKIP:
                tail.append(s)
            if not tail:
                out.append(Status.SKIP)
            else:
                out.append(_alarm_or_warn(tail, sum(t in _BAD for t in tail) >= self.k))
        return out

    def __repr__(self) -> str:
        return f"k_of_n({self.k}, {self.n})"


@dataclass(frozen=True, slots=True, repr=False)
class Share(Policy):
    """FAIL when the share of bad windows among the judged ones exceeds ``max_fail``."""

    max_fail: float

    def __post_init__(self) -> None:
        v = self.max_fail
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v < 1 or math.isnan(v):
            raise ValueError(f"share needs 0 <= max_fail < 1, got max_fail={v!r}")

    def decide(self, statuses: Sequence[Status]) -> tuple[Status, str]:
        judged = _judged(statuses)
        if not judged:
            return Status.SKIP, "no window was judged"
        bad = sum(s in _BAD for s in judged)
        frac = bad / len(judged)
        alarm = frac > self.max_fail
        why = (
            f"{bad} of {len(judged)} judged windows failed ({100 * frac:.1f}% "
            f"{'>' if alarm else '<='} {100 * self.max_fail:g}% allowed)"
        )
        return _alarm_or_warn(judged, alarm), why

    def running(self, statuses: Sequence[Status]) -> list[Status]:
        # the judged prefix's tallies, kept as windows come (see _scope_status)
        out: list[Status] = []
        n_judged = n_bad = 0
        worst_bad, unclean = Status.SKIP, False
        for s in statuses:
            if s is not Status.SKIP:
                n_judged += 1
                unclean = unclean or s is not Status.PASS
                if s in _BAD:
                    n_bad += 1
                    worst_bad = Status.worst((worst_bad, s))
            alarm = n_judged > 0 and n_bad / n_judged > self.max_fail
            out.append(_scope_status(alarm, worst_bad, unclean) if n_judged else Status.SKIP)
        return out

    def __repr__(self) -> str:
        return f"share(max_fail={self.max_fail!r})"


#: The worst status of the judged windows.
worst: Policy = _Worst()
#: The status of the last window (an empty last window is SKIP).
last: Policy = _Last()


def k_of_n(k: int, n: int) -> KOfN:
    """FAIL when ``k`` of the last ``n`` judged windows failed (or could not be judged).

    Examples
    --------
    >>> k_of_n(2, 3)
    k_of_n(2, 3)
    """
    return KOfN(k, n)


def share(max_fail: float) -> Share:
    """FAIL when more than ``max_fail`` of the judged windows failed.

    Examples
    --------
    >>> share(max_fail=0.1)
    share(max_fail=0.1)
    """
    return Share(max_fail)


_CALL = re.compile(r"^\s*(\w+)\s*(?:\((.*)\))?\s*$", re.S)


def parse_policy(value: Any) -> Policy:
    """A policy from its string form (or a policy object, returned unchanged).

    Raises ValueError naming the accepted forms.

    Examples
    --------
    >>> parse_policy("worst"), parse_policy("share(0.2)"), parse_policy(k_of_n(3, 5))
    (worst, share(max_fail=0.2), k_of_n(3, 5))
    """
    if isinstance(value, Policy):
        return value
    if not isinstance(value, str):
        raise ValueError(f"a policy is one of {POLICY_FORMS}; got {type(value).__name__} {value!r}")
    match = _CALL.match(value)
    name = match.group(1) if match else ""
    args = match.group(2) if match else None
    if name in ("worst", "last") and not (args or "").strip():
        return worst if name == "worst" else last
    if name in ("k_of_n", "share") and args is not None:
        parts = [p.strip() for p in args.split(",") if p.strip()]
        values: list[Any] = []
        for part in parts:
            key, eq, raw = part.partition("=")
            text = raw if eq else key
            if eq and key.strip() not in (("k", "n") if name == "k_of_n" else ("max_fail",)):
                break
            try:
                values.append(int(text) if name == "k_of_n" else float(text))
            except ValueError:
                break
        else:
            try:
                if name == "k_of_n" and len(values) == 2:
                    return KOfN(int(values[0]), int(values[1]))
                if name == "share" and len(values) == 1:
                    return Share(float(values[0]))
            except ValueError as exc:
                raise ValueError(f"{value!r}: {exc}") from None
    raise ValueError(f"a policy is one of {POLICY_FORMS}; got {value!r}")

"""Share bounds that allow for sampling: the ``calibration`` and ``alpha`` parameters.

A gate whose share bound was learned from a reference (by
:func:`~mlgates.quality_suite_from_reference`) stores, per finding subject, the reference's
count ``{"n": values judged, "k": values breaking the rule}``. At check time, with ``m``
values in the batch, the number of rows allowed to break the rule is the larger of

- ``floor(max_share * m)``: the material bound the gate always had, and
- the sampling bound of :mod:`mlgates.stats.sampling` at false-alarm level ``alpha``: the
  count that a batch drawn like the reference exceeds with probability at most ``alpha``.

So a batch FAILs only when its share is both beyond what chance allows at its size and
beyond the material tolerance. The bound, how it was derived and its false-alarm level go
into ``details["bound"]``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mlgates.core.params import Interval, parameter_error
from mlgates.core.status import Status
from mlgates.gates._columns import share_text

__all__ = [
    "DEFAULT_ALPHA",
    "ChanceBound",
    "ShareDecision",
    "chance_bound",
    "check_calibration",
    "decide",
    "judge_share",
    "with_notes",
]

#: False-alarm level of a sampling bound when a gate is given ``calibration`` but no ``alpha``.
DEFAULT_ALPHA = 0.001

_FORMULAS = {
    "order_statistics": "K ~ BetaBinomial(m, k + ends, n - k - ends + 1)",
    "pair_collisions": "P(Binomial(k + K, w) >= K), w = C(m,2) / (C(n,2) + C(m,2))",
    "cross_collisions": "P(Binomial(k + K, w) >= K), w = n m / (C(n,2) + n m)",
}


def check_calibration(owner: str, calibration: Any, alpha: Any, *, counts: bool = False) -> None:
    """``calibration`` maps subjects (str) to ``{"n": int >= 1, "k": int in [0, n]}`` (with
    ``counts``: ``{"n": int >= 1, "counts": [int >= 0, ...] summing to n}``); ``alpha`` is a
    float in (0, 1)."""
    if not Interval("real", 0, 1, closed="neither").is_satisfied_by(alpha):
        raise parameter_error(owner, "alpha", "a float in (0, 1)", alpha)
    if calibration is None:
        return
    if not isinstance(calibration, Mapping):
        raise parameter_error(owner, "calibration", 'a mapping {subject: {"n": int, "k": int}}', calibration)
    for subject, spec in calibration.items():
        where = f"calibration[{subject!r}]"
        if not isinstance(subject, str):
            raise parameter_error(owner, where, "keyed by column names as str", subject)
        if counts:
            values = spec.get("counts") if isinstance(spec, Mapping) else None
            ok = (
                isinstance(spec, Mapping)
                and set(spec) == {"n", "counts"}
                and isinstance(spec["n"], int)
                and not isinstance(spec["n"], bool)
                and isinstance(values, (list, tuple))
                and all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in values)
                and spec["n"] >= 1
                and sum(values) == spec["n"]
            )
            if not ok:
                raise parameter_error(
                    owner,
                    where,
                    'a mapping {"n": reference values (>= 1), "counts": [their count per allowed '
                    "value, in the order of allowed]} with counts summing to n",
                    spec,
                )
            continue
        ok = isinstance(spec, Mapping) and set(spec) == {"n", "k"}
        ok = ok and all(isinstance(v, int) and not isinstance(v, bool) for v in spec.values())
        if not ok or not spec["n"] >= 1 or not 0 <= spec["k"] <= spec["n"]:
            raise parameter_error(
                owner,
                where,
                'a mapping {"n": reference values judged (>= 1), "k": of them breaking the rule (0..n)}',
                spec,
            )


@dataclass(frozen=True)
class ChanceBound:
    """The rows a batch of ``m`` may have beyond a rule, and why."""

    allowed: int
    sampling: int
    material: int
    m: int
    n: int
    k: int
    alpha: float
    method: str
    ends: int

    @property
    def share(self) -> float:
        """The allowed share, ``allowed / m``."""
        return self.allowed / self.m if self.m else 0.0

    def details(self) -> dict[str, Any]:
        """The record that goes into ``details["bound"]``."""
        out: dict[str, Any] = {
            "allowed_count": self.allowed,
            "sampling_count": self.sampling,
            "material_count": self.material,
            "m": self.m,
            "n_reference": self.n,
            "k_reference": self.k,
            "alpha": self.alpha,
            "method": self.method,
            "formula": _FORMULAS[self.method],
        }
        if self.method == "order_statistics":
            out["ends"] = self.ends
        return out

    def note(self) -> str:
        """A message tail, when the sampling bound is what allows the rows."""
        if self.sampling <= self.material:
            return ""
        return (
            f"sampling bound: {self.sampling:,} of {self.m:,} at false-alarm level {self.alpha:.2g}, "
            f"reference {self.k:,} of {self.n:,}"
        )


def chance_bound(
    calibration: Mapping[str, Mapping[str, int]] | None,
    subject: str,
    m: int,
    max_share: float,
    alpha: float,
    *,
    ends: int = 1,
    method: str = "order_statistics",
    at_least_one: bool = False,
) -> ChanceBound | None:
    """The bound for ``subject`` at batch size ``m``, or None without a calibration entry.

    ``at_least_one`` gives rules placed at reference extremes (ranges, fences, lengths) one
    row of slack whatever the sizes: one value just past a reference extreme is never a
    reason to fail.
    """
    if calibration is None or subject not in calibration:
        return None
    from mlgates.stats import sampling

    spec = calibration[subject]
    n, k = int(spec["n"]), int(spec["k"])
    if method == "order_statistics":
        q = sampling.exceedance_bound(n, k, m, alpha, ends=ends)
    else:
        q = sampling.collision_bound(n, k, m, alpha, cross=method == "cross_collisions")
    material = math.floor(round(max_share * m, 9))
    if at_least_one:
        q = max(q, min(1, m))
    return ChanceBound(max(q, material), q, material, m, n, k, float(alpha), method, ends)


def decide(
    count: int, m: int, limit: float, warn: float | None, bound: ChanceBound | None
) -> tuple[Status, bool, float]:
    """(status, exceeded, effective limit share). With a bound, FAIL when ``count`` exceeds
    its allowed rows; else the plain share rule (FAIL above ``limit``, WARN above ``warn``)."""
    share = count / m if m else float("nan")
    if bound is None:
        effective = limit
        fail = not share <= limit
    else:
        effective = bound.share
        fail = count > bound.allowed
    if fail:
        return Status.FAIL, True, effective
    if warn is not None and share > warn:
        return Status.WARN, True, effective
    return Status.PASS, False, effective


@dataclass(frozen=True)
class ShareDecision:
    """A gate's decision on ``count`` offending values of ``m`` (what :func:`judge_share`
    returns): the status, whether a bound was crossed, the effective allowed share, the
    warning level and the sampling bound (None without a calibration entry)."""

    status: Status
    exceeded: bool
    allowed: float
    warn: float | None
    bound: ChanceBound | None

    @property
    def threshold(self) -> float | None:
        """The level a finding records: the warning level on a WARN, else the allowed share."""
        return self.warn if self.status is Status.WARN else self.allowed

    def tail(self) -> str:
        """The message's comparison: ``> 5.0% allowed``, ``> 1.0% (warning level)`` or
        ``<= 5.0% allowed``."""
        if self.status is Status.FAIL:
            return f"> {share_text(self.allowed)} allowed"
        if self.status is Status.WARN:
            return f"> {share_text(self.warn or 0.0)} (warning level)"
        return f"<= {share_text(self.allowed)} allowed"

    def note(self) -> str:
        """The sampling bound's message note (empty when it is not what allows the rows)."""
        return self.bound.note() if self.bound is not None else ""

    def details(self) -> dict[str, Any]:
        """``{"bound": ...}`` for a finding's details, or ``{}`` without a bound."""
        return {"bound": self.bound.details()} if self.bound is not None else {}


def judge_share(
    count: int,
    m: int,
    limit: float,
    warn: float | None,
    *,
    calibration: Mapping[str, Mapping[str, int]] | None,
    subject: str,
    alpha: float,
    **bound_options: Any,
) -> ShareDecision:
    """The share decision of a gate with ``calibration``: the sampling bound of ``subject``
    at batch size ``m`` (:func:`chance_bound`, with ``bound_options``), then :func:`decide`.

    >>> d = judge_share(3, 100, 0.01, None, calibration=None, subject="rows", alpha=0.001)
    >>> d.status, d.tail(), d.threshold
    (<Status.FAIL: 'fail'>, '> 1.0% allowed', 0.01)
    """
    bound = chance_bound(calibration, subject, m, limit, alpha, **bound_options)
    status, exceeded, allowed = decide(count, m, limit, warn, bound)
    return ShareDecision(status, exceeded, allowed, warn, bound)


def with_notes(message: str, *notes: str) -> str:
    """``message (note; note)`` with the empty notes left out."""
    shown = [n for n in notes if n]
    return f"{message} ({'; '.join(shown)})" if shown else message

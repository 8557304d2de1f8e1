"""A Finding: one judged row of a verdict (a column, a group, or a metric)."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any

from mlgates.core._jsonable import freeze, thaw, to_plain
from mlgates.core.reasons import canonical
from mlgates.core.status import Status

__all__ = ["Finding"]

FINDING_COLUMNS = (
    "subject",
    "status",
    "statistic",
    "pvalue",
    "threshold",
    "method",
    "reason",
    "message",
)


def _as_float(name: str, value: Any) -> float | None:
    if value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise TypeError(f"Finding.{name} must be a number or None. Got {value!r} instead.") from None


@dataclasses.dataclass(frozen=True, slots=True)
class Finding:
    """One judged row of a verdict.

    Parameters
    ----------
    subject : str
        What was judged: a column name, ``"column=value"`` for a group (joined with ``", "``
        for intersections), or a metric name.
    status : Status
        The finding's own status.
    statistic : float or None
        The number the decision was made on.
    pvalue : float or None
        The p-value, where the method has one.
    threshold : float or None
        The bound the statistic was compared with.
    method : str or None
        Name of the statistic or test.
    reason : str or None
        Stable snake_case reason code (``"drift_detected"``, ``"insufficient_samples"``, ...).
    message : str
        Human-readable sentence naming the subject and the numbers.
    details : Mapping
        Everything else (sample sizes, bins, confidence intervals, examples). Read-only.

    Examples
    --------
    >>> f = Finding("age", Status.FAIL, statistic=0.2, threshold=0.05,
    ...             method="missing_share", reason="missing_share_exceeded",
    ...             message="age: 20.0% missing > 5.0% allowed")
    >>> f.status
    <Status.FAIL: 'fail'>
    >>> Finding.from_dict(f.to_dict()) == f
    True
    """

    subject: str
    status: Status
    statistic: float | None = None
    pvalue: float | None = None
    threshold: float | None = None
    method: str | None = None
    reason: str | None = None
    message: str = ""
    details: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "subject", str(self.subject))
        object.__setattr__(self, "status", Status.coerce(self.status))
        for name in ("statistic", "pvalue", "threshold"):
            object.__setattr__(self, name, _as_float(name, getattr(self, name)))
        object.__setattr__(self, "details", freeze(to_plain(dict(self.details))))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Finding):
            return NotImplemented
        return _plain_equal(self.to_dict(), other.to_dict())

    def __hash__(self) -> int:
        return hash((self.subject, self.status, self.method, self.reason, self.message))

    def __repr__(self) -> str:
        parts = [repr(self.subject), f"Status.{self.status.name}"]
        for f in dataclasses.fields(self)[2:]:
            value = getattr(self, f.name)
            default = f.default if f.default is not dataclasses.MISSING else {}
            if value != default and not (f.name == "details" and not value):
                parts.append(f"{f.name}={value!r}")
        return f"Finding({', '.join(parts)})"

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form (floats may be NaN/inf; use Verdict.to_json for strict JSON)."""
        return {
            "subject": self.subject,
            "status": self.status.value,
            "statistic": self.statistic,
            "pvalue": self.pvalue,
            "threshold": self.threshold,
            "method": self.method,
            "reason": self.reason,
            "message": self.message,
            "details": thaw(self.details),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Finding:
        """Inverse of :meth:`to_dict`; a renamed reason code is read as its new code."""
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"Unknown Finding keys {sorted(unknown)}; expected {sorted(known)}.")
        data = dict(data)
        if "reason" in data:
            data["reason"] = canonical(data["reason"])
        return cls(**data)

    def replace(self, **changes: Any) -> Finding:
        """A copy with ``changes`` applied."""
        return dataclasses.replace(self, **changes)


def _plain_equal(a: Any, b: Any) -> bool:
    """Equality that treats NaN as equal to NaN (so values survive round trips)."""
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(_plain_equal(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_plain_equal(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)

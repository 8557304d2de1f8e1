"""A Finding: one judged row of a verdict (a column, a group, or a metric), and the shape of
the distribution sketch a finding may carry (:func:`histogram_details`)."""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Mapping, Sequence
from typing import Any

from mlgates.core._jsonable import frozen_plain, thaw
from mlgates.core.reasons import canonical
from mlgates.core.status import Status

__all__ = ["HISTOGRAM_KEY", "Finding", "histogram_details"]

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
        object.__setattr__(self, "details", frozen_plain(dict(self.details)))

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


# -- the distribution sketch a finding may carry ------------------------------------------------
#: The key of ``Finding.details`` that holds a reference-vs-current histogram (drift findings);
#: the renderers draw every finding that carries one.
HISTOGRAM_KEY = "histogram"


def _floats(values: Any, what: str) -> list[float]:
    try:
        out = [float(v) for v in values]
    except (TypeError, ValueError):
        raise ValueError(f"histogram {what} must be a sequence of numbers") from None
    return out


def histogram_details(
    reference: Sequence[float],
    current: Sequence[float],
    *,
    edges: Sequence[float] | None = None,
    categories: Sequence[Any] | None = None,
) -> dict[str, list[Any]]:
    """The ``details["histogram"]`` mapping of a finding that compares two distributions, validated.

    A plain mapping in one of two shapes (plain data, so it survives ``to_json``):

    - numeric: ``{"edges": [e0, ..., ek], "reference": [r1, ..., rk], "current": [c1, ..., ck]}``
      with ``k + 1`` increasing bin edges and ``k`` counts (or shares) per side;
    - categorical: ``{"categories": [name1, ..., namek], "reference": [...], "current": [...]}``.

    Gates build it here; the HTML report and ``verdict.plot()`` draw it (counts are normalized
    per side when drawn, so either counts or shares work). Nothing here needs numpy.

    Parameters
    ----------
    reference, current : sequence of float
        Counts (or shares) per bin or category, one sequence per side, of equal length.
    edges : sequence of float, optional
        Bin edges for numeric data: one more than the number of bins, increasing.
    categories : sequence, optional
        Category labels for categorical data (converted to str). Give exactly one of
        ``edges`` and ``categories``.

    Returns
    -------
    dict
        Plain data for ``Finding(..., details={"histogram": ...})``.

    Raises
    ------
    ValueError
        Sides of different lengths, no bins, negative or NaN counts, edges that are not one
        more than the bins or not increasing, or not exactly one of ``edges``/``categories``.

    Examples
    --------
    >>> histogram_details([5, 3], [2, 6], edges=[0, 1, 2])
    {'edges': [0.0, 1.0, 2.0], 'reference': [5.0, 3.0], 'current': [2.0, 6.0]}
    >>> histogram_details([1, 1], [0, 2], categories=["a", "b"])["categories"]
    ['a', 'b']
    """
    ref = _floats(reference, "reference")
    cur = _floats(current, "current")
    if len(ref) != len(cur) or not ref:
        raise ValueError(
            f"histogram reference and current need the same, non-zero number of bins; got {len(ref)} "
            f"and {len(cur)}"
        )
    if any(v < 0 or math.isnan(v) for v in ref + cur):
        raise ValueError("histogram counts must be non-negative numbers")
    if (edges is None) == (categories is None):
        raise ValueError("give exactly one of edges= (numeric bins) and categories= (labels)")
    if edges is not None:
        e = _floats(edges, "edges")
        if len(e) != len(ref) + 1:
            raise ValueError(f"histogram edges need {len(ref) + 1} values for {len(ref)} bins; got {len(e)}")
        if any(b < a for a, b in itertools.pairwise(e)):
            raise ValueError("histogram edges must be increasing")
        return {"edges": e, "reference": ref, "current": cur}
    cats = [str(c) for c in categories or ()]
    if len(cats) != len(ref):
        raise ValueError(f"histogram needs {len(ref)} categories; got {len(cats)}")
    return {"categories": cats, "reference": ref, "current": cur}

"""The result type shared by the drift kernels."""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["DriftResult"]


class DriftResult(NamedTuple):
    """A kernel's result: the statistic and the p-value (None for distances)."""

    statistic: float
    pvalue: float | None

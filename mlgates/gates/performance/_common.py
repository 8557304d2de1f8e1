"""Small helpers shared by the performance gates."""

from __future__ import annotations

import math
from collections.abc import Sequence

from mlgates.core.finding import Finding
from mlgates.core.status import Status

__all__ = ["INSUFFICIENT", "WEIGHTS_IGNORED", "fmt", "headline"]

#: ``on_insufficient`` option -> status.
INSUFFICIENT = {"warn": Status.WARN, "fail": Status.FAIL, "error": Status.ERROR, "skip": Status.SKIP}


#: Recorded in ``params["sample_weight"]`` when a suite passes weights: these gates are unweighted.
WEIGHTS_IGNORED = "ignored: performance metrics here are unweighted"


def fmt(x: float | None) -> str:
    """4 decimals for metric-sized numbers, 4 significant digits otherwise."""
    if x is None or not math.isfinite(x):
        return str(x)
    return f"{x:.4f}" if abs(x) < 100 else f"{x:.4g}"


def headline(findings: Sequence[Finding]) -> str | None:
    """The verdict message when every finding passed: the main findings' own sentences (so a
    PASS still says what was compared); None otherwise (the base class summarises failures)."""
    if not findings or any(f.status is not Status.PASS for f in findings):
        return None
    shown = 2 if len(findings) == 2 else 1
    main = [f.message for f in findings[:shown] if f.message]
    more = f" (+{len(findings) - shown} more checks passed)" if len(findings) > shown else ""
    return "; ".join(main) + more if main else None

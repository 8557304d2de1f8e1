"""Shared shaping of verdicts into rows for every renderer."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from mlgates.core.finding import Finding
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict

#: Order in which findings are shown: the worst first.
_ORDER = {Status.ERROR: 0, Status.FAIL: 1, Status.WARN: 2, Status.PASS: 3, Status.SKIP: 4}


@dataclass(frozen=True)
class GateRow:
    """A leaf gate with its depth in the suite tree."""

    verdict: Verdict
    depth: int
    path: str


def leaf_gates(verdict: Verdict, depth: int = 0, prefix: str = "") -> Iterator[GateRow]:
    """Every verdict in the tree (suites included), depth first, with a dotted path."""
    path = f"{prefix}{verdict.name}"
    yield GateRow(verdict, depth, path)
    for child in verdict.children:
        yield from leaf_gates(child, depth + 1, f"{path} / ")


def sorted_findings(findings: tuple[Finding, ...]) -> list[Finding]:
    """Worst first, stable within a status."""
    return sorted(findings, key=lambda f: _ORDER[f.status])


def fmt_number(x: float | None) -> str:
    """Compact number for tables: 4 significant digits, '' for None."""
    if x is None:
        return ""
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x != 0 and (abs(x) < 1e-3 or abs(x) >= 1e6):
        return f"{x:.3e}"
    if float(x).is_integer():
        return f"{int(x)}"
    return f"{x:.4g}"


def count_statuses(verdict: Verdict) -> dict[Status, int]:
    """How many leaf gates ended in each status."""
    counts = dict.fromkeys(Status, 0)
    for v in verdict.walk():
        if not v.children:
            counts[v.status] += 1
    return counts

"""Plain-text rendering for terminals, logs and assertion messages.

Every name and message goes through :func:`mlgates.report._safe.safe_text`: a column or group
called ``"x\\nstatus: PASS"`` stays on its line, and no ESC sequence from the data reaches the
terminal (colors come only from ``color=True``).
"""

from __future__ import annotations

from mlgates.core._text import pluralize
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.report._rows import fmt_number, leaf_gates, sorted_findings
from mlgates.report._safe import safe_text, shorten

_COLORS = {
    Status.PASS: "\033[32m",
    Status.WARN: "\033[33m",
    Status.FAIL: "\033[31m",
    Status.ERROR: "\033[35m",
    Status.SKIP: "\033[90m",
}
_RESET = "\033[0m"
#: Widest subject or method cell in a findings table; longer names are cut in the middle.
_CELL_WIDTH = 80


def _badge(status: Status, color: bool) -> str:
    text = f"{status.value.upper():<5}"
    return f"{_COLORS[status]}{text}{_RESET}" if color else text


def _table(rows: list[list[str]], indent: str) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for r in rows:
        cells = [c.ljust(w) for c, w in zip(r, widths, strict=True)]
        out.append((indent + "  ".join(cells)).rstrip())
    return out


def render_text(verdict: Verdict, *, max_findings: int = 20, color: bool = False) -> str:
    """A readable table: one line per gate, then its findings that did not pass.

    Passing findings are shown only for a gate with no other findings to show, capped at
    ``max_findings`` rows per gate with a count of the rest.
    """
    lines: list[str] = []
    for row in leaf_gates(verdict):
        v = row.verdict
        indent = "  " * row.depth
        timing = f" ({v.duration_s * 1000:.0f} ms)" if v.duration_s else ""
        name, message = safe_text(v.name), safe_text(v.message)
        lines.append(f"{indent}{_badge(v.status, color)} {name}{timing}: {message}")
        if v.children or not v.findings or v.status is Status.PASS:
            continue
        shown = sorted_findings(v.findings)
        not_passed = [f for f in shown if f.status is not Status.PASS]
        if not_passed:
            shown = not_passed
        rest = len(shown) - max_findings
        table = [["status", "subject", "statistic", "threshold", "p-value", "method"]]
        for f in shown[:max_findings]:
            table.append(
                [
                    f.status.value,
                    shorten(safe_text(f.subject), _CELL_WIDTH),
                    fmt_number(f.statistic),
                    fmt_number(f.threshold),
                    fmt_number(f.pvalue),
                    shorten(safe_text(f.method or ""), _CELL_WIDTH),
                ]
            )
        lines.extend(_table(table, indent + "      "))
        if rest > 0:
            lines.append(f"{indent}      ... {pluralize(rest, 'more finding')} (verdict.to_frame() has all)")
    return "\n".join(lines)

"""Markdown rendering for pull-request comments and CI step summaries."""

from __future__ import annotations

from mlgates.core._text import pluralize
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.report._rows import count_statuses, fmt_number, leaf_gates, sorted_findings

_ICON = {Status.PASS: "✅", Status.WARN: "⚠️", Status.FAIL: "❌", Status.ERROR: "🛑", Status.SKIP: "⏭️"}


def _cell(text: object) -> str:
    """Escape what breaks a Markdown table cell or injects markup."""
    s = str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
    return s.replace("<", "&lt;").replace(">", "&gt;")


def render_markdown(verdict: Verdict, *, max_findings: int = 50) -> str:
    """Summary line, one table of gates, then the findings of gates that did not pass."""
    counts = count_statuses(verdict)
    summary = ", ".join(f"{n} {s.value}" for s, n in counts.items() if n)
    lines = [
        f"## {_ICON[verdict.status]} {_cell(verdict.name)}: {verdict.status.value.upper()}",
        "",
        f"{_cell(verdict.message)}" + (f" ({summary})" if verdict.children else ""),
        "",
        "| status | gate | type | message |",
        "|---|---|---|---|",
    ]
    leaves = [r for r in leaf_gates(verdict) if not r.verdict.children]
    for row in leaves:
        v = row.verdict
        lines.append(
            f"| {_ICON[v.status]} {v.status.value} | {_cell(row.path)} | {_cell(v.gate)} "
            f"| {_cell(v.message)} |"
        )
    for row in leaves:
        v = row.verdict
        bad = [f for f in sorted_findings(v.findings) if f.status is not Status.PASS]
        if not bad:
            continue
        lines += [
            "",
            f"<details><summary>{_cell(row.path)}: {pluralize(len(bad), 'finding')}</summary>",
            "",
            "| status | subject | statistic | threshold | p-value | method | message |",
            "|---|---|---|---|---|---|---|",
        ]
        for f in bad[:max_findings]:
            lines.append(
                f"| {f.status.value} | {_cell(f.subject)} | {fmt_number(f.statistic)} | "
                f"{fmt_number(f.threshold)} | {fmt_number(f.pvalue)} | {_cell(f.method or '')} "
                f"| {_cell(f.message)} |"
            )
        if len(bad) > max_findings:
            lines.append(f"\n… {len(bad) - max_findings} more")
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"

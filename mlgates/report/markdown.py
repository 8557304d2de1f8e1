"""Markdown rendering for pull-request comments and CI step summaries.

Names and messages are first made one-line and control-free by
:func:`mlgates.report._safe.safe_text`, then escaped for GitHub-flavoured Markdown: a name
cannot end a table row, add a cell, open a code span, a link or emphasis, or start a heading.
"""

from __future__ import annotations

import html
import re

from mlgates.core._text import pluralize
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.report._rows import count_statuses, fmt_number, leaf_gates, sorted_findings
from mlgates.report._safe import safe_text

_ICON = {Status.PASS: "✅", Status.WARN: "⚠️", Status.FAIL: "❌", Status.ERROR: "🛑", Status.SKIP: "⏭️"}


#: Markdown punctuation escaped with a backslash: table cells, code spans, emphasis, links,
#: strikethrough and GitHub's ``$`` math. The backslash itself comes first.
_MD_PUNCT = "\\`|*_~$[]"
#: A line that starts like a heading, list item or setext underline.
_BLOCK_START = re.compile(r"[#+\-=]|\d+(?=[.)])")


def _cell(text: object) -> str:
    """Escape what breaks a Markdown table cell or injects markup (inline text)."""
    s = safe_text(text)
    for char in _MD_PUNCT:  # str.replace per character: several times faster than a regex here
        if char in s:
            s = s.replace(char, "\\" + char)
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _paragraph(text: object) -> str:
    """:func:`_cell` for text at the start of a line: it cannot start a block either (heading,
    list, setext underline or indented code; ``>`` is already an entity, so no quote)."""
    s = _cell(text)
    body = s.lstrip(" ")
    lead = "&#32;" * (len(s) - len(body))
    match = _BLOCK_START.match(body)
    if match is None:
        return lead + body
    if match.group().isdigit():  # "1." or "1)" would start an ordered list
        return lead + body[: match.end()] + "\\" + body[match.end() :]
    return lead + "\\" + body


def _html(text: object) -> str:
    """Text inside the raw HTML of ``<summary>`` (Markdown is not parsed there)."""
    return html.escape(safe_text(text), quote=False)


def render_markdown(verdict: Verdict, *, max_findings: int = 50) -> str:
    """Summary line, one table of gates, then the findings of gates that did not pass."""
    counts = count_statuses(verdict)
    summary = ", ".join(f"{n} {s.value}" for s, n in counts.items() if n)
    lines = [
        f"## {_ICON[verdict.status]} {_cell(verdict.name)}: {verdict.status.value.upper()}",
        "",
        _paragraph(verdict.message) + (f" ({summary})" if verdict.children else ""),
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
            f"<details><summary>{_html(row.path)}: {pluralize(len(bad), 'finding')}</summary>",
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

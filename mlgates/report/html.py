"""HTML rendering: a fragment for notebooks and a standalone page. No JavaScript; every user
string is escaped; CSS ships as package data."""

from __future__ import annotations

import html
from importlib import resources

from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.report._rows import count_statuses, fmt_number, leaf_gates, sorted_findings

_CSS_CACHE: list[str] = []


def _css() -> str:
    if not _CSS_CACHE:
        _CSS_CACHE.append(resources.files("mlgates.report").joinpath("style.css").read_text("utf-8"))
    return _CSS_CACHE[0]


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _badge(status: Status) -> str:
    return f'<span class="mlg-badge mlg-{status.value}">{status.value.upper()}</span>'


def _findings_table(verdict: Verdict, max_findings: int) -> str:
    findings = sorted_findings(verdict.findings)
    if not findings:
        return ""
    rows = []
    for f in findings[:max_findings]:
        rows.append(
            "<tr>"
            f"<td>{_badge(f.status)}</td><td>{_e(f.subject)}</td>"
            f"<td class='mlg-num'>{_e(fmt_number(f.statistic))}</td>"
            f"<td class='mlg-num'>{_e(fmt_number(f.threshold))}</td>"
            f"<td class='mlg-num'>{_e(fmt_number(f.pvalue))}</td>"
            f"<td>{_e(f.method or '')}</td><td>{_e(f.message)}</td>"
            "</tr>"
        )
    more = len(findings) - max_findings
    tail = (
        f"<tr><td colspan='7' class='mlg-more'>… {more} more findings (verdict.to_frame() has all)</td></tr>"
        if more > 0
        else ""
    )
    return (
        "<table class='mlg-findings'><thead><tr><th>status</th><th>subject</th><th>statistic</th>"
        "<th>threshold</th><th>p-value</th><th>method</th><th>message</th></tr></thead>"
        f"<tbody>{''.join(rows)}{tail}</tbody></table>"
    )


def render_fragment(verdict: Verdict, *, max_findings: int = 50) -> str:
    """An HTML fragment (with its own scoped style) for notebooks."""
    counts = count_statuses(verdict)
    summary = ", ".join(f"{n} {s.value}" for s, n in counts.items() if n)
    parts = [f"<style>{_css()}</style><div class='mlg'>"]
    parts.append(
        f"<div class='mlg-head'>{_badge(verdict.status)} <strong>{_e(verdict.name)}</strong> "
        f"<span class='mlg-msg'>{_e(verdict.message)}</span></div>"
    )
    if verdict.children:
        parts.append(f"<div class='mlg-summary'>gates: {_e(summary)}</div>")
    for row in leaf_gates(verdict):
        v = row.verdict
        if row.depth == 0 and v.children:
            continue
        if v.children:
            parts.append(
                f"<div class='mlg-suite' style='margin-left:{row.depth - 1}em'>{_badge(v.status)} "
                f"<strong>{_e(v.name)}</strong> <span class='mlg-msg'>{_e(v.message)}</span></div>"
            )
            continue
        if row.depth == 0:
            parts.append(_findings_table(v, max_findings))
            continue
        open_attr = " open" if v.status in (Status.FAIL, Status.ERROR, Status.WARN) else ""
        parts.append(
            f"<details class='mlg-gate' style='margin-left:{row.depth - 1}em'{open_attr}><summary>"
            f"{_badge(v.status)} <strong>{_e(v.name)}</strong> "
            f"<span class='mlg-type'>{_e(v.gate)}</span> <span class='mlg-msg'>{_e(v.message)}</span>"
            f"</summary>{_findings_table(v, max_findings)}</details>"
        )
    parts.append("</div>")
    return "".join(parts)


def render_page(verdict: Verdict, *, max_findings: int = 200) -> str:
    """A standalone page: summary first, then each gate with its findings."""
    prov = verdict.provenance
    meta = (
        f"mlgates {_e(prov.get('mlgates_version', ''))} · {_e(prov.get('timestamp', ''))} · "
        f"{verdict.duration_s:.2f} s"
    )
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>mlgates: {_e(verdict.name)} {verdict.status.value.upper()}</title>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'></head><body>"
        f"<h1>{_e(verdict.name)}</h1><p class='mlg-meta'>{meta}</p>"
        f"{render_fragment(verdict, max_findings=max_findings)}</body></html>"
    )

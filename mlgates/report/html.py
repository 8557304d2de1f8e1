"""HTML rendering: a fragment for notebooks (``_repr_html_``) and a standalone page
(``verdict.to_html()``, the CLI's and the pytest plugin's HTML reports).

Summary first (status badge, counts per status, the gates that did not pass), then each gate
with its findings table, worst first, truncated at ``max_findings`` rows with a count of the
rest. A finding that carries ``details["histogram"]`` (see
:func:`mlgates.core.finding.histogram_details`) gets a small inline SVG of reference vs current.
No JavaScript, no external resources; every user string is escaped (control, bidi and separator
characters shown as visible escapes by :func:`mlgates.report.safe_text`, then HTML-escaped); CSS
ships as package data.
"""

from __future__ import annotations

import html
from importlib import resources

from mlgates.core._text import pluralize
from mlgates.core.finding import HISTOGRAM_KEY, Finding
from mlgates.core.gate import Gate
from mlgates.core.params import non_default_params
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.report._rows import count_statuses, fmt_number, leaf_gates, sorted_findings
from mlgates.report._safe import safe_text
from mlgates.report.svg import histogram_svg
from mlgates.report.timeline import timeline_svg

__all__ = ["render_fragment", "render_gate", "render_page"]

_CSS_CACHE: list[str] = []
_NOT_PASSED = (Status.ERROR, Status.FAIL, Status.WARN)


def _css() -> str:
    if not _CSS_CACHE:
        _CSS_CACHE.append(resources.files("mlgates.report").joinpath("style.css").read_text("utf-8"))
    return _CSS_CACHE[0]


def _e(value: object) -> str:
    return html.escape(safe_text(value), quote=True)


def _badge(status: Status, big: bool = False) -> str:
    size = " mlg-big" if big else ""
    return f'<span class="mlg-badge mlg-{status.value}{size}">{status.value.upper()}</span>'


def _chart(finding: Finding) -> str:
    hist = finding.details.get(HISTOGRAM_KEY) if finding.details else None
    if not hist:
        return ""
    return histogram_svg(hist, label=finding.subject)


def _timeline(verdict: Verdict, indent: int) -> str:
    """The windows of a windowed verdict (:class:`mlgates.Windowed`) as a timeline, if any."""
    svg = timeline_svg(verdict)
    if not svg:
        return ""
    return (
        f"<div class='mlg-timeline-box' style='margin-left:{indent}em'>{svg}<div class='mlg-legend'>"
        "one point per window, coloured by status (green pass, amber warn, red fail, purple error, "
        "grey not judged); threshold dashed; faded points: reference windows</div></div>"
    )


def _findings_table(verdict: Verdict, max_findings: int) -> str:
    findings = sorted_findings(verdict.findings)
    if not findings:
        return ""
    shown = findings[:max_findings]
    charts = [_chart(f) for f in shown]
    with_chart = any(charts)
    rows = []
    for f, chart in zip(shown, charts):
        chart_cell = f"<td class='mlg-chart'>{chart}</td>" if with_chart else ""
        rows.append(
            "<tr>"
            f"<td>{_badge(f.status)}</td><td class='mlg-subject'>{_e(f.subject)}</td>"
            f"<td class='mlg-num'>{_e(fmt_number(f.statistic))}</td>"
            f"<td class='mlg-num'>{_e(fmt_number(f.threshold))}</td>"
            f"<td class='mlg-num'>{_e(fmt_number(f.pvalue))}</td>"
            f"<td>{_e(f.method or '')}</td><td>{_e(f.reason or '')}</td>{chart_cell}"
            f"<td>{_e(f.message)}</td>"
            "</tr>"
        )
    n_cols = 9 if with_chart else 8
    more = len(findings) - len(shown)
    tail = (
        f"<tr><td colspan='{n_cols}' class='mlg-more'>{pluralize(more, 'more finding')} not shown "
        f"({len(shown)} of {len(findings)}; verdict.to_frame() has all)</td></tr>"
        if more > 0
        else ""
    )
    chart_head = (
        "<th>distribution <span class='mlg-legend'><i class='mlg-key-ref'></i>reference "
        "<i class='mlg-key-cur'></i>current</span></th>"
        if with_chart
        else ""
    )
    return (
        "<table class='mlg-findings'><thead><tr><th>status</th><th>subject</th><th>statistic</th>"
        "<th>threshold</th><th>p-value</th><th>method</th><th>reason</th>"
        f"{chart_head}<th>message</th></tr></thead>"
        f"<tbody>{''.join(rows)}{tail}</tbody></table>"
    )


def _counts(verdict: Verdict) -> str:
    counts = count_statuses(verdict)
    pills = [f"<span class='mlg-count mlg-c-{s.value}'>{n} {s.value}</span>" for s, n in counts.items() if n]
    return f"<div class='mlg-summary'>gates: {' '.join(pills)}</div>"


def _attention(verdict: Verdict) -> str:
    """The leaf gates that did not pass cleanly, worst first, linking to their sections."""
    rows = []
    for i, row in enumerate(leaf_gates(verdict)):
        v = row.verdict
        if v.children or v.status not in _NOT_PASSED:
            continue
        path = row.path.split(" / ", 1)[1] if " / " in row.path else row.path  # drop the root's name
        rows.append((v.status, i, path, v))
    if not rows:
        return ""
    order = {Status.ERROR: 0, Status.FAIL: 1, Status.WARN: 2}
    rows.sort(key=lambda r: (order[r[0]], r[1]))
    items = "".join(
        f"<li>{_badge(v.status)} <a href='#mlg-g{i}'>{_e(path)}</a> "
        f"<span class='mlg-reason'>{_e(v.reason or '')}</span> "
        f"<span class='mlg-msg'>{_e(v.message)}</span></li>"
        for _, i, path, v in rows
    )
    return f"<div class='mlg-attention'><strong>Needs attention</strong><ul>{items}</ul></div>"


def _body(verdict: Verdict, max_findings: int) -> str:
    parts = []
    for i, row in enumerate(leaf_gates(verdict)):
        v = row.verdict
        if row.depth == 0 and v.children:
            continue
        indent = max(row.depth - 1, 0)
        if v.children:
            parts.append(
                f"<div class='mlg-suite' id='mlg-g{i}' style='margin-left:{indent}em'>{_badge(v.status)} "
                f"<strong>{_e(v.name)}</strong> <span class='mlg-msg'>{_e(v.message)}</span></div>"
                f"{_timeline(v, indent)}"
            )
            continue
        if row.depth == 0:
            parts.append(_findings_table(v, max_findings))
            continue
        open_attr = " open" if v.status in _NOT_PASSED else ""
        n = len(v.findings)
        count = f" <span class='mlg-type'>{pluralize(n, 'finding')}</span>" if n else ""
        parts.append(
            f"<details class='mlg-gate' id='mlg-g{i}' style='margin-left:{indent}em'{open_attr}><summary>"
            f"{_badge(v.status)} <strong>{_e(v.name)}</strong> "
            f"<span class='mlg-type'>{_e(v.gate)}</span>{count} <span class='mlg-msg'>{_e(v.message)}</span>"
            f"</summary>{_findings_table(v, max_findings)}</details>"
        )
    return "".join(parts)


def render_fragment(verdict: Verdict, *, max_findings: int = 50) -> str:
    """An HTML fragment (with its own scoped style) for notebooks.

    Examples
    --------
    >>> from mlgates import Verdict, Status
    >>> frag = render_fragment(Verdict(Status.FAIL, name="<b>x</b>", gate="G", reason="r"))
    >>> "&lt;b&gt;x&lt;/b&gt;" in frag and "<b>x</b>" not in frag
    True
    """
    parts = [f"<style>{_css()}</style><div class='mlg'>"]
    reason = f" <span class='mlg-reason'>{_e(verdict.reason)}</span>" if verdict.reason else ""
    parts.append(
        f"<div class='mlg-head'>{_badge(verdict.status, big=True)} <strong>{_e(verdict.name)}</strong>"
        f"{reason} <span class='mlg-msg'>{_e(verdict.message)}</span></div>"
    )
    if verdict.children:
        parts.append(_counts(verdict))
        parts.append(_timeline(verdict, 0))
        parts.append(_attention(verdict))
    parts.append(_body(verdict, max_findings))
    parts.append("</div>")
    return "".join(parts)


def render_page(verdict: Verdict, *, max_findings: int = 200) -> str:
    """A standalone page: summary first, then each gate with its findings.

    Examples
    --------
    >>> from mlgates import Verdict, Status
    >>> page = render_page(Verdict(Status.PASS, name="demo", gate="Suite"))
    >>> page.startswith("<!DOCTYPE html>") and "<script" not in page
    True
    """
    prov = verdict.provenance
    meta_parts = []
    if prov.get("mlgates_version"):
        meta_parts.append(f"mlgates {_e(prov['mlgates_version'])}")
    if prov.get("timestamp"):
        meta_parts.append(_e(prov["timestamp"]))
    meta_parts.append(f"{verdict.duration_s:.2f} s")
    meta = " · ".join(meta_parts)
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>mlgates: {_e(verdict.name)} {verdict.status.value.upper()}</title>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'; "
        "img-src data:\"></head><body class='mlg-page'>"
        f"<p class='mlg-meta'>mlgates report · {meta}</p>"
        f"{render_fragment(verdict, max_findings=max_findings)}</body></html>"
    )


def render_gate(gate: Gate) -> str:
    """HTML for an unchecked gate or suite (notebook display): each gate with its non-default
    parameters, suites as nested lists.

    Examples
    --------
    >>> from mlgates import MissingValuesGate, RowCountGate
    >>> html_ = render_gate(MissingValuesGate(max_share=0.1) & RowCountGate())
    >>> "max_share" in html_ and "RowCountGate" in html_
    True
    """
    from mlgates.core.suite import Suite

    def item(g: Gate) -> str:
        params = _params(g)
        shown = ", ".join(f"{_e(k)}={_e(repr(v))}" for k, v in params.items())
        label = f"<strong>{_e(g.display_name)}</strong>"
        if g.name:
            label += f" <span class='mlg-type'>{_e(type(g).__name__)}</span>"
        if not g.blocking:
            label += " <span class='mlg-reason'>non-blocking</span>"
        if isinstance(g, Suite):
            mode = "all must pass" if g.require == "all" else "any may pass"
            extra = "; fail_fast" if g.fail_fast else ""
            inner = "".join(item(m) for m in g.gates)
            summary = f"<span class='mlg-msg'>({len(g.gates)} gates, {mode}{extra})</span>"
            return f"<li>{label} {summary}<ul>{inner}</ul></li>"
        return f"<li>{label} <span class='mlg-msg'>{shown}</span></li>"

    return f"<style>{_css()}</style><div class='mlg'><ul class='mlg-tree'>{item(gate)}</ul></div>"


def _params(gate: Gate) -> dict[str, object]:
    return non_default_params(gate, exclude=("name", "blocking", "gates"))

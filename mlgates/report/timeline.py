"""A timeline of windowed verdicts (:class:`mlgates.Windowed`) as an inline SVG: per subject,
the statistic of each window (the p-value for tests), the threshold as a dashed line, points
coloured by status, empty and unjudged windows as grey ticks. No JavaScript; labels escaped.

The data come from the verdict alone: its children that carry ``provenance["window"]``
(:data:`mlgates.core.verdict.WINDOW_KEY`) and their findings.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from typing import Any

from mlgates.core.finding import Finding
from mlgates.core.status import Status
from mlgates.core.verdict import WINDOW_KEY, Verdict
from mlgates.report._safe import safe_text

__all__ = ["timeline_rows", "timeline_svg"]

_COLOURS = {
    Status.PASS: "#1a7f37",
    Status.WARN: "#9a6700",
    Status.FAIL: "#cf222e",
    Status.ERROR: "#8250df",
    Status.SKIP: "#8c959f",
}
#: Subjects drawn per windowed verdict (the rest are in the findings tables).
MAX_SUBJECTS = 6


def _windows(verdict: Verdict) -> list[tuple[Verdict, Mapping[str, Any]]]:
    out = []
    for child in verdict.children:
        info = child.provenance.get(WINDOW_KEY)
        if isinstance(info, Mapping) and info.get("label") is not None:
            out.append((child, info))
    return out


def timeline_rows(
    verdict: Verdict,
) -> dict[str, list[tuple[str, str, Status, float | None, float | None, bool]]]:
    """Per subject: ``(label, side, status, value, threshold, uses_pvalue)`` per window.

    The value is the finding's p-value when its threshold bounds a p-value (drift tests), else
    its statistic; a window without a finding for the subject gives ``value=None`` (drawn as a
    tick in the window's status colour).
    """
    windows = _windows(verdict)
    subjects: list[str] = []
    for child, _ in windows:
        for leaf in child.walk():
            for f in leaf.findings:
                if f.statistic is not None and f.subject not in subjects and f.subject != "dataset":
                    subjects.append(f.subject)
    rows: dict[str, list[tuple[str, str, Status, float | None, float | None, bool]]] = {
        s: [] for s in subjects[:MAX_SUBJECTS]
    }
    for child, info in windows:
        found: dict[str, Finding] = {}
        for leaf in child.walk():
            for finding in leaf.findings:
                found.setdefault(finding.subject, finding)
        for subject in rows:
            hit = found.get(subject)
            side = str(info.get("side", "current"))
            if hit is None:
                rows[subject].append((str(info["label"]), side, child.status, None, None, False))
                continue
            direction = str(hit.details.get("direction", "")) if hit.details else ""
            uses_p = direction.startswith("pvalue") and hit.pvalue is not None
            value = hit.pvalue if uses_p else hit.statistic
            rows[subject].append((str(info["label"]), side, hit.status, value, hit.threshold, uses_p))
    return rows


def _y_scale(values: list[float], log: bool) -> tuple[float, float]:
    if log:
        vals = [math.log10(max(v, 1e-12)) for v in values]
    else:
        vals = values
    lo, hi = min(vals), max(vals)
    if hi - lo < 1e-12:
        lo, hi = lo - 0.5, hi + 0.5
    pad = (hi - lo) * 0.08
    return lo - pad, hi + pad


def timeline_svg(verdict: Verdict, *, width: int = 560, height: int = 86) -> str:
    """Small multiples, one SVG per subject (at most :data:`MAX_SUBJECTS`); empty string when
    the verdict has no windows.

    Examples
    --------
    >>> from mlgates import Finding, Status, Verdict
    >>> def day(d, stat, status):
    ...     f = Finding("x", status, statistic=stat, threshold=0.1, method="psi")
    ...     return Verdict(status, name=d, findings=(f,), provenance={"window": {"label": d}})
    >>> v = Verdict(Status.FAIL, name="w", children=(day("d1", 0.02, "pass"), day("d2", 0.3, "fail")))
    >>> svg = timeline_svg(v)
    >>> svg.count("<circle"), "stroke-dasharray" in svg, "<script" in svg
    (2, True, False)
    """
    rows = timeline_rows(verdict)
    if not rows:
        return ""
    return "".join(_one(subject, points, width, height) for subject, points in rows.items())


def _one(
    subject: str,
    points: list[tuple[str, str, Status, float | None, float | None, bool]],
    width: int,
    height: int,
) -> str:
    log = any(p[5] for p in points)
    values = [p[3] for p in points if p[3] is not None]
    thresholds = [p[4] for p in points if p[4] is not None and p[3] is not None]
    finite = [v for v in values + thresholds if v is not None and math.isfinite(v)]
    left, right, top, bottom = 4, 4, 14, 14
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(points)
    step = plot_w / max(n, 1)
    lo, hi = _y_scale(finite, log) if finite else (0.0, 1.0)

    def y(v: float) -> float:
        t = math.log10(max(v, 1e-12)) if log else v
        return top + plot_h * (1 - (t - lo) / (hi - lo))

    parts = []
    prev: tuple[float, float] | None = None
    for i, (label, side, status, value, threshold, _) in enumerate(points):
        x = left + step * (i + 0.5)
        colour = _COLOURS.get(status, "#8c959f")
        shown = "n/a" if value is None else f"{value:.4g}"
        where = f"{label} (reference)" if side == "reference" else label
        tip = f"{where}: {status.value}, {'p' if log else 'statistic'} {shown}"
        if threshold is not None:
            tip += f", threshold {threshold:.4g}"
        tip_html = html.escape(safe_text(tip))
        if value is None or not math.isfinite(value):
            parts.append(
                f'<line x1="{x:.1f}" y1="{top + plot_h - 6:.1f}" x2="{x:.1f}" y2="{top + plot_h:.1f}" '
                f'stroke="{colour}" stroke-width="2"><title>{tip_html}</title></line>'
            )
            prev = None
            continue
        cy = y(value)
        if prev is not None:
            parts.append(
                f'<line x1="{prev[0]:.1f}" y1="{prev[1]:.1f}" x2="{x:.1f}" y2="{cy:.1f}" stroke="#6e7781" '
                'stroke-width="1"/>'
            )
        opacity = "0.45" if side == "reference" else "1"
        parts.append(
            f'<circle cx="{x:.1f}" cy="{cy:.1f}" r="3" fill="{colour}" fill-opacity="{opacity}">'
            f"<title>{tip_html}</title></circle>"
        )
        prev = (x, cy)
    # the threshold: a dashed step line over the windows that have one
    for i, (_, _, _, value, threshold, _) in enumerate(points):
        if threshold is None or value is None or not math.isfinite(threshold) or (log and threshold <= 0):
            continue
        x0, x1 = left + step * i, left + step * (i + 1)
        ty = min(max(y(threshold), top), top + plot_h)
        parts.append(
            f'<line x1="{x0:.1f}" y1="{ty:.1f}" x2="{x1:.1f}" y2="{ty:.1f}" stroke="#cf222e" '
            'stroke-dasharray="3,2" stroke-width="1"/>'
        )
    first, last = html.escape(safe_text(points[0][0])), html.escape(safe_text(points[-1][0]))
    what = "p-value (log scale)" if log else "statistic"
    title = html.escape(safe_text(f"{subject}: {what} per window, threshold dashed"))
    head = html.escape(safe_text(f"{subject} · {what}"))
    parts.append(f'<text x="{left}" y="10" font-size="10" fill="#24292f">{head}</text>')
    parts.append(f'<text x="{left}" y="{height - 2}" font-size="9" fill="#6e7781">{first}</text>')
    parts.append(
        f'<text x="{width - right}" y="{height - 2}" font-size="9" fill="#6e7781" '
        f'text-anchor="end">{last}</text>'
    )
    return (
        f'<svg class="mlg-timeline" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img"><title>{title}</title>' + "".join(parts) + "</svg>"
    )

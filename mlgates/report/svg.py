"""Small inline SVG charts of reference vs current distributions, for HTML reports.

A finding that compares two distributions (drift, typically) may carry them in
``finding.details["histogram"]``: the mapping that
:func:`mlgates.core.finding.histogram_details` builds and validates (its shapes are described
there; it is re-exported here under its old name). :func:`histogram_svg` draws it; the HTML
report and ``verdict.plot()`` draw every finding that carries one. Nothing here needs numpy.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

from mlgates.core.finding import HISTOGRAM_KEY, histogram_details
from mlgates.report._safe import safe_text

__all__ = ["HISTOGRAM_KEY", "histogram_details", "histogram_svg"]

_REF_FILL = "#8c959f"
_CUR_STROKE = "#0969da"


def _shares(values: Sequence[float]) -> list[float]:
    total = sum(values)
    return [v / total if total > 0 else 0.0 for v in values]


def _fmt(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _edge_label(x: float) -> str:
    if x != 0 and (abs(x) >= 1e5 or abs(x) < 1e-2):
        return f"{x:.2g}"
    return f"{x:.4g}"


def histogram_svg(
    histogram: Mapping[str, Any], *, width: int = 180, height: int = 48, label: str = ""
) -> str:
    """An inline SVG: reference as grey bars, current as a blue outline, shares per bin.

    Invalid or empty input gives an empty string (the report then shows no chart). Labels are
    escaped; the SVG has no scripts, links or external references.

    Parameters
    ----------
    histogram : mapping
        ``details["histogram"]`` as described in this module.
    width, height : int
        Size in CSS pixels.
    label : str
        Accessible name (e.g. the column), shown as the chart's title.

    Examples
    --------
    >>> svg = histogram_svg({"edges": [0, 1, 2], "reference": [5, 3], "current": [2, 6]}, label="age")
    >>> svg.startswith("<svg") and "<title>age" in svg
    True
    >>> histogram_svg({"edges": [0, 1], "reference": [1, 2], "current": [1]})
    ''
    """
    try:
        kind = "edges" if "edges" in histogram else "categories"
        detail = histogram_details(
            histogram["reference"],
            histogram["current"],
            **{kind: histogram[kind]},  # type: ignore[arg-type]
        )
    except (KeyError, TypeError, ValueError):
        return ""
    ref = _shares(detail["reference"])
    cur = _shares(detail["current"])
    k = len(ref)
    top = max([*ref, *cur, 1e-12])
    pad_bottom = 12 if kind == "edges" else 2
    plot_h = height - pad_bottom - 2
    if kind == "edges":
        e = detail["edges"]
        span = (e[-1] - e[0]) or 1.0
        xs = [(v - e[0]) / span * width for v in e]
    else:
        xs = [i * width / k for i in range(k + 1)]

    def y(share: float) -> float:
        return 2 + plot_h * (1 - share / top)

    names = detail.get("categories")
    parts = []
    for i in range(k):
        x0, x1 = xs[i], xs[i + 1]
        bar_w = max(x1 - x0 - (1 if kind == "categories" else 0), 0.5)
        if names:
            where = names[i]
        else:
            edges = detail["edges"]
            where = f"[{_edge_label(edges[i])}, {_edge_label(edges[i + 1])})"
        tip = f"{where}: reference {_fmt(ref[i] * 100)}%, current {_fmt(cur[i] * 100)}%"
        parts.append(
            f'<rect x="{x0:.1f}" y="{y(ref[i]):.1f}" width="{bar_w:.1f}" '
            f'height="{2 + plot_h - y(ref[i]):.1f}" '
            f'fill="{_REF_FILL}" fill-opacity="0.55"><title>{html.escape(safe_text(tip))}</title></rect>'
        )
    # current: a step outline over the same bins
    points = [f"{xs[0]:.1f},{2 + plot_h:.1f}"]
    for i in range(k):
        points.append(f"{xs[i]:.1f},{y(cur[i]):.1f}")
        points.append(f"{xs[i + 1]:.1f},{y(cur[i]):.1f}")
    points.append(f"{xs[-1]:.1f},{2 + plot_h:.1f}")
    parts.append(
        f'<polyline points="{" ".join(points)}" fill="none" stroke="{_CUR_STROKE}" stroke-width="1.5"/>'
    )
    parts.append(f'<line x1="0" y1="{2 + plot_h:.1f}" x2="{width}" y2="{2 + plot_h:.1f}" stroke="#d0d7de"/>')
    if kind == "edges":
        lo, hi = _edge_label(detail["edges"][0]), _edge_label(detail["edges"][-1])
        parts.append(
            f'<text x="0" y="{height - 1}" font-size="9" fill="#6e7781">{html.escape(lo)}</text>'
            f'<text x="{width}" y="{height - 1}" font-size="9" fill="#6e7781" text-anchor="end">'
            f"{html.escape(hi)}</text>"
        )
    title = f"{label}: " if label else ""
    title += "reference (grey bars) vs current (blue line), share per bin"
    return (
        f'<svg class="mlg-hist" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img"><title>{html.escape(safe_text(title))}</title>'
        + "".join(parts)
        + "</svg>"
    )

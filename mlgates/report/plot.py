"""``verdict.plot()``: matplotlib charts of the numbers behind a verdict (extra ``plot``).

One panel per thing worth seeing, worst first:

- **distribution overlays** for every finding that carries ``details["histogram"]`` (the
  mapping of :func:`mlgates.core.finding.histogram_details`; drift findings): reference as grey
  bars, current as a blue step line, shares per bin or category;
- **per-group bars with confidence intervals** for a gate whose findings carry
  ``details["ci_low"]`` and ``details["ci_high"]`` (fairness, per-segment metrics): the
  statistic of each subject with its interval, the threshold as a dashed line;
  Performance findings that carry the interval of the difference land here too: their
  statistic is candidate minus baseline and their ``ci_low``/``ci_high`` its interval;
- **metric deltas with confidence intervals** for a gate whose ``metrics`` hold ``name`` and
  ``baseline_name`` pairs (performance vs a baseline): candidate minus baseline per metric, with
  the interval from ``details["delta_ci_low"]`` / ``details["delta_ci_high"]`` (or else
  ``ci_low`` / ``ci_high``) of the finding whose subject is the metric, when there is one;
- otherwise, each finding's statistic against its threshold.

Bars are colored by status. Names and labels are shown through
:func:`mlgates.report._safe.safe_text` with ``$`` escaped, so a column called ``"$x^$"`` is text,
not a (broken) mathtext formula. Needs matplotlib (``pip install mlgates[plot]``).
"""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING, Any

from mlgates.core.finding import HISTOGRAM_KEY, Finding, histogram_details
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.report._rows import sorted_findings
from mlgates.report._safe import safe_text, shorten

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["plot_verdict"]

_COLORS = {
    Status.PASS: "#1a7f37",
    Status.WARN: "#9a6700",
    Status.FAIL: "#cf222e",
    Status.ERROR: "#8250df",
    Status.SKIP: "#6e7781",
}
_ORDER = {Status.ERROR: 0, Status.FAIL: 1, Status.WARN: 2, Status.PASS: 3, Status.SKIP: 4}


_TICK_WIDTH = 40


def _label(text: object, width: int | None = None) -> str:
    """A name as matplotlib text: control characters escaped, ``$`` not starting mathtext,
    cut in the middle to ``width`` characters when given."""
    shown = safe_text(text)
    if width is not None:
        shown = shorten(shown, width)
    return shown.replace("$", r"\$")


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError("verdict.plot() needs matplotlib: pip install mlgates[plot]") from None
    return plt


def _finite(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def _histogram(f: Finding) -> dict[str, Any] | None:
    hist = f.details.get(HISTOGRAM_KEY) if f.details else None
    if not hist:
        return None
    kind = "edges" if "edges" in hist else "categories"
    try:
        return histogram_details(hist["reference"], hist["current"], **{kind: hist[kind]})
    except (KeyError, TypeError, ValueError):
        return None


def _has_ci(f: Finding) -> bool:
    d = f.details or {}
    return _finite(f.statistic) and _finite(d.get("ci_low")) and _finite(d.get("ci_high"))


# -- panel builders: each returns (sort key, title, draw function) -------------------------
def _panels(verdict: Verdict) -> list[tuple[tuple[int, int], str, Any]]:
    panels: list[tuple[tuple[int, int], str, Any]] = []
    seq = 0
    for v in verdict.walk():
        if v.children:
            continue
        findings = sorted_findings(v.findings)
        hist_findings = [(f, h) for f in findings if (h := _histogram(f)) is not None]
        for f, h in hist_findings:
            stat = f", {f.method or 'statistic'} {f.statistic:.3g}" if _finite(f.statistic) else ""
            title = f"{_label(v.name)}: {_label(f.subject)} ({f.status.value.upper()}{_label(stat)})"
            panels.append(((_ORDER[f.status], seq), title, _dist_drawer(f, h)))
            seq += 1
        rest = [f for f in findings if _histogram(f) is None]
        ci = [f for f in rest if _has_ci(f)]
        if ci:
            panels.append(((_ORDER[v.status], seq), _label(v.name), _ci_drawer(ci)))
            seq += 1
            continue
        pairs = [k for k in v.metrics if f"baseline_{k}" in v.metrics and not k.startswith("baseline_")]
        if pairs:
            panels.append(
                ((_ORDER[v.status], seq), f"{_label(v.name)}: candidate - baseline", _delta_drawer(v, pairs))
            )
            seq += 1
            continue
        scored = [f for f in rest if _finite(f.statistic)]
        if scored and not hist_findings:
            panels.append(((_ORDER[v.status], seq), _label(v.name), _stat_drawer(scored)))
            seq += 1
    panels.sort(key=lambda p: p[0])
    return panels


def _dist_drawer(f: Finding, h: dict[str, Any]) -> Any:
    def draw(ax: Axes) -> None:
        ref, cur = h["reference"], h["current"]
        rs, cs = sum(ref) or 1.0, sum(cur) or 1.0
        ref = [r / rs for r in ref]
        cur = [c / cs for c in cur]
        if "edges" in h:
            e = h["edges"]
            widths = [b - a for a, b in itertools.pairwise(e)]
            ax.bar(e[:-1], ref, width=widths, align="edge", color="#8c959f", alpha=0.55, label="reference")
            ax.stairs(cur, e, color="#0969da", linewidth=1.5, label="current")
        else:
            x = list(range(len(ref)))
            ax.bar(x, ref, width=1.0, color="#8c959f", alpha=0.55, edgecolor="white", label="reference")
            ax.stairs(
                cur, [i - 0.5 for i in range(len(cur) + 1)], color="#0969da", linewidth=1.5, label="current"
            )
            labels = [_label(c) for c in h["categories"]]
            ax.set_xticks(
                x,
                [s if len(s) <= 12 else s[:11] + "…" for s in labels],
                rotation=45 if len(labels) > 4 else 0,
                ha="right" if len(labels) > 4 else "center",
            )
        ax.set_ylabel("share")
        ax.legend(fontsize=7, loc="upper left", frameon=False)

    return draw


def _ci_drawer(findings: list[Finding]) -> Any:
    def draw(ax: Axes) -> None:
        y = list(range(len(findings)))[::-1]
        stats = [float(f.statistic) for f in findings]  # type: ignore[arg-type]
        lo = [s - float(f.details["ci_low"]) for s, f in zip(stats, findings)]
        hi = [float(f.details["ci_high"]) - s for s, f in zip(stats, findings)]
        ax.barh(y, stats, color=[_COLORS[f.status] for f in findings], alpha=0.75)
        ax.errorbar(
            stats,
            y,
            xerr=[[max(v, 0) for v in lo], [max(v, 0) for v in hi]],
            fmt="none",
            ecolor="#1f2328",
            capsize=3,
            linewidth=1,
        )
        ax.set_yticks(y, [_label(f.subject, _TICK_WIDTH) for f in findings])
        thresholds = {
            float(f.threshold) for f in findings if f.threshold is not None and _finite(f.threshold)
        }
        for t in thresholds:
            ax.axvline(t, color="#1f2328", linestyle="--", linewidth=1)
        method = next((f.method for f in findings if f.method), "statistic")
        ax.set_xlabel(f"{_label(method)}, whiskers: CI")

    return draw


def _delta_drawer(v: Verdict, names: list[str]) -> Any:
    by_subject = {f.subject: f for f in v.findings}

    def draw(ax: Axes) -> None:
        y = list(range(len(names)))[::-1]
        deltas = [v.metrics[n] - v.metrics[f"baseline_{n}"] for n in names]
        colors = []
        lo, hi = [], []
        for n, d in zip(names, deltas):
            f = by_subject.get(n)
            colors.append(_COLORS[f.status] if f else _COLORS[v.status])
            det = f.details if f else {}
            d_lo = det.get("delta_ci_low", det.get("ci_low"))
            d_hi = det.get("delta_ci_high", det.get("ci_high"))
            ok = _finite(d_lo) and _finite(d_hi)
            lo.append(max(d - float(d_lo), 0) if ok else 0.0)  # type: ignore[arg-type]
            hi.append(max(float(d_hi) - d, 0) if ok else 0.0)  # type: ignore[arg-type]
        ax.barh(y, deltas, color=colors, alpha=0.75)
        if any(lo) or any(hi):
            ax.errorbar(deltas, y, xerr=[lo, hi], fmt="none", ecolor="#1f2328", capsize=3, linewidth=1)
        ax.axvline(0, color="#1f2328", linewidth=1)
        ax.set_yticks(y, [_label(n, _TICK_WIDTH) for n in names])
        ax.set_xlabel("candidate - baseline, whiskers: CI")

    return draw


def _stat_drawer(findings: list[Finding]) -> Any:
    shown = findings[:20]

    def draw(ax: Axes) -> None:
        y = list(range(len(shown)))[::-1]
        ax.barh(
            y,
            [float(f.statistic or 0.0) for f in shown],
            color=[_COLORS[f.status] for f in shown],
            alpha=0.75,
        )
        for yi, f in zip(y, shown):
            if f.threshold is not None and _finite(f.threshold):
                ax.plot([f.threshold, f.threshold], [yi - 0.4, yi + 0.4], color="#1f2328", linewidth=1.5)
        ax.set_yticks(y, [_label(f.subject, _TICK_WIDTH) for f in shown])
        method = next((f.method for f in shown if f.method), "statistic")
        more = f"; {len(findings) - len(shown)} more not shown" if len(findings) > len(shown) else ""
        ax.set_xlabel(f"{_label(method)}, black tick: threshold{more}")

    return draw


def plot_verdict(verdict: Verdict, *, max_panels: int = 12, ncols: int = 3) -> Figure:
    """Draw the numbers behind ``verdict`` (see the module docstring) and return the figure.

    Parameters
    ----------
    verdict : Verdict
        A gate's or a suite's verdict.
    max_panels : int, default 12
        At most this many panels, worst first.
    ncols : int, default 3
        Panels per row.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ImportError
        When matplotlib is not installed ("pip install mlgates[plot]").
    """
    plt = _pyplot()
    panels = _panels(verdict)
    extra = len(panels) - max_panels
    panels = panels[:max_panels]
    if not panels:
        fig, ax = plt.subplots(figsize=(5, 1.2))
        ax.axis("off")
        ax.text(
            0.5,
            0.5,
            f"{_label(verdict.name, 100)}: {verdict.status.value.upper()} (no numbers to plot)",
            ha="center",
            va="center",
        )
        return fig
    ncols = max(1, min(ncols, len(panels)))
    nrows = math.ceil(len(panels) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.6 * ncols, 3.0 * nrows), squeeze=False)
    flat = [ax for row in axes for ax in row]
    for ax, (_, title, draw) in zip(flat, panels):
        draw(ax)
        ax.set_title(title if len(title) <= 60 else title[:59] + "…", fontsize=9, loc="left")
        ax.tick_params(labelsize=8)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    for ax in flat[len(panels) :]:
        ax.axis("off")
    suptitle = f"{_label(verdict.name, 100)}: {verdict.status.value.upper()}"
    if extra > 0:
        suptitle += f" ({extra} more panels not shown; raise max_panels)"
    fig.suptitle(suptitle, fontsize=11, color=_COLORS[verdict.status], x=0.01, ha="left")
    fig.tight_layout()
    return fig

"""verdict.plot(): distribution overlays, per-group CIs, metric deltas, the missing-extra message."""

from __future__ import annotations

import sys

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib", reason="the plot extra is in the dev extra")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from mlgates import Finding, Status, Verdict  # noqa: E402
from mlgates.report.svg import histogram_details  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _drift():
    rng = np.random.default_rng(1)
    ref, cur = rng.normal(0, 1, 500), rng.normal(0.5, 1, 300)
    edges = np.linspace(-4, 4, 17)
    r, _ = np.histogram(ref, edges)
    c, _ = np.histogram(cur, edges)
    num = Finding(
        "x",
        Status.FAIL,
        statistic=0.2,
        method="psi",
        reason="drift_detected",
        details={"histogram": histogram_details(r, c, edges=edges)},
    )
    cat = Finding(
        "city",
        Status.PASS,
        statistic=0.01,
        method="tvd",
        details={"histogram": histogram_details([5, 15], [2, 2], categories=["a", "b"])},
    )
    return (
        Verdict(Status.FAIL, name="drift", gate="DriftGate", reason="drift_detected", findings=(cat, num)),
        r,
        c,
    )


def _visible(fig):
    return [ax for ax in fig.axes if ax.axison]


def test_distribution_overlays_show_shares():
    v, r, _ = _drift()
    fig = v.plot()
    axes = _visible(fig)
    assert len(axes) == 2
    first = axes[0]  # worst first: the FAIL numeric column
    assert first.get_title(loc="left").startswith("drift: x (FAIL")
    heights = [p.get_height() for p in first.patches if p.get_label() != "current"][: len(r)]
    np.testing.assert_allclose(heights, r / r.sum())
    second = axes[1]
    assert [t.get_text() for t in second.get_xticklabels()] == ["a", "b"]
    np.testing.assert_allclose([p.get_height() for p in second.patches[:2]], [0.25, 0.75])


def test_group_bars_with_confidence_intervals():
    findings = (
        Finding(
            "sex=Male",
            Status.PASS,
            statistic=0.31,
            threshold=0.2,
            method="selection_rate",
            details={"ci_low": 0.29, "ci_high": 0.34},
        ),
        Finding(
            "sex=Female",
            Status.FAIL,
            statistic=0.11,
            threshold=0.2,
            method="selection_rate",
            details={"ci_low": 0.08, "ci_high": 0.13},
        ),
    )
    v = Verdict(Status.FAIL, name="fairness", gate="FairnessGate", reason="r", findings=findings)
    (ax,) = _visible(v.plot())
    widths = sorted(p.get_width() for p in ax.patches)
    np.testing.assert_allclose(widths, [0.11, 0.31])
    # whiskers span the intervals
    segs = [seg for coll in ax.collections for seg in coll.get_segments()]
    spans = sorted((round(float(s[0][0]), 6), round(float(s[1][0]), 6)) for s in segs)
    assert spans == [(0.08, 0.13), (0.29, 0.34)]
    assert any(abs(line.get_xdata()[0] - 0.2) < 1e-12 for line in ax.get_lines())  # threshold line
    assert {t.get_text() for t in ax.get_yticklabels()} == {"sex=Male", "sex=Female"}


def test_metric_deltas_with_ci():
    v = Verdict(
        Status.WARN,
        name="perf",
        gate="PerformanceGate",
        reason="r",
        metrics={"auc": 0.90, "baseline_auc": 0.85, "accuracy": 0.80, "baseline_accuracy": 0.83},
        findings=(Finding("auc", Status.PASS, details={"delta_ci_low": 0.02, "delta_ci_high": 0.08}),),
    )
    (ax,) = _visible(v.plot())
    assert ax.get_title(loc="left") == "perf: candidate - baseline"
    by_label = dict(
        zip([t.get_text() for t in ax.get_yticklabels()][::-1], [p.get_width() for p in ax.patches][::-1])
    )
    assert by_label["auc"] == pytest.approx(0.05) and by_label["accuracy"] == pytest.approx(-0.03)


def test_metric_deltas_read_ci_keys_of_the_difference():
    v = Verdict(
        Status.WARN,
        name="perf",
        gate="PerformanceGate",
        reason="r",
        metrics={"auc": 0.90, "baseline_auc": 0.85},
        findings=(Finding("auc", Status.WARN, details={"ci_low": 0.02, "ci_high": 0.08}),),
    )
    (ax,) = _visible(v.plot())
    assert ax.get_title(loc="left") == "perf: candidate - baseline"
    (bars,) = ax.collections  # the whisker of the interval
    (seg,) = bars.get_segments()
    assert sorted(round(float(x), 6) for x in seg[:, 0]) == [0.02, 0.08]


def test_statistics_against_thresholds_otherwise(frame):
    from mlgates import MissingValuesGate, RowCountGate

    suite = MissingValuesGate(max_share=0.1) & RowCountGate(min_rows=10)
    axes = _visible(suite.check(current=frame).plot())
    assert [ax.get_title(loc="left") for ax in axes] == ["MissingValuesGate", "RowCountGate"]


def test_nothing_to_plot_and_truncation():
    fig = Verdict(Status.SKIP, name="empty", gate="G").plot()
    assert "no numbers to plot" in fig.axes[0].texts[0].get_text()
    v, _, _ = _drift()
    fig = Verdict(Status.FAIL, name="s", gate="Suite", children=(v, v, v)).plot(max_panels=4)
    assert len(_visible(fig)) == 4
    assert "2 more panels not shown" in fig._suptitle.get_text()


def test_missing_matplotlib_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    v, _, _ = _drift()
    with pytest.raises(ImportError, match=r"pip install mlgates\[plot\]"):
        v.plot()

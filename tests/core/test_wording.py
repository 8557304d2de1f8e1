"""What verdicts say: summaries that count warnings and skips, plurals, integer counts, the
bound a WARN row crossed, and the renderers' rows built from them."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from mlgates import (
    CategoryGate,
    DriftGate,
    DuplicateRowsGate,
    FeatureLeakageGate,
    Finding,
    FreshnessGate,
    Gate,
    MissingValuesGate,
    MultivariateDriftGate,
    PerformanceGate,
    RangeGate,
    Status,
    Suite,
    TrainTestLeakageGate,
    Verdict,
)


class _Fixed(Gate):
    """A gate whose findings have the given statuses."""

    def __init__(self, *, statuses: tuple[str, ...] = (), name: str | None = None, blocking: bool = True):
        super().__init__(name=name, blocking=blocking)
        self.statuses = statuses

    def _check(self, ctx):
        return self._verdict(
            findings=[Finding(f"c{i}", s, message=f"c{i}: {s}") for i, s in enumerate(self.statuses)]
        )


# -- summaries --------------------------------------------------------------------------------
def test_suite_summary_counts_warnings_beside_passes():
    suite = Suite(
        [_Fixed(statuses=("pass",), name=f"p{i}") for i in range(2)]
        + [_Fixed(statuses=("warn",), name=f"w{i}") for i in range(3)]
    )
    v = suite.check()
    assert v.status is Status.WARN
    assert v.message.startswith("5 of 5 gates passed, 3 with warnings; warnings: w0, w1, w2")
    one = (_Fixed(statuses=("pass",)) & _Fixed(statuses=("warn",), name="w")).check()
    assert one.message.startswith("2 of 2 gates passed, 1 with a warning")


def test_suite_summary_counts_skips_and_never_calls_them_passed():
    v = Suite([_Fixed(statuses=("skip",), name="a"), _Fixed(statuses=("skip",), name="b")]).check()
    assert v.status is Status.SKIP
    assert v.message == "0 of 2 gates passed, 2 skipped; skipped: a, b"
    mixed = Suite([_Fixed(statuses=("pass",), name="a"), _Fixed(statuses=("skip",), name="b")]).check()
    assert mixed.message == "1 of 2 gates passed, 1 skipped; skipped: b"
    assert Suite([_Fixed(statuses=("pass",))]).check().message == "1 of 1 gate passed"


@pytest.mark.parametrize(
    ("statuses", "message"),
    [
        (("pass",), "1 check passed"),
        (("pass", "pass"), "all 2 checks passed"),
        (("skip",), "nothing judged: 1 check skipped: c0: skip"),
        (("skip", "skip"), "nothing judged: all 2 checks skipped: c0: skip; c1: skip"),
        (("pass", "skip"), "1 of 2 checks passed, 1 skipped"),
        (("fail", "pass"), "1 of 2 checks not passed: c0: fail"),
    ],
)
def test_gate_summary(statuses, message):
    v = _Fixed(statuses=statuses).check()
    assert v.message == message
    assert "passed" not in v.message or v.status is not Status.SKIP or "nothing judged" in v.message


def test_pluralize():
    from mlgates.core._text import pluralize

    assert [pluralize(n, "check") for n in (0, 1, 2)] == ["0 checks", "1 check", "2 checks"]
    assert pluralize(1, "new category") == "1 new category" and pluralize(3, "category") == "3 categories"
    assert pluralize(2, "day") == "2 days" and pluralize(2, "match") == "2 matches"
    assert pluralize(12345, "row") == "12,345 rows" and pluralize(2.0, "gate") == "2 gates"


def test_one_new_category_is_singular():
    ref = pd.DataFrame({"color": ["red", "green"] * 50})
    cur = pd.DataFrame({"color": ["red", "green"] * 49 + ["purple", "red"]})
    (f,) = CategoryGate(max_unknown_share=0.05).check(reference=ref, current=cur).findings
    assert f.status is Status.WARN and "1 new category (e.g. 'purple')" in f.message
    assert f.threshold == 0.0 < f.statistic  # flagged because any new category is: share > 0


# -- counts are integers ----------------------------------------------------------------------
def test_counts_are_ints_in_json_and_survive_the_round_trip():
    v = Suite([_Fixed(statuses=("pass",)), _Fixed(statuses=("warn",))]).check()
    raw = json.loads(v.to_json())["metrics"]
    assert raw["n_pass"] == 1 and type(raw["n_pass"]) is int and type(raw["n_gates"]) is int
    assert '"n_pass": 1,' in v.to_json() and '"n_pass": 1.0' not in v.to_json()
    back = Verdict.from_json(v.to_json())
    assert back == v and type(back.metrics["n_warn"]) is int


def test_metrics_keep_ints_and_make_everything_else_float():
    v = Verdict(Status.PASS, metrics={"n": np.int64(3), "share": 0.5, "half": np.float32(0.5), "flag": True})
    assert v.metrics == {"n": 3, "share": 0.5, "half": 0.5, "flag": 1.0}
    assert [type(v.metrics[k]) for k in ("n", "share", "half", "flag")] == [int, float, float, float]
    assert Verdict.from_json(v.to_json()).metrics == v.metrics
    with pytest.raises(TypeError, match="must be a number"):
        Verdict(Status.PASS, metrics={"x": "three"})


def test_gate_counts_are_ints():
    rng = np.random.default_rng(0)
    ref = pd.DataFrame({"a": rng.normal(size=200), "b": rng.normal(size=200)})
    v = DriftGate().check(reference=ref, current=ref.copy())
    assert all(type(v.metrics[k]) is int for k in ("n_columns", "n_judged", "n_drifted"))
    assert json.loads(v.to_json())["metrics"]["n_columns"] == 2


# -- a WARN row carries the warning bound it crossed --------------------------------------------
def _one(verdict, subject):
    (f,) = [f for f in verdict.findings if f.subject == subject]
    return f


def _frame_with_missing(share: float, n: int = 200) -> pd.DataFrame:
    x = np.arange(n, dtype=float)
    x[: int(share * n)] = np.nan
    return pd.DataFrame({"x": x})


def test_missing_values_warn_row():
    v = MissingValuesGate(max_share=0.5, warn_share=0.1).check(current=_frame_with_missing(0.2))
    f = _one(v, "x")
    assert f.status is Status.WARN and f.threshold == 0.1 and "> 10.0% (warning level)" in f.message
    assert re.search(r"warn\s+x\s+0\.2\s+0\.1\s", v.to_text())  # the text row shows the warning bound
    fail = _one(
        MissingValuesGate(max_share=0.15, warn_share=0.1).check(current=_frame_with_missing(0.2)), "x"
    )
    assert fail.status is Status.FAIL and fail.threshold == 0.15


def test_range_warn_row():
    cur = pd.DataFrame({"x": np.r_[np.zeros(90), np.full(10, 5.0)]})
    v = RangeGate(min_value=0, max_value=1, max_share_outside=0.5, warn_share_outside=0.05).check(current=cur)
    f = _one(v, "x")
    assert f.status is Status.WARN and f.threshold == 0.05


def test_duplicate_rows_warn_row():
    cur = pd.DataFrame({"a": list(range(90)) + [1] * 10})
    f = DuplicateRowsGate(max_share=0.5, warn_share=0.05).check(current=cur).findings[0]
    assert f.status is Status.WARN and f.threshold == 0.05


def test_train_test_leakage_warn_row():
    ref = pd.DataFrame({"a": range(100)})
    cur = pd.DataFrame({"a": list(range(10)) + list(range(1000, 1090))})
    f = TrainTestLeakageGate(max_share=0.5, warn_share=0.05).check(reference=ref, current=cur).findings[0]
    assert f.status is Status.WARN and f.threshold == 0.05


def test_feature_leakage_warn_row():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 400)
    cur = pd.DataFrame({"x": y + rng.normal(0, 0.6, 400), "y": y})
    v = FeatureLeakageGate(max_score=0.99, warn_score=0.7).check(current=cur, target="y")
    f = _one(v, "x")
    assert f.status is Status.WARN and f.threshold == 0.7 and f"> {0.7:.3f}" in f.message


def test_freshness_warn_row():
    now = pd.Timestamp("2026-01-10")
    cur = pd.DataFrame({"t": pd.to_datetime(["2026-01-01", "2026-01-05"])})
    gate = FreshnessGate(column="t", max_age="10D", warn_age="2D", now=str(now))
    f = gate.check(current=cur).findings[0]
    assert f.status is Status.WARN and f.threshold == pd.Timedelta("2D").total_seconds()


def test_drift_warn_row_shows_the_warning_level():
    rng = np.random.default_rng(0)
    ref = pd.DataFrame({"x": rng.normal(0, 1, 1500)})
    cur = pd.DataFrame({"x": rng.normal(0.15, 1, 1200)})
    v = DriftGate(method="wasserstein", threshold=0.5, warn_threshold=0.1).check(reference=ref, current=cur)
    f = _one(v, "x")
    assert f.status is Status.WARN and f.threshold == 0.1 and f.details["fail_threshold"] == 0.5
    assert ">= 0.1 (warning level)" in f.message and "< 0.5" not in f.message
    p = DriftGate(method="ks", threshold=1e-9, warn_threshold=0.2).check(reference=ref, current=cur)
    f = _one(p, "x")
    assert f.status is Status.WARN and f.threshold == 0.2 and "< 0.2 (warning level)" in f.message


def test_multivariate_drift_warn_row():
    rng = np.random.default_rng(0)
    ref = pd.DataFrame({"a": rng.normal(0, 1, 600), "b": rng.normal(0, 1, 600)})
    cur = pd.DataFrame({"a": rng.normal(0.6, 1, 600), "b": rng.normal(0, 1, 600)})
    v = MultivariateDriftGate(threshold=0.99, warn_threshold=0.55).check(reference=ref, current=cur)
    f = v.findings[0]
    assert f.status is Status.WARN and f.threshold == 0.55 and ">= 0.55" in f.message


# -- performance: what "+N more checks" are ---------------------------------------------------
def test_performance_headline_names_the_other_checks():
    rng = np.random.default_rng(0)
    n = 3000
    y = rng.integers(0, 2, n)
    df = pd.DataFrame(
        {
            "seg": rng.choice(list("abcdefg"), n),
            "y": y,
            "p": np.where(rng.random(n) < 0.9, y, 1 - y),
            "b": np.where(rng.random(n) < 0.9, y, 1 - y),
        }
    )
    gate = PerformanceGate("accuracy", min_value=0.5, test="mcnemar", max_drop=0.05, segments="seg")
    v = gate.check(current=df, target="y", prediction="p", baseline_prediction="b")
    assert v.status is Status.PASS
    more = re.search(r"\(\+(\d+) more checks passed: (.*)\)$", v.message)
    assert more, v.message
    assert int(more.group(1)) == len(v.findings) - 1
    named = more.group(2)
    assert named.startswith("accuracy (mcnemar") and "; seg=" in named and named.endswith("and 5 more")


def test_renderers_count_findings_in_the_singular():
    v = Suite([_Fixed(statuses=("fail",), name="one"), _Fixed(statuses=("pass", "pass"), name="two")]).check()
    assert "<summary>Suite / one: 1 finding</summary>" in v.to_markdown()
    page = v.to_html()
    assert "<span class='mlg-type'>1 finding</span>" in page and "1 findings" not in page
    assert "<span class='mlg-type'>2 findings</span>" in page
    many = _Fixed(statuses=("fail",) * 22).check()
    assert "... 2 more findings (verdict.to_frame() has all)" in many.to_text()
    assert "... 1 more finding (verdict.to_frame() has all)" in many.to_text(max_findings=21)


def test_drift_dataset_warn_row_does_not_show_the_unreached_fail_share():
    rng = np.random.default_rng(1)
    ref = pd.DataFrame({c: rng.normal(0, 1, 800) for c in "abcd"})
    cur = ref.sample(frac=1.0, random_state=0).reset_index(drop=True).assign(a=lambda d: d["a"] + 1.0)
    v = DriftGate(method="ks").check(reference=ref, current=cur)
    f = _one(v, "dataset")
    assert f.status is Status.WARN and f.statistic == 0.25  # 1 of 4 columns < drift_share 0.5
    assert f.threshold == 0.0 and f.details["drift_share"] == 0.5

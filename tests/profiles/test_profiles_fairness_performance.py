"""FairnessGate, DisparateImpactGate and PerformanceGate on tables read in chunks: the same
verdict as in memory (counts exact, the bootstrap by counts drawing the same replicates; ROC AUC
within its recorded bound), whatever the chunking, and honest about what needs every row."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlgates import DisparateImpactGate, FairnessGate, PerformanceGate, scan
from mlgates.core.inputs import FrameSource


def _frame(n=3000, seed=0):
    rng = np.random.default_rng(seed)
    sex = rng.choice(["F", "M"], n)
    race = rng.choice(["a", "b", "c"], n).astype(object)
    race[::37] = None
    y = rng.integers(0, 2, n)
    p = 1 / (1 + np.exp(-(rng.normal(size=n) + 1.2 * y - 0.4 * (sex == "F"))))
    pb = 1 / (1 + np.exp(-(rng.normal(size=n) + 1.0 * y)))
    y3 = rng.choice(["cat", "dog", "eel"], n)
    return pd.DataFrame(
        {
            "sex": sex,
            "race": race,
            "y": y,
            "p": p,
            "pb": pb,
            "pred": (p > 0.5).astype(int),
            "base": (pb > 0.5).astype(int),
            "w": rng.uniform(0.5, 2.0, n),
            "y3": y3,
            "pred3": np.where(rng.random(n) < 0.7, y3, rng.choice(["cat", "dog", "eel"], n)),
        }
    )


FRAME = _frame()
REFERENCE = _frame(seed=1)

#: (gate, inputs): every profiled configuration of the three gates.
CASES = [
    (FairnessGate("demographic_parity_difference", sensitive_features="sex"), {}),
    (FairnessGate("equalized_odds_ratio", sensitive_features=["sex", "race"]), {}),
    (FairnessGate("f1_score", sensitive_features="race", max_value=0.2, decision="ci"), {}),
    (FairnessGate("true_positive_rate", sensitive_features="race", on_missing="drop", max_value=0.1), {}),
    (
        FairnessGate("equal_opportunity_difference", sensitive_features="sex", max_worsening=0.02),
        {"baseline_prediction": "base"},
    ),
    (FairnessGate("selection_rate", sensitive_features="sex", decision_threshold=0.6, max_value=0.1), {}),
    (FairnessGate("demographic_parity_ratio", sensitive_features="race"), {"sample_weight": "w"}),
    (DisparateImpactGate(sensitive_features="race"), {}),
    (DisparateImpactGate(sensitive_features="sex", reference_group="overall", decision="ci"), {}),
    (PerformanceGate("accuracy", min_value=0.7), {}),
    (PerformanceGate("accuracy", max_drop=0.01, test="mcnemar"), {"baseline_prediction": "base"}),
    (
        PerformanceGate("f1", max_drop=0.01, test="bootstrap", n_resamples=500),
        {"baseline_prediction": "base"},
    ),
    (
        PerformanceGate("balanced_accuracy", max_drop=0.02),
        {"baseline_prediction": "base", "sample_weight": "w"},
    ),
    (
        PerformanceGate("f1_macro", max_drop=0.02, test="bootstrap", compare_to="reference", n_resamples=300),
        {"target": "y3", "prediction": "pred3"},
    ),
    (PerformanceGate("matthews_corrcoef", min_value=0.2, pos_label=0), {}),
    (PerformanceGate("log_loss", max_value=0.7), {"proba": "p", "sample_weight": "w"}),
    (PerformanceGate("brier_score_loss", max_drop=0.01, compare_to="reference"), {"proba": "p"}),
    (PerformanceGate("roc_auc", min_value=0.7), {"proba": "p"}),
    (PerformanceGate("roc_auc", max_drop=0.01), {"proba": "p", "baseline_proba": "pb"}),
]


def _inputs(gate, extra):
    kw = {"target": "y", "prediction": "pred", **extra}
    if getattr(gate, "compare_to", None) == "reference":
        kw["reference"] = REFERENCE
    if isinstance(gate, DisparateImpactGate):
        kw.pop("target")
    if "proba" in kw:
        kw.pop("prediction")
    return kw


def assert_same_verdict(a, b, *, bound=None):
    """Equal statuses, reasons and findings; numbers equal up to float rounding of weighted sums
    (or within ``bound`` for a statistic on a grid)."""
    da, db = a.to_dict(), b.to_dict()
    assert (a.status, a.reason) == (b.status, b.reason), (a.message, b.message)
    assert len(da["findings"]) == len(db["findings"])
    for fa, fb in zip(da["findings"], db["findings"]):
        assert (fa["subject"], fa["status"], fa["reason"]) == (fb["subject"], fb["status"], fb["reason"])
        for key in ("statistic", "pvalue", "threshold"):
            if fa[key] is None or fb[key] is None:
                assert fa[key] == fb[key], key
            else:
                assert fb[key] == pytest.approx(fa[key], rel=1e-9, abs=bound or 1e-12, nan_ok=True), key
    assert set(da["metrics"]) == set(db["metrics"])
    for key, value in da["metrics"].items():
        assert db["metrics"][key] == pytest.approx(value, rel=1e-9, abs=bound or 1e-12, nan_ok=True), key


@pytest.mark.parametrize(
    ("gate", "extra"), CASES, ids=lambda c: repr(c)[:70] if not isinstance(c, dict) else ""
)
def test_chunked_verdict_equals_in_memory(gate, extra):
    kw = _inputs(gate, extra)
    in_memory = gate.check(current=FRAME, **kw)
    chunked = gate.check(current=scan(FRAME, chunk_rows=700), **kw)
    assert chunked.provenance["profile"]["current"]["chunks"] == 5
    bound = None
    if getattr(gate, "metric", None) == "roc_auc":
        finding = next(f for f in chunked.findings if "bounds" in f.details)
        lo, hi = finding.details["bounds"]["statistic"]
        exact = next(f for f in in_memory.findings if f.method == finding.method).statistic
        assert lo <= exact <= hi  # the exact value lies within the recorded bound
        assert finding.details["exact"] is False and chunked.provenance["profile"]["exact"] is False
        bound = (hi - lo) / 2
    else:
        assert chunked.provenance["profile"]["exact"] is True
    assert_same_verdict(in_memory, chunked, bound=bound)


def test_fairness_bootstrap_intervals_are_the_same_draws():
    gate = FairnessGate("equalized_odds_difference", sensitive_features="race", decision="ci")
    a = gate.check(current=FRAME, target="y", prediction="pred")
    b = gate.check(current=scan(FRAME, chunk_rows=333), target="y", prediction="pred")
    name = "equalized_odds_difference"
    assert (a.metrics[f"{name}_ci_low"], a.metrics[f"{name}_ci_high"]) == (
        b.metrics[f"{name}_ci_low"],
        b.metrics[f"{name}_ci_high"],
    )


@settings(max_examples=15)
@given(st.lists(st.integers(1, len(FRAME) - 1), max_size=8, unique=True))
def test_random_chunkings_give_identical_fairness_verdicts(cuts):
    gate = FairnessGate("equalized_odds_ratio", sensitive_features=["sex", "race"], n_resamples=200)
    a = gate.check(current=FRAME, target="y", prediction="pred")
    b = gate.check(current=FrameSource(FRAME, splits=cuts), target="y", prediction="pred")
    assert a.to_dict()["findings"] == b.to_dict()["findings"]
    assert a.metrics == b.metrics


def test_a_suite_shares_one_pass():
    suite = (
        FairnessGate("demographic_parity_difference", sensitive_features="sex")
        & DisparateImpactGate(sensitive_features="sex")
        & PerformanceGate("accuracy", min_value=0.5)
    )
    v = suite.check(current=scan(FRAME, chunk_rows=1000), target="y", prediction="pred")
    assert all(c.provenance["profile"]["current"]["passes"] == 1 for c in v.children)


@pytest.mark.parametrize(
    ("gate", "extra", "what"),
    [
        (FairnessGate("mean_absolute_error", sensitive_features="sex", max_value=1.0), {}, "count metrics"),
        (
            PerformanceGate("roc_auc", max_drop=0.01, test="delong"),
            {"proba": "p", "baseline_proba": "pb"},
            "delong",
        ),
        (PerformanceGate("median_absolute_error", max_value=1.0), {}, "median_absolute_error"),
        (PerformanceGate("accuracy", min_value=0.5, segments="sex"), {}, "segments"),
        (
            PerformanceGate("accuracy", max_drop=0.0, test="bootstrap"),
            {"baseline_prediction": "base", "sample_weight": "w"},
            "weight",
        ),
        (PerformanceGate("log_loss", max_value=1.0), {"target": "y3", "proba": "p"}, "3-class"),
    ],
)
def test_what_needs_every_row_is_skipped_with_needs_in_memory(gate, extra, what):
    v = gate.check(current=scan(FRAME, chunk_rows=1000), **_inputs(gate, extra))
    assert v.status.value == "skip" and v.reason == "needs_in_memory", v.message
    assert what in v.message


def test_input_errors_in_a_chunk_are_the_in_memory_errors():
    bad = FRAME.assign(p_as_pred=FRAME["p"], y_missing=FRAME["y"].where(FRAME.index != 2500))
    gate = FairnessGate("true_positive_rate", sensitive_features="sex", max_value=0.2)
    for kw, reason in [
        ({"target": "y", "prediction": "p_as_pred"}, "probabilities_as_labels"),
        ({"target": "y_missing", "prediction": "pred"}, "missing_values"),  # in the third chunk only
        ({"target": "y", "prediction": "nope"}, "missing_column"),
        ({"target": "y", "prediction": FRAME["pred"].to_numpy()}, "invalid_input"),
    ]:
        a = gate.check(current=bad, **kw)
        b = gate.check(current=scan(bad, chunk_rows=1000), **kw)
        assert b.status.value == "error" and b.reason == reason, b.message
        if reason != "invalid_input":  # an array is fine in memory, not on a table read in chunks
            assert a.reason == reason
    # one gate's bad input does not stop the other gates of the pass
    suite = gate & PerformanceGate("accuracy", min_value=0.5)
    v = suite.check(current=scan(bad, chunk_rows=1000), target="y", prediction="p_as_pred")
    assert [c.reason for c in v.children] == ["probabilities_as_labels", "probabilities_as_labels"]
    v = suite.check(current=scan(FRAME, chunk_rows=1000), target="y", prediction="pred", sample_weight="nope")
    assert {c.reason for c in v.children} == {"missing_column"}


def test_a_chunk_without_groups_or_weight_is_not_an_error_on_its_own():
    frame = FRAME.copy()
    frame.loc[:999, "race"] = None  # the first chunk has no race at all
    frame.loc[:999, "w"] = 0.0  # and no weight
    gate = FairnessGate("selection_rate", sensitive_features="race", on_missing="drop", max_value=0.5)
    kw = {"target": "y", "prediction": "pred", "sample_weight": "w"}
    assert_same_verdict(
        gate.check(current=frame, **kw), gate.check(current=scan(frame, chunk_rows=1000), **kw)
    )


def test_roc_auc_close_to_a_bound_is_undecided():
    exact = PerformanceGate("roc_auc", min_value=0.5).check(current=FRAME, target="y", proba="p")
    auc = exact.metrics["roc_auc"]
    gate = PerformanceGate("roc_auc", min_value=auc)  # the bound at the exact value: within the bound
    v = gate.check(current=scan(FRAME, chunk_rows=1000), target="y", proba="p")
    assert v.status.value == "warn" and v.reason == "undecided_within_bound", v.message
    # scores with few distinct values: exact, and decided
    rounded = FRAME.assign(p=FRAME["p"].round(2))
    a = gate.check(current=rounded, target="y", proba="p")
    b = gate.check(current=scan(rounded, chunk_rows=1000), target="y", proba="p")
    assert b.findings[0].details["exact"] is True and b.findings[0].details["bounds"]["statistic"][
        0
    ] == pytest.approx(a.metrics["roc_auc"], abs=1e-12)
    assert_same_verdict(a, b)


@pytest.mark.parametrize("chunked", [False, True])
def test_bootstrap_replicates_belong_to_their_own_table(monkeypatch, chunked):
    """Replicates were cached by ``id(counts)``: a table freed during the run (as the profiled
    path built them) could hand its id, and its replicates, to another gate's table. Every
    ``id`` colliding must still give each gate its own replicates."""
    from mlgates.gates.fairness import _inputs

    monkeypatch.setattr(_inputs, "id", lambda obj: 0, raising=False)
    suite = FairnessGate(
        "equalized_odds_difference", sensitive_features=["sex", "race"]
    ) & DisparateImpactGate(sensitive_features="sex")
    current = scan(FRAME, chunk_rows=1000) if chunked else FRAME
    v = suite.check(current=current, target="y", prediction="pred")
    assert all(c.status.value != "error" for c in v.children), [c.message for c in v.children]

"""ConceptDriftGate: a changed P(y | x) is caught; covariate shift with the same concept passes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from sklearn.linear_model import LogisticRegression

from mlgates import ConceptDriftGate, Status
from mlgates.stats.recalibration import score_logit


def _sample(rng, n, *, shift=0.0, scale=1.0, slope=1.0, flip=0.0, segment=None):
    """x ~ N(shift, scale); the model's score is the reference concept sigmoid(0.3 + 1.5 x);
    the outcome follows sigmoid(0.3 + 1.5 * slope * x), with a share ``flip`` of labels flipped."""
    x = rng.normal(shift, scale, n)
    score = 1 / (1 + np.exp(-(0.3 + 1.5 * x)))
    y = (rng.random(n) < 1 / (1 + np.exp(-(0.3 + 1.5 * slope * x)))).astype(int)
    y = np.where(rng.random(n) < flip, 1 - y, y)
    frame = pd.DataFrame({"x": x, "score": score, "y": y})
    if segment is not None:
        frame["region"] = segment
    return frame


def _check(gate, ref, cur):
    return gate.check(reference=ref, current=cur, target="y", proba="score")


def test_covariate_shift_with_an_unchanged_concept_passes():
    rng = np.random.default_rng(0)
    v = _check(ConceptDriftGate(), _sample(rng, 3000), _sample(rng, 3000, shift=1.0, scale=1.5))
    assert v.status is Status.PASS, v.to_text()
    assert v.metrics["calibration_shift"] < 0.02
    assert abs(v.metrics["slope"] - 1) < 0.2 and abs(v.metrics["baseline_slope"] - 1) < 0.2


@pytest.mark.parametrize(("change", "kwargs"), [("slope", {"slope": 0.4}), ("flips", {"flip": 0.15})])
def test_concept_drift_is_caught(change, kwargs):
    rng = np.random.default_rng(1)
    v = _check(ConceptDriftGate(), _sample(rng, 3000), _sample(rng, 3000, **kwargs))
    assert v.status is Status.FAIL and v.reason == "concept_drift_detected", v.to_text()
    f = v.findings[0]
    assert f.subject == "overall" and f.pvalue < 1e-6 and f.statistic > 0.02
    assert f.details["slope"] < f.details["baseline_slope"]  # both changes flatten the curve
    assert "outcome rate moved" in f.message


def test_the_model_path_gives_the_same_verdict_as_its_scores():
    rng = np.random.default_rng(2)
    ref, cur = _sample(rng, 2000), _sample(rng, 2000, flip=0.2)
    model = LogisticRegression().fit(ref[["x"]], ref["y"])
    by_model = ConceptDriftGate().check(reference=ref, current=cur, target="y", model=model)
    scores = ref.assign(score=model.predict_proba(ref[["x"]])[:, 1])
    cur_scores = cur.assign(score=model.predict_proba(cur[["x"]])[:, 1])
    by_scores = _check(ConceptDriftGate(), scores, cur_scores)
    assert by_model.status is Status.FAIL
    assert by_model.findings[0].statistic == pytest.approx(by_scores.findings[0].statistic)


def test_the_test_statistic_is_statsmodels_likelihood_ratio():
    rng = np.random.default_rng(3)
    ref, cur = _sample(rng, 1500), _sample(rng, 1200, slope=0.8)
    f = _check(ConceptDriftGate(), ref, cur).findings[0]
    lp = score_logit(np.r_[ref["score"], cur["score"]])
    d = np.r_[np.zeros(1500), np.ones(1200)]
    y = np.r_[ref["y"], cur["y"]]
    full = sm.Logit(y, np.c_[np.ones_like(lp), lp, d, d * lp]).fit(disp=0)
    null = sm.Logit(y, np.c_[np.ones_like(lp), lp]).fit(disp=0)
    assert f.details["lr_statistic"] == pytest.approx(2 * (full.llf - null.llf), rel=1e-6)


def test_significant_but_small_passes_and_too_few_rows_say_so():
    rng = np.random.default_rng(4)
    big = _check(
        ConceptDriftGate(max_calibration_shift=0.2), _sample(rng, 20_000), _sample(rng, 20_000, flip=0.1)
    )
    assert big.status is Status.PASS and "significant, but within" in big.findings[0].message
    # 100 rows a side cannot confirm a change of 0.05: "no change found" would claim too much
    small = _check(ConceptDriftGate(min_samples=20), _sample(rng, 100), _sample(rng, 100))
    f = small.findings[0]
    assert f.status is Status.WARN and f.reason == "insufficient_samples", f
    assert f.details["detectable_shift"] > 0.05 and "can only confirm" in f.message
    enough = _check(ConceptDriftGate(), _sample(rng, 5000), _sample(rng, 5000, shift=0.5))
    assert enough.status is Status.PASS and enough.findings[0].details["detectable_shift"] < 0.05
    tiny = _check(ConceptDriftGate(), _sample(rng, 50), _sample(rng, 50))
    assert tiny.status is Status.WARN and tiny.reason == "insufficient_samples"
    assert tiny.findings[0].method == "min_samples"


def test_segments_find_the_segment_that_changed():
    rng = np.random.default_rng(5)
    ref = pd.concat([_sample(rng, 2000, segment="north"), _sample(rng, 2000, segment="south")])
    cur = pd.concat(
        [
            _sample(rng, 2000, segment="north"),
            _sample(rng, 2000, segment="south", flip=0.25),
            _sample(rng, 50, segment="west"),
        ]
    )
    v = ConceptDriftGate(segments="region").check(reference=ref, current=cur, target="y", proba="score")
    by = {f.subject: f for f in v.findings}
    assert by["region=south"].status is Status.FAIL and by["region=south"].reason == "concept_drift_detected"
    assert by["region=north"].status is Status.PASS
    assert by["region=west"].reason == "insufficient_samples"
    assert "holm" in by["region=north"].message
    assert v.metrics["segments_judged"] == 2 and v.metrics["segments_failed"] == 1


def test_bad_inputs():
    rng = np.random.default_rng(6)
    ref, cur = _sample(rng, 500), _sample(rng, 500)
    v = _check(ConceptDriftGate(), ref, cur.assign(score=cur["score"] * 3))
    assert v.status is Status.ERROR and v.reason == "invalid_proba"
    v = _check(ConceptDriftGate(), ref, cur.assign(y=np.arange(500) % 3))
    assert v.status is Status.ERROR and v.reason == "non_binary_labels"
    v = _check(ConceptDriftGate(), ref, cur.assign(score=0.5))
    assert v.status is Status.ERROR and v.reason == "undefined_statistic"
    v = _check(ConceptDriftGate(), ref, cur.assign(y=np.where(np.arange(500) % 7 == 0, np.nan, cur["y"])))
    assert v.status is Status.ERROR and v.reason == "missing_values"
    v = ConceptDriftGate().check(reference=ref, current=cur, target=cur["y"].to_numpy(), proba="score")
    assert v.status is Status.ERROR and v.reason == "missing_input" and "column name" in v.message
    v = _check(ConceptDriftGate(), ref.head(0), cur)
    assert v.status is Status.ERROR and v.reason == "empty_input"
    labels = {0: "no", 1: "yes"}
    v = ConceptDriftGate(pos_label="yes").check(
        reference=ref.assign(y=ref["y"].map(labels)),
        current=cur.assign(y=cur["y"].map(labels)),
        target="y",
        proba="score",
    )
    assert v.findings[0].statistic == _check(ConceptDriftGate(), ref, cur).findings[0].statistic


@pytest.mark.slow
@pytest.mark.parametrize("n", [300, 3000])
def test_null_rate_under_covariate_shift_is_at_most_nominal(n):
    """Covariate shift alone with a correct model: the gate fails in at most alpha of the runs,
    and its test rejects at about alpha."""
    rng = np.random.default_rng(100 + n)
    runs, fails, rejects, passes = 400, 0, 0, 0
    for _ in range(runs):
        v = _check(ConceptDriftGate(), _sample(rng, n), _sample(rng, n, shift=0.8, scale=1.4))
        fails += v.status is Status.FAIL
        passes += v.status is Status.PASS
        rejects += (v.findings[0].pvalue or 1.0) < 0.05
    bound = 0.05 * runs + 2.6 * np.sqrt(0.05 * 0.95 * runs)
    assert rejects <= bound, rejects
    assert fails <= rejects
    if n >= 3000:  # enough rows to confirm a change of the default 0.05: the null passes
        assert passes >= runs - bound, passes

"""The label-free gates' promises, by simulation (slow): intervals that cover the realized value,
assumption checks that hold their false-alarm level under the null."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, roc_auc_score

from mlgates import LabelFreePerformanceGate, LabelFreeRegressionGate, Status
from mlgates.datasets import load_adult
from mlgates.gates.label_free._calibration import fit_reference

pytestmark = pytest.mark.slow

RUNS = 200


def _world(rng, n, *, shift=0.0, over=1.0):
    x = rng.normal(shift, 1.0, n)
    logit = 2 * x - 0.5
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return pd.DataFrame({"x": x, "s": 1 / (1 + np.exp(-over * logit)), "y": y})


@pytest.mark.parametrize(
    ("metric", "over", "n_ref", "n_cur"),
    [
        ("accuracy", 1.0, 2000, 1000),  # raw scores kept; exact label simulation
        ("f1", 2.5, 2000, 1000),  # overconfident: a sigmoid map; exact simulation
        ("roc_auc", 2.5, 3000, 25_000),  # the normal approximation of the counts
    ],
)
def test_intervals_cover_the_realized_value_in_90_percent_of_200_runs(metric, over, n_ref, n_cur):
    realized = {
        "accuracy": lambda y, s: accuracy_score(y, s >= 0.5),
        "f1": lambda y, s: 2 * ((y == 1) & (s >= 0.5)).sum() / ((y == 1).sum() + (s >= 0.5).sum()),
        "roc_auc": roc_auc_score,
    }[metric]
    covered, errors = 0, []
    for seed in range(RUNS):
        rng = np.random.default_rng(10_000 + seed)
        ref, cur = _world(rng, n_ref, over=over), _world(rng, n_cur, shift=0.3, over=over)
        v = LabelFreePerformanceGate(metric, random_state=seed).check(
            reference=ref, current=cur.drop(columns="y"), target="y", proba="s"
        )
        truth = realized(cur.y.to_numpy(), cur.s.to_numpy())
        covered += v.metrics[f"{metric}_ci_low"] <= truth <= v.metrics[f"{metric}_ci_high"]
        errors.append(v.metrics[metric] - truth)
    assert covered / RUNS >= 0.90, (covered, np.mean(errors))
    assert abs(np.mean(errors)) < 0.5 * np.std(errors)  # no bias that the interval would hide


@pytest.mark.parametrize("n", [300, 3000, 30_000])
def test_calibrated_scores_are_not_refused(n):
    """The inferred max_reference_ece holds its level: calibrated scores are called
    not_calibrated in at most 1% of 200 references, at any size."""
    refused = 0
    for seed in range(RUNS):
        rng = np.random.default_rng(seed)
        t = _world(rng, n)
        fit = fit_reference(
            t.s.to_numpy(),
            t.y.to_numpy(),
            calibration="auto",
            decision_threshold=0.5,
            cv=5,
            random_state=seed,
            max_reference_ece="auto",
        )
        refused += not fit.calibrated
    assert refused <= 2


def test_random_splits_of_real_data_are_inside_the_support():
    """Adult split at random: current rows come from the reference's own distribution, so the
    support check stays quiet (at most 1 WARN in 100 splits)."""
    adult = load_adult()
    numeric = ["age", "education_num", "capital_gain", "capital_loss", "hours_per_week"]
    model = LogisticRegression(max_iter=1000).fit(adult[numeric], adult["income"])
    scored = adult.assign(score=model.predict_proba(adult[numeric])[:, 1])
    columns = [*numeric, "workclass", "education", "marital_status", "occupation", "race", "sex"]
    warned = 0
    for seed in range(100):
        rows = np.random.default_rng(seed).permutation(len(scored))
        ref, cur = scored.iloc[rows[:6000]], scored.iloc[rows[6000:9000]]
        v = LabelFreePerformanceGate("accuracy", columns=columns, n_resamples=200, random_state=seed).check(
            reference=ref, current=cur.drop(columns="income"), target="income", proba="score"
        )
        support = next(f for f in v.findings if f.subject == "support")
        warned += support.status is Status.WARN
    assert warned <= 1


def test_regression_intervals_cover_the_realized_error():
    covered = 0
    runs = 100
    for seed in range(runs):
        rng = np.random.default_rng(20_000 + seed)

        def table(n, skew, rng=rng):
            x = rng.beta(1 + skew, 1, n)
            return pd.DataFrame({"x": x, "pred": 3 * x, "y": 3 * x + rng.normal(0, 0.2 + x, n)})

        ref, cur = table(1500, 0.0), table(1000, 1.5)
        v = LabelFreeRegressionGate("mean_absolute_error", cv=3, random_state=seed).check(
            reference=ref, current=cur.drop(columns="y"), target="y", prediction="pred"
        )
        truth = float(np.abs(cur.y - cur.pred).mean())
        covered += (
            v.metrics["mean_absolute_error_ci_low"] <= truth <= v.metrics["mean_absolute_error_ci_high"]
        )
    assert covered / runs >= 0.90

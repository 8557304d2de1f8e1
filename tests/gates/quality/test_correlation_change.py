"""CorrelationChangeGate and its kernels: oracles (scipy), a broken relationship fails, a random
split passes (null calibration, slow)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from mlgates import CorrelationChangeGate, Status
from mlgates.datasets import load_adult
from mlgates.gates.quality.correlation import ChangeFacts, decide_change
from mlgates.stats.association import (
    correlation_change,
    correlation_ratio,
    cramers_v,
    pearson,
    permutation_change,
    spearman,
)


# -- kernels ------------------------------------------------------------------------------------
def test_pearson_and_spearman_match_scipy():
    from scipy import stats

    rng = np.random.default_rng(1)
    x = rng.normal(size=200)
    y = x + rng.standard_t(3, 200)
    y[::7] = np.round(y[::7])  # ties
    assert pearson(x, y) == pytest.approx(stats.pearsonr(x, y).statistic, abs=1e-12)
    assert spearman(x, y) == pytest.approx(stats.spearmanr(x, y).statistic, abs=1e-12)
    assert math.isnan(pearson(np.ones(5), np.arange(5.0)))


def test_cramers_v_matches_scipy_and_the_bias_correction():
    from scipy.stats import chi2_contingency
    from scipy.stats.contingency import association

    rng = np.random.default_rng(2)
    a = rng.integers(0, 4, 500)
    b = (a + rng.integers(0, 2, 500)) % 3
    table = np.zeros((4, 3), dtype=np.int64)
    np.add.at(table, (a, b), 1)
    assert cramers_v(a, b, bias_corrected=False) == pytest.approx(
        association(table, method="cramer"), abs=1e-12
    )
    chi2 = chi2_contingency(table, correction=False)[0]
    n, r, k = 500, 4, 3
    phi2 = max(0.0, chi2 / n - (k - 1) * (r - 1) / (n - 1))
    rc, kc = r - (r - 1) ** 2 / (n - 1), k - (k - 1) ** 2 / (n - 1)
    assert cramers_v(a, b) == pytest.approx(math.sqrt(phi2 / min(rc - 1, kc - 1)), abs=1e-12)
    # independent columns: the corrected V is near 0 (the plain V is about sqrt(k / n))
    x, y = rng.integers(0, 10, 300), rng.integers(0, 10, 300)
    assert cramers_v(x, y) < 0.05 < cramers_v(x, y, bias_corrected=False)


def test_correlation_ratio_matches_the_anova_decomposition():
    from scipy.stats import f_oneway

    rng = np.random.default_rng(3)
    codes = rng.integers(0, 4, 300)
    values = codes * 0.5 + rng.normal(size=300)
    eta = correlation_ratio(codes, values, adjusted=False)
    groups = [values[codes == g] for g in range(4)]
    f = f_oneway(*groups).statistic
    k, n = 4, 300
    eta2_from_f = f * (k - 1) / (f * (k - 1) + (n - k))
    assert eta**2 == pytest.approx(eta2_from_f, rel=1e-10)
    assert correlation_ratio(codes, values) < eta  # adjusted is smaller


def test_correlation_change_fisher_z_by_hand():
    res = correlation_change(0.5, 103, 0.3, 203)
    z = (math.atanh(0.3) - math.atanh(0.5)) / math.sqrt(1 / 100 + 1 / 200)
    from scipy.stats import norm

    assert res.pvalue == pytest.approx(2 * norm.sf(abs(z)), rel=1e-12)
    assert res.ci_low < res.change < res.ci_high < 0.05
    rank = correlation_change(0.5, 103, 0.3, 203, rank=True)
    assert rank.pvalue > res.pvalue  # Spearman's z has the larger variance


def test_permutation_change_detects_a_broken_association_only():
    rng = np.random.default_rng(4)
    a = rng.integers(0, 3, 800)
    b = np.where(rng.random(800) < 0.8, a, rng.integers(0, 3, 800))
    side = rng.random(800) < 0.5
    same = permutation_change(lambda m: cramers_v(a[m], b[m]), side, n_resamples=100)
    assert same.pvalue > 0.01
    b2 = b.copy()
    b2[side] = rng.integers(0, 3, int(side.sum()))
    broken = permutation_change(lambda m: cramers_v(a[m], b2[m]), side, n_resamples=100)
    assert broken.pvalue < 1e-6 and broken.change < -0.5


# -- the gate -----------------------------------------------------------------------------------
def _pair(n: int, rho_ref: float, rho_cur: float, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)

    def draw(rho: float) -> pd.DataFrame:
        x = rng.normal(size=n)
        return pd.DataFrame({"x": x, "y": rho * x + math.sqrt(1 - rho * rho) * rng.normal(size=n)})

    return draw(rho_ref), draw(rho_cur)


def test_broken_numeric_relationship_fails_and_a_kept_one_passes():
    ref, cur = _pair(500, 0.8, 0.0)
    v = CorrelationChangeGate().check(reference=ref, current=cur)
    (f,) = v.findings
    assert f.status is Status.FAIL and f.reason == "correlation_change_exceeded"
    assert f.method == "spearman" and f.details["change"] < -0.6 and f.pvalue < 1e-10
    ref, cur = _pair(500, 0.8, 0.78)
    assert CorrelationChangeGate().check(reference=ref, current=cur).status is Status.PASS


def test_material_but_not_significant_passes_and_says_so():
    ref, cur = _pair(40, 0.5, 0.1, seed=3)
    (f,) = CorrelationChangeGate(method="pearson").check(reference=ref, current=cur).findings
    assert abs(f.details["change"]) > 0.2
    assert f.status is Status.PASS and "not significant" in f.message


def test_categorical_and_mixed_pairs():
    rng = np.random.default_rng(5)
    n = 600
    color = rng.choice(["red", "green", "blue"], n)
    size = np.where(rng.random(n) < 0.9, color, rng.choice(["red", "green", "blue"], n))
    price = (color == "red") * 2.0 + rng.normal(size=n)
    ref = pd.DataFrame({"color": color, "size": size, "price": price})
    cur = ref.copy()
    cur["size"] = rng.choice(["red", "green", "blue"], n)  # the categorical link is broken
    v = CorrelationChangeGate(n_resamples=100).check(reference=ref, current=cur)
    by = {f.subject: f for f in v.findings}
    assert by["color ~ size"].method == "cramers_v" and by["color ~ size"].status is Status.FAIL
    assert by["color ~ price"].method == "correlation_ratio" and by["color ~ price"].status is Status.PASS
    # size carried color's link to price in the reference, so that pair changes too
    assert by["size ~ price"].method == "correlation_ratio" and by["size ~ price"].status is Status.FAIL
    assert v.metrics["n_pairs"] == 3


def test_constant_missing_and_mismatched_columns():
    rng = np.random.default_rng(6)
    ref = pd.DataFrame(
        {"a": rng.normal(size=100), "b": rng.normal(size=100), "k": 1.0, "h": rng.normal(size=100)}
    )
    cur = ref.assign(h=1.0, b=np.where(np.arange(100) < 80, np.nan, ref["b"]))
    v = CorrelationChangeGate().check(reference=ref, current=cur)
    by = {f.subject: f for f in v.findings}
    assert by["k"].status is Status.SKIP and by["k"].reason == "constant_column"
    assert by["h"].status is Status.ERROR and by["h"].reason == "undefined_statistic"
    assert by["a ~ b"].reason == "insufficient_samples" and by["a ~ b"].details["n_cur"] == 20
    assert v.status is Status.ERROR
    v = CorrelationChangeGate(columns=["a", "nope"]).check(reference=ref, current=cur)
    assert any(f.reason == "missing_column" for f in v.findings)
    mixed = CorrelationChangeGate(columns=["a", "b"]).check(reference=ref, current=cur.assign(a="x"))
    assert any(f.reason == "kind_mismatch" for f in mixed.findings)


def test_text_like_columns_stay_out_of_the_default_selection():
    rng = np.random.default_rng(7)
    ref = pd.DataFrame(
        {"id": [f"u{i}" for i in range(300)], "x": rng.normal(size=300), "y": rng.normal(size=300)}
    )
    v = CorrelationChangeGate().check(reference=ref, current=ref.copy())
    assert [f.subject for f in v.findings] == ["x ~ y"] and v.status is Status.PASS


@pytest.mark.parametrize(
    ("change", "p", "n", "expected"),
    [
        (-0.5, 1e-9, 500, (Status.FAIL, "correlation_change_exceeded", "changed")),
        (-0.5, 0.2, 500, (Status.PASS, None, "not_significant")),
        (-0.1, 1e-9, 500, (Status.PASS, None, "within")),
        (-0.5, 1e-9, 20, (Status.WARN, "insufficient_samples", "insufficient")),
        (float("nan"), float("nan"), 500, (Status.ERROR, "undefined_statistic", "undefined")),
    ],
)
def test_change_decision_table(change, p, n, expected):
    facts = ChangeFacts("a ~ b", "spearman", 0.6, 0.6 + change, 0, 0, p, n, n, 0.2, 0.01, 30)
    assert tuple(decide_change(facts, insufficient=Status.WARN)) == expected


@pytest.mark.slow
def test_random_splits_of_adult_pass_at_least_99_percent():
    """Null calibration: random halves of real data (numeric, categorical and mixed pairs, with
    real dependence between the columns) pass in at least 49 of 50 splits, at 600 and 4,000
    rows per side; the rate is printed (`pytest -m slow -s`)."""
    adult = load_adult()
    cols = ["age", "education_num", "hours_per_week", "sex", "race", "workclass", "marital_status"]
    data = adult[cols]
    for n in (600, 4000):
        failed = 0
        for seed in range(50):
            sample = data.sample(n=2 * n, random_state=seed)
            v = CorrelationChangeGate(n_resamples=100, random_state=seed).check(
                reference=sample.iloc[:n], current=sample.iloc[n:]
            )
            failed += v.status is Status.FAIL
        print(f"CorrelationChangeGate null pass rate (Adult, 21 pairs), {n} rows per side: {50 - failed}/50")
        assert failed <= 1, (n, failed)


@pytest.mark.slow
def test_p_values_hold_their_level_under_the_null():
    """Raw (unadjusted) p-values of one pair are about uniform under the null: at most ~2x the
    nominal rate of p < 0.05 over 200 simulated splits, for each measure."""
    rng = np.random.default_rng(11)
    counts = {"spearman": 0, "cramers_v": 0, "correlation_ratio": 0}
    sims = 200
    for i in range(sims):
        n = 300
        x = rng.normal(size=2 * n)
        y = 0.5 * x + rng.normal(size=2 * n)
        c = np.where(x > 0, "a", "b")
        d = np.where(y + rng.normal(size=2 * n) > 0, "u", "v")
        frame = pd.DataFrame({"x": x, "y": y, "c": c, "d": d})
        for cols, measure in (
            (["x", "y"], "spearman"),
            (["c", "d"], "cramers_v"),
            (["c", "y"], "correlation_ratio"),
        ):
            v = CorrelationChangeGate(columns=cols, n_resamples=100, random_state=i).check(
                reference=frame.iloc[:n], current=frame.iloc[n:]
            )
            counts[measure] += v.findings[0].pvalue < 0.05
    print(f"CorrelationChangeGate raw p < 0.05 under the null, of {sims}: {counts}")
    for measure, hits in counts.items():
        assert hits / sims < 0.10, (measure, hits)

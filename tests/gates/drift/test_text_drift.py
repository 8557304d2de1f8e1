"""TextDriftGate on the bundled KJV verse sample: a topic shift fails with the separating words
in the details, a random split passes (null pass rate measured in the slow set); the domain AUC
and its DeLong interval against sklearn and the U-statistic definition."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mlgates import Status, TextDriftGate
from mlgates.datasets import load_kjv_verses
from mlgates.stats.embedding import domain_auc


@pytest.fixture(scope="module")
def verses() -> pd.DataFrame:
    return load_kjv_verses()


# -- the AUC kernel -----------------------------------------------------------------------------
def _delong_by_definition(y: np.ndarray, s: np.ndarray) -> tuple[float, float]:
    """AUC and DeLong's variance from the pairwise kernel psi (O(m n)), DeLong et al. (1988)."""
    pos, neg = s[y == 1], s[y == 0]
    psi = (pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])
    v10, v01 = psi.mean(axis=1), psi.mean(axis=0)
    return float(psi.mean()), float(v10.var(ddof=1) / pos.size + v01.var(ddof=1) / neg.size)


@pytest.mark.parametrize("ties", [False, True])
def test_domain_auc_matches_sklearn_and_delongs_definition(ties):
    from scipy.special import expit, logit
    from scipy.stats import norm
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(0)
    y = np.r_[np.zeros(130), np.ones(170)].astype(int)
    s = 0.6 * y + rng.normal(size=300)
    if ties:
        s = np.round(s, 1)
    res = domain_auc(y, s, confidence=0.9)
    auc, var = _delong_by_definition(y, s)
    assert res.auc == pytest.approx(roc_auc_score(y, s), abs=1e-12) == pytest.approx(auc, abs=1e-12)
    assert res.se**2 == pytest.approx(var, rel=1e-10)
    half = norm.ppf(0.95) * np.sqrt(var) / (auc * (1 - auc))
    assert res.ci_low == pytest.approx(expit(logit(auc) - half), abs=1e-12)
    assert res.ci_high == pytest.approx(expit(logit(auc) + half), abs=1e-12)


# -- the gate -----------------------------------------------------------------------------------
def test_topic_shift_fails_with_the_separating_words(verses):
    proverbs, acts = verses[verses.book == "Proverbs"], verses[verses.book == "Acts"]
    v = TextDriftGate(columns="text", cv=3, n_top_features=5).check(reference=proverbs, current=acts)
    (f,) = v.findings
    assert f.status is Status.FAIL and f.reason == "drift_detected" and f.method == "tfidf_classifier"
    assert f.details["ci_low"] > 0.9 and f.statistic > f.details["ci_low"]
    top = f.details["top_terms"]
    assert len(top["current"]) == len(top["reference"]) == 5
    assert all(t["weight"] > 0 for t in top["current"]) and all(t["weight"] < 0 for t in top["reference"])
    assert "wicked" in {t["term"] for t in top["reference"]}  # Proverbs' vocabulary
    assert "wicked" not in f.message  # words stay in the details
    assert v.metrics["n_drifted"] == 1


def test_random_split_passes(verses):
    shuffled = verses.sample(frac=1.0, random_state=5)
    v = TextDriftGate(columns="text", cv=3, n_top_features=0).check(
        reference=shuffled[:600], current=shuffled[600:]
    )
    (f,) = v.findings
    assert f.status is Status.PASS and f.details["ci_low"] <= 0.55 and f.details["top_terms"] == {}


def test_warn_threshold_and_insufficient_samples(verses):
    genesis, matthew = verses[verses.book == "Genesis"], verses[verses.book == "Matthew"]
    v = TextDriftGate(columns="text", cv=3, threshold=1.0, warn_threshold=0.6).check(
        reference=genesis, current=matthew
    )
    assert v.status is Status.WARN and v.findings[0].threshold == 0.6
    few = TextDriftGate(columns="text").check(reference=genesis[:30], current=matthew)
    assert few.status is Status.WARN and few.findings[0].reason == "insufficient_samples"
    fail = TextDriftGate(columns="text", on_insufficient="fail").check(
        reference=genesis[:30], current=matthew
    )
    assert fail.status is Status.FAIL


def test_default_selection_missing_texts_and_non_text_columns(verses):
    ref = verses[verses.book == "Genesis"].reset_index(drop=True)
    cur = verses[verses.book == "Genesis"].sample(frac=1.0, random_state=1).reset_index(drop=True)
    cur.loc[:9, "text"] = None
    v = TextDriftGate(cv=3).check(reference=ref, current=cur)
    # free text is judged by default; the book (one value) and the chapter numbers are not
    assert [f.subject for f in v.findings] == ["text"]
    assert v.findings[0].details["n_missing_cur"] == 10 and v.findings[0].details["n_cur"] == 290
    bad = TextDriftGate(columns=["chapter", "nope"]).check(reference=ref, current=cur)
    assert {f.reason for f in bad.findings} == {"unsupported_dtype", "missing_column"}
    assert bad.status is Status.ERROR


def test_texts_without_words_carry_no_signal():
    ref = pd.DataFrame({"t": ["?!"] * 60})
    cur = pd.DataFrame({"t": ["..."] * 60})
    (f,) = TextDriftGate(columns="t", cv=3).check(reference=ref, current=cur).findings
    assert f.statistic == pytest.approx(0.5) and f.status is Status.PASS


def test_inputs_are_not_mutated(verses):
    ref, cur = verses[:300].copy(), verses[300:600].copy()
    before = (ref.copy(), cur.copy())
    TextDriftGate(columns="text", cv=2, n_top_features=2).check(reference=ref, current=cur)
    pd.testing.assert_frame_equal(ref, before[0])
    pd.testing.assert_frame_equal(cur, before[1])


@pytest.mark.slow
def test_null_pass_rate_on_random_splits(verses):
    """Random halves of the verse sample (600 and 150 texts per side) pass in at least 98% of
    100 splits each; the rate is printed (`pytest -m slow -s`)."""
    for n in (600, 150):
        passed = 0
        sims = 100
        for seed in range(sims):
            sample = verses.sample(n=2 * n, random_state=seed)
            v = TextDriftGate(columns="text", n_top_features=0, random_state=seed).check(
                reference=sample[:n], current=sample[n:]
            )
            passed += v.status is Status.PASS
        print(f"TextDriftGate null pass rate, {n} texts per side: {passed}/{sims}")
        assert passed >= 98, (n, passed)

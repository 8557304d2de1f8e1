"""Parity of DriftGate with Evidently 0.7's drift tests (runs in the evidently, pandas<3 env).

Where the definitions match, mlgates' number equals Evidently's to 1e-9 (relative) and the drift
decisions agree; every deliberate difference has a test below that shows it, with scipy as the
oracle for both sides. docs/migrating_from_evidently.md lists the same table.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from evidently import Report
from evidently.legacy.calculations import stattests as ev_stattests
from evidently.legacy.calculations.stattests.tvd_stattest import _total_variation_distance
from evidently.metrics import ValueDrift
from evidently.presets import DataDriftPreset
from scipy import stats

from mlgates import DriftGate, Status
from mlgates.integrations.evidently import EvidentlyGate, _stattest_name
from mlgates.stats import drift as kernels

pytestmark = pytest.mark.evidently

#: Evidently stattest name -> mlgates method name (where they differ).
OUR_NAME = {"ed": "energy", "mannw": "mannwhitneyu", "TVD": "tvd"}
#: Evidently's default threshold per stattest, read from Evidently itself.
EV_DEFAULT = {
    obj.name: obj.default_threshold
    for obj in vars(ev_stattests).values()
    if isinstance(obj, ev_stattests.StatTest)
}
REL = 1e-9


def _scenario(
    kind: str, n_ref: int = 600, n_cur: int = 500, seed: int = 2
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Reference and current tables: float column, discrete float column (<= 20 values),
    string categories (one vanishes, one appears in current) and a binary string column."""
    rng = np.random.default_rng(seed)
    shift = {"same": 0.0, "mild": 0.12, "strong": 0.8}[kind]
    ref = pd.DataFrame(
        {
            "num": rng.normal(0, 1, n_ref),
            "disc": rng.integers(0, 8, n_ref).astype(float),
            "cat": rng.choice(list("abcd"), n_ref, p=[0.4, 0.3, 0.2, 0.1]),
            "bin": rng.choice(["no", "yes"], n_ref, p=[0.5, 0.5]),
        }
    )
    p_cat = [0.4, 0.3, 0.2, 0.1] if kind == "same" else [0.55 - shift / 4, 0.25, 0.1 + shift / 4, 0.1]
    cur = pd.DataFrame(
        {
            "num": rng.normal(shift, 1 + shift / 4, n_cur),
            "disc": np.clip(rng.integers(0, 8, n_cur) + (rng.random(n_cur) < shift), 0, 8).astype(float),
            "cat": rng.choice(list("abcd" if kind == "same" else "abce"), n_cur, p=p_cat),
            "bin": rng.choice(["no", "yes"], n_cur, p=[0.5 - shift / 4, 0.5 + shift / 4]),
        }
    )
    return ref, cur


def _evidently(ref: pd.DataFrame, cur: pd.DataFrame, pairs: list[tuple[str, str]], **kw) -> dict:
    """{(column, stattest): (score, drifted)} from one Evidently report of ValueDrift metrics."""
    metrics = [ValueDrift(column=c, method=m, **kw) for c, m in pairs]
    np.random.seed(0)  # noqa: NPY002 - Evidently's permutation tests draw from numpy's global generator
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        snapshot = Report(metrics, include_tests=True).run(cur, ref)
    out = {}
    for (column, method), result in zip(pairs, snapshot.dict()["metrics"], strict=True):
        assert result["config"]["column"] == column
        tests = [t for t in snapshot.tests_results if t.metric_config.metric_id == result["id"]]
        out[(column, method)] = (result["value"], tests[0].status.value == "FAIL")
    return out


def _ours(ref: pd.DataFrame, cur: pd.DataFrame, column: str, method: str, **kw):
    """mlgates' finding for one column with Evidently's default threshold and binning."""
    gate = DriftGate(
        columns=[column],
        method=OUR_NAME.get(method, method),
        bins="evidently",
        threshold=EV_DEFAULT[method],
        n_jobs=1,
        **kw,
    )
    finding = gate.check(reference=ref, current=cur).findings[0]
    assert finding.subject == column and finding.reason in (None, "drift_detected"), finding
    return finding


# -- same definitions: same numbers, same decisions ---------------------------------------------
MATCHING = [  # (column, Evidently stattest, compared field)
    ("num", "ks", "pvalue"),
    ("num", "wasserstein", "statistic"),
    ("num", "ed", "statistic"),
    ("num", "anderson", "pvalue"),
    ("num", "cramer_von_mises", "pvalue"),
    ("num", "psi", "statistic"),
    ("num", "kl_div", "statistic"),
    ("num", "jensenshannon", "statistic"),
    ("num", "hellinger", "statistic"),
    ("disc", "psi", "statistic"),
    ("disc", "kl_div", "statistic"),
    ("disc", "jensenshannon", "statistic"),
    ("disc", "hellinger", "statistic"),
    ("cat", "psi", "statistic"),
    ("cat", "kl_div", "statistic"),
    ("cat", "jensenshannon", "statistic"),
    ("cat", "hellinger", "statistic"),
    ("bin", "z", "pvalue"),
    ("bin", "psi", "statistic"),
    ("bin", "jensenshannon", "statistic"),
]


@pytest.fixture(scope="module", params=["same", "mild", "strong"])
def scenario(request):
    ref, cur = _scenario(request.param)
    return request.param, ref, cur, _evidently(ref, cur, [(c, m) for c, m, _ in MATCHING])


@pytest.mark.parametrize(("column", "method", "field"), MATCHING, ids=[f"{c}-{m}" for c, m, _ in MATCHING])
def test_same_number_and_decision_as_evidently(scenario, column, method, field):
    _, ref, cur, evidently = scenario
    score, drifted = evidently[(column, method)]
    finding = _ours(ref, cur, column, method)
    assert getattr(finding, field) == pytest.approx(score, rel=REL, abs=1e-12)
    assert (finding.status is Status.FAIL) == drifted


def test_scenarios_cover_both_decisions(scenario):
    name, _, _, evidently = scenario
    decisions = {drifted for _, drifted in evidently.values()}
    assert decisions == ({False} if name == "same" else {True} if name == "strong" else {True, False})


def test_fisher_exact_matches_on_equal_sizes():
    # Evidently's fisher_exact only runs when reference and current have the same length
    for kind in ("same", "strong"):
        ref, cur = _scenario(kind, n_ref=400, n_cur=400)
        score, drifted = _evidently(ref, cur, [("bin", "fisher_exact")])[("bin", "fisher_exact")]
        finding = _ours(ref, cur, "bin", "fisher_exact")
        assert finding.pvalue == pytest.approx(score, rel=REL)
        assert (finding.status is Status.FAIL) == drifted


# -- DataDriftPreset's default rule -----------------------------------------------------------
@pytest.mark.parametrize("n_ref", [600, 1500])
@pytest.mark.parametrize("kind", ["same", "strong"])
def test_default_rule_same_methods_numbers_and_decisions(n_ref, kind):
    ref, cur = _scenario(kind, n_ref=n_ref, n_cur=n_ref - 100)
    ref, cur = ref.assign(cat=ref["cat"].replace("d", "c")), cur.assign(cat=cur["cat"].replace("e", "c"))
    gate = EvidentlyGate(DataDriftPreset())
    ev_verdict = gate.check(reference=ref, current=cur)
    ours = DriftGate().check(reference=ref, current=cur)
    ev_by_col = {f.subject: f for f in ev_verdict.findings if f.details["evidently_test_id"] == "drift"}
    not_columns = ("drift_share", "missing_share", "new_categories")
    our_by_col = {f.subject: f for f in ours.findings if f.method not in not_columns}
    assert set(ev_by_col) == set(our_by_col) == {"num", "disc", "cat", "bin"}
    expected = {"ks", "chisquare", "z"} if n_ref <= 1000 else {"wasserstein", "jensenshannon"}
    assert {f.method for f in our_by_col.values()} <= expected
    for column, ev in ev_by_col.items():
        our = our_by_col[column]
        assert our.method == ev.method, column  # the same choice of method
        assert (our.status is Status.FAIL) == (ev.status is Status.FAIL), column
        if our.method != "chisquare":  # chi-square: a deliberate difference (below)
            ours_value = our.pvalue if our.method in kernels.PVALUE_METHODS else our.statistic
            assert ours_value == pytest.approx(ev.statistic, rel=REL, abs=1e-12), column
    # the dataset-level rule: drifted share >= drift_share fails, in both
    share = ev_verdict.metrics["DriftedColumnsCount(drift_share=0.5).share"]
    assert ours.metrics["drift_share"] == pytest.approx(share)
    by_share = next(f for f in ours.findings if f.method == "drift_share")
    assert (by_share.status is Status.FAIL) == (share >= 0.5)
    if kind == "same":
        # a deliberate difference: "d" is a category current has and reference lacks (about 9% of
        # its rows); the gate fails on our new-category rule although fewer than half the columns drift
        new = [f for f in ours.findings if f.method == "new_categories"]
        assert [(f.subject, f.status) for f in new] == [("cat", Status.FAIL)]
        assert ours.status is Status.FAIL
    else:
        assert ours.status is by_share.status


# -- deliberate differences, each shown against scipy ------------------------------------------
def _counts(ref: pd.Series, cur: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    keys = sorted(set(ref) | set(cur))
    return (
        np.array([(ref == k).sum() for k in keys], dtype=float),
        np.array([(cur == k).sum() for k in keys], dtype=float),
    )


def test_chisquare_evidently_is_goodness_of_fit_ours_is_two_sample():
    ref, cur = _scenario("mild")
    for column in ("bin", "cat"):
        score, _ = _evidently(ref, cur, [(column, "chisquare")])[(column, "chisquare")]
        r, c = _counts(ref[column], cur[column])
        with np.errstate(divide="ignore", invalid="ignore"):
            gof = stats.chisquare(c, r * c.sum() / r.sum()).pvalue
        assert score == pytest.approx(gof, rel=REL)  # current counts vs rescaled reference counts
        keep = (r + c) > 0
        homogeneity = stats.chi2_contingency(np.vstack((r[keep], c[keep]))).pvalue
        assert _ours(ref, cur, column, "chisquare").pvalue == pytest.approx(homogeneity, rel=REL)
    # a category new in current has expected count 0: Evidently's p-value is 0, whatever the counts
    assert _evidently(ref, cur, [("cat", "chisquare")])[("cat", "chisquare")][0] == 0.0
    assert _ours(ref, cur, "cat", "chisquare").pvalue > 0.0
    # on the binary column the two answers differ: Evidently ignores the reference's sampling error
    ev_bin = _evidently(ref, cur, [("bin", "chisquare")])[("bin", "chisquare")][0]
    assert ev_bin < _ours(ref, cur, "bin", "chisquare").pvalue


def test_g_test_evidently_is_goodness_of_fit_on_raw_counts():
    ref, cur = _scenario("mild", n_ref=500, n_cur=500)
    score, _ = _evidently(ref, cur, [("cat", "g_test")])[("cat", "g_test")]
    r, c = _counts(ref["cat"], cur["cat"])
    assert score == pytest.approx(stats.power_divergence(c, r, lambda_="log-likelihood").pvalue, rel=REL)
    keep = (r + c) > 0
    ours = stats.chi2_contingency(np.vstack((r[keep], c[keep])), correction=False, lambda_="log-likelihood")
    assert _ours(ref, cur, "cat", "g_test").pvalue == pytest.approx(ours.pvalue, rel=REL)
    # unequal sizes: Evidently's reference counts are not rescaled and scipy refuses them
    ref, cur = _scenario("mild", n_ref=600, n_cur=500)
    verdict = EvidentlyGate(ValueDrift(column="cat", method="g_test")).check(reference=ref, current=cur)
    assert verdict.status is Status.ERROR and verdict.reason == "evidently_error"
    assert _ours(ref, cur, "cat", "g_test").pvalue is not None


def test_mannw_evidently_is_one_sided():
    for kind, sign in (("strong", 1.0), ("strong", -1.0)):
        ref, cur = _scenario(kind)
        cur = cur.assign(num=cur["num"] * sign)  # sign -1: current shifted down instead of up
        score, ev_drift = _evidently(ref, cur, [("num", "mannw")])[("num", "mannw")]
        assert score == pytest.approx(
            stats.mannwhitneyu(ref["num"], cur["num"], alternative="less").pvalue, rel=REL
        )
        finding = _ours(ref, cur, "num", "mannw")
        assert finding.pvalue == pytest.approx(stats.mannwhitneyu(ref["num"], cur["num"]).pvalue, rel=REL)
        assert finding.status is Status.FAIL  # two-sided: a shift either way is drift
        assert ev_drift is (sign > 0)  # Evidently only flags current values larger than reference


def test_t_test_evidently_is_student_ours_is_welch():
    ref, cur = _scenario("mild")
    score, _ = _evidently(ref, cur, [("num", "t_test")])[("num", "t_test")]
    assert score == pytest.approx(stats.ttest_ind(ref["num"], cur["num"]).pvalue, rel=REL)
    assert kernels.t_test(
        ref["num"].to_numpy(), cur["num"].to_numpy(), equal_var=True
    ).pvalue == pytest.approx(score, rel=REL)
    welch = stats.ttest_ind(ref["num"], cur["num"], equal_var=False).pvalue
    assert _ours(ref, cur, "num", "t_test").pvalue == pytest.approx(welch, rel=REL)
    assert abs(welch - score) > 1e-6


def test_tvd_evidently_reports_a_permutation_pvalue_ours_the_distance():
    base, _ = _scenario("same")
    flipped = base.assign(cat=base["cat"].map({"a": "d", "d": "a", "b": "b", "c": "c"}))
    cases = {
        "identical": (base, base.sample(frac=1, random_state=0)),
        "far": (base, flipped),
        "moderate": _scenario("same"),
    }
    decisions = {}
    for case, (ref, cur) in cases.items():
        score, ev_drift = _evidently(ref, cur, [("cat", "TVD")])[("cat", "TVD")]
        finding = _ours(ref, cur, "cat", "TVD")
        assert finding.statistic == pytest.approx(_total_variation_distance(ref["cat"], cur["cat"]), rel=REL)
        assert finding.pvalue is None and 0.0 <= score <= 1.0  # Evidently's score is a p-value
        decisions[case] = (ev_drift, finding.status is Status.FAIL, finding.statistic)
    assert decisions["identical"][:2] == (False, False)
    assert decisions["far"][:2] == (True, True)
    # two samples of one distribution: a 0.09 distance is rare under permutation (Evidently: p < 0.1)
    # but under the 0.1 bound, so the two rules disagree
    ev_drift, our_drift, distance = decisions["moderate"]
    assert ev_drift and not our_drift and distance < 0.1


def test_empirical_mmd_bandwidth_and_pvalue_differ():
    for kind in ("same", "strong"):
        ref, cur = _scenario(kind, n_ref=300, n_cur=250)
        _, ev_drift = _evidently(ref, cur, [("num", "empirical_mmd")])[("num", "empirical_mmd")]
        finding = _ours(ref, cur, "num", "empirical_mmd")
        # ours: unbiased MMD^2, RBF kernel, bandwidth = median pooled pairwise distance
        x, y = ref["num"].to_numpy(), cur["num"].to_numpy()
        z = np.concatenate((x, y))
        d2 = (z[:, None] - z[None, :]) ** 2
        sigma2 = np.median(d2[np.triu_indices(z.size, 1)])
        k = np.exp(-d2 / (2 * sigma2))
        np.fill_diagonal(k, 0.0)
        nx, ny = x.size, y.size
        mmd2 = (
            k[:nx, :nx].sum() / (nx * (nx - 1)) + k[nx:, nx:].sum() / (ny * (ny - 1)) - 2 * k[:nx, nx:].mean()
        )
        assert finding.statistic == pytest.approx(mmd2, rel=1e-6)
        assert (finding.status is Status.FAIL) == ev_drift


def test_cramer_von_mises_small_samples_evidently_exact_ours_asymptotic():
    ref, cur = _scenario("mild", n_ref=15, n_cur=12)
    score, _ = _evidently(ref, cur, [("num", "cramer_von_mises")])[("num", "cramer_von_mises")]
    exact = stats.cramervonmises_2samp(ref["num"], cur["num"], method="exact").pvalue
    asymptotic = stats.cramervonmises_2samp(ref["num"], cur["num"], method="asymptotic").pvalue
    assert score == pytest.approx(exact, rel=1e-6)
    assert _ours(ref, cur, "num", "cramer_von_mises", min_samples=10).pvalue == pytest.approx(
        asymptotic, rel=1e-6
    )


def test_evidently_fisher_exact_needs_equal_sizes():
    ref, cur = _scenario("strong", n_ref=600, n_cur=500)
    verdict = EvidentlyGate(ValueDrift(column="bin", method="fisher_exact")).check(reference=ref, current=cur)
    assert verdict.status is Status.ERROR and "equal length" in verdict.message
    assert _ours(ref, cur, "bin", "fisher_exact").status is Status.FAIL


def test_boundary_ties_ks_and_energy():
    # Evidently: ks drifts at p <= threshold, energy at statistic > threshold; ours: p < threshold
    # and statistic >= threshold for every method. Only an exact tie tells them apart.
    ref, cur = _scenario("mild")
    p, _ = _evidently(ref, cur, [("num", "ks")])[("num", "ks")]
    _, ev_ks = _evidently(ref, cur, [("num", "ks")], threshold=p)[("num", "ks")]
    ours_ks = (
        DriftGate(columns=["num"], method="ks", threshold=p).check(reference=ref, current=cur).findings[0]
    )
    assert ev_ks and ours_ks.status is Status.PASS
    e, _ = _evidently(ref, cur, [("num", "ed")])[("num", "ed")]
    _, ev_ed = _evidently(ref, cur, [("num", "ed")], threshold=e)[("num", "ed")]
    ours_ed = (
        DriftGate(columns=["num"], method="energy", threshold=e).check(reference=ref, current=cur).findings[0]
    )
    assert not ev_ed and ours_ed.status is Status.FAIL


def test_default_thresholds_differ_for_some_tests():
    # Evidently uses 0.1 for these p-value tests; DriftGate uses 0.05 for every p-value method
    ref, cur = _scenario("mild")
    for method in ("anderson", "cramer_von_mises"):
        assert EV_DEFAULT[method] == 0.1
        finding = DriftGate(columns=["num"], method=method).check(reference=ref, current=cur).findings[0]
        assert finding.threshold == 0.05
    assert {EV_DEFAULT[m] for m in ("fisher_exact", "g_test", "TVD", "empirical_mmd")} == {0.1}


def test_small_integer_columns_are_categorical_in_evidently():
    rng = np.random.default_rng(3)
    ref = pd.DataFrame({"rooms": rng.integers(1, 9, 500)})
    cur = pd.DataFrame({"rooms": rng.integers(1, 9, 500)})
    ev = EvidentlyGate(DataDriftPreset()).check(reference=ref, current=cur)
    ev_finding = next(f for f in ev.findings if f.subject == "rooms")
    assert ev_finding.method == "chisquare"
    assert DriftGate().check(reference=ref, current=cur).findings[0].method == "ks"
    ours = DriftGate(kinds={"rooms": "categorical"}).check(reference=ref, current=cur).findings[0]
    assert ours.method == "chisquare"


def test_reference_frozen_bins_differ_from_evidently_bins():
    ref, cur = _scenario("mild")
    score, _ = _evidently(ref, cur, [("num", "psi")])[("num", "psi")]
    frozen = DriftGate(columns=["num"], method="psi").check(reference=ref, current=cur).findings[0]
    assert frozen.details["bins"]["type"] == "quantile"
    assert abs(frozen.statistic - score) > 1e-3
    pooled = _ours(ref, cur, "num", "psi")
    assert pooled.details["bins"]["type"] == "evidently" and pooled.statistic == pytest.approx(score, rel=REL)


def test_stattest_names_resolve():
    assert _stattest_name("K-S p_value") == "ks"
    assert _stattest_name("Wasserstein distance (normed)") == "wasserstein"
    assert _stattest_name("no such test") is None


def test_one_bad_column_stops_evidently_but_not_drift_gate():
    ref, cur = _scenario("strong")
    cur = cur.assign(disc=np.nan)  # no values left to compare in current
    both = [ValueDrift(column="num"), ValueDrift(column="disc")]
    ev = EvidentlyGate(both).check(reference=ref, current=cur)
    assert ev.status is Status.ERROR and ev.reason == "evidently_error" and not ev.findings
    ours = DriftGate(columns=["num", "disc"]).check(reference=ref, current=cur)
    by_column = {f.subject: f for f in ours.findings if f.method != "missing_share"}
    assert by_column["num"].status is Status.FAIL and by_column["disc"].status is Status.ERROR


def test_text_columns_evidently_compares_drift_gate_skips():
    rng = np.random.default_rng(5)
    words = np.array(["red", "green", "blue", "cyan", "gold", "pink", "gray", "teal"])

    def texts(n):
        return [" ".join(rng.choice(words, 6)) + f" #{i}" for i in range(n)]

    ref, cur = pd.DataFrame({"note": texts(300)}), pd.DataFrame({"note": texts(300)})
    ev = EvidentlyGate(DataDriftPreset()).check(reference=ref, current=cur)
    note = next(f for f in ev.findings if f.subject == "note")
    assert note.status in (Status.PASS, Status.FAIL)  # Evidently judged it (a text-content test)
    ours = DriftGate().check(reference=ref, current=cur).findings[0]
    assert ours.status is Status.SKIP and ours.reason == "unsupported_kind"

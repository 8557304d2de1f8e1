"""Drift kernels against scipy.stats / statsmodels as oracles, on many generated inputs."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.spatial import distance

from mlgates.stats import binning, contingency
from mlgates.stats import drift as k

RTOL = 1e-9
ATOL = 1e-14


def close(a, b):
    np.testing.assert_allclose(a, b, rtol=RTOL, atol=ATOL)


def samples(min_size: int = 2, max_size: int = 60):
    """Pairs of samples; a coarse grid makes ties frequent, a fine one makes them rare."""
    grid = st.sampled_from([1.0, 0.5, 0.01, 1e-6])
    values = st.lists(st.integers(-40, 40), min_size=min_size, max_size=max_size)
    return st.tuples(values, values, grid, st.floats(-1e3, 1e3)).map(
        lambda t: (np.array(t[0]) * t[2] + t[3], np.array(t[1]) * t[2] * 1.5 + t[3])
    )


def count_pairs(min_len: int = 2, max_len: int = 8):
    return (
        st.integers(min_len, max_len)
        .flatmap(
            lambda m: st.tuples(
                st.lists(st.integers(0, 60), min_size=m, max_size=m),
                st.lists(st.integers(0, 60), min_size=m, max_size=m),
            )
        )
        .map(lambda t: (np.array(t[0]), np.array(t[1])))
    )


@settings(max_examples=150, deadline=None)
@given(samples())
def test_ks_matches_scipy(pair):
    a, b = pair
    r = k.ks(a, b)
    o = stats.ks_2samp(a, b)
    close(r.statistic, o.statistic)
    close(r.pvalue, o.pvalue)


def test_ks_asymptotic_branch_matches_scipy():
    rng = np.random.default_rng(3)
    for shift in (0.0, 0.02, 0.1):
        a = rng.normal(0, 1, 12_000).round(2)
        b = rng.normal(shift, 1, 15_000).round(2)
        r, o = k.ks(a, b), stats.ks_2samp(a, b)
        close(r.statistic, o.statistic)
        close(r.pvalue, o.pvalue)


@settings(max_examples=150, deadline=None)
@given(samples(min_size=1))
def test_wasserstein_normed_and_energy_match_scipy(pair):
    a, b = pair
    close(k.wasserstein(a, b).statistic, stats.wasserstein_distance(a, b) / max(np.std(a), 0.001))
    close(k.wasserstein(a, b, normed=False).statistic, stats.wasserstein_distance(a, b))
    close(k.energy(a, b).statistic, stats.energy_distance(a, b))


@pytest.mark.parametrize(
    "n1, n2", [(1, 1), (1, 7), (7, 1), (4, 6), (6, 4), (12, 18), (999, 1000), (3000, 3000), (20_000, 7000)]
)
@pytest.mark.parametrize("tied", [False, True])
def test_wasserstein_from_quantiles_matches_scipy_at_any_sizes(n1, n2, tied):
    # the distance is computed from both quantile functions on the integer grid n1 * n2
    # (steps shared when the sizes have common factors, equal sizes in one pass): same value
    # as scipy's merge of the two samples, to rounding
    rng = np.random.default_rng(n1 * 31 + n2)
    a, b = rng.normal(0, 1, n1), rng.normal(0.4, 1.3, n2)
    if tied:
        a, b = a.round(0), b.round(0)
    close(k.wasserstein(a, b, normed=False).statistic, stats.wasserstein_distance(a, b))
    close(k.wasserstein(b, a, normed=False).statistic, stats.wasserstein_distance(a, b))


@settings(max_examples=150, deadline=None)
@given(samples())
def test_mannwhitneyu_matches_scipy(pair):
    a, b = pair
    assume(np.ptp(np.concatenate([a, b])) > 0)
    r = k.mannwhitneyu(a, b)
    o = stats.mannwhitneyu(a, b, method="asymptotic")
    close(r.statistic, o.statistic)
    close(r.pvalue, o.pvalue)


@settings(max_examples=150, deadline=None)
@given(samples(), st.booleans())
def test_t_test_matches_scipy(pair, equal_var):
    a, b = pair
    assume(np.var(a) > 0 and np.var(b) > 0)
    r = k.t_test(a, b, equal_var=equal_var)
    o = stats.ttest_ind(a, b, equal_var=equal_var)
    close(r.statistic, o.statistic)
    close(r.pvalue, o.pvalue)


@settings(max_examples=150, deadline=None)
@given(samples())
def test_cramer_von_mises_matches_scipy(pair):
    a, b = pair
    r = k.cramer_von_mises(a, b)
    pooled = np.concatenate([a, b])
    # brute-force definition: right-continuous ECDFs at every pooled value
    fx = np.searchsorted(np.sort(a), pooled, side="right") / a.size
    fy = np.searchsorted(np.sort(b), pooled, side="right") / b.size
    close(r.statistic, a.size * b.size / pooled.size**2 * np.sum((fx - fy) ** 2))
    if np.unique(pooled).size == pooled.size:  # scipy's rank formula agrees without ties
        o = stats.cramervonmises_2samp(a, b, method="asymptotic")
        close(r.statistic, o.statistic)
        close(r.pvalue, o.pvalue)


def test_cramer_von_mises_keeps_its_level_on_tied_data():
    """A mostly-zero column (as in sklearn's digits): a rank formula with mid-ranks (scipy's
    cramervonmises_2samp) flags most random splits; the CDF form keeps the nominal level."""
    rng = np.random.default_rng(3)
    ours = theirs = 0
    for _ in range(200):
        pooled = np.where(rng.random(500) < 0.9, 0.0, rng.integers(1, 17, 500).astype(float))
        a, b = pooled[:300], pooled[300:]
        ours += k.cramer_von_mises(a, b).pvalue < 0.05
        theirs += stats.cramervonmises_2samp(a, b, method="asymptotic").pvalue < 0.05
    assert ours / 200 <= 0.05 + 3.5 * np.sqrt(0.05 * 0.95 / 200)
    assert theirs / 200 > 0.5


@pytest.mark.parametrize("method", ["anderson", "cramer_von_mises"])
def test_tied_columns_keep_the_level_with_permutation_pvalues(method):
    """A column like sklearn's digits pixels (half zeros, 16 other values): the asymptotic
    distributions flag about 10% of random splits; permutation p-values hold 5%."""
    rng = np.random.default_rng(11)
    weights = np.r_[0.5, np.full(16, 0.5 / 16)]
    hits = {False: 0, None: 0}
    reps = 300
    for i in range(reps):
        pooled = rng.choice(17, 700, p=weights).astype(float)
        a, b = pooled[:420], pooled[420:]
        for perm in hits:
            hits[perm] += getattr(k, method)(a, b, permutation=perm, random_state=i).pvalue < 0.05
    margin = 3.5 * np.sqrt(0.05 * 0.95 / reps)
    assert hits[None] / reps <= 0.05 + margin
    assert hits[False] / reps > hits[None] / reps


def test_permutation_pvalue_matches_scipy_permutation_test():
    """The count-table permutation p-value of cramer_von_mises against scipy's
    permutation_test on the raw values (same statistic, both Monte Carlo)."""
    rng = np.random.default_rng(2)
    a = rng.integers(0, 4, 60).astype(float)
    b = (rng.integers(0, 4, 50) + (rng.random(50) < 0.3)).astype(float)

    def stat(x, y):
        return k.cramer_von_mises(x, y, permutation=False).statistic

    oracle = stats.permutation_test(
        (a, b), stat, permutation_type="independent", n_resamples=4000, alternative="greater", random_state=0
    ).pvalue
    ours = k.cramer_von_mises(a, b).pvalue
    assert abs(ours - oracle) < 0.03


@settings(max_examples=150, deadline=None)
@given(samples(min_size=3))
def test_anderson_matches_scipy(pair):
    a, b = pair
    assume(np.unique(np.concatenate([a, b])).size >= 2)
    r = k.anderson(a, b, permutation=False)  # tied samples get a permutation p-value by default
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        o = stats.anderson_ksamp([a, b], variant="midrank")
    close(r.statistic, o.statistic)
    close(r.pvalue, o.pvalue)


def test_presorted_gives_the_same_numbers():
    rng = np.random.default_rng(0)
    a, b = rng.normal(0, 1, 300), rng.normal(0.3, 2, 200)
    sa, sb = np.sort(a), np.sort(b)
    for name in ("ks", "wasserstein", "energy", "mannwhitneyu", "cramer_von_mises", "anderson"):
        fn = getattr(k, name)
        assert fn(a, b) == fn(sa, sb, presorted=True), name


@settings(max_examples=200, deadline=None)
@given(count_pairs())
def test_chisquare_and_g_test_match_chi2_contingency(pair):
    r, c = pair
    assume(r.sum() > 0 and c.sum() > 0)
    table = np.vstack([r, c])
    table = table[:, table.sum(axis=0) > 0]
    assume(table.shape[1] >= 2)
    o = stats.chi2_contingency(table)
    close(k.chisquare(r, c).statistic, o.statistic)
    close(k.chisquare(r, c, permutation=False).pvalue, o.pvalue)
    og = stats.chi2_contingency(table, lambda_="log-likelihood", correction=False)
    close(k.g_test(r, c).statistic, og.statistic)
    close(k.g_test(r, c, permutation=False).pvalue, og.pvalue)
    if not contingency.sparse(o.expected_freq):  # sparse tables get a permutation p-value
        close(k.chisquare(r, c).pvalue, o.pvalue)
        close(k.g_test(r, c).pvalue, og.pvalue)


@settings(max_examples=200, deadline=None)
@given(count_pairs())
def test_binned_distances_match_scipy(pair):
    r, c = pair
    assume(r.sum() > 0 and c.sum() > 0)
    p, q = r / r.sum(), c / c.sum()
    close(k.jensenshannon(r, c).statistic, distance.jensenshannon(p, q))
    ps, qs = binning.smooth_proportions(p), binning.smooth_proportions(q)
    close(k.kl_div(r, c).statistic, stats.entropy(ps, qs))
    close(k.psi(r, c).statistic, float(np.sum((ps - qs) * np.log(ps / qs))))
    # the 1 - Bhattacharyya form loses ~1e-8 to cancellation under the square root
    bc = np.sqrt(max(1 - np.sum(np.sqrt(p * q)), 0.0))
    np.testing.assert_allclose(k.hellinger(r, c).statistic, bc, rtol=1e-7, atol=2e-7)
    close(k.tvd(r, c).statistic, np.max([abs(p[m].sum() - q[m].sum()) for m in _subsets(len(p))]))


def _subsets(n):
    idx = np.arange(n)
    return [((np.arange(1 << n)[i] >> idx) & 1).astype(bool) for i in range(1 << n)]


@settings(max_examples=200, deadline=None)
@given(st.tuples(*(st.integers(0, 80) for _ in range(4))))
def test_z_and_fisher_match_statsmodels_and_scipy(cells):
    from statsmodels.stats.proportion import proportions_ztest

    a, b, c, d = cells
    assume(a + b > 0 and c + d > 0)
    r, cur = np.array([a, b]), np.array([c, d])
    res = k.z(r, cur)
    if 0 < a + c < a + b + c + d:
        zs, pz = proportions_ztest([a, c], [a + b, c + d])
        close(res.statistic, zs)
        close(res.pvalue, pz)
    else:
        assert res == (0.0, 1.0)
    f = k.fisher_exact(r, cur)
    o = stats.fisher_exact([[a, b], [c, d]])
    close(f.pvalue, o.pvalue)
    if np.isfinite(o.statistic):
        close(f.statistic, o.statistic)


def test_fisher_exact_large_table_matches_scipy():
    f = k.fisher_exact(np.array([900, 1100]), np.array([1000, 950]))
    o = stats.fisher_exact([[900, 1100], [1000, 950]])
    close(f.pvalue, o.pvalue)


def test_empirical_mmd_statistic_matches_direct_formula_and_is_seeded():
    rng = np.random.default_rng(1)
    x, y = rng.normal(0, 1, (40, 2)), rng.normal(0.5, 1, (30, 2))
    r1 = k.empirical_mmd(x, y, n_permutations=50, random_state=7)
    assert r1 == k.empirical_mmd(x, y, n_permutations=50, random_state=7)
    z = np.vstack([x, y])
    d = np.sqrt(((z[:, None, :] - z[None, :, :]) ** 2).sum(-1))
    sigma = np.median(d[np.triu_indices(len(z), 1)])
    kern = np.exp(-(d**2) / (2 * sigma**2))
    kxx, kyy, kxy = kern[:40, :40], kern[40:, 40:], kern[:40, 40:]
    want = (kxx.sum() - np.trace(kxx)) / (40 * 39) + (kyy.sum() - np.trace(kyy)) / (30 * 29) - 2 * kxy.mean()
    close(r1.statistic, want)
    assert 1 / 51 <= r1.pvalue <= 1


# scipy's test_gh_11355b: statistics and asymptotic p-values that match R's wilcox.test with
# repeated infinite values (inf - inf is NaN, so a tie of infinities must be found by equality).
CASES_11355 = [
    ([1.0, 2, 3, 4], [3, 6, 7, 8, np.inf, 3, 2, 1, 4, 4, 5], 10.0, 0.1297704873477),
    ([1.0, 2, 3, 4], [3, 6, 7, 8, np.inf, np.inf, 2, 1, 4, 4, 5], 8.5, 0.08735617507695),
    ([1, 2, np.inf, 4], [3, 6, 7, 8, np.inf, 3, 2, 1, 4, 4, 5], 17.5, 0.5988856695752),
    ([1, 2, np.inf, 4], [3, 6, 7, 8, np.inf, np.inf, 2, 1, 4, 4, 5], 16.0, 0.4687165824462),
    ([1, np.inf, np.inf, 4], [3, 6, 7, 8, np.inf, np.inf, 2, 1, 4, 4, 5], 24.5, 0.7912517950119),
]


@pytest.mark.parametrize(("x", "y", "statistic", "pvalue"), CASES_11355)
def test_mannwhitneyu_ties_among_infinities_match_r(x, y, statistic, pvalue):
    r = k.mannwhitneyu(np.array(x, dtype=float), np.array(y, dtype=float))
    np.testing.assert_allclose(r.statistic, statistic, atol=1e-12)
    np.testing.assert_allclose(r.pvalue, pvalue, atol=1e-12)


@pytest.mark.parametrize("values", [[0.0, 1.0], [0.1, 0.2], [0.0, 1.0, 2.0], [1.5, 2.7, 3.1, 10.0]])
@pytest.mark.parametrize("reps", [5, 10, 50])
def test_empirical_mmd_identical_discrete_samples_have_pvalue_one(values, reps):
    # Every permutation of two identical multisets that keeps the multiset split gives the
    # observed statistic exactly; rounding noise must not count half of them as smaller.
    x = np.repeat(values, reps)
    for y in (x[::-1].copy(), np.random.default_rng(1).permutation(x)):
        assert k.empirical_mmd(x, y).pvalue == 1.0


def test_kernels_reject_bad_shapes():
    with pytest.raises(ValueError):
        k.ks(np.array([]), np.array([1.0]))
    with pytest.raises(ValueError):
        k.z(np.array([1, 2, 3]), np.array([1, 2, 3]))
    with pytest.raises(ValueError):
        k.chisquare(np.array([1, 2]), np.array([1, 2, 3]))


def test_binning_edges_are_frozen_from_reference_and_counts_merge():
    rng = np.random.default_rng(0)
    ref = np.sort(rng.normal(0, 1, 1000))
    edges = binning.numeric_edges(ref, "quantile", 10)
    assert len(edges) == 9
    close(edges, np.quantile(ref, np.linspace(0, 1, 11)[1:-1]))
    cur = rng.normal(5, 1, 500)  # far outside: the open last bin catches it
    counts = binning.counts_on_edges(np.sort(cur), edges)
    assert counts.sum() == 500 and counts[-1] > 490
    halves = binning.counts_on_edges(np.sort(cur[:200]), edges) + binning.counts_on_edges(
        np.sort(cur[200:]), edges
    )
    assert np.array_equal(halves, counts)
    np.testing.assert_array_equal(counts, np.histogram(cur, np.concatenate([[-np.inf], edges, [np.inf]]))[0])


@pytest.mark.slow
def test_empirical_mmd_subsample_of_sorted_samples_keeps_the_level():
    """The gate passes each side sorted; a subsample drawn from the seed alone kept the same
    ranks for every pair of samples and flagged 23% of random splits of Adult's fnlwgt (1,800
    vs 1,200 rows, subsampled to 1,000) at alpha 0.05."""
    from mlgates.datasets import load_adult

    x = load_adult()["fnlwgt"].to_numpy(dtype=float)
    rng = np.random.default_rng(1)
    reps, hits = 60, 0
    for _ in range(reps):
        rows = rng.permutation(x.size)[:3000]
        a, b = np.sort(x[rows[:1800]]), np.sort(x[rows[1800:]])
        hits += k.empirical_mmd(a, b, random_state=0).pvalue < 0.05
    assert hits / reps <= 0.05 + 3.5 * np.sqrt(0.05 * 0.95 / reps)

"""Mergeable keyed cell counts: equal to one pass over all rows whatever the chunking, and the
metrics computed from them equal sklearn's and fairlearn's on the rows."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlgates.stats import fairness as fk
from mlgates.stats.bootstrap import cell_bootstrap, count_bootstrap
from mlgates.stats.cells import KeyedCounts, confusion_matrix_from_pairs, keyed_counts, merge_all
from mlgates.stats.performance import confusion_metric


def _data(n=600, seed=0, weights=False):
    rng = np.random.default_rng(seed)
    g1 = rng.choice(np.array(["a", "b", "c"], dtype=object), n)
    g2 = rng.choice([1, 2], n)
    y = rng.integers(0, 2, n)
    pred = np.where(rng.random(n) < 0.7, y, 1 - y)
    w = rng.uniform(0.2, 3.0, n) if weights else None
    return g1, g2, y, pred, w


def _chunked(g1, g2, y, pred, w, bounds):
    parts = []
    for lo, hi in itertools.pairwise(bounds):
        parts.append(
            keyed_counts(
                [g1[lo:hi], g2[lo:hi]], y[lo:hi] * 2 + pred[lo:hi], 4, None if w is None else w[lo:hi]
            )
        )
    return parts


@pytest.mark.parametrize("weights", [False, True])
def test_chunked_counts_equal_one_pass_and_the_in_memory_group_counts(weights):
    g1, g2, y, pred, w = _data(weights=weights)
    whole = keyed_counts([g1, g2], y * 2 + pred, 4, w)
    merged = merge_all(_chunked(g1, g2, y, pred, w, [0, 7, 150, 151, 600]), 4, weighted=weights)
    assert merged.keys == whole.keys
    np.testing.assert_array_equal(merged.rows, whole.rows)  # integer counts: exact
    np.testing.assert_allclose(merged.weights, whole.weights, rtol=1e-12)
    # the same groups, in the same order, as the in-memory kernel
    codes, labels = fk.group_codes([g1, g2])
    ref = fk.confusion_counts(codes, len(labels), y, pred, w)
    assert list(whole.keys) == labels
    np.testing.assert_array_equal(whole.rows, ref.rows)
    np.testing.assert_allclose(whole.weights, ref.weighted, rtol=1e-12)
    if weights:
        np.testing.assert_allclose(merged.weighted_sq, ref.weighted_sq, rtol=1e-12)


def test_group_rates_match_fairlearn_metricframe():
    from fairlearn.metrics import MetricFrame, false_positive_rate, selection_rate, true_positive_rate

    g1, _, y, pred, _ = _data(n=900, seed=3)
    parts = _chunked(g1, np.zeros(len(g1), dtype=int), y, pred, None, [0, 300, 650, 900])
    merged = merge_all(parts, 4)
    frame = MetricFrame(
        metrics={"sr": selection_rate, "tpr": true_positive_rate, "fpr": false_positive_rate},
        y_true=y,
        y_pred=pred,
        sensitive_features=g1,
    )
    for metric, col in [
        ("selection_rate", "sr"),
        ("true_positive_rate", "tpr"),
        ("false_positive_rate", "fpr"),
    ]:
        ours = fk.rate(merged.weights, metric)
        np.testing.assert_allclose(ours, frame.by_group[col].to_numpy(), rtol=1e-12)


@pytest.mark.parametrize(
    ("base", "average", "sk"),
    [
        ("accuracy", None, "accuracy_score"),
        ("balanced_accuracy", None, "balanced_accuracy_score"),
        ("matthews_corrcoef", None, "matthews_corrcoef"),
        ("f1", "macro", "f1_score"),
        ("precision", "weighted", "precision_score"),
        ("recall", "macro", "recall_score"),
    ],
)
def test_label_metrics_from_merged_pair_counts_match_sklearn(base, average, sk):
    import sklearn.metrics as skm

    rng = np.random.default_rng(5)
    n = 800
    classes = np.array(["cat", "dog", "eel"], dtype=object)
    y = rng.choice(classes, n)
    pred = np.where(rng.random(n) < 0.6, y, rng.choice(classes, n))
    w = rng.uniform(0.5, 2.0, n)
    parts = [
        keyed_counts([y[i : i + 97], pred[i : i + 97]], np.zeros(len(y[i : i + 97]), int), 1, w[i : i + 97])
        for i in range(0, n, 97)
    ]
    cm, found = confusion_matrix_from_pairs(merge_all(parts[::-1], 1, weighted=True))
    assert found == ["cat", "dog", "eel"]
    np.testing.assert_allclose(cm, skm.confusion_matrix(y, pred, labels=found, sample_weight=w), rtol=1e-12)
    ours = float(confusion_metric(cm, base, average))
    kwargs = {"average": average} if average else {}
    assert ours == pytest.approx(getattr(skm, sk)(y, pred, sample_weight=w, **kwargs), rel=1e-10)


def test_cell_bootstrap_equals_row_count_bootstrap_with_the_same_seed():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 500)
    cand = np.where(rng.random(500) < 0.85, y, 1 - y)
    base = np.where(rng.random(500) < 0.8, y, 1 - y)
    rows = count_bootstrap(y, cand, base, k=2, base="accuracy", n_resamples=300, rng=7)
    parts = [
        keyed_counts(
            [y[i : i + 60], base[i : i + 60], cand[i : i + 60]], np.zeros(len(y[i : i + 60]), int), 1
        )
        for i in range(0, 500, 60)
    ]
    merged = merge_all(parts, 1)
    joint = np.zeros((2, 2, 2), dtype=np.int64)
    for key, count in zip(merged.keys, merged.rows[:, 0]):
        joint[key] = count
    cells = cell_bootstrap(joint, base="accuracy", n_resamples=300, rng=7)
    assert cells.candidate == rows.candidate and cells.baseline == rows.baseline
    np.testing.assert_array_equal(cells.diffs, rows.diffs)


def test_cell_bootstrap_rejects_a_baseline_table_with_a_joint_table():
    with pytest.raises(ValueError, match="paired"):
        cell_bootstrap(np.ones((2, 2, 2), int), base="accuracy", baseline_cells=np.ones((2, 2), int))


def test_merge_checks_shapes_and_roundtrips_through_plain_data():
    a = keyed_counts(
        [np.array([1, None, 1], dtype=object)], np.array([0, 1, 1]), 2, np.array([1.0, 2.0, 3.0])
    )
    assert a.keys == ((1,), (None,))  # a missing value is a key of its own, last
    back = KeyedCounts.from_dict(a.to_dict(), 2)
    assert back.keys == a.keys
    np.testing.assert_array_equal(back.rows, a.rows)
    np.testing.assert_array_equal(back.weighted, a.weighted)
    with pytest.raises(ValueError, match="cells"):
        a.merge(KeyedCounts.empty(3))
    with pytest.raises(ValueError, match=r"\[0, 2\)"):
        keyed_counts([np.array([1])], np.array([2]), 2)
    # weights on one side only: the other side's rows weigh 1
    b = keyed_counts([np.array([1])], np.array([0]), 2)
    assert a.merge(b).weights[0].tolist() == [2.0, 3.0]


@given(
    st.lists(st.tuples(st.sampled_from(["x", "y", "z"]), st.integers(0, 3)), min_size=1, max_size=60),
    st.lists(st.integers(0, 60), max_size=5),
    st.randoms(use_true_random=False),
)
def test_merge_is_associative_and_order_free(rows, cuts, rnd):
    keys = np.array([r[0] for r in rows], dtype=object)
    cells = np.array([r[1] for r in rows])
    whole = keyed_counts([keys], cells, 4)
    bounds = sorted({0, len(rows), *[min(c, len(rows)) for c in cuts]})
    parts = [keyed_counts([keys[lo:hi]], cells[lo:hi], 4) for lo, hi in itertools.pairwise(bounds)]
    rnd.shuffle(parts)
    merged = merge_all(parts, 4)
    left = parts[0]
    for p in parts[1:]:
        left = left.merge(p)
    for result in (merged, left):
        assert result.keys == whole.keys
        np.testing.assert_array_equal(result.rows, whole.rows)

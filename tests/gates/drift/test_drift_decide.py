"""DriftGate's decision rules as tables: pure functions of facts, no data."""

from __future__ import annotations

import math

import pytest

from mlgates.core.status import Status
from mlgates.gates.drift._decide import (
    ColumnFacts,
    DatasetFacts,
    MissingShareFacts,
    dataset_bound,
    decide_column,
    decide_dataset,
    decide_missing_share,
)
from mlgates.gates.drift._describe import describe_column, describe_dataset, describe_missing_share


@pytest.mark.parametrize(
    ("method", "statistic", "pvalue", "threshold", "warn", "status", "outcome"),
    [
        ("ks", 0.2, 0.01, 0.05, None, Status.FAIL, "drift"),
        ("ks", 0.2, 0.05, 0.05, None, Status.PASS, "no_drift"),  # p == alpha is not below it
        ("ks", 0.2, 0.07, 0.05, 0.1, Status.WARN, "warning"),
        ("ks", 0.2, 0.2, 0.05, 0.1, Status.PASS, "no_drift"),
        ("ks", 0.2, math.nan, 0.05, None, Status.ERROR, "undefined"),
        ("ks", math.nan, 0.5, 0.05, None, Status.ERROR, "undefined"),
        ("fisher_exact", math.nan, 0.01, 0.05, None, Status.FAIL, "drift"),  # NaN odds ratio
        ("psi", 0.1, None, 0.1, None, Status.FAIL, "drift"),  # a distance reaching the bound
        ("psi", 0.09, None, 0.1, 0.05, Status.WARN, "warning"),
        ("psi", 0.01, None, 0.1, 0.05, Status.PASS, "no_drift"),
        ("wasserstein", math.inf, None, 0.1, None, Status.ERROR, "undefined"),
        ("wasserstein", None, None, 0.1, None, Status.ERROR, "undefined"),
    ],
)
def test_column_rule(method, statistic, pvalue, threshold, warn, status, outcome):
    facts = ColumnFacts("x", method, statistic, pvalue, threshold, warn, n_ref=100, n_cur=80)
    d = decide_column(facts)
    assert (d.status, d.outcome) == (status, outcome)
    assert d.reason == {
        "drift": "drift_detected",
        "warning": "drift_detected",
        "undefined": "undefined_statistic",
    }.get(outcome)
    assert describe_column(d).startswith("x: ")


def test_column_messages_name_levels_and_correction():
    facts = ColumnFacts("x", "ks", 0.2, 0.02, 0.01, 0.05, 100, 80, correction="holm", raw_pvalue=0.004)
    assert describe_column(decide_column(facts)) == (
        "x: drift at warning level (ks holm-adjusted p=0.02 < 0.05 (warning level), raw p=0.004; "
        "n_ref=100, n_cur=80)"
    )
    facts = ColumnFacts("c", "psi", 0.3, None, 0.1, None, 1000, 1000, n_new_categories=2)
    assert describe_column(decide_column(facts)) == (
        "c: drift detected (psi 0.3 >= 0.1; n_ref=1,000, n_cur=1,000); 2 new categories"
    )


@pytest.mark.parametrize(
    ("mode", "n_judged", "n_drifted", "n_warned", "status", "bound"),
    [
        ("share", 4, 2, 0, Status.FAIL, 0.5),
        ("share", 4, 1, 0, Status.WARN, 0.0),
        ("share", 4, 0, 1, Status.WARN, None),
        ("share", 4, 0, 0, Status.PASS, 0.5),
        ("column", 4, 1, 0, Status.FAIL, None),
        ("column", 4, 0, 2, Status.WARN, None),
        ("column", 4, 0, 0, Status.PASS, None),
    ],
)
def test_dataset_rule(mode, n_judged, n_drifted, n_warned, status, bound):
    d = decide_dataset(DatasetFacts(mode, 0.5, n_judged, n_drifted, n_warned))
    assert d.status is status
    assert dataset_bound(d) == bound
    assert describe_dataset(d).startswith(f"{n_drifted} of {n_judged} columns drifted")


@pytest.mark.parametrize(
    ("ref", "cur", "status"), [(0.0, 0.2, Status.WARN), (0.1, 0.0, Status.WARN), (0.0, 0.05, Status.PASS)]
)
def test_missing_share_rule(ref, cur, status):
    d = decide_missing_share(MissingShareFacts("x", ref, cur, 0.05))
    assert d.status is status
    assert ("allowed" in describe_missing_share(d)) is (status is Status.WARN)

"""Scenarios of :class:`~mlgates.DriftGate` whose verdicts are pinned by the golden test
(``test_drift_golden.py``): every decision path of the column rule and the dataset rule (tests
and distances passing, warning and failing, ``mode``, ``drift_share``, ``correction``,
insufficient samples for each effect formula, missing shares, the new-category rule, all
missing, text, kind mismatches, methods that do not apply, undefined statistics, empty input,
columns in one table only, typo'd mapping keys, the special ``target``/``prediction`` columns,
unsupported dtypes, each binning strategy).

``SCENARIOS`` maps a name to a function returning a verdict; the data comes from numpy
generators of fixed seeds. ``verdict_record`` (shared with the performance and fairness
scenarios) drops timing and provenance.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from _golden import verdict_record

from mlgates import DriftGate, Verdict

__all__ = ["SCENARIOS", "verdict_record"]

SCENARIOS: dict[str, Callable[[], Verdict]] = {}


def scenario(fn: Callable[[], Verdict]) -> Callable[[], Verdict]:
    SCENARIOS[fn.__name__] = fn
    return fn


def _frames(n_ref: int = 400, n_cur: int = 300, shift: float = 0.0, seed: int = 0):
    rng = np.random.default_rng(seed)

    def make(n: int, s: float) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "x": rng.normal(s, 1, n),
                "y": rng.exponential(1 + s, n),
                "c": rng.choice(
                    ["a", "b", "c", "d"], n, p=[0.4, 0.3, 0.2, 0.1] if not s else [0.2, 0.2, 0.3, 0.3]
                ),
                "b": rng.integers(0, 2, n),
            }
        )

    return make(n_ref, 0.0), make(n_cur, shift)


@scenario
def auto_small_no_shift() -> Verdict:
    ref, cur = _frames()
    return DriftGate(n_jobs=1).check(reference=ref, current=cur)


@scenario
def auto_small_shift() -> Verdict:
    ref, cur = _frames(shift=0.6, seed=1)
    return DriftGate(n_jobs=1).check(reference=ref, current=cur)


@scenario
def auto_large_distances() -> Verdict:
    ref, cur = _frames(3000, 2000, shift=0.3, seed=2)
    return DriftGate(n_jobs=1).check(reference=ref, current=cur)


@scenario
def column_mode_and_warn_levels() -> Verdict:
    ref, cur = _frames(shift=0.15, seed=3)
    gate = DriftGate(
        mode="column", threshold={"ks": 0.01}, warn_threshold={"ks": 0.5, "chisquare": 0.5, "z": 0.5}
    )
    return gate.check(reference=ref, current=cur)


@scenario
def distance_warn_level() -> Verdict:
    ref, cur = _frames(3000, 3000, shift=0.1, seed=4)
    gate = DriftGate(method="psi", threshold=0.5, warn_threshold=0.01, drift_share=0.25)
    return gate.check(reference=ref, current=cur)


@scenario
def correction_holm() -> Verdict:
    ref, cur = _frames(shift=0.2, seed=5)
    return DriftGate(correction="holm", method={"numeric": "mannwhitneyu"}).check(reference=ref, current=cur)


@scenario
def correction_fdr_bh_with_t_test() -> Verdict:
    ref, cur = _frames(shift=0.2, seed=6)
    return DriftGate(correction="fdr_bh", method={"numeric": "t_test", "categorical": "g_test"}).check(
        reference=ref, current=cur
    )


@scenario
def insufficient_ks_and_z() -> Verdict:
    ref, cur = _frames(20, 12, seed=7)
    return DriftGate(on_insufficient="fail").check(reference=ref, current=cur)


@scenario
def insufficient_nothing_detectable() -> Verdict:
    ref, cur = _frames(3, 2, seed=8)
    return DriftGate(on_insufficient="skip").check(reference=ref, current=cur)


@scenario
def missing_share_drift() -> Verdict:
    ref, cur = _frames(seed=9)
    cur.loc[cur.index[:60], "x"] = np.nan
    ref.loc[ref.index[:5], "c"] = None
    return DriftGate().check(reference=ref, current=cur)


@scenario
def new_categories() -> Verdict:
    ref, cur = _frames(seed=10)
    cur.loc[cur.index[:40], "c"] = "zz"
    cur.loc[cur.index[40:42], "c"] = "yy"
    return DriftGate(max_new_category_share=0.05).check(reference=ref, current=cur)


@scenario
def all_missing_and_text() -> Verdict:
    rng = np.random.default_rng(11)
    ref = pd.DataFrame({"x": rng.normal(size=200), "t": [f"id{i}" for i in range(200)], "m": [np.nan] * 200})
    cur = pd.DataFrame({"x": rng.normal(size=150), "t": [f"id{i}" for i in range(150)], "m": [np.nan] * 150})
    return DriftGate().check(reference=ref, current=cur)


@scenario
def kind_mismatch_and_not_applicable() -> Verdict:
    rng = np.random.default_rng(12)
    ref = pd.DataFrame({"x": rng.normal(size=200), "c": rng.choice(["a", "b"], 200)})
    cur = pd.DataFrame({"x": rng.choice(["u", "v"], 150), "c": rng.choice(["a", "b"], 150)})
    return DriftGate(method={"c": "ks"}, columns=["x", "c"]).check(reference=ref, current=cur)


@scenario
def z_on_many_categories() -> Verdict:
    ref, cur = _frames(seed=13)
    return DriftGate(method={"c": "fisher_exact", "b": "fisher_exact", "x": "anderson"}).check(
        reference=ref[["c", "b", "x"]], current=cur[["c", "b", "x"]]
    )


@scenario
def undefined_statistic_constant() -> Verdict:
    ref = pd.DataFrame({"x": np.ones(100), "y": np.arange(100.0)})
    cur = pd.DataFrame({"x": np.ones(80), "y": np.arange(80.0)})
    return DriftGate(method={"x": "anderson", "y": "energy"}).check(reference=ref, current=cur)


@scenario
def empty_input() -> Verdict:
    ref, cur = _frames(seed=14)
    return DriftGate().check(reference=ref, current=cur.iloc[:0])


@scenario
def nothing_to_check() -> Verdict:
    return DriftGate().check(reference=pd.DataFrame({"a": [1.0, 2.0]}), current=pd.DataFrame({"b": [1.0]}))


@scenario
def columns_in_one_table_and_typo_keys() -> Verdict:
    ref, cur = _frames(seed=15)
    ref["only_ref"] = 1.0
    cur["only_cur"] = 2.0
    return DriftGate(method={"xx": "ks"}, kinds={"cc": "categorical"}).check(reference=ref, current=cur)


@scenario
def target_and_prediction_columns() -> Verdict:
    rng = np.random.default_rng(16)
    ref, cur = _frames(seed=16)
    ref["label"], cur["label"] = rng.integers(0, 2, len(ref)), rng.integers(0, 2, len(cur))
    ref["pred"], cur["pred"] = rng.integers(0, 3, len(ref)), rng.integers(0, 3, len(cur))
    return DriftGate(columns=["target", "prediction", "x"]).check(
        reference=ref, current=cur, target="label", prediction="pred"
    )


@scenario
def unsupported_dtype() -> Verdict:
    ref, cur = _frames(seed=17)
    ref["l"] = [[1, 2]] * len(ref)
    cur["l"] = [[1]] * len(cur)
    return DriftGate().check(reference=ref, current=cur)


@scenario
def binned_distances_each_strategy() -> Verdict:
    ref, cur = _frames(2000, 1500, shift=0.2, seed=18)
    gate = DriftGate(
        method={"x": "hellinger", "y": "tvd", "c": "kl_div", "b": "psi"},
        bins={"x": "uniform", "y": [0.5, 1.0, 2.0]},
        n_bins=8,
    )
    return gate.check(reference=ref, current=cur)


@scenario
def evidently_bins() -> Verdict:
    ref, cur = _frames(2000, 1500, shift=0.1, seed=19)
    return DriftGate(
        method={"x": "hellinger", "y": "jensenshannon"}, bins="evidently", columns=["x", "y"]
    ).check(reference=ref, current=cur)


@scenario
def sample_tests() -> Verdict:
    ref, cur = _frames(300, 250, shift=0.25, seed=20)
    gate = DriftGate(
        method={"x": "cramer_von_mises", "y": "empirical_mmd", "c": "chisquare", "b": "z"}, random_state=3
    )
    return gate.check(reference=ref, current=cur)


@scenario
def shared_reference_windows() -> Verdict:
    from mlgates import Windowed

    rng = np.random.default_rng(21)
    ref, _ = _frames(seed=21)
    times = pd.date_range("2026-01-01", periods=4, freq="D").repeat(100)
    cur = pd.DataFrame({"t": times, "x": rng.normal(np.repeat([0, 0, 0.8, 0.8], 100), 1)})
    return Windowed(DriftGate(columns=["x"]), on="t", window="1D").check(reference=ref, current=cur)

"""False alarms of DriftGate(decision="material") and threshold="reference_null" under the null
(issue 18), measured on random splits of the bundled Adult data and on simulated data at
n = 100, 10k and 1M rows per side. Slow:
``pytest -m slow tests/gates/drift/test_drift_material_calibration.py -s`` prints the measured rates.

Nominal rates: a FAIL of ``decision="material"`` needs a significant change at ``alpha``
(0.05), so its false-alarm rate is at most 0.05 per column (far lower with a materiality bound
above the noise); ``threshold="reference_null"`` with the point decision flags a column at
about ``1 - null_quantile`` (0.01). The bound asserted is the nominal rate plus 2.6 standard
errors of the measured rate (a one-sided 0.5% test on the count).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from mlgates import DriftGate, Status
from mlgates.core.status import Status as S
from mlgates.gates.drift._decide import ColumnFacts, decide_column
from mlgates.stats import distance_resampling as dr

pytestmark = pytest.mark.slow

ADULT_METHODS = {
    "age": "wasserstein",
    "hours_per_week": "hellinger",
    "education": "psi",
    "occupation": "jensenshannon",
    "marital_status": "tvd",
    "workclass": "kl_div",
}
MODES = {
    "material": ({"decision": "material"}, 0.05),
    "reference_null": ({"threshold": "reference_null"}, 0.01),
    "material+reference_null": ({"decision": "material", "threshold": "reference_null"}, 0.05),
}


def _bound(nominal: float, trials: int) -> float:
    return nominal + 2.6 * math.sqrt(nominal * (1 - nominal) / trials)


def _rate(pairs, gate_kwargs, methods) -> tuple[float, int]:
    fails = trials = 0
    for i, (ref, cur) in enumerate(pairs):
        gate = DriftGate(method=methods, columns=list(methods), n_jobs=1, random_state=i, **gate_kwargs)
        v = gate.check(reference=ref, current=cur)
        for f in v.findings:
            if f.subject in methods and f.method == methods[f.subject]:
                trials += 1
                fails += f.status is Status.FAIL
    return fails / trials, trials


def _adult_splits(n: int, reps: int):
    from mlgates.datasets import load_adult

    df = load_adult()[list(ADULT_METHODS)]
    rng = np.random.default_rng(n)
    for _ in range(reps):
        idx = rng.permutation(len(df))
        yield df.iloc[idx[:n]], df.iloc[idx[n : 2 * n]]


@pytest.mark.parametrize("mode", sorted(MODES))
@pytest.mark.parametrize("n", [100, 10_000])
def test_adult_random_splits_keep_the_nominal_false_alarm_rate(mode, n):
    kwargs, nominal = MODES[mode]
    rate, trials = _rate(list(_adult_splits(n, 60)), kwargs, ADULT_METHODS)
    print(f"Adult n={n} {mode}: false-alarm rate {rate:.4f} over {trials} column checks (nominal {nominal})")
    assert rate <= _bound(nominal, trials)


def _simulated(n: int, reps: int, seed: int):
    rng = np.random.default_rng(seed)
    cats, p = list("abcdefgh"), np.array([0.3, 0.2, 0.15, 0.1, 0.1, 0.08, 0.05, 0.02])
    for _ in range(reps):
        yield tuple(
            pd.DataFrame(
                {
                    "x": rng.gamma(2.0, 1.0, n),
                    "z": rng.normal(0, 1, n),
                    "c": rng.choice(cats, n, p=p),
                    "d": rng.choice(cats, n, p=p),
                }
            )
            for _ in range(2)
        )


SIM_METHODS = {"x": "wasserstein", "z": "jensenshannon", "c": "psi", "d": "hellinger"}


@pytest.mark.parametrize("mode", sorted(MODES))
@pytest.mark.parametrize("n", [100, 10_000])
def test_simulated_null_keeps_the_nominal_false_alarm_rate(mode, n):
    kwargs, nominal = MODES[mode]
    rate, trials = _rate(list(_simulated(n, 75, seed=n)), kwargs, SIM_METHODS)
    print(
        f"simulated n={n} {mode}: false-alarm rate {rate:.4f} over {trials} column checks (nominal {nominal})"
    )
    assert rate <= _bound(nominal, trials)


@pytest.mark.parametrize("mode", sorted(MODES))
def test_one_million_rows_end_to_end(mode):
    """A few whole checks at 1M rows per side (binning 1M values per column per check is the
    cost): no false alarm may appear where the nominal rate makes one unlikely (8 checks x 2
    columns at 1% or 5%: P(any) 15% or 56%, so this asserts at most 2)."""
    kwargs = MODES[mode][0]
    methods = {"x": "wasserstein", "c": "psi"}
    pairs = [(r[list(methods)], c[list(methods)]) for r, c in _simulated(1_000_000, 8, seed=1)]
    rate, trials = _rate(pairs, kwargs, methods)
    print(f"simulated n=1M {mode} (whole checks): false-alarm rate {rate:.4f} over {trials} column checks")
    assert rate * trials <= 2


@pytest.mark.parametrize("method", ["psi", "kl_div", "jensenshannon", "hellinger", "tvd"])
def test_one_million_rows_cheap_path(method):
    """The decision at 1M rows per side on counts drawn directly (the counts of 1M i.i.d. rows on
    fixed bins are multinomial; this skips binning and runs the same resampling and rule)."""
    rng = np.random.default_rng(11)
    p = np.array([0.3, 0.2, 0.15, 0.1, 0.1, 0.08, 0.05, 0.02])
    n, reps = 1_000_000, 300
    material = null_flags = 0
    for i in range(reps):
        r, c = rng.multinomial(n, p), rng.multinomial(n, p)
        d = float(dr.distances(method, r, c)[0])
        null = dr.reference_null(method, r, n, quantile=0.99, n_resamples=1000, random_state=i)
        null_flags += d >= null
        lo, hi = dr.interval(method, r, c, confidence=0.95, n_resamples=400, random_state=i)
        pv = dr.pvalue(method, r, c, n_resamples=400, random_state=i)
        facts = ColumnFacts(
            "c",
            method,
            d,
            None,
            null,
            None,
            n,
            n,
            decision="material",
            ci_low=lo,
            ci_high=hi,
            significance_pvalue=pv,
            calibrated=True,
        )
        material += decide_column(facts, insufficient=S.WARN).status is S.FAIL
    print(
        f"n=1M {method} (counts): reference_null flags {null_flags / reps:.4f} (nominal 0.01), "
        f"material+reference_null fails {material / reps:.4f} (nominal <= 0.05)"
    )
    assert null_flags / reps <= _bound(0.01, reps)
    assert material / reps <= _bound(0.05, reps)

"""Demo section: fairness by the real ``sex`` attribute of UCI Adult."""

from __future__ import annotations

from mlgates.core.suite import Suite
from mlgates.demo.data import DemoData
from mlgates.gates.fairness import DisparateImpactGate, FairnessGate


def section(data: DemoData) -> Suite:
    """Fairness of the challenger's predictions by ``sex`` (the demo's sensitive feature).

    Adult's labels themselves differ by sex (about 31% of men and 11% of women earn >50K),
    so a model trained on them selects men far more often: demographic parity and the
    four-fifths rule are expected to fail here. Those gates are non-blocking, so they show
    the disparity as warnings without failing the demo. The blocking gate is the one a
    pipeline can act on: the challenger must not be less fair (equalized odds) than the
    champion by more than 0.05, judged on a paired bootstrap interval.
    """
    del data  # every gate reads the shared inputs (current, target, model, sensitive_features)
    return Suite(
        [
            FairnessGate(
                "demographic_parity_difference",
                max_value=0.1,
                blocking=False,
                name="demographic_parity (known disparity, non-blocking)",
            ),
            FairnessGate(
                "equalized_odds_difference",
                max_value=0.1,
                blocking=False,
                name="equalized_odds (non-blocking)",
            ),
            DisparateImpactGate(
                min_ratio=0.8, blocking=False, name="four-fifths rule (known disparity, non-blocking)"
            ),
            FairnessGate(
                "equalized_odds_difference",
                max_worsening=0.05,
                name="equalized_odds no worse than champion",
            ),
        ],
        name="fairness",
    )

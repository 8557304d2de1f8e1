"""The fairness section of ``mlgates demo`` on a sample of the bundled Adult data."""

from __future__ import annotations

from mlgates import Status
from mlgates.datasets import load_adult
from mlgates.demo import SECTIONS, fairness
from mlgates.demo.data import TARGET, _pipeline


def test_fairness_section_runs_on_adult_sample():
    from sklearn.linear_model import LogisticRegression

    frame = load_adult().sample(6000, random_state=0).reset_index(drop=True)
    reference, current = frame.iloc[:3000], frame.iloc[3000:]
    x, y = reference.drop(columns=[TARGET]), reference[TARGET]
    model = _pipeline(LogisticRegression(max_iter=500), reference).fit(x, y)
    champion = _pipeline(LogisticRegression(max_iter=500, C=0.05), reference).fit(x, y)
    suite = fairness.section(None)  # type: ignore[arg-type]
    verdict = suite.check(
        reference=reference,
        current=current,
        target=TARGET,
        model=model,
        baseline_model=champion,
        sensitive_features=["sex"],
    )
    assert "mlgates.demo.fairness" in SECTIONS
    by_name = {child.name: child for child in verdict.children}
    dp = by_name["demographic_parity (known disparity, non-blocking)"]
    # Adult's real sex disparity shows, as a warning (non-blocking), never as an error
    assert dp.metrics["demographic_parity_difference"] > 0.1
    assert dp.status is Status.WARN and dp.reason == "fairness_bound_exceeded"
    four_fifths = by_name["four-fifths rule (known disparity, non-blocking)"]
    assert four_fifths.metrics["disparate_impact_ratio"] < 0.8 and four_fifths.status is Status.WARN
    assert all(child.status is not Status.ERROR for child in verdict.children)
    assert (
        verdict.status is not Status.FAIL
        or by_name["equalized_odds no worse than champion"].status is Status.FAIL
    )

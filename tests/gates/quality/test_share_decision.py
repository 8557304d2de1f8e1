"""judge_share: the one share decision and wording of the quality gates with ``calibration``."""

import pytest

from mlgates.core.status import Status
from mlgates.gates._columns import share_text
from mlgates.gates.quality._chance import chance_bound, decide, judge_share


@pytest.mark.parametrize(
    ("count", "warn", "status", "tail", "threshold"),
    [
        (5, None, Status.FAIL, "> 2.0% allowed", 0.02),
        (5, 0.01, Status.FAIL, "> 2.0% allowed", 0.02),
        (2, 0.01, Status.WARN, "> 1.0% (warning level)", 0.01),
        (1, 0.01, Status.PASS, "<= 2.0% allowed", 0.02),
        (0, None, Status.PASS, "<= 2.0% allowed", 0.02),
    ],
)
def test_plain_share_rule_status_wording_and_threshold(count, warn, status, tail, threshold):
    d = judge_share(count, 100, 0.02, warn, calibration=None, subject="rows", alpha=0.001)
    exceeded = status is not Status.PASS
    assert (d.status, d.exceeded, d.tail(), d.threshold) == (status, exceeded, tail, threshold)
    assert d.bound is None and d.note() == "" and d.details() == {}


def test_with_a_calibration_entry_the_sampling_bound_decides_and_is_recorded():
    calibration = {"age": {"n": 1000, "k": 20}}  # 2% of the reference broke the rule
    options = {"ends": 2, "at_least_one": True}
    d = judge_share(3, 100, 0.0, None, calibration=calibration, subject="age", alpha=0.001, **options)
    bound = chance_bound(calibration, "age", 100, 0.0, 0.001, **options)
    assert bound is not None and bound.allowed >= 3  # chance allows 3 of 100 here
    assert (d.status, d.exceeded, d.allowed) == decide(3, 100, 0.0, None, bound)
    assert d.status is Status.PASS and d.tail() == f"<= {share_text(bound.share)} allowed"
    assert d.details() == {"bound": bound.details()} and d.note() == bound.note() != ""
    # another subject has no calibration entry: the plain rule
    assert judge_share(3, 100, 0.0, None, calibration=calibration, subject="x", alpha=0.001).bound is None

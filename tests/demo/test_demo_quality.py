"""The demo's data-quality section is the suite inferred from the reference."""

from __future__ import annotations

import mlgates
from mlgates import Status
from mlgates.demo.data import TARGET, DemoData, split_adult
from mlgates.demo.quality import section


def test_demo_quality_section_is_inferred_and_meaningful(tmp_path):
    ref, cur = split_adult()
    suite = section(DemoData(ref, cur, model=None, baseline_model=None))
    inferred = mlgates.quality_suite_from_reference(ref, min_rows=1000, target=TARGET, leakage=True)
    for g in inferred.gates:
        g.set_params(blocking=g.name not in ("outliers", "feature_leakage"))  # leakage: non-blocking
    assert suite.to_config() == inferred.to_config()
    assert suite.check(reference=ref, current=cur, target=TARGET).status in (Status.PASS, Status.WARN)
    broken = cur.assign(age=cur["age"] * 10)
    assert suite.check(reference=ref, current=broken, target=TARGET).status is Status.FAIL
    path = mlgates.save_suite(suite, tmp_path / "demo-quality.toml")
    assert mlgates.load_suite(path).to_config() == suite.to_config()

"""EvidentlyGate: Evidently test results become findings; runs in the evidently (pandas<3) env."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from evidently import Report
from evidently.core.metric_types import MetricConfig, MetricTestResult
from evidently.legacy.tests.base_test import TestStatus as EvidentlyStatus
from evidently.metrics import MeanValue, RowCount, UniqueValueCount, ValueDrift
from evidently.presets import DataDriftPreset
from evidently.tests import gte, lt
from hypothesis import given, settings
from hypothesis import strategies as st

from mlgates import ConfigError, ParameterError, Status, Verdict, gate_from_config, load_suite, save_suite
from mlgates.integrations import evidently as ev
from mlgates.integrations.evidently import EvidentlyGate
from mlgates.testing import check_gate

pytestmark = pytest.mark.evidently


def _tables(n: int = 400, shift: float = 0.5, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)

    def table(loc: float, p: list[float]) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "age": rng.normal(40 + loc * 10, 10, n),
                "city": rng.choice(["a", "b", "c"], n, p=p),
                "steady": rng.normal(0, 1, n),
            }
        )

    return table(0.0, [0.4, 0.4, 0.2]), table(shift, [0.2, 0.3, 0.5])


# -- status mapping -------------------------------------------------------------------------
def _result(status: EvidentlyStatus, **params: object) -> MetricTestResult:
    return MetricTestResult(
        id="lt",
        name="Mean value of 'age': Less 1.000",
        description="Actual value 2.000 >= 1.000",
        metric_config=MetricConfig(
            metric_id="m1", params={"type": "evidently:metric_v2:MeanValue", **params}
        ),
        test_config={"type": "evidently:test_v2:LessThanMetricTest", "threshold": 1.0},
        status=status,
    )


@pytest.mark.parametrize(
    ("evidently_status", "status", "reason"),
    [
        (EvidentlyStatus.SUCCESS, Status.PASS, None),
        (EvidentlyStatus.WARNING, Status.WARN, "evidently_test_warning"),
        (EvidentlyStatus.FAIL, Status.FAIL, "evidently_test_failed"),
        (EvidentlyStatus.ERROR, Status.ERROR, "evidently_test_error"),
        (EvidentlyStatus.SKIPPED, Status.SKIP, "evidently_test_skipped"),
    ],
)
def test_each_evidently_status_maps_to_its_status(evidently_status, status, reason):
    finding = ev._finding(_result(evidently_status, column="age"), {})
    assert finding.status is status
    assert finding.reason == reason
    assert finding.subject == "age"
    assert finding.threshold == 1.0
    assert finding.details["evidently_status"] == evidently_status.value
    assert "Actual value 2.000" in finding.message


def test_status_map_covers_every_evidently_status():
    assert set(ev.STATUS_MAP) == {s.value for s in EvidentlyStatus}


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from(list(EvidentlyStatus)), max_size=6))
def test_gate_status_is_the_worst_finding(statuses):
    findings = [ev._finding(_result(s, column="age"), {}) for s in statuses]
    verdict = EvidentlyGate(RowCount())._verdict(findings=findings)
    assert verdict.status is Status.worst(f.status for f in findings)
    if all(f.status is Status.SKIP for f in findings):
        assert verdict.reason == "nothing_to_check"


# -- a real report ------------------------------------------------------------------------
def test_drift_preset_findings_carry_evidently_values():
    reference, current = _tables()
    gate = EvidentlyGate(DataDriftPreset())
    verdict = gate.check(reference=reference, current=current)
    snapshot = gate.last_snapshot_
    plain = snapshot.dict()
    assert len(verdict.findings) == len(plain["tests"]) == len(snapshot.tests_results)
    for finding, test in zip(verdict.findings, plain["tests"], strict=True):
        assert finding.status is ev.STATUS_MAP[test["status"]]
        assert finding.details["evidently_test"] == test["name"]
    # per-column drift scores are the ValueDrift metric values
    scores = {
        m["config"]["column"]: m["value"]
        for m in plain["metrics"]
        if m["config"]["type"].endswith("ValueDrift")
    }
    by_column = {f.subject: f for f in verdict.findings if f.details["evidently_test_id"] == "drift"}
    assert set(by_column) == {"age", "city", "steady"}
    for column, score in scores.items():
        assert by_column[column].statistic == score
        assert by_column[column].method in {"ks", "chisquare", "z", "wasserstein", "jensenshannon"}
    assert by_column["age"].status is Status.FAIL and by_column["age"].reason == "drift_detected"
    assert by_column["age"].pvalue == by_column["age"].statistic  # K-S: the score is a p-value
    assert by_column["steady"].status is Status.PASS
    # the drifted-columns share test, and the metric values in verdict.metrics
    share = next(f for f in verdict.findings if f.method == "DriftedColumnsCount")
    drifted = next(
        m["value"] for m in plain["metrics"] if m["config"]["type"].endswith("DriftedColumnsCount")
    )
    assert share.statistic == pytest.approx(drifted["share"])
    assert share.threshold == 0.5
    assert share.reason == "drift_detected"
    assert verdict.metrics["DriftedColumnsCount(drift_share=0.5).share"] == drifted["share"]
    assert verdict.status is Status.FAIL and verdict.reason == "drift_detected"
    assert verdict.params["evidently_version"].startswith("0.7")


def test_warning_from_a_non_critical_test_is_warn():
    _, current = _tables()
    mean = float(current["age"].mean())
    gate = EvidentlyGate(MeanValue(column="age", tests=[lt(mean - 1, is_critical=False), gte(mean - 1)]))
    verdict = gate.check(current=current)
    assert [f.status for f in verdict.findings] == [Status.WARN, Status.PASS]
    assert verdict.status is Status.WARN and verdict.passed
    assert verdict.findings[0].statistic == pytest.approx(mean)
    assert verdict.metrics["MeanValue(column=age)"] == pytest.approx(mean)


def test_count_and_label_tests_report_the_tested_value():
    _, current = _tables()
    count = int((current["city"] == "a").sum())
    gate = EvidentlyGate(
        [
            UniqueValueCount(column="city", tests={"a": [lt(count + 1)]}, share_tests={"a": [lt(0.01)]}),
        ]
    )
    verdict = gate.check(current=current)
    by_status = {f.status: f for f in verdict.findings}
    assert by_status[Status.PASS].statistic == count
    assert by_status[Status.FAIL].statistic == pytest.approx(count / len(current))


def test_report_without_tests_is_skip():
    _, current = _tables()
    verdict = EvidentlyGate(MeanValue(column="age"), include_tests=False).check(current=current)
    assert verdict.status is Status.SKIP and verdict.reason == "nothing_to_check"
    assert verdict.metrics["MeanValue(column=age)"] == pytest.approx(current["age"].mean())


def test_snapshot_is_kept_on_the_gate_not_in_the_verdict(tmp_path):
    reference, current = _tables()
    gate = EvidentlyGate(ValueDrift(column="age"))
    verdict = gate.check(reference=reference, current=current)
    assert Verdict.from_json(verdict.to_json()) == verdict
    assert "Snapshot" not in verdict.to_json()
    path = tmp_path / "evidently.html"
    gate.last_snapshot_.save_html(str(path))
    assert path.stat().st_size > 1000
    # the same snapshot as running Evidently directly
    direct = Report([ValueDrift(column="age")], include_tests=True).run(current, reference)
    assert direct.dict()["metrics"][0]["value"] == verdict.findings[0].statistic


def test_inside_a_suite_the_snapshot_is_still_reachable():
    reference, current = _tables()
    gate = EvidentlyGate(ValueDrift(column="city"), name="evidently drift")
    suite = gate & EvidentlyGate(RowCount())
    verdict = suite.check(reference=reference, current=current)
    assert verdict["evidently drift"].findings[0].subject == "city"
    assert gate.last_snapshot_ is not None


# -- fail closed --------------------------------------------------------------------------
def test_missing_reference_is_missing_input():
    _, current = _tables()
    verdict = EvidentlyGate(DataDriftPreset()).check(current=current)
    assert verdict.status is Status.ERROR and verdict.reason == "missing_input"
    assert "reference" in verdict.message


@pytest.mark.parametrize("side", ["reference", "current"])
def test_empty_table_is_error(side):
    reference, current = _tables()
    inputs = {"reference": reference, "current": current}
    inputs[side] = inputs[side].iloc[0:0]
    verdict = EvidentlyGate(DataDriftPreset()).check(**inputs)
    assert verdict.status is Status.ERROR and verdict.reason == "empty_input"
    assert side in verdict.message


def test_evidently_exception_becomes_error_verdict():
    reference, current = _tables()
    verdict = EvidentlyGate(ValueDrift(column="nope")).check(reference=reference, current=current)
    assert verdict.status is Status.ERROR and verdict.reason == "evidently_error"
    assert "nope" in verdict.message


def test_all_nan_column_does_not_pass():
    reference, current = _tables()
    current = current.assign(age=np.nan)
    verdict = EvidentlyGate(ValueDrift(column="age")).check(reference=reference, current=current)
    assert verdict.status is Status.ERROR


# -- parameters and config ----------------------------------------------------------------
@pytest.mark.parametrize("bad", [[], ["DataDriftPreset"], [{"type": "evidently:metric_v2:Nope"}], 3])
def test_bad_metrics_raise_parameter_error(bad):
    with pytest.raises(ParameterError, match="metrics_or_presets"):
        EvidentlyGate(bad).validate()


def test_bad_data_definition_raises_parameter_error():
    with pytest.raises(ParameterError, match="data_definition"):
        EvidentlyGate(RowCount(), data_definition="y").validate()


def test_config_round_trip_and_suite_file(tmp_path):
    gate = EvidentlyGate([DataDriftPreset(method="psi"), MeanValue(column="age", tests=[lt(50)])])
    config = gate.to_config()
    assert json.loads(json.dumps(config)) == config
    registry = {"EvidentlyGate": EvidentlyGate}
    rebuilt = gate_from_config(config, registry=registry)
    assert rebuilt.to_config() == config
    reference, current = _tables()
    assert (
        rebuilt.check(reference=reference, current=current).findings
        == gate.check(reference=reference, current=current).findings
    )
    for suffix in ("toml", "json"):
        path = save_suite(gate & EvidentlyGate(RowCount()), tmp_path / f"suite.{suffix}")
        loaded = load_suite(path, registry=registry)
        assert loaded.to_config()["gates"][0] == config
    assert gate_from_config(config).to_config() == config  # a built-in type: no registry needed
    with pytest.raises(ConfigError, match="metrics_or_presets"):
        gate_from_config({"type": "EvidentlyGate", "metrics_or_presets": [{"type": "evidently:nope"}]})


def test_the_gate_does_not_change_the_evidently_objects_it_was_given():
    metric = ValueDrift(column="age")
    before = repr(metric)
    reference, current = _tables()
    EvidentlyGate(metric).check(reference=reference, current=current)
    assert repr(metric) == before


def test_contract():
    reference, current = _tables(n=120)
    inputs = {"reference": reference, "current": current, "target": "city"}
    verdict = check_gate(
        EvidentlyGate([DataDriftPreset(), MeanValue(column="age", tests=[lt(100)])]), inputs=inputs
    )
    assert verdict.findings
    check_gate(EvidentlyGate(RowCount()), inputs=inputs)


def test_data_definition_for_a_classification_preset():
    from evidently import BinaryClassification, DataDefinition
    from evidently.presets import ClassificationPreset

    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 300)
    pred = np.where(rng.random(300) < 0.8, y, 1 - y)
    frame = pd.DataFrame({"y": y, "pred": pred, "x": rng.normal(size=300)})
    definition = DataDefinition(
        classification=[BinaryClassification(target="y", prediction_labels="pred")], numerical_columns=["x"]
    )
    gate = EvidentlyGate(ClassificationPreset(), data_definition=definition)
    verdict = gate.check(reference=frame, current=frame)
    assert verdict.findings and verdict.status is not Status.ERROR
    accuracy = next(v for k, v in verdict.metrics.items() if k.startswith("Accuracy"))
    assert accuracy == pytest.approx(float(np.mean(y == pred)))
    assert gate_from_config(gate.to_config()).to_config() == gate.to_config()
    # a definition naming an absent column is an ERROR verdict, not an exception
    bad = DataDefinition(classification=[BinaryClassification(target="nope", prediction_labels="pred")])
    verdict = EvidentlyGate(ClassificationPreset(), data_definition=bad).check(current=frame)
    assert verdict.status is Status.ERROR and verdict.reason == "evidently_error"

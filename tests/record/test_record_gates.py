"""PromotionGate and UnmanagedModelsGate: the record as gates for CI."""

from __future__ import annotations

import json

from record_helpers import FP_A, FP_B, GIT, failing, passing

from mlgates import PromotionGate, Status, UnmanagedModelsGate, gate_from_config
from mlgates.record.lifecycle import _decide


def test_promotion_gate_matches_promote(ledger):
    ledger.record(passing(), model=FP_A, model_name="churn", git=GIT)
    gate = PromotionGate(require=["release"], ledger=ledger.path)
    assert gate.check(model=FP_A, model_name="churn").status is Status.PASS
    assert gate.check(model=FP_B, model_name="churn").reason == "fingerprint_mismatch"
    assert gate.check(model=FP_A, model_name="other").reason == "missing_verdict"
    stale = PromotionGate(require=["release"], ledger=ledger, max_age=0)
    assert stale.check(model=FP_A, model_name="churn").reason == "verdict_age_exceeded"
    assert len(ledger.records(kind="decision")) == 0  # the gate writes nothing


def test_promotion_gate_fails_closed(tmp_path, ledger):
    gate = PromotionGate(require=["release"], ledger=tmp_path / "none")
    verdict = gate.check(model=FP_A, model_name="churn")
    assert verdict.status is Status.ERROR and verdict.reason == "missing_ledger"
    assert PromotionGate(ledger=ledger.path).check(model_name="churn").reason == "missing_input"
    ledger.record(failing(), model=FP_A, model_name="churn", git=GIT)
    relaxed = PromotionGate(require="release", ledger=ledger.path, blocking=False)
    assert relaxed.check(model=FP_A, model_name="churn").status is Status.WARN


def test_promotion_gate_config_round_trip(ledger):
    gate = PromotionGate(require=["release"], max_age="12h", ledger=ledger)
    config = gate.to_config()
    assert config == {
        "type": "PromotionGate",
        "require": ["release"],
        "max_age": "12h",
        "ledger": str(ledger.path),
    }
    assert gate_from_config(config).to_config() == config


def test_gates_holding_a_ledger_object_clone(ledger):
    gate = PromotionGate(require=["release"], ledger=ledger)
    twin = gate.clone()
    assert twin.ledger.path == ledger.path and twin.ledger is not ledger
    assert repr(twin) == repr(gate)


def test_promotion_gate_in_a_suite_fingerprints_the_model(ledger):
    from sklearn.linear_model import LogisticRegression

    X, y = [[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1]
    clf = LogisticRegression().fit(X, y)
    ledger.record(passing(), model=clf, model_name="churn", git=GIT)
    suite = PromotionGate(require=["release"], ledger=ledger.path) & PromotionGate(
        require=["fairness"], ledger=ledger.path, name="fair"
    )
    verdict = suite.check(model=clf, model_name="churn")
    assert [c.status.value for c in verdict.children] == ["pass", "fail"]


def _live(ledger, fp):
    ledger.record(passing(), model=fp, model_name="churn", git=GIT)
    assert ledger.promote("churn", fp, require=["release"]).passed


def test_unmanaged_models(ledger, tmp_path):
    _live(ledger, FP_A)
    gate = UnmanagedModelsGate(ledger=ledger)
    assert gate.check(deployed={"churn": FP_A}).status is Status.PASS
    verdict = gate.check(deployed={"churn": [FP_A, "mlg1-xxh3_128:" + "0" * 32]})
    assert verdict.reason == "model_unrecorded"
    ledger.record(passing(), model=FP_B, model_name="churn", git=GIT)
    assert gate.check(deployed={"churn": FP_B}).reason == "model_not_live"
    _live(ledger, FP_B)  # FP_A is retired now
    assert gate.check(deployed={"churn": FP_A}).reason == "retired_model_deployed"
    assert gate.check(deployed=[FP_B]).status is Status.PASS  # names looked up by fingerprint


def test_live_models_must_be_revalidated(ledger):
    _live(ledger, FP_A)
    assert UnmanagedModelsGate(ledger=ledger, max_age=0).check().reason == "verdict_age_exceeded"
    ledger.record(failing(), model=FP_A, model_name="churn", git=GIT)
    assert UnmanagedModelsGate(ledger=ledger).check().reason == "verdict_failed"


def test_two_live_models_for_one_name(ledger):
    _live(ledger, FP_A)
    ledger.record(passing(), model=FP_B, model_name="churn", git=GIT)
    _decide(ledger, "churn", FP_B, action="promote", to="live", allowed=True, reason="by hand")
    verdict = UnmanagedModelsGate(ledger=ledger).check()
    assert "multiple_live_models" in {f.reason for f in verdict.findings}


def test_deployment_manifest(ledger, tmp_path):
    from sklearn.linear_model import LogisticRegression

    from mlgates import fingerprint

    clf = LogisticRegression().fit([[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1])
    import joblib

    joblib.dump(clf, tmp_path / "churn.joblib")
    file_fp = fingerprint(tmp_path / "churn.joblib")
    ledger.record(passing(), model=tmp_path / "churn.joblib", model_name="churn", git=GIT)
    assert ledger.records()[0].model_fingerprint == file_fp
    manifest = tmp_path / "deploy.json"
    manifest.write_text(json.dumps({"models": {"churn": "churn.joblib", "fraud": FP_B}}))
    verdict = UnmanagedModelsGate(ledger=ledger).check(deployed=manifest)
    reasons = {f.subject: f.reason for f in verdict.findings}
    assert reasons == {"deployed churn": "model_not_live", "deployed fraud": "model_unrecorded"}

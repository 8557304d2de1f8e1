"""The mlflow extra against a local file store: verdicts on runs, aliases guarded by the ledger.

Skipped only where MLflow is not installed at all (it is in the dev extra, so CI runs it); an
MLflow that is installed but broken fails here.
"""

from __future__ import annotations

import importlib.util

import pandas as pd
import pytest

if importlib.util.find_spec("mlflow") is None:  # pragma: no cover
    pytest.skip("needs the mlflow extra: pip install mlgates[mlflow]", allow_module_level=True)

import mlflow
from mlflow.tracking import MlflowClient

from mlgates import GateFailure, Ledger, RowCountGate, Verdict
from mlgates.integrations.mlflow import FINGERPRINT_TAG, log_verdict, set_alias

FRAME = pd.DataFrame({"x": [1.0, 2.0, 3.0]})
GIT = {"commit": "a" * 40, "dirty": False}
FP = "mlg1-xxh3_128:" + "3" * 32


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")  # MLflow 3 keeps file stores opt-in
    uri = (tmp_path / "mlruns").as_uri()
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    mlflow.set_experiment("mlgates-tests")  # also forgets an experiment of an earlier store
    yield MlflowClient(tracking_uri=uri, registry_uri=uri)
    mlflow.set_tracking_uri(None)


def test_verdict_as_artifact_and_tags(store, tmp_path):
    ledger = Ledger(tmp_path / "ledger", fsync=False)
    passed = RowCountGate(min_rows=1, name="release").check(current=FRAME)
    failed = RowCountGate(min_rows=10, name="volume").check(current=FRAME)
    rec = ledger.record(passed, model=FP, model_name="churn", git=GIT)
    with mlflow.start_run() as run:
        log_verdict(passed, record=rec)
        log_verdict(failed)
    tags = store.get_run(run.info.run_id).data.tags
    assert tags["mlgates.release.status"] == "pass" and tags["mlgates.volume.status"] == "fail"
    assert tags["mlgates.status"] == "fail"  # the worst so far
    assert tags["mlgates.release.record"] == rec.id and tags[FINGERPRINT_TAG] == FP
    path = mlflow.artifacts.download_artifacts(run_id=run.info.run_id, artifact_path="mlgates/release.json")
    with open(path, encoding="utf-8") as fh:
        assert Verdict.from_json(fh.read()) == passed


def test_alias_refused_when_the_promotion_gate_fails(store, tmp_path):
    ledger = Ledger(tmp_path / "ledger", fsync=False)
    verdict = RowCountGate(min_rows=10, name="release").check(current=FRAME)  # FAIL
    rec = ledger.record(verdict, model=FP, model_name="churn", git=GIT)
    with mlflow.start_run() as run:
        log_verdict(verdict, record=rec)
    store.create_registered_model("churn")
    mv = store.create_model_version("churn", source=f"{run.info.artifact_uri}/model", run_id=run.info.run_id)
    with pytest.raises(GateFailure, match="refused to set alias 'champion'"):
        set_alias("churn", "champion", mv.version, ledger=ledger, require=["release"])
    assert "champion" not in store.get_registered_model("churn").aliases

    good = RowCountGate(min_rows=1, name="release").check(current=FRAME)
    ledger.record(good, model=FP, model_name="churn", git=GIT)
    result = set_alias("churn", "champion", mv.version, ledger=ledger, require=["release"])
    assert result.passed
    assert store.get_model_version_by_alias("churn", "champion").version == mv.version
    assert store.get_model_version("churn", mv.version).tags[FINGERPRINT_TAG] == FP


def test_alias_needs_to_know_the_model(store, tmp_path):
    from mlgates import ParameterError

    with mlflow.start_run() as run:
        pass
    store.create_registered_model("fraud")
    mv = store.create_model_version("fraud", source=f"{run.info.artifact_uri}/model", run_id=run.info.run_id)
    with pytest.raises(ParameterError, match="no mlgates.model_fingerprint tag"):
        set_alias("fraud", "champion", mv.version, ledger=tmp_path / "ledger")

"""``mlgates audit`` and model loading in ``mlgates check``: exit codes, formats, baselines."""

from __future__ import annotations

import json

import joblib
import numpy as np
import pandas as pd
import pytest
from _security_helpers import Holder, Payload, pipeline

from mlgates import Status, Verdict, save_suite
from mlgates.cli import main
from mlgates.gates.quality import RowCountGate


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def bundle(tmp_path):
    folder = tmp_path / "release"
    folder.mkdir()
    estimator, x = pipeline()
    joblib.dump(estimator, folder / "model.joblib", compress=("gzip", 3))
    (folder / "config.yaml").write_text("threshold: 0.5\n")
    x.to_csv(folder / "sample.csv", index=False)
    return folder


def test_audit_clean_bundle_exits_0(bundle, capsys):
    code, out, err = run(capsys, "audit", bundle)
    assert code == 0, out + err
    assert "artifact safety" in out and "secrets" in out and "status: PASS" in err


def test_audit_payload_exits_1_and_never_runs(bundle, marker, capsys):
    joblib.dump(Payload(marker), bundle / "extra.pkl")
    (bundle / ".env").write_text("AWS_KEY=AKIAIOSFODNN7EXAMPLE\n")
    code, out, _ = run(capsys, "audit", bundle, "--format", "json")
    assert code == 1
    verdict = Verdict.from_json(out)
    safety, secrets = verdict.children
    assert safety.status is Status.FAIL and safety.reason == "disallowed_global"
    assert secrets.status is Status.FAIL and "AKIAIOSFODNN7EXAMPLE" not in out


def test_audit_formats_and_errors(bundle, tmp_path, capsys):
    code, _, _ = run(capsys, "audit", bundle, "-o", tmp_path / "r.xml", "-o", tmp_path / "r.md", "-q")
    assert code == 0 and "<testsuite" in (tmp_path / "r.xml").read_text()
    code, _, err = run(capsys, "audit", tmp_path / "nope")
    assert code == 2 and "nope" in err
    code, _, err = run(capsys, "audit", bundle, "--allow", "torch")
    assert code == 2 and "--allow" in err
    bomb = tmp_path / "bomb"
    bomb.mkdir()
    joblib.dump(np.zeros(10**6), bomb / "big.joblib", compress=3)
    code, out, _ = run(capsys, "audit", bomb, "--max-decompressed-bytes", "100000", "--no-secrets")
    assert code == 1 and "decompressed data exceeds the cap" in out


def test_audit_learn_then_new_global_fails(bundle, tmp_path, capsys):
    baseline = tmp_path / "allow.json"
    code, out, _ = run(capsys, "audit", bundle / "model.joblib", "--learn", baseline)
    assert code == 0 and "wrote" in out and json.loads(baseline.read_text())["baseline"] is True
    assert run(capsys, "audit", bundle, "--allow", baseline)[0] == 0
    estimator, _ = pipeline()
    import collections

    joblib.dump({"m": estimator, "extra": collections.Counter("ab")}, bundle / "model.joblib", compress=3)
    code, out, _ = run(capsys, "audit", bundle, "--allow", baseline, "--format", "json")
    assert code == 1 and Verdict.from_json(out).children[0].reason == "new_global"


def test_check_loads_models_with_safe_load(tmp_path, marker, capsys):
    estimator, x = pipeline()
    frame = x.assign(y=estimator.predict(x))
    frame.to_csv(tmp_path / "cur.csv", index=False)
    save_suite(RowCountGate(min_rows=10), tmp_path / "suite.toml")
    joblib.dump(estimator, tmp_path / "model.joblib", compress=3)
    base = ["check", tmp_path / "suite.toml", "--current", tmp_path / "cur.csv"]
    code, _, err = run(capsys, *base, "--model", tmp_path / "model.joblib")
    assert code == 0, err  # no --trust-model needed for an allowlisted model
    joblib.dump(Payload(marker), tmp_path / "evil.joblib")
    code, _, err = run(capsys, *base, "--model", tmp_path / "evil.joblib")
    assert code == 2 and "write_marker" in err and "--trust-model" in err and "--allow" in err
    # a class of the project: refused by default, loaded once allowed
    joblib.dump(Holder(), tmp_path / "own.pkl")
    code, _, err = run(capsys, *base, "--model", tmp_path / "own.pkl")
    assert code == 2 and "Holder" in err
    allow = ["--allow", "sklearn", "--allow", "_security_helpers:Holder"]
    assert run(capsys, *base, "--model", tmp_path / "own.pkl", *allow)[0] == 0
    joblib.dump(pd.DataFrame({"a": [1]}), tmp_path / "frame.pkl")
    assert run(capsys, *base, "--model", tmp_path / "frame.pkl")[0] == 0  # pandas is in the preset

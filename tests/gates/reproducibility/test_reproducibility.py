"""Manifest lock files, capture_environment, ReproducibilityGate, DeterminismGate, the CLI."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mlgates import (
    ConfigError,
    DeterminismGate,
    Manifest,
    ParameterError,
    ReproducibilityGate,
    Status,
    capture_environment,
    fingerprint,
)
from mlgates.testing import check_gate


def _data(n=200, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    return pd.DataFrame(
        {
            "x": x,
            "z": rng.normal(size=n),
            "color": rng.choice(["red", "blue"], n),
            "y": (x + rng.normal(size=n) > 0).astype(int),
        }
    )


def _model(data, seed=0):
    from sklearn.ensemble import RandomForestClassifier

    return RandomForestClassifier(n_estimators=5, random_state=seed).fit(data[["x", "z"]], data.y)


# -- environment -----------------------------------------------------------------------------
def test_capture_environment_records_versions_blas_and_git(tmp_path):
    env = capture_environment(packages=["pytest"])
    assert {"python", "platform", "machine", "packages", "blas", "git", "env"} <= set(env)
    import numpy

    assert env["packages"]["numpy"] == numpy.__version__
    assert "pytest" in env["packages"]
    assert any(lib.get("user_api") == "blas" for lib in env["blas"])
    assert capture_environment(cwd=tmp_path)["git"] is None  # not a repository


def test_capture_environment_git_commit_and_dirty_flag(tmp_path):
    def git(*args):
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q")
    (tmp_path / "a.txt").write_text("1")
    git("add", "a.txt")
    git("-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "init")
    clean = capture_environment(cwd=tmp_path)["git"]
    assert len(clean["commit"]) == 40 and clean["dirty"] is False
    (tmp_path / "a.txt").write_text("2")
    assert capture_environment(cwd=tmp_path)["git"]["dirty"] is True


def test_environment_variables_are_recorded(monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    assert capture_environment()["env"]["OMP_NUM_THREADS"] == "3"


# -- manifest --------------------------------------------------------------------------------
def test_manifest_round_trip_and_readable_json(tmp_path):
    data = _data()
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "train.py").write_text("print(1)\n")
    m = Manifest.capture(
        artifacts={"train": data, "model": _model(data), "src": tmp_path / "src"},
        seeds={"split": 1},
        config={"depth": 3},
    )
    path = m.save(tmp_path / "lock.json")
    raw = json.loads(path.read_text())
    assert raw["schema"] == "mlgates.manifest/2"
    assert raw["artifacts"]["train"]["kind"] == "data"
    assert raw["artifacts"]["train"]["columns"]["x"].startswith("mlg1-xxh3_128:")
    assert raw["artifacts"]["model"]["kind"] == "model"
    assert raw["artifacts"]["src"]["kind"] == "file" and raw["artifacts"]["src"]["path"]
    assert raw["artifacts"]["config"]["value"] == {"depth": 3}
    assert raw["artifacts"]["seeds"]["value"] == {"split": 1}
    assert raw["artifacts"]["train"]["fingerprint"] == fingerprint(data)
    assert Manifest.load(path) == m


def test_manifest_save_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "lock.json"
    Manifest.capture(artifacts={"a": [1]}, environment=False).save(path)
    before = path.read_text()

    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        Manifest.capture(artifacts={"a": [2]}, environment=False).save(path)
    assert path.read_text() == before  # the old lock is intact
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lock.json"]  # no temp file left


def test_manifest_load_errors_are_config_errors(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ConfigError, match="not valid JSON"):
        Manifest.load(bad)
    bad.write_text(json.dumps({"schema": "other/9", "artifacts": {}}))
    with pytest.raises(ConfigError, match="unsupported schema"):
        Manifest.load(bad)
    with pytest.raises(ConfigError, match="cannot read"):
        Manifest.load(tmp_path / "missing.json")


# -- ReproducibilityGate -----------------------------------------------------------------------
@pytest.fixture
def locked(tmp_path):
    data = _data()
    model = _model(data)
    lock = tmp_path / "mlgates.lock.json"
    Manifest.capture(artifacts={"train": data, "model": model}, config={"depth": 3}, seeds={"split": 0}).save(
        lock
    )
    return lock, data, model


def test_gate_passes_on_identical_artifacts(locked):
    lock, data, model = locked
    v = ReproducibilityGate(lockfile=str(lock)).check(
        artifacts={"train": data.copy(), "model": model, "config": {"depth": 3}, "seeds": {"split": 0}}
    )
    assert v.status is Status.PASS, v.to_text()
    assert {f.subject for f in v.findings} == {"train", "model", "config", "seeds", "environment"}
    assert v.metrics["artifacts_changed"] == 0
    assert v.params["lock_scheme"] == "mlg1" and v.params["lock_created"]


def test_gate_names_changed_columns_and_fingerprints(locked):
    lock, data, _ = locked
    changed = data.copy()
    changed.loc[5, "color"] = "green"
    changed = changed.drop(columns=["z"]).assign(new=1)
    v = ReproducibilityGate(lockfile=str(lock), compare_to=("data",)).check(artifacts={"train": changed})
    assert v.status is Status.FAIL and v.reason == "artifact_changed"
    (f,) = v.findings
    assert f.details["changed_columns"] == ("color",)
    assert f.details["added_columns"] == ("new",)
    assert f.details["removed_columns"] == ("z",)
    assert f.details["locked"] == fingerprint(data)
    assert f.details["current"] == fingerprint(changed)
    assert "columns changed: color" in f.message


def test_gate_model_and_config_changes(locked):
    lock, data, _ = locked
    v = ReproducibilityGate(lockfile=str(lock), compare_to=("model", "config")).check(
        artifacts={"model": _model(data, seed=1), "config": {"depth": 4}}
    )
    by = {f.subject: f for f in v.findings}
    assert by["model"].status is Status.FAIL and by["model"].reason == "artifact_changed"
    assert by["config"].details["changed_keys"] == ("depth",)


def test_gate_missing_unlocked_and_fail_closed(locked):
    lock, data, _ = locked
    gate = ReproducibilityGate(lockfile=str(lock), compare_to=("data", "model"))
    v = gate.check(artifacts={"train": data, "extra": data})
    by = {f.subject: f for f in v.findings}
    assert by["model"].status is Status.ERROR and by["model"].reason == "missing_artifact"
    assert by["extra"].status is Status.WARN and by["extra"].reason == "artifact_unlocked"
    assert gate.check().status is Status.ERROR  # nothing given: fail closed
    assert gate.set_params(on_missing="warn").check(artifacts={"train": data}).status is Status.WARN


def test_gate_matches_standard_inputs_by_name(tmp_path):
    data = _data()
    lock = tmp_path / "l.json"
    Manifest.capture(artifacts={"reference": data}, environment=False).save(lock)
    v = ReproducibilityGate(lockfile=str(lock), compare_to=("data",)).check(reference=data, current=data)
    assert v.status is Status.PASS


def test_gate_environment_policy(locked):
    lock, _, _ = locked
    raw = json.loads(lock.read_text())
    raw["environment"]["packages"]["numpy"] = "0.0.1"
    raw["environment"]["python"] = "2.7.18"
    lock.write_text(json.dumps(raw))
    for policy, status in (("warn", Status.WARN), ("fail", Status.FAIL)):
        v = ReproducibilityGate(
            lockfile=str(lock), compare_to=("environment",), on_environment_change=policy
        ).check()
        (f,) = v.findings
        assert f.status is status and f.reason == "environment_changed"
        assert f.details["differences"]["packages.numpy"]["locked"] == "0.0.1"
        assert "python 2.7.18 ->" in f.message
    v = ReproducibilityGate(
        lockfile=str(lock), compare_to=("environment",), on_environment_change="ignore"
    ).check()
    assert v.status is Status.SKIP


def test_gate_lock_errors(tmp_path):
    v = ReproducibilityGate(lockfile=str(tmp_path / "none.json")).check(artifacts={})
    assert v.status is Status.ERROR and v.reason == "missing_lock"
    bad = tmp_path / "bad.json"
    bad.write_text("[]")
    assert ReproducibilityGate(lockfile=str(bad)).check(artifacts={}).reason == "invalid_lock"


def test_gate_unfingerprintable_artifact_is_an_error(tmp_path):
    lock = tmp_path / "l.json"
    Manifest.capture(artifacts={"cfg": {"a": 1}}, environment=False).save(lock)
    import threading

    v = ReproducibilityGate(lockfile=str(lock), compare_to=("config",)).check(
        artifacts={"cfg": threading.Lock()}
    )
    assert v.status is Status.ERROR and v.findings[0].reason == "fingerprint_failed"


def test_gate_parameter_validation():
    with pytest.raises(ParameterError, match="compare"):
        ReproducibilityGate(compare_to=("data", "weather")).validate()
    with pytest.raises(ParameterError, match="on_environment_change"):
        ReproducibilityGate(on_environment_change="shout").validate()


def test_check_gate_reproducibility(locked):
    lock, data, model = locked
    gate = ReproducibilityGate(lockfile=str(lock), compare_to=("data", "model", "environment"))
    verdict = check_gate(gate, inputs={"artifacts": {"train": data, "model": model}})
    assert verdict.status is Status.PASS


# -- DeterminismGate ---------------------------------------------------------------------------
def _trainer(data, seeded=True):
    from sklearn.ensemble import RandomForestClassifier

    def train(seed):
        rs = seed if seeded else None
        return RandomForestClassifier(n_estimators=5, random_state=rs).fit(data[["x", "z"]], data.y)

    return train


def _probe(data):
    return {"current": data[["x", "z", "y"]], "target": "y"}


def test_determinism_passes_with_a_seed_and_fails_without():
    data = _data()
    ok = DeterminismGate(train_fn=_trainer(data)).check(**_probe(data))
    assert ok.status is Status.PASS and ok.metrics["max_abs_diff"] == 0.0
    bad = DeterminismGate(train_fn=_trainer(data, seeded=False), n_runs=3).check(**_probe(data))
    assert bad.status is Status.FAIL and bad.reason == "nondeterministic_predictions"
    assert bad.metrics["max_abs_diff"] > 0
    assert bad.findings[0].details["rows_differ"] > 0


def test_determinism_atol_and_predict_only_models():
    data = _data()
    counter = iter(range(100))

    class Jitter:
        def __init__(self, eps):
            self.eps = eps

        def predict(self, x):
            return np.asarray(x["x"], dtype=float) + self.eps

    gate = DeterminismGate(train_fn=lambda seed: Jitter(1e-9 * next(counter)), atol=1e-6)
    assert gate.check(**_probe(data)).status is Status.PASS
    gate.set_params(atol=0.0)
    v = gate.check(**_probe(data))
    assert v.status is Status.FAIL and v.metrics["max_abs_diff"] == pytest.approx(1e-9)


def test_determinism_by_fingerprint():
    data = _data()
    assert DeterminismGate(train_fn=_trainer(data), compare_to="fingerprint").check().status is Status.PASS
    v = DeterminismGate(train_fn=_trainer(data, seeded=False), compare_to="fingerprint").check()
    assert v.status is Status.FAIL and v.reason == "nondeterministic_model"


def test_determinism_errors():
    data = _data()

    def broken(seed):
        raise RuntimeError("out of memory")

    v = DeterminismGate(train_fn=broken).check(**_probe(data))
    assert v.status is Status.ERROR and v.reason == "train_failed" and "out of memory" in v.message
    v = DeterminismGate(train_fn=_trainer(data)).check(current=data.iloc[:0], target="y")
    assert v.status is Status.ERROR and v.reason == "empty_input"
    assert DeterminismGate(train_fn=lambda s: object()).check(**_probe(data)).reason == "invalid_input"
    with pytest.raises(ParameterError, match="n_runs"):
        DeterminismGate(train_fn=broken, n_runs=1).validate()


def test_determinism_gate_cannot_go_to_a_config_file():
    with pytest.raises(ConfigError, match="callable"):
        DeterminismGate(train_fn=_trainer(_data())).to_config()


def test_check_gate_determinism():
    data = _data()
    verdict = check_gate(DeterminismGate(train_fn=_trainer(data)), inputs=_probe(data))
    assert verdict.status is Status.PASS


# -- CLI -------------------------------------------------------------------------------------
def test_cli_fingerprint_lock_verify(tmp_path, monkeypatch, capsys):
    from mlgates.cli import main

    monkeypatch.chdir(tmp_path)
    frame = _data().drop(columns=["y"])
    frame.to_parquet("data.parquet")
    Path("src").mkdir()
    Path("src/train.py").write_text("print('train')\n")

    assert main(["fingerprint", "data.parquet", "src"]) == 0
    out = capsys.readouterr().out
    assert f"{fingerprint(frame)}  data.parquet" in out
    assert main(["fingerprint", "nope"]) == 2

    assert main(["lock", "data.parquet", "src", "--seed", "split=7"]) == 0
    assert Path("mlgates.lock.json").exists()
    assert main(["verify", "--seed", "split=7"]) == 0

    changed = frame.copy()
    changed.loc[0, "color"] = "green"
    changed.to_parquet("data.parquet", compression="zstd")
    capsys.readouterr()
    assert main(["verify"]) == 1
    assert "columns changed: color" in capsys.readouterr().out
    assert main(["verify", "--lock", "missing.json"]) == 2
    Path("src/train.py").unlink()
    Path("src").rmdir()
    assert main(["verify", "--strict"]) == 2  # a locked directory is gone


def test_cli_verify_csv_by_content_names_changed_column(tmp_path, monkeypatch, capsys):
    from mlgates.cli import main

    monkeypatch.chdir(tmp_path)
    frame = _data()
    frame.to_csv("ref.csv", index=False)
    assert main(["lock", "ref.csv", "-o", "ref.lock.json"]) == 0
    entry = json.loads(Path("ref.lock.json").read_text())["artifacts"]["ref.csv"]
    assert entry["kind"] == "data" and set(entry["columns"]) == set(frame.columns)
    frame.to_csv("ref.csv", index=False, float_format="%.17g")  # another writer, same values
    capsys.readouterr()
    assert main(["verify", "ref.lock.json"]) == 0, capsys.readouterr().out
    changed = frame.copy()
    changed.loc[5, "z"] += 1.0
    changed.to_csv("ref.csv", index=False)
    capsys.readouterr()
    assert main(["verify", "ref.lock.json", "--format", "json"]) == 1
    finding = json.loads(capsys.readouterr().out)["findings"][0]
    assert finding["details"]["changed_columns"] == ["z"]


def test_cli_verify_lockfile_positional_or_option(tmp_path, monkeypatch, capsys):
    from mlgates.cli import main

    monkeypatch.chdir(tmp_path)
    Path("a.txt").write_text("a\n")
    assert main(["lock", "a.txt", "-o", "my.lock.json", "--no-environment"]) == 0
    assert main(["verify", "my.lock.json"]) == 0
    assert main(["verify", "--lock", "my.lock.json"]) == 0
    assert main(["verify", "my.lock.json", "--lock", "my.lock.json"]) == 0
    capsys.readouterr()
    assert main(["verify", "my.lock.json", "--lock", "other.json"]) == 2
    assert "two lock files" in capsys.readouterr().err
    assert main(["verify", "my.lock.json", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "pass"
    with pytest.raises(SystemExit):
        main(["verify", "my.lock.json", "--format", "html"])


def test_determinism_gate_train_fn_positional():
    data = _data()
    gate = DeterminismGate(_trainer(data), n_runs=2)
    assert gate.get_params()["train_fn"] is gate.train_fn
    assert gate.check(**_probe(data)).status is Status.PASS
    with pytest.raises(TypeError):
        DeterminismGate(_trainer(data), 2)  # the rest stays keyword-only


def test_manifest_reserved_names():
    with pytest.raises(ValueError, match="'config' is taken"):
        Manifest.capture(artifacts={"config": {"a": 1}}, config={"b": 2}, environment=False)


def test_demo_section_passes_on_a_small_adult_sample():
    from sklearn.linear_model import LogisticRegression

    from mlgates.datasets import load_adult
    from mlgates.demo.data import DemoData
    from mlgates.demo.reproducibility import section

    adult = load_adult().sample(n=1_500, random_state=0).reset_index(drop=True)
    reference, current = adult.iloc[:1_000], adult.iloc[1_000:]
    numeric = ["age", "hours_per_week", "education_num"]
    model = LogisticRegression().fit(reference[numeric], reference["income"])
    data = DemoData(reference, current, model=model, baseline_model=model)
    verdict = section(data).check(**data.inputs())
    assert verdict.status is Status.PASS, verdict.to_text()
    assert [c.name for c in verdict.children] == ["matches lock", "deterministic training"]


def test_determinism_edge_values_and_labels():
    data = _data()

    class Fixed:
        def __init__(self, out):
            self.out = out

        def predict(self, x):
            return np.asarray(self.out)

    n = len(data)
    infs = np.r_[np.inf, -np.inf, np.nan, np.zeros(n - 3)]
    v = DeterminismGate(train_fn=lambda s: Fixed(infs)).check(**_probe(data))
    assert v.status is Status.PASS, v.message  # equal infinities and NaNs in the same places agree
    assert v.findings[0].details["output"] == "predict"
    runs = iter([np.r_[np.nan, np.zeros(n - 1)], np.zeros(n)])
    v = DeterminismGate(train_fn=lambda s: Fixed(next(runs))).check(**_probe(data))
    assert v.status is Status.FAIL and v.metrics["max_abs_diff"] == np.inf
    labels = iter([np.array(["a"] * n, dtype=object), np.array(["a"] * (n - 1) + ["b"], dtype=object)])
    v = DeterminismGate(train_fn=lambda s: Fixed(next(labels))).check(**_probe(data))
    assert v.status is Status.FAIL and v.metrics["rows_differ"] == 1


def test_determinism_probe_gives_models_their_fitted_columns():
    from sklearn.linear_model import LogisticRegression

    import mlgates

    rng = np.random.default_rng(0)
    train = pd.DataFrame({"a": rng.normal(size=100), "b": rng.normal(size=100)})
    y = (train["a"] > 0).astype(int)

    def train_fn(seed):
        return LogisticRegression(random_state=seed).fit(train, y)

    probe = train.assign(id=np.arange(100), city="x")  # columns the model never saw
    v = mlgates.DeterminismGate(train_fn, n_runs=2).check(current=probe)
    assert v.status is mlgates.Status.PASS, v.to_text()

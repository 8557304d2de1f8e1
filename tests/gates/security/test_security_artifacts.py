"""ArtifactSafetyGate and safe_load on real artifacts built in the test: benign scikit-learn
pipelines through every pickle protocol and joblib compressor pass and load; payloads that call
a sentinel FAIL and the sentinel never runs."""

from __future__ import annotations

import io
import pickle

import joblib
import numpy as np
import pytest
from _security_helpers import Payload, pipeline

from mlgates import Allowlist, ArtifactSafetyGate, Status, UnsafeArtifactError, safe_load

COMPRESSORS = [None, "zlib", "gzip", "bz2", "lzma", "xz"]


@pytest.fixture(scope="module")
def model():
    return pipeline()


@pytest.mark.parametrize("protocol", range(6))
def test_benign_pipeline_pickle_passes_and_loads(model, tmp_path, protocol):
    estimator, x = model
    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps(estimator, protocol=protocol))
    verdict = ArtifactSafetyGate().check(artifacts=path)
    assert verdict.status is Status.PASS, verdict.to_text()
    assert verdict.params["method"] == "static_walk"
    assert verdict.findings[0].details["format"] == "pickle"
    np.testing.assert_array_equal(safe_load(path).predict(x), estimator.predict(x))


@pytest.mark.parametrize("compressor", COMPRESSORS)
@pytest.mark.parametrize("protocol", [2, 5])
def test_benign_pipeline_joblib_passes_and_loads(model, tmp_path, compressor, protocol):
    estimator, x = model
    path = tmp_path / "model.joblib"
    joblib.dump(estimator, path, compress=(compressor, 3) if compressor else 0, protocol=protocol)
    verdict = ArtifactSafetyGate(verify=True).check(artifacts=path)
    assert verdict.status is Status.PASS, verdict.to_text()
    assert verdict.params["method"] == "static_walk+restricted_unpickler"
    finding = verdict.findings[0]
    assert finding.details["format"] == ("joblib" if compressor is None else f"joblib/{compressor}")
    assert finding.details["n_arrays"] > 0  # joblib's inline arrays were followed, not parsed as opcodes
    np.testing.assert_array_equal(safe_load(path).predict(x), estimator.predict(x))


def test_object_arrays_nested_pickle_is_walked(tmp_path, marker):
    """joblib writes object arrays as a nested pickle inside the stream: it is walked too."""
    path = tmp_path / "objects.joblib"
    joblib.dump({"ok": np.array(["a", 1, None], dtype=object)}, path)
    assert ArtifactSafetyGate().check(artifacts=path).status is Status.PASS
    joblib.dump({"bad": np.array([Payload(marker)], dtype=object)}, path)
    verdict = ArtifactSafetyGate().check(artifacts=path)
    assert verdict.status is Status.FAIL and verdict.reason == "disallowed_global"
    assert any(f.details.get("qualname") == "write_marker" for f in verdict.findings)


@pytest.mark.parametrize("compressor", COMPRESSORS)
def test_payload_in_joblib_fails_and_never_runs(tmp_path, marker, compressor):
    estimator, _ = pipeline()
    path = tmp_path / "model.joblib"
    joblib.dump(
        {"model": estimator, "extra": [np.zeros(3), Payload(marker)]},
        path,
        compress=(compressor, 3) if compressor else 0,
    )
    verdict = ArtifactSafetyGate().check(artifacts=path)
    assert verdict.status is Status.FAIL and verdict.reason == "disallowed_global"
    bad = [f for f in verdict.findings if f.reason == "disallowed_global"]
    assert [(f.details["module"].split(".")[-1], f.details["qualname"]) for f in bad] == [
        ("_security_helpers", "write_marker")
    ]
    assert bad[0].details["offset"] > 0 and "not on the allowlist" in bad[0].message
    with pytest.raises(UnsafeArtifactError, match="write_marker at offset"):
        safe_load(path)


@pytest.mark.parametrize("protocol", range(6))
def test_payload_in_plain_pickle_fails_and_never_runs(tmp_path, marker, protocol):
    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps({"a": [1, 2], "p": Payload(marker)}, protocol=protocol))
    verdict = ArtifactSafetyGate().check(artifacts=path)
    assert verdict.status is Status.FAIL
    with pytest.raises(UnsafeArtifactError):
        safe_load(path)


def test_the_payload_is_live(tmp_path):
    """Control: loaded without mlgates, the same payload does write the marker."""
    flag = tmp_path / "MARKER"
    pickle.loads(pickle.dumps(Payload(flag)))
    assert flag.exists()


def test_npy_and_npz_object_arrays(tmp_path, marker):
    np.save(tmp_path / "ok.npy", np.arange(10.0))
    np.save(tmp_path / "obj.npy", np.array([Payload(marker)], dtype=object), allow_pickle=True)
    np.savez(tmp_path / "bundle.npz", a=np.arange(3), b=np.array([Payload(marker)], dtype=object))
    np.savez(tmp_path / "clean.npz", a=np.arange(3), b=np.array(["x", 2], dtype=object))
    gate = ArtifactSafetyGate()
    assert gate.check(artifacts=tmp_path / "ok.npy").status is Status.PASS
    assert gate.check(artifacts=tmp_path / "clean.npz").status is Status.PASS
    for bad in ("obj.npy", "bundle.npz"):
        verdict = gate.check(artifacts=tmp_path / bad)
        assert verdict.status is Status.FAIL and verdict.reason == "disallowed_global", bad
        with pytest.raises(UnsafeArtifactError):
            safe_load(tmp_path / bad)
    loaded = safe_load(tmp_path / "clean.npz")
    assert list(loaded["b"]) == ["x", 2]


def test_skops_untrusted_types_against_the_allowlist(tmp_path):
    sio = pytest.importorskip("skops.io", reason="skops is in the dev extra")
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.preprocessing import FunctionTransformer

    x = np.random.default_rng(0).normal(size=(60, 3))
    y = (x[:, 0] > 0).astype(int)
    sio.dump(HistGradientBoostingClassifier(max_iter=3).fit(x, y), tmp_path / "hgb.skops")
    verdict = ArtifactSafetyGate().check(artifacts=tmp_path / "hgb.skops")
    assert verdict.status is Status.PASS, verdict.to_text()
    assert verdict.findings[0].method == "skops_untrusted_types"
    # an untrusted function skops lists (it does not trust os.getcwd) is off the allowlist
    import os

    sio.dump(FunctionTransformer(os.getcwd), tmp_path / "fn.skops")
    verdict = ArtifactSafetyGate().check(artifacts=tmp_path / "fn.skops")
    assert verdict.status is Status.FAIL and "getcwd" in verdict.findings[0].message


def test_folder_input_and_unsupported_files(tmp_path):
    estimator, _ = pipeline()
    joblib.dump(estimator, tmp_path / "model.joblib", compress=3)
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "weights.bin").write_bytes(b"\x00\x01")  # neither an artifact suffix nor a pickle header
    verdict = ArtifactSafetyGate().check(artifacts=tmp_path)
    assert verdict.status is Status.PASS and verdict.metrics["n_artifacts"] == 1
    # a file given explicitly in an unknown format is an error (on_unsupported)
    verdict = ArtifactSafetyGate().check(artifacts=tmp_path / "weights.bin")
    assert verdict.status is Status.ERROR and verdict.reason == "unsupported_format"
    assert (
        ArtifactSafetyGate(on_unsupported="warn").check(artifacts=tmp_path / "weights.bin").status
        is Status.WARN
    )
    missing = ArtifactSafetyGate().check(artifacts=tmp_path / "nope.pkl")
    assert missing.status is Status.ERROR and missing.reason == "missing_file"
    assert ArtifactSafetyGate().check(artifacts=[]).status is Status.SKIP
    # paths= scans a folder on every check (how suite files point at a model folder)
    assert ArtifactSafetyGate(paths=[str(tmp_path)]).check().status is Status.PASS
    assert ArtifactSafetyGate().check().reason == "missing_input"


def test_baseline_allowlist_fails_on_a_new_global(tmp_path):
    estimator, _ = pipeline()
    trusted = tmp_path / "v1.joblib"
    joblib.dump(estimator, trusted, compress=3)
    baseline = Allowlist.from_artifact(trusted)
    assert baseline.baseline and ("sklearn.pipeline", "Pipeline") in baseline
    saved = baseline.save(tmp_path / "allow.json")
    assert Allowlist.load(saved) == baseline
    # the same build passes against its baseline
    assert ArtifactSafetyGate(allow=str(saved)).check(artifacts=trusted).status is Status.PASS
    # a new build that adds a harmless-looking global the baseline never had FAILs
    import collections

    joblib.dump(
        {"model": estimator, "meta": collections.OrderedDict(a=1)}, tmp_path / "v2.joblib", compress=3
    )
    verdict = ArtifactSafetyGate(allow=str(saved)).check(artifacts=tmp_path / "v2.joblib")
    assert verdict.status is Status.FAIL and verdict.reason == "new_global"
    assert (
        "collections.OrderedDict" in verdict.findings[0].message and "baseline" in verdict.findings[0].message
    )
    # ... which the sklearn preset would have allowed
    assert ArtifactSafetyGate().check(artifacts=tmp_path / "v2.joblib").status is Status.PASS
    # learning refuses an artifact that does not verify
    (tmp_path / "cut.joblib").write_bytes(trusted.read_bytes()[:-5])
    with pytest.raises(ValueError, match="does not verify"):
        Allowlist.from_artifact(tmp_path / "cut.joblib")


def test_allowlist_is_exact_pairs_never_prefixes():
    allow = Allowlist.preset("sklearn")
    assert ("numpy", "dtype") in allow
    assert ("numpy", "load") not in allow  # a module prefix would admit it
    assert ("numpy.testing", "assert_equal") not in allow
    assert "dotted name" in allow.judge("numpy", "sys.modules")
    assert ("sklearn.linear_model._logistic", "LogisticRegression") in allow
    dangers = [("builtins", "eval"), ("builtins", "getattr"), ("os", "system"), ("posix", "system")]
    dangers += [("subprocess", "Popen"), ("importlib", "import_module"), ("builtins", "__import__")]
    for danger in dangers:
        assert danger not in allow, danger
    custom = Allowlist(["mypkg.model:Net"]) | allow
    assert ("mypkg.model", "Net") in custom and len(custom) == len(allow) + 1
    with pytest.raises(ValueError, match="module:qualname"):
        Allowlist(["numpy"])
    with pytest.raises(ValueError, match="Unknown allowlist preset"):
        Allowlist.preset("torch")


def test_gate_config_round_trip_and_bad_allow(tmp_path):
    from mlgates import gate_from_config

    gate = ArtifactSafetyGate(allow=["sklearn", "mypkg:Net"], max_decompressed_bytes=10**6)
    assert gate_from_config(gate.to_config()).to_config() == gate.to_config()
    as_object = ArtifactSafetyGate(allow=Allowlist(["a:B"]))
    assert as_object.to_config()["allow"] == ["a:B"]
    (tmp_path / "m.pkl").write_bytes(pickle.dumps(1))
    verdict = ArtifactSafetyGate(allow=str(tmp_path / "missing.json")).check(artifacts=tmp_path / "m.pkl")
    assert verdict.status is Status.ERROR and verdict.reason == "invalid_allowlist"


def test_safe_load_refuses_non_artifacts(tmp_path):
    (tmp_path / "data.csv").write_text("# a,b\n1,2\n")  # '#' is no pickle opcode
    with pytest.raises(UnsafeArtifactError, match="not a pickle"):
        safe_load(tmp_path / "data.csv")
    (tmp_path / "other.csv").write_text("a,b\n1,2\n")  # 'a' is APPEND: read as a pickle, refused
    with pytest.raises(UnsafeArtifactError, match="stack_underflow"):
        safe_load(tmp_path / "other.csv")
    with pytest.raises(FileNotFoundError):
        safe_load(tmp_path / "none.pkl")
    buf = io.BytesIO()
    pickle.dump([1, 2, 3], buf)
    (tmp_path / "list.pkl").write_bytes(buf.getvalue())
    assert safe_load(tmp_path / "list.pkl") == [1, 2, 3]

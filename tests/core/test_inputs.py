"""One input layer (mlgates.core.inputs): the same mistake gives the same reason code and the
same words in every family, and every reader of data files sees the same table."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from mlgates import (
    BeatsBaselineGate,
    CalibrationGate,
    ConflictingLabelsGate,
    DisparateImpactGate,
    FairnessGate,
    FeatureLeakageGate,
    InputError,
    PerformanceGate,
    Status,
)
from mlgates.core import inputs

N = 400


@pytest.fixture
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, N)
    proba = np.clip(0.5 * y + 0.5 * rng.random(N), 0.01, 0.99)
    return pd.DataFrame(
        {
            "x": rng.normal(size=N),
            "a": rng.choice(["F", "M"], N),
            "y": y,
            "pred": (proba >= 0.5).astype(int),
            "proba": proba,
        }
    )


def _label_gates() -> dict[str, object]:
    """Every gate that reads predicted labels, configured to need them."""
    return {
        "PerformanceGate": PerformanceGate("accuracy", min_value=0.5),
        "BeatsBaselineGate": BeatsBaselineGate("accuracy"),
        "FairnessGate": FairnessGate(sensitive_features="a"),
        "DisparateImpactGate": DisparateImpactGate(sensitive_features="a", reference_group="F"),
    }


def _target_gates() -> dict[str, object]:
    """Every gate that reads the target, each with the inputs it needs."""
    return {
        **_label_gates(),
        "CalibrationGate": CalibrationGate(),
        "ConflictingLabelsGate": ConflictingLabelsGate(columns=["x", "a"]),
        "FeatureLeakageGate": FeatureLeakageGate(columns=["x"]),
    }


def _check(gate, frame: pd.DataFrame, **inputs):
    base = {"current": frame, "target": "y", "prediction": "pred"}
    if isinstance(gate, CalibrationGate):
        base = {"current": frame, "target": "y", "proba": "proba"}
    elif isinstance(gate, (ConflictingLabelsGate, FeatureLeakageGate)):
        base = {"current": frame, "target": "y"}
    return gate.check(**{**base, **inputs})


# -- the same mistake, the same reason and words -----------------------------------------------
def test_probabilities_given_as_labels_read_the_same_in_every_family(frame):
    verdicts = {name: _check(g, frame, prediction="proba") for name, g in _label_gates().items()}
    assert {v.status for v in verdicts.values()} == {Status.ERROR}
    assert {name: v.reason for name, v in verdicts.items()} == dict.fromkeys(
        verdicts, "probabilities_as_labels"
    )
    messages = {v.message for v in verdicts.values()}
    assert len(messages) == 1, messages
    (message,) = messages
    example = f"{frame['proba'][frame['proba'] != frame['proba'].round()].iloc[0]:.4g}"
    assert message.startswith(f"prediction: values such as {example} are probabilities or scores")
    assert (
        "the target's classes are [0, 1]" in message
        and "proba=" in message
        and "decision_threshold=" in message
    )


def test_probabilities_outside_0_1_are_scores_for_the_fairness_gates_too(frame):
    """One rule: fractional predictions are scores, in [0, 1] or not (fairness used to call
    decision-function scores non-binary labels)."""
    scores = frame.assign(pred=frame["proba"] * 4 - 2)
    reasons = {name: _check(g, scores).reason for name, g in _label_gates().items()}
    assert set(reasons.values()) == {"probabilities_as_labels"}, reasons


def test_labels_that_are_whole_floats_are_labels(frame):
    floats = frame.assign(pred=frame["pred"].astype(float))
    for name, gate in _label_gates().items():
        assert _check(gate, floats).status is not Status.ERROR, name


def test_nan_labels_read_the_same_in_every_family_that_needs_them(frame):
    nan = frame.assign(y=frame["y"].astype(float))
    nan.loc[[3, 5, 8], "y"] = np.nan
    gates = {
        k: g for k, g in _target_gates().items() if k not in ("ConflictingLabelsGate", "FeatureLeakageGate")
    }
    verdicts = {name: _check(g, nan) for name, g in gates.items()}
    assert {name: (v.status, v.reason) for name, v in verdicts.items()} == dict.fromkeys(
        verdicts, (Status.ERROR, "missing_values")
    )
    assert {v.message for v in verdicts.values()} == {
        f"target: 3 of {N} values are missing (NaN); the metric needs a value for every row: drop or "
        "impute them before the check."
    }


def test_the_quality_label_gates_keep_a_missing_label_as_a_value(frame):
    """Documented: ConflictingLabelsGate and FeatureLeakageGate treat a missing label as a value
    of its own (a row without a label conflicts with nothing), so NaN labels are not an error."""
    nan = frame.assign(y=frame["y"].astype(float))
    nan.loc[[3, 5, 8], "y"] = np.nan
    for gate in (ConflictingLabelsGate(columns=["x", "a"]), FeatureLeakageGate(columns=["x"])):
        assert _check(gate, nan).status is not Status.ERROR


def test_infinite_labels_read_the_same_in_every_family(frame):
    inf = frame.assign(y=frame["y"].astype(float))
    inf.loc[[2, 4], "y"] = np.inf
    verdicts = {name: _check(g, inf) for name, g in _target_gates().items()}
    assert {name: (v.status, v.reason) for name, v in verdicts.items()} == dict.fromkeys(
        verdicts, (Status.ERROR, "invalid_input")
    )
    assert {v.message for v in verdicts.values()} == {
        f"target: 2 of {N} values are infinite (inf or -inf); labels, predictions and scores must "
        "be finite: drop or fix those rows before the check."
    }


def test_a_missing_group_value_is_spelled_the_same_in_every_family(frame):
    gappy = frame.copy()
    gappy.loc[gappy.index[:60], "a"] = None
    fairness = FairnessGate(sensitive_features="a", min_group_size=10).check(
        current=gappy, target="y", prediction="pred"
    )
    impact = DisparateImpactGate(sensitive_features="a", reference_group="F", min_group_size=10).check(
        current=gappy, prediction="pred"
    )
    segments = PerformanceGate("accuracy", min_value=0.1, segments="a", min_segment_size=10).check(
        current=gappy, target="y", prediction="pred"
    )
    for v in (fairness, impact, segments):
        subjects = {f.subject for f in v.findings}
        assert "a=<missing>" in subjects, (v.gate, subjects)
        assert not any("<NA>" in s or "None" in s or "nan" in s for s in subjects), (v.gate, subjects)


def test_a_missing_group_value_is_one_error_with_missing_error(frame):
    gappy = frame.copy()
    gappy.loc[gappy.index[:60], "a"] = None
    verdicts = [
        FairnessGate(sensitive_features="a", on_missing="error").check(
            current=gappy, target="y", prediction="pred"
        ),
        DisparateImpactGate(sensitive_features="a", reference_group="F", on_missing="error").check(
            current=gappy, prediction="pred"
        ),
    ]
    assert {(v.status, v.reason) for v in verdicts} == {(Status.ERROR, "missing_sensitive_values")}
    assert len({v.message for v in verdicts}) == 1


def test_bad_weights_read_the_same_in_every_family(frame):
    w = np.ones(N)
    w[7] = np.nan
    verdicts = [
        PerformanceGate("accuracy", min_value=0.5).check(
            current=frame, target="y", prediction="pred", sample_weight=w
        ),
        FairnessGate(sensitive_features="a").check(
            current=frame, target="y", prediction="pred", sample_weight=w
        ),
        CalibrationGate().check(current=frame, target="y", proba="proba", sample_weight=w),
    ]
    assert {(v.status, v.reason) for v in verdicts} == {(Status.ERROR, "missing_values")}
    assert len({v.message for v in verdicts}) == 1


# -- the rules themselves ---------------------------------------------------------------------
def test_reject_scores_accepts_fractional_classes():
    inputs.reject_scores("prediction", np.array([0.5, 1.5]), np.array([0.5, 1.5, 0.5]))
    with pytest.raises(InputError) as err:
        inputs.reject_scores("prediction", np.array([0.5, 1.0]))
    assert err.value.reason == "probabilities_as_labels" and "classes" not in str(err.value)


def test_binary_labels_rules():
    assert inputs.binary_labels("target", [True, False]).tolist() == [1, 0]
    assert inputs.binary_labels("target", [-1, 1, 1]).tolist() == [0, 1, 1]
    with pytest.raises(InputError) as err:
        inputs.binary_labels("target", ["a", "b", "c"])
    assert err.value.reason == "non_binary_labels"
    with pytest.raises(InputError) as err:
        inputs.binary_labels("target", ["no", "yes"])
    assert err.value.reason == "pos_label_required"
    with pytest.raises(InputError) as err:
        inputs.binary_labels("prediction", [0.2, 0.7], prediction=True)
    assert err.value.reason == "probabilities_as_labels"
    # the target itself is never judged as "scores": its values are what they are
    with pytest.raises(InputError) as err:
        inputs.binary_labels("target", [0.2, 0.7, 0.9])
    assert err.value.reason == "non_binary_labels"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ([1.0, np.nan], "missing_values"),
        (["a", "b"], "invalid_input"),
        ([1.0, -1.0], "invalid_input"),
        ([0, 0], "invalid_input"),
    ],
)
def test_weights_rule(raw, reason):
    with pytest.raises(InputError) as err:
        inputs.weights(raw)
    assert err.value.reason == reason and err.value.subject == "sample_weight"


# -- tables: one reader -----------------------------------------------------------------------
def _arrow_file(tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "i": pa.array([1, None, 2**60 + 1], pa.int64()),  # nullable, beyond float64's precision
            "s": pa.array(["a", None, "c"]),
            "d": pa.array(["x", "y", "x"]).dictionary_encode(),
            "b": pa.array([True, None, False]),
            "f": pa.array([0.1, 0.2, None]),
        }
    )
    path = tmp_path / "t.parquet"
    pq.write_table(table, path)  # no pandas metadata: pandas alone would guess the dtypes
    return path


def test_check_and_lock_read_a_parquet_file_into_the_same_table(tmp_path, monkeypatch):
    """`mlgates check` judges exactly the table `mlgates lock` fingerprints: same dtypes, same
    values (an int64 with nulls stays exact), same fingerprint."""
    from mlgates import fingerprint_table
    from mlgates.cli import main
    from mlgates.cli_check import read_table as cli_read
    from mlgates.fingerprints._objects import _read_table as lock_read

    path = _arrow_file(tmp_path)
    seen_by_check, seen_by_lock = cli_read(path), lock_read(path)
    assert seen_by_check.dtypes.astype(str).tolist() == seen_by_lock.dtypes.astype(str).tolist()
    pd.testing.assert_frame_equal(seen_by_check, seen_by_lock)
    assert seen_by_check["i"].iloc[2] == 2**60 + 1
    monkeypatch.chdir(tmp_path)
    assert main(["lock", "t.parquet", "--no-environment", "-o", "l.json"]) == 0
    (entry,) = json.loads((tmp_path / "l.json").read_text())["artifacts"].values()
    assert entry["fingerprint"] == fingerprint_table(seen_by_check).fingerprint


def test_check_and_lock_read_a_csv_file_into_the_same_table(tmp_path):
    from mlgates.cli_check import read_table as cli_read
    from mlgates.fingerprints._objects import _read_table as lock_read

    path = tmp_path / "t.csv.gz"
    pd.DataFrame({"i": [1, None, 3], "s": ["a", None, "c"], "f": [0.1, 0.30000000000000004, 1e-300]}).to_csv(
        path, index=False
    )
    pd.testing.assert_frame_equal(cli_read(path), lock_read(path))
    pd.testing.assert_frame_equal(cli_read(path), inputs.read_table(path))


def test_read_table_is_public_and_takes_table_sources(tmp_path):
    import mlgates

    assert mlgates.read_table is inputs.read_table

    class Rows:
        name = "three rows"

        def read(self) -> pd.DataFrame:
            return pd.DataFrame({"a": [1, 2, 3]})

    source = Rows()
    assert isinstance(source, inputs.TableSource)
    assert inputs.table_source(source) is source
    assert inputs.read_table(source)["a"].sum() == 6
    path = tmp_path / "t.parquet"
    assert inputs.table_source(path) == inputs.FileSource(path, "parquet")


@pytest.mark.parametrize("bad", ["notes.txt", 3.5])
def test_read_table_refuses_what_it_cannot_read_with_the_fix(bad):
    with pytest.raises(InputError) as err:
        inputs.read_table(bad)
    assert err.value.reason == "invalid_input"
    assert ".parquet" in str(err.value) or "DataFrame" in str(err.value)


def test_parquet_without_pyarrow_names_the_extra(tmp_path, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_pyarrow(name, *args, **kwargs):
        if name.startswith("pyarrow"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyarrow)
    with pytest.raises(InputError, match=r"pip install mlgates\[parquet\]"):
        inputs.read_table(tmp_path / "t.parquet")


@pytest.mark.parametrize("pick", [slice(2, 6), np.array([5, 1, 3])])
def test_a_window_context_takes_its_columns_from_the_runs_columns_cut_alike(pick):
    # derive(positions_of=...): a window's column is the run's column at the window's rows,
    # the same Series as the window's own table would give; errors are the table's errors
    from mlgates.core.context import CheckContext
    from mlgates.core.errors import InputError

    df = pd.DataFrame({"a": np.arange(8.0), "b": list("abcdefgh")}, index=list("pqrstuvw"))
    ctx = CheckContext({"current": df})
    window = df.iloc[pick]
    sub = ctx.derive(slices_of={"current": "current"}, positions_of={"current": pick}, current=window)
    for name in ("a", "b"):
        pd.testing.assert_series_equal(sub.column("current", name), window[name])
    with pytest.raises(InputError, match="column 'z' not found"):
        sub.column("current", "z")
    plain = ctx.derive(slices_of={"current": "current"}, current=window)  # no positions: its own table
    pd.testing.assert_series_equal(plain.column("current", "a"), window["a"])

"""A new user's missing inputs, failing models and small stumbles (issue 12): every missing input
named at once, model errors as ERROR verdicts that name the fix, and the small things."""

from __future__ import annotations

import pathlib

import numpy as np
import pandas as pd
import pytest

import mlgates
from mlgates import (
    DriftGate,
    FairnessGate,
    Manifest,
    MissingValuesGate,
    ParameterError,
    PerformanceGate,
    ReproducibilityGate,
    RowCountGate,
    SchemaGate,
    Status,
    Suite,
    quality_suite_from_reference,
    save_suite,
)
from mlgates.cli import main


@pytest.fixture
def table() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 300
    x1 = rng.normal(size=n)
    x2 = rng.normal(size=n)
    return pd.DataFrame(
        {
            "x1": x1,
            "x2": x2,
            "city": rng.choice(["Oslo", "Rome"], n),
            "y": (x1 + 0.5 * x2 + rng.normal(scale=0.5, size=n) > 0).astype(int),
        }
    )


# -- 3. every missing input at once ------------------------------------------------------------
def test_a_gate_names_every_missing_input_at_once(table):
    verdict = PerformanceGate("accuracy", min_value=0.8).check(current=table)
    assert verdict.status is Status.ERROR and verdict.reason == "missing_input"
    assert verdict.message == (
        "missing inputs 'target', 'prediction' (or 'model'): pass check(target=...), "
        "check(prediction=...) or check(model=...)"
    )


def test_a_suite_names_every_missing_input_in_one_message(table):
    suite = (
        SchemaGate()
        & DriftGate()
        & PerformanceGate("roc_auc", max_drop=0.01)
        & FairnessGate("demographic_parity_difference")
    )
    verdict = suite.check(current=table)
    assert verdict.status is Status.ERROR and verdict.reason == "missing_input"
    head = verdict.message.split(";")[0]
    for name in ("reference", "target", "proba", "baseline_proba", "prediction", "sensitive_features"):
        assert f"'{name}'" in head, head
    assert "'current'" not in head  # given


def test_an_any_of_suite_needs_only_what_every_member_needs(table):
    either = RowCountGate() | DriftGate()
    assert either.missing_inputs(["current"]) == []
    assert Suite([DriftGate(), DriftGate()], require="any").missing_inputs([]) == [
        ("reference",),
        ("current",),
    ]


@pytest.fixture
def suite_files(tmp_path, table):
    table.to_csv(tmp_path / "ref.csv", index=False)
    table.to_csv(tmp_path / "new.csv", index=False)
    gates = [RowCountGate(name=f"rows_{i}") for i in range(20)]
    save_suite(
        Suite([*gates, DriftGate(name="drift"), MissingValuesGate(name="missing")]), tmp_path / "s.toml"
    )
    return tmp_path


def test_cli_names_a_forgotten_option_in_one_line_before_any_gate_runs(suite_files, capsys):
    code = main(["check", str(suite_files / "s.toml"), "--reference", str(suite_files / "ref.csv")])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""  # no gate ran, no report
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("mlgates check: error: missing option: --current PATH (needed by 22 gates:")


def test_cli_names_every_forgotten_option_with_alternatives(suite_files, capsys):
    save_suite(
        PerformanceGate("accuracy", min_value=0.5, name="perf") & DriftGate(name="drift"),
        suite_files / "p.toml",
    )
    code = main(["check", str(suite_files / "p.toml"), "--current", str(suite_files / "new.csv")])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "--target COL (needed by perf)" in err
    assert "--prediction COL or --model PATH (needed by perf)" in err
    assert "--reference PATH (needed by drift)" in err


# -- 4. model errors -----------------------------------------------------------------------------
def _numpy_model(table):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression().fit(table[["x1", "x2"]].to_numpy(), table["y"])


def test_a_model_fitted_on_a_numpy_array_says_what_was_passed_and_how_to_fix_it(table):
    model = _numpy_model(table)  # no feature_names_in_: every column of current is passed
    gate = PerformanceGate("accuracy", min_value=0.5)
    for verdict in (
        gate.check(current=table, target="y", model=model),
        (gate & RowCountGate()).check(current=table, target="y", model=model).children[0],
    ):
        assert verdict.status is Status.ERROR and verdict.reason == "predict_failed"
        message = verdict.message
        assert "model (LogisticRegression).predict() raised ValueError" in message
        assert "fitted on a numpy array" in message and "x1, x2, city" in message
        assert "non-numeric among them: city" in message
        assert "fit the model on a pandas DataFrame" in message and "prediction=" in message


def test_a_model_that_is_not_fitted_is_an_error_verdict_from_a_single_gate(table):
    from sklearn.linear_model import LogisticRegression

    verdict = PerformanceGate("roc_auc", min_value=0.5).check(
        current=table, target="y", model=LogisticRegression()
    )
    assert verdict.status is Status.ERROR and verdict.reason == "predict_failed"
    assert "NotFittedError" in verdict.message and "fit the model before the check" in verdict.message.lower()


def test_nan_input_names_the_columns_with_missing_values(table):
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression().fit(table[["x1", "x2"]], table["y"])
    current = table.copy()
    current.loc[3, "x2"] = np.nan
    verdict = PerformanceGate("accuracy", min_value=0.5).check(current=current, target="y", model=model)
    assert verdict.reason == "predict_failed"
    assert "Columns with missing values: x2" in verdict.message and "SimpleImputer" in verdict.message


def test_a_failing_model_is_called_once_per_suite_run(table):
    calls = []

    class Broken:
        def predict(self, x):
            calls.append(len(x))
            raise RuntimeError("boom")

    suite = PerformanceGate("accuracy", min_value=0.5) & PerformanceGate("balanced_accuracy", min_value=0.5)
    verdict = suite.check(current=table, target="y", model=Broken())
    assert [c.reason for c in verdict.children] == ["predict_failed", "predict_failed"]
    assert len(calls) == 1
    assert "Broken).predict() raised RuntimeError: boom" in verdict.children[1].message


# -- 5. small things -----------------------------------------------------------------------------
def test_reproducibility_gate_accepts_a_path(tmp_path, table):
    lock = tmp_path / "mlgates.lock.json"
    Manifest.capture(artifacts={"train": table}, environment=False).save(lock)
    gate = ReproducibilityGate(lockfile=lock, compare_to=("data",))
    assert gate.check(artifacts={"train": table}).status is Status.PASS
    assert gate.to_config()["lockfile"] == str(lock)
    assert mlgates.gate_from_config(gate.to_config()).check(artifacts={"train": table}).status is Status.PASS
    with pytest.raises(ParameterError, match=r"a path \(str or os.PathLike\)"):
        ReproducibilityGate(lockfile=3).validate()


def test_suite_members_by_name(table):
    inner = Suite([MissingValuesGate(name="missing")], name="quality")
    suite = RowCountGate(name="rows") & inner & DriftGate()
    assert suite["rows"] is suite.gates[0]
    assert suite["quality"] is inner and suite["missing"] is inner.gates[0]
    assert suite["DriftGate"] is suite.gates[2] and suite[-1] is suite.gates[2]
    with pytest.raises(KeyError) as info:
        suite["missng"]
    assert "Did you mean 'missing'?" in str(info.value) and "'rows', 'quality'" in str(info.value)


def test_quality_suite_from_polars_and_pyarrow_tables(table):
    pl = pytest.importorskip("polars")
    pa = pytest.importorskip("pyarrow")
    expected = quality_suite_from_reference(table).to_config()
    assert quality_suite_from_reference(pl.from_pandas(table)).to_config() == expected
    assert quality_suite_from_reference(pa.Table.from_pandas(table)).to_config() == expected
    with pytest.raises(ParameterError, match=r"Got a polars\.lazyframe.*collect it first"):
        quality_suite_from_reference(pl.from_pandas(table).lazy())
    with pytest.raises(ParameterError, match=r"Got a numpy\.ndarray.*pd\.DataFrame\(reference\)"):
        quality_suite_from_reference(table.to_numpy())


def test_classification_metric_on_a_continuous_target_suggests_regression_metrics():
    rng = np.random.default_rng(3)
    y = rng.normal(size=200)
    verdict = PerformanceGate("accuracy", min_value=0.5).check(target=y, prediction=y + 0.1)
    assert verdict.status is Status.ERROR and verdict.reason == "unsupported_target"
    assert "looks continuous" in verdict.message and "root_mean_squared_error" in verdict.message
    binary_floats = PerformanceGate("accuracy", min_value=0.5).check(
        target=np.array([0.0, 1.0] * 50), prediction=np.array([0.0, 1.0] * 50)
    )
    assert binary_floats.status is Status.PASS


def test_positional_check_names_the_keywords(table):
    with pytest.raises(TypeError, match=r"RowCountGate\.check\(\) takes its inputs by keyword.*"
                       r"check\(reference=\.\.\., current=\.\.\.\)"):  # fmt: skip
        RowCountGate().check(table, table)
    with pytest.raises(
        TypeError, match=r"Suite\.check\(\) takes its inputs by keyword.*check\(current=\.\.\.\)"
    ):
        (RowCountGate() & DriftGate()).check(table)


def test_dir_shows_only_the_public_api():
    names = dir(mlgates)
    for private in ("Any", "TYPE_CHECKING", "annotations", "importlib", "ModuleType", "LAZY_EXPORTS"):
        assert private not in names
    assert set(mlgates.__all__) <= set(names)
    assert isinstance(pathlib.Path, type)  # (pathlib used above; keeps the import honest)

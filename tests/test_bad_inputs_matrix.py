"""The bad-input matrix (issue 13, "Proof"): awkward tables and per-row inputs through every
built-in gate and through a full suite, every verdict rendered to every format.

Asserted for every (case, gate):

- ``check()`` raises nothing for a data problem (only ``ParameterError`` for a programmer error
  that names the column, e.g. a non-string column name in a mapping);
- no PASS where the data could not be judged: a verdict of a case with nothing judgeable is
  never PASS, a finding about a column of an unsupported kind is never PASS (except in the
  gates that do judge such columns: schema, missing values, mixed types), a broken label or
  prediction input is ERROR in every gate that reads it;
- every verdict renders to text, Markdown, HTML and JUnit XML (parsed with ``xml.etree``) and
  round-trips through JSON;
- the inputs are unchanged (compared with a pickled snapshot taken before the check).

The default run covers every case with every gate; only the full suite over every case is
marked slow (it builds and runs an inferred quality suite per case).
"""

from __future__ import annotations

import importlib
import pickle
import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import mlgates
from mlgates import Gate, ParameterError, Status, Verdict
from mlgates._exports import LAZY_EXPORTS

N = 40
_rng = np.random.default_rng(0)
X = _rng.normal(size=N)
Y = np.tile([0, 1], N // 2)
P = np.where(_rng.random(N) < 0.8, Y, 1 - Y)
S = np.clip(P * 0.6 + _rng.random(N) * 0.4, 0, 1)
G = np.array(["a", "b"] * (N // 2), dtype=object)


def _base(bad: Any = None, **extra: Any) -> pd.DataFrame:
    """A small table with a numeric feature, labels, predictions, scores and a group column,
    plus the case's column ``bad``."""
    cols: dict[str, Any] = {"x": X, "y": Y, "p": P, "s": S, "g": G}
    if bad is not None:
        cols = {"bad": bad, **cols}
    cols.update(extra)
    return pd.DataFrame(cols)


def _cases() -> dict[str, tuple[pd.DataFrame, dict[str, Any]]]:
    """Case name -> (table used as reference and current, extra check inputs)."""
    ts = pd.date_range("2026-01-01", periods=N, freq="D")
    words = ["red", "green", "blue", "red"] * (N // 4)
    shuffled = _base().set_index(pd.Index(_rng.permutation(N) + 100))
    y_inf = Y.astype(float)
    y_inf[3] = np.inf
    return {
        "clean": (_base(), {}),
        "empty": (_base().iloc[:0], {}),
        "one_row": (_base().iloc[:1], {}),
        "all_nan": (
            pd.DataFrame(
                {
                    "x": np.full(N, np.nan),
                    "y": np.full(N, np.nan),
                    "p": np.full(N, np.nan),
                    "s": np.full(N, np.nan),
                    "g": [None] * N,
                }
            ),
            {},
        ),
        "all_inf": (_base(np.full(N, np.inf)), {}),
        "nullable": (
            _base(
                pd.array([pd.NA if k % 6 == 0 else k for k in range(N)], dtype="Int64"),
                f=pd.array([pd.NA if k % 9 == 0 else float(k) for k in range(N)], dtype="Float64"),
                b=pd.array([pd.NA if k % 4 == 0 else bool(k % 3) for k in range(N)], dtype="boolean"),
                t=pd.array([None if k % 5 == 0 else w for k, w in enumerate(words)], dtype="string"),
            ),
            {},
        ),
        "arrow": (
            _base(
                pd.array([None if k % 5 == 0 else k for k in range(N)], dtype="int64[pyarrow]"),
                f=pd.array(list(X), dtype="double[pyarrow]"),
                t=pd.array(words, dtype=pd.ArrowDtype(pa.string())),
                ts=pd.array(list(ts), dtype=pd.ArrowDtype(pa.timestamp("us", tz="UTC"))),
                b=pd.array([bool(k % 2) for k in range(N)], dtype="bool[pyarrow]"),
            ),
            {},
        ),
        "tz_datetime": (_base(pd.Series(ts.tz_localize("Europe/Oslo")).where(np.arange(N) % 10 != 3)), {}),
        "mixed_object": (_base(pd.Series(["a", 1, 2.5, None, "b"] * (N // 5), dtype=object)), {}),
        "lists": (_base(pd.Series([[k, k + 1] for k in range(N)], dtype=object)), {}),
        "dicts": (_base(pd.Series([{"k": k % 3} for k in range(N)], dtype=object)), {}),
        "sets": (_base(pd.Series([{k % 4} for k in range(N)], dtype=object)), {}),
        "arrow_list": (
            _base(pd.array([[k, 1] for k in range(N)], dtype=pd.ArrowDtype(pa.list_(pa.int64())))),
            {},
        ),
        "arrow_struct": (
            _base(
                pd.array(
                    [{"a": k % 5} for k in range(N)], dtype=pd.ArrowDtype(pa.struct([("a", pa.int64())]))
                )
            ),
            {},
        ),
        "big_int": (_base(pd.Series([2**64 + k for k in range(N)], dtype=object)), {}),
        "decimal": (_base(pd.Series([Decimal(k) / 7 for k in range(N)], dtype=object)), {}),
        "complex": (_base(X + 1j * X[::-1]), {}),
        "float16": (_base(X.astype("float16")), {}),
        "duplicate_names": (
            pd.DataFrame(np.c_[X, X, Y, P, S], columns=["x", "x", "y", "p", "s"]).assign(g=G),
            {},
        ),
        "non_string_names": (pd.DataFrame({0: X, 1: words, "y": Y, "p": P, "s": S, "g": G}), {}),
        "labels_nan": (_base().assign(y=np.where(np.arange(N) % 7 == 0, np.nan, Y)), {}),
        "labels_inf": (_base(), {"target": y_inf}),
        "labels_all_missing": (_base().assign(y=np.nan), {}),
        "target_2d": (_base(), {"target": np.c_[Y, Y]}),
        "prediction_2d": (_base(), {"prediction": np.c_[P, P]}),
        "index_reordered": (shuffled, {"prediction": shuffled["p"].sort_index()}),
        "index_mismatch": (shuffled, {"prediction": pd.Series(P)}),
    }


CASES = _cases()

#: Cases where nothing can be judged: no verdict may PASS (structural gates excepted).
NOTHING_TO_JUDGE = {"empty", "all_nan", "duplicate_names"}
#: Gates that read only the shape, dtypes or a fingerprint of the table, and so may pass those.
STRUCTURAL = {"RowCountGate", "SchemaGate", "SchemaDiffGate", "ReproducibilityGate", "DeterminismGate"}
#: Cases whose ``bad`` column has an unsupported kind (never judged by value).
UNSUPPORTED = {"lists", "dicts", "sets", "arrow_list", "arrow_struct", "big_int", "decimal", "complex"}
#: Gates that judge such a column for what it is (missing share, dtype, one Python type; a
#: column of lists is a column of embeddings for EmbeddingDriftGate).
JUDGE_ANY_KIND = {"MissingValuesGate", "SchemaGate", "SchemaDiffGate", "MixedTypesGate", "EmbeddingDriftGate"}
#: Gates that read the target, and gates that read the predicted labels.
TARGET_READERS = {
    "ClassBalanceGate",
    "ConceptDriftGate",
    "PerformanceGate",
    "BeatsBaselineGate",
    "CalibrationGate",
    "FairnessGate",
    "DisparateImpactGate",
    "ConflictingLabelsGate",
    "FeatureLeakageGate",
}
PREDICTION_READERS = {"PerformanceGate", "BeatsBaselineGate", "FairnessGate", "DisparateImpactGate"}
#: Cases whose target or predictions are broken: (gates reading that input, reasons allowed).
BROKEN_LABELS: dict[str, tuple[set[str], set[str]]] = {
    "labels_inf": (TARGET_READERS, {"invalid_input"}),
    "labels_all_missing": (TARGET_READERS, {"missing_values", "all_missing"}),
    "target_2d": (TARGET_READERS, {"invalid_input"}),
    "prediction_2d": (PREDICTION_READERS, {"invalid_input", "invalid_prediction"}),
    "index_mismatch": (PREDICTION_READERS, {"index_mismatch"}),
}
#: Gates that read named columns only (target, predictions, groups): a duplicated feature
#: name does not stop them.
NAMED_COLUMNS_ONLY = TARGET_READERS - {"ConflictingLabelsGate", "FeatureLeakageGate"}
#: The label-free gates judge from the named target, scores and predictions; a duplicated
#: feature name is left out of their support check and loss model, and named in the verdict.
NAMED_COLUMNS_ONLY |= {"LabelFreePerformanceGate", "LabelFreeRegressionGate"}


class _ZeroModel:
    """A fitted 'model' predicting 0 for every row, whatever the columns hold."""

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        return np.zeros(len(frame), dtype=int)


def _train(seed: int) -> _ZeroModel:
    return _ZeroModel()


def _configs(lockfile: str) -> dict[str, dict[str, Any]]:
    """A sensible configuration of each exported gate (the matrix fails on a gate without one)."""
    return {
        "DriftGate": {"n_jobs": 1},
        "Windowed": {"gate": mlgates.DriftGate(n_jobs=1), "rows": 20},
        "SequentialGate": {"column": "x", "arl0": 100, "n_resamples": 100, "min_samples": 10},
        "AnytimeDriftGate": {"column": "x", "min_samples": 10},
        "MultivariateDriftGate": {"min_samples": 10, "cv": 2},
        "TextDriftGate": {"min_samples": 10, "cv": 2, "n_top_features": 3},
        "EmbeddingDriftGate": {"min_samples": 10, "cv": 2},
        "ProxyGate": {"min_group_size": 5, "cv": 2},
        "ClassBalanceGate": {"min_share": 0.1},
        "CorrelationChangeGate": {"n_resamples": 20, "min_samples": 10},
        "StringVariantsGate": {},
        "MissingSpellingsGate": {},
        "SpecialCharactersGate": {},
        "PerformanceGate": {"metric": "accuracy", "min_value": 0.5},
        "BeatsBaselineGate": {"metric": "accuracy", "strategy": "most_frequent"},
        "CalibrationGate": {"max_ece": 0.5, "min_rows_per_bin": 2},
        "FairnessGate": {
            "metric": "selection_rate",
            "max_value": 0.5,
            "n_resamples": 50,
            "min_group_size": 5,
        },
        "DisparateImpactGate": {"n_resamples": 50, "min_group_size": 5},
        "CategoryGate": {},
        "ConflictingLabelsGate": {},
        "ConstantColumnGate": {},
        "DuplicateRowsGate": {"max_share": 0.5},
        "FeatureLeakageGate": {"min_samples": 10},
        "FreshnessGate": {"column": "bad", "max_age": "1 day", "now": "2026-03-01T00:00:00+00:00"},
        "InfiniteValuesGate": {},
        "MissingValuesGate": {"max_share": 0.5},
        "MixedTypesGate": {},
        "MonotonicGate": {},
        "OutlierGate": {},
        "RangeGate": {"min_value": -1e6, "max_value": 1e6},
        "RowCountGate": {"min_rows": 2},
        "RuleGate": {"rules": ["x > -1e9", "bad isnull or bad == bad"]},
        "StatisticGate": {
            "statistic": "mean",
            "min_value": -1e9,
            "max_value": 1e9,
            "where": "y isnull or y >= 0",
        },
        "SchemaGate": {},
        "StringGate": {"max_length": 10},
        "TrainTestLeakageGate": {},
        "UniqueGate": {"columns": ["x"]},
        "ContractRuleGate": {"rule": {"metric": "nullValues", "mustBe": 0}, "column": "x"},
        "SchemaDiffGate": {},
        "FeatureSkewGate": {"keys": "x"},
        "DeterminismGate": {"train_fn": _train},
        "ReproducibilityGate": {"lockfile": lockfile, "compare_to": ("data",)},
        # the gates on the record judge a model or a deployment against a ledger, not a table:
        # with no model and no ledger they are ERROR for every case (never PASS)
        "PromotionGate": {"require": ["release"], "ledger": lockfile + ".ledger"},
        "UnmanagedModelsGate": {"ledger": lockfile + ".ledger"},
        "ArtifactSafetyGate": {},
        "SecretsGate": {},
        "SensitiveDataGate": {},
        "LabelFreePerformanceGate": {"min_value": 0.5, "min_samples": 20, "n_resamples": 100, "cv": 2},
        "LabelFreeRegressionGate": {"max_value": 1.0, "min_samples": 20, "cv": 2},
        "EstimateCheckGate": {},
        # label-free: no model is passed in the matrix, so the two gates that ask the model
        # again are ERROR/missing_input for every case; ConceptDriftGate reads y and s
        "DriftImpactGate": {"n_resamples": 2},
        "FeatureRelevanceGate": {"n_resamples": 2},
        "ConceptDriftGate": {"min_samples": 10},
    }


def _gate_classes() -> dict[str, type[Gate]]:
    out = {}
    for name, module in LAZY_EXPORTS.items():
        if module.startswith("mlgates.integrations"):
            continue  # needs its extra
        obj = getattr(importlib.import_module(module), name)
        if isinstance(obj, type) and issubclass(obj, Gate):
            out[name] = obj
    return out


GATES = _gate_classes()


def test_every_exported_gate_has_a_matrix_config(tmp_path):
    assert set(GATES) == set(_configs(str(tmp_path / "l.json"))), "add the new gate to _configs()"


def _inputs(frame: pd.DataFrame, extra: dict[str, Any], artifacts: bool) -> dict[str, Any]:
    inputs: dict[str, Any] = {
        "reference": frame,
        "current": frame,
        "target": "y",
        "prediction": "p",
        "proba": "s",
        "sensitive_features": "g",
    }
    inputs.update(extra)
    if artifacts:
        inputs["artifacts"] = {"train": frame}
    return inputs


def _snapshot(inputs: dict[str, Any]) -> bytes:
    return pickle.dumps(inputs)


def _assert_unchanged(inputs: dict[str, Any], snapshot: bytes) -> None:
    if _snapshot(inputs) == snapshot:
        return  # the same pickle: every input holds exactly what it held (the usual case, fast)
    before = pickle.loads(snapshot)
    for key, value in inputs.items():
        old = before[key]
        if isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(value, old, check_exact=True)
        elif isinstance(value, pd.Series):
            pd.testing.assert_series_equal(value, old, check_exact=True)
        elif isinstance(value, np.ndarray):
            np.testing.assert_array_equal(value, old)
        elif isinstance(value, dict):
            for k in value:
                pd.testing.assert_frame_equal(value[k], old[k], check_exact=True)
        else:
            assert value == old, key


def assert_renders(verdict: Verdict) -> None:
    """Every format renders; JUnit parses; JSON round-trips to an equal verdict."""
    assert Verdict.from_json(verdict.to_json()) == verdict
    assert isinstance(verdict.to_text(), str) and verdict.to_text()
    assert isinstance(verdict.to_markdown(), str)
    assert "<" in verdict.to_html()
    ET.fromstring(verdict.to_junit_xml())
    verdict.to_frame()


def _lock(path, frame: pd.DataFrame) -> str:
    mlgates.Manifest.capture(artifacts={"train": frame}).save(path)
    return str(path)


MATRIX = [(case, gate) for case in CASES for gate in sorted(GATES)]


@pytest.fixture(scope="module")
def matrix_dir(tmp_path_factory):
    """One directory for the whole matrix, each test's files named by its case and gate (a
    directory per test made the matrix's 4,000 tests spend seconds creating and deleting them)."""
    return tmp_path_factory.mktemp("matrix")


@pytest.mark.parametrize(("case", "gate_name"), MATRIX, ids=[f"{c}-{g}" for c, g in MATRIX])
def test_bad_input_matrix(case, gate_name, matrix_dir):
    frame, extra = CASES[case]
    lockfile = str(matrix_dir / f"{case}-{gate_name}-absent.lock.json")
    if gate_name == "ReproducibilityGate":
        lock_path = matrix_dir / f"{case}-{gate_name}.lock.json"
        lockfile = _lock(lock_path, CASES["clean"][0] if case == "clean" else frame)
    config = _configs(lockfile)[gate_name]
    if gate_name == "FreshnessGate" and "bad" not in frame.columns:
        config = {**config, "column": frame.columns[0]}
    gate = GATES[gate_name](**config)
    inputs = _inputs(frame, extra, artifacts=gate_name == "ReproducibilityGate")
    snapshot = _snapshot(inputs)
    try:
        verdict = gate.check(**inputs)
    except ParameterError as exc:  # a programmer error: allowed only when it names a column
        assert any(repr(c) in str(exc) or f"column name {c}" in str(exc) for c in frame.columns), str(exc)
        return
    _assert_unchanged(inputs, snapshot)
    assert isinstance(verdict, Verdict)
    assert_renders(verdict)
    if verdict.status is not Status.PASS:
        assert verdict.reason, verdict.to_text()
    for f in verdict.findings:
        if f.status in (Status.ERROR, Status.SKIP) and f.subject not in ("dataset", "rows"):
            assert f.reason, f
    named_only = case == "duplicate_names" and gate_name in NAMED_COLUMNS_ONLY
    if case in NOTHING_TO_JUDGE and gate_name not in STRUCTURAL and not named_only:
        assert verdict.status is not Status.PASS, verdict.to_text()
    if case in UNSUPPORTED and gate_name not in JUDGE_ANY_KIND:
        judged = [f for f in verdict.findings if f.subject == "bad" and f.status is Status.PASS]
        assert not judged, verdict.to_text()
        for f in verdict.findings:
            if f.subject == "bad":
                assert f.reason == "unsupported_dtype", f
                assert str(frame["bad"].dtype) in (f.message or ""), f
                assert "text-like" not in (f.message or "")
    if case in BROKEN_LABELS and gate_name in BROKEN_LABELS[case][0]:
        assert verdict.status is Status.ERROR, verdict.to_text()
        assert verdict.reason in BROKEN_LABELS[case][1], verdict.to_text()


def test_matrix_sees_reordered_series_by_label():
    """Same labels, another order: aligned on current's index (accuracy 1.0, not 0.5)."""
    frame, extra = CASES["index_reordered"]
    v = mlgates.PerformanceGate(metric="accuracy", min_value=0.99).check(
        current=frame, target="p", prediction=extra["prediction"]
    )
    assert v.status is Status.PASS and v.metrics["accuracy"] == 1.0, v.to_text()


SUITE_CASES = [c for c in CASES if c not in ("empty", "duplicate_names", "non_string_names")]
FAST_SUITE_CASES = {
    "clean",
    "lists",
    "arrow_struct",
    "complex",
    "decimal",
    "all_inf",
    "float16",
    "labels_inf",
}


def _suite(frame: pd.DataFrame) -> mlgates.Suite:
    quality = mlgates.quality_suite_from_reference(frame, target="y")
    return mlgates.Suite(
        [
            quality,
            mlgates.DriftGate(n_jobs=1),
            mlgates.PerformanceGate(metric="accuracy", min_value=0.5),
            mlgates.FairnessGate(metric="selection_rate", max_value=0.5, n_resamples=50, min_group_size=5),
        ],
        name="full",
    )


def _members(verdict: Verdict) -> list[Verdict]:
    out = []
    for child in verdict.children:
        out += [child, *_members(child)]
    return out


@pytest.mark.parametrize(
    "case",
    [c if c in FAST_SUITE_CASES else pytest.param(c, marks=pytest.mark.slow) for c in SUITE_CASES],
)
def test_full_suite_on_bad_inputs(case, tmp_path):
    frame, extra = CASES[case]
    suite = _suite(frame)
    path = mlgates.save_suite(suite, tmp_path / "suite.toml")
    assert mlgates.load_suite(path).to_config() == suite.to_config()
    inputs = _inputs(frame, extra, artifacts=False)
    snapshot = _snapshot(inputs)
    verdict = suite.check(**inputs)
    _assert_unchanged(inputs, snapshot)
    assert_renders(verdict)
    crashed = [c.name for c in _members(verdict) if c.reason == "exception"]
    assert not crashed, verdict.to_text()
    if case in BROKEN_LABELS or case in NOTHING_TO_JUDGE or case == "all_nan":
        assert verdict.status is not Status.PASS, verdict.to_text()


@pytest.mark.parametrize("case", ["empty", "duplicate_names", "non_string_names"])
def test_suite_builder_refuses_tables_it_cannot_key(case):
    """Suite files key thresholds by column name: these are programmer errors naming the fix."""
    with pytest.raises(ParameterError, match="Fix:"):
        mlgates.quality_suite_from_reference(CASES[case][0], target="y")


HOSTILE_NAMES = [
    "x\nstatus: PASS (exit code 0)",
    "esc\x1b[31m",
    "nul\x00",
    "ls\u2028ep",
    "<script>",
    "]]>",
    "-->",
]


def _hostile_verdict() -> Verdict:
    frame = pd.DataFrame(dict.fromkeys(HOSTILE_NAMES, X)).assign(y=Y)
    return mlgates.Suite([mlgates.RangeGate(min_value=5.0), mlgates.DriftGate(n_jobs=1)]).check(
        reference=frame, current=frame.assign(**{HOSTILE_NAMES[0]: X + 10})
    )


def test_hostile_column_names_render_without_control_characters():
    """Column names with control characters: JUnit stays parseable, text output carries no raw
    control character (no forged CI log line, no ANSI escape)."""
    verdict = _hostile_verdict()
    ET.fromstring(verdict.to_junit_xml())
    text = verdict.to_text() + verdict.to_markdown()
    assert not any(ch in text for ch in ("\x1b", "\x00", "\u2028")), text
    assert "\nstatus: PASS" not in text, text

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlgates import Gate, MissingValuesGate, ParameterError, RowCountGate, Status, Suite


class Fixed(Gate):
    """A gate that returns a fixed status (or raises)."""

    def __init__(self, *, status="pass", name=None, blocking=True):
        super().__init__(name=name, blocking=blocking)
        self.status = status

    def _check(self, ctx):
        if self.status == "raise":
            raise ZeroDivisionError("division by zero in user code")
        return self._verdict(Status(self.status), reason=None if self.status == "pass" else "fixed")


statuses = st.sampled_from([s.value for s in Status])


@given(st.lists(statuses, max_size=6), st.lists(st.booleans(), max_size=6))
def test_suite_status_is_worst_with_non_blocking(values, blocking):
    gates = [
        Fixed(status=v, blocking=blocking[i] if i < len(blocking) else True) for i, v in enumerate(values)
    ]
    v = Suite(gates).check()
    expected = Status.worst(
        Status(s).downgraded() if not g.blocking else Status(s) for s, g in zip(values, gates)
    )
    assert v.status is expected
    if not values:
        assert v.reason == "empty_suite"


@given(st.lists(statuses, min_size=1, max_size=6))
def test_any_of_is_best(values):
    v = Suite([Fixed(status=s) for s in values], require="any").check()
    assert v.status is Status.best(Status(s) for s in values)


def test_and_or_flatten():
    a, b, c, d = (Fixed(name=n) for n in "abcd")
    s = a & b & c
    assert isinstance(s, Suite) and [g.name for g in s.gates] == ["a", "b", "c"]
    t = (a | b) | c
    assert t.require == "any" and len(t.gates) == 3
    mixed = (a & b) | (c & d)
    assert mixed.require == "any" and [len(g.gates) for g in mixed.gates] == [2, 2]
    named = Suite([a, b], name="keep") & c
    assert len(named.gates) == 2 and named.gates[0].name == "keep"


def test_exception_is_isolated():
    v = Suite([Fixed(status="raise", name="bad"), Fixed(name="good")]).check()
    bad, good = v.children
    assert bad.status is Status.ERROR and bad.reason == "exception"
    assert "ZeroDivisionError" in bad.message and "division by zero" in bad.message
    assert good.status is Status.PASS
    assert v.status is Status.ERROR


def test_fail_fast_skips_the_rest():
    v = Suite([Fixed(name="a"), Fixed(status="fail", name="b"), Fixed(name="c")], fail_fast=True).check()
    assert [c.status for c in v.children] == [Status.PASS, Status.FAIL, Status.SKIP]
    assert v.children[2].reason == "fail_fast"
    assert v.status is Status.FAIL


def test_nested_suites_and_lookup():
    inner = Suite([Fixed(status="warn", name="w")], name="inner")
    v = Suite([inner, Fixed(name="p")], name="outer").check()
    assert v.status is Status.WARN and v["w"].status is Status.WARN
    assert v.metrics["n_warn"] == 1 and v.metrics["n_gates"] == 2


def test_all_skipped_is_not_passed():
    v = Suite([Fixed(status="skip")]).check()
    assert v.status is Status.SKIP and not v.passed and v.exit_code == 1


def test_parameter_errors_raise_before_running():
    with pytest.raises(ParameterError, match="max_share"):
        Suite([RowCountGate(), MissingValuesGate(max_share=2.0)]).check(current=pd.DataFrame({"a": [1]}))
    with pytest.raises(ParameterError, match="Gate instances"):
        Suite([RowCountGate(), "not a gate"]).check()


def test_inputs_not_mutated_and_shared_predictions_computed_once():
    calls = []

    class Model:
        def predict(self, x):
            calls.append(len(x))
            return np.zeros(len(x))

    class UsesPred(Gate):
        def required_inputs(self):
            return ("current",)

        def _check(self, ctx):
            pred = ctx.prediction()
            return self._verdict(Status.PASS, metrics={"n": len(pred)})

    df = pd.DataFrame({"x": [1.0, 2.0, np.nan], "y": [0, 1, 0]})
    before = df.copy()
    v = Suite([UsesPred(name="a"), UsesPred(name="b"), MissingValuesGate(max_share=0.5)]).check(
        current=df, model=Model(), target="y"
    )
    assert calls == [3]  # once per suite run
    assert v.children[0].status is Status.PASS
    pd.testing.assert_frame_equal(df, before)


def test_suite_accepts_union_of_member_inputs():
    class NeedsArtifacts(Gate):
        extra_inputs = ("artifacts",)

        def _check(self, ctx):
            return self._verdict(Status.PASS if ctx.has("artifacts") else Status.ERROR, reason="x")

    v = Suite([NeedsArtifacts(), Fixed()]).check(artifacts={"a": 1})
    assert v.status is Status.PASS
    with pytest.raises(TypeError, match="artifacts"):
        Fixed().check(artifacts={})


def test_repr_reads_like_constructor():
    s = Suite([RowCountGate(min_rows=5)], name="x", fail_fast=True)
    assert repr(s) == "Suite([RowCountGate(min_rows=5)], name='x', fail_fast=True)"


def test_model_gets_exactly_its_fitted_columns():
    from sklearn.linear_model import LogisticRegression

    from mlgates import PerformanceGate

    rng = np.random.default_rng(0)
    train = pd.DataFrame({"age": rng.normal(size=200), "income": rng.normal(size=200)})
    y = (train["age"] > 0).astype(int)
    model = LogisticRegression().fit(train, y)
    scoring = train.assign(y=y, city="x", extra=1.0)  # columns the model never saw
    v = PerformanceGate("accuracy", min_value=0.5).check(current=scoring, target="y", model=model)
    assert v.status is Status.PASS, v.to_text()
    v = PerformanceGate("accuracy", min_value=0.5).check(
        current=scoring.drop(columns=["income"]), target="y", model=model
    )
    assert v.status is Status.ERROR and v.reason == "missing_column" and "income" in v.message


def test_sample_weight_is_read_once_and_validated_the_same_everywhere():
    from mlgates import FairnessGate, PerformanceGate

    rng = np.random.default_rng(1)
    n = 400
    df = pd.DataFrame(
        {"y": rng.integers(0, 2, n), "p": rng.integers(0, 2, n), "g": rng.choice(["a", "b"], n)}
    )
    w = rng.random(n) + 0.5
    suite = PerformanceGate("accuracy", min_value=0.0) & FairnessGate(
        "demographic_parity_difference", max_value=1.0, sensitive_features="g"
    )
    ok = suite.check(current=df, target="y", prediction="p", sample_weight=w)
    assert [c.status for c in ok.children] == [Status.PASS, Status.PASS], ok.to_text()
    bad = suite.check(current=df, target="y", prediction="p", sample_weight=np.r_[np.nan, w[1:]])
    assert [(c.status, c.reason) for c in bad.children] == [(Status.ERROR, "missing_values")] * 2
    negative = suite.check(current=df, target="y", prediction="p", sample_weight=np.r_[-1.0, w[1:]])
    assert [c.reason for c in negative.children] == ["invalid_input"] * 2

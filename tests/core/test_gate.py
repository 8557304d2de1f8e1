from __future__ import annotations

import pandas as pd
import pytest

from mlgates import Gate, InputError, MissingValuesGate, ParameterError, RowCountGate, Status
from mlgates.core.params import Interval, Options


class Threshold(Gate):
    _parameter_constraints = {
        "threshold": [Interval("real", 0, None)],
        "mode": [Options("a", "b")],
    }

    def __init__(self, *, threshold=0.1, mode="a", name=None, blocking=True):
        super().__init__(name=name, blocking=blocking)
        self.threshold = threshold
        self.mode = mode

    def required_inputs(self):
        return ("current",)

    def _check(self, ctx):
        if "boom" in ctx.frame().columns:
            raise InputError("boom: cannot judge", reason="boom_reason", subject="boom")
        return self._verdict(
            Status.FAIL if len(ctx.frame()) > 2 else Status.PASS,
            reason="too_long" if len(ctx.frame()) > 2 else None,
        )


def test_params_round_trip_and_repr():
    g = Threshold(threshold=0.5, name="t")
    assert g.get_params() == {"threshold": 0.5, "mode": "a", "name": "t", "blocking": True}
    assert repr(g) == "Threshold(threshold=0.5, name='t')"
    c = g.clone()
    assert c is not g and c.get_params() == g.get_params()
    assert g.set_params(mode="b") is g and g.mode == "b"


def test_unknown_param_is_named():
    with pytest.raises(ParameterError, match="no parameter 'treshold'.*threshold"):
        Threshold().set_params(treshold=1)


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        (
            {"threshold": -0.1},
            r"The 'threshold' parameter of Threshold must be a float in \[0, inf\)\. "
            r"Got -0\.1 instead\. Fix: Threshold\(threshold=\.\.\.\)",
        ),
        ({"threshold": "high"}, r"'threshold'.*Got 'high' instead"),
        ({"threshold": float("nan")}, r"'threshold'.*Got nan"),
        ({"mode": "c"}, r"'mode' parameter of Threshold must be one of \{'a', 'b'\}\. Got 'c'"),
        ({"blocking": "yes"}, r"'blocking' parameter of Threshold must be True or False"),
        ({"name": 3}, r"'name' parameter of Threshold must be None or a str"),
    ],
)
def test_parameter_messages(kwargs, pattern):
    gate = Threshold(**kwargs)  # construction never validates
    with pytest.raises(ParameterError, match=pattern):
        gate.check(current=pd.DataFrame({"a": [1]}))


def test_missing_input_is_error_verdict_naming_it():
    v = Threshold().check()
    assert v.status is Status.ERROR and v.reason == "missing_input"
    assert "current" in v.message


def test_unknown_input_keyword_suggests():
    with pytest.raises(TypeError, match="'curent'.*Did you mean 'current'"):
        Threshold().check(curent=pd.DataFrame())


def test_input_error_becomes_verdict():
    v = Threshold().check(current=pd.DataFrame({"boom": [1]}))
    assert (v.status, v.reason) == (Status.ERROR, "boom_reason")


def test_non_blocking_fail_is_warn():
    df = pd.DataFrame({"a": [1, 2, 3]})
    assert Threshold().check(current=df).status is Status.FAIL
    v = Threshold(blocking=False).check(current=df)
    assert v.status is Status.WARN and "non-blocking" in v.message


def test_verdict_records_params_and_provenance():
    v = Threshold(threshold=0.3).check(current=pd.DataFrame({"a": [1]}))
    assert v.params["threshold"] == 0.3 and v.gate == "Threshold" and v.name == "Threshold"
    assert v.provenance["mlgates_version"]
    assert v.provenance["inputs"]["current"]["shape"] == (1, 1)
    assert v.duration_s >= 0


def test_polars_like_inputs_are_converted():
    class FakeTable:
        def to_pandas(self):
            return pd.DataFrame({"a": [1.0, None]})

    v = MissingValuesGate(max_share=0.1).check(current=FakeTable())
    assert v.status is Status.FAIL


def test_bad_table_type_is_error():
    v = RowCountGate().check(current=[1, 2, 3])
    assert v.status is Status.ERROR and v.reason == "invalid_input"


def test_provenance_fingerprints_tables():
    from mlgates import fingerprint

    df = pd.DataFrame({"a": [1.0, 2.0]})
    v = RowCountGate().check(current=df)
    assert v.provenance["inputs"]["current"]["fingerprint"] == fingerprint(df)
    other = RowCountGate().check(current=df.assign(a=[1.0, 3.0]))
    assert other.provenance["inputs"]["current"]["fingerprint"] != fingerprint(df)

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlgates import Finding, GateFailure, Status, Verdict

floats = st.floats(allow_nan=True, allow_infinity=True)


def _verdict(**kw) -> Verdict:
    base = dict(
        status=Status.FAIL,
        name="missing",
        gate="MissingValuesGate",
        reason="missing_share_exceeded",
        message="age: 20.0% missing > 5.0% allowed",
        metrics={"max_missing_share": 0.2},
        findings=(
            Finding(
                "age",
                Status.FAIL,
                statistic=0.2,
                threshold=0.05,
                method="missing_share",
                reason="missing_share_exceeded",
                message="age: 20.0% missing > 5.0% allowed",
                details={"n": np.int64(5), "ci": np.array([0.1, 0.3])},
            ),
        ),
    )
    base.update(kw)
    return Verdict(**base)


def test_bool_refuses_to_guess():
    with pytest.raises(TypeError, match=r"\.passed"):
        bool(_verdict())
    with pytest.raises(TypeError):
        if _verdict(status=Status.PASS):
            pass


def test_passed_and_exit_code():
    assert [Verdict(s).passed for s in Status] == [True, True, False, False, False]
    assert [Verdict(s).exit_code for s in Status] == [0, 0, 1, 2, 1]


def test_raise_for_status_carries_verdict_and_table():
    v = _verdict()
    with pytest.raises(GateFailure) as info:
        v.raise_for_status()
    assert info.value.verdict is v
    assert "age" in str(info.value) and "FAIL" in str(info.value)
    assert isinstance(info.value, AssertionError)
    ok = _verdict(status=Status.WARN)
    assert ok.raise_for_status() is ok
    with pytest.raises(GateFailure):
        ok.raise_for_status(fail_on="warn")


def test_frozen_and_read_only_mappings():
    v = _verdict()
    with pytest.raises(AttributeError):
        v.status = Status.PASS  # type: ignore[misc]
    with pytest.raises(TypeError, match="read-only"):
        v.metrics["x"] = 1.0  # type: ignore[index]
    with pytest.raises(TypeError, match="read-only"):
        v.findings[0].details["n"] = 3  # type: ignore[index]


def test_numpy_values_become_plain():
    f = _verdict().findings[0]
    assert f.details["n"] == 5 and type(f.details["n"]) is int
    assert f.details["ci"] == (0.1, 0.3)


def test_metrics_must_be_numbers():
    with pytest.raises(TypeError, match="metrics"):
        Verdict(Status.PASS, metrics={"x": "high"})


@given(stat=floats, p=floats, metric=floats, detail=floats)
def test_json_round_trip_is_lossless(stat, p, metric, detail):
    finding = Finding("col", Status.WARN, statistic=stat, pvalue=p, details={"x": [detail, {"y": detail}]})
    child = Verdict(Status.WARN, name="c", findings=(finding,), metrics={"m": metric})
    v = Verdict(Status.WARN, name="suite", gate="Suite", children=(child,), params={"t": detail})
    text = v.to_json()
    json.loads(text)  # strict JSON: no bare NaN/Infinity
    assert "NaN" not in text and "Infinity" not in text
    back = Verdict.from_json(text)
    assert back == v
    got = back.children[0].findings[0].statistic
    assert (math.isnan(got) and math.isnan(stat)) or got == stat


def test_schema_is_versioned_and_checked():
    d = _verdict().to_dict()
    assert d["schema"] == "mlgates.verdict/1"
    d["schema"] = "mlgates.verdict/999"
    with pytest.raises(ValueError, match="schema"):
        Verdict.from_dict(d)


def test_to_frame_has_fixed_columns():
    v = Verdict(
        Status.FAIL,
        name="s",
        gate="Suite",
        children=(_verdict(), Verdict(Status.PASS, name="rows", gate="RowCountGate")),
    )
    frame = v.to_frame()
    assert list(frame.columns) == [
        "gate",
        "gate_type",
        "gate_status",
        "subject",
        "status",
        "statistic",
        "pvalue",
        "threshold",
        "method",
        "reason",
        "message",
        "window",
    ]
    assert frame["gate"].tolist() == ["missing", "rows"]
    assert frame["statistic"].dtype == "float64"


def test_lookup_by_name():
    v = Verdict(Status.FAIL, name="s", children=(_verdict(),))
    assert v["missing"].gate == "MissingValuesGate"
    with pytest.raises(KeyError):
        v["nope"]


def test_repr_is_short():
    assert repr(_verdict()) == "<Verdict 'missing' FAIL, reason='missing_share_exceeded', findings=1>"


def test_frozen_plain_is_freeze_of_to_plain():
    import datetime as dt
    import enum

    import numpy as np

    from mlgates.core._jsonable import freeze, frozen_plain, to_plain

    class Colour(enum.Enum):
        RED = "red"

    samples = [
        {"counts": [1, 2.5, None, True], "name": "x", "nested": {"a": (1, 2), 3: [np.float64(0.5)]}},
        {"set": {3, 1, 2}, "enum": Colour.RED, "array": np.arange(3), "when": dt.date(2024, 1, 2)},
        {"nan": float("nan"), "np_int": np.int64(4), "mixed": [1, "a", [2, {"b": np.bool_(True)}]]},
        [],
        (),
        "text",
    ]
    for value in samples:
        got, want = frozen_plain(value), freeze(to_plain(value))
        assert repr(got) == repr(want)
        assert type(got) is type(want)

"""Groups of rows (mlgates.core._groups, re-exported by mlgates.core.inputs): one group builder
for sensitive groups and segments, one spelling of a group and of a missing value."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mlgates import InputError
from mlgates.core import inputs
from mlgates.core.context import CheckContext


def _ctx(**extra) -> CheckContext:
    frame = pd.DataFrame({"sex": ["F", "M", None, "F"], "race": ["a", "b", "a", "a"], "x": [1, 2, 3, 4]})
    return CheckContext({"current": frame, **extra})


def test_group_subject_and_codes():
    codes, labels, keep, dropped = inputs.group_codes(
        [np.array(["b", None, "a", "b"], dtype=object)], ("g",), "as_group"
    )
    names = [inputs.group_subject(("g",), label) for label in labels]
    assert [names[c] for c in codes] == ["g=b", "g=<missing>", "g=a", "g=b"]
    assert keep is None and dropped == 0
    codes, labels, keep, dropped = inputs.group_codes(
        [np.array(["b", None, "a", "b"], dtype=object)], ("g",), "drop"
    )
    assert keep.tolist() == [True, False, True, True] and dropped == 1 and len(codes) == 3


def test_segments_of_a_callable_and_of_unhashable_values():
    from mlgates.core.context import CheckContext

    df = pd.DataFrame({"x": [1, 2, 3, 4], "l": [[1], [2], [1], None]})
    ctx = CheckContext({"current": df})
    names, ids = inputs.segments(ctx, lambda d: d["x"] % 2, "current")
    assert [names[i] for i in ids] == ["segment=1", "segment=0", "segment=1", "segment=0"]
    names, ids = inputs.segments(ctx, "l", "current")
    assert [names[i] for i in ids] == ["l=[1]", "l=[2]", "l=[1]", "l=<missing>"]
    with pytest.raises(InputError) as err:
        inputs.segments(ctx, lambda d: [1, 2], "current")
    assert err.value.reason == "length_mismatch"


def test_groups_from_the_parameter_take_precedence_and_are_cached_per_run():
    ctx = _ctx(sensitive_features="race")
    g = inputs.groups(ctx, ["sex", "race"], "as_group")
    assert g.names == ("sex", "race") and g.n_rows == 4 and g.keep is None
    assert sorted(g.subject(i) for i in range(g.n_groups)) == [
        "sex=<missing>, race=a",
        "sex=F, race=a",
        "sex=M, race=b",
    ]
    assert inputs.groups(ctx, ["sex", "race"], "as_group") is g  # one build per run
    assert inputs.groups(ctx, None, "as_group").names == ("race",)  # the check input


@pytest.mark.parametrize(
    ("spec", "names"),
    [
        (pd.Series(["F", "M", "F", "M"]), ("sensitive_feature_0",)),
        (pd.Series(["F", "M", "F", "M"], name="s"), ("s",)),
        (pd.DataFrame({"s": ["F", "M", "F", "M"], "t": [0, 0, 1, 1]}), ("s", "t")),
        ({"s": ["F", "M", "F", "M"]}, ("s",)),
        ([0, 1, 0, 1], ("sensitive_feature_0",)),  # a list of strings would name columns
        (
            np.array([["F", 0], ["M", 0], ["F", 1], ["M", 1]], dtype=object),
            ("sensitive_feature_0", "sensitive_feature_1"),
        ),
    ],
)
def test_groups_from_values_of_every_accepted_shape(spec, names):
    g = inputs.groups(_ctx(sensitive_features=spec), None, "as_group")
    assert g.names == names and g.n_rows == 4 and len(g.codes) == 4


def test_groups_missing_value_policies():
    dropped = inputs.groups(_ctx(), "sex", "drop")
    assert dropped.n_dropped == 1 and dropped.keep.tolist() == [True, True, False, True]
    assert dropped.take(np.arange(4), "target").tolist() == [0, 1, 3]
    with pytest.raises(InputError) as err:
        inputs.groups(_ctx(), "sex", "error")
    assert err.value.reason == "missing_sensitive_values" and err.value.subject == "sex"
    assert "on_missing='as_group'" in str(err.value)
    with pytest.raises(InputError) as err:
        dropped.take(np.arange(3), "target")
    assert err.value.reason == "length_mismatch" and err.value.subject == "target"


@pytest.mark.parametrize(
    ("spec", "reason"),
    [
        ([0, 1], "length_mismatch"),  # two values for four rows
        (np.zeros((4, 1, 1)), "invalid_input"),  # a 3-d array
    ],
)
def test_groups_refuse_values_that_do_not_fit(spec, reason):
    with pytest.raises(InputError) as err:
        inputs.groups(_ctx(sensitive_features=spec), None, "as_group")
    assert err.value.reason == reason


def test_every_row_dropped_is_empty_input():
    ctx = CheckContext({"current": pd.DataFrame({"sex": [None, None]})})
    with pytest.raises(InputError) as err:
        inputs.groups(ctx, "sex", "drop")
    assert err.value.reason == "empty_input"

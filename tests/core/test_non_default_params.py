"""One rule for "parameters that differ from their defaults" (NaN-aware), used by a gate's repr,
its config, a suite's repr and the notebook display of an unchecked gate."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mlgates import Gate, MissingValuesGate, RowCountGate, Status, Suite
from mlgates.core.config import gate_to_config
from mlgates.core.params import is_default, non_default_params
from mlgates.report import render


class TolGate(Gate):
    """A gate whose defaults hold NaN (an "unset" float, a tuple with an unset end)."""

    def __init__(
        self,
        *,
        tolerance: float = math.nan,
        bounds: tuple[float, float] = (0.5, math.nan),
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.tolerance = tolerance
        self.bounds = bounds

    def _check(self, ctx):  # pragma: no cover - not checked here
        return self._verdict(Status.PASS)


@pytest.mark.parametrize(
    ("value", "default", "expected"),
    [
        (math.nan, math.nan, True),
        (float("nan"), math.nan, True),  # another NaN object
        ((0.5, float("nan")), (0.5, math.nan), True),
        ({"a": [float("nan")]}, {"a": [math.nan]}, True),
        (0.1, math.nan, False),
        (math.nan, 0.1, False),
        (np.float64(0.1), 0.1, False),  # a numpy scalar is shown: its type differs
        (1, 1.0, False),
        (True, 1, False),
        ([1, 2], (1, 2), False),
        ("auto", "auto", True),
        (None, None, True),
    ],
)
def test_is_default(value, default, expected):
    assert is_default(value, default) is expected


def test_an_array_is_default_only_when_it_is_the_default_object():
    arr = np.arange(3)
    assert is_default(arr, arr) and not is_default(arr.copy(), arr)


def test_nan_defaults_are_left_out_everywhere():
    gate = TolGate(bounds=(0.5, float("nan")))  # equal to the default, but not the same objects
    assert repr(gate) == "TolGate()"
    assert gate_to_config(gate) == {"type": "TolGate"}
    assert "tolerance" not in render(gate, "html") and "bounds" not in render(gate, "html")
    assert repr(Suite([gate], fail_fast=True)) == "Suite([TolGate()], fail_fast=True)"


def test_nan_set_over_a_default_is_shown_everywhere():
    gate = TolGate(tolerance=0.1)
    assert repr(gate) == "TolGate(tolerance=0.1)"
    assert gate_to_config(gate) == {"type": "TolGate", "tolerance": 0.1}
    assert "tolerance" in render(gate, "html")
    nan_over_number = RowCountGate(min_rows=math.nan)
    assert "min_rows=nan" in repr(nan_over_number)


@pytest.mark.parametrize(
    "gate",
    [
        TolGate(),
        TolGate(tolerance=0.2, name="t", blocking=False),
        RowCountGate(min_rows=np.int64(10)),
        MissingValuesGate(max_share=0.05, columns=["a"]),
        Suite([RowCountGate()], name="s", require="any"),
    ],
)
def test_repr_config_and_display_agree(gate):
    changed = non_default_params(gate)
    shown_in_repr = {k for k in changed if f"{k}=" in repr(gate)}
    assert shown_in_repr == set(changed) - {"gates"}
    config = gate_to_config(gate)
    assert set(config) - {"type"} == set(changed)
    if not isinstance(gate, Suite):  # a suite's display spells out its mode instead
        html = render(gate, "html")
        for key in set(changed) - {"name", "blocking"}:
            assert f"{key}=" in html

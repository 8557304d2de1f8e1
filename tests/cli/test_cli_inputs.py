"""The inputs of ``mlgates check`` (mlgates.cli_inputs): which option provides which input, said
before anything runs and in hints after a ``missing_input`` verdict. (Reading data and model
files is tested end to end in test_cli_check.py.)"""

from __future__ import annotations

import argparse

import pytest

from mlgates import Status, Verdict
from mlgates.cli_inputs import leaves, missing_input_hints, missing_options


@pytest.mark.parametrize(
    ("name", "option"),
    [
        ("sensitive_features", "--sensitive COL"),
        ("target", "--target COL"),
        ("prediction", "--prediction COL"),
        ("model", "--model PATH (add --trust-model"),
        ("reference", "--reference PATH"),
    ],
)
def test_missing_input_hints_translate_each_input(name, option):
    child = Verdict(
        status=Status.ERROR,
        name="g",
        gate="G",
        reason="missing_input",
        message=f"missing input {name!r}: pass check({name}=...)",
    )
    suite = Verdict(status=Status.ERROR, name="suite", gate="Suite", children=(child,))
    hints = missing_input_hints(suite)
    assert len(hints) == 1 and hints[0].startswith(f"hint: g: missing input {name!r}: pass {option}")
    assert "check(" not in hints[0]


def test_missing_prediction_hint_offers_columns_or_model():
    v = Verdict(
        status=Status.ERROR,
        name="perf",
        reason="missing_input",
        message="missing input 'prediction': pass check(prediction=...) (a column name or an array) "
        "or check(model=...) to compute it.",
    )
    (hint,) = missing_input_hints(v)
    assert "pass --prediction COL or --model PATH" in hint and "array" not in hint
    other = Verdict(status=Status.ERROR, reason="missing_input", message="pass check(artifacts=...)")
    assert "no command-line option" in missing_input_hints(other)[0]


def _args(**given) -> argparse.Namespace:
    options = ("reference", "reference_profile", "current", "target", "prediction", "proba")
    options += ("baseline_prediction", "baseline_proba", "sensitive", "model", "baseline_model")
    return argparse.Namespace(**{o: given.get(o) for o in options})


def test_missing_options_name_every_option_and_the_gates_that_need_it():
    pytest.importorskip("fairlearn")
    from mlgates import FairnessGate, PerformanceGate, RowCountGate

    suite = RowCountGate(min_rows=1) & (
        PerformanceGate("accuracy", min_value=0.5, name="perf") & FairnessGate(name="fair")
    )
    assert [g.display_name for g in leaves(suite)][1:] == ["perf", "fair"]
    line = missing_options(suite, _args(current="cur.csv"))
    assert line is not None and line.startswith("missing options: ")
    assert "--target COL (needed by perf)" in line  # demographic parity needs no labels
    assert "--prediction COL or --model PATH (needed by perf, fair)" in line
    assert "--sensitive COL [COL ...] (needed by fair)" in line
    assert line.endswith("Pass them and run again (pickle/joblib model files also need --trust-model).")
    given = _args(current="c", target="y", prediction="p", sensitive=["s"])
    assert missing_options(suite, given) is None

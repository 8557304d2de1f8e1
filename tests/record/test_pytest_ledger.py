"""The pytest plugin's --mlgates-ledger=DIR records the session's verdicts (pytester)."""

from __future__ import annotations

from importlib.metadata import entry_points

import pandas  # noqa: F401 - imported once here: pytester in-process runs cannot re-import numpy
import pytest

from mlgates import Ledger

pytest_plugins = ("pytester",)

TESTS = """
import pandas as pd
from mlgates import MissingValuesGate, RowCountGate

DF = pd.DataFrame({"age": [30.0, None, 40.0, 50.0]})

def test_passes():
    assert RowCountGate(min_rows=1, name="rows").check(current=DF).passed

def test_fails():
    assert MissingValuesGate(max_share=0.05, name="missing").check(current=DF).passed

def test_records_itself(mlgates_ledger):
    v = RowCountGate(min_rows=2, name="release").check(current=DF)
    if mlgates_ledger is not None:
        v.record(mlgates_ledger, model="mlg1-xxh3_128:" + "7" * 32, model_name="churn", git=None)
"""


def _plugin_args() -> list[str]:
    names = {ep.name for ep in entry_points(group="pytest11")}
    return [] if "mlgates" in names else ["-p", "mlgates.pytest_plugin"]


def test_session_verdicts_are_recorded(pytester: pytest.Pytester):
    pytester.makepyfile(test_session_gates=TESTS)
    folder = pytester.path / "ledger"
    result = pytester.runpytest(*_plugin_args(), "-p", "no:cacheprovider", f"--mlgates-ledger={folder}")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*mlgates: 2 verdicts recorded in the ledger*"])
    ledger = Ledger(folder)
    records = ledger.records()
    assert len(records) == 3  # rows, missing (by the plugin) and release (by the test, once)
    by_name = {r.verdict.name: r for r in records}
    assert by_name["release"].model_name == "churn" and by_name["release"].body["stage"] is None
    assert by_name["missing"].verdict.status.value == "fail"
    assert by_name["missing"].body["stage"] == "pytest"
    assert by_name["rows"].body["metadata"]["pytest_nodeid"] == "test_session_gates.py::test_passes"
    assert by_name["rows"].body["data"]["current"]["n_rows"] == 4
    assert ledger.verify().status.value == "pass"


def test_a_ledger_that_cannot_be_written_is_reported(pytester: pytest.Pytester):
    pytester.makepyfile(test_session_gates=TESTS)
    blocker = pytester.path / "file"
    blocker.write_text("not a folder")
    result = pytester.runpytest(*_plugin_args(), "-p", "no:cacheprovider", f"--mlgates-ledger={blocker}")
    result.assert_outcomes(passed=1, failed=2)  # the test that records by itself fails too
    result.stdout.fnmatch_lines(["*mlgates: could not record in the ledger*"])


def test_without_the_option_nothing_is_recorded(pytester: pytest.Pytester):
    pytester.makepyfile(test_session_gates=TESTS)
    result = pytester.runpytest(*_plugin_args(), "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=1)
    assert not (pytester.path / ".mlgates").exists()

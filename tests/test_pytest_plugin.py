"""The pytest plugin, tested with pytester: session report, terminal summary, readable failures."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from importlib.metadata import entry_points
from pathlib import Path

import pandas  # noqa: F401 - imported once here: pytester in-process runs cannot re-import numpy
import pytest

from mlgates import Status, Verdict

pytest_plugins = ("pytester",)

ROOT = Path(__file__).resolve().parents[1]

TESTS = """
import pandas as pd
import mlgates
from mlgates import MissingValuesGate, RowCountGate
from mlgates.testing import assert_passes

DF = pd.DataFrame({"age": [30.0, None, 40.0, 50.0], "city<x>": ["a", "b", "c", "d"]})

def test_passes():
    assert_passes(RowCountGate(min_rows=1).check(current=DF))

def test_fails_with_table():
    assert_passes(MissingValuesGate(max_share=0.05, name="missing").check(current=DF))

def test_raise_for_status():
    MissingValuesGate(max_share=0.05, name="missing2").check(current=DF).raise_for_status()

def test_warns_but_passes():
    v = MissingValuesGate(max_share=0.5, warn_share=0.1, name="missing_warn").check(current=DF)
    assert v.passed

def test_suite(mlgates_verdicts):
    suite = RowCountGate(min_rows=1, name="rows") & MissingValuesGate(max_share=1.0, name="mv")
    suite.check(current=DF)
    assert [v.name for v in mlgates_verdicts()] == ["Suite"]
"""


def _plugin_args() -> list[str]:
    """``-p mlgates.pytest_plugin`` unless the installed entry point already loads it."""
    names = {ep.name for ep in entry_points(group="pytest11")}
    return [] if "mlgates" in names else ["-p", "mlgates.pytest_plugin"]


def _run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    pytester.makepyfile(test_gates=TESTS)
    return pytester.runpytest(*_plugin_args(), "-p", "no:cacheprovider", *args)


def test_failure_shows_the_verdict_table(pytester):
    result = _run(pytester)
    result.assert_outcomes(passed=3, failed=2)
    out = result.stdout.str()
    assert "gate did not pass" in out
    # the table: status, subject and the numbers, not a repr
    result.stdout.fnmatch_lines(["*FAIL*missing*age: 25.0% missing > 5.0% allowed*"])
    assert "<Verdict" not in out
    # raise_for_status hides its own frame
    assert "fail_on = Status.coerce(fail_on)" not in out


def test_terminal_summary_lists_failed_and_warned(pytester):
    result = _run(pytester)
    out = result.stdout.str()
    assert "mlgates: gates that did not pass cleanly" in out
    result.stdout.fnmatch_lines(
        [
            "FAIL  missing [[]missing_share_exceeded[]]: *test_gates.py::test_fails_with_table)",
            "WARN  missing_warn*test_gates.py::test_warns_but_passes)",
        ]
    )
    section = out.split("mlgates: gates that did not pass cleanly", 1)[1]
    assert "rows" not in section.split("short test summary")[0]


def test_summary_can_be_turned_off(pytester):
    result = _run(pytester, "--mlgates-no-summary")
    assert "mlgates: gates that did not pass cleanly" not in result.stdout.str()


def test_json_report_collects_every_verdict(pytester):
    result = _run(pytester, "--mlgates-report=out/report.json")
    result.assert_outcomes(passed=3, failed=2)
    verdict = Verdict.from_json((pytester.path / "out" / "report.json").read_text())
    assert len(verdict.children) == 5
    assert verdict.status is Status.FAIL
    nodes = [c.provenance["pytest_nodeid"] for c in verdict.children]
    assert nodes == [
        f"test_gates.py::{t}"
        for t in (
            "test_passes",
            "test_fails_with_table",
            "test_raise_for_status",
            "test_warns_but_passes",
            "test_suite",
        )
    ]
    suite = verdict.children[-1]
    assert [c.name for c in suite.children] == ["rows", "mv"]
    assert "verdicts written to out/report.json" in result.stdout.str()


def test_html_and_junit_reports(pytester):
    _run(pytester, "--mlgates-report=report.html")
    page = (pytester.path / "report.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and "test_fails_with_table" in page
    assert "city<x>" not in page
    _run(pytester, "--mlgates-report=report.xml")
    root = ET.parse(pytester.path / "report.xml").getroot()
    cases = root.findall(".//testcase")
    assert len(cases) == 6  # 4 gates + the 2 members of the suite
    assert len(root.findall(".//failure")) == 2


def test_unknown_report_suffix_is_a_usage_error(pytester):
    result = _run(pytester, "--mlgates-report=report.pdf")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "unknown suffix" in result.stderr.str()


def test_no_verdicts_no_section(pytester):
    pytester.makepyfile(test_plain="def test_x():\n    assert True\n")
    result = pytester.runpytest(*_plugin_args(), "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    out = result.stdout.str()
    assert "did not pass cleanly" not in out and "verdicts written" not in out
    assert "mlgates: " in out  # the report header names the version


def test_plugin_import_is_light():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    heavy = ("numpy", "pandas", "scipy", "sklearn", "fairlearn", "mlgates.gates", "mlgates.report.html")
    code = (
        "import sys, mlgates.pytest_plugin\n"
        f"heavy = [m for m in {heavy!r} if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=ROOT)


HOSTILE_TESTS = """
import pandas as pd
from mlgates import MissingValuesGate

FORGED = "x\\nstatus: PASS (exit code 0)"
DF = pd.DataFrame({FORGED: [None, 1.0], "\\x1b[31mred\\x1b[0m": [None, 2.0], "bidi\\u202e\\x00": [None, 3.0]})

def test_hostile():
    MissingValuesGate(max_share=0.05, name="gate\\r\\n\\x1b[2J\\u2028").check(current=DF)
"""


def test_terminal_summary_escapes_hostile_names(pytester):
    pytester.makepyfile(test_hostile=HOSTILE_TESTS)
    result = pytester.runpytest(*_plugin_args(), "-p", "no:cacheprovider", "--mlgates-report=r.xml")
    result.assert_outcomes(passed=1)
    section = result.stdout.str().split("mlgates: gates that did not pass cleanly", 1)[1]
    lines = [line for line in section.splitlines() if line.startswith("FAIL ")]
    assert len(lines) == 1  # one gate, one line
    assert lines[0].startswith("FAIL  gate\\r\\n\\x1b[2J\\u2028 [missing_share_exceeded]: ")
    assert "x\\nstatus: PASS (exit code 0): 50.0% missing" in lines[0]
    assert not any(line.lstrip().startswith("status: PASS") for line in section.splitlines())
    assert not any(c in section for c in "\x1b\x00\r\u2028\u202e")
    ET.parse(pytester.path / "r.xml")  # the session's JUnit report parses

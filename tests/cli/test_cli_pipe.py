"""``mlgates check ... | head``: a reader that stops early is not an error. The command still
writes its reports and exits with the verdict's code, with no traceback and no "Broken pipe"."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mlgates import MissingValuesGate, RowCountGate, save_suite

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def project(tmp_path):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(50, 300)), columns=[f"column_{i:03d}" for i in range(300)])
    frame.iloc[:10, ::2] = np.nan  # 150 columns with 20% missing: a long report
    frame.to_csv(tmp_path / "cur.csv", index=False)
    save_suite(MissingValuesGate(max_share=0.05) & RowCountGate(min_rows=1), tmp_path / "suite.toml")
    return tmp_path


def _run_with_closed_stdout(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """Run ``mlgates`` with a stdout pipe whose reader is gone before anything is written."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "mlgates.cli", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # like `| head` once it has what it wants (here: nothing)
    err = proc.stderr.read().decode()
    proc.stderr.close()
    return subprocess.CompletedProcess(proc.args, proc.wait(timeout=120), "", err)


@pytest.mark.parametrize("output", [["--output", "report.json"], ["--format", "json"]], ids=["text", "json"])
def test_closed_pipe_keeps_the_verdicts_exit_code(project, output):
    res = _run_with_closed_stdout(["check", "suite.toml", "--current", "cur.csv", *output], project)
    assert res.returncode == 1, res.stderr  # the suite fails: 150 columns over their missing share
    assert "Traceback" not in res.stderr and "Broken pipe" not in res.stderr, res.stderr
    assert "BrokenPipeError" not in res.stderr and "Exception ignored" not in res.stderr, res.stderr
    if "--output" in output:  # the report after the printed table was still written
        assert (project / "report.json").read_text().count('"column_') >= 300
        assert "status: FAIL (exit code 1)" in res.stderr


def test_closed_pipe_on_a_passing_check_exits_0(project):
    save_suite(RowCountGate(min_rows=1), project / "ok.toml")
    res = _run_with_closed_stdout(["check", "ok.toml", "--current", "cur.csv", "--format", "json"], project)
    assert res.returncode == 0 and res.stderr == "", res.stderr


def test_in_process_main_restores_stdout(project, monkeypatch, capsys):
    from mlgates.cli import main

    monkeypatch.chdir(project)
    before = sys.stdout
    assert main(["check", "suite.toml", "--current", "cur.csv"]) == 1
    assert sys.stdout is before
    assert "column_000" in capsys.readouterr().out

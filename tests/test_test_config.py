"""The test command itself: the default run is the fast set, ``pytest -m slow`` the slow set
(simulations, notebooks, end-to-end examples), CI runs both, and no plugin banner is printed."""

from __future__ import annotations

import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _pytest_config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"][
        "ini_options"
    ]


def test_default_run_deselects_slow_and_declares_the_marker():
    ini = _pytest_config()
    args = shlex.split(ini["addopts"])
    assert args[args.index("-m") + 1] == "not slow"
    assert "--strict-markers" in args  # a misspelt @pytest.mark.slwo is an error, not a fast test
    assert "--nbmake" not in args  # notebooks are collected by notebooks/conftest.py (no banner)
    assert any(m.startswith("slow:") for m in ini["markers"])


def test_ci_runs_the_default_command_then_the_slow_set():
    run = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    default = '.venv/bin/pip install -e ".[dev]" && .venv/bin/python -m pytest\n'
    assert default in run and ".venv/bin/python -m pytest -m slow\n" in run
    assert run.index(default) < run.index("-m pytest -m slow")
    evidently = (ROOT / ".ci" / "evidently.sh").read_text(encoding="utf-8")
    # pandas<3: the whole fast set, then the notebooks' slow run (simulations run once, above)
    assert '-m pytest "$@"\n' in evidently and '-m pytest -m slow notebooks "$@"\n' in evidently


@pytest.mark.slow  # a pytest subprocess: seconds on a busy machine
def test_slow_set_holds_the_notebooks_and_simulations_and_no_banner():
    """`pytest -m slow` selects the notebooks (collected without --nbmake, so without nbmake's
    banner) and the simulations, and not the quick checks next to them."""
    targets = ["notebooks", "tests/stats/test_drift_null.py"]
    cmd = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", "-m", "slow"]
    res = subprocess.run([*cmd, *targets], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout + res.stderr
    for name in ("quickstart.ipynb", "drift_and_quality.ipynb", "model_release.ipynb"):
        assert f"notebooks/{name}::{name}" in res.stdout
    assert "test_false_positive_rate_is_nominal[ks]" in res.stdout
    assert "test_known_shift_is_detected" not in res.stdout  # quick checks stay in the fast set
    assert "nbmake at https" not in res.stdout + res.stderr

"""The README's example runs as written (only the saved file goes to a temporary folder)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


@pytest.mark.slow
def test_readme_example_runs(tmp_path, monkeypatch, capsys):
    text = README.read_text(encoding="utf-8")
    code = re.search(r"## Example\n\n```python\n(.*?)```", text, re.S).group(1)
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(code, str(README), "exec"), namespace)  # our own documentation
    verdict = namespace["verdict"]
    assert verdict.passed and len(verdict.children) == 5
    assert (tmp_path / "release.toml").exists()

    # the command-line example runs as written on the files the Python example wrote
    command = next(c for c in re.findall(r"```bash\n(.*?)\n```", text, re.S) if c.startswith("mlgates check"))
    from mlgates.cli import main

    assert main(shlex.split(command)[1:]) == 0
    out = capsys.readouterr()
    assert "PerformanceGate" in out.out and "status: WARN (exit code 0)" in out.err


def test_readme_has_the_two_setup_commands():
    text = README.read_text(encoding="utf-8")
    commands = re.findall(r"```bash\n(.*?)\n```", text, re.S)
    assert commands[:2] == [
        "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/mlgates demo",
        'python3 -m venv .venv && .venv/bin/pip install -e ".[dev]" && .venv/bin/python -m pytest',
    ]
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci  # CI runs the README's test command verbatim

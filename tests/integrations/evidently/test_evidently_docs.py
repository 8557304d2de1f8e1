"""The Python examples of docs/migrating_from_evidently.md run as written (evidently env)."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

pytestmark = pytest.mark.evidently

PAGE = Path(__file__).resolve().parents[3] / "docs" / "migrating_from_evidently.md"


def test_migration_page_examples_run(monkeypatch, tmp_path, capsys):
    monkeypatch.chdir(tmp_path)
    blocks = re.findall(r"```python\n(.*?)```", PAGE.read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) >= 5
    namespace: dict = {"__name__": "docs_migrating_from_evidently"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i, code in enumerate(blocks):
            exec(compile(code, f"migrating_from_evidently.md block {i + 1}", "exec"), namespace)
    assert namespace["failed"] is True  # the Evidently report flags the shifted age
    assert (tmp_path / "evidently.html").is_file() and (tmp_path / "gates.toml").is_file()
    assert namespace["verdict"].findings
    out = capsys.readouterr().out
    assert "fail" in out and "age" in out

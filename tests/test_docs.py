"""The Python examples in docs/ run as written (each page in one namespace, top to bottom)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
#: Pages whose ```python blocks form one runnable script (ci.md shows fragments of user projects).
RUNNABLE = [
    "index.md",
    "concepts.md",
    "custom_gates.md",
    "quality.md",
    "performance.md",
    "reproducibility.md",
    "security.md",
]


def _blocks(page: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", (DOCS / page).read_text(encoding="utf-8"), flags=re.S)


@pytest.mark.parametrize("page", RUNNABLE)
def test_examples_run(page, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    blocks = _blocks(page)
    assert blocks, f"{page} has no python examples"
    namespace: dict = {"__name__": f"docs_{page}"}
    for i, code in enumerate(blocks):
        exec(compile(code, f"{page} block {i + 1}", "exec"), namespace)


def test_pages_exist():
    for page in ("index.md", "concepts.md", "ci.md", "custom_gates.md", "comparison.md"):
        assert (DOCS / page).is_file(), page


def test_ci_workflow_is_valid_yaml():
    yaml = pytest.importorskip("yaml", reason="PyYAML is in the dev extra")
    text = (DOCS / "ci.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", text, flags=re.S)
    assert len(blocks) == 3
    workflow = yaml.safe_load(blocks[0])
    run = " ".join(s.get("run", "") for s in workflow["jobs"]["gates"]["steps"])
    assert "mlgates check mlgates.toml" in run
    for block in blocks[1:]:
        yaml.safe_load(block)

"""The notebooks run as tests (one item per notebook, executed top to bottom by nbmake's
runner), marked ``slow``: the default test command skips them, ``pytest -m slow`` and
``.ci/run`` run them.

They are collected here rather than with ``--nbmake``, which would print nbmake's banner at
the end of every run. ``pytest --nbmake`` still works (then nbmake collects them itself).

The notebooks run in a Jupyter kernel (a subprocess), which does not see pytest's sys.path:
point it at this checkout so the notebooks test the code next to them, not whatever mlgates is
installed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

_ROOT = str(Path(__file__).resolve().parents[1])
os.environ["PYTHONPATH"] = os.pathsep.join([_ROOT, *filter(None, [os.environ.get("PYTHONPATH")])])


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix != ".ipynb" or getattr(parent.config.option, "nbmake", False):
        return None  # with --nbmake, nbmake's own hook collects the notebook
    try:
        from nbmake.pytest_items import NotebookFile
    except ImportError as exc:  # pragma: no cover - nbmake is in the dev extra
        raise ImportError(f'running the notebooks needs nbmake: pip install -e ".[dev]" ({exc})') from exc
    node = NotebookFile.from_parent(parent, path=file_path)
    node.add_marker(pytest.mark.slow)
    return node


@pytest.hookimpl(tryfirst=True)  # before -m deselects
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:  # notebooks collected by `pytest --nbmake` are slow too
        if str(item.path).endswith(".ipynb") and item.get_closest_marker("slow") is None:
            item.add_marker(pytest.mark.slow)

"""The notebooks run in a Jupyter kernel (a subprocess started by nbmake), which does not see
pytest's sys.path: point it at this checkout so the notebooks test the code next to them, not
whatever mlgates is installed."""

from __future__ import annotations

import os
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parents[1])
os.environ["PYTHONPATH"] = os.pathsep.join([_ROOT, *filter(None, [os.environ.get("PYTHONPATH")])])

#: Notebooks that take more than a few seconds: marked ``slow`` (CI runs them).
SLOW = {"governance.ipynb"}


def pytest_collection_modifyitems(config, items):  # type: ignore[no-untyped-def]
    import pytest

    for item in items:
        if Path(str(getattr(item, "path", ""))).name in SLOW:
            item.add_marker(pytest.mark.slow)

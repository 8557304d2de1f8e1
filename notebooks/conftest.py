"""The notebooks run in a Jupyter kernel (a subprocess started by nbmake), which does not see
pytest's sys.path: point it at this checkout so the notebooks test the code next to them, not
whatever mlgates is installed."""

from __future__ import annotations

import os
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parents[1])
os.environ["PYTHONPATH"] = os.pathsep.join([_ROOT, *filter(None, [os.environ.get("PYTHONPATH")])])

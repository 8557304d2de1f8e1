"""Collection rules for the whole repository (tests/, doctests under mlgates/, notebooks).

The Evidently integration needs the ``evidently`` extra, which pins pandas<3 (Evidently 0.7 does
not import under pandas 3). Where Evidently cannot be imported, its module and its tests are not
collected; ``.ci/evidently.sh`` runs them in a second environment with
``MLGATES_REQUIRE_EVIDENTLY=1``, which turns a failed import into a collection error instead.
"""

from __future__ import annotations

import importlib.util
import os


def _evidently_importable() -> bool:
    if importlib.util.find_spec("evidently") is None:
        return False
    try:
        import evidently  # noqa: F401
    except ImportError:  # e.g. Evidently 0.7 under pandas 3
        return False
    return True


collect_ignore: list[str] = []

if not _evidently_importable():
    if os.environ.get("MLGATES_REQUIRE_EVIDENTLY") == "1":
        raise RuntimeError(
            "MLGATES_REQUIRE_EVIDENTLY=1 but evidently cannot be imported here: "
            'pip install -e ".[evidently,dev]" (pandas<3)'
        )
    collect_ignore += ["mlgates/integrations/evidently.py", "tests/integrations/evidently"]

if importlib.util.find_spec("mlflow") is None:  # the mlflow extra (in dev): its module's doctests
    collect_ignore += ["mlgates/integrations/mlflow.py"]

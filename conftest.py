"""Collection rules for the whole repository (tests/, doctests under mlgates/, notebooks).

The Evidently integration needs the ``evidently`` extra, which pins pandas<3 (Evidently 0.7 does
not import under pandas 3). Where Evidently cannot be imported, its module and its tests are not
collected; ``.ci/evidently.sh`` runs them in a second environment with
``MLGATES_REQUIRE_EVIDENTLY=1``, which turns a failed import into a collection error instead.
"""

from __future__ import annotations

import importlib.util
import os

import pytest


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


@pytest.fixture(autouse=True)
def _emitted_reason_codes_are_registered():
    """Every verdict a built-in gate returns in the test session carries registered reason
    codes only (mlgates/core/reasons.py), however the code was built (tests/core/test_reason_codes.py)."""
    from mlgates.core.gate import add_verdict_listener, remove_verdict_listener
    from mlgates.core.reasons import unregistered

    seen: list[tuple[str, str]] = []

    def listener(verdict):
        seen.extend(unregistered(verdict))

    add_verdict_listener(listener)
    yield
    remove_verdict_listener(listener)
    assert not seen, f"unregistered reason codes (register them in mlgates/core/reasons.py): {seen}"

"""Collection rules for the whole repository (tests/, doctests under mlgates/, notebooks).

The Evidently integration needs the ``evidently`` extra, which pins pandas<3 (Evidently 0.7 does
not import under pandas 3). Where Evidently cannot be imported, its module and its tests are not
collected; ``.ci/evidently.sh`` runs them in a second environment with
``MLGATES_REQUIRE_EVIDENTLY=1``, which turns a failed import into a collection error instead.
"""

from __future__ import annotations

import gc
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


#: Native thread pools the test run limits to one thread, unless the caller set one of them.
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def _one_native_thread() -> None:
    """Run the tests with one OpenMP/BLAS thread (scikit-learn's gradient boosting, NumPy's and
    SciPy's OpenBLAS), in this process and in the CLI subprocesses the tests start.

    On a busy two-core machine the threads of these pools spin-wait for each other: the
    ``HistGradientBoostingClassifier.fit`` of 5,000 rows in docs/label_free.md took 15 s with two
    threads and 0.1 s with one (load average ~3). The tests judge results, not thread scaling;
    the whole suite, golden files included, gives the same results with one thread.
    """
    if any(var in os.environ for var in THREAD_VARIABLES):
        return  # the caller chose
    for var in THREAD_VARIABLES:
        os.environ[var] = "1"  # read by the libraries loaded from now on, and by subprocesses
    from threadpoolctl import threadpool_limits  # a scikit-learn dependency

    threadpool_limits(limits=1)  # the libraries already loaded (NumPy's OpenBLAS)


_one_native_thread()

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


def pytest_collection_finish(session):
    """Move everything alive after collection (imported modules, ~7,000 test items, module-level
    test data) out of the cyclic garbage collector's reach: it is kept until the end of the run
    anyway, and every full collection during the tests scanned it again (automatic collections
    took 34 s of a loaded fast run before, 12 s after)."""
    gc.collect()
    gc.freeze()

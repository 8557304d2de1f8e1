"""statsmodels' ``multipletests`` as an oracle, without its per-call garbage collection.

Its Holm branch calls ``gc.collect()`` on every use: a full collection of the whole test
session's heap (0.2-1 s a call); the values do not depend on it.
"""

from __future__ import annotations

from typing import Any
from unittest import mock

import numpy as np
from statsmodels.stats.multitest import multipletests


def statsmodels_multipletests(p: np.ndarray, method: str, alpha: float = 0.05) -> tuple[Any, ...]:
    """``multipletests(p, alpha, method)`` with ``gc.collect`` a no-op for the call."""
    with mock.patch("gc.collect", lambda *args: 0):
        return tuple(multipletests(p, alpha=alpha, method=method))

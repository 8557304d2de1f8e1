"""Helpers for the ledger tests: small verdicts, fixed fingerprints, a clean git state."""

from __future__ import annotations

import pandas as pd

from mlgates import RowCountGate

FRAME = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": ["a", "b", "c"]})
GIT = {"commit": "a" * 40, "dirty": False, "branch": "main"}
FP_A = "mlg1-xxh3_128:" + "a" * 32
FP_B = "mlg1-xxh3_128:" + "b" * 32


def passing(name: str = "release"):
    return RowCountGate(min_rows=1, name=name).check(current=FRAME)


def failing(name: str = "release"):
    return RowCountGate(min_rows=1_000_000, name=name).check(current=FRAME)

"""Fixtures for the ledger tests."""

from __future__ import annotations

import pytest
from record_helpers import FP_A, FP_B, GIT, passing

from mlgates import Ledger


@pytest.fixture
def ledger(tmp_path) -> Ledger:
    return Ledger(tmp_path / "ledger", fsync=False)  # durability has its own tests


@pytest.fixture
def filled(ledger) -> Ledger:
    """A ledger of six verdict records about two models."""
    for i in range(6):
        ledger.record(
            passing(), model=FP_A if i % 2 else FP_B, model_name="churn", git=GIT, metadata={"i": i}
        )
    return ledger

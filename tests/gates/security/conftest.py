"""Fixtures shared by the security tests (the in-memory models and payloads are in
``_security_helpers.py``)."""

from __future__ import annotations

import pytest


@pytest.fixture
def marker(tmp_path):
    """A path the sentinel payload would create if it ran; the test fails if it exists after."""
    path = tmp_path / "MARKER"
    yield path
    assert not path.exists(), "the payload ran"

"""What the golden-verdict tests share (not a test module): the verdict's record without what
changes between runs, and the comparison of two records. Used by
``tests/gates/test_decide_describe_golden.py`` (performance and fairness) and
``tests/gates/drift/test_drift_golden.py``. ``tests/`` is on ``sys.path`` under pytest (its
conftest.py puts it there); to run a golden test as a script (``--update``) set
``PYTHONPATH=tests``.
"""

from __future__ import annotations

import math
from typing import Any

from mlgates import Verdict


def verdict_record(verdict: Verdict) -> dict[str, Any]:
    """The verdict's JSON form without timing and provenance (which change between runs)."""

    def strip(d: dict[str, Any]) -> dict[str, Any]:
        d = {k: v for k, v in d.items() if k not in ("duration_s", "provenance")}
        d["children"] = [strip(c) for c in d.get("children", [])]
        return d

    return strip(verdict.to_dict())


def _differences(expected: Any, got: Any, path: str = "") -> list[str]:
    if isinstance(expected, dict) and isinstance(got, dict):
        if list(expected) != list(got):
            return [f"{path}: keys {list(expected)} != {list(got)}"]
        return [d for k in expected for d in _differences(expected[k], got[k], f"{path}/{k}")]
    if isinstance(expected, list) and isinstance(got, list):
        if len(expected) != len(got):
            return [f"{path}: {len(expected)} items != {len(got)}"]
        return [d for i, (e, g) in enumerate(zip(expected, got)) for d in _differences(e, g, f"{path}[{i}]")]
    numbers = (int, float)
    if isinstance(expected, numbers) and isinstance(got, numbers) and not isinstance(expected, bool):
        if type(expected) is not type(got):
            return [f"{path}: {expected!r} ({type(expected).__name__}) != {got!r} ({type(got).__name__})"]
        if math.isnan(expected) and math.isnan(got):
            return []
        if expected == got or math.isclose(expected, got, rel_tol=1e-9, abs_tol=1e-12):
            return []
        return [f"{path}: {expected!r} != {got!r}"]
    if isinstance(expected, str) and isinstance(got, str):
        # a string column's dtype is "str" under pandas 3 (the golden files) and "object" under
        # pandas 2 (the second CI environment): in a dtype field and in messages naming it
        if path.endswith("/dtype") and {expected, got} == {"str", "object"}:
            return []
        if expected.replace("(object)", "(str)") == got.replace("(object)", "(str)"):
            return []
    return [] if expected == got and type(expected) is type(got) else [f"{path}: {expected!r} != {got!r}"]

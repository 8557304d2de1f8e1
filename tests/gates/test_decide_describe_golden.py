"""Golden verdicts of the performance and fairness gates: every decision path gives the same
status, reason, numbers and message text as when the golden file was written.

The golden file was written before the decisions of ``PerformanceGate``, ``FairnessGate`` and
``DisparateImpactGate`` were split from their messages (decide apart from describe), so this
test is the proof that the split changed no verdict. Strings (statuses, reasons, messages,
subjects) must match exactly and the keys come in the same order; numbers agree to a relative
1e-9 (the file is the same under pandas 2.2 / numpy 1.26 and pandas 3 / numpy 2 up to the last
digits of a few p-values).

To rewrite the file after an intended change of wording or numbers (review the diff!)::

    PYTHONPATH=tests python tests/gates/test_decide_describe_golden.py --update
"""

from __future__ import annotations

import functools
import json
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest
from _decide_scenarios import SCENARIOS
from _golden import _differences, verdict_record

GOLDEN = Path(__file__).parent / "data" / "decide_describe_golden.json"


@functools.cache
def _golden() -> dict[str, Any]:
    return json.loads(GOLDEN.read_text())


def _record(name: str) -> dict[str, Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)  # no deprecated spelling in the scenarios
        return json.loads(json.dumps(verdict_record(SCENARIOS[name]())))


def test_golden_file_lists_every_scenario():
    assert sorted(_golden()) == sorted(SCENARIOS)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_verdict_matches_golden(name):
    expected = _golden()[name]
    differences = _differences(expected, _record(name))
    assert not differences, "\n".join(differences[:20])


def test_differences_can_fail():
    base = {"status": "fail", "message": "a: 0.5000 > 0.4", "metrics": {"x": 0.5}}
    assert _differences(base, base) == []
    assert _differences(base, {**base, "message": "a: 0.5000 > 0.40"})
    assert _differences(base, {**base, "metrics": {"x": 0.5000001}})
    assert _differences(base, {"message": base["message"], "status": "fail", "metrics": {"x": 0.5}})
    assert _differences({"n": 3}, {"n": 3.0})


if __name__ == "__main__":  # PYTHONPATH=tests python tests/gates/test_decide_describe_golden.py --update
    if sys.argv[1:] != ["--update"]:
        raise SystemExit("usage: PYTHONPATH=tests python tests/gates/test_decide_describe_golden.py --update")
    GOLDEN.parent.mkdir(exist_ok=True)
    records = {name: _record(name) for name in SCENARIOS}
    GOLDEN.write_text(json.dumps(records, indent=1) + "\n")
    print(f"wrote {len(records)} verdicts to {GOLDEN}")

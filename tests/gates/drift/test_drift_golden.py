"""Golden verdicts of :class:`~mlgates.DriftGate`: every decision path gives the same status,
reason, numbers and message text as when the golden file was written.

The golden file was written by the code before ``DriftGate``'s decisions were split from
their messages (decide apart from describe) and ``univariate.py`` was split into modules, so
this test is the proof that the split changed no verdict. Comparison rules are those of
``tests/_golden.py``.

To rewrite the file after an intended change of wording or numbers (review the diff!)::

    PYTHONPATH=tests python tests/gates/drift/test_drift_golden.py --update
"""

from __future__ import annotations

import functools
import json
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest
from _drift_scenarios import SCENARIOS
from _golden import _differences, verdict_record

GOLDEN = Path(__file__).parent / "data" / "drift_golden.json"


@functools.cache
def _golden() -> dict[str, Any]:
    return json.loads(GOLDEN.read_text())


def _record(name: str) -> dict[str, Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        return json.loads(json.dumps(verdict_record(SCENARIOS[name]())))


def test_golden_file_lists_every_scenario():
    assert sorted(_golden()) == sorted(SCENARIOS)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_verdict_matches_golden(name):
    differences = _differences(_golden()[name], _record(name))
    assert not differences, "\n".join(differences[:20])


if __name__ == "__main__":  # PYTHONPATH=tests python tests/gates/drift/test_drift_golden.py --update
    if sys.argv[1:] != ["--update"]:
        raise SystemExit("usage: PYTHONPATH=tests python tests/gates/drift/test_drift_golden.py --update")
    records = {name: _record(name) for name in SCENARIOS}
    GOLDEN.write_text(json.dumps(records, indent=1) + "\n")
    print(f"wrote {len(records)} verdicts to {GOLDEN}")

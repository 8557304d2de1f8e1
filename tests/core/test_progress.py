"""A public progress callback: ``check(..., progress=callback)`` on gates and suites (what the
command line uses instead of the suite's internals)."""

from __future__ import annotations

import pandas as pd
import pytest

from mlgates import MissingValuesGate, RowCountGate, Status, Suite
from mlgates.core.gate import add_verdict_listener, remove_verdict_listener

FRAME = pd.DataFrame({"a": [1.0, None, 3.0]})


def _recorder():
    calls = []
    return calls, lambda i, n, gate: calls.append((i, n, gate.display_name))


def test_suite_reports_each_top_level_member_before_it_runs():
    inner = Suite([RowCountGate(name="r2"), MissingValuesGate(name="m2")], name="inner")
    suite = Suite([RowCountGate(name="rows"), inner, MissingValuesGate(max_share=0.1, name="missing")])
    calls, progress = _recorder()
    verdict = suite.check(current=FRAME, progress=progress)
    assert calls == [(0, 3, "rows"), (1, 3, "inner"), (2, 3, "missing")]
    plain = suite.check(current=FRAME)
    assert [(v.name, v.status, v.message) for v in verdict.walk()] == [
        (v.name, v.status, v.message) for v in plain.walk()
    ]


def test_members_skipped_by_fail_fast_are_still_counted():
    suite = Suite([RowCountGate(min_rows=100, name="few"), RowCountGate(name="later")], fail_fast=True)
    calls, progress = _recorder()
    verdict = suite.check(current=FRAME, progress=progress)
    assert calls == [(0, 2, "few"), (1, 2, "later")]
    assert verdict["later"].status is Status.SKIP


def test_a_single_gate_reports_itself_once():
    calls, progress = _recorder()
    assert RowCountGate(name="rows").check(current=FRAME, progress=progress).status is Status.PASS
    assert calls == [(0, 1, "rows")]


def test_progress_is_not_an_input_and_listeners_see_one_verdict():
    seen = []
    add_verdict_listener(seen.append)
    try:
        v = (RowCountGate() & MissingValuesGate()).check(current=FRAME, progress=lambda *a: None)
    finally:
        remove_verdict_listener(seen.append)
    assert seen == [v]
    assert "progress" not in v.provenance["inputs"]


def test_unknown_inputs_are_still_refused_with_progress():
    with pytest.raises(TypeError, match="curent"):
        RowCountGate().check(curent=FRAME, progress=lambda *a: None)

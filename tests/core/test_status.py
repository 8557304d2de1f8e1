from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlgates import Status

statuses = st.sampled_from(list(Status))
RANK = {"pass": 0, "warn": 1, "fail": 2, "error": 3}


def test_values_and_order():
    assert [s.value for s in Status] == ["pass", "warn", "fail", "error", "skip"]
    assert Status.PASS < Status.WARN < Status.FAIL < Status.ERROR
    assert Status.coerce("FAIL") is Status.FAIL


def test_skip_has_no_order():
    with pytest.raises(TypeError, match="neutral"):
        _ = Status.SKIP < Status.PASS


def test_passed_only_for_pass_and_warn():
    assert {s for s in Status if s.passed} == {Status.PASS, Status.WARN}


def test_unknown_status_names_options():
    with pytest.raises(ValueError, match="'pass'"):
        Status.coerce("ok")


@given(st.lists(statuses))
def test_worst_is_max_rank_ignoring_skip(items):
    judged = [s for s in items if s is not Status.SKIP]
    worst = Status.worst(items)
    if not judged:
        assert worst is Status.SKIP
    else:
        assert RANK[worst.value] == max(RANK[s.value] for s in judged)
        assert worst in judged


@given(st.lists(statuses), st.lists(statuses))
def test_worst_is_associative(a, b):
    assert Status.worst([Status.worst(a), Status.worst(b)]) is Status.worst(a + b)


@given(st.lists(statuses))
def test_best_is_min_rank_ignoring_skip(items):
    judged = [s for s in items if s is not Status.SKIP]
    best = Status.best(items)
    if not judged:
        assert best is Status.SKIP
    else:
        assert RANK[best.value] == min(RANK[s.value] for s in judged)


@given(statuses)
def test_downgrade_only_turns_fail_into_warn(s):
    assert s.downgraded() is (Status.WARN if s is Status.FAIL else s)

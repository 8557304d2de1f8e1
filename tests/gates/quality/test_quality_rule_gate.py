"""RuleGate: per-rule violation shares, the on_missing policies, examples as row labels,
parameter errors that point at the rule, and suite files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mlgates
from mlgates import ParameterError, RuleGate, Status


@pytest.fixture
def orders() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "start_date": pd.to_datetime(
                ["2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01", "2024-05-01"]
            ),
            "end_date": pd.to_datetime(["2024-01-31", "2024-01-15", None, "2024-04-30", "2024-05-02"]),
            "price": [2.0, 3.0, 4.0, 5.0, 1.0],
            "qty": [3, 1, 2, 2, 10],
            "total": [6.0, 3.0, 8.5, 10.0, 10.004],
            "country": ["US", "FR", "US", "US", "DE"],  # str under pandas 3, object under pandas 2
            "state": ["CA", None, None, "NY", None],
        },
        index=pd.Index([101, 102, 103, 104, 105], name="order_id"),
    )


def test_the_issue_examples(orders):
    gate = RuleGate(
        ["end_date >= start_date", "abs(price * qty - total) <= 0.01", "country != 'US' or state notnull"]
    )
    v = gate.check(current=orders)
    by = {f.subject: f for f in v.findings}
    dates = by["end_date >= start_date"]
    # 102 is false; 103 has no end date: unknown, a violation by default (on_missing="fail")
    assert dates.status is Status.FAIL and dates.reason == "violation_share_exceeded"
    assert dates.statistic == pytest.approx(2 / 5)
    assert dates.details["n_false"] == 1 and dates.details["n_unknown"] == 1
    assert dates.details["example_rows"] == (102, 103)  # index labels, never values
    assert dates.details["columns"] == ("end_date", "start_date")
    assert "1 of them because of a missing value" in dates.message
    assert by["abs(price * qty - total) <= 0.01"].details["example_rows"] == (103,)
    state = by["country != 'US' or state notnull"]
    assert state.details["example_rows"] == (103,) and state.statistic == pytest.approx(0.2)
    assert v.metrics["n_rules"] == 3 and v.metrics["n_failing_rules"] == 3
    assert v.metrics["max_violation_share"] == pytest.approx(0.4)


def test_values_are_never_shown(orders):
    v = RuleGate("country == 'US'").check(current=orders)
    text = v.to_json()
    assert '"FR"' not in text and '"DE"' not in text


@pytest.mark.parametrize(
    "on_missing, status, reason, share, judged",
    [
        ("fail", Status.FAIL, "violation_share_exceeded", 2 / 5, 5),
        ("skip", Status.FAIL, "violation_share_exceeded", 1 / 4, 4),
        ("warn", Status.FAIL, "violation_share_exceeded", 1 / 4, 4),
        ("error", Status.ERROR, "missing_values", None, 4),
    ],
)
def test_on_missing(orders, on_missing, status, reason, share, judged):
    f = RuleGate("end_date >= start_date", on_missing=on_missing).check(current=orders).findings[0]
    assert (f.status, f.reason) == (status, reason)
    assert f.statistic == (pytest.approx(share) if share is not None else None)
    assert f.details["n_judged"] == judged and f.details["n_unknown"] == 1


def test_on_missing_warn_warns_a_rule_that_otherwise_passes(orders):
    ok = orders.drop(index=102)
    f = RuleGate("end_date >= start_date", on_missing="warn").check(current=ok).findings[0]
    assert (f.status, f.reason, f.statistic) == (Status.WARN, "missing_values", 0.0)
    f = RuleGate("end_date >= start_date", on_missing="skip").check(current=ok).findings[0]
    assert (f.status, f.reason) == (Status.PASS, None)
    assert "1 row could not be evaluated (a missing value) and is left out" in f.message
    f = RuleGate("end_date isnull or end_date >= start_date").check(current=ok).findings[0]
    assert f.status is Status.PASS and f.details["n_unknown"] == 0


def test_a_rule_no_row_can_judge_is_an_error(orders):
    f = RuleGate("end_date > start_date", on_missing="skip").check(current=orders.iloc[[2]]).findings[0]
    assert (f.status, f.reason) == (Status.ERROR, "all_missing")


def test_shares_per_rule_and_warning_level(orders):
    gate = RuleGate(
        [{"rule": "end_date >= start_date", "name": "dates", "max_share": 0.5}, "qty < 10"],
        max_share=0.1,
        warn_share=0.05,
    )
    v = gate.check(current=orders)
    dates, qty = v.findings
    assert dates.subject == "dates" and dates.threshold == 0.05 and dates.status is Status.WARN
    assert dates.reason == "violation_share_exceeded"
    assert dates.details["rule"] == "end_date >= start_date"
    assert qty.status is Status.FAIL and qty.threshold == 0.1 and qty.statistic == pytest.approx(0.2)


def test_a_boolean_column_is_a_rule():
    frame = pd.DataFrame({"ok": [True, True, False], "n": pd.array([True, None, True], dtype="boolean")})
    v = RuleGate(["ok", "n"], max_share=0.5).check(current=frame)
    assert [f.statistic for f in v.findings] == [pytest.approx(1 / 3), pytest.approx(1 / 3)]


def test_data_problems_are_findings_and_the_other_rules_are_still_judged(orders):
    v = RuleGate(["cuntry == 'US'", "country == 1", "qty > 0"]).check(current=orders)
    missing, wrong, fine = v.findings
    assert (missing.status, missing.reason) == (Status.ERROR, "missing_column")
    assert "Did you mean 'country'?" in missing.message
    assert (wrong.status, wrong.reason) == (Status.ERROR, "invalid_rule")
    assert "cannot compare 'country' (text) with 1 (a number)" in wrong.message
    assert fine.status is Status.PASS
    assert v.status is Status.ERROR


def test_lists_in_a_column_are_not_compared():
    frame = pd.DataFrame({"tags": pd.Series([["a"], ["b"]], dtype=object), "x": [1, 2]})
    f = RuleGate("tags isnull or x > 0").check(current=frame).findings[0]
    assert (f.status, f.reason) == (Status.ERROR, "unsupported_dtype") and "object" in f.message


@pytest.mark.parametrize(
    "rules, name, fragment",
    [
        (["a > 1", "a.b > 1"], "rules[1]", "attribute access is not allowed"),
        ("__import__('os')", "rules", "calling '__import__' is not allowed"),
        ([], "rules", "at least one rule"),
        ([{"rule": "a > 1", "max_shar": 0.1}], "rules[0]", "Did you mean 'max_share'?"),
        ([{"rule": "a > 1", "max_share": 2}], "rules[0]['max_share']", "a float in [0, 1]"),
        ([{"name": "x"}], "rules[0]['rule']", "the rule (a str)"),
        (["a > 1", "a > 1"], "rules[1]", "two rules are named 'a > 1'"),
        ("price * qty", "rules", "a rule must be a condition"),
    ],
)
def test_rules_outside_the_grammar_are_parameter_errors(rules, name, fragment):
    with pytest.raises(ParameterError) as info:
        RuleGate(rules).validate()
    message = str(info.value)
    assert message.startswith(f"The {name!r} parameter of RuleGate must be"), message
    assert fragment in message


def test_the_error_shows_the_rule_with_a_caret():
    with pytest.raises(ParameterError) as info:
        RuleGate(["a >= 1", "a => 1"]).validate()
    assert info.value.args[0].endswith("'=': use == to compare at column 3:\n  a => 1\n    ^")


@pytest.mark.parametrize("suffix", ["toml", "yaml", "json"])
def test_suite_file_round_trip(tmp_path, orders, suffix):
    gate = RuleGate(
        ["end_date >= start_date", {"rule": "`qty` between 1 and 9", "name": "qty", "max_share": 0.25}],
        on_missing="skip",
        where="country == 'US'",
        name="business rules",
    )
    path = mlgates.save_suite(mlgates.Suite([gate]), tmp_path / f"rules.{suffix}")
    loaded = mlgates.load_suite(path)
    assert loaded.to_config() == mlgates.Suite([gate]).to_config()
    assert loaded.check(current=orders).children[0].findings == gate.check(current=orders).findings


def test_speed_path_shares_columns_across_rules(orders):
    """The columns a suite's rules read are converted once per run (CheckContext.cached)."""
    big = pd.concat([orders] * 2000, ignore_index=True)
    suite = RuleGate(["qty > 0", "qty < 100"]) & RuleGate("qty * price > 0")
    v = suite.check(current=big)
    assert v.status is Status.PASS and all(c.metrics["rows"] == len(big) for c in v.children)


def test_input_is_not_mutated(orders):
    before = orders.copy()
    RuleGate(["end_date >= start_date", "country == 'US'"], where="qty > 1").check(current=orders)
    pd.testing.assert_frame_equal(orders, before)


def test_large_integers_compare_exactly():
    frame = pd.DataFrame({"id": np.array([2**62 + 1, 2**62 + 2], dtype="int64")})
    f = RuleGate(f"id == {2**62 + 1}", max_share=0.5).check(current=frame).findings[0]
    assert f.details["n_violations"] == 1

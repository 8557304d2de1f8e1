"""ContractRuleGate: the ODCS library metrics evaluated exactly (every metric, operator and
unit against hand counts), rules mlgates cannot run fail closed, and the gates from_odcs maps
exact rules onto agree with it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mlgates import ContractRuleGate, ParameterError, Status
from mlgates.contracts import from_odcs

FRAME = pd.DataFrame(
    {
        "email": ["a@x.io", None, "b@x.io", "N/A", "", "a@x.io", None, "c@x.io", "a@x.io", "d@x.io"],
        "code": ["AB12", "CD34", "xx", "EF56", None, "GH78", "IJ9", "KL01", "MN23", "xAB12x"],
        "unit": ["kg", "kg", "lb", "g", None, "kg", "kg", "lb", "kg", "kg"],
        "n": [1, 2, 2, 3, 3, 3, 4, 5, 6, 7],
        "store": ["a", "a", "b", "b", "a", None, "b", "a", "a", "b"],
        "day": [1, 2, 1, 2, 1, 1, 1, 1, 2, 2],
    }
)


def judge(rule, column=None, frame=FRAME):
    return ContractRuleGate(rule=rule, column=column).check(current=frame)


@pytest.mark.parametrize(
    ("rule", "column", "count"),
    [
        ({"metric": "nullValues"}, "email", 2),
        ({"metric": "missingValues", "arguments": {"missingValues": [None, "", "N/A"]}}, "email", 4),
        ({"metric": "missingValues", "arguments": {"missingValues": ["", "N/A"]}}, "email", 2),
        (
            {"metric": "invalidValues", "arguments": {"validValues": ["kg", "lb"]}},
            "unit",
            1,
        ),  # "g"; None is not invalid
        ({"metric": "invalidValues", "arguments": {"validValues": ["kg", "lb", None]}}, "unit", 1),
        # ODCS patterns match anywhere in the value unless anchored
        ({"metric": "invalidValues", "arguments": {"pattern": "[A-Z]{2}\\d{2}"}}, "code", 2),
        ({"metric": "invalidValues", "arguments": {"pattern": "^[A-Z]{2}[0-9]{2}$"}}, "code", 3),
        ({"metric": "duplicateValues"}, "email", 2),  # a@x.io twice more; missing values are not values
        ({"metric": "duplicateValues"}, "n", 3),
        ({"metric": "duplicateValues", "arguments": {"properties": ["store", "day"]}}, None, 5),
        (
            {"rule": "duplicateCount", "arguments": {"properties": ["store", "day"]}},
            None,
            5,
        ),  # ODCS v3.0 name
        ({"rule": "validValues", "validValues": ["kg"]}, "unit", 3),  # ODCS v3.0: beside the rule
    ],
)
def test_counts_match_hand_counts(rule, column, count):
    v = judge({**rule, "mustBe": count}, column)
    assert v.status is Status.PASS, v.to_text()
    assert v.findings[0].details["count"] == count
    failed = judge({**rule, "mustBe": count + 1}, column)
    assert failed.status is Status.FAIL and failed.reason == "contract_bound_exceeded"
    pct = judge({**rule, "unit": "percent", "mustBe": 100 * count / len(FRAME)}, column)
    assert pct.status is Status.PASS and pct.findings[0].statistic == pytest.approx(100 * count / len(FRAME))


@pytest.mark.parametrize(
    ("operator", "bound", "passes"),
    [
        ("mustBe", 10, True),
        ("mustNotBe", 10, False),
        ("mustBeGreaterThan", 10, False),
        ("mustBeGreaterOrEqualTo", 10, True),
        ("mustBeLessThan", 11, True),
        ("mustBeLessOrEqualTo", 9, False),
        ("mustBeBetween", [9, 11], True),
        ("mustBeBetween", [10, 11], False),  # the ends are excluded (the standard: > and <)
        ("mustNotBeBetween", [10, 11], True),
        ("mustNotBeBetween", [9, 11], False),
    ],
)
def test_operators_on_row_count(operator, bound, passes):
    v = judge({"metric": "rowCount", operator: bound})
    assert v.status is (Status.PASS if passes else Status.FAIL)
    assert v.findings[0].subject == "rows" and v.findings[0].statistic == 10


def test_a_count_rule_without_operator_means_none_and_messages_name_the_rule():
    v = judge({"metric": "nullValues", "name": "email filled"}, "email")
    assert v.status is Status.FAIL
    assert (
        v.findings[0].message
        == "email: nullValues = 2 of 10 rows; the rule: nullValues = 0 rows (email filled)"
    )


@pytest.mark.parametrize(
    ("rule", "status", "words"),
    [
        ({"type": "text", "description": "Emails are verified."}, Status.SKIP, "not machine-checkable"),
        ({"type": "sql", "query": "SELECT COUNT(*) FROM t", "mustBe": 0}, Status.ERROR, "'sql' rule"),
        ({"type": "custom", "engine": "soda", "implementation": "x"}, Status.ERROR, "engine 'soda'"),
        ({"type": "graph", "mustBe": 0}, Status.ERROR, "'graph' rule"),
        ({"metric": "nullValue", "mustBe": 0}, Status.ERROR, "Did you mean 'nullValues'?"),
        ({"metric": "freshness", "mustBeLessThan": 3}, Status.ERROR, "unknown library metric 'freshness'"),
        ({"metric": "nullValues", "unit": "bytes", "mustBe": 0}, Status.ERROR, "unit 'bytes'"),
        ({"metric": "rowCount"}, Status.ERROR, "rowCount needs an operator"),
        ({"metric": "invalidValues", "mustBe": 0}, Status.ERROR, "validValues or arguments.pattern"),
        (
            {"logicalTypeOptions": {"multipleOf": 5}},
            Status.ERROR,
            "logicalTypeOptions multipleOf=5 cannot be checked",
        ),
        (
            {"logicalType": "date", "logicalTypeOptions": {"minimum": "2020-01-01"}},
            Status.ERROR,
            "date logicalTypeOptions minimum='2020-01-01'",
        ),
        ({"metric": "invalidValues", "arguments": {"pattern": "(a+)+$"}}, Status.ERROR, "backtrack"),
        (
            {"metric": "invalidValues", "arguments": {"pattern": "(?<y>a)"}},
            Status.ERROR,
            "cannot be compiled",
        ),
    ],
)
def test_rules_mlgates_cannot_run_fail_closed(rule, status, words):
    v = judge(rule, "email")
    assert v.status is status and v.reason == "unsupported_rule", v.to_text()
    assert words in v.message


def test_missing_column_and_empty_tables():
    v = judge({"metric": "nullValues", "mustBe": 0}, "emial")
    assert v.status is Status.ERROR and v.reason == "missing_column" and "Did you mean 'email'?" in v.message
    empty = FRAME.iloc[:0]
    assert judge({"metric": "nullValues", "mustBe": 0}, "email", empty).reason == "empty_input"
    assert judge({"metric": "rowCount", "mustBeLessThan": 5}, None, empty).status is Status.PASS
    assert judge({"metric": "rowCount", "mustBeGreaterThan": 0}, None, empty).status is Status.FAIL
    assert judge({"metric": "nullValues", "mustBe": 0}).reason == "unsupported_rule"  # no column


@pytest.mark.parametrize(
    "rule",
    [
        {"metric": "nullValues", "mustBe": 0, "mustBeLessThan": 1},
        {"metric": "nullValues", "mustBe": "zero"},
        {"metric": "rowCount", "mustBeBetween": [5]},
        {"metric": "rowCount", "mustBeBetween": [9, 1]},
        {"metric": "invalidValues", "arguments": {"validValues": "kg"}, "mustBe": 0},
        {"metric": "duplicateValues", "arguments": {"properties": []}, "mustBe": 0},
    ],
)
def test_malformed_rules_are_parameter_errors(rule):
    with pytest.raises(ParameterError, match="rule"):
        ContractRuleGate(rule=rule, column="email").validate()
    with pytest.raises(ParameterError, match="rule"):
        ContractRuleGate().validate()


# -- the gates from_odcs maps exact rules onto agree with the evaluation ---------------------------
def _contract(prop: dict, quality: list | None = None) -> dict:
    obj: dict = {"name": "t", "properties": [prop]}
    if quality:
        obj["quality"] = quality
    return {
        "apiVersion": "v3.1.0",
        "kind": "DataContract",
        "id": "t",
        "version": "1",
        "status": "active",
        "schema": [obj],
    }


RULES = [
    ("x", "number", {"metric": "nullValues", "mustBe": 0}, "MissingValuesGate"),
    (
        "x",
        "number",
        {"metric": "nullValues", "unit": "percent", "mustBeLessOrEqualTo": 20},
        "MissingValuesGate",
    ),
    (
        "s",
        "string",
        {"metric": "invalidValues", "arguments": {"validValues": ["a", "b"]}, "mustBe": 0},
        "CategoryGate",
    ),
    (
        "s",
        "string",
        {"metric": "invalidValues", "arguments": {"pattern": "^[ab]$"}, "mustBe": 0},
        "StringGate",
    ),
    ("s", "string", {"metric": "duplicateValues", "mustBe": 0}, "UniqueGate"),
    (None, None, {"metric": "rowCount", "mustBeBetween": [25, 35]}, "RowCountGate"),
    (None, None, {"metric": "rowCount", "mustBeGreaterThan": 29.5}, "RowCountGate"),
    (None, None, {"metric": "rowCount", "mustBeLessOrEqualTo": 30}, "RowCountGate"),
    (None, None, {"metric": "rowCount", "mustBe": 30}, "RowCountGate"),
]


@pytest.mark.parametrize(("column", "logical", "rule", "gate"), RULES, ids=lambda x: str(x)[:40])
def test_mapped_gates_agree_with_the_evaluation(column, logical, rule, gate):
    rng = np.random.default_rng(0)
    prop = {"name": column or "x", **({"logicalType": logical} if logical else {})}
    quality = None
    if column is None:
        quality = [rule]
    else:
        prop["quality"] = [rule]
    suite = from_odcs(_contract(prop, quality))
    mapped = [g for g in suite.gates if type(g).__name__ == gate]
    assert len(mapped) == 1 and not [g for g in suite.gates if type(g).__name__ == "ContractRuleGate"]
    reference = ContractRuleGate(rule=rule, column=column)
    outcomes = set()
    for trial in range(60):
        n = int(rng.integers(20, 40))
        frame = pd.DataFrame(
            {
                "x": np.where(rng.random(n) < rng.choice([0.0, 0.1, 0.3]), np.nan, rng.normal(size=n)),
                "s": rng.choice(["a", "b", "c", None], n, p=rng.dirichlet([1, 1, 0.2, 0.2])),
            }
        )
        if trial % 3 == 0:
            frame["s"] = [f"v{i}" for i in range(n)]
        want = reference.check(current=frame).status
        got = mapped[0].check(current=frame).status
        assert got is want, (frame, got, want)
        outcomes.add(want)
    assert {Status.PASS, Status.FAIL} <= outcomes  # both outcomes were exercised

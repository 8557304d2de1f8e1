"""ODCS v3 contracts as gates: the standard's own examples (tests/contracts/data/odcs, Apache-2.0) read,
checked and written back; to_odcs(from_odcs(x)) keeps every rule; what mlgates writes is valid
against the standard's JSON schema; rules mlgates cannot run fail closed; malformed contracts
are ConfigErrors."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
import pandas as pd
import pytest

import mlgates
from mlgates import ConfigError, DriftGate, Status, Suite
from mlgates.contracts import from_odcs, odcs_document, read_schema, to_odcs

DATA = Path(__file__).resolve().parent / "data" / "odcs"
EXAMPLES = sorted(DATA.glob("*.odcs.yaml"))
SCHEMA = json.loads((DATA / "odcs-json-schema-v3.1.0.json").read_text(encoding="utf-8"))
#: One validator for the standard's JSON schema (jsonschema.validate would re-check the schema
#: itself against its meta-schema on every call).
VALIDATOR = jsonschema.validators.validator_for(SCHEMA)(SCHEMA)


def contract(properties: list[dict], quality: list[dict] | None = None, **top: Any) -> dict:
    obj: dict[str, Any] = {"name": "orders", "properties": properties}
    if quality is not None:
        obj["quality"] = quality
    return {
        "apiVersion": "v3.1.0",
        "kind": "DataContract",
        "id": "c1",
        "version": "1.0.0",
        "status": "active",
        "schema": [obj],
        **top,
    }


def tables(path: Path) -> list[str]:
    doc, _ = odcs_document(path)
    return [obj["name"] for obj in doc["schema"]]


def read_all(source: Any) -> dict[str, Suite]:
    doc, _ = odcs_document(source)
    return {obj["name"]: from_odcs(doc, object_name=obj["name"]) for obj in doc["schema"]}


# -- a test-side reading of what a contract requires (independent of the mapping code) --------------
_KIND = {
    "string": "string",
    "integer": "integer",
    "number": "numeric",
    "boolean": "boolean",
    "date": "datetime",
    "timestamp": "datetime",
    "time": None,
    "object": "nested",
    "array": "nested",
}
_META = {
    "id",
    "name",
    "description",
    "dimension",
    "severity",
    "businessImpact",
    "schedule",
    "scheduler",
    "customProperties",
    "tags",
    "authoritativeDefinitions",
    "method",
    "type",
}


def _rows(rule: dict) -> tuple[float, float]:
    """A rowCount rule as an interval of whole row counts [low, high]."""
    op = next(k for k in rule if k.startswith("must"))
    b = rule[op]
    return {
        "mustBe": (b, b),
        "mustBeGreaterThan": (math.floor(b) + 1, math.inf),
        "mustBeGreaterOrEqualTo": (math.ceil(b), math.inf),
        "mustBeLessThan": (0, math.ceil(b) - 1),
        "mustBeLessOrEqualTo": (0, math.floor(b)),
        "mustBeBetween": (math.floor(b[0]) + 1, math.ceil(b[1]) - 1) if isinstance(b, list) else None,
    }[op]


def requirements(doc: dict, name: str) -> set[tuple]:
    """The rules a contract states for one table, in a canonical form."""
    obj = next(o for o in doc["schema"] if o["name"] == name)
    out: set[tuple] = set()
    low, high = 0, math.inf
    pk = []
    for prop in obj.get("properties") or []:
        col = prop["name"]
        kind = _KIND.get(prop.get("logicalType"))
        for entry in prop.get("customProperties") or []:
            if entry.get("property") == "mlgatesKind":
                kind = entry["value"]
        out.add(("kind", col, kind))
        if prop.get("required"):
            out.add(("required", col))
        if prop.get("unique"):
            out.add(("unique", (col,)))
        if prop.get("primaryKey"):
            pk.append((prop.get("primaryKeyPosition", 0), col))
        for key, value in (prop.get("logicalTypeOptions") or {}).items():
            if key in ("timezone", "defaultTimezone") or (
                key == "format" and prop.get("logicalType") != "string"
            ):
                continue
            out.add(("option", col, key, json.dumps(value)))
        for rule in prop.get("quality") or []:
            metric = rule.get("metric", rule.get("rule"))
            if metric == "nullValues" and rule.get("mustBe") == 0:
                out.add(("required", col))
            elif metric == "duplicateValues" and rule.get("mustBe") == 0:
                out.add(("unique", (col,)))
            elif metric in ("invalidValues", "nullValues") and rule.get("type", "library") == "library":
                kept = {k: v for k, v in rule.items() if k not in _META}
                out.add(("rule", col, json.dumps(kept, sort_keys=True)))
            else:
                out.add(("rule", col, json.dumps(rule, sort_keys=True)))
    if pk:
        out.add(("unique", tuple(c for _, c in sorted(pk))))
    for rule in obj.get("quality") or []:
        metric = rule.get("metric", rule.get("rule"))
        if metric == "rowCount" and _rows(rule) is not None:
            a, b = _rows(rule)
            low, high = max(low, a), min(high, b)
        elif metric == "duplicateValues" and rule.get("mustBe") == 0:
            out.add(("unique", tuple(rule["arguments"]["properties"])))
        else:
            out.add(("rule", None, json.dumps(rule, sort_keys=True)))
    if (low, high) != (0, math.inf):
        out.add(("rows", low, high))
    return out


def _options_as_written(reqs: set[tuple]) -> set[tuple]:
    """logicalTypeOptions compare by value (a date's exclusiveMinimum stays a string, a
    number's bound may come back as ``minimum`` or ``exclusiveMinimum`` with the same value)."""
    return {r if r[0] != "option" else ("option", r[1], r[2].replace("exclusiveM", "m"), r[3]) for r in reqs}


# -- the standard's examples ------------------------------------------------------------------------
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_round_trip_keeps_every_rule(path):
    suites = read_all(path)
    written = to_odcs(suites)
    original, _ = odcs_document(path)
    for name in suites:
        before, after = requirements(dict(original), name), requirements(written, name)
        assert _options_as_written(before) == _options_as_written(after), name
    # and the suites read back are the same suites
    again = read_all(written)
    assert {n: s.to_config() for n, s in again.items()} == {n: s.to_config() for n, s in suites.items()}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_what_mlgates_writes_is_valid_odcs(path):
    VALIDATOR.validate(odcs_document(path)[0])  # the example itself, as a sanity check
    VALIDATOR.validate(to_odcs(read_all(path)))


def test_full_example_maps_onto_the_expected_gates():
    path = DATA / "full-example.odcs.yaml"
    with pytest.raises(ConfigError, match="describes 2 tables \\('tbl', 'receivers'\\); choose one"):
        from_odcs(path)
    with pytest.raises(ConfigError, match="Did you mean 'receivers'"):
        from_odcs(path, object_name="receiver")
    tbl = from_odcs(path, object_name="tbl")
    assert tbl.name == "tbl"
    assert [g.to_config() for g in tbl.gates] == [
        {
            "type": "SchemaGate",
            "columns": {
                "transaction_reference_date": "datetime",
                "rcvr_id": "string",
                "rcvr_cntry_code": "string",
            },
        },
        {"type": "MissingValuesGate", "columns": ["rcvr_cntry_code"]},  # quality: nullValues mustBe 0
        {"type": "UniqueGate", "columns": ["rcvr_id"]},  # the primary key
        {"type": "RowCountGate", "min_rows": 1_000_001},  # rowCount mustBeGreaterThan 1000000
    ]
    receivers = from_odcs(path, object_name="receivers")
    assert receivers.gates[1].get_params()["columns"] == ["id", "country_code", "receiver_name"]
    assert receivers.gates[2].get_params()["columns"] == ["id", ["id", "country_code"]]


def test_full_example_checks_data():
    receivers = from_odcs(DATA / "full-example.odcs.yaml", object_name="receivers")
    good = pd.DataFrame(
        {
            "id": ["r1", "r2", "r3"],
            "country_code": ["NO", "NO", "IT"],
            "receiver_name": ["a", "b", "c"],
            "receiver_type": ["x", None, "y"],
        }
    )
    assert receivers.check(current=good).status is Status.PASS
    # id repeats, but (id, country_code) stays unique: only the single-column key fails
    bad = good.assign(id=["r1", "r1", "r3"], country_code=["NO", "IT", "IT"], receiver_name=["a", None, "c"])
    v = receivers.check(current=bad)
    assert v.status is Status.FAIL
    failed = {(c.gate, f.subject) for c in v.children for f in c.findings if f.status is Status.FAIL}
    assert failed == {("MissingValuesGate", "receiver_name"), ("UniqueGate", "id")}
    tbl = from_odcs(DATA / "full-example.odcs.yaml", object_name="tbl")
    small = pd.DataFrame(
        {
            "transaction_reference_date": pd.to_datetime(["2022-10-03"]),
            "rcvr_id": ["a"],
            "rcvr_cntry_code": ["NO"],
        }
    )
    v = tbl.check(current=small)
    assert [c.gate for c in v.children if c.status is Status.FAIL] == ["RowCountGate"]


def test_all_data_types_example_fails_closed_on_what_it_cannot_check():
    suite = from_odcs(DATA / "all-data-types.odcs.yaml")
    unchecked = {g.get_params()["column"]: g for g in suite.gates if type(g).__name__ == "ContractRuleGate"}
    assert set(unchecked) == {
        "txn_ref_date",
        "txn_timestamp",
        "txn_timestamp_tz",
        "txn_time",
        "latest_txns",
        "customer_details",
    }
    frame = pd.DataFrame({"account_id": ["ACC12345678"], "amount": [3.5], "age": [40]})
    v = unchecked["latest_txns"].check(current=frame)
    assert v.status is Status.ERROR and v.reason == "unsupported_rule"
    assert "array logicalTypeOptions minItems=0, maxItems=3, uniqueItems=True" in v.message
    ranges = [g.to_config() for g in suite.gates if type(g).__name__ == "RangeGate"]
    assert ranges == [
        {"type": "RangeGate", "bounds": {"amount": {"min": 0}}},
        {
            "type": "RangeGate",
            "bounds": {"age": {"min": 18, "max": 100}},
            "inclusive": "left",
        },  # exclusiveMaximum
    ]
    strings = suite.gates[[type(g).__name__ for g in suite.gates].index("StringGate")]
    assert strings.check(current=pd.DataFrame({"account_id": ["ACC12345678"]})).status is Status.PASS
    assert strings.check(current=pd.DataFrame({"account_id": ["ACC1234567X"]})).status is Status.FAIL


def test_quality_examples_map_unsupported_rules_to_errors():
    accuracy = from_odcs(DATA / "column-accuracy.odcs.yaml")
    v = accuracy.check(current=pd.DataFrame({"DataValue": [1.0, 2.0]}))
    assert v.status is Status.ERROR
    sql = next(c for c in v.children if c.gate == "ContractRuleGate")
    assert sql.reason == "unsupported_rule" and "'sql' rule cannot be run" in sql.message
    custom = from_odcs(DATA / "column-custom.odcs.yaml").check(current=pd.DataFrame({"UniqueID": [1.0, 2.0]}))
    assert [c.reason for c in custom.children if c.gate == "ContractRuleGate"] == ["unsupported_rule"] * 2
    validity = from_odcs(DATA / "column-validity.odcs.yaml")
    rule = next(g for g in validity.gates if type(g).__name__ == "ContractRuleGate")
    statuses = rule.check(current=pd.DataFrame({"air_quality_status": ["", "n/a"] + ["ok"] * 18}))
    assert statuses.findings[0].details["count"] == 18  # 18 of 20 outside ['', null, 'n/a']: 90% > 5%
    assert statuses.status is Status.FAIL


# -- fail closed: unknown rule types -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("rule", "status"),
    [
        ({"type": "great_expectations", "mustBe": 0}, Status.ERROR),
        ({"type": "sql", "query": "SELECT 1", "mustBe": 1}, Status.ERROR),
        ({"type": "custom", "engine": "montecarlo", "implementation": "monitor: x"}, Status.ERROR),
        ({"metric": "freshness", "mustBeLessThan": 2}, Status.ERROR),
        ({"type": "text", "description": "Amounts are in euros."}, Status.SKIP),
    ],
)
def test_unknown_rule_types_fail_closed(rule, status):
    suite = from_odcs(contract([{"name": "amount", "logicalType": "number", "quality": [rule]}]))
    assert [type(g).__name__ for g in suite.gates] == ["SchemaGate", "ContractRuleGate"]
    v = suite.check(current=pd.DataFrame({"amount": [1.0, 2.0]}))
    assert v.children[1].status is status and v.children[1].reason == "unsupported_rule"
    assert v.status is (Status.ERROR if status is Status.ERROR else Status.PASS)
    assert to_odcs(suite)["schema"][0]["properties"][0]["quality"] == [rule]  # kept verbatim


# -- the mapping, rule by rule ---------------------------------------------------------------------
def test_operators_and_units_map_exactly():
    doc = contract(
        [
            {
                "name": "a",
                "logicalType": "number",
                "quality": [
                    {
                        "metric": "nullValues",
                        "mustBeLessOrEqualTo": 7,
                        "unit": "percent",
                        "name": "few nulls",
                    },
                    {"metric": "nullValues", "mustBeLessThan": 1, "unit": "percent"},  # strict: evaluated
                ],
            },
            {
                "name": "b",
                "logicalType": "string",
                "quality": [
                    {"metric": "invalidValues", "arguments": {"validValues": ["x", "y", None]}},
                ],
            },
        ],
        [
            {"metric": "rowCount", "mustBeBetween": [100, 120]},
            {"metric": "rowCount", "mustBeGreaterThan": 105.5},
        ],
    )
    gates = [g.to_config() for g in from_odcs(doc).gates]
    assert {"type": "RowCountGate", "min_rows": 106, "max_rows": 119} in gates  # between excludes its ends
    assert {"type": "MissingValuesGate", "columns": ["a"], "max_share": 0.07, "name": "few nulls"} in gates
    assert {"type": "CategoryGate", "allowed": {"b": ["x", "y"]}} in gates
    strict = [g for g in gates if g["type"] == "ContractRuleGate"]
    assert strict == [
        {
            "type": "ContractRuleGate",
            "rule": {"metric": "nullValues", "mustBeLessThan": 1, "unit": "percent"},
            "column": "a",
        }
    ]
    written = to_odcs(from_odcs(doc))["schema"][0]
    assert written["properties"][0]["quality"][0] == {
        "name": "few nulls",
        "metric": "nullValues",
        "mustBeLessOrEqualTo": 7,
        "unit": "percent",
    }


def test_patterns_match_anywhere_as_in_the_standard():
    doc = contract([{"name": "code", "logicalType": "string", "logicalTypeOptions": {"pattern": "[0-9]{2}"}}])
    gate = from_odcs(doc).gates[-1]
    assert gate.check(current=pd.DataFrame({"code": ["ab12cd", "99"]})).status is Status.PASS
    assert gate.check(current=pd.DataFrame({"code": ["ab1cd"]})).status is Status.FAIL
    assert to_odcs(from_odcs(doc))["schema"][0]["properties"][0]["logicalTypeOptions"] == {
        "pattern": "[0-9]{2}"
    }


def test_a_pattern_that_can_backtrack_is_not_run():
    doc = contract([{"name": "code", "logicalType": "string", "logicalTypeOptions": {"pattern": "(a+)+$"}}])
    suite = from_odcs(doc)
    assert [type(g).__name__ for g in suite.gates] == ["SchemaGate", "ContractRuleGate"]
    assert suite.check(current=pd.DataFrame({"code": ["aaa"]})).status is Status.ERROR


def test_gates_odcs_cannot_express_travel_as_mlgates_custom_rules(tmp_path):
    suite = Suite(
        [
            mlgates.SchemaGate(columns={"x": "float"}),
            DriftGate(threshold=0.01, n_jobs=1),
            mlgates.MissingValuesGate(columns=["x"], max_share=0.1, warn_share=0.05),
        ],
        name="t",
    )
    written = to_odcs(suite)
    custom = written["schema"][0]["quality"]
    assert [r["implementation"]["type"] for r in custom] == ["DriftGate", "MissingValuesGate"]
    assert all(r["type"] == "custom" and r["engine"] == "mlgates" for r in custom)
    VALIDATOR.validate(written)
    back = from_odcs(written)
    assert [g.to_config() for g in back.gates] == [g.to_config() for g in suite.gates]
    # the implementation may be YAML text, as other engines write theirs
    text = contract(
        [{"name": "x"}],
        [{"type": "custom", "engine": "mlgates", "implementation": "type: RowCountGate\nmin_rows: 5\n"}],
    )
    assert from_odcs(text).gates[-1].to_config() == {"type": "RowCountGate", "min_rows": 5}
    bad = contract(
        [{"name": "x"}], [{"type": "custom", "engine": "mlgates", "implementation": {"type": "NoGate"}}]
    )
    with pytest.raises(ConfigError, match="unknown gate type 'NoGate'"):
        from_odcs(bad)


def test_a_suite_inferred_from_data_travels_and_judges_the_same():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "id": np.arange(300),
            "age": rng.integers(18, 90, 300).astype(float),
            "plan": rng.choice(["free", "pro"], 300),
        }
    )
    suite = mlgates.quality_suite_from_reference(frame)
    back = from_odcs(to_odcs(suite))
    probe = frame.assign(
        age=frame["age"].where(frame.index % 7 != 0), plan=frame["plan"].replace("pro", "team")
    )
    for data in (frame, probe):
        a, b = suite.check(reference=frame, current=data), back.check(reference=frame, current=data)
        assert a.status is b.status
        assert sorted((f.subject, f.status) for c in a.walk() for f in c.findings) == sorted(
            (f.subject, f.status) for c in b.walk() for f in c.findings
        )


def test_kinds_round_trip_through_custom_properties():
    suite = Suite([mlgates.SchemaGate(columns={"a": "float", "b": "float32", "c": "categorical", "d": None})])
    props = to_odcs(suite)["schema"][0]["properties"]
    assert props[0] == {
        "name": "a",
        "logicalType": "number",
        "customProperties": [{"property": "mlgatesKind", "value": "float"}],
    }
    assert props[1] == {"name": "b", "customProperties": [{"property": "mlgatesKind", "value": "float32"}]}
    assert props[3] == {"name": "d"}
    assert from_odcs(to_odcs(suite)).gates[0].to_config() == suite.gates[0].to_config()


# -- files, versions and errors ----------------------------------------------------------------------
@pytest.mark.parametrize("suffix", [".odcs.yaml", ".json"])
def test_files(tmp_path, suffix):
    suite = from_odcs(DATA / "full-example.odcs.yaml", object_name="receivers")
    path = tmp_path / f"receivers{suffix}"
    written = to_odcs(suite, path)
    assert odcs_document(path)[0] == written
    assert from_odcs(path).to_config() == suite.to_config()
    assert read_schema(path).columns["id"].unique


def test_odcs_v3_0_spellings():
    doc = contract(
        [
            {
                "name": "unit",
                "logicalType": "string",
                "quality": [{"rule": "validValues", "validValues": ["kg"]}],
            },
            {
                "name": "n",
                "logicalType": "integer",
                "logicalTypeOptions": {"minimum": 0, "exclusiveMinimum": True},
            },
        ],
        [{"rule": "duplicateCount", "mustBe": 0, "arguments": {"properties": ["unit", "n"]}}],
        apiVersion="v3.0.2",
    )
    configs = [g.to_config() for g in from_odcs(doc).gates]
    assert {"type": "RangeGate", "bounds": {"n": {"min": 0}}, "inclusive": "right"} in configs
    assert {"type": "UniqueGate", "columns": [["unit", "n"]]} in configs
    assert {"type": "CategoryGate", "allowed": {"unit": ["kg"]}} in configs


@pytest.mark.parametrize(
    ("doc", "match"),
    [
        (contract([{"name": "a"}], apiVersion="v2.2.2"), "is not ODCS v3"),
        ({**contract([]), "kind": "DataProduct"}, "'DataProduct' is not 'DataContract'"),
        ({**contract([]), "schema": []}, "has no schema"),
        ([1, 2], "is a mapping"),
        (contract([{"logicalType": "string"}]), "needs a name"),
        (contract([{"name": "a"}, {"name": "a"}]), "listed twice"),
        (contract([{"name": "a", "logicalType": "decimal"}]), "'decimal' is not an ODCS type"),
        (contract([{"name": "a", "required": "yes"}]), "required must be true or false"),
        (
            contract(
                [{"name": "a", "quality": [{"metric": "nullValues", "mustBe": 0, "mustBeLessThan": 3}]}]
            ),
            "one operator",
        ),
        (
            contract([{"name": "a", "quality": [{"metric": "nullValues", "mustBe": "none"}]}]),
            "takes a number",
        ),
        (contract([{"name": "a", "quality": ["nulls"]}]), "a quality rule is a mapping"),
        (contract([{"name": "a"}], [{"metric": "rowCount", "mustBeBetween": [5, 1]}]), "smallest first"),
        (
            contract(
                [{"name": "a"}],
                [
                    {"metric": "rowCount", "mustBeGreaterThan": 10},
                    {"metric": "rowCount", "mustBeLessThan": 5},
                ],
            ),
            "contradict",
        ),
        (
            contract([{"name": "a", "logicalType": "string", "logicalTypeOptions": {"maxLength": -1}}]),
            "maxLength",
        ),
    ],
)
def test_malformed_contracts_are_config_errors(doc, match):
    with pytest.raises(ConfigError, match=match):
        from_odcs(doc)


def test_yaml_is_an_optional_extra(monkeypatch, tmp_path):
    path = tmp_path / "c.odcs.yaml"
    path.write_text("apiVersion: v3.1.0\n", encoding="utf-8")
    monkeypatch.setitem(sys.modules, "yaml", None)
    with pytest.raises(ImportError, match=r"pip install mlgates\[yaml\]"):
        from_odcs(path)
    with pytest.raises(ImportError, match=r"pip install mlgates\[yaml\]"):
        to_odcs(Suite([mlgates.RowCountGate()]), tmp_path / "out.yaml")
    assert from_odcs(contract([{"name": "a"}])).gates[0].to_config() == {
        "type": "SchemaGate",
        "columns": {"a": None},
    }


def test_unreadable_files(tmp_path):
    with pytest.raises(ConfigError, match="cannot read the contract"):
        from_odcs(tmp_path / "missing.odcs.yaml")
    bad = tmp_path / "bad.odcs.yaml"
    bad.write_text("schema: [\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        from_odcs(bad)


# -- severity -----------------------------------------------------------------------------------------
def test_a_warning_rule_warns_and_an_error_rule_fails():
    rules = [
        {"metric": "nullValues", "mustBe": 0, "severity": "warning"},
        {"metric": "invalidValues", "arguments": {"validValues": ["a"]}, "mustBe": 0, "severity": "error"},
        {"type": "sql", "query": "SELECT 1", "mustBe": 1, "severity": "info"},
    ]
    suite = from_odcs(contract([{"name": "s", "logicalType": "string", "quality": rules}]))
    configs = [g.to_config() for g in suite.gates]
    assert configs[1:] == [  # in the property's order
        {"type": "ContractRuleGate", "rule": rules[0], "column": "s", "blocking": False},
        {"type": "CategoryGate", "allowed": {"s": ["a"]}},
        {"type": "ContractRuleGate", "rule": rules[2], "column": "s", "blocking": False},
    ]
    frame = pd.DataFrame({"s": ["a", None]})
    v = suite.check(current=frame)
    by_gate = [(c.gate, c.status) for c in v.children]
    assert ("ContractRuleGate", Status.WARN) in by_gate  # the null: a warning
    assert ("ContractRuleGate", Status.ERROR) in by_gate  # the SQL rule still cannot be run
    frame = pd.DataFrame({"s": ["a", "b"]})  # the error-severity rule broken: a FAIL
    assert [c.status for c in suite.check(current=frame).children][1:3] == [Status.PASS, Status.FAIL]
    # written back verbatim, read back the same
    written = to_odcs(suite)
    error_rule = {k: v for k, v in rules[1].items() if k != "severity"}  # "error" is the default
    assert written["schema"][0]["properties"][0]["quality"] == [rules[0], error_rule, rules[2]]
    assert from_odcs(written).to_config() == suite.to_config()
    # a gate whose blocking disagrees with its rule's severity travels whole
    gate = mlgates.ContractRuleGate(rule=rules[0], column="s")  # blocking despite "warning"
    back = from_odcs(to_odcs(Suite([mlgates.SchemaGate(columns={"s": "string"}), gate])))
    assert back.gates[-1].to_config() == gate.to_config()
    with pytest.raises(ConfigError, match="takes a number"):
        from_odcs(
            contract(
                [{"name": "a", "quality": [{"metric": "nullValues", "mustBe": "x", "severity": "info"}]}]
            )
        )


# -- schema environments -------------------------------------------------------------------------------
def test_schema_environments_travel_as_a_table_custom_property():
    gate = mlgates.SchemaGate(
        columns={"age": "integer", "label": "integer"},
        environments={"training": {}, "serving": {"exclude": ["label"]}},
    )
    written = to_odcs(Suite([gate, mlgates.MissingValuesGate(columns=["age"])], name="t"))
    table = written["schema"][0]
    assert [p["name"] for p in table["properties"]] == ["age", "label"]  # listed, not embedded
    assert table["customProperties"] == [
        {"property": "mlgatesEnvironments", "value": {"training": {}, "serving": {"exclude": ["label"]}}}
    ]
    VALIDATOR.validate(written)
    back = from_odcs(written)
    assert back.gates[0].to_config() == gate.to_config()
    assert back.check(current=pd.DataFrame({"age": [3]}), environment="serving").status is Status.PASS
    # two SchemaGates with environments: the second travels whole
    twice = Suite([gate, mlgates.SchemaGate(columns={"x": None}, environments={"a": {}})])
    assert [g.to_config() for g in from_odcs(to_odcs(twice)).gates][-1] == twice.gates[1].to_config()
    # a malformed entry is refused when the contract is read
    bad = contract([{"name": "age"}])
    bad["schema"][0]["customProperties"] = [
        {"property": "mlgatesEnvironments", "value": {"serving": ["label"]}}
    ]
    with pytest.raises(ConfigError, match="environments"):
        from_odcs(bad)
    bad["schema"][0]["properties"] = []
    with pytest.raises(ConfigError, match="needs the table's properties"):
        from_odcs(bad)

"""SchemaDiffGate: every classification (breaking / additive / unchanged), the policies, every
kind of schema source, and inference from tables calibrated on random splits of real data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mlgates import (
    CategoryGate,
    MissingValuesGate,
    RangeGate,
    RowCountGate,
    SchemaDiffGate,
    SchemaGate,
    Status,
    StringGate,
    Suite,
    UniqueGate,
    gate_from_config,
    save_suite,
)
from mlgates.contracts import to_odcs


def suite(
    columns=None,
    *,
    required=(),
    unique=(),
    allowed=None,
    bounds=None,
    inclusive="both",
    strings=None,
    rows=None,
) -> Suite:
    gates = [SchemaGate(columns=columns or {"id": "string", "age": "integer", "plan": "string"})]
    if required:
        gates.append(MissingValuesGate(columns=list(required)))
    if unique:
        gates.append(UniqueGate(columns=list(unique)))
    if allowed:
        gates.append(CategoryGate(allowed=allowed))
    if bounds:
        gates.append(RangeGate(bounds=bounds, inclusive=inclusive))
    for col, spec in (strings or {}).items():
        gates.append(StringGate(columns=col, **spec))
    if rows:
        gates.append(RowCountGate(**rows))
    return Suite(gates, name="orders")


def changes(old: Suite, new: Suite, **params):
    v = SchemaDiffGate(old_schema=old, new_schema=new, **params).check()
    return v, {
        f.subject: (f.status, f.details["classification"], [c["change"] for c in f.details["changes"]])
        for f in v.findings
    }


BREAKING = (Status.FAIL, "breaking")
ADDITIVE = (Status.WARN, "additive")


def test_unchanged_passes():
    v, found = changes(suite(required=["id"]), suite(required=["id"]))
    assert v.status is Status.PASS and v.reason is None
    assert found == {c: (Status.PASS, "unchanged", []) for c in ("id", "age", "plan")}
    assert v.metrics == {"n_breaking": 0, "n_additive": 0, "n_unchanged": 3}


def test_column_removed_is_breaking():
    v, found = changes(suite(), suite({"id": "string", "age": "integer"}))
    assert found["plan"][:2] == BREAKING and found["plan"][2] == ["column_removed"]
    assert v.status is Status.FAIL and v.reason == "breaking_schema_change"
    assert v.findings[2].message == "plan: breaking: column removed"


def test_new_optional_column_is_additive_new_required_column_is_breaking():
    wider = {"id": "string", "age": "integer", "plan": "string", "email": "string"}
    v, found = changes(suite(), suite(wider))
    assert found["email"] == (*ADDITIVE, ["column_added"])
    assert v.status is Status.WARN and v.reason == "additive_schema_change"
    _, found = changes(suite(), suite(wider, required=["email"]))
    assert found["email"] == (*BREAKING, ["required_column_added"])


@pytest.mark.parametrize(
    ("old", "new", "change", "breaking"),
    [
        ("integer", "string", "retyped", True),
        ("integer", "float", "retyped", True),  # a SchemaGate asking for float refuses int columns
        ("numeric", "integer", "retyped", True),
        ("integer", "numeric", "type_widened", False),
        ("float", "numeric", "type_widened", False),
        ("int32", "integer", "type_widened", False),
        ("int32", "int64", "retyped", True),  # exact dtypes: an int32 column fails "int64"
        ("integer", "int64", "retyped", True),
        ("integer", None, "type_widened", False),
        (None, "integer", "retyped", True),
    ],
)
def test_kind_changes(old, new, change, breaking):
    _, found = changes(suite({"id": "string", "age": old}), suite({"id": "string", "age": new}))
    assert found["age"] == ((*BREAKING, [change]) if breaking else (*ADDITIVE, [change]))


def test_newly_required_is_breaking_and_no_longer_required_additive():
    _, found = changes(suite(), suite(required=["age"]))
    assert found["age"] == (*BREAKING, ["newly_required"])
    _, found = changes(suite(required=["age"]), suite())
    assert found["age"] == (*ADDITIVE, ["no_longer_required"])
    # a tolerance above 0 is nullable; every column at 0 is required
    nullable = Suite([SchemaGate(columns={"age": "integer"}), MissingValuesGate(max_share=0.1)])
    complete = Suite([SchemaGate(columns={"age": "integer"}), MissingValuesGate()])
    assert changes(nullable, complete)[1]["age"][2] == ["newly_required"]


def test_uniqueness():
    _, found = changes(suite(), suite(unique=["id"]))
    assert found["id"] == (*BREAKING, ["newly_unique"])
    _, found = changes(suite(unique=["id"]), suite())
    assert found["id"] == (*ADDITIVE, ["no_longer_unique"])
    v, found = changes(suite(), suite(unique=[["id", "plan"]]))
    assert found["table"] == (*BREAKING, ["newly_unique"])
    assert "key id+plan newly unique" in v.findings[-1].message


def test_categories_narrowed_widened_and_replaced():
    before = {"plan": ["free", "pro"]}
    _, found = changes(suite(allowed=before), suite(allowed={"plan": ["free"]}))
    assert found["plan"] == (*BREAKING, ["categories_narrowed"])
    v, found = changes(suite(allowed=before), suite(allowed={"plan": ["free", "pro", "team"]}))
    assert found["plan"] == (*ADDITIVE, ["categories_widened"])
    assert list(v.findings[2].details["changes"][0]["added"]) == ["team"]
    _, found = changes(suite(allowed=before), suite(allowed={"plan": ["free", "team"]}))
    assert found["plan"] == (*BREAKING, ["categories_narrowed"])  # one removed, one added
    _, found = changes(suite(), suite(allowed=before))
    assert found["plan"] == (*BREAKING, ["categories_narrowed"])  # a restriction added
    _, found = changes(suite(allowed=before), suite())
    assert found["plan"] == (*ADDITIVE, ["categories_widened"])


@pytest.mark.parametrize(
    ("old", "new", "change", "breaking"),
    [
        ({"min": 0, "max": 150}, {"min": 0, "max": 120}, "range_narrowed", True),
        ({"min": 0, "max": 120}, {"min": 0, "max": 150}, "range_widened", False),
        ({"min": 0, "max": 120}, {"min": 10, "max": 150}, "range_narrowed", True),  # shifted
        ({"max": 120}, {"min": 0, "max": 120}, "range_narrowed", True),  # a bound added
        ({"min": 0, "max": 120}, {"max": 120}, "range_widened", False),
    ],
)
def test_ranges(old, new, change, breaking):
    _, found = changes(suite(bounds={"age": old}), suite(bounds={"age": new}))
    assert found["age"] == ((*BREAKING, [change]) if breaking else (*ADDITIVE, [change]))


def test_an_excluded_bound_is_tighter_than_the_same_bound_included():
    _, found = changes(
        suite(bounds={"age": {"min": 0}}), suite(bounds={"age": {"min": 0}}, inclusive="neither")
    )
    assert found["age"] == (*BREAKING, ["range_narrowed"])
    _, found = changes(
        suite(bounds={"age": {"min": 0}}, inclusive="neither"), suite(bounds={"age": {"min": 0}})
    )
    assert found["age"] == (*ADDITIVE, ["range_widened"])


def test_strings_lengths_and_patterns():
    _, found = changes(suite(strings={"id": {"max_length": 10}}), suite(strings={"id": {"max_length": 8}}))
    assert found["id"] == (*BREAKING, ["length_narrowed"])
    _, found = changes(suite(strings={"id": {"max_length": 8}}), suite(strings={"id": {"max_length": 10}}))
    assert found["id"] == (*ADDITIVE, ["length_widened"])
    _, found = changes(suite(), suite(strings={"id": {"pattern": "[A-Z]+"}}))
    assert found["id"] == (*BREAKING, ["pattern_added"])
    _, found = changes(
        suite(strings={"id": {"pattern": "[A-Z]+"}}), suite(strings={"id": {"pattern": "[A-Z0-9]+"}})
    )
    assert found["id"] == (*BREAKING, ["pattern_replaced"])  # inclusion of patterns is not decided
    _, found = changes(suite(strings={"id": {"pattern": "[A-Z]+"}}), suite())
    assert found["id"] == (*ADDITIVE, ["pattern_removed"])


def test_row_counts():
    _, found = changes(suite(rows={"min_rows": 10}), suite(rows={"min_rows": 100}))
    assert found["table"] == (*BREAKING, ["row_count_narrowed"])
    _, found = changes(suite(rows={"min_rows": 100}), suite(rows={"min_rows": 10, "max_rows": None}))
    assert found["table"] == (*ADDITIVE, ["row_count_widened"])


def test_several_changes_in_one_column_list_the_breaking_ones_first():
    v, found = changes(
        suite(allowed={"plan": ["a"]}),
        suite({"id": "string", "age": "numeric", "plan": "string"}, required=["age"]),
    )
    assert found["age"] == (*BREAKING, ["newly_required", "type_widened"])
    assert v.findings[1].message == "age: breaking: newly required; type widened: integer -> numeric"
    assert found["plan"] == (*ADDITIVE, ["categories_widened"])


@pytest.mark.parametrize(
    ("on_breaking", "status"),
    [("warn", Status.WARN), ("error", Status.ERROR), ("skip", Status.SKIP), ("fail", Status.FAIL)],
)
def test_on_breaking(on_breaking, status):
    _, found = changes(suite(), suite({"id": "string"}), on_breaking=on_breaking)
    assert found["age"][0] is status


def test_on_additive_skip_shows_the_change_without_judging_it():
    wider = suite({"id": "string", "age": "integer", "plan": "string", "email": "string"})
    v, found = changes(suite(), wider, on_additive="skip")
    assert found["email"][0] is Status.SKIP and v.findings[-1].reason == "additive_schema_change"
    assert v.status is Status.PASS
    assert changes(suite(), wider, on_additive="fail")[0].status is Status.FAIL


def test_non_blocking_breaking_change_warns():
    v = SchemaDiffGate(old_schema=suite(), new_schema=suite({"id": "string"}), blocking=False).check()
    assert v.status is Status.WARN


# -- sources ----------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["toml", "yaml", "json"])
def test_suite_files(tmp_path, fmt):
    old = save_suite(suite(required=["id"]), tmp_path / f"v1.{fmt}")
    new = save_suite(suite({"id": "string", "age": "string"}, required=["id"]), tmp_path / f"v2.{fmt}")
    v = SchemaDiffGate(old_schema=str(old), new_schema=new).check()
    assert {f.subject: f.details["classification"] for f in v.findings} == {
        "id": "unchanged",
        "age": "breaking",
        "plan": "breaking",
    }
    assert v.params["old_source"] == str(old)


def test_odcs_files_and_mappings(tmp_path):
    old = to_odcs(suite(required=["id"], allowed={"plan": ["free", "pro"]}), tmp_path / "v1.odcs.yaml")
    new = to_odcs(suite(required=["id"], allowed={"plan": ["free", "pro", "team"]}))
    v = SchemaDiffGate(old_schema=tmp_path / "v1.odcs.yaml", new_schema=new).check()
    assert v.status is Status.WARN
    assert [(f.subject, f.details["classification"]) for f in v.findings][2] == ("plan", "additive")
    assert SchemaDiffGate(old_schema=old, new_schema=old).check().status is Status.PASS


def test_gate_configs_and_gates_and_config_round_trip():
    config = {"type": "SchemaGate", "columns": {"id": "string", "age": "integer", "plan": "string"}}
    gate = SchemaDiffGate(old_schema=config, new_schema=suite(required=["age"]))
    assert [dict(c) for c in gate.check().findings[1].details["changes"]] == [
        {"change": "newly_required", "breaking": True}
    ]
    rebuilt = gate_from_config(gate.to_config())
    assert rebuilt.to_config() == gate.to_config()
    assert rebuilt.check().status is Status.FAIL


def test_sources_that_state_no_schema_are_errors(tmp_path):
    v = SchemaDiffGate(old_schema=str(tmp_path / "nope.toml"), new_schema=suite()).check()
    assert v.status is Status.ERROR and v.reason == "invalid_schema" and "no such file" in v.message
    v = SchemaDiffGate(old_schema={"type": "SchemaGate"}, new_schema=suite()).check()
    assert v.reason == "invalid_schema" and "reads its columns from reference" in v.message
    v = SchemaDiffGate(old_schema={"columns": {"a": "integer"}}, new_schema=suite()).check()
    assert v.reason == "invalid_schema"
    v = SchemaDiffGate(old_schema=RowCountGate(), new_schema=suite()).check()
    assert v.reason == "invalid_schema" and "names a column" in v.message


def test_a_contract_with_several_tables_needs_object_name(tmp_path):
    contract = to_odcs({"orders": suite(), "customers": Suite([SchemaGate(columns={"cid": "string"})])})
    v = SchemaDiffGate(old_schema=contract, new_schema=contract).check()
    assert v.reason == "invalid_schema" and "object_name='orders'" in v.message
    v = SchemaDiffGate(old_schema=contract, new_schema=contract, object_name="customers").check()
    assert v.status is Status.PASS and [f.subject for f in v.findings] == ["cid"]


# -- inferred from tables ------------------------------------------------------------------------
def test_inferred_from_tables_compares_names_and_kinds_only():
    ref = pd.DataFrame({"id": ["a", "b"], "age": [1, 2], "plan": ["x", "y"]})
    cur = pd.DataFrame({"id": ["c", None], "age": [1.5, 2.0], "email": ["e", "f"]})
    v = SchemaDiffGate().check(reference=ref, current=cur)
    found = {f.subject: [c["change"] for c in f.details["changes"]] for f in v.findings}
    # id gained a missing value and other values: not a schema change when inferred
    assert found == {"id": [], "age": ["retyped"], "plan": ["column_removed"], "email": ["column_added"]}
    assert v.params["new_source"] == "inferred from current (names and kinds)"
    # a declared old schema against an inferred new one: domains are not compared either
    declared = suite(required=["id"], allowed={"plan": ["x"]})
    v = SchemaDiffGate(old_schema=declared).check(current=ref)
    assert v.status is Status.PASS


def test_inferred_needs_its_tables_and_fails_closed_on_empty_ones():
    assert SchemaDiffGate().check(current=pd.DataFrame({"a": [1]})).reason == "missing_input"
    v = SchemaDiffGate().check(reference=pd.DataFrame({"a": [1]}), current=pd.DataFrame({"a": []}))
    assert v.status is Status.ERROR and v.reason == "empty_input"
    assert SchemaDiffGate(old_schema=suite(), new_schema=suite()).required_inputs() == ()


def test_random_splits_of_real_data_pass():
    from mlgates.datasets import load_adult

    adult = load_adult()
    rng = np.random.default_rng(0)
    for n in (50, 500, 5000):
        rows = rng.permutation(len(adult))
        ref, cur = adult.iloc[rows[:n]], adult.iloc[rows[n : 2 * n]]
        v = SchemaDiffGate().check(reference=ref, current=cur)
        assert v.status is Status.PASS, v.to_text()


def test_versions_compared_in_one_environment():
    envs = {"training": {}, "serving": {"exclude": ["label"], "columns": {"request_id": "string"}}}
    cols = {"id": "string", "age": "integer", "label": "integer"}
    old = Suite([SchemaGate(columns=cols, environments=envs), MissingValuesGate(columns=["label"])])
    # v2 drops the label from training too, and serving now requires a session id
    envs2 = {"training": {}, "serving": {"columns": {"request_id": "string", "session": "string"}}}
    new = Suite([SchemaGate(columns={"id": "string", "age": "integer"}, environments=envs2)])
    _, found = changes(old, new, environment="serving")
    assert list(found) == ["id", "age", "request_id", "session"]  # the label is not part of serving
    assert found["session"] == (*ADDITIVE, ["column_added"])
    assert found["request_id"] == (Status.PASS, "unchanged", [])
    _, found = changes(old, new, environment="training")
    assert found["label"] == (*BREAKING, ["column_removed"])
    assert "request_id" not in found
    # the environment's kind overrides the schema's
    typed = {"serving": {"columns": {"age": "numeric"}}}
    _, found = changes(
        SchemaGate(columns=cols, environments=typed), SchemaGate(columns=cols), environment="serving"
    )
    assert found["age"] == (*BREAKING, ["retyped"])  # numeric in serving, integer now
    # without environments a schema is the same everywhere; an undefined one is an error
    v, _ = changes(suite(), suite(), environment="serving")
    assert v.status is Status.PASS
    v = SchemaDiffGate(old_schema=old, new_schema=new, environment="servng").check()
    assert (
        v.status is Status.ERROR and v.reason == "invalid_schema" and "Did you mean 'serving'?" in v.message
    )

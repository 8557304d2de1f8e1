"""SchemaGate environments (TFDV's schema environments): the label is required in training and
absent in serving; the environment is chosen per check; an unknown one is an ERROR naming the
known ones; suite files hold the section."""

from __future__ import annotations

import pandas as pd
import pytest

from mlgates import ParameterError, RowCountGate, SchemaGate, Status, load_suite, save_suite

SCHEMA = {"age": "integer", "city": "string", "label": "integer"}
ENVIRONMENTS = {"training": {}, "serving": {"exclude": ["label"], "columns": {"request_id": "string"}}}


@pytest.fixture
def training() -> pd.DataFrame:
    return pd.DataFrame({"age": [31, 45, 52], "city": ["Oslo", "Rome", "Lima"], "label": [0, 1, 0]})


@pytest.fixture
def serving() -> pd.DataFrame:
    return pd.DataFrame({"age": [31, 45], "city": ["Oslo", "Rome"], "request_id": ["r1", "r2"]})


def gate(**params) -> SchemaGate:
    return SchemaGate(columns=SCHEMA, environments=ENVIRONMENTS, **params)


def test_label_required_in_training_absent_in_serving(training, serving):
    assert gate().check(current=training, environment="training").status is Status.PASS
    assert gate().check(current=serving, environment="serving").status is Status.PASS
    v = gate().check(current=serving, environment="training")
    assert v.status is Status.FAIL
    assert [(f.subject, f.reason) for f in v.findings if f.status is Status.FAIL] == [
        ("label", "missing_column")
    ]
    assert "(environment 'training')" in v.findings[2].message
    # serving data must carry the serving-only column
    v = gate().check(current=serving.drop(columns="request_id"), environment="serving")
    assert [(f.subject, f.reason) for f in v.findings if f.status is Status.FAIL] == [
        ("request_id", "missing_column")
    ]


def test_without_an_environment_the_schema_is_checked_as_given(training, serving):
    assert gate().check(current=training).status is Status.PASS
    v = gate().check(current=serving)
    assert v.status is Status.FAIL and v.reason == "missing_column"
    assert "environment" not in v.params


def test_the_verdict_records_the_environment_and_its_schema(serving):
    v = gate().check(current=serving, environment="serving")
    assert v.params["environment"] == "serving"
    assert v.params["columns"] == {"age": "integer", "city": "string", "request_id": "string"}
    assert v.provenance["inputs"]["environment"] == {"type": "str", "value": "serving"}


def test_an_excluded_column_that_is_present_is_an_extra_column(training):
    assert gate().check(current=training.assign(request_id="r"), environment="serving").status is Status.PASS
    strict = gate(allow_extra=False).check(current=training.assign(request_id="r"), environment="serving")
    assert [(f.subject, f.reason) for f in strict.findings if f.status is Status.FAIL] == [
        ("label", "unexpected_column")
    ]
    # allow_extra per environment overrides the gate's
    envs = {"serving": {"exclude": ["label"], "allow_extra": False}}
    v = SchemaGate(columns=SCHEMA, environments=envs).check(current=training, environment="serving")
    assert v.status is Status.FAIL and v.findings[-1].reason == "unexpected_column"


def test_an_environment_may_override_a_kind(serving):
    envs = {"serving": {"exclude": ["label"], "columns": {"age": "float"}}}
    v = SchemaGate(columns=SCHEMA, environments=envs).check(current=serving, environment="serving")
    assert v.findings[0].reason == "dtype_mismatch" and "expected float" in v.findings[0].message


def test_unknown_environment_is_an_error_naming_the_known_ones(serving):
    v = gate().check(current=serving, environment="scoring")
    assert v.status is Status.ERROR and v.reason == "unknown_environment"
    assert "'serving', 'training'" in v.message
    assert "Did you mean 'serving'?" in gate().check(current=serving, environment="servng").message
    none = SchemaGate(columns=SCHEMA).check(current=serving, environment="serving")
    assert none.status is Status.ERROR and none.reason == "unknown_environment"
    assert "defines no environments" in none.message
    wrong_type = gate().check(current=serving, environment=1)
    assert wrong_type.status is Status.ERROR and wrong_type.reason == "unknown_environment"


def test_the_environment_reaches_a_schema_gate_inside_a_suite(serving):
    suite = RowCountGate(min_rows=1) & gate()
    assert suite.check(current=serving, environment="serving").status is Status.PASS
    assert suite.check(current=serving, environment="training").status is Status.FAIL
    with pytest.raises(TypeError, match="environment"):
        RowCountGate().check(current=serving, environment="serving")


def test_environments_read_from_reference(training, serving):
    """With columns=None the schema comes from reference; an environment still excludes."""
    envs = {"serving": {"exclude": ["label"]}}
    g = SchemaGate(environments=envs)
    v = g.check(reference=training, current=serving.drop(columns="request_id"), environment="serving")
    assert v.status is Status.PASS
    assert g.check(reference=training, current=serving, environment=None).reason == "missing_column"


@pytest.mark.parametrize(
    ("environments", "match"),
    [
        ({"serving": {"exclud": ["label"]}}, "Did you mean 'exclude'"),
        ({"serving": {"exclude": ["lable"]}}, "Did you mean 'label'"),
        ({"serving": ["label"]}, "environments\\['serving'\\]"),
        ({"serving": {"exclude": [1]}}, "a list of column names"),
        ({"serving": {"columns": {"x": 3}}}, "\\['columns'\\]\\['x'\\]"),
        ({"serving": {"allow_extra": "no"}}, "allow_extra"),
        ({1: {}}, "keyed by column names"),
        (["serving"], "environments"),
    ],
)
def test_invalid_environments_are_parameter_errors(environments, match):
    with pytest.raises(ParameterError, match=match):
        SchemaGate(columns=SCHEMA, environments=environments).validate()


def test_none_kind_asks_for_presence_only():
    g = SchemaGate(columns={"id": None, "age": "integer"})
    assert g.check(current=pd.DataFrame({"id": ["a"], "age": [3]})).status is Status.PASS
    assert g.check(current=pd.DataFrame({"id": [1.5], "age": [3]})).status is Status.PASS
    assert g.check(current=pd.DataFrame({"age": [3]})).reason == "missing_column"


@pytest.mark.parametrize("suffix", [".toml", ".yaml", ".json"])
def test_suite_files_hold_the_environments_section(tmp_path, suffix, serving):
    path = save_suite(RowCountGate() & gate(), tmp_path / f"suite{suffix}")
    if suffix == ".toml":
        text = path.read_text()
        assert "[gates.environments.serving]" in text and "[gates.environments.training]" in text
    loaded = load_suite(path)
    assert loaded.to_config() == (RowCountGate() & gate()).to_config()
    assert loaded.check(current=serving, environment="serving").status is Status.PASS
    assert loaded.check(current=serving, environment="training").status is Status.FAIL


@pytest.mark.parametrize(("environment", "code"), [("serving", 0), ("training", 1), ("servng", 2)])
def test_the_cli_chooses_the_environment(tmp_path, serving, capsys, environment, code):
    from mlgates.cli import main

    suite = tmp_path / "suite.toml"
    save_suite(gate() & RowCountGate(min_rows=1), suite)
    data = tmp_path / "serving.csv"
    serving.to_csv(data, index=False)
    argv = ["check", str(suite), "--current", str(data), "--environment", environment, "--no-color"]
    assert main(argv) == code
    out = capsys.readouterr().out
    if environment == "training":
        assert "label: expected column is missing (environment 'training')" in out
    if environment == "servng":
        assert "Did you mean 'serving'?" in out
    # without --environment the schema is checked as given: the label is missing
    assert main(argv[:4]) == 1


def test_the_cli_refuses_an_environment_no_gate_takes(tmp_path, serving, capsys):
    from mlgates.cli import main

    suite = tmp_path / "suite.toml"
    save_suite(RowCountGate(min_rows=1) & RowCountGate(max_rows=10), suite)
    data = tmp_path / "serving.csv"
    serving.to_csv(data, index=False)
    assert main(["check", str(suite), "--current", str(data), "--environment", "serving"]) == 2
    err = capsys.readouterr().err
    assert "--environment serving: no gate of" in err and "unexpected" not in err

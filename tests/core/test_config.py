from __future__ import annotations

import json

import pytest

from mlgates import (
    ConfigError,
    Gate,
    MissingValuesGate,
    RowCountGate,
    SchemaGate,
    Status,
    Suite,
    gate_from_config,
    load_suite,
    save_suite,
)


def _suite() -> Suite:
    return Suite(
        [
            SchemaGate(columns={"age": "integer", "city": "string"}, allow_extra=False),
            MissingValuesGate(columns=["age"], max_share={"age": 0.1}, warn_share=0.05),
            Suite([RowCountGate(min_rows=10, max_rows=1000, blocking=False)], name="inner", require="any"),
        ],
        name="release",
        fail_fast=True,
    )


@pytest.mark.parametrize("suffix", [".toml", ".yaml", ".json"])
def test_save_load_round_trip(tmp_path, suffix):
    suite = _suite()
    path = save_suite(suite, tmp_path / f"suite{suffix}")
    loaded = load_suite(path)
    assert loaded.to_config() == suite.to_config()
    assert repr(loaded) == repr(suite)


def test_toml_is_readable(tmp_path):
    text = save_suite(_suite(), tmp_path / "s.toml").read_text()
    assert text.startswith("# mlgates suite")
    assert 'type = "MissingValuesGate"' in text and "[[gates]]" in text


def test_config_omits_defaults():
    assert RowCountGate().to_config() == {"type": "RowCountGate"}


def test_unknown_key_names_file_and_key(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('type = "Suite"\n[[gates]]\ntype = "MissingValuesGate"\nmax_shar = 0.1\n')
    with pytest.raises(
        ConfigError,
        match=r"bad\.toml\.gates\[0\] \(MissingValuesGate\): unknown key "
        r"'max_shar'\. Did you mean 'max_share'\?",
    ):
        load_suite(path)


def test_unknown_type_is_refused_without_import(tmp_path):
    path = tmp_path / "evil.json"
    path.write_text(json.dumps({"type": "os:system", "command": "echo hacked"}))
    with pytest.raises(ConfigError, match="unknown gate type 'os:system'"):
        load_suite(path)


def test_bad_value_names_parameter(tmp_path):
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"type": "MissingValuesGate", "max_share": 3}))
    with pytest.raises(ConfigError, match=r"s\.json \(MissingValuesGate\).*'max_share' parameter"):
        load_suite(path)


def test_invalid_toml_is_a_config_error(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text("type = = 1")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_suite(path)


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="cannot read"):
        load_suite(tmp_path / "nope.toml")


def test_custom_gate_needs_registry():
    class Mine(Gate):
        def __init__(self, *, level=1, name=None, blocking=True):
            super().__init__(name=name, blocking=blocking)
            self.level = level

        def _check(self, ctx):
            return self._verdict(Status.PASS)

    cfg = Mine(level=2).to_config()
    with pytest.raises(ConfigError, match="registry"):
        gate_from_config(cfg)
    assert gate_from_config(cfg, registry={"Mine": Mine}).level == 2


def test_callable_params_cannot_be_saved():
    class WithFn(Gate):
        def __init__(self, *, fn=None, name=None, blocking=True):
            super().__init__(name=name, blocking=blocking)
            self.fn = fn

    with pytest.raises(ConfigError, match="callable"):
        WithFn(fn=len).to_config()


def test_save_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "s.toml"
    save_suite(RowCountGate(), path)
    before = path.read_text()
    import tomli_w

    def broken(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(tomli_w, "dumps", broken)
    with pytest.raises(RuntimeError):
        save_suite(RowCountGate(min_rows=5), path)
    assert path.read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ["s.toml"]


# -- the loader never lets a malformed file escape as anything but ConfigError ------------------
MALFORMED = {
    # file name: (content, registry, text the message must hold besides the file name)
    "int_key.yaml": ("type: RowCountGate\n1: 2\n", None, "key 1 is a int; keys must be parameter names"),
    "null_key.yaml": ("type: RowCountGate\n~: 2\n", None, "key None is a NoneType"),
    "nested_int_key.yaml": (
        "type: Suite\ngates:\n  - type: RowCountGate\n    3: x\n",
        None,
        "gates[0]: key 3 is a int",
    ),
    "type_is_a_list.json": ('{"type": ["RowCountGate"]}', {"Mine": RowCountGate}, "'type' must be a string"),
    "type_is_a_table.yaml": (
        "type: Suite\ngates: [{type: {x: 1}}]\n",
        {"Mine": RowCountGate},
        "gates[0]: 'type' must be a string",
    ),
    "type_is_a_number.toml": ("type = 3\n", None, "'type' must be a string"),
    "gates_is_a_string.json": ('{"type": "Suite", "gates": "RowCountGate"}', None, "'gates' must be a list"),
    "gates_is_a_table.toml": (
        'type = "Suite"\n[gates]\ntype = "RowCountGate"\n',
        None,
        "'gates' must be a list",
    ),
    "gate_is_a_number.json": ('{"type": "Suite", "gates": [1]}', None, "gates[0]: expected a table"),
    "nested_gate_is_a_list.json": (
        '{"type": "Suite", "gates": [{"type": "Suite", "gates": [[1]]}]}',
        None,
        "gates[0].gates[0]: expected a table",
    ),
    "bad_param_type.json": ('{"type": "RowCountGate", "min_rows": "ten"}', None, "'min_rows'"),
    "bad_param_list.yaml": ("type: MissingValuesGate\nmax_share: [1, 2]\n", None, "max_share"),
    "not_utf8.toml": (b'type = "RowCountGate"\nname = "\xff"\n', None, "not UTF-8 text"),
    "not_utf8.json": (b'{"type": "RowCountGate", "name": "\xff"}', None, "not UTF-8 text"),
    "recursive_alias.yaml": (
        "&a {type: Suite, gates: [*a]}\n",
        None,
        "nested more than 50 levels deep",
    ),
    "duplicate_key.yaml": (
        "type: RowCountGate\nmin_rows: 3\nmin_rows: 5\n",
        None,
        "'min_rows' is given twice",
    ),
    "duplicate_key.json": (
        '{"type": "RowCountGate", "min_rows": 3, "min_rows": 5}',
        None,
        "'min_rows' is given twice",
    ),
    "alias_bomb.yaml": (  # 10**5 gates from a few lines of aliases
        "type: Suite\ngates:\n  - &a {type: Suite, gates: [{type: RowCountGate}]}\n"
        + "".join(
            f"  - &{n} {{type: Suite, gates: [{', '.join(['*' + p] * 10)}]}}\n"
            for p, n in zip("abcd", "bcde", strict=True)
        ),
        None,
        "more than 10,000 gates",
    ),
}


@pytest.mark.parametrize("name", list(MALFORMED))
def test_malformed_suite_files_raise_config_error_naming_file_and_key(tmp_path, name):
    pytest.importorskip("yaml")
    content, registry, expected = MALFORMED[name]
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    with pytest.raises(ConfigError) as info:
        load_suite(path, registry=registry)
    assert str(path) in str(info.value)
    assert expected in str(info.value)


def test_alias_bomb_is_bounded_by_the_gate_budget(monkeypatch):
    from mlgates.core import config

    monkeypatch.setattr(config, "MAX_GATES", 500)  # the real bound is checked by alias_bomb.yaml
    MAX_GATES = config.MAX_GATES
    leaf = {"type": "Suite", "gates": [{"type": "RowCountGate"}]}
    for _ in range(5):
        leaf = {"type": "Suite", "gates": [leaf] * 10}  # shared, like YAML aliases: 111,111 gates
    with pytest.raises(ConfigError, match=f"more than {MAX_GATES:,} gates"):
        gate_from_config(leaf, where="bomb.yaml")


def _nested(depth):
    config = {"type": "RowCountGate"}
    for _ in range(depth):
        config = {"type": "Suite", "gates": [config]}
    return config


def test_suite_depth_limit(tmp_path):
    import pandas as pd

    from mlgates.core.config import MAX_SUITE_DEPTH

    deepest = gate_from_config(_nested(MAX_SUITE_DEPTH))  # the limit itself loads and runs
    assert deepest.check(current=pd.DataFrame({"a": [1]})).status is Status.PASS
    with pytest.raises(ConfigError, match=r"^deep\.json: suites are nested more than 50 levels deep"):
        gate_from_config(_nested(MAX_SUITE_DEPTH + 1), where="deep.json")
    text = 'type = "Suite"\n' + "".join(
        "[[" + ".".join(["gates"] * i) + ']]\ntype = "Suite"\n' for i in range(1, 491)
    )
    (tmp_path / "deep.toml").write_text(text)
    with pytest.raises(ConfigError, match=r"deep\.toml: suites are nested more than 50 levels deep"):
        load_suite(tmp_path / "deep.toml")


def test_gate_of_a_missing_optional_extra_is_a_config_error(tmp_path, monkeypatch):
    from mlgates import _exports

    monkeypatch.setitem(_exports.LAZY_EXPORTS, "GhostGate", "mlgates.integrations._not_installed_extra")
    path = tmp_path / "extra.json"
    path.write_text('{"type": "Suite", "gates": [{"type": "GhostGate"}]}')
    with pytest.raises(ConfigError, match=r"extra\.json\.gates\[0\]: gate type 'GhostGate' cannot be loaded"):
        load_suite(path)


def test_unknown_format_is_refused(tmp_path):
    path = save_suite(RowCountGate(), tmp_path / "s.json")
    with pytest.raises(ConfigError, match="Unknown suite format 'xml'"):
        load_suite(path, format="xml")


def test_yaml_merge_keys_still_load(tmp_path):
    pytest.importorskip("yaml")
    path = tmp_path / "merge.yaml"
    path.write_text(
        "type: Suite\ngates:\n  - &b {type: RowCountGate, min_rows: 3}\n  - <<: *b\n    min_rows: 5\n"
    )
    assert [g.min_rows for g in load_suite(path).gates] == [3, 5]


def _config_values():
    from hypothesis import strategies as st

    from mlgates.core.config import builtin_gate_types

    types = sorted(t for t in builtin_gate_types() if t != "EvidentlyGate")
    keys = st.sampled_from(
        [
            "type",
            "gates",
            "name",
            "blocking",
            "columns",
            "max_share",
            "min_rows",
            "threshold",
            "method",
            "bounds",
        ]
    )
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**70), 2**70),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=8),
        st.sampled_from(types),
    )

    def table(type_, extra, gates):
        out = dict(extra)
        out["type"] = type_
        if gates is not None:
            out["gates"] = gates
        return out

    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.dictionaries(st.one_of(keys, st.integers(0, 3)), inner, max_size=4),
            st.builds(
                table,
                st.one_of(
                    st.sampled_from([*types, "Suite", "Suite"]), scalars, st.lists(scalars, max_size=2)
                ),
                st.dictionaries(st.one_of(keys, st.integers(0, 3), st.none()), inner, max_size=3),
                st.one_of(st.none(), st.lists(inner, max_size=3), inner),
            ),
        ),
        max_leaves=25,
    )


def test_fuzzed_configs_build_a_gate_or_raise_config_error():
    from hypothesis import HealthCheck, given, settings

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(_config_values())
    def run(config):
        import warnings

        try:
            # Deprecated parameter names (e.g. FairnessGate's old ``threshold``) are valid input
            # with a FutureWarning; the fuzz checks the error contract, not the deprecations.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", FutureWarning)
                gate = gate_from_config(config, where="fuzz.json")
        except ConfigError as exc:
            assert str(exc).startswith("fuzz.json")
        else:
            assert isinstance(gate, Gate)

    run()

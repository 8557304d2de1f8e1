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

"""Gate configuration as plain data, and suite files in TOML, YAML or JSON.

Loading never executes code: a ``type`` must name a built-in gate (or one in the ``registry``
argument), and every key must be a parameter of that gate.
"""

from __future__ import annotations

import difflib
import importlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mlgates.core._io import atomic_write as _atomic_write
from mlgates.core.errors import ConfigError, ParameterError
from mlgates.core.gate import Gate, unknown_parameter_hint
from mlgates.core.params import non_default_params
from mlgates.core.renames import translate_deprecated

__all__ = ["gate_from_config", "gate_to_config", "load_suite", "save_suite", "suite_document"]

SUITE_SCHEMA = "mlgates.suite/1"
#: Deepest nesting of suites a config may have (a suite at the top is depth 0).
MAX_SUITE_DEPTH = 50
#: Most gates (suites included) one config may build.
MAX_GATES = 10_000
_FORMATS = ("toml", "yaml", "json")


def builtin_gate_types() -> dict[str, str]:
    """Names of built-in gate classes and the modules that define them."""
    from mlgates._exports import GATE_WRAPPERS, LAZY_EXPORTS

    out = {name: mod for name, mod in LAZY_EXPORTS.items() if name.endswith("Gate") or name in GATE_WRAPPERS}
    out["Suite"] = "mlgates.core.suite"
    return out


def _resolve_type(type_name: Any, where: str, registry: Mapping[str, type] | None) -> type[Gate]:
    if not isinstance(type_name, str):
        raise ConfigError(
            f"{where}: 'type' must be a string naming a gate class (e.g. type = \"MissingValuesGate\"), "
            f"got {type(type_name).__name__} {type_name!r}."
        )
    if registry and type_name in registry:
        return registry[type_name]
    builtin = builtin_gate_types()
    if type_name not in builtin:
        options = sorted(set(builtin) | set(registry or {}))
        close = difflib.get_close_matches(type_name, options, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ConfigError(
            f"{where}: unknown gate type {type_name!r}.{hint} Known types: {', '.join(options)}. "
            "Custom gates are loaded by passing registry={'MyGate': MyGate}."
        )
    try:
        module = importlib.import_module(builtin[type_name])
    except ImportError as exc:  # a gate of an optional extra that is not installed
        raise ConfigError(f"{where}: gate type {type_name!r} cannot be loaded: {exc}") from exc
    return getattr(module, type_name)  # type: ignore[no-any-return]


def gate_to_config(gate: Gate) -> dict[str, Any]:
    """``{"type": ClassName, **non-default parameters}``; suites nest their ``gates``.

    Examples
    --------
    >>> from mlgates import MissingValuesGate
    >>> gate_to_config(MissingValuesGate(max_share=0.05))
    {'type': 'MissingValuesGate', 'max_share': 0.05}
    """
    from mlgates.core.suite import Suite

    changed = non_default_params(gate)
    config: dict[str, Any] = {"type": type(gate).__name__}
    for key, value in gate.get_params().items():
        if key == "gates" and isinstance(gate, Suite):
            config["gates"] = [gate_to_config(g) for g in value]
            continue
        if key in type(gate)._gate_parameters and isinstance(value, Gate):
            config[key] = gate_to_config(value)
            continue
        if key not in changed:
            continue
        if callable(value) and not isinstance(value, type):
            raise ConfigError(
                f"{type(gate).__name__}.{key} is a callable ({value!r}), which a config file cannot "
                "hold. Use a named option instead, or keep this gate in Python code."
            )
        config[key] = gate._param_to_config(key, value)
    return config


def gate_from_config(
    config: Mapping[str, Any], *, registry: Mapping[str, type] | None = None, where: str = "config"
) -> Gate:
    """Build a gate (or suite) from :func:`gate_to_config` output; unknown keys are errors.

    Every mistake raises :class:`~mlgates.ConfigError` naming ``where`` and the key: a table
    that is not a mapping, a missing or non-string ``type``, an unknown type or key, a key
    that is not a string, a bad parameter value, ``gates`` that is not a list, suites nested
    more than :data:`MAX_SUITE_DEPTH` deep or holding more than :data:`MAX_GATES` gates.

    Examples
    --------
    >>> gate_from_config({"type": "RowCountGate", "min_rows": 10})
    RowCountGate(min_rows=10)
    """
    return _build(config, registry=registry, where=where, depth=0, count=[0])


def _build(
    config: Any, *, registry: Mapping[str, type] | None, where: str, depth: int, count: list[int]
) -> Gate:
    from mlgates.core.suite import Suite

    if depth > MAX_SUITE_DEPTH:
        raise ConfigError(
            f"{where.split('.gates[')[0]}: suites are nested more than {MAX_SUITE_DEPTH} levels deep "
            "(a suite that contains itself through a YAML alias, or a generated file gone wrong); "
            "flatten the suite."
        )
    count[0] += 1
    if count[0] > MAX_GATES:
        raise ConfigError(
            f"{where}: the suite holds more than {MAX_GATES:,} gates (YAML aliases repeating a suite?); "
            "split it into several suite files."
        )
    if not isinstance(config, Mapping):
        raise ConfigError(
            f"{where}: expected a table/mapping with a 'type' key, got {type(config).__name__}."
        )
    for key in config:
        if not isinstance(key, str):
            raise ConfigError(
                f"{where}: key {key!r} is a {type(key).__name__}; keys must be parameter names (strings)."
            )
    if "type" not in config:
        raise ConfigError(f"{where}: missing the 'type' key (e.g. type = \"MissingValuesGate\").")
    cls = _resolve_type(config["type"], where, registry)
    inner = where
    where = f"{where} ({config['type']})"
    valid = cls._param_names()
    # old configs keep loading: deprecated names and values, with a FutureWarning naming the file
    try:
        params = translate_deprecated(
            cls, {k: v for k, v in config.items() if k != "type"}, valid, where=where, stacklevel=2
        )
    except ParameterError as exc:  # both the old and the new name
        raise ConfigError(f"{where}: {exc}") from None
    for key in params:
        if key not in valid:
            raise ConfigError(f"{where}: unknown key {key!r}.{unknown_parameter_hint(key, valid)}")
    if issubclass(cls, Suite):
        members = params.pop("gates", [])
        if not isinstance(members, list):
            raise ConfigError(
                f"{where}: 'gates' must be a list of gate tables, got {type(members).__name__}."
            )
        params["gates"] = [
            _build(m, registry=registry, where=f"{inner}.gates[{i}]", depth=depth + 1, count=count)
            for i, m in enumerate(members)
        ]
    for key in cls._gate_parameters:  # a gate wrapping one gate (Windowed): its gate is a table
        if key in params:
            params[key] = _build(
                params[key], registry=registry, where=f"{inner}.{key}", depth=depth + 1, count=count
            )
    try:
        gate = cls(**params)
        gate.validate()
    except Exception as exc:  # ParameterError, TypeError from a bad value
        raise ConfigError(f"{where}: {exc}") from exc
    return gate


def _format_of(path: Path, fmt: str | None) -> str:
    if fmt:
        if not isinstance(fmt, str) or fmt.lower() not in _FORMATS:
            raise ConfigError(f"Unknown suite format {fmt!r}; use 'toml', 'yaml' or 'json'.")
        return fmt.lower()
    suffix = path.suffix.lower()
    if suffix in (".toml",):
        return "toml"
    if suffix in (".yaml", ".yml"):
        return "yaml"
    if suffix == ".json":
        return "json"
    raise ConfigError(
        f"{path}: cannot tell the format from the suffix {suffix!r}; use .toml, .yaml or .json."
    )


def _strip_none(value: Any, where: str) -> Any:
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if v is None:
                raise ConfigError(
                    f"{where}.{k} is None, which TOML cannot hold; save this suite as .yaml or .json."
                )
            out[k] = _strip_none(v, f"{where}.{k}")
        return out
    if isinstance(value, list):
        return [_strip_none(v, f"{where}[{i}]") for i, v in enumerate(value)]
    return value


def suite_document(suite: Gate, *, format: str = "json") -> dict[str, Any]:
    """The plain data :func:`save_suite` writes: ``schema`` first, then :func:`gate_to_config`.

    For ``format="toml"`` a parameter that is None raises :class:`~mlgates.ConfigError` naming
    it (TOML has no null; YAML and JSON keep it).

    Examples
    --------
    >>> from mlgates import RowCountGate
    >>> suite_document(RowCountGate(min_rows=10), format="toml")
    {'schema': 'mlgates.suite/1', 'type': 'RowCountGate', 'min_rows': 10}
    """
    data = {"schema": SUITE_SCHEMA, **gate_to_config(suite)}
    return _strip_none(data, "suite") if format == "toml" else data


def save_suite(suite: Gate, path: str | os.PathLike[str], *, format: str | None = None) -> Path:
    """Write a gate or suite config to ``path`` (TOML, YAML or JSON by suffix), atomically.

    Returns the path written.
    """
    path = Path(path)
    fmt = _format_of(path, format)
    data = suite_document(suite, format=fmt)
    header = "# mlgates suite: review and edit; load with mlgates.load_suite(path)\n"
    if fmt == "toml":
        import tomli_w

        text = header + tomli_w.dumps(data)
    elif fmt == "yaml":
        yaml = _yaml()
        text = header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    elif fmt == "json":
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    else:
        raise ConfigError(f"Unknown suite format {fmt!r}; use 'toml', 'yaml' or 'json'.")
    _atomic_write(path, text)
    return path


def load_suite(
    path: str | os.PathLike[str], *, registry: Mapping[str, type] | None = None, format: str | None = None
) -> Gate:
    """Read a suite file written by :func:`save_suite` (or by hand). Never executes code."""
    path = Path(path)
    fmt = _format_of(path, format)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the suite file ({exc.strerror or exc}).") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path}: not UTF-8 text (byte {raw[exc.start]:#04x} at offset {exc.start}); save it as UTF-8."
        ) from None
    try:
        if fmt == "toml":
            import tomllib

            data = tomllib.loads(text)
        elif fmt == "yaml":
            data = _yaml().load(text, Loader=_unique_key_loader())
        else:
            data = json.loads(text, object_pairs_hook=_unique_keys)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    except Exception as exc:
        raise ConfigError(f"{path}: not valid {fmt.upper()}: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the top level must be a table with 'type' and 'gates'.")
    schema = data.pop("schema", SUITE_SCHEMA)
    if schema != SUITE_SCHEMA:
        raise ConfigError(f"{path}: unsupported schema {schema!r}; this mlgates reads {SUITE_SCHEMA!r}.")
    return gate_from_config(data, registry=registry, where=str(path))


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """JSON objects with a key given twice are an error, not "the last one wins"."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ConfigError(f"key {key!r} is given twice in one table; keep one.")
        out[key] = value
    return out


def _unique_key_loader() -> Any:
    """PyYAML's SafeLoader (no tags, no code) that refuses a key given twice in one mapping."""
    yaml = _yaml()

    class _Loader(yaml.SafeLoader):  # type: ignore[misc, name-defined]
        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            seen: set[Any] = set()
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":  # `<<: *base`: later keys override it
                    continue
                key = self.construct_object(key_node, deep=deep)
                try:
                    duplicate = key in seen
                except TypeError:  # an unhashable key: SafeLoader reports it itself
                    continue
                if duplicate:
                    raise ConfigError(
                        f"key {key!r} is given twice in one table (line {key_node.start_mark.line + 1}); "
                        "keep one."
                    )
                seen.add(key)
            return super().construct_mapping(node, deep=deep)

    return _Loader


def _yaml() -> Any:
    try:
        import yaml
    except ImportError:
        raise ConfigError("YAML suite files need PyYAML: pip install mlgates[yaml]") from None
    return yaml

"""Validation of a lock file's JSON before anything reads it: every mistake is a ConfigError
naming the field (``artifacts['train'].fingerprint``), never a TypeError or KeyError later."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from mlgates.core.errors import ConfigError

__all__ = ["READ_SCHEMAS", "validate_lock"]

#: Lock file schemas this mlgates reads (the last one is the one it writes).
READ_SCHEMAS = ("mlgates.manifest/1", "mlgates.manifest/2")
KINDS = ("data", "model", "config", "file", "seeds")
_ORDERS = ("sensitive", "insensitive")
_PATH_KINDS = ("file", "directory")
_LINK_KINDS = ("file", "directory", "loop")
_FINGERPRINT = re.compile(r"[a-z][a-z0-9]*-[a-z0-9_]+:[0-9a-f]{32}")


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class _Checker:
    def __init__(self, where: str) -> None:
        self.where = where

    def fail(self, field: str, expected: str, value: Any) -> ConfigError:
        return ConfigError(
            f"{self.where}: {field} must be {expected}, got {type(value).__name__} {_show(value)}. "
            "The lock file is damaged or was edited by hand; re-create it with `mlgates lock` or "
            "Manifest.capture(...).save(path)."
        )

    def str_(self, value: Any, field: str) -> str:
        if not isinstance(value, str):
            raise self.fail(field, "a string", value)
        return value

    def opt_str(self, value: Any, field: str) -> str | None:
        return None if value is None else self.str_(value, field)

    def choice(self, value: Any, field: str, options: tuple[str, ...]) -> str:
        if not isinstance(value, str) or value not in options:
            raise self.fail(field, "one of " + ", ".join(repr(o) for o in options), value)
        return value

    def mapping(self, value: Any, field: str) -> Mapping[Any, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(field, "an object (mapping)", value)
        return value

    def fingerprint(self, value: Any, field: str) -> str:
        if not isinstance(value, str) or not _FINGERPRINT.fullmatch(value):
            raise self.fail(field, "a fingerprint ('mlg1-xxh3_128:' and 32 hex digits)", value)
        return value

    def str_map(self, value: Any, field: str, check: Callable[[Any, str], Any] | None = None) -> None:
        check = check or self.str_
        for key, item in self.mapping(value, field).items():
            self.str_(key, f"a key of {field}")
            check(item, f"{field}[{key!r}]")


def validate_lock(data: Any, where: str) -> Mapping[str, Any]:
    """Check the shape and types of a parsed lock file; return it (a mapping) or raise ConfigError."""
    c = _Checker(where)
    if not isinstance(data, Mapping):
        raise ConfigError(f"{where}: expected a JSON object (a lock file), got {type(data).__name__}.")
    if "schema" not in data:
        raise ConfigError(f"{where}: missing the 'schema' field; this is not an mlgates lock file.")
    schema = data["schema"]
    if schema not in READ_SCHEMAS:
        raise ConfigError(
            f"{where}: unsupported schema {_show(schema)}; this mlgates reads "
            f"{', '.join(map(repr, READ_SCHEMAS))}."
        )
    for key in ("scheme", "artifacts"):
        if key not in data:
            raise ConfigError(f"{where}: missing the {key!r} field.")
    c.str_(data["scheme"], "scheme")
    for key in ("created", "mlgates_version"):
        if key in data:
            c.str_(data[key], key)
    if schema != READ_SCHEMAS[0] and "base" not in data:
        raise ConfigError(f"{where}: missing the 'base' field (required by {schema}).")
    if "base" in data:
        c.opt_str(data["base"], "base")
    for name, entry in c.mapping(data["artifacts"], "artifacts").items():
        c.str_(name, "an artifact name (a key of artifacts)")
        _entry(c, entry, f"artifacts[{name!r}]")
    if data.get("environment") is not None:
        _environment(c, data["environment"])
    return data


def _entry(c: _Checker, entry: Any, field: str) -> None:
    entry = c.mapping(entry, field)
    for key in ("kind", "fingerprint"):
        if key not in entry:
            raise ConfigError(f"{c.where}: {field} has no {key!r} field.")
    kind = entry["kind"]
    if not isinstance(kind, str) or kind not in KINDS:
        raise ConfigError(
            f"{c.where}: {field}.kind {_show(kind)} is not a kind this mlgates knows "
            f"({', '.join(KINDS)}); the lock was written by a newer mlgates or edited by hand."
        )
    c.fingerprint(entry["fingerprint"], f"{field}.fingerprint")
    for key in ("type", "path", "symlink"):
        if key in entry:
            c.str_(entry[key], f"{field}.{key}")
    if kind == "file" and "path" not in entry:
        raise ConfigError(f"{c.where}: {field} is a file entry without a 'path' field.")
    if "path_kind" in entry:
        c.choice(entry["path_kind"], f"{field}.path_kind", _PATH_KINDS)
    for key in ("row_order", "column_order"):
        if key in entry:
            c.choice(entry[key], f"{field}.{key}", _ORDERS)
    if "n_rows" in entry:
        n = entry["n_rows"]
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise c.fail(f"{field}.n_rows", "a non-negative integer", n)
    if "families" in entry:
        c.str_map(entry["families"], f"{field}.families")
    for key in ("columns", "files"):
        if key in entry:
            c.str_map(entry[key], f"{field}.{key}", c.fingerprint)
    if "links" in entry:
        c.str_map(entry["links"], f"{field}.links", lambda v, f: _link(c, v, f))
    if "exclude" in entry:
        excluded = entry["exclude"]
        if not isinstance(excluded, list):
            raise c.fail(f"{field}.exclude", "a list of relative paths", excluded)
        for i, item in enumerate(excluded):
            c.str_(item, f"{field}.exclude[{i}]")


def _link(c: _Checker, value: Any, field: str) -> None:
    link = c.mapping(value, field)
    c.str_(link.get("target"), f"{field}.target")
    c.choice(link.get("kind"), f"{field}.kind", _LINK_KINDS)


def _environment(c: _Checker, env: Any) -> None:
    env = c.mapping(env, "environment")
    for key in ("python", "implementation", "system", "machine", "platform"):
        if env.get(key) is not None:
            c.str_(env[key], f"environment.{key}")
    if env.get("packages") is not None:
        c.str_map(env["packages"], "environment.packages", c.opt_str)
    if env.get("env") is not None:
        c.str_map(env["env"], "environment.env")
    blas = env.get("blas")
    if blas is not None:
        if not isinstance(blas, list):
            raise c.fail("environment.blas", "a list of objects", blas)
        for i, lib in enumerate(blas):
            c.mapping(lib, f"environment.blas[{i}]")
            if lib.get("internal_api") is not None:
                c.str_(lib["internal_api"], f"environment.blas[{i}].internal_api")
    if env.get("git") is not None:
        c.mapping(env["git"], "environment.git")

"""A manifest (lock file): named fingerprints of the data, model, config, files and seeds of a
run, plus the environment it ran in, saved as readable JSON."""

from __future__ import annotations

import dataclasses
import datetime as _dt
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from mlgates.core.errors import ConfigError

__all__ = ["KINDS", "MANIFEST_SCHEMA", "Manifest", "describe_artifact", "kind_of"]

MANIFEST_SCHEMA = "mlgates.manifest/1"
#: Artifact kinds, in the order a lock file lists them.
KINDS = ("data", "model", "config", "file", "seeds")
_TABLE_MODULES = ("pandas", "numpy", "pyarrow", "polars")
Order = Literal["sensitive", "insensitive"]


def kind_of(obj: Any) -> str:
    """``file`` for paths, ``data`` for tables and arrays, ``model`` for estimators, else ``config``."""
    if isinstance(obj, os.PathLike):
        from mlgates.fingerprints._objects import is_table_file

        return "data" if is_table_file(Path(obj)) else "file"
    if type(obj).__module__.split(".")[0] in _TABLE_MODULES and hasattr(obj, "shape"):
        return "data"
    if hasattr(obj, "get_params") or (hasattr(obj, "fit") and hasattr(obj, "predict")):
        return "model"
    return "config"


def _type_name(obj: Any) -> str:
    t = type(obj)
    return f"{t.__module__}.{t.__qualname__}"


def describe_artifact(
    obj: Any,
    *,
    kind: str | None = None,
    row_order: Order = "sensitive",
    column_order: Order = "sensitive",
) -> dict[str, Any]:
    """The lock entry of one artifact: kind, type, fingerprint, and per-column fingerprints
    for tables, the path for files, the value for configs and seeds."""
    from mlgates.core._jsonable import to_plain
    from mlgates.fingerprints import fingerprint, fingerprint_table

    kind = kind or kind_of(obj)
    entry: dict[str, Any] = {"kind": kind, "type": _type_name(obj)}
    table_obj = obj
    if isinstance(obj, os.PathLike):
        from mlgates.fingerprints._objects import _read_table, is_table_file

        path = Path(obj)
        entry["path"] = path.as_posix()
        table_obj = _read_table(path) if kind == "data" and is_table_file(path) else None
    if kind == "data" and table_obj is not None:
        table = fingerprint_table(table_obj, row_order=row_order, column_order=column_order)
        entry.update(
            fingerprint=table.fingerprint,
            n_rows=table.n_rows,
            row_order=row_order,
            column_order=column_order,
            columns=table.columns,
            families=table.families,
        )
        return entry
    entry["fingerprint"] = fingerprint(obj)
    if kind in ("config", "seeds") and not isinstance(obj, os.PathLike):
        entry["value"] = to_plain(obj)
    return entry


@dataclasses.dataclass(frozen=True)
class Manifest:
    """Named fingerprints of a run's artifacts and its environment.

    Build one with :meth:`capture`, write it with :meth:`save` (atomic: a temporary file then
    a rename, so a lock file is never half written), read it with :meth:`load`.

    Attributes
    ----------
    artifacts : dict
        Name -> entry (``kind``, ``type``, ``fingerprint``; tables add ``n_rows``,
        ``columns``, ``families``, ``row_order``, ``column_order``; files add ``path``;
        configs and seeds add ``value``).
    environment : dict
        :func:`~mlgates.capture_environment` at capture time (empty if not captured).
    created : str
        UTC timestamp (ISO 8601).
    mlgates_version : str
        Version that wrote the manifest.
    scheme : str
        Fingerprint scheme (``"mlg1"``); fingerprints of different schemes are not compared.

    Examples
    --------
    >>> import pandas as pd, tempfile, pathlib
    >>> from mlgates import Manifest
    >>> m = Manifest.capture(artifacts={"train": pd.DataFrame({"x": [1, 2]})},
    ...                      seeds={"split": 0}, config={"max_depth": 3}, environment=False)
    >>> sorted(m.artifacts)
    ['config', 'seeds', 'train']
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "mlgates.lock.json"
    >>> Manifest.load(m.save(path)) == m
    True
    """

    artifacts: dict[str, dict[str, Any]]
    environment: dict[str, Any] = dataclasses.field(default_factory=dict)
    created: str = ""
    mlgates_version: str = ""
    scheme: str = "mlg1"

    @classmethod
    def capture(
        cls,
        artifacts: Mapping[str, Any] | None = None,
        *,
        seeds: Any = None,
        config: Any = None,
        environment: bool = True,
        row_order: Order = "sensitive",
        column_order: Order = "sensitive",
    ) -> Manifest:
        """Fingerprint the artifacts (and the config and seeds) and record the environment.

        Parameters
        ----------
        artifacts : mapping of str to object
            Anything :func:`~mlgates.fingerprint` accepts; ``pathlib.Path`` values are files
            or directories (recorded with their path, so ``mlgates verify`` can re-read them).
        seeds : int or mapping, optional
            Recorded under the name ``"seeds"`` (kind ``seeds``), value included.
        config : mapping, optional
            Recorded under the name ``"config"`` (kind ``config``), value included.
        environment : bool, default True
            Record :func:`~mlgates.capture_environment`.
        row_order, column_order : {"sensitive", "insensitive"}
            Options for every table artifact (stored per entry and reused by the gate).
        """
        from mlgates._version import __version__
        from mlgates.fingerprints import SCHEME
        from mlgates.fingerprints.environment import capture_environment

        entries: dict[str, dict[str, Any]] = {}
        for reserved, value in (("config", config), ("seeds", seeds)):
            if value is not None and reserved in (artifacts or {}):
                raise ValueError(
                    f"artifact name {reserved!r} is taken by the {reserved}= argument; rename the artifact"
                )
        for name, obj in (artifacts or {}).items():
            entries[str(name)] = describe_artifact(obj, row_order=row_order, column_order=column_order)
        if config is not None:
            entries["config"] = describe_artifact(config, kind="config")
        if seeds is not None:
            entries["seeds"] = describe_artifact(seeds, kind="seeds")
        return cls(
            artifacts=entries,
            environment=capture_environment() if environment else {},
            created=_dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
            mlgates_version=__version__,
            scheme=SCHEME,
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain data, as written to the lock file."""
        return {
            "schema": MANIFEST_SCHEMA,
            "scheme": self.scheme,
            "created": self.created,
            "mlgates_version": self.mlgates_version,
            "artifacts": self.artifacts,
            "environment": self.environment,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, where: str = "manifest") -> Manifest:
        """Inverse of :meth:`to_dict`; a wrong schema or shape raises ConfigError."""
        if not isinstance(data, Mapping):
            raise ConfigError(f"{where}: expected a JSON object, got {type(data).__name__}.")
        schema = data.get("schema")
        if schema != MANIFEST_SCHEMA:
            raise ConfigError(
                f"{where}: unsupported schema {schema!r}; this mlgates reads {MANIFEST_SCHEMA!r}."
            )
        artifacts = data.get("artifacts")
        if not isinstance(artifacts, Mapping) or not all(
            isinstance(e, Mapping) and "fingerprint" in e and "kind" in e for e in artifacts.values()
        ):
            raise ConfigError(
                f"{where}: 'artifacts' must map names to entries with 'kind' and 'fingerprint'."
            )
        return cls(
            artifacts={str(k): dict(v) for k, v in artifacts.items()},
            environment=dict(data.get("environment") or {}),
            created=str(data.get("created", "")),
            mlgates_version=str(data.get("mlgates_version", "")),
            scheme=str(data.get("scheme", "mlg1")),
        )

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the manifest as indented JSON, atomically; return the path."""
        from mlgates.core.config import _atomic_write

        path = Path(path)
        _atomic_write(path, json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n")
        return path

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Manifest:
        """Read a manifest written by :meth:`save`; unreadable or invalid files raise ConfigError."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read the lock file ({exc.strerror}).") from exc
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{path}: not valid JSON: {exc}") from exc
        return cls.from_dict(data, where=str(path))

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
from mlgates.fingerprints._lockschema import KINDS, READ_SCHEMAS, validate_lock

__all__ = ["KINDS", "MANIFEST_SCHEMA", "Manifest", "describe_artifact", "kind_of"]

#: The schema this mlgates writes; it reads every one in ``READ_SCHEMAS``.
MANIFEST_SCHEMA = READ_SCHEMAS[-1]
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
    exclude: tuple[str, ...] = (),
) -> dict[str, Any]:
    """The lock entry of one artifact: kind, type, fingerprint, and per-column fingerprints
    for tables; paths add ``path``, ``path_kind`` (``file`` or ``directory``), ``symlink``
    (when the path is a link), and directories ``files`` (per-file fingerprints), ``links``
    (the symbolic links inside, followed) and ``exclude`` (relative paths left out); configs
    and seeds add their value."""
    from mlgates.core._jsonable import to_plain
    from mlgates.fingerprints import _format, fingerprint, fingerprint_table

    kind = kind or kind_of(obj)
    entry: dict[str, Any] = {"kind": kind, "type": _type_name(obj)}
    table_obj = obj
    if isinstance(obj, os.PathLike):
        from mlgates.fingerprints._objects import _read_table, is_table_file
        from mlgates.fingerprints._paths import describe_path

        path = Path(obj)
        entry["path"] = path.as_posix()
        table_obj = _read_table(path) if kind == "data" and is_table_file(path) else None
        if table_obj is None:
            found = describe_path(path, exclude=exclude)
            entry.update(fingerprint=_format(found.digest), path_kind=found.path_kind)
            if found.symlink is not None:
                entry["symlink"] = found.symlink
            if found.path_kind == "directory":
                entry["files"] = {rel: _format(d) for rel, d in found.files.items()}
                if found.links:
                    entry["links"] = found.links
                if exclude:
                    entry["exclude"] = list(exclude)
            return _ordered(entry)
        entry["path_kind"] = "file"
        if path.is_symlink():
            entry["symlink"] = os.readlink(path)
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
        return _ordered(entry)
    entry["fingerprint"] = fingerprint(obj)
    if kind in ("config", "seeds") and not isinstance(obj, os.PathLike):
        entry["value"] = to_plain(obj)
    return entry


def _ordered(entry: dict[str, Any]) -> dict[str, Any]:
    """Kind, type and fingerprint first: what a reviewer reads first in the lock file."""
    head: dict[str, Any] = {k: entry[k] for k in ("kind", "type", "fingerprint") if k in entry}
    return {**head, **{k: v for k, v in entry.items() if k not in head}}


def _inside(path: str | os.PathLike[str], folder: str | os.PathLike[str]) -> str | None:
    """``path`` relative to ``folder`` (POSIX, after resolving links) when it lies inside it."""
    real, top = os.path.realpath(path), os.path.realpath(folder)
    try:
        rel = os.path.relpath(real, top)
    except ValueError:  # another drive (Windows)
        return None
    if rel == "." or rel == os.pardir or rel.startswith(os.pardir + os.sep) or os.path.isabs(rel):
        return None
    return Path(rel).as_posix()


@dataclasses.dataclass(frozen=True)
class Manifest:
    """Named fingerprints of a run's artifacts and its environment.

    Build one with :meth:`capture`, write it with :meth:`save` (atomic: a temporary file then
    a rename, so a lock file is never half written), read it with :meth:`load`.

    Attributes
    ----------
    artifacts : dict
        Name -> entry (``kind``, ``type``, ``fingerprint``; tables add ``n_rows``,
        ``columns``, ``families``, ``row_order``, ``column_order``; paths add ``path``,
        ``path_kind`` and ``symlink``, directories ``files``, ``links`` and ``exclude``
        (see :func:`describe_artifact`); configs and seeds add ``value``).
    environment : dict
        :func:`~mlgates.capture_environment` at capture time (empty if not captured).
    created : str
        UTC timestamp (ISO 8601).
    mlgates_version : str
        Version that wrote the manifest.
    scheme : str
        Fingerprint scheme (``"mlg1"``); fingerprints of different schemes are not compared.
    base : str
        Absolute folder that relative artifact paths are resolved against (the working
        directory at capture). The file stores it relative to the lock file's own folder, so
        the lock and the files it names can move together and be verified from anywhere; an
        empty string means unknown (a schema 1 lock: paths resolve against the working
        directory).

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
    >>> Manifest.load(path).path_of("train") is None  # an in-memory table has no path
    True
    """

    artifacts: dict[str, dict[str, Any]]
    environment: dict[str, Any] = dataclasses.field(default_factory=dict)
    created: str = ""
    mlgates_version: str = ""
    scheme: str = "mlg1"
    base: str = ""

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
        exclude: tuple[str | os.PathLike[str], ...] | list[str | os.PathLike[str]] = (),
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
        exclude : sequence of paths, optional
            Files left out of the directory artifacts that contain them, recorded in their
            entries (``exclude``) so a verification leaves them out too: the lock file
            itself when it is written into a directory it locks (``mlgates lock`` does this
            for its ``-o`` file). Their atomic-write temporary files are left out with them.
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
            inside: tuple[str, ...] = ()
            if isinstance(obj, os.PathLike) and Path(obj).is_dir():
                found = (_inside(p, obj) for p in exclude)
                inside = tuple(sorted({rel for rel in found if rel is not None}))
            entries[str(name)] = describe_artifact(
                obj, row_order=row_order, column_order=column_order, exclude=inside
            )
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
            base=os.getcwd(),
        )

    def to_dict(self, *, folder: str | os.PathLike[str] | None = None) -> dict[str, Any]:
        """Plain data, as written to a lock file in ``folder`` (default: the working directory).

        ``base`` is written relative to ``folder`` (``null`` when unknown).
        """
        return {
            "schema": MANIFEST_SCHEMA,
            "scheme": self.scheme,
            "created": self.created,
            "mlgates_version": self.mlgates_version,
            "base": _relative_base(self.base, folder),
            "artifacts": self.artifacts,
            "environment": self.environment,
        }

    @classmethod
    def from_dict(
        cls,
        data: Mapping[str, Any],
        *,
        where: str = "manifest",
        folder: str | os.PathLike[str] | None = None,
    ) -> Manifest:
        """Inverse of :meth:`to_dict`; ``base`` is resolved against ``folder`` (default: the
        working directory). Any schema in ``READ_SCHEMAS``; a wrong shape, a field of the wrong
        type, a missing field or an unknown artifact kind raises ConfigError naming the field."""
        validate_lock(data, where)
        base = data.get("base")
        if base is not None:
            top = os.path.abspath(folder if folder is not None else os.curdir)
            base = os.path.normpath(os.path.join(top, base))
        return cls(
            artifacts={str(k): dict(v) for k, v in data["artifacts"].items()},
            environment=dict(data.get("environment") or {}),
            created=str(data.get("created", "")),
            mlgates_version=str(data.get("mlgates_version", "")),
            scheme=str(data["scheme"]),
            base=base or "",
        )

    def path_of(self, name: str) -> Path | None:
        """The locked path of artifact ``name`` resolved against :attr:`base` (None when the
        artifact was not a path). Relative paths of a lock without a base (schema 1) resolve
        against the working directory, as they did when it was written."""
        entry = self.artifacts.get(name)
        if entry is None or not isinstance(entry.get("path"), str):
            return None
        path = Path(entry["path"])
        if path.is_absolute() or not self.base:
            return path
        return Path(self.base) / path

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the manifest as indented JSON, atomically; return the path.

        Refuses (ValueError) to write a lock file into a locked directory that was captured
        without ``exclude=[path]``, or over a locked file: such a lock could never verify.
        """
        from mlgates.core._io import atomic_write

        path = Path(path)
        self._check_not_locked(path)
        text = json.dumps(self.to_dict(folder=path.parent), indent=2, ensure_ascii=False) + "\n"
        return atomic_write(path, text)

    def _check_not_locked(self, path: Path) -> None:
        for name, entry in self.artifacts.items():
            locked = self.path_of(name)
            if locked is None or not os.path.exists(locked):
                continue
            if entry.get("path_kind") == "directory":
                rel = _inside(path, locked)
                if rel is not None and rel not in entry.get("exclude", ()):
                    raise ValueError(
                        f"cannot write the lock file {path} inside the locked directory {name!r}: its own "
                        f"content would change the directory's fingerprint. Capture with "
                        f"exclude=[{os.fspath(path)!r}] (mlgates lock does), or write it elsewhere."
                    )
            elif os.path.realpath(path) == os.path.realpath(locked):
                raise ValueError(f"cannot write the lock file over the locked file {name!r} ({locked}).")

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Manifest:
        """Read a manifest written by :meth:`save`; unreadable or invalid files raise ConfigError.

        Relative paths in it are resolved against the lock file's folder (see :attr:`base`).
        """
        path = Path(path)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read the lock file ({exc.strerror or exc}).") from exc
        try:
            data = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise ConfigError(f"{path}: not a lock file: not UTF-8 text (offset {exc.start}).") from None
        except (ValueError, RecursionError) as exc:
            raise ConfigError(f"{path}: not valid JSON: {exc}") from None
        return cls.from_dict(data, where=str(path), folder=path.parent)


def _relative_base(base: str, folder: str | os.PathLike[str] | None) -> str | None:
    if not base:
        return None
    top = os.path.abspath(folder if folder is not None else os.curdir)
    try:
        return Path(os.path.relpath(base, top)).as_posix()
    except ValueError:  # another drive (Windows): only an absolute base can say where
        return Path(base).as_posix()

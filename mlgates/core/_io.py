"""Files: which data files hold tables, and writing files atomically.

The one place for file handling shared across layers (the config loader, fingerprints and lock
files, the command line): the CLI and the fingerprint module recognize a table file by the same
rule (:func:`table_format`) and parse CSV with the same policy (:func:`csv_read_policy`).

Atomic writes: a temporary file in the same folder, flushed, renamed over the target, then the
folder flushed, so a reader sees the old file or the new one, never half of one, and the new
name survives a crash.

Nothing here imports pandas at import time (``import mlgates`` stays light).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

__all__ = [
    "COMPRESSION_SUFFIXES",
    "CSV_SUFFIXES",
    "TABLE_SUFFIXES",
    "atomic_write",
    "csv_read_policy",
    "fsync_folder",
    "is_table_file",
    "table_format",
    "temp_prefix",
]

# -- file formats -------------------------------------------------------------------------------
#: File suffixes read as tables (their logical content is hashed, not the writer's bytes).
TABLE_SUFFIXES = (".parquet", ".pq", ".feather", ".arrow")
#: Delimited text suffixes read as tables with :func:`csv_read_policy`; each may also end in
#: one of :data:`COMPRESSION_SUFFIXES` (``data.csv.gz``).
CSV_SUFFIXES = (".csv", ".tsv")
COMPRESSION_SUFFIXES = (".gz", ".bz2", ".zip", ".xz")


def csv_read_policy() -> dict[str, Any]:
    """How CSV/TSV files are parsed (``pandas.read_csv`` keyword arguments besides ``sep``).

    Default type inference on the whole file at once, and correctly rounded float parsing
    (pandas 3's default; pandas 2 is asked for its round-trip parser), so any text that denotes
    the same float64 gives the same value. A new dict on each call.

    Examples
    --------
    >>> csv_read_policy()["low_memory"]
    False
    """
    import pandas as pd

    policy: dict[str, Any] = {"low_memory": False}
    if int(pd.__version__.split(".")[0]) < 3:  # pragma: no cover - pandas 2
        policy["float_precision"] = "round_trip"
    return policy


def table_format(path: str | os.PathLike[str]) -> str | None:
    """``"parquet"``, ``"feather"``, ``"csv"`` or ``"tsv"`` from a file name, else None.

    Examples
    --------
    >>> table_format("data/train.csv.gz"), table_format("x.pq"), table_format("model.pkl")
    ('csv', 'parquet', None)
    """
    name = Path(path).name.lower()
    if name.endswith((".parquet", ".pq")):
        return "parquet"
    if name.endswith((".feather", ".arrow")):
        return "feather"
    for compression in COMPRESSION_SUFFIXES:
        if name.endswith(compression):
            name = name[: -len(compression)]
            break
    for suffix in CSV_SUFFIXES:
        if name.endswith(suffix):
            return suffix[1:]
    return None


def is_table_file(path: str | os.PathLike[str]) -> bool:
    """An existing file whose name says it holds a table (Parquet, Feather, CSV, TSV)."""
    return Path(path).is_file() and table_format(path) is not None


def __getattr__(name: str) -> Any:
    if name == "CSV_READ_POLICY":  # computed on use: it needs pandas
        return csv_read_policy()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# -- atomic writes ------------------------------------------------------------------------------

_MODE = 0o666  # the umask is applied by open(), as for any file a program creates


def temp_prefix(path: str | os.PathLike[str]) -> str:
    """Name prefix of the temporary files :func:`atomic_write` creates next to ``path``.

    Examples
    --------
    >>> temp_prefix("out/mlgates.lock.json")
    '.mlgates.lock.json.'
    """
    return f".{Path(path).name}."


def _create_temp(path: Path) -> tuple[int, Path]:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    for _ in range(100):
        tmp = path.with_name(f"{temp_prefix(path)}{secrets.token_hex(4)}.tmp")
        try:
            return os.open(tmp, flags, _MODE), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"cannot create a temporary file next to {path}: 100 names taken")


def fsync_folder(folder: str | os.PathLike[str]) -> None:
    """Flush a folder entry (a rename, a new file) to disk (POSIX; a no-op where folders cannot
    be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:  # Windows cannot open a folder; its rename is already durable enough
        return
    try:
        os.fsync(fd)
    except OSError:  # some file systems refuse fsync on a folder
        pass
    finally:
        os.close(fd)


def atomic_write(
    path: str | os.PathLike[str],
    data: str | bytes,
    *,
    fsync: bool = True,
    exclusive: bool = False,
    sync_folder: bool = True,
) -> Path:
    """Write ``data`` (text is written as UTF-8) to ``path`` atomically and return the path.

    A crash leaves the old file or the new one, never half of one. The file gets the mode any
    new file gets (``0o666`` minus the umask: typically ``rw-r--r--``), whether or not it
    existed before; the temporary file (``.<name>.<random>.tmp`` in the same folder, never
    followed through a symlink) is removed on any failure.

    Parameters
    ----------
    fsync : bool, default True
        Flush the file and its folder to disk (``False`` trades durability for speed).
    exclusive : bool, default False
        Refuse to replace an existing file (``FileExistsError``): append-only records.
    sync_folder : bool, default True
        Flush the folder after the rename (with ``fsync``).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> p = atomic_write(pathlib.Path(tempfile.mkdtemp()) / "a" / "x.txt", "hello\\n")
    >>> p.read_text()
    'hello\\n'
    """
    path = Path(path)
    if not path.parent.is_dir():
        path.parent.mkdir(parents=True, exist_ok=True)
        if fsync:
            fsync_folder(path.parent.parent)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = _create_temp(path)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            if fsync:
                os.fsync(fh.fileno())
        if exclusive:
            _link_new(tmp, path)
        else:
            os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if fsync and sync_folder:
        fsync_folder(path.parent)
    return path


def _link_new(tmp: Path, path: Path) -> None:
    """Move ``tmp`` to ``path`` only if ``path`` does not exist (a hard link fails if it does)."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise
    except OSError:  # pragma: no cover - file systems without hard links
        if path.exists():
            raise FileExistsError(path) from None
        os.replace(tmp, path)
    else:
        os.unlink(tmp)

"""Writing files atomically: a temporary file in the same folder, flushed, renamed over the
target, then the folder flushed, so a reader sees the old file or the new one, never half of
one, and the new name survives a crash."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

__all__ = ["atomic_write", "temp_prefix"]

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


def _fsync_folder(folder: Path) -> None:
    """Flush the folder entry of a rename to disk (POSIX; a no-op where folders cannot be opened)."""
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


def atomic_write(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically and return the path.

    The file gets the mode any new file gets (``0o666`` minus the umask: typically
    ``rw-r--r--``), whether or not it existed before; the temporary file
    (``.<name>.<random>.tmp`` in the same folder) is removed on any failure.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> p = atomic_write(pathlib.Path(tempfile.mkdtemp()) / "a" / "x.txt", "hello\\n")
    >>> p.read_text()
    'hello\\n'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _create_temp(path)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_folder(path.parent)
    return path

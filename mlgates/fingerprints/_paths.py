"""Content digests of files and directories, with the symlink policy.

A directory's digest covers every regular file under it, found by following symbolic links
to files and to directories alike (so content behind ``sub/linked -> ../../outside/d`` is
hashed as if it were copied in). A link back to a directory on its own path (a loop) is not
followed: it contributes its link text instead. FIFOs, sockets and devices are refused (reading
a FIFO would block), as are dangling links and folders that cannot be listed: nothing under a
locked directory goes unread.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import xxhash

from mlgates.fingerprints._canon import canonical_bytes

__all__ = ["IGNORED_NAMES", "PathDigest", "describe_path", "digest_path", "is_ignored"]

#: Names skipped when hashing a directory.
IGNORED_NAMES = frozenset(
    {".git", "__pycache__", ".DS_Store", ".ipynb_checkpoints", ".mypy_cache", ".pytest_cache", ".ruff_cache"}
)
_CHUNK = 1 << 20


def is_ignored(name: str, *, is_dir: bool) -> bool:
    """Whether a directory walk skips an entry of this name."""
    return name in IGNORED_NAMES or (not is_dir and name.endswith(".pyc"))


@dataclasses.dataclass(frozen=True)
class PathDigest:
    """What fingerprinting a path found.

    Attributes
    ----------
    digest : bytes
        16-byte digest (the fingerprint's payload).
    path_kind : str
        ``"file"`` or ``"directory"`` (after following a link at the top).
    symlink : str or None
        The link text when the path itself is a symbolic link.
    files : dict
        For directories: relative POSIX path -> 16-byte digest of each file hashed.
    links : dict
        For directories: relative POSIX path of each symbolic link met -> ``{"target": link
        text, "kind": "file" | "directory" | "loop"}`` (``loop``: a link to a directory on its
        own path, recorded by its link text and not followed).
    """

    digest: bytes
    path_kind: str
    symlink: str | None = None
    files: dict[str, bytes] = dataclasses.field(default_factory=dict)
    links: dict[str, dict[str, str]] = dataclasses.field(default_factory=dict)


def digest_path(path: Path) -> bytes:
    """Content digest of a file or directory (tables by logical content, other files by bytes)."""
    return describe_path(path).digest


def describe_path(path: Path, *, exclude: tuple[str, ...] = ()) -> PathDigest:
    """Digest a file or directory, with per-file digests and the links met.

    ``exclude`` holds relative POSIX paths (inside a directory) left out, together with the
    temporary files an atomic write of them creates (``.<name>.*`` in the same folder): a
    lock file written into the directory it locks.
    """
    path = Path(path)
    symlink = os.readlink(path) if path.is_symlink() else None
    if path.is_dir():
        items, links = _walk(path, frozenset(exclude))
        h = xxhash.xxh3_128(b"directory")
        files: dict[str, bytes] = {}
        for rel, digest in items:
            h.update(canonical_bytes(rel))
            h.update(digest)
            if rel not in links or links[rel]["kind"] != "loop":
                files[rel] = digest
        return PathDigest(h.digest(), "directory", symlink, files, links)
    if path.is_file():
        return PathDigest(file_digest(path), "file", symlink)
    if symlink is not None and not path.exists():
        raise FileNotFoundError(
            f"cannot fingerprint {os.fspath(path)!r}: it is a symbolic link to {symlink!r}, "
            "which does not exist"
        )
    if path.exists():
        raise ValueError(
            f"cannot fingerprint {os.fspath(path)!r}: not a regular file or directory "
            "(a FIFO, socket or device)"
        )
    raise FileNotFoundError(f"cannot fingerprint {os.fspath(path)!r}: no such file or directory")


def _excluded(rel: str, exclude: frozenset[str]) -> bool:
    if rel in exclude:
        return True
    folder, _, name = rel.rpartition("/")
    for ex in exclude:
        ex_folder, _, ex_name = ex.rpartition("/")
        if folder == ex_folder and name.startswith(f".{ex_name}."):  # its atomic-write temp file
            return True
    return False


def _walk(root: Path, exclude: frozenset[str]) -> tuple[list[tuple[str, bytes]], dict[str, dict[str, str]]]:
    """(relative path, digest) of every file under ``root`` sorted by path, and the links met."""
    found: list[tuple[str, bytes]] = []
    links: dict[str, dict[str, str]] = {}
    st = os.stat(root)
    stack: list[tuple[Path, str, frozenset[tuple[int, int]]]] = [
        (root, "", frozenset({(st.st_dev, st.st_ino)}))
    ]
    while stack:
        folder, prefix, ancestors = stack.pop()
        with os.scandir(folder) as entries:  # an unreadable folder raises: never skipped silently
            listing = sorted(entries, key=lambda e: e.name)
        for entry in listing:
            rel = f"{prefix}{entry.name}"
            if exclude and _excluded(rel, exclude):
                continue
            is_dir = entry.is_dir(follow_symlinks=True)
            if is_ignored(entry.name, is_dir=is_dir):
                continue
            link = os.readlink(entry.path) if entry.is_symlink() else None
            if is_dir:
                sub = os.stat(entry.path)
                key = (sub.st_dev, sub.st_ino)
                if link is not None and key in ancestors:  # a loop: record the link, do not follow
                    links[rel] = {"target": link, "kind": "loop"}
                    loop = xxhash.xxh3_128_digest(b"symlink-loop" + canonical_bytes(link))
                    found.append((rel, loop))
                    continue
                if link is not None:
                    links[rel] = {"target": link, "kind": "directory"}
                stack.append((Path(entry.path), f"{rel}/", ancestors | {key}))
            elif entry.is_file(follow_symlinks=True):
                if link is not None:
                    links[rel] = {"target": link, "kind": "file"}
                found.append((rel, file_digest(Path(entry.path))))
            elif link is not None and not os.path.exists(entry.path):
                raise FileNotFoundError(
                    f"cannot fingerprint {os.fspath(root)!r}: {rel} is a symbolic link to {link!r}, "
                    "which does not exist"
                )
            else:
                raise ValueError(
                    f"cannot fingerprint {os.fspath(root)!r}: {rel} is not a regular file or directory "
                    "(a FIFO, socket or device); move it out or lock the files next to it one by one"
                )
    found.sort()
    return found, dict(sorted(links.items()))


def file_digest(path: Path) -> bytes:
    """Digest of one file: the table digest of a table file that parses, else of its bytes."""
    from mlgates.fingerprints._objects import _read_table, table_format
    from mlgates.fingerprints._tables import digest_frame

    if table_format(path) is not None:
        table = _read_table(path)
        if table is not None:
            return digest_frame(table, row_order="sensitive", column_order="sensitive").digest
    h = xxhash.xxh3_128(b"file")
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
    return h.digest()

"""Atomic writes of lock and suite files: mode from the umask, the folder flushed after the
rename, no temporary file left behind."""

from __future__ import annotations

import os
import stat
import sys

import pytest

from mlgates import Allowlist, Manifest, RowCountGate, save_suite
from mlgates.core._io import atomic_write

posix = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes and folder fsync")


@pytest.fixture
def umask():
    """Set the process umask for one test and restore it."""
    previous = os.umask(0o022)
    os.umask(previous)
    yield lambda mask: os.umask(mask)
    os.umask(previous)


def _writers(tmp_path):
    return {
        "atomic_write": lambda: atomic_write(tmp_path / "plain.txt", "x\n"),
        "lock file": lambda: Manifest.capture(seeds={"s": 1}, environment=False).save(tmp_path / "l.json"),
        "suite file": lambda: save_suite(RowCountGate(), tmp_path / "s.toml"),
        "allowlist": lambda: Allowlist.preset("python").save(tmp_path / "allow.json"),
    }


@posix
@pytest.mark.parametrize("mask", [0o022, 0o002, 0o077])
@pytest.mark.parametrize("writer", ["atomic_write", "lock file", "suite file", "allowlist"])
def test_new_files_get_the_mode_the_umask_allows(tmp_path, umask, mask, writer):
    umask(mask)
    path = _writers(tmp_path)[writer]()
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask  # not always 0o600
    path = _writers(tmp_path)[writer]()  # overwriting gives the same mode
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask


@posix
def test_folder_is_flushed_after_the_rename(tmp_path, monkeypatch):
    synced = []
    real_fsync, real_replace = os.fsync, os.replace
    events = []

    def fsync(fd):
        synced.append(stat.S_ISDIR(os.fstat(fd).st_mode))
        events.append("fsync-dir" if synced[-1] else "fsync-file")
        return real_fsync(fd)

    def replace(src, dst):
        events.append("rename")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    atomic_write(tmp_path / "a.txt", "a\n")
    assert events == ["fsync-file", "rename", "fsync-dir"]


def test_failed_write_leaves_the_old_file_and_no_temp_file(tmp_path, monkeypatch):
    path = atomic_write(tmp_path / "a.txt", "old\n")

    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        atomic_write(path, "new\n")
    assert path.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


@posix
def test_temp_file_never_follows_a_planted_symlink(tmp_path, monkeypatch):
    import secrets

    target = tmp_path / "victim.txt"
    target.write_text("keep\n")
    os.symlink(target, tmp_path / ".a.txt.00000000.tmp")
    tokens = iter(["00000000", "11111111"])
    monkeypatch.setattr(secrets, "token_hex", lambda n: next(tokens))
    atomic_write(tmp_path / "a.txt", "new\n")  # skips the taken name
    assert target.read_text() == "keep\n"
    assert (tmp_path / "a.txt").read_text() == "new\n"

"""The ledger's storage: one JSON file per record, a hash chain, atomic writes and a file lock.

A record file is JSON laid out so that its hashes can be checked without re-serializing the
body::

    {
    "chain": {"body_hash": "sha256:...", "hash": "sha256:...", "id": "00000042-1f2e3d4c", ...},
    "record": <the body: canonical JSON, sorted keys, compact>
    }

- ``body_hash`` is the SHA-256 of the body's bytes exactly as stored;
- ``hash`` is the SHA-256 of ``"mlgates.record/1\\n{seq}\\n{prev_hash}\\n{body_hash}"``, so it
  covers the record's position and its predecessor (the chain);
- ``id`` is ``{seq:08d}-{first 8 hex digits of hash}``, and the file is ``records/<seq // 1000>/<id>.json``.

Every byte of the file is covered: the chain line must be the canonical dump of its fields,
and the frame around it is fixed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from mlgates.core import _io

__all__ = [
    "GENESIS",
    "RECORD_SCHEMA",
    "ChainFields",
    "ParsedFile",
    "atomic_write",
    "canonical_body",
    "chain_hash",
    "file_lock",
    "format_record",
    "parse_record_file",
    "record_path",
    "sha256",
]

RECORD_SCHEMA = "mlgates.record/1"
HEAD_SCHEMA = "mlgates.ledger-head/1"
#: ``prev_hash`` of the first record.
GENESIS = "sha256:" + "0" * 64
_PREFIX = b'{\n"chain": '
_MIDDLE = b',\n"record": '
_SUFFIX = b"\n}\n"
SHARD = 1000
_HEAD_WIDTH = 256


def sha256(data: bytes) -> str:
    """``"sha256:<hex>"`` of ``data``."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


def canonical_body(body: Mapping[str, Any]) -> bytes:
    """The stored bytes of a record body: strict JSON, sorted keys, compact (one line; the C
    encoder is several times faster than an indented dump). ``mlgates ledger show`` prints it
    indented."""
    return json.dumps(
        body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def chain_hash(seq: int, prev_hash: str, body_hash: str) -> str:
    """The hash of a record: its position, its predecessor's hash and its body's hash."""
    return sha256(f"{RECORD_SCHEMA}\n{seq}\n{prev_hash}\n{body_hash}".encode())


def record_id(seq: int, hash_: str) -> str:
    """``{seq:08d}-{8 hex digits of the hash}``."""
    return f"{seq:08d}-{hash_.split(':', 1)[-1][:8]}"


@dataclasses.dataclass(frozen=True, slots=True)
class ChainFields:
    """The envelope of a record: where it sits in the chain and what it hashes to."""

    seq: int
    id: str
    prev_id: str | None
    prev_hash: str
    body_hash: str
    hash: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "body_hash": self.body_hash,
            "hash": self.hash,
            "id": self.id,
            "prev_hash": self.prev_hash,
            "prev_id": self.prev_id,
            "schema": RECORD_SCHEMA,
            "seq": self.seq,
        }


def seal(seq: int, prev_id: str | None, prev_hash: str, body_bytes: bytes) -> ChainFields:
    """Chain fields of a new record with body ``body_bytes`` following ``prev_hash``."""
    body_hash = sha256(body_bytes)
    h = chain_hash(seq, prev_hash, body_hash)
    return ChainFields(seq, record_id(seq, h), prev_id, prev_hash, body_hash, h)


def _chain_line(fields: Mapping[str, Any]) -> bytes:
    return json.dumps(dict(fields), sort_keys=True, separators=(", ", ": ")).encode("utf-8")


def _fast_chain_line(c: ChainFields) -> bytes:
    """What :func:`_chain_line` writes for these fields, when every field is plain ASCII."""
    prev_id = "null" if c.prev_id is None else f'"{c.prev_id}"'
    return (
        f'{{"body_hash": "{c.body_hash}", "hash": "{c.hash}", "id": "{c.id}", "prev_hash": "{c.prev_hash}", '
        f'"prev_id": {prev_id}, "schema": "{RECORD_SCHEMA}", "seq": {c.seq}}}'
    ).encode()


def format_record(chain: ChainFields, body_bytes: bytes) -> bytes:
    """The bytes of a record file."""
    return _PREFIX + _chain_line(chain.to_dict()) + _MIDDLE + body_bytes + _SUFFIX


@dataclasses.dataclass(frozen=True, slots=True)
class ParsedFile:
    """A record file as read back: its chain fields (as stored), body bytes, and what is wrong."""

    path: Path
    chain: ChainFields | None
    body_bytes: bytes
    problem: str | None  # None when every hash and the layout check out

    @property
    def ok(self) -> bool:
        return self.problem is None


def parse_record_file(path: Path, data: bytes | None = None) -> ParsedFile:
    """Read a record file and check its layout, its body hash, its hash and its id."""
    if data is None:
        data = path.read_bytes()
    if not (data.startswith(_PREFIX) and data.endswith(_SUFFIX)):
        return ParsedFile(path, None, b"", "the file is not laid out as a record (frame changed)")
    cut = data.find(_MIDDLE, len(_PREFIX))
    if cut < 0:
        return ParsedFile(path, None, b"", "the file is not laid out as a record (no body)")
    line = data[len(_PREFIX) : cut]
    body = data[cut + len(_MIDDLE) : -len(_SUFFIX)]
    try:
        fields = json.loads(line)
        chain = ChainFields(
            seq=int(fields["seq"]),
            id=str(fields["id"]),
            prev_id=fields["prev_id"],
            prev_hash=str(fields["prev_hash"]),
            body_hash=str(fields["body_hash"]),
            hash=str(fields["hash"]),
        )
    except (ValueError, KeyError, TypeError):
        return ParsedFile(path, None, body, "the chain fields are unreadable")
    if fields.get("schema") != RECORD_SCHEMA or (
        _fast_chain_line(chain) != line and _chain_line(fields) != line
    ):
        return ParsedFile(path, chain, body, "the chain fields were changed (not in canonical form)")
    if sha256(body) != chain.body_hash:
        return ParsedFile(path, chain, body, "the body does not match its body_hash (content edited)")
    if chain_hash(chain.seq, chain.prev_hash, chain.body_hash) != chain.hash:
        return ParsedFile(path, chain, body, "the chain fields do not match their hash (envelope edited)")
    if record_id(chain.seq, chain.hash) != chain.id:
        return ParsedFile(path, chain, body, "the id does not match the hash")
    return ParsedFile(path, chain, body, None)


def shard_name(seq: int) -> str:
    """The folder of record ``seq`` under ``records/`` (1,000 records per folder)."""
    return f"{seq // SHARD:05d}"


def shard_dir(root: Path, seq: int) -> Path:
    return root / "records" / shard_name(seq)


def record_path(root: Path, chain: ChainFields) -> Path:
    """Where the record with these chain fields is stored."""
    return shard_dir(root, chain.seq) / f"{chain.id}.json"


def record_files(root: Path) -> list[Path]:
    """Every ``*.json`` file under ``records/`` (temporary files start with a dot and are
    skipped), in name order."""
    base = root / "records"
    if not base.is_dir():
        return []
    found: list[str] = []
    stack = [str(base)]
    while stack:  # os.scandir: a list of 100,000 files in well under a second
        with os.scandir(stack.pop()) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                elif entry.name.endswith(".json"):
                    found.append(entry.path)
    return [Path(p) for p in sorted(found)]


def find_seq(root: Path, seq: int) -> list[Path]:
    """Files whose name says they hold record ``seq``."""
    folder = shard_dir(root, seq)
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{seq:08d}-*.json"))


# -- durability -----------------------------------------------------------------------------
# Atomic, append-only writes use the one implementation in core._io (exclusive=True: a record
# file is never replaced).
atomic_write = _io.atomic_write


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock between processes on ``path`` (``fcntl.flock`` on POSIX,
    ``msvcrt.locking`` on Windows), held for the duration of the ``with`` block."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fh = open(path, "a+b")  # noqa: SIM115 - closed in finally
    try:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows
            import msvcrt

            locking: Any = getattr(msvcrt, "locking")  # noqa: B009 - Windows only
            fh.seek(0)
            while True:
                try:
                    locking(fh.fileno(), getattr(msvcrt, "LK_LOCK"), 1)  # noqa: B009
                    break
                except OSError:
                    continue
            try:
                yield
            finally:
                fh.seek(0)
                locking(fh.fileno(), getattr(msvcrt, "LK_UNLCK"), 1)  # noqa: B009
            return
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
    finally:
        fh.close()


# -- head anchor ----------------------------------------------------------------------------
def read_head(root: Path) -> dict[str, Any] | None:
    """The head anchor (``HEAD.json``: seq, id and hash of the last record), or None."""
    path = root / "HEAD.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {"invalid": True}
    if not isinstance(data, dict) or data.get("schema") != HEAD_SCHEMA:
        return {"invalid": True}
    try:
        return {"seq": int(data["seq"]), "id": data.get("id"), "hash": str(data["hash"])}
    except (KeyError, TypeError, ValueError):
        return {"invalid": True}


def write_head(root: Path, chain: ChainFields, *, fsync: bool = True) -> None:
    text = json.dumps(
        {"schema": HEAD_SCHEMA, "seq": chain.seq, "id": chain.id, "hash": chain.hash}, sort_keys=True
    )
    data = (text + "\n").encode().ljust(_HEAD_WIDTH)
    path = root / "HEAD.json"
    if not fsync and path.exists() and path.stat().st_size == _HEAD_WIDTH:
        # bulk mode: overwrite the fixed-width file in place (renaming over a file or truncating
        # it makes ext4 flush it, which is what fsync=False is there to avoid)
        with open(path, "r+b") as fh:
            fh.write(data)
        return
    # the folder is not flushed: a head lost in a crash is found again from the records
    atomic_write(root / "HEAD.json", data, fsync=fsync, sync_folder=False)

"""The ledger's SQLite index: a cache of the record files for fast queries, always rebuildable.

Nothing in the index is authoritative: :meth:`Ledger.reindex` drops it and reads every record
file again, and a ledger whose index is missing or behind its head catches up on first use.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from mlgates.record._chain import ChainFields

__all__ = ["INDEX_VERSION", "connect", "data_key", "insert_record"]

#: Bumped whenever the schema below changes; an index of another version is rebuilt.
INDEX_VERSION = "1"
_USER_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS records(
    seq INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, hash TEXT NOT NULL, path TEXT NOT NULL,
    kind TEXT NOT NULL, time TEXT NOT NULL, user TEXT, host TEXT, stage TEXT,
    model_name TEXT, model_fp TEXT, suite_name TEXT, suite_hash TEXT, data_key TEXT,
    status TEXT, reason TEXT, message TEXT, git_commit TEXT, git_dirty INTEGER,
    action TEXT, state_from TEXT, state_to TEXT, allowed INTEGER);
CREATE INDEX IF NOT EXISTS records_model ON records(model_name, model_fp, kind, suite_name, seq);
CREATE TABLE IF NOT EXISTS data(seq INTEGER NOT NULL, role TEXT, fingerprint TEXT, n_rows INTEGER);
CREATE INDEX IF NOT EXISTS data_seq ON data(seq);
CREATE TABLE IF NOT EXISTS gates(seq INTEGER NOT NULL, path TEXT, gate TEXT, status TEXT);
CREATE INDEX IF NOT EXISTS gates_seq ON gates(seq);
CREATE TABLE IF NOT EXISTS models(
    name TEXT NOT NULL, fingerprint TEXT NOT NULL, state TEXT NOT NULL, since_seq INTEGER,
    since_time TEXT, first_seq INTEGER, last_seq INTEGER, last_verdict_seq INTEGER,
    n_records INTEGER NOT NULL DEFAULT 0, PRIMARY KEY(name, fingerprint));
"""


def connect(path: Path, *, durable: bool = True) -> sqlite3.Connection:
    """An open connection to the index at ``path`` (created if missing)."""
    conn = sqlite3.connect(path, timeout=60.0, isolation_level=None, check_same_thread=False)
    try:
        conn.execute("PRAGMA busy_timeout = 60000")
        # the index is a cache rebuilt from the record files: it needs consistency, not durability
        conn.execute("PRAGMA synchronous = NORMAL" if durable else "PRAGMA synchronous = OFF")
        if conn.execute("PRAGMA user_version").fetchone()[0] != _USER_VERSION:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.executescript(_SCHEMA)
            conn.execute(f"PRAGMA user_version = {_USER_VERSION}")
    except BaseException:
        conn.close()
        raise
    return conn


def get_meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))


def clear(conn: sqlite3.Connection) -> None:
    for table in ("records", "data", "gates", "models", "meta"):
        conn.execute(f"DELETE FROM {table}")


def data_key(data: Mapping[str, Any] | None) -> str | None:
    """One key for the set of data fingerprints of a record (None when there are none)."""
    pairs = sorted(
        (str(role), str(entry.get("fingerprint")))
        for role, entry in (data or {}).items()
        if isinstance(entry, Mapping) and entry.get("fingerprint")
    )
    if not pairs:
        return None
    return "sha256:" + hashlib.sha256(json.dumps(pairs).encode()).hexdigest()


def _leaves(verdict: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, str, str]]:
    path = f"{prefix}{verdict.get('name', '')}"
    children = verdict.get("children") or []
    if not children:
        yield path, str(verdict.get("gate", "")), str(verdict.get("status", ""))
    for child in children:
        yield from _leaves(child, f"{path} / ")


def insert_record(
    conn: sqlite3.Connection, chain: ChainFields, body: Mapping[str, Any], relpath: str
) -> None:
    """Add one record (and its effect on the model table) to the index; no commit."""
    kind = body.get("kind")
    model = body.get("model") or {}
    suite = body.get("suite") or {}
    git = body.get("git") or {}
    verdict = body.get("verdict") or {}
    decision = body.get("decision") or {}
    name = model.get("name") or decision.get("model")
    fp = model.get("fingerprint") or decision.get("fingerprint")
    dirty = git.get("dirty")
    conn.execute(
        "INSERT INTO records VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            chain.seq,
            chain.id,
            chain.hash,
            relpath,
            kind,
            body.get("time"),
            body.get("user"),
            body.get("host"),
            body.get("stage"),
            name,
            fp,
            suite.get("name"),
            suite.get("hash"),
            data_key(body.get("data")),
            verdict.get("status") if kind == "verdict" else decision.get("status"),
            verdict.get("reason") if kind == "verdict" else decision.get("reason"),
            verdict.get("message") if kind == "verdict" else decision.get("message"),
            git.get("commit"),
            None if dirty is None else int(bool(dirty)),
            decision.get("action"),
            decision.get("from"),
            decision.get("to"),
            None if kind != "decision" else int(bool(decision.get("allowed"))),
        ),
    )
    for role, entry in (body.get("data") or {}).items():
        if isinstance(entry, Mapping):
            conn.execute(
                "INSERT INTO data VALUES (?,?,?,?)",
                (chain.seq, role, entry.get("fingerprint"), entry.get("n_rows")),
            )
    if kind == "verdict" and verdict:
        conn.executemany(
            "INSERT INTO gates VALUES (?,?,?,?)", [(chain.seq, *leaf) for leaf in _leaves(verdict)]
        )
    if name and fp:
        _update_model(conn, chain.seq, str(body.get("time")), str(name), str(fp), kind, decision)


def _update_model(
    conn: sqlite3.Connection, seq: int, time: str, name: str, fp: str, kind: Any, decision: Mapping[str, Any]
) -> None:
    row = conn.execute("SELECT state FROM models WHERE name = ? AND fingerprint = ?", (name, fp)).fetchone()
    if row is None:
        conn.execute(
            "INSERT INTO models VALUES (?,?,?,?,?,?,?,?,0)",
            (name, fp, "candidate", seq, time, seq, seq, None),
        )
    conn.execute(
        "UPDATE models SET last_seq = ?, n_records = n_records + 1 WHERE name = ? AND fingerprint = ?",
        (seq, name, fp),
    )
    if kind == "verdict":
        conn.execute(
            "UPDATE models SET last_verdict_seq = ? WHERE name = ? AND fingerprint = ?", (seq, name, fp)
        )
    elif kind == "decision" and decision.get("allowed") and decision.get("to"):
        conn.execute(
            "UPDATE models SET state = ?, since_seq = ?, since_time = ? WHERE name = ? AND fingerprint = ?",
            (decision["to"], seq, time, name, fp),
        )


def rebuild(conn: sqlite3.Connection, items: Iterable[tuple[ChainFields, Mapping[str, Any], str]]) -> int:
    """Replace the index with ``items`` (in chain order); returns the number of records."""
    n = 0
    last: ChainFields | None = None
    conn.execute("BEGIN IMMEDIATE")
    try:
        clear(conn)
        for chain, body, relpath in items:
            insert_record(conn, chain, body, relpath)
            last = chain
            n += 1
        set_meta(conn, "version", INDEX_VERSION)
        set_meta(conn, "last_seq", str(last.seq if last else 0))
        set_meta(conn, "last_hash", last.hash if last else "")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return n

"""The ledger: an append-only, hash-chained record of verdicts and lifecycle decisions.

One JSON file per record under ``<ledger>/records/``, a head anchor (``HEAD.json``), a lock
file, and a SQLite index (``index.sqlite``) that :meth:`Ledger.reindex` rebuilds from the files.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgates.core._jsonable import encode, to_plain
from mlgates.core.errors import MlgatesError, ParameterError
from mlgates.record import _chain, _index
from mlgates.record._describe import (
    describe_data,
    describe_model,
    describe_suite,
    format_time,
    git_state,
    now_utc,
    who_and_where,
)
from mlgates.record._record import Record
from mlgates.record.table import Table

if TYPE_CHECKING:
    from mlgates.core.gate import Gate
    from mlgates.core.verdict import Verdict

__all__ = ["DEFAULT_LEDGER", "Ledger", "LedgerError", "Record", "default_ledger_path"]

#: Where a ledger lives when no path is given and ``MLGATES_LEDGER`` is not set.
DEFAULT_LEDGER = ".mlgates/ledger"
_ENV = "MLGATES_LEDGER"
_INDEX = "index.sqlite"
_ENV_CACHE: list[dict[str, Any]] = []


class LedgerError(MlgatesError):
    """The ledger cannot be read or appended to (e.g. a broken chain at its end)."""


def default_ledger_path() -> Path:
    """``$MLGATES_LEDGER`` if set, else ``.mlgates/ledger`` under the current directory.

    Examples
    --------
    >>> import os
    >>> os.environ.pop("MLGATES_LEDGER", None) and None
    >>> default_ledger_path().as_posix()
    '.mlgates/ledger'
    """
    return Path(os.environ.get(_ENV) or DEFAULT_LEDGER)


class Ledger:
    """An append-only, tamper-evident record of verdicts and of the lifecycle of models.

    Parameters
    ----------
    path : path-like, optional
        The ledger folder; default ``$MLGATES_LEDGER`` or ``.mlgates/ledger``. Created on the
        first append.
    fsync : bool, default True
        Flush every record, the head and the folder to disk before an append returns. Turn off
        only for bulk imports and benchmarks: a power cut may then lose the newest records
        (never the chain's integrity, which ``verify()`` still checks).

    Notes
    -----
    Appends from several threads or processes are serialized by a lock file (``fcntl.flock``
    on POSIX); each record is written to a temporary file, flushed, renamed into place and the
    folder flushed, so a crash leaves either the whole record or none. The SQLite index is a
    cache: :meth:`reindex` rebuilds it from the files, and it catches up by itself when behind.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> from mlgates import Ledger, RowCountGate
    >>> ledger = Ledger(tempfile.mkdtemp())
    >>> verdict = RowCountGate(min_rows=1, name="release").check(current=pd.DataFrame({"x": [1]}))
    >>> rec = ledger.record(verdict, model="mlg1-xxh3_128:" + "ab" * 16, model_name="churn",
    ...                     git={"commit": "0" * 40, "dirty": False})
    >>> rec.seq, rec.kind, rec.verdict.status.value
    (1, 'verdict', 'pass')
    >>> ledger.verify().status.value
    'pass'
    >>> ledger.status()[0]["state"]
    'candidate'
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, *, fsync: bool = True) -> None:
        self.path = Path(path) if path is not None else default_ledger_path()
        self.fsync = fsync
        self._mutex = threading.RLock()
        self._depth = 0
        self._conn: tuple[int, sqlite3.Connection] | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {"path": self.path, "fsync": self.fsync}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["path"], fsync=state["fsync"])  # type: ignore[misc]

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        """The ledger's lock between processes, re-entrant within this object."""
        with self._mutex:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            self.path.mkdir(parents=True, exist_ok=True)
            with _chain.file_lock(self.path / ".lock"):
                self._depth = 1
                try:
                    yield
                finally:
                    self._depth = 0

    def __repr__(self) -> str:
        return f"Ledger({str(self.path)!r})"

    def __fspath__(self) -> str:
        return str(self.path)

    # -- appending --------------------------------------------------------------------------
    def record(
        self,
        verdict: Verdict,
        *,
        model: Any = None,
        model_name: str | None = None,
        data: Any = None,
        suite: Gate | None = None,
        stage: str | None = None,
        time_column: str | None = None,
        git: Mapping[str, Any] | str | None = "auto",
        note: str | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> Record:
        """Append a verdict and what it judged; returns the new record.

        Parameters
        ----------
        verdict : Verdict
            The verdict of a gate or suite.
        model : estimator, pathlib.Path or str, optional
            The model judged: a fitted estimator (fingerprinted by its parameters and fitted
            state), a saved model file, or a fingerprint ``"mlg1-..."``.
        model_name : str, optional
            The name the lifecycle is kept under (required with ``model``).
        data : mapping or table, optional
            ``{"train": X_train, "test": test}`` (tables, arrays, files or fingerprints): only
            fingerprints, row and column counts and column names are stored. Default: the
            ``reference``/``current`` fingerprints in the verdict's provenance.
        suite : Gate, optional
            The suite that produced the verdict: its config and config hash are stored.
            Default: a hash of the verdict's gate names, types and parameters.
        stage : str, optional
            Where the check ran, e.g. ``"training"``, ``"ci"``, ``"release"``.
        time_column : str, optional
            A datetime column whose first and last values are stored per table (the time range).
        git : mapping, None or "auto"
            ``{"commit", "dirty", "branch"}``; "auto" asks git in the current directory.
        note : str, optional
            Free text.
        metadata : mapping, optional
            More plain data to keep (e.g. a CI job URL).

        Returns
        -------
        Record
        """
        from mlgates.core.verdict import Verdict

        if not isinstance(verdict, Verdict):
            raise ParameterError(
                f"ledger.record() records a Verdict. Got {type(verdict).__name__} instead. "
                "Fix: ledger.record(gate.check(...), ...)."
            )
        body: dict[str, Any] = {
            "kind": "verdict",
            "stage": stage,
            "model": describe_model(model, model_name),
            "data": describe_data(data, verdict, time_column),
            "suite": describe_suite(suite, verdict),
            "verdict": verdict.to_dict(),
            "note": note,
            "metadata": to_plain(dict(metadata or {})),
        }
        return self._append(body, git)

    def _append(self, body: dict[str, Any], git: Mapping[str, Any] | str | None = "auto") -> Record:
        if isinstance(git, str) and git != "auto":
            raise ParameterError(
                f"git must be 'auto', None or a mapping with 'commit' and 'dirty'. Got {git!r} instead."
            )
        user, host = who_and_where()
        body = {
            **body,
            "user": user,
            "host": host,
            "git": (git_state() if isinstance(git, str) else (to_plain(dict(git)) if git else None)),
            "environment": self._env(),
        }
        root = self.path
        with self._lock():
            seq, prev_id, prev_hash = self._tip()
            body["time"] = format_time(now_utc())
            body_bytes = _chain.canonical_body(encode(to_plain(body)))
            chain = _chain.seal(seq + 1, prev_id, prev_hash, body_bytes)
            path = _chain.record_path(root, chain)
            _chain.atomic_write(
                path, _chain.format_record(chain, body_bytes), fsync=self.fsync, exclusive=True
            )
            _chain.write_head(root, chain, fsync=self.fsync)
            stored = json.loads(body_bytes)
            with self._connect() as conn:
                self._catch_up(conn, upto=chain.seq - 1)
                conn.execute("BEGIN IMMEDIATE")
                _index.insert_record(conn, chain, stored, path.relative_to(root).as_posix())
                _index.set_meta(conn, "last_seq", str(chain.seq))
                _index.set_meta(conn, "last_hash", chain.hash)
                conn.execute("COMMIT")
        return Record(chain, stored, path)

    def _env(self) -> dict[str, Any]:
        if not _ENV_CACHE:  # once per process: the packages and thread settings it runs with
            from mlgates.fingerprints.environment import capture_environment

            env = capture_environment()
            env.pop("git", None)
            _ENV_CACHE.append(to_plain(env))
        return _ENV_CACHE[0]  # type: ignore[no-any-return]

    def _tip(self) -> tuple[int, Any, str]:
        """``(seq, id, hash)`` of the last record (under the lock), adopting a record written
        after the head by a process that stopped before updating it."""
        root = self.path
        head = _chain.read_head(root)
        rid: Any
        if head is None or head.get("invalid"):
            files = _chain.record_files(root)
            if head is None and not files:
                return 0, None, _chain.GENESIS
            best = None
            for p in files:
                parsed = _chain.parse_record_file(p)
                if parsed.ok and parsed.chain is not None and (best is None or parsed.chain.seq > best.seq):
                    best = parsed.chain
            if best is None:
                raise LedgerError(f"{root}: HEAD.json is unreadable and no intact record was found.")
            seq, rid, h = best.seq, best.id, best.hash
        else:
            seq, rid, h = int(head["seq"]), head.get("id"), str(head["hash"])
        while True:  # records after the head
            nxt = [_chain.parse_record_file(p) for p in _chain.find_seq(root, seq + 1)]
            follows = [n for n in nxt if n.ok and n.chain is not None and n.chain.prev_hash == h]
            if not nxt:
                return seq, rid, h
            if len(follows) != 1:
                raise LedgerError(
                    f"{root}: a record after the head ({nxt[0].path.name}) does not continue the chain; "
                    "run `mlgates ledger verify` and repair the ledger before appending."
                )
            c = follows[0].chain
            assert c is not None
            seq, rid, h = c.seq, c.id, c.hash

    # -- the index --------------------------------------------------------------------------
    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """This object's connection to the index (one per process, opened on first use and
        re-opened when the index file was deleted), used under the object's mutex."""
        with self._mutex:
            path = self.path / _INDEX
            cached = self._conn
            if cached is not None and (cached[0] != os.getpid() or not path.exists()):
                if cached[0] == os.getpid():
                    cached[1].close()
                cached = self._conn = None
            if cached is None:
                if not path.exists():  # a deleted index: leftovers of its write-ahead log go too
                    for extra in ("-wal", "-shm"):
                        Path(f"{path}{extra}").unlink(missing_ok=True)
                cached = self._conn = (os.getpid(), _index.connect(path, durable=self.fsync))
            yield cached[1]

    def close(self) -> None:
        """Close the connection to the index (reopened on next use)."""
        with self._mutex:
            if self._conn is not None and self._conn[0] == os.getpid():
                self._conn[1].close()
            self._conn = None

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.close()

    def _catch_up(self, conn: sqlite3.Connection, upto: int) -> None:
        """Bring the index up to record ``upto`` (the caller holds the lock)."""
        last = _index.get_meta(conn, "last_seq")
        version = _index.get_meta(conn, "version")
        if version != _index.INDEX_VERSION:
            if upto > 0 or last is not None:
                _index.rebuild(conn, self._chain_items())
            else:
                _index.set_meta(conn, "version", _index.INDEX_VERSION)
            return
        start = int(last or 0)
        if start > upto:
            _index.rebuild(conn, self._chain_items())
            return
        if start == upto:
            return
        items = []
        for seq in range(start + 1, upto + 1):
            files = [_chain.parse_record_file(p) for p in _chain.find_seq(self.path, seq)]
            ok = [f for f in files if f.ok and f.chain is not None]
            if len(ok) != 1:
                _index.rebuild(conn, self._chain_items())
                return
            items.append(ok[0])
        conn.execute("BEGIN IMMEDIATE")
        for parsed in items:
            assert parsed.chain is not None
            rel = parsed.path.relative_to(self.path).as_posix()
            _index.insert_record(conn, parsed.chain, json.loads(parsed.body_bytes), rel)
        last_chain = items[-1].chain
        assert last_chain is not None
        _index.set_meta(conn, "last_seq", str(last_chain.seq))
        _index.set_meta(conn, "last_hash", last_chain.hash)
        conn.execute("COMMIT")

    def _chain_items(self) -> Iterator[tuple[_chain.ChainFields, Mapping[str, Any], str]]:
        """Intact records in chain order (one per position: the one its successor follows)."""
        by_seq: dict[int, list[_chain.ParsedFile]] = {}
        for p in _chain.record_files(self.path):
            parsed = _chain.parse_record_file(p)
            if parsed.ok and parsed.chain is not None:
                by_seq.setdefault(parsed.chain.seq, []).append(parsed)
        referenced = {n.chain.prev_hash for group in by_seq.values() for n in group if n.chain}
        for seq in sorted(by_seq):
            group = by_seq[seq]
            pick = next((n for n in group if n.chain and n.chain.hash in referenced), group[0])
            assert pick.chain is not None
            yield pick.chain, json.loads(pick.body_bytes), pick.path.relative_to(self.path).as_posix()

    @contextlib.contextmanager
    def _reader(self) -> Iterator[sqlite3.Connection]:
        """A connection to an index that is up to date with the head."""
        if not self.path.is_dir():
            raise LedgerError(
                f"{self.path}: no ledger here. Record a verdict first (ledger.record(...)) or pass "
                "the ledger folder (--ledger DIR / MLGATES_LEDGER)."
            )
        head = _chain.read_head(self.path)
        head_seq = int(head["seq"]) if head and not head.get("invalid") else None
        with self._connect() as conn:
            last = _index.get_meta(conn, "last_seq")
            fresh = _index.get_meta(conn, "version") == _index.INDEX_VERSION
            if not fresh or head_seq is None or int(last or 0) != head_seq:
                with self._lock():
                    seq, _, _ = self._tip()
                    self._catch_up(conn, upto=seq)
            yield conn

    def reindex(self) -> int:
        """Rebuild the SQLite index from the record files; returns the number of records.

        The index is a cache: deleting ``index.sqlite`` and calling this gives the same answers.
        """
        with self._lock(), self._connect() as conn:
            return _index.rebuild(conn, self._chain_items())

    # -- reading ----------------------------------------------------------------------------
    def __len__(self) -> int:
        if not self.path.is_dir():
            return 0
        with self._reader() as conn:
            return int(conn.execute("SELECT COUNT(*) FROM records").fetchone()[0])

    def head(self) -> dict[str, Any] | None:
        """The head anchor: ``{"seq", "id", "hash"}`` of the last record (None when empty).

        Keep a copy elsewhere (CI logs, a commit) to detect a truncated ledger later."""
        head = _chain.read_head(self.path)
        return None if head is None or head.get("invalid") else head

    def get(self, record_id: str | int) -> Record:
        """The record with this id, id prefix (``"00000042"``) or sequence number (42)."""
        with self._reader() as conn:
            key = str(record_id)
            if key.isdigit():
                rows = conn.execute("SELECT path FROM records WHERE seq = ?", (int(key),)).fetchall()
            else:
                rows = conn.execute(
                    "SELECT path FROM records WHERE id = ? OR id LIKE ?", (key, key + "%")
                ).fetchall()
        if len(rows) != 1:
            what = "no record" if not rows else f"{len(rows)} records"
            raise LedgerError(
                f"{self.path}: {what} with id {record_id!r}; see `mlgates ledger history NAME`."
            )
        return self._read(Path(self.path / rows[0][0]))

    def _read(self, path: Path) -> Record:
        parsed = _chain.parse_record_file(path)
        if parsed.chain is None:
            raise LedgerError(
                f"{path}: not a readable record ({parsed.problem}); run `mlgates ledger verify`."
            )
        return Record(parsed.chain, json.loads(parsed.body_bytes), path, intact=parsed.ok)

    def records(
        self, *, model_name: str | None = None, fingerprint: str | None = None, kind: str | None = None
    ) -> list[Record]:
        """Records in chain order, optionally only those about one model or of one kind."""
        sql, args = "SELECT path FROM records WHERE 1=1", []
        for column, value in (("model_name", model_name), ("model_fp", fingerprint), ("kind", kind)):
            if value is not None:
                sql += f" AND {column} = ?"
                args.append(value)
        with self._reader() as conn:
            paths = [r[0] for r in conn.execute(sql + " ORDER BY seq", args)]
        return [self._read(self.path / p) for p in paths]

    def verify(self) -> Verdict:
        """Check every record file and the hash chain; FAIL names each record edited, deleted,
        reordered or inserted (see :mod:`mlgates.record._verify`)."""
        from mlgates.record._verify import verify_ledger

        return verify_ledger(self.path, lock=self._lock if self.path.is_dir() else None)

    # -- lifecycle --------------------------------------------------------------------------
    def state(self, model_name: str, fingerprint: str) -> str | None:
        """Lifecycle state of one model (None when the ledger has never seen it)."""
        with self._reader() as conn:
            row = conn.execute(
                "SELECT state FROM models WHERE name = ? AND fingerprint = ?", (model_name, fingerprint)
            ).fetchone()
        return None if row is None else str(row[0])

    def live(self, model_name: str) -> list[str]:
        """Fingerprints of the live models of this name (normally one)."""
        with self._reader() as conn:
            rows = conn.execute(
                "SELECT fingerprint FROM models WHERE name = ? AND state = 'live' ORDER BY since_seq",
                (model_name,),
            ).fetchall()
        return [r[0] for r in rows]

    def promote(
        self,
        model_name: str,
        model: Any = None,
        *,
        to: str = "live",
        require: Sequence[str] | str = (),
        max_age: str | float | _dt.timedelta | None = "7d",
        reason: str | None = None,
        allow_dirty: bool = False,
        previous: str = "retired",
        now: _dt.datetime | None = None,
    ) -> Verdict:
        """Move a model to ``staging`` or ``live`` if its record allows it; see
        :func:`mlgates.record.lifecycle.promote`."""
        from mlgates.record.lifecycle import promote

        return promote(
            self,
            model_name,
            model,
            to=to,
            require=require,
            max_age=max_age,
            reason=reason,
            allow_dirty=allow_dirty,
            previous=previous,
            now=now,
        )

    def retire(self, model_name: str, model: Any = None, *, reason: str | None = None) -> Record:
        """Mark a model retired (recorded with the reason); see :func:`mlgates.record.lifecycle.retire`."""
        from mlgates.record.lifecycle import set_state

        return set_state(self, model_name, model, to="retired", action="retire", reason=reason)

    def reject(self, model_name: str, model: Any = None, *, reason: str | None = None) -> Record:
        """Mark a model rejected (it will not be promoted)."""
        from mlgates.record.lifecycle import set_state

        return set_state(self, model_name, model, to="rejected", action="reject", reason=reason)

    def status(self) -> Table:
        """Which model is live, which are being tested, which are retired: one row per model."""
        from mlgates.record._queries import status_table

        with self._reader() as conn:
            return status_table(conn)

    def history(self, model_name: str, fingerprint: str | None = None) -> Table:
        """Every verdict and decision about a model name (or one fingerprint of it), oldest first."""
        from mlgates.record._queries import history_table

        with self._reader() as conn:
            return history_table(conn, model_name, fingerprint)

    def flaky(self) -> Table:
        """Gates that gave different statuses for the same model, data and suite fingerprints."""
        from mlgates.record._queries import flaky_table

        with self._reader() as conn:
            return flaky_table(conn)

"""One record of the ledger as stored: its chain fields (position, hashes) and its body (the
verdict or lifecycle decision, with who, where, which model, data, suite and commit). The
ledger (:mod:`mlgates.record.ledger`) writes and reads them; ``mlgates.record.ledger.Record``
is the same class."""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgates.core._jsonable import decode, freeze, thaw
from mlgates.record import _chain
from mlgates.record._describe import parse_time

if TYPE_CHECKING:
    from mlgates.core.verdict import Verdict

__all__ = ["Record"]


class Record:
    """One record of the ledger, as stored: chain fields and body.

    Attributes
    ----------
    id : str
        ``{seq:08d}-{8 hex digits of the hash}``.
    seq : int
        Position in the chain (1 for the first record).
    hash, prev_hash : str
        SHA-256 of this record (its position, predecessor and body) and of its predecessor.
    body : Mapping
        What was recorded: ``kind`` (``"verdict"`` or ``"decision"``), ``time``, ``user``,
        ``host``, ``stage``, ``model``, ``data``, ``suite``, ``git``, ``environment``, and the
        ``verdict`` or the ``decision``.
    path : Path
        The record's file.
    intact : bool
        Whether the file's bytes match its hashes.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> from mlgates import Ledger, RowCountGate
    >>> ledger = Ledger(tempfile.mkdtemp())
    >>> v = RowCountGate(min_rows=1, name="release").check(current=pd.DataFrame({"x": [1, 2]}))
    >>> rec = ledger.record(v, git=None, stage="ci")
    >>> rec.id == ledger.get(1).id, rec.kind, rec.body["stage"], rec.body["data"]["current"]["n_rows"]
    (True, 'verdict', 'ci', 2)
    >>> rec.verdict == v
    True
    """

    __slots__ = ("body", "hash", "id", "intact", "path", "prev_hash", "prev_id", "seq")

    def __init__(
        self, chain: _chain.ChainFields, body: Mapping[str, Any], path: Path, intact: bool = True
    ) -> None:
        self.id = chain.id
        self.seq = chain.seq
        self.hash = chain.hash
        self.prev_hash = chain.prev_hash
        self.prev_id = chain.prev_id
        self.body = freeze(dict(body))
        self.path = path
        self.intact = intact

    @property
    def kind(self) -> str:
        """``"verdict"`` or ``"decision"``."""
        return str(self.body.get("kind"))

    @property
    def time(self) -> _dt.datetime:
        """When the record was appended (UTC)."""
        return parse_time(str(self.body["time"]))

    @property
    def model_name(self) -> str | None:
        model = self.body.get("model") or {}
        decision = self.body.get("decision") or {}
        return model.get("name") or decision.get("model")

    @property
    def model_fingerprint(self) -> str | None:
        model = self.body.get("model") or {}
        decision = self.body.get("decision") or {}
        return model.get("fingerprint") or decision.get("fingerprint")

    @property
    def verdict(self) -> Verdict | None:
        """The recorded verdict (None for decisions)."""
        from mlgates.core.verdict import Verdict

        data = self.body.get("verdict")
        return None if not data else Verdict.from_dict(decode(thaw(data)))

    @property
    def decision(self) -> Mapping[str, Any] | None:
        """The lifecycle decision (None for verdicts)."""
        return self.body.get("decision")

    def to_dict(self) -> dict[str, Any]:
        """Chain fields and body as plain data."""
        return {
            "id": self.id,
            "seq": self.seq,
            "hash": self.hash,
            "prev_id": self.prev_id,
            "prev_hash": self.prev_hash,
            "record": thaw(self.body),
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """The record as readable JSON."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, sort_keys=True)

    def __repr__(self) -> str:
        what = self.body.get("suite", {}) or {}
        status = (self.body.get("verdict") or self.body.get("decision") or {}).get("status", "")
        label = what.get("name") if self.kind == "verdict" else (self.decision or {}).get("action")
        return f"<Record {self.id} {self.kind} {label!r} {status} model={self.model_name!r}>"

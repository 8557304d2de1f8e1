"""``Ledger.verify()``: check every record file, its hashes and the chain, and name what changed.

The chain is walked from the head anchor (``HEAD.json``) down to the first record. At each
position the record whose hash its successor recorded is the genuine one:

- a file whose bytes do not match its own hashes: ``record_edited``;
- a position with no file: ``record_deleted`` (named by the id its successor recorded);
- a position whose record does not have the hash its successor recorded, where the bodies of a
  few neighbouring records, put back in another order, reproduce that hash: ``record_reordered``;
  otherwise the record was rewritten with a recomputed hash: ``record_edited``;
- a second record claiming a position that has a genuine one, or a record after the head that
  does not continue the chain: ``record_inserted``;
- a file whose name is not its record's id: ``record_reordered`` (files renamed or swapped).

Truncating the newest records *and* rewriting ``HEAD.json`` cannot be told from a shorter
ledger by the files alone: compare ``verify()``'s ``head`` with a copy kept elsewhere
(``Ledger.head()``; e.g. printed in CI logs) to catch that.
"""

from __future__ import annotations

import contextlib
import itertools
import os
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from mlgates.core.finding import Finding
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.record._chain import (
    GENESIS,
    ParsedFile,
    chain_hash,
    parse_record_file,
    read_head,
    record_files,
    record_id,
    shard_name,
)

__all__ = ["verify_ledger"]

#: Longest run of neighbouring records whose order is searched for a reordering.
MAX_REORDER_RUN = 6


class _Problems:
    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self._seen: set[tuple[str, str]] = set()

    def add(self, subject: str, reason: str, message: str, status: Status = Status.FAIL, **details: object):
        if (subject, reason) in self._seen:
            return
        self._seen.add((subject, reason))
        self.findings.append(
            Finding(subject, status, method="hash_chain", reason=reason, message=message, details=details)
        )


def _where(seq: int, rid: str) -> str:
    """The end of the path of record ``rid`` at ``seq`` (see :func:`_chain.record_path`)."""
    return os.sep + shard_name(seq) + os.sep + rid + ".json"


def _load(root: Path, files: list[Path], problems: _Problems) -> list[ParsedFile]:
    nodes = []
    for path in files:
        try:
            parsed = parse_record_file(path)
        except OSError as exc:
            problems.add(path.stem, "record_edited", f"{path.name}: unreadable ({exc})", file=str(path))
            continue
        if parsed.chain is None:
            problems.add(path.stem, "record_edited", f"{path.stem}: {parsed.problem}", file=str(path))
            continue
        if not parsed.ok:
            problems.add(
                parsed.chain.id, "record_edited", f"{parsed.chain.id}: {parsed.problem}", file=str(path)
            )
        elif not os.fspath(path).endswith(_where(parsed.chain.seq, parsed.chain.id)):
            problems.add(
                parsed.chain.id,
                "record_reordered",
                f"{path.relative_to(root)} holds record {parsed.chain.id} (files renamed or swapped)",
                file=str(path),
            )
        nodes.append(parsed)
    return nodes


def _bridge(
    by_pos: Mapping[int, list[ParsedFile]], pos: int, expect: str
) -> tuple[int, list[ParsedFile], list[str]] | None:
    """Positions ``w..pos`` whose bodies, in another order, chain to ``expect``: returns ``w``,
    the nodes as found at ``w..pos`` and the genuine hashes position by position."""
    for w in range(pos, max(0, pos - MAX_REORDER_RUN), -1):
        run = []
        for p in range(w, pos + 1):
            ok = [n for n in by_pos.get(p, []) if n.ok]
            if len(ok) != 1:
                return None
            run.append(ok[0])
        if w == 1:
            base = GENESIS
        else:
            below = [n for n in by_pos.get(w - 1, []) if n.ok]
            if len(below) != 1 or below[0].chain is None:
                continue
            base = below[0].chain.hash
        bodies = [n.chain.body_hash for n in run if n.chain is not None]
        for order in itertools.permutations(range(len(run))):
            h, hashes = base, []
            for i, j in enumerate(order):
                h = chain_hash(w + i, h, bodies[j])
                hashes.append(h)
            if h == expect and list(order) != list(range(len(run))):
                return w, [run[j] for j in order], hashes
    return None


def verify_ledger(root: Path, lock: Callable[[], AbstractContextManager[Any]] | None = None) -> Verdict:
    """Check the ledger folder ``root``; see the module docstring for what each reason means.

    ``lock`` (the ledger's append lock) is held while the head is read and the files are
    listed, so that appends running meanwhile are not half seen; the files are then read
    without it.
    """
    problems = _Problems()
    if not root.is_dir():
        return Verdict(
            Status.ERROR,
            name="ledger verify",
            gate="LedgerVerification",
            reason="missing_ledger",
            message=f"no ledger at {root}",
            params={"path": str(root)},
        )
    with lock() if lock is not None else contextlib.nullcontext():
        head = read_head(root)
        files = record_files(root)
    nodes = _load(root, files, problems)
    by_pos: dict[int, list[ParsedFile]] = {}
    for n in nodes:
        assert n.chain is not None
        by_pos.setdefault(n.chain.seq, []).append(n)
    if head is not None and head.get("invalid"):
        problems.add("HEAD.json", "invalid_head", "HEAD.json is unreadable or was changed by hand")
        head = None
    if head is None:
        ok_nodes = [n for n in nodes if n.ok and n.chain is not None]
        if ok_nodes:
            top = max(ok_nodes, key=lambda n: n.chain.seq)  # type: ignore[union-attr]
            assert top.chain is not None
            head = {"seq": top.chain.seq, "hash": top.chain.hash, "id": top.chain.id}
            problems.add(
                "HEAD.json",
                "missing_head",
                "no HEAD.json: the newest records cannot be checked against the head anchor "
                f"(taking {top.chain.id} as the head)",
                Status.WARN,
            )
        else:
            head = {"seq": 0, "hash": GENESIS, "id": None}
    anchor_seq = int(head["seq"])
    _walk(by_pos, anchor_seq, str(head["hash"]), head.get("id"), problems)
    _above_head(by_pos, anchor_seq, str(head["hash"]), problems)
    n_records = sum(1 for n in nodes if n.ok)
    findings = problems.findings
    if not nodes and not findings and int(head["seq"]) == 0:
        return Verdict(
            Status.SKIP,
            name="ledger verify",
            gate="LedgerVerification",
            reason="nothing_to_check",
            message=f"the ledger at {root} holds no records",
            params={"path": str(root)},
        )
    status = Status.worst([f.status for f in findings]) if findings else Status.PASS
    if status is Status.PASS:
        message = f"{n_records} records, chain intact up to the head {head.get('id') or '(empty)'}"
    else:
        bad = [f for f in findings if f.status is not Status.PASS]
        message = f"{len(bad)} problems in {n_records} records: " + "; ".join(f.message for f in bad[:3])
        if len(bad) > 3:
            message += f" (+{len(bad) - 3} more)"
    return Verdict(
        status=status,
        name="ledger verify",
        gate="LedgerVerification",
        reason=None
        if status is Status.PASS
        else ("ledger_tampered" if status is Status.FAIL else findings[0].reason),
        message=message,
        metrics={"n_records": float(n_records), "n_problems": float(len(findings))},
        findings=tuple(findings),
        params={"path": str(root), "head": head},
    )


def _walk(
    by_pos: Mapping[int, list[ParsedFile]],
    pos: int,
    expect: str | None,
    expect_id: object,
    problems: _Problems,
) -> None:
    while pos >= 1:
        cands = by_pos.get(pos, [])
        match = [n for n in cands if n.chain is not None and n.chain.hash == expect]
        node: ParsedFile | None = None
        if match:
            node = next((n for n in match if n.ok), match[0])
        elif expect is not None and (bridged := _bridge(by_pos, pos, expect)) is not None:
            w, moved, hashes = bridged
            for i, n in enumerate(moved):
                assert n.chain is not None
                if n.chain.seq != w + i:
                    genuine = record_id(w + i, hashes[i])
                    problems.add(
                        n.chain.id,
                        "record_reordered",
                        f"{n.chain.id}: its content was written as record {genuine} (position {w + i}) "
                        f"and moved to position {n.chain.seq}",
                        original_id=genuine,
                    )
            below = [n for n in by_pos.get(w - 1, []) if n.ok]
            expect = GENESIS if w == 1 else (below[0].chain.hash if below and below[0].chain else None)
            expect_id = None
            pos = w - 1
            continue
        elif not cands:
            name = str(expect_id) if expect_id else f"{pos:08d}"
            problems.add(name, "record_deleted", f"{name}: the record is missing (deleted)")
            expect, expect_id = None, None
            pos -= 1
            continue
        else:
            ok = [n for n in cands if n.ok]
            node = _pick(ok, by_pos.get(pos - 1, [])) if ok else cands[0]
            if expect is not None and node.ok and node.chain is not None:
                was = f" (the chain names {expect_id})" if expect_id else ""
                problems.add(
                    node.chain.id,
                    "record_edited",
                    f"{node.chain.id}: rewritten with a recomputed hash; it is not the record its "
                    f"successor follows{was}",
                )
        assert node is not None and node.chain is not None
        for other in cands:
            if other is not node and other.ok and other.chain is not None:
                problems.add(
                    other.chain.id,
                    "record_inserted",
                    f"{other.chain.id}: a second record at position {pos}, not part of the chain (inserted)",
                )
        expect, expect_id = node.chain.prev_hash, node.chain.prev_id
        pos -= 1
    if pos == 0 and expect not in (None, GENESIS):
        problems.add("00000001", "record_edited", "the first record does not start the chain")


def _pick(ok: list[ParsedFile], below: list[ParsedFile]) -> ParsedFile:
    """Among records at one position, the one that links to a record below it."""
    hashes = {n.chain.hash for n in below if n.chain is not None}
    for n in ok:
        if n.chain is not None and (n.chain.prev_hash in hashes or n.chain.prev_hash == GENESIS):
            return n
    return ok[0]


def _above_head(
    by_pos: Mapping[int, list[ParsedFile]], anchor_seq: int, anchor_hash: str, problems: _Problems
) -> None:
    above = sorted(p for p in by_pos if p > anchor_seq)
    expect = anchor_hash
    for p in above:
        nodes = [n for n in by_pos[p] if n.ok and n.chain is not None]
        follows = [n for n in nodes if n.chain is not None and n.chain.prev_hash == expect]
        if p == anchor_seq + 1 + above.index(p) and len(follows) == 1 and len(nodes) == 1:
            n = follows[0]
            assert n.chain is not None
            problems.add(
                n.chain.id,
                "head_behind",
                f"{n.chain.id} continues the chain after the head anchor: written by a process that "
                "stopped before updating HEAD.json, or appended by hand; the next append adopts it",
                Status.WARN,
            )
            expect = n.chain.hash
            continue
        for n in nodes:
            assert n.chain is not None
            problems.add(
                n.chain.id,
                "record_inserted",
                f"{n.chain.id}: after the head anchor and not continuing the chain (inserted)",
            )
        expect = ""

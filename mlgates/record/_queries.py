"""Queries over the ledger's index: status, history, flakiness and the evidence for a promotion."""

from __future__ import annotations

import sqlite3
from typing import Any

from mlgates.record.table import Table

__all__ = ["STATE_ORDER", "flaky_table", "history_table", "latest_verdicts", "status_table"]

#: Lifecycle states, in the order ``status()`` lists them.
STATE_ORDER = ("live", "staging", "candidate", "retired", "rejected")


def _short_commit(commit: Any, dirty: Any) -> str:
    if not commit:
        return ""
    return str(commit)[:10] + ("+dirty" if dirty else "")


def status_table(conn: sqlite3.Connection) -> Table:
    """One row per (model name, fingerprint): state, since when, and its latest verdict."""
    rows = conn.execute(
        """
        SELECT m.name, m.fingerprint, m.state, m.since_time, s.id, v.suite_name, v.status, v.time, v.id,
               m.n_records
        FROM models m
        LEFT JOIN records s ON s.seq = m.since_seq
        LEFT JOIN records v ON v.seq = m.last_verdict_seq
        """
    ).fetchall()
    order = {s: i for i, s in enumerate(STATE_ORDER)}
    rows.sort(key=lambda r: (r[0], order.get(r[2], 99), r[3] or ""))
    out = tuple(
        (
            name,
            fp,
            state,
            since,
            since_id,
            f"{suite}: {status}" if suite else "",
            vtime or "",
            vid or "",
            n,
        )
        for name, fp, state, since, since_id, suite, status, vtime, vid, n in rows
    )
    return Table(
        "models in the ledger",
        (
            "model",
            "fingerprint",
            "state",
            "since",
            "since_record",
            "last_verdict",
            "verdict_time",
            "verdict_record",
            "n_records",
        ),
        out,
    )


def history_table(conn: sqlite3.Connection, model_name: str, fingerprint: str | None) -> Table:
    """Every verdict and decision about a model, oldest first."""
    sql = (
        "SELECT id, time, kind, model_fp, suite_name, action, state_from, state_to, status, reason, "
        "message, stage, user, git_commit, git_dirty FROM records WHERE model_name = ?"
    )
    args: list[Any] = [model_name]
    if fingerprint is not None:
        sql += " AND model_fp = ?"
        args.append(fingerprint)
    rows = []
    for (
        rid,
        time,
        kind,
        fp,
        suite,
        action,
        s_from,
        s_to,
        status,
        reason,
        message,
        stage,
        user,
        commit,
        dirty,
    ) in conn.execute(sql + " ORDER BY seq", args):
        what = suite if kind == "verdict" else f"{action}: {s_from} -> {s_to}"
        rows.append(
            (
                rid,
                time,
                kind,
                fp,
                what,
                status,
                reason or "",
                message or "",
                stage or "",
                user,
                _short_commit(commit, dirty),
            )
        )
    return Table(
        f"history of {model_name}" + (f" ({fingerprint})" if fingerprint else ""),
        (
            "id",
            "time",
            "kind",
            "fingerprint",
            "what",
            "status",
            "reason",
            "message",
            "stage",
            "user",
            "commit",
        ),
        tuple(rows),
    )


def flaky_table(conn: sqlite3.Connection) -> Table:
    """Gates whose status differed between records of the same model, data and suite."""
    rows = conn.execute(
        """
        SELECT r.model_name, r.model_fp, r.suite_name, g.path, g.gate,
               GROUP_CONCAT(DISTINCT g.status), GROUP_CONCAT(r.id), COUNT(*)
        FROM gates g JOIN records r ON r.seq = g.seq
        WHERE r.kind = 'verdict' AND r.model_fp IS NOT NULL AND r.data_key IS NOT NULL
        GROUP BY r.model_name, r.model_fp, r.data_key, r.suite_hash, g.path
        HAVING COUNT(DISTINCT g.status) > 1
        ORDER BY r.model_name, g.path
        """
    ).fetchall()
    out = tuple(
        (name, fp, suite, path, gate, ", ".join(sorted(set(statuses.split(",")))), ids, n)
        for name, fp, suite, path, gate, statuses, ids, n in rows
    )
    return Table(
        "gates with different statuses for the same model, data and suite",
        ("model", "fingerprint", "suite", "gate", "type", "statuses", "records", "n_runs"),
        out,
    )


def latest_verdicts(
    conn: sqlite3.Connection, model_name: str, fingerprint: str | None = None
) -> dict[str, tuple[Any, ...]]:
    """The latest verdict record per suite name: ``suite -> (seq, id, path, fingerprint, status)``."""
    sql = (
        "SELECT suite_name, seq, id, path, model_fp, status FROM records "
        "WHERE kind = 'verdict' AND model_name = ?"
    )
    args: list[Any] = [model_name]
    if fingerprint is not None:
        sql += " AND model_fp = ?"
        args.append(fingerprint)
    out: dict[str, tuple[Any, ...]] = {}
    for suite, *rest in conn.execute(sql + " ORDER BY seq", args):
        out[suite] = tuple(rest)
    return out

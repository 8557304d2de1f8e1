"""Model lifecycle: ``candidate -> staging -> live -> retired`` (plus ``rejected``), and the
promotion guard that decides, from the ledger alone, whether a model may move up.

A model is a name and a fingerprint. It is a ``candidate`` from its first record on; every
change of state is a ``decision`` record (who, when, why, and for a promotion the verdict that
allowed or refused it), and so is every refused promotion.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from mlgates.core.errors import ParameterError
from mlgates.core.finding import Finding
from mlgates.core.params import parameter_error
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.record._describe import describe_model, now_utc

if TYPE_CHECKING:
    from mlgates.record.ledger import Ledger, Record

__all__ = ["STATES", "evaluate_promotion", "parse_age", "promote", "set_state"]

#: Lifecycle states.
STATES = ("candidate", "staging", "live", "retired", "rejected")
_TARGETS = ("staging", "live")
_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_age(value: str | float | _dt.timedelta | None, owner: str = "promote") -> _dt.timedelta | None:
    """``"7d"``, ``"12h"``, ``"30m"``, ``"45s"``, ``"2w"``, a number of seconds or a timedelta.

    Examples
    --------
    >>> parse_age("7d")
    datetime.timedelta(days=7)
    >>> parse_age(90)
    datetime.timedelta(seconds=90)
    >>> parse_age(None) is None
    True
    """
    if value is None or isinstance(value, _dt.timedelta):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
        return _dt.timedelta(seconds=float(value))
    if isinstance(value, str) and (m := _AGE.match(value)):
        return _dt.timedelta(seconds=float(m.group(1)) * _UNITS[m.group(2)])
    raise parameter_error(
        owner,
        "max_age",
        "a duration like '7d', '12h', '30m', a number of seconds, a timedelta or None",
        value,
    )


def _requirements(require: Sequence[str] | str) -> list[str]:
    if isinstance(require, str):
        return [require]
    if not all(isinstance(r, str) and r for r in require):
        raise ParameterError(
            f"require must be suite names (str). Got {list(require)!r} instead. Fix: require=['release']."
        )
    return list(require)


def _fmt_age(age: _dt.timedelta) -> str:
    s = age.total_seconds()
    for unit, n in (("d", 86400), ("h", 3600), ("m", 60)):
        if s >= n:
            return f"{s / n:.1f}{unit}"
    return f"{s:.0f}s"


def evaluate_promotion(
    ledger: Ledger,
    model_name: str,
    fingerprint: str,
    *,
    require: Sequence[str] | str = (),
    max_age: str | float | _dt.timedelta | None = "7d",
    allow_dirty: bool = False,
    now: _dt.datetime | None = None,
    name: str = "promotion",
) -> Verdict:
    """Whether the ledger holds the evidence to promote this exact model.

    For every required suite (every suite recorded for the model when ``require`` is empty)
    the latest verdict recorded for this fingerprint must be intact, passed (PASS or WARN),
    younger than ``max_age``, name the data it judged by fingerprint, and come from a clean
    commit (unless ``allow_dirty``). One finding per suite; FAIL names the first rule broken.
    Nothing is written to the ledger.

    Parameters
    ----------
    ledger : Ledger
    model_name : str
    fingerprint : str
        The model's fingerprint (``mlgates.fingerprint(model)`` or of its file).
    require : sequence of str or str
        Suite names; empty: every suite recorded for the model.
    max_age : str, number, timedelta or None
        ``"7d"``, ``"12h"``, seconds; None: any age.
    allow_dirty : bool
    now : datetime, optional
        The time to judge ages at (default: now, UTC).
    name : str
        The verdict's name.

    Returns
    -------
    Verdict
        ``PromotionGate`` verdict with one finding per suite.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> from mlgates import Ledger, RowCountGate
    >>> ledger = Ledger(tempfile.mkdtemp())
    >>> fp = "mlg1-xxh3_128:" + "9" * 32
    >>> v = RowCountGate(min_rows=5, name="release").check(current=pd.DataFrame({"x": [1]}))
    >>> _ = ledger.record(v, model=fp, model_name="churn", git={"commit": "abc", "dirty": False})
    >>> verdict = evaluate_promotion(ledger, "churn", fp, require=["release"])
    >>> verdict.status.value, verdict.reason
    ('fail', 'verdict_failed')
    """
    from mlgates.record._queries import latest_verdicts

    required = _requirements(require)
    limit = parse_age(max_age)
    now = now or now_utc()
    with ledger._reader() as conn:
        mine = latest_verdicts(conn, model_name, fingerprint)
        any_fp = latest_verdicts(conn, model_name)
        state_row = conn.execute(
            "SELECT state FROM models WHERE name = ? AND fingerprint = ?", (model_name, fingerprint)
        ).fetchone()
    state = state_row[0] if state_row else None
    findings: list[Finding] = []
    suites = required or sorted(s for s in mine if s)
    if not suites:
        findings.append(
            Finding(
                "(any suite)",
                Status.FAIL,
                method="ledger",
                reason="missing_verdict",
                message=f"{model_name} {fingerprint}: no verdict recorded for this model",
            )
        )
    for suite in suites:
        findings.append(
            _judge_suite(ledger, model_name, fingerprint, suite, mine, any_fp, limit, allow_dirty, now)
        )
    if state == "rejected":
        findings.append(
            Finding(
                "lifecycle",
                Status.FAIL,
                method="ledger",
                reason="model_rejected",
                message=f"{model_name} {fingerprint} was rejected; record a new model instead",
            )
        )
    status = Status.worst(f.status for f in findings)
    bad = [f for f in findings if f.status is not Status.PASS]
    message = (
        f"{model_name} may be promoted: " + "; ".join(f.message for f in findings)
        if not bad
        else f"{model_name} may not be promoted: " + "; ".join(f.message for f in bad)
    )
    return Verdict(
        status=status,
        name=name,
        gate="PromotionGate",
        reason=None if not bad else bad[0].reason,
        message=message,
        findings=tuple(findings),
        params={
            "model_name": model_name,
            "fingerprint": fingerprint,
            "require": required,
            "max_age": None if limit is None else limit.total_seconds(),
            "allow_dirty": allow_dirty,
            "now": now.isoformat(),
            "ledger": str(ledger.path),
            "state": state,
        },
    )


def _judge_suite(
    ledger: Ledger,
    model_name: str,
    fingerprint: str,
    suite: str,
    mine: dict[str, tuple[Any, ...]],
    any_fp: dict[str, tuple[Any, ...]],
    limit: _dt.timedelta | None,
    allow_dirty: bool,
    now: _dt.datetime,
) -> Finding:
    def fail(reason: str, message: str, status: Status = Status.FAIL, **details: Any) -> Finding:
        return Finding(suite, status, method="ledger", reason=reason, message=message, details=details)

    if suite not in mine:
        other = any_fp.get(suite)
        if other is not None:
            _, rid, _, other_fp, _ = other
            return fail(
                "fingerprint_mismatch",
                f"{suite}: the latest verdict for {model_name} ({rid}) judged model {other_fp}, "
                f"not this one ({fingerprint})",
                record=rid,
            )
        return fail("missing_verdict", f"{suite}: no verdict recorded for {model_name} {fingerprint}")
    _, rid, path, _, _ = mine[suite]
    record = ledger._read(ledger.path / path)
    if not record.intact or record.id != rid:
        return fail(
            "record_tampered",
            f"{suite}: record {rid} does not match its hashes; run `mlgates ledger verify`",
            Status.ERROR,
            record=rid,
        )
    verdict = record.verdict
    assert verdict is not None
    age = now - record.time
    git = record.body.get("git") or {}
    data = record.body.get("data") or {}
    if not verdict.passed:
        return fail(
            "verdict_failed",
            f"{suite}: {verdict.status.value.upper()} in {rid} ({verdict.reason or verdict.message})",
            record=rid,
        )
    if limit is not None and age > limit:
        return fail(
            "verdict_age_exceeded",
            f"{suite}: the latest verdict ({rid}) is {_fmt_age(age)} old > max_age {_fmt_age(limit)}; "
            "check the model again",
            record=rid,
            age_s=age.total_seconds(),
        )
    if not any(isinstance(e, Mapping) and e.get("fingerprint") for e in data.values()):
        return fail(
            "missing_data_fingerprint",
            f"{suite}: {rid} does not name the data it judged by fingerprint; record it with data=...",
            record=rid,
        )
    if not git.get("commit") and not allow_dirty:
        return fail(
            "commit_unknown",
            f"{suite}: {rid} has no git commit (run from a repository, or allow_dirty=True, --allow-dirty)",
            record=rid,
        )
    if git.get("dirty") and not allow_dirty:
        return fail(
            "commit_dirty",
            f"{suite}: {rid} ran on commit {str(git.get('commit'))[:10]} with uncommitted changes "
            "(commit them and check again, or allow_dirty=True, --allow-dirty)",
            record=rid,
        )
    return Finding(
        suite,
        Status.PASS,
        method="ledger",
        message=f"{suite}: {verdict.status.value.upper()} in {rid}, {_fmt_age(age)} ago",
        details={"record": rid, "age_s": age.total_seconds()},
    )


def resolve_model(ledger: Ledger, model_name: str, model: Any) -> str:
    """The fingerprint of ``model`` (estimator, file or fingerprint); ``None`` picks the only
    fingerprint recorded under the name and refuses when there are several."""
    if model is not None:
        fp = describe_model(model, model_name)["fingerprint"]
        assert isinstance(fp, str)
        return fp
    with ledger._reader() as conn:
        fps = [r[0] for r in conn.execute("SELECT fingerprint FROM models WHERE name = ?", (model_name,))]
    if len(fps) == 1:
        return str(fps[0])
    if not fps:
        raise ParameterError(f"the ledger has no model named {model_name!r}; see ledger.status().")
    raise ParameterError(
        f"{len(fps)} models are recorded as {model_name!r}; say which: pass the model, its file or its "
        f"fingerprint (one of {', '.join(fps)})."
    )


def _decide(
    ledger: Ledger,
    model_name: str,
    fingerprint: str,
    *,
    action: str,
    to: str,
    allowed: bool,
    reason: str | None,
    verdict: Verdict | None = None,
    caused_by: str | None = None,
) -> Record:
    state = ledger.state(model_name, fingerprint)
    body = {
        "kind": "decision",
        "stage": None,
        "model": {"name": model_name, "fingerprint": fingerprint},
        "data": {},
        "suite": None,
        "decision": {
            "action": action,
            "model": model_name,
            "fingerprint": fingerprint,
            "from": state,
            "to": to,
            "allowed": allowed,
            "status": None if verdict is None else verdict.status.value,
            "reason": None if verdict is None else verdict.reason,
            "message": reason or (None if verdict is None else verdict.message),
            "verdict": None if verdict is None else verdict.to_dict(),
            "caused_by": caused_by,
        },
    }
    return ledger._append(body, git="auto")


def promote(
    ledger: Ledger,
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
    """Promote a model to ``staging`` or ``live`` if :func:`evaluate_promotion` passes.

    The decision is recorded either way (a refused promotion too). Promoting a model to
    ``live`` moves the other live models of the same name to ``previous`` (``"retired"`` or
    ``"staging"``), each change recorded with the id of the promotion that caused it.

    Returns
    -------
    Verdict
        The promotion verdict; ``params["record"]`` is the id of the decision record,
        ``params["replaced"]`` the fingerprints moved out of ``live``.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> from mlgates import Ledger, RowCountGate
    >>> ledger = Ledger(tempfile.mkdtemp())
    >>> old, new = "mlg1-xxh3_128:" + "1" * 32, "mlg1-xxh3_128:" + "2" * 32
    >>> v = RowCountGate(min_rows=1, name="release").check(current=pd.DataFrame({"x": [1]}))
    >>> for fp in (old, new):
    ...     _ = ledger.record(v, model=fp, model_name="churn", git={"commit": "abc", "dirty": False})
    >>> promote(ledger, "churn", old, require="release").passed
    True
    >>> list(promote(ledger, "churn", new, require="release").params["replaced"]) == [old]
    True
    >>> ledger.state("churn", old)
    'retired'
    """
    if to not in _TARGETS:
        raise parameter_error("promote", "to", "one of {'staging', 'live'}", to)
    if previous not in ("retired", "staging"):
        raise parameter_error("promote", "previous", "one of {'retired', 'staging'}", previous)
    with ledger._lock():
        fp = resolve_model(ledger, model_name, model)
        verdict = evaluate_promotion(
            ledger, model_name, fp, require=require, max_age=max_age, allow_dirty=allow_dirty, now=now
        )
        rec = _decide(
            ledger,
            model_name,
            fp,
            action="promote",
            to=to,
            allowed=verdict.passed,
            reason=reason,
            verdict=verdict,
        )
        demoted = []
        if verdict.passed and to == "live":
            for other in ledger.live(model_name):
                if other != fp:
                    _decide(
                        ledger,
                        model_name,
                        other,
                        action="retire" if previous == "retired" else "demote",
                        to=previous,
                        allowed=True,
                        reason=f"replaced by {fp} ({rec.id})",
                        caused_by=rec.id,
                    )
                    demoted.append(other)
    return verdict.replace(params={**dict(verdict.params), "record": rec.id, "to": to, "replaced": demoted})


def set_state(
    ledger: Ledger, model_name: str, model: Any, *, to: str, action: str, reason: str | None
) -> Record:
    """Record a manual change of state (``Ledger.retire``, ``Ledger.reject``); returns the
    decision record.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> from mlgates import Ledger, RowCountGate
    >>> ledger = Ledger(tempfile.mkdtemp())
    >>> fp = "mlg1-xxh3_128:" + "4" * 32
    >>> v = RowCountGate(min_rows=1, name="release").check(current=pd.DataFrame({"x": [1]}))
    >>> _ = ledger.record(v, model=fp, model_name="churn", git=None)
    >>> rec = set_state(ledger, "churn", fp, to="rejected", action="reject", reason="label leak")
    >>> rec.decision["from"], rec.decision["to"], ledger.state("churn", fp)
    ('candidate', 'rejected', 'rejected')
    """
    with ledger._lock():
        fp = resolve_model(ledger, model_name, model)
        state = ledger.state(model_name, fp)
        if state is None:
            raise ParameterError(f"the ledger has never seen {model_name} {fp}; nothing to {action}.")
        if state == to:
            raise ParameterError(f"{model_name} {fp} is already {to}.")
        return _decide(ledger, model_name, fp, action=action, to=to, allowed=True, reason=reason)

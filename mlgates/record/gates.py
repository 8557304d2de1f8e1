"""Gates on the record: the promotion guard for CI, and the audit of what is deployed.

They read the ledger (configured once, as a folder) and judge a model or a deployment against
it, so they live beside the ledger in ``mlgates.record`` (the gate families never import it).
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

from mlgates.core.context import CheckContext
from mlgates.core.errors import InputError
from mlgates.core.finding import Finding
from mlgates.core.gate import Gate
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.record._describe import describe_model, is_fingerprint, now_utc, parse_time
from mlgates.record.ledger import Ledger, LedgerError
from mlgates.record.lifecycle import _fmt_age, evaluate_promotion, parse_age

__all__ = ["PromotionGate", "UnmanagedModelsGate"]


class _LedgerParam:
    """A ledger given as a folder (str or path), a :class:`Ledger`, or None for the default."""

    def is_satisfied_by(self, value: Any) -> bool:
        return value is None or isinstance(value, (str, os.PathLike, Ledger))

    def __str__(self) -> str:
        return "a ledger folder (str or path), a Ledger or None"


class _AgeParam:
    def __init__(self, allow_none: bool = True) -> None:
        self.allow_none = allow_none

    def is_satisfied_by(self, value: Any) -> bool:
        if value is None:
            return self.allow_none
        try:
            parse_age(value)
        except ValueError:
            return False
        return True

    def __str__(self) -> str:
        return "a duration like '7d', '12h', a number of seconds" + (" or None" if self.allow_none else "")


def _open(ledger: Any) -> Ledger:
    return ledger if isinstance(ledger, Ledger) else Ledger(ledger)


class _RecordGate(Gate):
    def _param_to_config(self, key: str, value: Any) -> Any:
        if key == "ledger" and value is not None:
            return str(value.path if isinstance(value, Ledger) else Path(value))
        return super()._param_to_config(key, value)


class PromotionGate(_RecordGate):
    """The promotion guard as a gate: does the ledger allow this exact model to be promoted?

    Passes when, for every required suite, the latest verdict recorded for the model's
    fingerprint passed, is younger than ``max_age``, names the data it judged by fingerprint
    and ran on a clean commit. Nothing is written to the ledger (``Ledger.promote`` does that).

    Parameters
    ----------
    require : sequence of str, default ()
        Names of the suites whose passing verdicts are required; empty: every suite recorded
        for the model, and at least one.
    max_age : str, number, timedelta or None, default "7d"
        The oldest verdict that counts (``"12h"``, ``"30d"``, seconds); None: any age.
    allow_dirty : bool, default False
        Accept verdicts recorded with uncommitted changes or outside a git repository.
    ledger : str, path, Ledger or None
        The ledger folder; None: ``$MLGATES_LEDGER`` or ``.mlgates/ledger``.
    name : str, optional
    blocking : bool, default True

    Notes
    -----
    Inputs: ``model`` (the fitted model, its file as a ``pathlib.Path``, or its fingerprint)
    and ``model_name``. Reasons: ``missing_verdict``, ``fingerprint_mismatch``,
    ``verdict_failed``, ``verdict_age_exceeded``, ``missing_data_fingerprint``, ``commit_unknown``,
    ``commit_dirty``, ``model_rejected`` (FAIL); ``record_tampered``, ``missing_ledger`` (ERROR).

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> from mlgates import Ledger, PromotionGate, RowCountGate
    >>> ledger = Ledger(tempfile.mkdtemp())
    >>> fp = "mlg1-xxh3_128:" + "cd" * 16
    >>> v = RowCountGate(min_rows=1, name="release").check(current=pd.DataFrame({"x": [1]}))
    >>> _ = ledger.record(v, model=fp, model_name="churn", git={"commit": "abc", "dirty": False})
    >>> gate = PromotionGate(require=["release"], ledger=ledger)
    >>> gate.check(model=fp, model_name="churn").status.value
    'pass'
    >>> gate.check(model="mlg1-xxh3_128:" + "00" * 16, model_name="churn").reason
    'fingerprint_mismatch'
    """

    extra_inputs: ClassVar[tuple[str, ...]] = ("model_name",)
    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "require": [list, tuple, str],
        "max_age": [_AgeParam()],
        "allow_dirty": ["boolean"],
        "ledger": [_LedgerParam()],
    }

    def __init__(
        self,
        *,
        require: Sequence[str] | str = (),
        max_age: str | float | _dt.timedelta | None = "7d",
        allow_dirty: bool = False,
        ledger: str | os.PathLike[str] | Ledger | None = None,
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.require = require
        self.max_age = max_age
        self.allow_dirty = allow_dirty
        self.ledger = ledger

    def required_inputs(self) -> tuple[str, ...]:
        return ("model", "model_name")

    def _check(self, ctx: CheckContext) -> Verdict:
        model_name = ctx.get("model_name")
        if not isinstance(model_name, str) or not model_name:
            raise InputError(
                f"model_name must be the model's name (str). Got {model_name!r} instead.",
                reason="invalid_input",
            )
        ledger = _open(self.ledger)
        if not ledger.path.is_dir():
            raise InputError(
                f"no ledger at {ledger.path}: nothing was recorded there", reason="missing_ledger"
            )
        fingerprint = describe_model(ctx.get("model"), model_name)["fingerprint"]
        try:
            verdict = evaluate_promotion(
                ledger,
                model_name,
                str(fingerprint),
                require=self.require,
                max_age=self.max_age,
                allow_dirty=self.allow_dirty,
                name=self.display_name,
            )
        except LedgerError as exc:
            raise InputError(str(exc), reason="missing_ledger") from exc
        return self._verdict(
            verdict.status,
            findings=verdict.findings,
            reason=verdict.reason,
            message=verdict.message,
            params={"model_name": model_name, "fingerprint": fingerprint},
        )


def _read_manifest(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix.lower() == ".toml":
            import tomllib

            data = tomllib.loads(text)
        else:
            data = json.loads(text)
    except (OSError, ValueError) as exc:
        raise InputError(f"deployed: cannot read the manifest {path}: {exc}", reason="invalid_input") from exc
    models = data.get("models") if isinstance(data, Mapping) else None
    if not isinstance(models, Mapping):
        raise InputError(
            f"deployed: {path} must hold a 'models' table of name = model file or fingerprint",
            reason="invalid_input",
        )
    out: dict[str, Any] = {}
    for name, value in models.items():
        items = value if isinstance(value, list) else [value]
        out[str(name)] = [v if is_fingerprint(v) else path.parent / str(v) for v in items]
    return out


def _deployed(value: Any) -> list[tuple[str | None, Any]]:
    """``[(name or None, model, file or fingerprint)]`` from the ``deployed`` input."""
    if isinstance(value, os.PathLike) and Path(value).suffix.lower() in (".json", ".toml"):
        value = _read_manifest(Path(value))
    pairs: list[tuple[str | None, Any]] = []
    if isinstance(value, Mapping):
        for name, items in value.items():
            for item in items if isinstance(items, list | tuple) else [items]:
                pairs.append((str(name), item))
    elif isinstance(value, list | tuple):
        pairs = [(None, item) for item in value]
    else:
        pairs = [(None, value)]
    return pairs


class UnmanagedModelsGate(_RecordGate):
    """Audit a deployment against the ledger: every deployed model must be a live one.

    FAIL findings: a deployed model the ledger has never seen (``model_unrecorded``), a
    deployed model that was never promoted (``model_not_live``), a retired or rejected model
    still deployed (``retired_model_deployed``), a live model whose latest verdict failed
    (``verdict_failed``) or is older than ``max_age`` (``verdict_age_exceeded``), and two
    live models under one name (``multiple_live_models``).

    Parameters
    ----------
    max_age : str, number, timedelta or None, default "30d"
        How recently every live model must have passed a recorded check; None: no limit.
    ledger : str, path, Ledger or None
        The ledger folder; None: ``$MLGATES_LEDGER`` or ``.mlgates/ledger``.
    name : str, optional
    blocking : bool, default True

    Notes
    -----
    Input ``deployed``: a mapping of model name to the deployed model (fitted model, file as
    ``pathlib.Path``, or fingerprint; a list for several), a list of models, or a manifest file
    (``.json``/``.toml`` with a ``models`` table of name = file path relative to the manifest,
    or fingerprint). Without ``deployed`` only the ledger's live models are audited.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> from mlgates import Ledger, RowCountGate, UnmanagedModelsGate
    >>> ledger = Ledger(tempfile.mkdtemp())
    >>> fp = "mlg1-xxh3_128:" + "ef" * 16
    >>> v = RowCountGate(min_rows=1, name="release").check(current=pd.DataFrame({"x": [1]}))
    >>> _ = ledger.record(v, model=fp, model_name="churn", git={"commit": "abc", "dirty": False})
    >>> verdict = UnmanagedModelsGate(ledger=ledger).check(deployed={"churn": fp})
    >>> verdict.status.value, verdict.reason
    ('fail', 'model_not_live')
    """

    extra_inputs: ClassVar[tuple[str, ...]] = ("deployed",)
    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "max_age": [_AgeParam()],
        "ledger": [_LedgerParam()],
    }

    def __init__(
        self,
        *,
        max_age: str | float | _dt.timedelta | None = "30d",
        ledger: str | os.PathLike[str] | Ledger | None = None,
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.max_age = max_age
        self.ledger = ledger

    def _check(self, ctx: CheckContext) -> Verdict:
        ledger = _open(self.ledger)
        if not ledger.path.is_dir():
            raise InputError(
                f"no ledger at {ledger.path}: nothing was recorded there", reason="missing_ledger"
            )
        limit = parse_age(self.max_age, type(self).__name__)
        now = now_utc()
        with ledger._reader() as conn:
            models = conn.execute("SELECT name, fingerprint, state, last_verdict_seq FROM models").fetchall()
            last = {
                seq: (rid, status, time)
                for seq, rid, status, time in conn.execute(
                    "SELECT seq, id, status, time FROM records WHERE seq IN "
                    "(SELECT last_verdict_seq FROM models WHERE state = 'live')"
                )
            }
        by_fp: dict[str, list[tuple[str, str]]] = {}
        live: dict[str, list[str]] = {}
        findings: list[Finding] = []
        for name, fp, state, last_seq in models:
            by_fp.setdefault(fp, []).append((name, state))
            if state != "live":
                continue
            live.setdefault(name, []).append(fp)
            findings.append(self._revalidation(name, fp, last.get(last_seq), limit, now))
        for name, fps in sorted(live.items()):
            if len(fps) > 1:
                findings.append(
                    Finding(
                        name,
                        Status.FAIL,
                        method="ledger",
                        reason="multiple_live_models",
                        message=f"{name}: {len(fps)} live models ({', '.join(fps)})",
                    )
                )
        if ctx.has("deployed"):
            for name, item in _deployed(ctx.get("deployed")):
                findings.append(self._deployed_finding(name, item, by_fp))
        return self._verdict(findings=findings, metrics={"n_live": float(sum(map(len, live.values())))})

    @staticmethod
    def _revalidation(
        name: str, fp: str, last: tuple[str, str, str] | None, limit: _dt.timedelta | None, now: _dt.datetime
    ) -> Finding:
        subject = f"{name} {fp}"
        if last is None:
            return Finding(
                subject,
                Status.FAIL,
                method="ledger",
                reason="missing_verdict",
                message=f"{subject}: live without any recorded verdict",
            )
        rid, status, time = last
        if status not in ("pass", "warn"):
            return Finding(
                subject,
                Status.FAIL,
                method="ledger",
                reason="verdict_failed",
                message=f"{subject}: live, but its latest verdict ({rid}) is {str(status).upper()}",
                details={"record": rid},
            )
        age = now - parse_time(time)
        if limit is not None and age > limit:
            return Finding(
                subject,
                Status.FAIL,
                statistic=age.total_seconds(),
                threshold=limit.total_seconds(),
                method="ledger",
                reason="verdict_age_exceeded",
                message=f"{subject}: live, last checked {_fmt_age(age)} ago ({rid}) > {_fmt_age(limit)}",
                details={"record": rid},
            )
        return Finding(
            subject,
            Status.PASS,
            statistic=age.total_seconds(),
            threshold=None if limit is None else limit.total_seconds(),
            method="ledger",
            message=f"{subject}: live, last checked {_fmt_age(age)} ago ({rid})",
            details={"record": rid},
        )

    @staticmethod
    def _deployed_finding(name: str | None, item: Any, by_fp: Mapping[str, list[tuple[str, str]]]) -> Finding:
        label = Path(item).name if isinstance(item, os.PathLike) else None
        try:
            fp = str(describe_model(item, name or "deployed")["fingerprint"])
        except (ValueError, OSError) as exc:
            return Finding(
                f"deployed {name or label or '?'}",
                Status.ERROR,
                method="ledger",
                reason="invalid_input",
                message=f"deployed {name or label}: {exc}",
            )
        subject = f"deployed {name or label or fp}"
        entries = [e for e in by_fp.get(fp, []) if name is None or e[0] == name]
        if not entries:
            other = by_fp.get(fp)
            where = f" (recorded under {', '.join(sorted({n for n, _ in other}))})" if other else ""
            return Finding(
                subject,
                Status.FAIL,
                method="ledger",
                reason="model_unrecorded",
                message=f"{subject}: model {fp} has no record in the ledger{where}",
                details={"fingerprint": fp},
            )
        states = {state for _, state in entries}
        if "live" in states:
            return Finding(subject, Status.PASS, method="ledger", message=f"{subject}: live ({fp})")
        if states & {"retired", "rejected"}:
            return Finding(
                subject,
                Status.FAIL,
                method="ledger",
                reason="retired_model_deployed",
                message=f"{subject}: {fp} is {'/'.join(sorted(states))} but still deployed",
                details={"fingerprint": fp},
            )
        return Finding(
            subject,
            Status.FAIL,
            method="ledger",
            reason="model_not_live",
            message=f"{subject}: {fp} is {'/'.join(sorted(states))}, deployed without a promotion",
            details={"fingerprint": fp},
        )

"""MLflow: record verdicts on MLflow runs, and guard registered-model aliases with the ledger.

Needs the ``mlflow`` extra (``pip install mlgates[mlflow]``, which installs ``mlflow-skinny``:
the tracking and registry client without the server or the UI).

- :func:`log_verdict`: the verdict's JSON as a run artifact (``mlgates/<name>.json``) and its
  status as run tags (``mlgates.<name>.status``, ``mlgates.<name>.reason``, ``mlgates.status``
  for the worst so far), plus the ledger record id and model fingerprint when given.
- :func:`set_alias`: set a registered model's alias (e.g. ``champion``) only if
  :class:`~mlgates.PromotionGate` passes for the model version's fingerprint; otherwise raise
  :class:`~mlgates.GateFailure` and leave the alias where it was.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

try:
    import mlflow
    from mlflow.tracking import MlflowClient
except ImportError as exc:  # pragma: no cover - exercised in an environment without the extra
    raise ImportError(
        f"mlgates.integrations.mlflow needs MLflow: pip install mlgates[mlflow]. Import failed with: {exc}"
    ) from exc

from mlgates.core.errors import GateFailure, ParameterError
from mlgates.core.verdict import Verdict

if TYPE_CHECKING:
    from mlgates.record.ledger import Ledger, Record

__all__ = ["FINGERPRINT_TAG", "log_verdict", "set_alias"]

#: Tag holding the model fingerprint on a run or a model version.
FINGERPRINT_TAG = "mlgates.model_fingerprint"
_ORDER = {"pass": 0, "warn": 1, "skip": 2, "fail": 3, "error": 4}


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") or "verdict"


def _run_id(run_id: str | None) -> str:
    if run_id is not None:
        return run_id
    active = mlflow.active_run()
    if active is None:
        raise ParameterError(
            "log_verdict() needs a run: pass run_id=... or call it inside `with mlflow.start_run():`."
        )
    return str(active.info.run_id)


def log_verdict(
    verdict: Verdict,
    *,
    run_id: str | None = None,
    record: Record | None = None,
    artifact_path: str = "mlgates",
    client: MlflowClient | None = None,
) -> str:
    """Attach a verdict to an MLflow run as a JSON artifact and tags; returns the run id.

    Parameters
    ----------
    verdict : Verdict
    run_id : str, optional
        Default: the active run.
    record : Record, optional
        The ledger record of the verdict: its id and model fingerprint become tags too.
    artifact_path : str, default "mlgates"
    client : MlflowClient, optional

    Examples
    --------
    >>> import os, tempfile, pathlib, pandas as pd, mlflow
    >>> os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"   # a local file store, for the example
    >>> mlflow.set_tracking_uri(pathlib.Path(tempfile.mkdtemp()).as_uri())
    >>> _ = mlflow.set_experiment("mlgates-example")
    >>> from mlgates import RowCountGate
    >>> verdict = RowCountGate(min_rows=1, name="release").check(current=pd.DataFrame({"x": [1]}))
    >>> with mlflow.start_run() as run:
    ...     _ = log_verdict(verdict)
    >>> mlflow.get_run(run.info.run_id).data.tags["mlgates.release.status"]
    'pass'
    """
    client = client or MlflowClient()
    rid = _run_id(run_id)
    name = _safe(verdict.name)
    client.log_text(rid, verdict.to_json(), f"{artifact_path}/{name}.json")
    tags = {
        f"mlgates.{name}.status": verdict.status.value,
        f"mlgates.{name}.reason": verdict.reason or "",
        f"mlgates.{name}.gate": verdict.gate,
    }
    previous = client.get_run(rid).data.tags.get("mlgates.status")
    worst = verdict.status.value
    if previous in _ORDER and _ORDER[previous] > _ORDER[worst]:
        worst = previous
    tags["mlgates.status"] = worst
    if record is not None:
        tags[f"mlgates.{name}.record"] = record.id
        if record.model_fingerprint:
            tags[FINGERPRINT_TAG] = record.model_fingerprint
    for key, value in tags.items():
        client.set_tag(rid, key, value)
    return rid


def _version_fingerprint(client: MlflowClient, registered_model: str, version: str) -> str | None:
    mv = client.get_model_version(registered_model, version)
    fp = (mv.tags or {}).get(FINGERPRINT_TAG)
    if not fp and mv.run_id:
        fp = client.get_run(mv.run_id).data.tags.get(FINGERPRINT_TAG)
    return fp


def set_alias(
    registered_model: str,
    alias: str,
    version: str | int,
    *,
    ledger: Ledger | str | None = None,
    model: Any = None,
    model_name: str | None = None,
    require: Sequence[str] | str = (),
    max_age: str | float | _dt.timedelta | None = "7d",
    allow_dirty: bool = False,
    client: MlflowClient | None = None,
) -> Verdict:
    """Point a registered model's alias at a version only if the ledger allows the promotion.

    Parameters
    ----------
    registered_model, alias : str
        As in ``MlflowClient.set_registered_model_alias``.
    version : str or int
        The model version.
    ledger : Ledger, path or None
        Default ``$MLGATES_LEDGER`` or ``.mlgates/ledger``.
    model : estimator, pathlib.Path or str, optional
        The model (or its file or fingerprint); default: the ``mlgates.model_fingerprint``
        tag of the model version or of its run (set by :func:`log_verdict` with ``record=``).
    model_name : str, optional
        The model's name in the ledger; default ``registered_model``.
    require, max_age, allow_dirty
        As in :class:`~mlgates.PromotionGate`.
    client : MlflowClient, optional

    Returns
    -------
    Verdict
        The passing PromotionGate verdict (the alias was set).

    Raises
    ------
    GateFailure
        When the promotion gate does not pass; the alias is not changed.

    Examples
    --------
    >>> import os, tempfile, pathlib, pandas as pd, mlflow
    >>> from mlflow import MlflowClient
    >>> from mlgates import GateFailure, Ledger, RowCountGate
    >>> os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"   # a local file store, for the example
    >>> mlflow.set_tracking_uri(pathlib.Path(tempfile.mkdtemp()).as_uri())
    >>> _ = mlflow.set_experiment("mlgates-example")
    >>> ledger = Ledger(tempfile.mkdtemp())
    >>> fp = "mlg1-xxh3_128:" + "8" * 32
    >>> failed = RowCountGate(min_rows=5, name="release").check(current=pd.DataFrame({"x": [1]}))
    >>> with mlflow.start_run() as run:
    ...     _ = log_verdict(failed, record=ledger.record(failed, model=fp, model_name="churn", git=None))
    >>> client = MlflowClient()
    >>> _ = client.create_registered_model("churn")
    >>> v = client.create_model_version("churn", source=run.info.artifact_uri, run_id=run.info.run_id)
    >>> try:
    ...     set_alias("churn", "champion", v.version, ledger=ledger, require="release", allow_dirty=True)
    ... except GateFailure as exc:
    ...     print(exc.verdict.reason)
    verdict_failed
    >>> client.get_registered_model("churn").aliases
    {}
    """
    from mlgates.record.gates import PromotionGate

    client = client or MlflowClient()
    version = str(version)
    if model is None:
        model = _version_fingerprint(client, registered_model, version)
        if model is None:
            raise ParameterError(
                f"{registered_model} version {version} carries no {FINGERPRINT_TAG} tag: pass model=... "
                "(the model, its file or its fingerprint), or log_verdict(..., record=record) on its run."
            )
    gate = PromotionGate(require=require, max_age=max_age, allow_dirty=allow_dirty, ledger=ledger)
    verdict = gate.check(model=model, model_name=model_name or registered_model)
    if not verdict.passed:
        raise GateFailure(
            verdict,
            f"refused to set alias {alias!r} of {registered_model} to version {version}:\n"
            + verdict.to_text(),
        )
    client.set_registered_model_alias(registered_model, alias, version)
    client.set_model_version_tag(registered_model, version, "mlgates.promotion", verdict.status.value)
    fp = verdict.params.get("fingerprint")
    if fp:
        client.set_model_version_tag(registered_model, version, FINGERPRINT_TAG, str(fp))
    return verdict

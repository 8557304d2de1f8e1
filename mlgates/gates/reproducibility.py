"""Reproducibility gates: a run compared against its lock file, and a determinism check.

Reason codes
------------
``artifact_changed``
    A locked artifact's fingerprint differs (FAIL); the finding names the changed columns of
    tables and holds the old and new fingerprints.
``missing_artifact``
    A locked artifact was not passed to ``check`` (status chosen by ``on_missing``).
``artifact_unlocked``
    An artifact was passed that the lock does not record (WARN).
``fingerprint_failed``
    An artifact could not be fingerprinted (ERROR).
``environment_changed``
    Python, platform, package, BLAS or thread settings differ from the lock
    (status chosen by ``on_environment_change``).
``missing_lock`` / ``invalid_lock``
    The lock file does not exist / cannot be read, or a field has the wrong type, a required
    field is missing or an artifact kind is unknown (ERROR, naming the field).
``train_failed``
    ``train_fn`` raised (ERROR).
``nondeterministic_predictions`` / ``nondeterministic_model``
    Two runs with the same seed gave different predictions / different model fingerprints
    (FAIL).
``empty_input``
    The probe table has no rows (ERROR).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from mlgates.core._text import pluralize
from mlgates.core.context import CheckContext
from mlgates.core.errors import ConfigError, InputError
from mlgates.core.finding import Finding
from mlgates.core.gate import Gate
from mlgates.core.params import Interval, Options, parameter_error
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.gates._lockdiff import short as _short

__all__ = ["DeterminismGate", "ReproducibilityGate"]

_COMPARABLE = ("data", "model", "config", "file", "seeds", "environment")
_STANDARD_ARTIFACTS = ("reference", "current", "model", "baseline_model")
_POLICY = {"ignore": None, "warn": Status.WARN, "fail": Status.FAIL}
_ON_MISSING = {"error": Status.ERROR, "fail": Status.FAIL, "warn": Status.WARN, "skip": Status.SKIP}


class ReproducibilityGate(Gate):
    """Compare a run's artifacts with a lock file written by :meth:`Manifest.save`.

    Each locked artifact whose kind is in ``compare_to`` is fingerprinted again with the
    options recorded in the lock (row and column order) and compared: one finding per
    artifact, FAIL when it changed, naming the changed columns of a table. The environment
    (Python, platform, package versions, BLAS library and threads, thread variables) is
    compared too; its differences are reported with the status ``on_environment_change``.
    The git commit is recorded in the lock but not compared.

    Parameters
    ----------
    lockfile : str or os.PathLike, default "mlgates.lock.json"
        Path of the manifest (JSON) to compare against.
    compare_to : tuple of str, default ("data", "model", "config", "file", "seeds", "environment")
        Kinds of locked artifacts to compare the run to (``compare=`` is a deprecated alias).
    on_environment_change : {"warn", "fail", "ignore"}, default "warn"
        Status of an environment difference; ``"ignore"`` does not compare the environment
        (``environment_policy=`` is a deprecated alias).
    on_missing : {"error", "fail", "warn", "skip"}, default "error"
        Status when a locked artifact is not passed to ``check``.
    name, blocking
        See :class:`~mlgates.Gate`.

    Notes
    -----
    Inputs: ``check(artifacts={name: object, ...})``; names match the lock's. A lock entry
    named ``reference``, ``current``, ``model`` or ``baseline_model`` is also matched by the
    standard input of that name, so the gate works inside a suite checked with
    ``suite.check(reference=..., current=..., model=...)``. Nothing given at all means every
    locked artifact is missing (ERROR by default: the gate fails closed). Reason codes are
    listed in the module docstring (``artifact_changed``, ``missing_artifact``, ...).

    Examples
    --------
    >>> import pandas as pd, tempfile, pathlib
    >>> from mlgates import Manifest, ReproducibilityGate
    >>> train = pd.DataFrame({"age": [30, 40], "income": [0, 1]})
    >>> lock = pathlib.Path(tempfile.mkdtemp()) / "mlgates.lock.json"
    >>> _ = Manifest.capture(artifacts={"train": train}, config={"depth": 3}).save(lock)
    >>> gate = ReproducibilityGate(lockfile=str(lock))
    >>> gate.check(artifacts={"train": train, "config": {"depth": 3}}).status
    <Status.PASS: 'pass'>
    >>> v = gate.check(artifacts={"train": train.assign(age=[30, 41]), "config": {"depth": 3}})
    >>> v.status, v.reason
    (<Status.FAIL: 'fail'>, 'artifact_changed')
    >>> v.findings[0].message
    'train: changed (...); columns changed: age'
    >>> v.findings[0].details["changed_columns"]
    ('age',)
    """

    extra_inputs: ClassVar[tuple[str, ...]] = ("artifacts",)
    #: Phrase messages for ``mlgates verify`` (``--seed NAME=INT``) instead of Python calls;
    #: set on the instance by the CLI, not a parameter.
    _cli_terms: bool = False
    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "lockfile": ["path"],
        "compare_to": [tuple, list],
        "on_environment_change": [Options("warn", "fail", "ignore")],
        "on_missing": [Options("error", "fail", "warn", "skip")],
    }
    _renamed_parameters: ClassVar[dict[str, str]] = {
        "compare": "compare_to",
        "environment_policy": "on_environment_change",
    }

    def __init__(
        self,
        *,
        lockfile: str | os.PathLike[str] = "mlgates.lock.json",
        compare_to: tuple[str, ...] = ("data", "model", "config", "file", "seeds", "environment"),
        on_environment_change: str = "warn",
        on_missing: str = "error",
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.lockfile = lockfile
        self.compare_to = compare_to
        self.on_environment_change = on_environment_change
        self.on_missing = on_missing

    def _validate_params(self) -> None:
        bad = [k for k in self.compare_to if k not in _COMPARABLE]
        if bad or not self.compare_to:
            raise parameter_error(
                "ReproducibilityGate",
                "compare_to",
                f"a non-empty tuple of kinds from {_COMPARABLE}",
                self.compare_to,
            )

    # -- checking -------------------------------------------------------------------------
    def _load(self) -> Any:
        from mlgates.fingerprints import SCHEME
        from mlgates.fingerprints.manifest import Manifest

        path = Path(self.lockfile)
        if not path.exists():
            raise InputError(
                f"lock file {str(path)!r} not found: write it first with Manifest.capture(...).save(path) "
                "or `mlgates lock`",
                reason="missing_lock",
                subject="lockfile",
            )
        try:
            manifest = Manifest.load(path)
        except ConfigError as exc:
            raise InputError(str(exc), reason="invalid_lock", subject="lockfile") from None
        if manifest.scheme != SCHEME:
            raise InputError(
                f"{path}: fingerprints use scheme {manifest.scheme!r}, this mlgates computes {SCHEME!r}; "
                "re-create the lock with this version",
                reason="invalid_lock",
                subject="lockfile",
            )
        return manifest

    def _check(self, ctx: CheckContext) -> Verdict:
        from mlgates.fingerprints.manifest import kind_of

        manifest = self._load()
        given = ctx.get("artifacts", {})
        if not isinstance(given, Mapping):
            raise InputError(
                f"artifacts must be a mapping of name -> object, got {type(given).__name__}",
                reason="invalid_input",
                subject="artifacts",
            )
        given = dict(given)
        for std in _STANDARD_ARTIFACTS:  # a suite's own inputs, when the lock names them
            if std in manifest.artifacts and std not in given and ctx.has(std):
                given[std] = ctx.get(std)
        findings: list[Finding] = []
        changed = 0
        for name, entry in manifest.artifacts.items():
            if entry["kind"] not in self.compare_to:
                continue
            if name not in given:
                status = _ON_MISSING[self.on_missing]
                findings.append(
                    Finding(
                        name,
                        status,
                        method="fingerprint",
                        reason="missing_artifact",
                        message=self._missing_message(name, entry),
                        details={"locked": entry["fingerprint"]},
                    )
                )
                continue
            finding, differs = self._compare_one(name, entry, given[name])
            findings.append(finding)
            changed += differs
        for name, obj in given.items():
            if str(name) not in manifest.artifacts and kind_of(obj) in self.compare_to:
                unlocked = f"{name}: not recorded in the lock file {self.lockfile}"
                if self._cli_terms and name == "seeds":
                    unlocked = (
                        f"seeds: --seed given, but the lock file {self.lockfile} records no seeds "
                        "(record them with `mlgates lock ... --seed NAME=INT`)"
                    )
                findings.append(
                    Finding(
                        str(name),
                        Status.WARN,
                        method="fingerprint",
                        reason="artifact_unlocked",
                        message=unlocked,
                    )
                )
        if "environment" in self.compare_to and self.on_environment_change != "ignore":
            findings.append(self._compare_environment(manifest.environment))
        metrics = {
            "artifacts_compared": float(sum(f.subject != "environment" for f in findings)),
            "artifacts_changed": float(changed),
        }
        lock_info = {
            "lock_created": manifest.created,
            "lock_mlgates_version": manifest.mlgates_version,
            "lock_scheme": manifest.scheme,
            "lock_base": manifest.base or None,
        }
        return self._verdict(findings=findings, metrics=metrics, params=lock_info)

    def _missing_message(self, name: str, entry: Mapping[str, Any]) -> str:
        kind = entry["kind"]
        if not self._cli_terms:
            return f"{name}: locked ({kind}) but not passed to check(artifacts=...)"
        if kind == "seeds":
            value = entry.get("value")
            keys = list(value) if isinstance(value, Mapping) else []
            given = " ".join(f"--seed {k}=INT" for k in keys) or "--seed NAME=INT"
            locked = ", ".join(map(str, keys)) or "in Python"
            return f"seeds: locked ({locked}) but no --seed given; pass {given} to compare"
        return (
            f"{name}: locked from Python ({kind}), which `mlgates verify` cannot re-read; compare it with "
            "ReproducibilityGate in Python (--strict makes this an error)"
        )

    def _compare_one(self, name: str, entry: Mapping[str, Any], obj: Any) -> tuple[Finding, bool]:
        """The artifact's finding, and whether its fingerprint differs from the locked one."""
        from mlgates.fingerprints.manifest import describe_artifact
        from mlgates.gates._lockdiff import diff_entries, link_changes, shown

        kind = entry["kind"]
        try:
            new = describe_artifact(
                obj,
                kind=kind,
                row_order=entry.get("row_order", "sensitive"),
                column_order=entry.get("column_order", "sensitive"),
                exclude=tuple(entry.get("exclude", ())),
            )
        except (TypeError, ValueError, OSError) as exc:
            return Finding(
                name,
                Status.ERROR,
                method="fingerprint",
                reason="fingerprint_failed",
                message=f"{name}: cannot be fingerprinted: {exc}",
            ), False
        old_fp, new_fp = entry["fingerprint"], new["fingerprint"]
        details: dict[str, Any] = {"kind": kind, "locked": old_fp, "current": new_fp}
        if old_fp == new_fp:
            note = ""
            links = link_changes(entry, new) if "links" in entry else {}
            if links:  # same content through links that point elsewhere now
                details["changed_links"] = links
                note = f"; links changed, content the same: {shown(list(links))}"
            return Finding(
                name,
                Status.PASS,
                method="fingerprint",
                details=details,
                message=f"{name}: unchanged ({_short(new_fp)}){note}",
            ), False
        facts, parts = diff_entries(entry, new, cli=self._cli_terms)
        details.update(facts)
        how = "; ".join(parts)
        return Finding(
            name,
            Status.FAIL,
            method="fingerprint",
            reason="artifact_changed",
            details=details,
            message=f"{name}: changed ({_short(old_fp)} -> {_short(new_fp)})" + (f"; {how}" if how else ""),
        ), True

    def _compare_environment(self, locked: Mapping[str, Any]) -> Finding:
        from mlgates.fingerprints.environment import capture_environment, comparable_environment

        if not locked:
            return Finding(
                "environment",
                Status.SKIP,
                method="environment",
                reason="nothing_to_check",
                message="environment: not recorded in the lock file",
            )
        old = comparable_environment(dict(locked))
        new = comparable_environment(capture_environment())
        diffs = {
            k: {"locked": old.get(k), "current": new.get(k)}
            for k in sorted({*old, *new})
            if old.get(k) != new.get(k)
        }
        if not diffs:
            return Finding(
                "environment",
                Status.PASS,
                method="environment",
                message=f"environment: unchanged ({len(old)} settings)",
            )
        shown = "; ".join(f"{k} {v['locked']} -> {v['current']}" for k, v in list(diffs.items())[:3])
        more = f" (+{len(diffs) - 3} more)" if len(diffs) > 3 else ""
        status = _POLICY[self.on_environment_change]
        assert status is not None
        return Finding(
            "environment",
            status,
            method="environment",
            reason="environment_changed",
            statistic=len(diffs),
            details={"differences": diffs},
            message=f"environment: {pluralize(len(diffs), 'setting')} differ: {shown}{more}",
        )


class DeterminismGate(Gate):
    """Train twice (or more) with the same seed and require identical results.

    ``train_fn(seed)`` must return a fitted model. With ``compare_to="predictions"`` each model
    predicts on the probe table (``predict_proba`` when available, else ``predict``) and the
    gate FAILs when any prediction differs from the first run's by more than ``atol``,
    reporting the maximum absolute difference. With ``compare_to="fingerprint"`` the models'
    fingerprints (parameters and fitted state) must be equal.

    Parameters
    ----------
    train_fn : callable
        ``train_fn(seed) -> fitted model``; the only parameter that may be passed by
        position (``DeterminismGate(train)``), the others are keyword-only. A gate holding a
        callable cannot be written to a suite file (``to_config`` raises ConfigError); keep it
        in Python code.
    n_runs : int, default 2
        Number of training runs (at least 2).
    compare_to : {"predictions", "fingerprint"}, default "predictions"
        What of the first run the other runs are compared to: it must be identical
        (``compare=`` is a deprecated alias).
    probe : {"current", "reference"}, default "current"
        The input table whose feature columns (the table minus target and prediction
        columns given by name) the models predict on. Data is passed to ``check``, never
        stored in the gate.
    random_state : int, default 0
        The seed passed to every run (``seed=`` is a deprecated alias).
    atol : float, default 0.0
        Largest absolute difference between runs' predictions still counted as equal.
    name, blocking
        See :class:`~mlgates.Gate`.

    Notes
    -----
    Reason codes: ``nondeterministic_predictions``, ``nondeterministic_model``,
    ``train_failed``, ``empty_input``, ``invalid_input``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> from mlgates import DeterminismGate
    >>> rng = np.random.default_rng(0)
    >>> data = pd.DataFrame({"x": rng.normal(size=200), "z": rng.normal(size=200)})
    >>> data["y"] = (data.x + rng.normal(size=200) > 0).astype(int)
    >>> def train(seed):
    ...     return RandomForestClassifier(n_estimators=5, random_state=seed).fit(data[["x", "z"]], data.y)
    >>> DeterminismGate(train_fn=train).check(current=data, target="y").status
    <Status.PASS: 'pass'>
    >>> def unseeded(seed):
    ...     return RandomForestClassifier(n_estimators=5).fit(data[["x", "z"]], data.y)
    >>> DeterminismGate(train_fn=unseeded).check(current=data, target="y").reason
    'nondeterministic_predictions'
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "train_fn": ["callable"],
        "n_runs": [Interval("int", 2, None)],
        "compare_to": [Options("predictions", "fingerprint")],
        "probe": [Options("current", "reference")],
        "random_state": [Interval("int", None, None)],
        "atol": [Interval("real", 0, None)],
    }
    _renamed_parameters: ClassVar[dict[str, str]] = {"compare": "compare_to", "seed": "random_state"}

    def __init__(
        self,
        train_fn: Callable[[int], Any],
        *,
        n_runs: int = 2,
        compare_to: str = "predictions",
        probe: str = "current",
        random_state: int = 0,
        atol: float = 0.0,
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.train_fn = train_fn
        self.n_runs = n_runs
        self.compare_to = compare_to
        self.probe = probe
        self.random_state = random_state
        self.atol = atol

    def required_inputs(self) -> tuple[str, ...]:
        return (self.probe,) if self.compare_to == "predictions" else ()

    def _train(self) -> list[Any]:
        models = []
        for run in range(self.n_runs):
            try:
                models.append(self.train_fn(self.random_state))
            except Exception as exc:  # noqa: BLE001 - the user's code: report, don't crash the suite
                raise InputError(
                    f"train_fn({self.random_state}) raised {type(exc).__name__} in run {run + 1}: {exc}",
                    reason="train_failed",
                    subject="train_fn",
                ) from None
        return models

    def _check(self, ctx: CheckContext) -> Verdict:
        if self.compare_to == "fingerprint":
            return self._check_fingerprints(self._train())
        features = ctx.features(self.probe)  # type: ignore[arg-type]
        if len(features) == 0 or features.shape[1] == 0:
            raise InputError(
                f"{self.probe}: the probe table is empty ({features.shape[0]} rows x "
                f"{features.shape[1]} columns)",
                reason="empty_input",
                subject=self.probe,
            )
        probe = self.probe  # a model fitted on a DataFrame gets exactly its fitted columns
        predicted = [
            self._predict(m, ctx.model_features(m, probe, "train_fn"))  # type: ignore[arg-type]
            for m in self._train()
        ]
        return self._compare_predictions([p for _, p in predicted], len(features), predicted[0][0])

    def _check_fingerprints(self, models: list[Any]) -> Verdict:
        from mlgates.fingerprints import fingerprint

        try:
            fps = [fingerprint(m) for m in models]
        except (TypeError, ValueError) as exc:
            raise InputError(
                f"model cannot be fingerprinted: {exc}", reason="fingerprint_failed", subject="model"
            ) from None
        distinct = len(set(fps))
        details = {"fingerprints": fps, "seed": self.random_state}
        if distinct == 1:
            finding = Finding(
                "model",
                Status.PASS,
                statistic=1,
                method="fingerprint",
                details=details,
                message=f"model: {self.n_runs} runs with seed {self.random_state} gave the same "
                f"fingerprint ({_short(fps[0])})",
            )
        else:
            finding = Finding(
                "model",
                Status.FAIL,
                statistic=distinct,
                threshold=1,
                method="fingerprint",
                reason="nondeterministic_model",
                details=details,
                message=f"model: {self.n_runs} runs with seed {self.random_state} gave {distinct} "
                "different fingerprints",
            )
        return self._verdict(findings=[finding], metrics={"distinct_fingerprints": int(distinct)})

    def _predict(self, model: Any, features: Any) -> tuple[str, np.ndarray]:
        method = "predict_proba" if hasattr(model, "predict_proba") else "predict"
        fn = getattr(model, method, None)
        if fn is None:
            raise InputError(
                f"train_fn returned {type(model).__name__}, which has no predict() method",
                reason="invalid_input",
                subject="train_fn",
            )
        return method, np.asarray(fn(features))

    def _compare_predictions(self, outputs: list[np.ndarray], n: int, method: str) -> Verdict:
        first = outputs[0]
        numeric = first.dtype.kind in "fiub"
        max_diff, rows_differ = 0.0, 0
        for other in outputs[1:]:
            if other.shape != first.shape:
                max_diff, rows_differ = float("inf"), n
                break
            if numeric:
                a, b = first.astype(float), other.astype(float)
                equal = (a == b) | (np.isnan(a) & np.isnan(b))
                with np.errstate(invalid="ignore"):
                    diff = np.where(equal, 0.0, np.abs(a - b))
                diff = np.where(np.isnan(diff), np.inf, diff)  # NaN in one run only
                max_diff = max(max_diff, float(diff.max()) if diff.size else 0.0)
                per_row = diff.reshape(diff.shape[0], -1).max(axis=1) if diff.size else diff
                rows_differ = max(rows_differ, int((per_row > self.atol).sum()))
            else:
                neq = (first != other).reshape(first.shape[0], -1).any(axis=1)
                rows_differ = max(rows_differ, int(neq.sum()))
                max_diff = max(max_diff, float(rows_differ > 0))
        what = "predicted probabilities" if method == "predict_proba" else "predictions"
        details = {
            "n_runs": self.n_runs,
            "seed": self.random_state,
            "probe_rows": n,
            "rows_differ": rows_differ,
            "output": method,
        }
        metrics = {"max_abs_diff": max_diff, "rows_differ": int(rows_differ)}
        if rows_differ == 0 and max_diff <= self.atol:
            finding = Finding(
                "predictions",
                Status.PASS,
                statistic=max_diff,
                threshold=self.atol,
                method="max_abs_diff",
                details=details,
                message=f"predictions: {self.n_runs} runs with seed {self.random_state} agree on "
                f"{n:,} probe rows (max |diff| {max_diff:.3g} <= {self.atol:g})",
            )
        else:
            finding = Finding(
                "predictions",
                Status.FAIL,
                statistic=max_diff,
                threshold=self.atol,
                method="max_abs_diff",
                reason="nondeterministic_predictions",
                details=details,
                message=f"predictions: {what} of {self.n_runs} runs with seed {self.random_state} differ "
                f"on {rows_differ:,} of {n:,} rows (max |diff| {max_diff:.3g} > "
                f"{self.atol:g})",
            )
        return self._verdict(findings=[finding], metrics=metrics)

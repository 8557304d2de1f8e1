"""ArtifactSafetyGate: every global a model file would import is on an allowlist, and the file
verifies, before anyone loads it."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, ClassVar

from mlgates.core.context import CheckContext
from mlgates.core.errors import InputError
from mlgates.core.finding import Finding
from mlgates.core.gate import Gate
from mlgates.core.params import Interval, Options
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.gates.security.allowlist import Allowlist
from mlgates.gates.security.safe import DEFAULT_MAX_DECOMPRESSED_BYTES

__all__ = ["ArtifactSafetyGate", "artifact_paths"]

_ON = {"error": Status.ERROR, "fail": Status.FAIL, "warn": Status.WARN, "skip": Status.SKIP}
#: Problems that mean "could not scan" (ERROR) rather than "does not verify" (FAIL).
_CANNOT_SCAN = frozenset({"missing_dependency"})


class _AllowSpec:
    """Constraint of ``allow``: a preset name, ``.json`` path, ``module:qualname``, an
    Allowlist, or a list of these."""

    def is_satisfied_by(self, value: Any) -> bool:
        if isinstance(value, (str, Allowlist)):
            return True
        return isinstance(value, (list, tuple)) and all(isinstance(v, (str, Allowlist)) for v in value)

    def __str__(self) -> str:
        return "a preset name, a .json allowlist path, 'module:qualname', an Allowlist, or a list of these"


def artifact_paths(value: Any) -> list[tuple[str, Path]]:
    """``(label, path)`` for an ``artifacts`` input: a path, a list of paths, or a mapping of
    name to path. Folders are searched (recursively) for artifact files."""
    from mlgates.gates.security._scan import is_artifact

    if isinstance(value, (str, os.PathLike)):
        items: list[tuple[str, Any]] = [(str(value), value)]
    elif isinstance(value, Mapping):
        items = [(str(k), v) for k, v in value.items()]
    elif isinstance(value, Iterable):
        items = [(str(v), v) for v in value]
    else:
        raise InputError(
            "artifacts: expected a path, a list of paths or a mapping of name -> path; "
            f"got {type(value).__name__}",
            reason="invalid_input",
            subject="artifacts",
        )
    out: list[tuple[str, Path]] = []
    for label, raw in items:
        if not isinstance(raw, (str, os.PathLike)):
            continue  # in-memory objects (e.g. the reproducibility gate's) are not files
        path = Path(raw)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if is_artifact(child):
                    out.append((str(child.relative_to(path.parent)), child))
        else:
            out.append((label, path))
    return out


class ArtifactSafetyGate(Gate):
    """Model files import only allowlisted globals, and verify as a whole.

    A pickle-based model file runs code when loaded. This gate reads each artifact without
    loading it: a static walk over the pickle opcodes (a symbolic stack and memo, nothing
    executed) lists every global the loader would import, and each must be an exact
    ``(module, qualname)`` pair of the allowlist. Formats: plain pickle (protocols 0-5),
    joblib (uncompressed, or zlib/gzip/bz2/lzma/xz by magic bytes, decompressed with a byte
    cap; inline array buffers followed as joblib reads them; object arrays' nested pickles
    walked), ``.npy``/``.npz`` (object arrays' pickles walked) and ``.skops`` (skops' untrusted
    types checked against the same allowlist).

    Parameters
    ----------
    allow : str, Allowlist or list, default "sklearn"
        A preset (``"sklearn"``: scikit-learn, numpy, scipy, pandas, and xgboost/lightgbm when
        installed), a ``.json`` file written by :meth:`Allowlist.save` (e.g. a baseline from
        :meth:`Allowlist.from_artifact`), ``"module:qualname"`` entries for your own classes,
        an :class:`~mlgates.Allowlist`, or a list of these (united).
    max_decompressed_bytes : int, default 2**31
        Cap on what a compressed artifact may decompress to; beyond it the file is a FAIL
        (``unverifiable``: a decompression bomb, or a model larger than you allowed).
    verify : bool, default False
        Also load each statically clean pickle with the restricted unpickler (it runs the
        allowlisted classes' code only); the verdict's ``method`` says which was used.
    on_unsupported : {"error", "fail", "warn", "skip"}, default "error"
        Status for a file that is not an artifact format the gate reads.
    paths : list of str, optional
        Files or folders scanned on every check, besides the ``artifacts`` input: how a suite
        file (``mlgates check``) points the gate at a project's model folder.
    name, blocking
        See :class:`~mlgates.Gate`.

    Notes
    -----
    Input: ``check(artifacts=...)`` (optional when ``paths`` is set): a path, a folder
    (searched for ``.pkl``, ``.pickle``,
    ``.joblib``, ``.jbl``, ``.sav``, ``.npy``, ``.npz``, ``.skops`` files and pickle headers),
    a list of them, or a mapping of name to path.

    Reason codes: ``disallowed_global`` (FAIL: a global off the allowlist; the finding names
    it, its offset, the reading that reaches it and why), ``new_global`` (FAIL: off a baseline
    learned from a trusted artifact), ``unverifiable`` (FAIL: the file cannot be verified:
    ``details["why"]`` is ``parse_error``, ``truncated``, ``trailing_bytes``,
    ``multiple_pickles``, ``decompressed_bytes_exceeded``, ``corrupt_stream``,
    ``non_string_operand``, ``unresolvable_operand``, ``extension_code``, ``persistent_id``,
    ``out_of_band_buffer``, ``memo_missing``, ``mark_missing``, ``stack_underflow``,
    ``frame_overrun``, ``wrapper_misuse``, ``unverifiable_array``, ``malformed_number``,
    ``unsupported_compression``, ``restricted_unpickler_refused`` or ``load_failed``),
    ``unsupported_format`` (``on_unsupported``), ``missing_file`` and ``missing_dependency``
    (ERROR), ``invalid_allowlist`` (ERROR), ``nothing_to_check`` (SKIP: no artifact given).

    Examples
    --------
    >>> import joblib, os, tempfile, pathlib
    >>> from sklearn.linear_model import LogisticRegression
    >>> from mlgates import ArtifactSafetyGate
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> model = LogisticRegression().fit([[0.0], [1.0]], [0, 1])
    >>> _ = joblib.dump(model, folder / "model.joblib", compress=("gzip", 3))
    >>> gate = ArtifactSafetyGate()
    >>> gate.check(artifacts=folder).status
    <Status.PASS: 'pass'>
    >>> class Payload:
    ...     def __reduce__(self):
    ...         return (os.getcwd, ())
    >>> _ = joblib.dump(Payload(), folder / "evil.joblib", compress=("gzip", 3))
    >>> v = gate.check(artifacts=folder)
    >>> v.status, v.reason
    (<Status.FAIL: 'fail'>, 'disallowed_global')
    >>> print(v.findings[0].message)  # doctest: +NORMALIZE_WHITESPACE
    evil.joblib: global ...getcwd at offset ... is not allowed:
    ...getcwd is not on the allowlist (read by joblib.load)
    """

    extra_inputs: ClassVar[tuple[str, ...]] = ("artifacts",)
    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "allow": [_AllowSpec()],
        "max_decompressed_bytes": [Interval("int", 1, None)],
        "verify": ["boolean"],
        "on_unsupported": [Options("error", "fail", "warn", "skip")],
        "paths": [list, tuple, None],
    }

    def __init__(
        self,
        *,
        allow: Any = "sklearn",
        max_decompressed_bytes: int = DEFAULT_MAX_DECOMPRESSED_BYTES,
        verify: bool = False,
        on_unsupported: str = "error",
        paths: list[str] | None = None,
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.allow = allow
        self.max_decompressed_bytes = max_decompressed_bytes
        self.verify = verify
        self.on_unsupported = on_unsupported
        self.paths = paths

    def required_inputs(self) -> tuple[str, ...]:
        return () if self.paths else ("artifacts",)

    def _param_to_config(self, key: str, value: Any) -> Any:
        if isinstance(value, Allowlist):
            return value.to_config()
        if isinstance(value, (list, tuple)):
            return [v.to_config() if isinstance(v, Allowlist) else v for v in value]
        return super()._param_to_config(key, value)

    def _allowlist(self) -> Allowlist:
        try:
            return Allowlist.resolve(self.allow)
        except (ValueError, TypeError, OSError) as exc:
            raise InputError(f"allow: {exc}", reason="invalid_allowlist", subject="allow") from None

    def _check(self, ctx: CheckContext) -> Verdict:
        from mlgates.gates.security._scan import scan_artifact

        allow = self._allowlist()
        paths = artifact_paths([str(p) for p in self.paths or ()])
        if ctx.has("artifacts"):
            paths += artifact_paths(ctx.get("artifacts"))
        findings: list[Finding] = []
        methods: set[str] = set()
        n_disallowed = n_unverifiable = 0
        for label, path in paths:
            shown = Path(label).name if Path(label).name else label
            if not path.is_file():
                findings.append(
                    Finding(shown, Status.ERROR, reason="missing_file", message=f"{label}: no such file")
                )
                continue
            report = scan_artifact(
                path, allow, max_decompressed_bytes=self.max_decompressed_bytes, verify=self.verify
            )
            methods.add(report.method)
            judged, disallowed, unverifiable = self._judge(shown, report, allow)
            findings.extend(judged)
            n_disallowed += disallowed
            n_unverifiable += unverifiable
        return self._verdict(
            findings=findings,
            metrics={
                "n_artifacts": len(paths),
                "n_disallowed_globals": n_disallowed,
                "n_unverifiable": n_unverifiable,
            },
            params={
                "method": "+".join(sorted(methods)) or None,
                "allowlist": {"source": allow.source, "n_globals": len(allow), "baseline": allow.baseline},
            },
        )

    def _judge(self, shown: str, report: Any, allow: Allowlist) -> tuple[list[Finding], int, int]:
        """The artifact's findings, and how many of them are disallowed globals and how many
        say the file cannot be verified."""
        base = {"format": report.format, "method": report.method, "size_bytes": report.size}
        if report.format in ("unknown", "zip") and not report.problems:
            status = _ON[self.on_unsupported]
            return (
                [
                    Finding(
                        shown,
                        status,
                        method=report.method,
                        reason="unsupported_format",
                        message=f"{shown}: not a pickle, joblib, .npy, .npz or .skops file; not scanned",
                        details=base,
                    )
                ],
                0,
                0,
            )
        out: list[Finding] = []
        n_unverifiable = 0
        bad_reason = "new_global" if allow.baseline else "disallowed_global"
        for seen in report.disallowed[:50]:
            use = seen.use
            where = f" at offset {use.offset}" if use.offset >= 0 else ""
            out.append(
                Finding(
                    shown,
                    Status.FAIL,
                    method=report.method,
                    reason=bad_reason,
                    message=f"{shown}: global {use.module}.{use.name}{where} is not allowed: {use.why} "
                    f"(read by {seen.reading})",
                    details={
                        **base,
                        "module": use.module,
                        "qualname": use.name,
                        "offset": use.offset,
                        "why": use.why,
                        "reading": seen.reading,
                    },
                )
            )
        for problem in report.problems[:20]:
            cannot = problem.code in _CANNOT_SCAN
            n_unverifiable += not cannot
            out.append(
                Finding(
                    shown,
                    Status.ERROR if cannot else Status.FAIL,
                    method=report.method,
                    reason="missing_dependency" if cannot else "unverifiable",
                    message=f"{shown}: cannot be verified: {problem.message} (offset {problem.offset})",
                    details={**base, "why": problem.code, "offset": problem.offset},
                )
            )
        if not out:
            names = sorted({f"{u.module}:{u.name}" for u in report.uses})
            out.append(
                Finding(
                    shown,
                    Status.PASS,
                    statistic=0.0,
                    method=report.method,
                    message=f"{shown}: {len(names)} distinct globals, all allowed ({report.format}, "
                    f"{report.method.replace('_', ' ')})",
                    details={**base, "globals": names[:500], "n_arrays": report.n_arrays},
                )
            )
        return out, len(report.disallowed[:50]), n_unverifiable

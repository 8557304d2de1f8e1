"""``mlgates audit PATH``: artifact safety and secrets over a model folder or release bundle.

Exit codes: 0 passed (PASS, or WARN unless ``--fail-on warn``), 1 failed (a global off the
allowlist, a file that does not verify, a credential), 2 error (a path missing, an
allowlist that cannot be read, a file that could not be scanned).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

__all__ = ["register", "run_audit"]


def register(subparsers: Any) -> None:
    """Add the ``audit`` subcommand to the ``mlgates`` parser."""
    audit = subparsers.add_parser(
        "audit",
        help="scan model files for code they would run and files for credentials; exit 0/1/2",
        description=(
            "Scan a model folder, release bundle or single file without loading anything: every "
            "global a pickle/joblib/.npy/.npz/.skops artifact would import must be on the allowlist "
            "(default: the 'sklearn' preset) and every file must verify (no truncation, trailing "
            "bytes or decompression bomb); config, text and artifact files are searched for "
            "credentials. Exit 0 passed, 1 failed, 2 error."
        ),
    )
    audit.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to audit")
    audit.add_argument(
        "--allow",
        action="append",
        metavar="SPEC",
        help="allowlist: a preset (sklearn, numpy, pandas, scipy, python, xgboost, lightgbm), a .json "
        "file from --learn, or module:qualname; repeat to unite (default: sklearn)",
    )
    audit.add_argument(
        "--learn",
        metavar="OUT.json",
        help="write the globals of the given (trusted) artifacts as a baseline allowlist and exit; "
        "later audits with --allow OUT.json fail on any new global",
    )
    audit.add_argument(
        "--max-decompressed-bytes",
        type=int,
        default=2**31,
        metavar="N",
        help="cap on what a compressed artifact may decompress to (default 2 GiB)",
    )
    audit.add_argument(
        "--verify", action="store_true", help="also load clean pickles with the restricted unpickler"
    )
    audit.add_argument("--no-secrets", action="store_true", help="skip the credentials scan")
    audit.add_argument("--format", choices=("text", "json", "markdown", "junit", "html"), default=None)
    audit.add_argument(
        "--output", "-o", metavar="PATH", action="append", help="write the report here (by suffix)"
    )
    audit.add_argument("--fail-on", choices=("fail", "warn"), default="fail")
    audit.add_argument("--quiet", "-q", action="store_true", help="no summary on the terminal")
    audit.add_argument("--no-color", action="store_true")
    audit.add_argument("--debug", action="store_true", help="show Python tracebacks")
    audit.set_defaults(handler=run_audit)


def audit_suite(
    *, allow: Any = "sklearn", max_decompressed_bytes: int = 2**31, verify: bool = False, secrets: bool = True
) -> Any:
    """The suite ``mlgates audit`` runs: :class:`ArtifactSafetyGate` and :class:`SecretsGate`."""
    from mlgates.core.suite import Suite
    from mlgates.gates.security import ArtifactSafetyGate, SecretsGate

    gates: list[Any] = [
        ArtifactSafetyGate(
            allow=allow, max_decompressed_bytes=max_decompressed_bytes, verify=verify, name="artifact safety"
        )
    ]
    if secrets:
        gates.append(SecretsGate(name="secrets"))
    return Suite(gates, name="mlgates audit")


def _learn(paths: list[Path], out: str, cap: int) -> int:
    from mlgates.cli import CliError
    from mlgates.gates.security import Allowlist
    from mlgates.gates.security.artifact import artifact_paths

    files = [p for _, p in artifact_paths([str(p) for p in paths])]
    if not files:
        raise CliError(
            "--learn: no artifact file (.pkl, .joblib, .npy, .npz, .skops, ...) under the given paths."
        )
    learned = Allowlist(source="learned", baseline=True)
    for path in files:
        try:
            learned = learned | Allowlist.from_artifact(path, max_decompressed_bytes=cap)
        except ValueError as exc:
            raise CliError(str(exc)) from None
    names = ", ".join(p.name for p in files[:5]) + (" ..." if len(files) > 5 else "")
    learned = Allowlist(learned, source=f"learned from {names}", baseline=True)
    learned.save(out)
    print(f"wrote {out}: {len(learned)} globals from {len(files)} artifact(s); review it, then run: "
          f"mlgates audit PATH --allow {out}")  # fmt: skip
    return 0


def run_audit(args: argparse.Namespace) -> int:
    """Handler of ``mlgates audit``; returns the exit code."""
    from mlgates.cli import CliError
    from mlgates.cli_output import exit_code, output_paths, print_status, write_verdict
    from mlgates.gates.security import Allowlist

    paths = [Path(p) for p in args.paths]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise CliError(f"{', '.join(missing)}: no such file or folder.")
    if args.learn:
        return _learn(paths, args.learn, args.max_decompressed_bytes)
    allow = args.allow or ["sklearn"]
    try:
        Allowlist.resolve(allow)
    except (ValueError, TypeError) as exc:
        raise CliError(f"--allow: {exc}") from None
    outputs = output_paths(args.output or [], args.format)
    suite = audit_suite(
        allow=allow if len(allow) > 1 else allow[0],
        max_decompressed_bytes=args.max_decompressed_bytes,
        verify=args.verify,
        secrets=not args.no_secrets,
    )
    verdict = suite.check(artifacts=[str(p) for p in paths])
    fmt = args.format or "text"
    write_verdict(verdict, args, outputs, fmt)
    code = exit_code(verdict, args)
    print_status(verdict, args, outputs, fmt, code)
    return code

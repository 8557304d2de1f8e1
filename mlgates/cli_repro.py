"""``mlgates fingerprint``, ``mlgates lock`` and ``mlgates verify``.

Exit codes: 0 passed (or printed), 1 a locked artifact changed, 2 an error (a path or the
lock file missing or unreadable). Paths, artifact and column names are printed through
:func:`mlgates.report.safe_text` (one line each, no escape sequences reach the terminal).

Relative paths in a lock file are resolved against the folder recorded in it (its ``base``,
stored relative to the lock file's own folder), so ``mlgates verify proj/mlgates.lock.json``
checks the same files from any working directory.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from mlgates.report import render, safe_text

__all__ = ["register"]

DEFAULT_LOCK = "mlgates.lock.json"


def register(subparsers: Any) -> None:
    """Add the reproducibility subcommands to the ``mlgates`` parser."""
    fp = subparsers.add_parser(
        "fingerprint", help="print canonical content fingerprints of files and directories"
    )
    fp.add_argument("paths", nargs="+", metavar="PATH")
    fp.add_argument(
        "--row-order",
        choices=("sensitive", "insensitive"),
        default="sensitive",
        help="for table files (Parquet, Feather, CSV, TSV): whether row order matters",
    )
    fp.add_argument("--columns", action="store_true", help="also print per-column fingerprints of tables")
    fp.add_argument("--json", action="store_true", help="print JSON instead of lines")
    fp.set_defaults(handler=_fingerprint)

    lock = subparsers.add_parser("lock", help="fingerprint files/directories into a lock file")
    lock.add_argument("paths", nargs="+", metavar="PATH")
    lock.add_argument(
        "-o", "--output", default=DEFAULT_LOCK, help=f"lock file to write (default {DEFAULT_LOCK})"
    )
    lock.add_argument(
        "--seed", action="append", default=[], metavar="NAME=INT", help="record a seed (repeatable)"
    )
    lock.add_argument("--row-order", choices=("sensitive", "insensitive"), default="sensitive")
    lock.add_argument("--no-environment", action="store_true", help="do not record the environment")
    lock.set_defaults(handler=_lock)

    verify = subparsers.add_parser("verify", help="re-fingerprint the files of a lock file and compare")
    verify.add_argument(
        "lockfile",
        nargs="?",
        default=None,
        metavar="LOCKFILE",
        help=f"lock file to check (default {DEFAULT_LOCK})",
    )
    verify.add_argument("--lock", default=None, metavar="LOCKFILE", help="the same as LOCKFILE")
    verify.add_argument("--environment-policy", choices=("warn", "fail", "ignore"), default="warn")
    verify.add_argument(
        "--seed",
        action="append",
        default=[],
        metavar="NAME=INT",
        help="seeds of this run, compared with the locked ones",
    )
    verify.add_argument(
        "--strict",
        action="store_true",
        help="locked artifacts that the CLI cannot re-read (in-memory data, models) are errors",
    )
    verify.add_argument(
        "--format", choices=("text", "json"), default="text", help="how to print the verdict (default text)"
    )
    verify.set_defaults(handler=_verify)


def _missing(paths: list[Path]) -> bool:
    gone = [p for p in paths if not p.exists()]
    for p in gone:
        print(f"mlgates: no such file or directory: {safe_text(p)}", file=sys.stderr)
    return bool(gone)


def _seeds(items: list[str]) -> dict[str, int] | None:
    seeds: dict[str, int] = {}
    for item in items:
        name, sep, value = item.partition("=")
        try:
            seeds[name.strip()] = int(value)
        except ValueError:
            raise SystemExit(f"mlgates: --seed expects NAME=INT, got {item!r}") from None
        if not sep or not name.strip():
            raise SystemExit(f"mlgates: --seed expects NAME=INT, got {item!r}")
    return seeds or None


def _fingerprint(args: argparse.Namespace) -> int:
    from mlgates.fingerprints.manifest import describe_artifact

    paths = [Path(p) for p in args.paths]
    if _missing(paths):
        return 2
    rows: list[dict[str, Any]] = []
    for path in paths:
        row: dict[str, Any] = {"path": str(path)}
        try:
            # a table file by its content (with per-column fingerprints), anything else by its bytes
            entry = describe_artifact(path, row_order=args.row_order)
            row["fingerprint"] = entry["fingerprint"]
            if "n_rows" in entry:
                row.update(n_rows=entry["n_rows"], columns=entry["columns"])
        except (OSError, ValueError, TypeError) as exc:
            print(f"mlgates fingerprint: cannot read {path}: {exc}", file=sys.stderr)
            return 2
        rows.append(row)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    for row in rows:
        print(f"{row['fingerprint']}  {safe_text(row['path'])}")
        if args.columns:
            for name, fp in (row.get("columns") or {}).items():
                print(f"  {fp}  {safe_text(name)}")
    return 0


def _lock(args: argparse.Namespace) -> int:
    from mlgates.fingerprints.manifest import Manifest

    paths = [Path(p) for p in args.paths]
    if _missing(paths):
        return 2
    out = Path(args.output)
    seeds = _seeds(args.seed)
    try:  # reading: a locked file that cannot be read or fingerprinted
        manifest = Manifest.capture(
            artifacts={p.as_posix(): p for p in paths},
            seeds=seeds,
            environment=not args.no_environment,
            row_order=args.row_order,
            exclude=[out],  # the lock file itself, when it is written into a locked directory
        )
    except (OSError, ValueError, TypeError) as exc:
        print(f"mlgates lock: cannot fingerprint the locked paths: {safe_text(exc)}", file=sys.stderr)
        return 2
    try:  # writing
        manifest.save(out)
    except (OSError, ValueError) as exc:
        print(f"mlgates lock: cannot write the lock file {safe_text(out)}: {safe_text(exc)}", file=sys.stderr)
        return 2
    for name, entry in manifest.artifacts.items():
        print(f"{entry['fingerprint']}  {safe_text(name)}")
    print(f"wrote {safe_text(out)} ({len(manifest.artifacts)} artifacts)")
    return 0


def _verify(args: argparse.Namespace) -> int:
    from mlgates.core.errors import ConfigError
    from mlgates.fingerprints.manifest import Manifest
    from mlgates.gates.reproducibility import ReproducibilityGate

    if args.lockfile is not None and args.lock is not None and args.lockfile != args.lock:
        print(
            safe_text(
                f"mlgates verify: error: two lock files given ({args.lockfile} and --lock {args.lock}); "
                "pass one."
            ),
            file=sys.stderr,
        )
        return 2
    lockfile = args.lockfile or args.lock or DEFAULT_LOCK
    gate = ReproducibilityGate(
        lockfile=lockfile,
        on_environment_change=args.environment_policy,
        on_missing="error" if args.strict else "skip",
        name="mlgates verify",
    )
    gate._cli_terms = True  # messages in --seed terms, not check(artifacts=...)
    artifacts: dict[str, Any] = {}
    try:
        manifest = Manifest.load(lockfile) if Path(lockfile).exists() else None
    except ConfigError:
        manifest = None  # the gate reports invalid_lock
    if manifest is not None:
        relative = [
            n for n, e in manifest.artifacts.items() if "path" in e and not Path(e["path"]).is_absolute()
        ]
        if relative and not manifest.base:
            print(
                f"mlgates verify: note: {lockfile} records no base folder (a schema 1 lock), so its "
                f"relative paths are read from the working directory {Path.cwd()}; re-create it with "
                "`mlgates lock` to resolve them against the lock file's folder.",
                file=sys.stderr,
            )
        for name in manifest.artifacts:
            path = manifest.path_of(name)
            if path is not None:
                artifacts[name] = path
    seeds = _seeds(args.seed)
    if seeds is not None:
        artifacts["seeds"] = seeds
    verdict = gate.check(artifacts=artifacts)
    color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    print(render(verdict, "json") if args.format == "json" else render(verdict, "text", color=color))
    return verdict.exit_code

"""The ``mlgates`` command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from mlgates._version import __version__


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mlgates",
        description="Composable gates for ML pipelines. Exit codes: 0 passed, 1 failed, 2 error.",
    )
    parser.add_argument("--version", action="version", version=f"mlgates {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = sub.add_parser("demo", help="run the demo suite on bundled real data (UCI Adult)")
    demo.add_argument("--output-dir", default=".", help="where to write mlgates-report.html/.json")
    from mlgates import cli_audit, cli_check, cli_repro

    cli_check.register(sub)
    cli_repro.register(sub)
    cli_audit.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``mlgates`` command; returns the exit code."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    if args.command == "demo":
        from mlgates.demo import run_demo

        verdict = run_demo(args.output_dir, color=sys.stdout.isatty())
        return verdict.exit_code
    if getattr(args, "handler", None) is not None:
        from mlgates.cli_check import dispatch

        return dispatch(args)
    parser.print_help()
    return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

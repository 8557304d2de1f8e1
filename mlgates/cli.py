"""The ``mlgates`` command line: the parser, the entry point, and the one place where a
subcommand's error becomes one line on stderr and exit code 2 (:func:`dispatch`)."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import traceback
from collections.abc import Sequence
from typing import Any, TextIO

from mlgates import __version__
from mlgates.core.errors import MlgatesError
from mlgates.report import safe_text

__all__ = ["CliError", "dispatch", "main"]


class CliError(MlgatesError):
    """A user mistake on the command line: printed as one line, exit code 2."""


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mlgates",
        description="Composable gates for ML pipelines. Exit codes: 0 passed, 1 failed, 2 error.",
    )
    parser.add_argument("--version", action="version", version=f"mlgates {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = sub.add_parser("demo", help="run the demo suite on bundled real data (UCI Adult)")
    demo.add_argument("--output-dir", default=".", help="where to write mlgates-report.html/.json")
    from mlgates import cli_audit, cli_check, cli_ledger, cli_repro

    cli_check.register(sub)
    cli_repro.register(sub)
    cli_ledger.register(sub)
    cli_audit.register(sub)
    return parser


def dispatch(args: argparse.Namespace) -> int:
    """Run the handler; user mistakes become one line on stderr and exit code 2."""
    try:
        return int(args.handler(args))
    except (MlgatesError, OSError) as exc:
        if getattr(args, "debug", False):
            traceback.print_exc()
        print(f"mlgates {args.command}: error: {safe_text(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"mlgates {args.command}: interrupted", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - never a bare traceback for users
        if getattr(args, "debug", False):
            traceback.print_exc()
        else:
            print(
                f"mlgates {args.command}: unexpected {type(exc).__name__}: {safe_text(exc)} "
                "(rerun with --debug for the traceback)",
                file=sys.stderr,
            )
        return 2


class _PipeGuard:
    """Stands in for ``sys.stdout`` while the command runs: once the reader of a pipe has gone
    (``mlgates check ... | head``), further output is discarded instead of raising
    ``BrokenPipeError``, so the command still writes its reports and returns the verdict's exit
    code, with no traceback and no "Broken pipe" error."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.broken = False

    def write(self, text: str) -> int:
        if not self.broken:
            try:
                return self.stream.write(text)
            except BrokenPipeError:
                self._silence()
        return len(text)

    def flush(self) -> None:
        if not self.broken:
            try:
                self.stream.flush()
            except BrokenPipeError:
                self._silence()

    def _silence(self) -> None:
        # point the file descriptor at /dev/null: what is still buffered is flushed there at
        # exit instead of raising again ("Exception ignored ... BrokenPipeError")
        self.broken = True
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self.stream.fileno())
            os.close(devnull)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``mlgates`` command; returns the exit code."""
    guard = _PipeGuard(sys.stdout)
    sys.stdout = guard  # type: ignore[assignment]
    try:
        return _main(argv)
    finally:
        guard.flush()
        if sys.stdout is guard:
            sys.stdout = guard.stream


def _main(argv: Sequence[str] | None) -> int:
    parser = _build_parser()
    args = parser.parse_args(argv)
    if args.command == "demo":
        from mlgates.demo import run_demo

        verdict = run_demo(args.output_dir, color=sys.stdout.isatty())
        return verdict.exit_code
    if getattr(args, "handler", None) is not None:
        return dispatch(args)
    parser.print_help()
    return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

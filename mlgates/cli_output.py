"""What a judging command (``mlgates check``, ``mlgates audit``) writes: the report formats and
the ``--output`` files they go to, the verdict on the terminal, the exit code and the closing
status line, the GitHub step summary and the progress line. Every name from the data or the
suite file goes through :func:`mlgates.report.safe_text`. Only public API is used here (the
layering test in tests/test_layers.py checks it).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from mlgates.cli import CliError
from mlgates.report import safe_text

if TYPE_CHECKING:
    from mlgates.core.gate import Gate
    from mlgates.core.verdict import Verdict

__all__ = [
    "FORMATS",
    "append_step_summary",
    "exit_code",
    "output_paths",
    "print_status",
    "progress_printer",
    "render",
    "write_verdict",
]

#: Report formats of ``--format``, and the format implied by an ``--output`` suffix.
FORMATS = ("text", "json", "markdown", "junit", "html")
_SUFFIX_FORMATS = {
    ".txt": "text",
    ".json": "json",
    ".md": "markdown",
    ".markdown": "markdown",
    ".xml": "junit",
    ".html": "html",
    ".htm": "html",
}


def render(verdict: Verdict, fmt: str, *, color: bool = False) -> str:
    """The verdict in one of :data:`FORMATS` (through :func:`mlgates.report.render`)."""
    from mlgates import report

    if fmt not in FORMATS:
        raise CliError(f"--format {fmt!r}: use one of {', '.join(FORMATS)}.")
    if fmt == "text":
        return report.render(verdict, "text", color=color) + "\n"
    if fmt == "json":
        return report.render(verdict, "json") + "\n"
    return report.render(verdict, fmt)


def progress_printer(stream: TextIO) -> Callable[[int, int, Gate], None]:
    """A ``progress`` callback for ``check()`` that rewrites one ``[i/n] gate ...`` line."""

    def show(i: int, n: int, gate: Gate) -> None:
        stream.write(f"\r\033[K[{i + 1}/{n}] {safe_text(gate.display_name)} ...")
        stream.flush()

    return show


def append_step_summary(verdict: Verdict) -> None:
    """Append the Markdown report to ``$GITHUB_STEP_SUMMARY`` when it is set (a warning on
    stderr, not an error, when it cannot be written)."""
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if not path:
        return
    try:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(render(verdict, "markdown") + "\n")
    except OSError as exc:
        print(
            f"mlgates check: warning: cannot append to GITHUB_STEP_SUMMARY {safe_text(path)}: "
            f"{safe_text(exc)}",
            file=sys.stderr,
        )


def output_paths(paths: Sequence[str], fmt: str | None) -> list[tuple[Path, str]]:
    """Each ``--output`` with its format: ``--format`` for a single output, else the suffix.

    Checked before any gate runs: an unknown suffix is refused (unless ``--format`` names the
    format of a single output), and so is a folder that does not exist (it is not created).
    """
    accepted = ", ".join(sorted(_SUFFIX_FORMATS))
    out = []
    for raw in paths:
        path = Path(raw)
        parent = path.parent
        if not parent.is_dir():
            what = "is not a folder" if parent.exists() else "does not exist"
            raise CliError(
                f"--output {path}: the folder {parent} {what}; create it first or write elsewhere."
            )
        if fmt is not None and len(paths) == 1:
            out.append((path, fmt))
            continue
        by_suffix = _SUFFIX_FORMATS.get(path.suffix.lower())
        if by_suffix is None:
            several = " with several outputs" if len(paths) > 1 else ""
            alternative = "" if several else ", or pass --format to choose the format"
            raise CliError(
                f"--output {path}: cannot tell the format from the suffix {path.suffix!r}{several}; "
                f"use one of {accepted}{alternative}."
            )
        out.append((path, by_suffix))
    return out


def write_verdict(
    verdict: Verdict, args: argparse.Namespace, outputs: list[tuple[Path, str]], fmt: str
) -> None:
    """Write the report files and print the verdict (text to a terminal in colour unless
    ``--no-color`` or ``NO_COLOR``); shared by every command that judges (check, audit)."""
    color = sys.stdout.isatty() and not args.no_color and "NO_COLOR" not in os.environ
    if outputs:
        for out, out_fmt in outputs:
            out.write_text(render(verdict, out_fmt), encoding="utf-8")
        if not args.quiet:
            sys.stdout.write(render(verdict, "text", color=color))
            for out, out_fmt in outputs:
                print(f"wrote {out_fmt} report to {safe_text(out)}")
    elif not (args.quiet and fmt == "text"):
        sys.stdout.write(render(verdict, fmt, color=color and fmt == "text"))


def exit_code(verdict: Verdict, args: argparse.Namespace) -> int:
    """0 passed, 1 failed, 2 error; with ``--fail-on warn`` a WARN is 1."""
    code = verdict.exit_code
    if args.fail_on == "warn" and code == 0 and verdict.status.value == "warn":
        code = 1
    return code


def print_status(
    verdict: Verdict, args: argparse.Namespace, outputs: list[tuple[Path, str]], fmt: str, code: int
) -> None:
    """The closing ``status: ... (exit code N)`` line on stderr (not in quiet or machine formats)."""
    if not args.quiet and (fmt == "text" or outputs):
        print(f"status: {verdict.status.value.upper()} (exit code {code})", file=sys.stderr)

"""``mlgates check`` and ``mlgates init``: run a suite file on data files, write a starter suite.

Exit codes of ``check``: 0 passed (PASS, or WARN unless ``--fail-on warn``), 1 failed (FAIL or
SKIP), 2 error (bad suite file, unreadable data, a column that is not there, a gate that could
not judge its input). User mistakes print one line naming the file, key or column and the fix;
``--debug`` shows the traceback. Every line that carries a name from the data, the suite file or
an error goes through :func:`mlgates.report.safe_text`: a column name cannot forge a line of the
CI log or send escape sequences to the terminal. Only public API is used here (the layering test
in tests/test_layers.py checks it).
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from mlgates.cli_init import init_text, starter_suite  # noqa: F401 - their home before cli_init
from mlgates.core.errors import InputError, MlgatesError
from mlgates.report import safe_text

if TYPE_CHECKING:
    import pandas as pd

    from mlgates.core.gate import Gate
    from mlgates.core.verdict import Verdict

__all__ = ["CliError", "register"]

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
_PICKLE_SUFFIXES = (".pkl", ".pickle", ".joblib", ".jbl")

_MODEL_HELP = (
    "Loading a model from a pickle or joblib file EXECUTES CODE from that file: mlgates loads one "
    "only after a static scan finds every global it imports on the allowlist (--allow, default the "
    "'sklearn' preset), through an unpickler that refuses anything else (mlgates.safe_load); "
    "--trust-model skips both. Files ending in .skops are loaded "
    "with skops (pip install skops), which checks types before loading."
)


class CliError(MlgatesError):
    """A user mistake on the command line: printed as one line, exit code 2."""


# -- parser ---------------------------------------------------------------------------------
def register(subparsers: Any) -> None:
    """Add the ``check`` and ``init`` subcommands to the ``mlgates`` parser."""
    check = subparsers.add_parser(
        "check",
        help="run a suite file on data files; exit 0 passed, 1 failed, 2 error",
        description=(
            "Run the gates of SUITE_FILE (TOML, YAML or JSON) on CSV or Parquet files, print the "
            "verdict and exit 0 (passed), 1 (failed) or 2 (error: bad config, unreadable file, "
            "invalid input). " + _MODEL_HELP
        ),
    )
    check.add_argument("suite", metavar="SUITE_FILE", help="suite file (.toml, .yaml/.yml or .json)")
    check.add_argument(
        "--reference",
        metavar="PATH",
        help="reference data: a .csv/.parquet file, or a directory or quoted glob read in chunks",
    )
    check.add_argument(
        "--current",
        metavar="PATH",
        help="current data: a .csv/.parquet file, or a directory or quoted glob read in chunks",
    )
    check.add_argument(
        "--reference-profile",
        metavar="DIR",
        help="a saved reference profile (from `mlgates profile`) instead of --reference data",
    )
    check.add_argument(
        "--chunk-rows",
        metavar="N",
        type=int,
        help="read the data files in chunks of N rows (directories and globs always are)",
    )
    check.add_argument("--target", metavar="COL", help="label column")
    check.add_argument("--prediction", metavar="COL", help="column of the candidate's predictions")
    check.add_argument("--proba", metavar="COL", nargs="+", help="column(s) of predicted probabilities")
    check.add_argument("--baseline-prediction", metavar="COL", help="column of the baseline's predictions")
    check.add_argument("--baseline-proba", metavar="COL", nargs="+", help="baseline probability column(s)")
    check.add_argument(
        "--sensitive",
        metavar="COL",
        nargs="+",
        action="extend",
        help="sensitive feature column(s) for fairness gates",
    )
    check.add_argument(
        "--environment",
        metavar="NAME",
        help="schema environment of SchemaGate's `environments` (e.g. training, serving)",
    )
    check.add_argument("--model", metavar="PATH", help="candidate model file (see --trust-model)")
    check.add_argument("--baseline-model", metavar="PATH", help="baseline model file (see --trust-model)")
    check.add_argument(
        "--trust-model",
        action="store_true",
        help="load pickle/joblib model files without the allowlist scan (executes any code in them)",
    )
    check.add_argument(
        "--allow",
        action="append",
        metavar="SPEC",
        help="allowlist for model files: a preset, a .json from `mlgates audit --learn`, or module:qualname",
    )
    check.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help="report format (default: from the --output suffix, else text)",
    )
    check.add_argument(
        "--output",
        "-o",
        metavar="PATH",
        action="append",
        help="write the report here; repeat for several (format by suffix: .json .md .xml .html .txt)",
    )
    check.add_argument(
        "--fail-on",
        choices=("fail", "warn"),
        default="fail",
        help="'warn' also fails (exit 1) on warnings (default: fail)",
    )
    check.add_argument(
        "--quiet", "-q", action="store_true", help="no progress and no summary on the terminal"
    )
    check.add_argument("--no-color", action="store_true", help="no ANSI colors in text output")
    check.add_argument("--debug", action="store_true", help="show Python tracebacks")
    from mlgates.cli_ledger import add_record_options

    add_record_options(check)  # --record [DIR], --model-name, --stage
    check.set_defaults(handler=run_check)

    init = subparsers.add_parser(
        "init",
        help="write a starter suite file inferred from reference data, for review",
        description=(
            "Write a starter suite (TOML) with data-quality gates inferred from the reference data, "
            "a non-blocking drift gate, and commented performance and fairness gates with "
            "explanations. Review it before committing it."
        ),
    )
    init.add_argument("--reference", metavar="PATH", required=True, help="reference data (.csv or .parquet)")
    init.add_argument("--target", metavar="COL", help="label column")
    init.add_argument(
        "--output",
        "-o",
        metavar="PATH",
        default="mlgates.toml",
        help="suite file to write (default: mlgates.toml)",
    )
    init.add_argument("--force", action="store_true", help="overwrite an existing file")
    init.add_argument("--debug", action="store_true", help="show Python tracebacks")
    init.set_defaults(handler=run_init)

    profile = subparsers.add_parser(
        "profile",
        help="compute what a suite needs from its reference data once, and save it",
        description=(
            "Read the reference data once (a file, a directory or a quoted glob, in chunks) and save "
            "every summary the gates of SUITE_FILE need from it: a folder of plain JSON and one .npz, "
            "versioned and fingerprinted. Then `mlgates check SUITE_FILE --reference-profile DIR "
            "--current ...` needs no reference data."
        ),
    )
    profile.add_argument("suite", metavar="SUITE_FILE", help="suite file (.toml, .yaml/.yml or .json)")
    profile.add_argument(
        "--reference", metavar="PATH", required=True, help="reference data (file, dir or glob)"
    )
    profile.add_argument(
        "--output", "-o", metavar="DIR", required=True, help="folder to write the profile to"
    )
    profile.add_argument("--target", metavar="COL", help="label column")
    profile.add_argument("--chunk-rows", metavar="N", type=int, help="rows per chunk (default 1,000,000)")
    profile.add_argument("--force", action="store_true", help="overwrite an existing profile folder")
    profile.add_argument("--debug", action="store_true", help="show Python tracebacks")
    profile.set_defaults(handler=run_profile)


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


# -- reading inputs -------------------------------------------------------------------------
def read_table(path: str | os.PathLike[str], option: str = "--current") -> pd.DataFrame:
    """Read a data file with :func:`mlgates.core.inputs.read_table` (the dtypes ``mlgates lock``
    fingerprints); errors name the option, the file and the fix."""
    from mlgates.core.inputs import read_table as read

    p, _ = table_path(path, option)
    try:
        return read(p)
    except InputError as exc:  # e.g. Parquet/Feather without pyarrow
        raise CliError(f"{option} {exc}") from None
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        raise CliError(f"{option} {p}: cannot read the file: {exc}") from exc


def is_chunked_path(path: str | os.PathLike[str]) -> bool:
    """A directory or a glob: read in chunks (``mlgates.scan``), never all at once."""
    text = os.fspath(path)
    return any(ch in text for ch in "*?[") or Path(text).is_dir()


def scan_table(path: str | os.PathLike[str], option: str, chunk_rows: int | None) -> Any:
    """A table read in chunks (``mlgates.scan``); a path that matches no table file names the option."""
    from mlgates import scan

    try:
        source = scan(os.fspath(path), chunk_rows=chunk_rows)
        source.schema()  # every file's columns and types, before anything is decided
    except InputError as exc:
        raise CliError(f"{option} {exc}") from None
    return source


def table_path(path: str | os.PathLike[str], option: str = "--current") -> tuple[Path, str]:
    """The data file and its format, checked without reading it (so that a mistyped path is
    reported before anything slow happens); errors name the option, the file and the fix."""
    if is_chunked_path(path):
        return Path(path), "chunks"
    p = Path(path)
    if not p.exists():
        raise CliError(f"{option} {p}: no such file.")
    if p.is_dir():
        raise CliError(f"{option} {p}: is a directory; pass a .csv or .parquet file.")
    from mlgates.core._io import table_format

    fmt = table_format(p)  # the same recognition and reading as `mlgates fingerprint`/`lock`
    if fmt not in ("parquet", "feather", "csv", "tsv"):
        raise CliError(
            f"{option} {p}: unknown file type {p.suffix!r}; use .csv or .tsv (optionally "
            ".gz/.bz2/.zip/.xz), .parquet or .feather."
        )
    return p, fmt


def _check_columns(
    frame: pd.DataFrame, columns: Sequence[str], option: str, path: str | os.PathLike[str]
) -> None:
    names = [str(c) for c in frame.columns]
    for col in columns:
        if col in frame.columns:
            continue
        close = difflib.get_close_matches(col, names, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        shown = ", ".join(names[:15]) + (" ..." if len(names) > 15 else "")
        raise CliError(f"{option} {col!r} is not a column of {path}.{hint} Columns: {shown}.")


def load_model(
    path: str | os.PathLike[str], *, trust: bool, option: str = "--model", allow: Any = None
) -> Any:
    """Load a model file: ``.skops`` with skops (types checked), pickle/joblib with
    :func:`mlgates.safe_load` (allowlist ``allow``, default the sklearn preset) unless trusted."""
    p = Path(path)
    if not p.exists():
        raise CliError(f"{option} {p}: no such file.")
    name = p.name.lower()
    if name.endswith(".skops"):
        try:
            import skops.io as sio
        except ImportError:
            raise CliError(f"{option} {p}: .skops files need skops: pip install skops") from None
        untrusted = sio.get_untrusted_types(file=p)
        if untrusted and not trust:
            raise CliError(
                f"{option} {p}: the file contains types skops does not trust by default "
                f"({', '.join(untrusted)}). Review them, then pass --trust-model to load it."
            )
        return sio.load(p, trusted=untrusted or None)
    if name.endswith(_PICKLE_SUFFIXES):
        if not trust:
            from mlgates.gates.security import UnsafeArtifactError, safe_load

            try:
                return safe_load(p, allow=allow or "sklearn")
            except (UnsafeArtifactError, ValueError) as exc:
                raise CliError(
                    f"{option} {p}: not loaded: {exc}. Loading a pickle/joblib file executes code from "
                    "it, so mlgates loads only files whose globals are on the allowlist: add your own "
                    "classes with --allow module:qualname (or a baseline from `mlgates audit --learn`), "
                    "or pass --trust-model if you trust this file."
                ) from None
        import joblib

        return joblib.load(p)
    raise CliError(f"{option} {p}: unknown model file type {p.suffix!r}; use .skops, .joblib or .pkl.")


def _table(path: str, option: str, chunk_rows: int | None) -> Any:
    """A data file in memory, or (a directory, a glob, or with --chunk-rows) read in chunks."""
    if chunk_rows is not None or is_chunked_path(path):
        return scan_table(path, option, chunk_rows)
    return read_table(path, option)


def _inputs(args: argparse.Namespace) -> dict[str, Any]:
    inputs: dict[str, Any] = {}
    chunk_rows = getattr(args, "chunk_rows", None)
    if chunk_rows is not None and chunk_rows < 1:
        raise CliError(
            f"--chunk-rows {chunk_rows}: pass a positive number of rows, e.g. --chunk-rows 500000."
        )
    profile = getattr(args, "reference_profile", None)
    if profile and args.reference:
        raise CliError("pass either --reference (data) or --reference-profile (a saved profile), not both.")
    if profile:
        from mlgates import load_profile

        try:
            inputs["reference"] = load_profile(profile)
        except InputError as exc:
            raise CliError(f"--reference-profile {exc}") from None
    if args.reference:
        inputs["reference"] = _table(args.reference, "--reference", chunk_rows)
    if args.current:
        inputs["current"] = _table(args.current, "--current", chunk_rows)
    if not inputs:
        raise CliError("no data: pass --current PATH (and --reference PATH for gates that compare).")
    # column options must name columns of current (or of reference when only it is given)
    side, path = ("current", args.current) if args.current else ("reference", args.reference or profile)
    path = str(path)
    frame = inputs[side]
    if not hasattr(frame, "columns"):  # read in chunks or a profile: its columns, no rows
        frame = _schema(frame)
    for option, key in (
        ("--target", "target"),
        ("--prediction", "prediction"),
        ("--baseline-prediction", "baseline_prediction"),
    ):
        value = getattr(args, key)
        if value is not None:
            _check_columns(frame, [value], option, path)
            inputs[key] = value
    for option, key in (("--proba", "proba"), ("--baseline-proba", "baseline_proba")):
        value = getattr(args, key)
        if value:
            _check_columns(frame, value, option, path)
            inputs[key] = value[0] if len(value) == 1 else list(value)
    if args.sensitive:
        _check_columns(frame, args.sensitive, "--sensitive", path)
        inputs["sensitive_features"] = list(args.sensitive)
    if getattr(args, "environment", None) is not None:
        inputs["environment"] = args.environment
    if args.model:
        inputs["model"] = load_model(args.model, trust=args.trust_model, option="--model", allow=args.allow)
    if args.baseline_model:
        inputs["baseline_model"] = load_model(
            args.baseline_model, trust=args.trust_model, option="--baseline-model", allow=args.allow
        )
    return inputs


def _schema(table: Any) -> Any:
    import pandas as pd

    schema = getattr(table, "schema", None)
    if callable(schema):
        return schema()
    columns = getattr(table, "columns", None) or []  # a reference profile
    return pd.DataFrame(columns=list(columns))


# -- check ----------------------------------------------------------------------------------
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


def _progress_printer(stream: TextIO) -> Callable[[int, int, Gate], None]:
    def show(i: int, n: int, gate: Gate) -> None:
        stream.write(f"\r\033[K[{i + 1}/{n}] {safe_text(gate.display_name)} ...")
        stream.flush()

    return show


def run_suite(gate: Gate, inputs: dict[str, Any], *, progress: Callable[..., None] | None) -> Verdict:
    """Check ``gate`` on ``inputs``, reporting progress per top-level member of a suite."""
    return gate.check(**inputs, progress=progress)


def _append_step_summary(verdict: Verdict) -> None:
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


#: Command-line options that provide each input, for hints after a ``missing_input`` verdict.
INPUT_OPTIONS = {
    "reference": "--reference PATH",
    "current": "--current PATH",
    "target": "--target COL",
    "prediction": "--prediction COL",
    "proba": "--proba COL [COL ...]",
    "baseline_prediction": "--baseline-prediction COL",
    "baseline_proba": "--baseline-proba COL [COL ...]",
    "model": "--model PATH (add --trust-model for pickle/joblib files)",
    "baseline_model": "--baseline-model PATH (add --trust-model for pickle/joblib files)",
    "sensitive_features": "--sensitive COL [COL ...]",
}
_CHECK_CALL = re.compile(r"check\((\w+)=\.\.\.\)")


def _flag_for(match: re.Match[str]) -> str:
    name = match.group(1)
    return INPUT_OPTIONS.get(name, f"{name}=... (no command-line option: run this gate from Python)")


def missing_input_hints(verdict: Verdict) -> list[str]:
    """One line per ``missing_input`` message in ``verdict`` (and its children and findings),
    with the Python ``check(name=...)`` advice translated to the ``mlgates check`` options."""
    hints: list[str] = []
    stack = [verdict]
    while stack:
        v = stack.pop(0)
        items = [(v.name, v.reason, v.message)]
        items += [(f"{v.name}: {f.subject}", f.reason, f.message) for f in v.findings]
        for where, reason, message in items:
            if reason != "missing_input" or not _CHECK_CALL.search(message or ""):
                continue
            text = _CHECK_CALL.sub(_flag_for, message).replace(" (a column name or an array)", "")
            line = f"hint: {where}: {text}"
            if line not in hints:
                hints.append(line)
        stack.extend(v.children)
    return hints


#: ``mlgates check`` option -> the ``check()`` input it provides.
_OPTION_INPUTS = {
    "reference": "reference",
    "reference_profile": "reference",
    "current": "current",
    "target": "target",
    "prediction": "prediction",
    "proba": "proba",
    "baseline_prediction": "baseline_prediction",
    "baseline_proba": "baseline_proba",
    "sensitive": "sensitive_features",
    "model": "model",
    "baseline_model": "baseline_model",
}


def _leaves(gate: Gate) -> list[Gate]:
    from mlgates.core.suite import Suite

    if isinstance(gate, Suite):
        return [leaf for g in gate.gates for leaf in _leaves(g)]
    return [gate]


def missing_options(gate: Gate, args: argparse.Namespace) -> str | None:
    """One line naming every option the suite needs but the command line lacks (with the
    gates that need each), or None. Checked before any file is read or any gate runs."""
    given = [name for option, name in _OPTION_INPUTS.items() if getattr(args, option, None)]
    missing = gate.missing_inputs(given)
    if not missing:
        return None
    parts = []
    for group in missing:
        needers = [g.display_name for g in _leaves(gate) if group in g.missing_inputs(given)]
        options = " or ".join(_short_option(n) for n in group)
        count = f"{len(needers)} gates: " if len(needers) > 4 else ""
        shown = ", ".join(needers[:4]) + (", ..." if len(needers) > 4 else "")
        parts.append(f"{options} (needed by {count}{shown})" if needers else options)
    noun = "option" if len(parts) == 1 else "options"
    trust = " (pickle/joblib model files also need --trust-model)" if "--model" in " ".join(parts) else ""
    return f"missing {noun}: " + "; ".join(parts) + f". Pass them and run again{trust}."


def _short_option(name: str) -> str:
    """``--model PATH`` for the input ``model``; inputs without an option say so."""
    option = INPUT_OPTIONS.get(name)
    if option is None:
        return f"{name}=... (no command-line option: run this gate from Python)"
    return option.split(" (")[0]


def run_check(args: argparse.Namespace) -> int:
    """Handler of ``mlgates check``; returns the exit code."""
    from mlgates.core.config import load_suite

    suite_path = Path(args.suite)
    if not suite_path.exists():
        raise CliError(f"{suite_path}: no such suite file. Create one with: mlgates init --reference PATH")
    gate = load_suite(suite_path)
    from mlgates.core.suite import Suite

    if isinstance(gate, Suite) and not gate.gates:
        raise CliError(
            f"{suite_path}: the suite has no gates; add [[gates]] blocks (mlgates init --reference PATH "
            "writes a starter suite)."
        )
    outputs = output_paths(args.output or [], args.format)
    for option in ("reference", "current"):  # mistyped paths first: cheap, and the likelier slip
        if getattr(args, option):
            table_path(getattr(args, option), f"--{option}")
    try:
        problem = missing_options(gate, args)
    except MlgatesError as exc:  # a parameter only checked at use (e.g. an unknown metric)
        raise CliError(f"{suite_path}: {exc}") from exc
    if problem is not None:  # one line, before reading data or running any gate
        raise CliError(problem)
    if getattr(args, "environment", None) is not None and not any(
        "environment" in leaf.accepted_inputs() for leaf in _leaves(gate)
    ):
        raise CliError(
            f"--environment {args.environment}: no gate of {suite_path} takes an environment; define "
            "one in a SchemaGate (environments = ...) or leave --environment out."
        )
    inputs = _inputs(args)
    fmt = args.format or "text"
    show_progress = not args.quiet and sys.stderr.isatty()
    progress = _progress_printer(sys.stderr) if show_progress else None
    try:
        gate.validate()
    except MlgatesError as exc:
        raise CliError(f"{suite_path}: {exc}") from exc
    verdict = run_suite(gate, inputs, progress=progress)
    if show_progress:
        sys.stderr.write("\r\033[K")
        sys.stderr.flush()
    write_verdict(verdict, args, outputs, fmt)
    _append_step_summary(verdict)
    if args.record is not None:
        from mlgates.cli_ledger import record_check

        record_check(args, gate, inputs, verdict)
    code = exit_code(verdict, args)
    for hint in missing_input_hints(verdict):  # the CLI's names for what a gate missed
        print(f"mlgates check: {safe_text(hint)}", file=sys.stderr)
    print_status(verdict, args, outputs, fmt, code)
    return code


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


# -- init -----------------------------------------------------------------------------------
def run_init(args: argparse.Namespace) -> int:
    """Handler of ``mlgates init``."""
    from mlgates.core._io import atomic_write
    from mlgates.core.config import load_suite

    out = Path(args.output)
    if out.suffix.lower() != ".toml":
        raise CliError(f"--output {out}: init writes TOML; use a .toml file name.")
    # inputs first: a missing reference or column is the mistake to report, not an existing output
    reference = read_table(args.reference, "--reference")
    if args.target is not None:
        _check_columns(reference, [args.target], "--target", args.reference)
    if out.exists() and not args.force:
        raise CliError(f"{out} exists; pass --force to overwrite it or --output another path.")
    text = init_text(reference, reference_path=args.reference, output=str(out), target=args.target)
    atomic_write(out, text)
    load_suite(out)  # what we wrote must load
    target = f" --target {args.target}" if args.target else ""
    print(
        safe_text(
            f"wrote {out}: review it, then run: mlgates check {out} --reference {args.reference} "
            f"--current NEW_DATA.csv{target}"
        )
    )
    return 0


# -- profile --------------------------------------------------------------------------------
def run_profile(args: argparse.Namespace) -> int:
    """Handler of ``mlgates profile``: compute and save the suite's reference profile."""
    from mlgates import profile_reference
    from mlgates.core.config import load_suite

    suite_path = Path(args.suite)
    if not suite_path.exists():
        raise CliError(f"{suite_path}: no such suite file. Create one with: mlgates init --reference PATH")
    out = Path(args.output)
    if out.exists() and not args.force:
        raise CliError(f"--output {out}: exists; pass --force to overwrite it.")
    if args.chunk_rows is not None and args.chunk_rows < 1:
        raise CliError(f"--chunk-rows {args.chunk_rows}: pass a positive number of rows.")
    gate = load_suite(suite_path)
    try:
        gate.validate()
    except MlgatesError as exc:
        raise CliError(f"{suite_path}: {exc}") from exc
    table_path(args.reference, "--reference")
    reference = scan_table(args.reference, "--reference", args.chunk_rows)
    extra = {"target": args.target} if args.target else {}
    try:
        profile = profile_reference(gate, reference, **extra)
    except InputError as exc:
        raise CliError(f"--reference {exc}") from None
    folder = profile.save(out)
    print(
        f"wrote {safe_text(folder)}: {profile.n_rows:,} reference rows, {len(profile.entries)} summaries, "
        f"{profile.fingerprint[:23]}...; check with: mlgates check {safe_text(suite_path)} "
        f"--reference-profile {safe_text(folder)} --current PATH"
    )
    return 0

"""``mlgates check``, ``mlgates init`` and ``mlgates profile``: their options, and the order of
the steps (suite file, outputs, options, data, gates, reports, exit code).

Exit codes of ``check``: 0 passed (PASS, or WARN unless ``--fail-on warn``), 1 failed (FAIL or
SKIP), 2 error (bad suite file, unreadable data, a column that is not there, a gate that could
not judge its input). User mistakes print one line naming the file, key or column and the fix
(:func:`mlgates.cli.dispatch`); ``--debug`` shows the traceback. Reading the inputs lives in
:mod:`mlgates.cli_inputs`, writing the reports in :mod:`mlgates.cli_output`. Every line that
carries a name from the data, the suite file or an error goes through
:func:`mlgates.report.safe_text`: a column name cannot forge a line of the CI log or send escape
sequences to the terminal. Only public API is used here (the layering test in
tests/test_layers.py checks it).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

# names that lived here before the split, still importable from mlgates.cli_check
from mlgates.cli import CliError, dispatch  # noqa: F401
from mlgates.cli_init import init_text, starter_suite  # noqa: F401 - their home before cli_init
from mlgates.cli_inputs import (  # noqa: F401
    INPUT_OPTIONS,
    check_columns,
    is_chunked_path,
    leaves,
    load_model,
    missing_input_hints,
    missing_options,
    read_inputs,
    read_table,
    scan_table,
    table_path,
)
from mlgates.cli_output import (  # noqa: F401
    FORMATS,
    append_step_summary,
    exit_code,
    output_paths,
    print_status,
    progress_printer,
    render,
    write_verdict,
)
from mlgates.core.errors import InputError, MlgatesError
from mlgates.report import safe_text

if TYPE_CHECKING:
    from mlgates.core.gate import Gate
    from mlgates.core.verdict import Verdict

__all__ = ["CliError", "register"]

_MODEL_HELP = (
    "Loading a model from a pickle or joblib file EXECUTES CODE from that file: mlgates loads one "
    "only after a static scan finds every global it imports on the allowlist (--allow, default the "
    "'sklearn' preset), through an unpickler that refuses anything else (mlgates.safe_load); "
    "--trust-model skips both. Files ending in .skops are loaded "
    "with skops (pip install skops), which checks types before loading."
)


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


# -- check ----------------------------------------------------------------------------------
def run_suite(gate: Gate, inputs: dict[str, Any], *, progress: Callable[..., None] | None) -> Verdict:
    """Check ``gate`` on ``inputs``, reporting progress per top-level member of a suite."""
    return gate.check(**inputs, progress=progress)


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
        "environment" in leaf.accepted_inputs() for leaf in leaves(gate)
    ):
        raise CliError(
            f"--environment {args.environment}: no gate of {suite_path} takes an environment; define "
            "one in a SchemaGate (environments = ...) or leave --environment out."
        )
    inputs = read_inputs(args)
    fmt = args.format or "text"
    show_progress = not args.quiet and sys.stderr.isatty()
    progress = progress_printer(sys.stderr) if show_progress else None
    try:
        gate.validate()
    except MlgatesError as exc:
        raise CliError(f"{suite_path}: {exc}") from exc
    verdict = run_suite(gate, inputs, progress=progress)
    if show_progress:
        sys.stderr.write("\r\033[K")
        sys.stderr.flush()
    write_verdict(verdict, args, outputs, fmt)
    append_step_summary(verdict)
    if args.record is not None:
        from mlgates.cli_ledger import record_check

        record_check(args, gate, inputs, verdict)
    code = exit_code(verdict, args)
    for hint in missing_input_hints(verdict):  # the CLI's names for what a gate missed
        print(f"mlgates check: {safe_text(hint)}", file=sys.stderr)
    print_status(verdict, args, outputs, fmt, code)
    return code


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
        check_columns(reference, [args.target], "--target", args.reference)
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

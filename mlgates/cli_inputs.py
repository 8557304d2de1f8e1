"""The inputs of ``mlgates check`` (and ``init``, ``profile``): data files read whole or in
chunks, column options checked against the data, model files loaded safely, and the command-line
options that provide each ``check()`` input (named before anything runs when a suite needs one,
and in hints after a ``missing_input`` verdict). Errors are one :class:`~mlgates.cli.CliError`
line naming the option, the file or column and the fix. Only public API is used here (the
layering test in tests/test_layers.py checks it).
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgates.cli import CliError
from mlgates.core.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

    from mlgates.core.gate import Gate
    from mlgates.core.verdict import Verdict

__all__ = [
    "INPUT_OPTIONS",
    "check_columns",
    "is_chunked_path",
    "leaves",
    "load_model",
    "missing_input_hints",
    "missing_options",
    "read_inputs",
    "read_table",
    "scan_table",
    "table_path",
]

_PICKLE_SUFFIXES = (".pkl", ".pickle", ".joblib", ".jbl")


# -- data and model files ------------------------------------------------------------------
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


def check_columns(
    frame: pd.DataFrame, columns: Sequence[str], option: str, path: str | os.PathLike[str]
) -> None:
    """A CliError when a column ``option`` names is not in ``frame`` (with the closest name
    and the table's columns)."""
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


def read_inputs(args: argparse.Namespace) -> dict[str, Any]:
    """The ``check()`` inputs the command line gives: data (or a reference profile), column
    options checked against the data, and model files."""
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
            check_columns(frame, [value], option, path)
            inputs[key] = value
    for option, key in (("--proba", "proba"), ("--baseline-proba", "baseline_proba")):
        value = getattr(args, key)
        if value:
            check_columns(frame, value, option, path)
            inputs[key] = value[0] if len(value) == 1 else list(value)
    if args.sensitive:
        check_columns(frame, args.sensitive, "--sensitive", path)
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


# -- which option provides which input ---------------------------------------------------
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


def leaves(gate: Gate) -> list[Gate]:
    """The gates of ``gate`` that are not suites (``[gate]`` for a single gate)."""
    from mlgates.core.suite import Suite

    if isinstance(gate, Suite):
        return [leaf for g in gate.gates for leaf in leaves(g)]
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
        needers = [g.display_name for g in leaves(gate) if group in g.missing_inputs(given)]
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

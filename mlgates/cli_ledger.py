"""``mlgates ledger status|history|show|verify|reindex|promote|retire`` and ``mlgates card``.

Exit codes: 0 done (``verify``: intact or only warnings; ``promote``: promoted), 1 refused or
tampered (``promote`` refused, ``verify`` found changed records), 2 error (no ledger, unknown
id, bad option). ``mlgates check ... --record`` appends the check's verdict to the ledger.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mlgates.core.gate import Gate
    from mlgates.core.verdict import Verdict
    from mlgates.record.ledger import Ledger

__all__ = ["add_record_options", "record_check", "register"]

_LEDGER_HELP = "the ledger folder (default: $MLGATES_LEDGER or .mlgates/ledger)"


def _common() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: `mlgates ledger --ledger DIR status` and `mlgates ledger status --ledger DIR` both work
    parent.add_argument("--ledger", metavar="DIR", default=argparse.SUPPRESS, help=_LEDGER_HELP)
    parent.add_argument("--debug", action="store_true", help="show Python tracebacks")
    return parent


def _model_options(parser: argparse.ArgumentParser) -> None:
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--fingerprint", metavar="FP", help="the model's fingerprint (mlg1-...)")
    which.add_argument("--model", metavar="PATH", help="the model file (its content fingerprint is used)")


def register(subparsers: Any) -> None:
    """Add ``ledger`` (with its subcommands) and ``card`` to the ``mlgates`` parser."""
    common = _common()
    ledger = subparsers.add_parser(
        "ledger",
        help="the release record: status, history, verify, promote, retire",
        description="The ledger of verdicts and lifecycle decisions (see docs/governance.md).",
    )
    ledger.add_argument("--ledger", metavar="DIR", default=None, help=_LEDGER_HELP)
    sub = ledger.add_subparsers(dest="ledger_command", metavar="SUBCOMMAND")
    ledger.set_defaults(handler=lambda args: _usage(ledger))

    status = sub.add_parser(
        "status", parents=[common], help="which model is live, staging, candidate, retired"
    )
    status.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    status.set_defaults(handler=_status)

    history = sub.add_parser("history", parents=[common], help="every verdict and decision about a model")
    history.add_argument("name", metavar="NAME")
    history.add_argument("--fingerprint", metavar="FP", help="only this model of the name")
    history.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    history.set_defaults(handler=_history)

    show = sub.add_parser("show", parents=[common], help="print one record (id, id prefix or number)")
    show.add_argument("id", metavar="ID")
    show.add_argument("--verdict", action="store_true", help="print the recorded verdict as a table")
    show.set_defaults(handler=_show)

    verify = sub.add_parser("verify", parents=[common], help="check every record and the hash chain")
    verify.add_argument("--format", choices=("text", "json"), default="text")
    verify.add_argument(
        "--expect-head", metavar="ID", help="fail unless the head is this record id (a copy kept elsewhere)"
    )
    verify.set_defaults(handler=_verify)

    reindex = sub.add_parser(
        "reindex", parents=[common], help="rebuild the SQLite index from the record files"
    )
    reindex.set_defaults(handler=_reindex)

    promote = sub.add_parser(
        "promote", parents=[common], help="promote a model if its record allows it (exit 1 if refused)"
    )
    promote.add_argument("name", metavar="NAME")
    _model_options(promote)
    promote.add_argument("--to", choices=("staging", "live"), default="live")
    promote.add_argument("--require", metavar="SUITE", nargs="+", action="extend", default=[])
    promote.add_argument("--max-age", default="7d", help="oldest verdict that counts (default 7d; 'none')")
    promote.add_argument("--reason", help="why (recorded)")
    promote.add_argument("--allow-dirty", action="store_true", help="accept verdicts from uncommitted code")
    promote.add_argument("--previous", choices=("retired", "staging"), default="retired")
    promote.set_defaults(handler=_promote)

    retire = sub.add_parser("retire", parents=[common], help="mark a model retired (recorded)")
    retire.add_argument("name", metavar="NAME")
    _model_options(retire)
    retire.add_argument("--reason", help="why (recorded)")
    retire.set_defaults(handler=_retire)

    card = subparsers.add_parser(
        "card", parents=[common], help="write a model card (Markdown or HTML) from the ledger"
    )
    card.add_argument("name", metavar="MODEL")
    _model_options(card)
    card.add_argument("--output", "-o", metavar="PATH", help="write here (.md or .html); default: print")
    card.add_argument("--format", choices=("markdown", "html"), default=None)
    card.set_defaults(handler=_card)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _open(args: argparse.Namespace) -> Ledger:
    from mlgates.record.ledger import Ledger

    return Ledger(getattr(args, "ledger", None))


def _model(args: argparse.Namespace) -> Any:
    return Path(args.model) if getattr(args, "model", None) else getattr(args, "fingerprint", None)


def _table_out(table: Any, fmt: str) -> int:
    import json

    if fmt == "json":
        print(json.dumps(table.to_dicts(), indent=2, default=str))
    elif fmt == "markdown":
        sys.stdout.write(table.to_markdown())
    else:
        print(table.to_text())
    return 0


def _status(args: argparse.Namespace) -> int:
    return _table_out(_open(args).status(), args.format)


def _history(args: argparse.Namespace) -> int:
    return _table_out(_open(args).history(args.name, args.fingerprint), args.format)


def _show(args: argparse.Namespace) -> int:
    record = _open(args).get(args.id)
    if args.verdict and record.verdict is not None:
        print(record.verdict.to_text(color=sys.stdout.isatty()))
    else:
        print(record.to_json())
    if not record.intact:
        print(f"mlgates ledger show: warning: {record.id} does not match its hashes", file=sys.stderr)
        return 1
    return 0


def _verify(args: argparse.Namespace) -> int:
    ledger = _open(args)
    verdict = ledger.verify()
    head = ledger.head()
    code = verdict.exit_code
    if args.expect_head and (head is None or not str(head.get("id", "")).startswith(args.expect_head)):
        print(
            f"mlgates ledger verify: the head is {head and head.get('id')}, expected {args.expect_head} "
            "(records were removed or appended since)",
            file=sys.stderr,
        )
        code = max(code, 1)
    print(verdict.to_json() if args.format == "json" else verdict.to_text(color=sys.stdout.isatty()))
    return code


def _reindex(args: argparse.Namespace) -> int:
    ledger = _open(args)
    if not ledger.path.is_dir():
        from mlgates.record.ledger import LedgerError

        raise LedgerError(f"{ledger.path}: no ledger here.")
    print(f"reindexed {ledger.reindex()} records in {ledger.path}")
    return 0


def _promote(args: argparse.Namespace) -> int:
    max_age = None if str(args.max_age).lower() == "none" else args.max_age
    verdict = _open(args).promote(
        args.name,
        _model(args),
        to=args.to,
        require=args.require,
        max_age=max_age,
        reason=args.reason,
        allow_dirty=args.allow_dirty,
        previous=args.previous,
    )
    print(verdict.to_text(color=sys.stdout.isatty()))
    outcome = "promoted" if verdict.passed else "refused"
    print(f"{outcome}: {args.name} -> {args.to} (decision {verdict.params.get('record')})", file=sys.stderr)
    return verdict.exit_code


def _retire(args: argparse.Namespace) -> int:
    rec = _open(args).retire(args.name, _model(args), reason=args.reason)
    print(f"retired {args.name} {rec.model_fingerprint} (decision {rec.id})")
    return 0


def _card(args: argparse.Namespace) -> int:
    from mlgates.record.card import model_card

    out = Path(args.output) if args.output else None
    fmt = args.format or (
        "html" if out is not None and out.suffix.lower() in (".html", ".htm") else "markdown"
    )
    text = model_card(
        args.name, _model(args), ledger=_open(args), format=fmt, output_dir=out.parent if out else None
    )
    if out is None:
        sys.stdout.write(text)
        return 0
    out.write_text(text, encoding="utf-8")
    print(f"wrote {fmt} model card to {out}")
    return 0


# -- mlgates check --record -----------------------------------------------------------------
def add_record_options(check: argparse.ArgumentParser) -> None:
    """The ``--record`` options of ``mlgates check``."""
    check.add_argument(
        "--record",
        nargs="?",
        const="",
        default=None,
        metavar="DIR",
        help="append the verdict to the ledger (DIR; default $MLGATES_LEDGER or .mlgates/ledger)",
    )
    check.add_argument(
        "--model-name", metavar="NAME", help="the model's name in the ledger (default: the model file's stem)"
    )
    check.add_argument("--stage", metavar="STAGE", default="ci", help="recorded stage (default: ci)")


def record_check(args: argparse.Namespace, gate: Gate, inputs: dict[str, Any], verdict: Verdict) -> None:
    """Append the verdict of ``mlgates check`` with its model file, data and suite fingerprints."""
    from mlgates.record.ledger import Ledger

    model = Path(args.model) if args.model else None
    name = args.model_name or (model.stem if model is not None else None)
    # tables read in chunks (directories, globs) and reference profiles are not read again to be
    # fingerprinted: the record keeps what the verdict's provenance says of them
    import pandas as pd

    data = {k: inputs[k] for k in ("reference", "current") if isinstance(inputs.get(k), pd.DataFrame)}
    if gate.name is None:  # an unnamed suite is known by its file: `--require release` for release.toml
        gate = gate.clone().set_params(name=Path(args.suite).stem)
    rec = Ledger(args.record or None).record(
        verdict,
        model=model,
        model_name=name,
        data=data or None,
        suite=gate,
        stage=args.stage,
        metadata={"suite_file": str(args.suite)},
    )
    print(f"mlgates check: recorded {rec.id} in {rec.path.parents[2]}", file=sys.stderr)

"""Model cards written from the ledger alone: what the model is, the data it was checked on,
its performance with intervals, fairness, drift, reproducibility and lifecycle history.

Every number is a link to the record it came from (an "Evidence" section lists each record
with its hash, time, commit and file), so nothing on the card is typed by hand. The card is
first built as sections of cells, then rendered as Markdown or HTML.
"""

from __future__ import annotations

import dataclasses
import html
import json
import math
import os
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgates.core.errors import ParameterError
from mlgates.core.verdict import Verdict
from mlgates.record.table import printable

if TYPE_CHECKING:
    from mlgates.record.ledger import Ledger, Record

__all__ = ["model_card"]

_FAMILIES = {
    "performance": ("PerformanceGate", "BeatsBaselineGate", "CalibrationGate"),
    "fairness": ("FairnessGate", "DisparateImpactGate"),
    "drift": ("DriftGate", "MultivariateDriftGate"),
    "reproducibility": ("ReproducibilityGate", "DeterminismGate"),
}


@dataclasses.dataclass(frozen=True)
class _Link:
    text: str
    record: str
    title: str = ""


Cell = str | _Link

#: The card's own style (the record layer does not reach up into the report renderers).
_CSS = (
    ".mlg{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;font-size:13px;color:#1f2328;"
    "max-width:1200px;line-height:1.4;background:#fff}.mlg-page{margin:16px 24px}"
    ".mlg-head{font-size:18px}.mlg-meta{color:#6e7781;font-size:12px}.mlg-msg{color:#424a53}"
    ".mlg-suite{margin-top:14px;font-size:14px;border-bottom:1px solid #d0d7de;padding-bottom:2px}"
    ".mlg-findings{border-collapse:collapse;margin:4px 0 8px 1.5em}"
    ".mlg-findings th,.mlg-findings td{border-bottom:1px solid #d0d7de;padding:2px 8px;text-align:left}"
    ".mlg-findings th{background:#f6f8fa;font-weight:600}.mlg-more{color:#6e7781;font-style:italic}"
    "a{color:#0969da;text-decoration:none}code{font-size:12px}"
)


@dataclasses.dataclass
class _Section:
    title: str
    intro: str = ""
    columns: tuple[str, ...] = ()
    rows: list[tuple[Cell, ...]] = dataclasses.field(default_factory=list)
    empty: str = "nothing recorded"


def _num(x: Any) -> str:
    """4 significant digits (scientific below 1e-3 and from 1e6), integers as integers."""
    if x is None:
        return ""
    x = float(x)
    if math.isnan(x) or math.isinf(x):
        return str(x)
    if x != 0 and (abs(x) < 1e-3 or abs(x) >= 1e6):
        return f"{x:.3e}"
    return str(int(x)) if x.is_integer() else f"{x:.4g}"


def _param_text(value: Any) -> str:
    """A recorded parameter as it was given: JSON for lists and mappings, the text otherwise."""
    from mlgates.core._jsonable import thaw

    if isinstance(value, (list, tuple, Mapping)):
        return json.dumps(thaw(value), ensure_ascii=False)
    return str(value)


def _leaves(verdict: Verdict, prefix: str = "") -> Iterator[tuple[str, Verdict]]:
    path = f"{prefix}{verdict.name}"
    if not verdict.children:
        yield path, verdict
    for child in verdict.children:
        yield from _leaves(child, f"{path} › ")


def _family(gate: str) -> str:
    for family, gates in _FAMILIES.items():
        if gate in gates:
            return family
    return "checks"


def _pick_fingerprint(ledger: Ledger, model_name: str, model: Any) -> str:
    from mlgates.record.lifecycle import resolve_model

    if model is not None:
        return resolve_model(ledger, model_name, model)
    live = ledger.live(model_name)
    if len(live) == 1:
        return live[0]
    return resolve_model(ledger, model_name, None)


def _metric_rows(path: str, v: Verdict, rid: str) -> list[tuple[Cell, ...]]:
    rows: list[tuple[Cell, ...]] = []
    m = dict(v.metrics)
    bounds = {f.subject: f.threshold for f in v.findings if f.threshold is not None}
    skip = {"ci_low", "ci_high"}
    for key in m:
        if key in skip or key.startswith("baseline_") or key.endswith(("_ci_low", "_ci_high")):
            continue
        lo, hi = m.get(f"{key}_ci_low"), m.get(f"{key}_ci_high")
        interval: Cell = (
            _Link(f"[{_num(lo)}, {_num(hi)}]", rid, f"{path}: {key} interval") if lo is not None else ""
        )
        base = m.get(f"baseline_{key}")
        rows.append(
            (
                path,
                key,
                _Link(_num(m[key]), rid, f"{path}: {key}"),
                interval,
                _Link(_num(base), rid, f"{path}: baseline_{key}") if base is not None else "",
                _Link(_num(bounds[key]), rid, f"{path}: {key} bound") if key in bounds else "",
                v.status.value,
            )
        )
    if "ci_low" in m and "ci_high" in m:
        rows.append(
            (
                path,
                "difference (candidate - baseline)",
                "",
                _Link(
                    f"[{_num(m['ci_low'])}, {_num(m['ci_high'])}]", rid, f"{path}: interval of the difference"
                ),
                "",
                "",
                v.status.value,
            )
        )
    return rows


def _finding_rows(path: str, v: Verdict, rid: str, limit: int = 30) -> list[tuple[Cell, ...]]:
    rows: list[tuple[Cell, ...]] = []
    for f in v.findings[:limit]:
        d = f.details or {}
        lo, hi = d.get("ci_low"), d.get("ci_high")
        interval: Cell = (
            _Link(f"[{_num(lo)}, {_num(hi)}]", rid, f"{path}: {f.subject}") if lo is not None else ""
        )
        rows.append(
            (
                path,
                f.subject,
                f.method or "",
                _Link(_num(f.statistic), rid, f"{path}: {f.subject}") if f.statistic is not None else "",
                interval,
                _Link(_num(f.threshold), rid, f"{path}: threshold") if f.threshold is not None else "",
                _Link(_num(f.pvalue), rid, f"{path}: p-value") if f.pvalue is not None else "",
                f.status.value,
            )
        )
    return rows


def _build(ledger: Ledger, model_name: str, fp: str) -> tuple[str, list[_Section], list[Record]]:
    records = ledger.records(model_name=model_name, fingerprint=fp)
    if not records:
        raise ParameterError(f"the ledger has no record of {model_name} {fp}.")
    verdicts = [r for r in records if r.kind == "verdict"]
    decisions = [r for r in records if r.kind == "decision"]
    cited: dict[str, Record] = {}

    def cite(rec: Record) -> str:
        cited[rec.id] = rec
        return rec.id

    state = ledger.state(model_name, fp) or "unknown"
    about = _Section("Model", columns=("field", "value"))
    described = next((r for r in reversed(verdicts) if (r.body.get("model") or {}).get("type")), None)
    source = described or records[-1]
    model = source.body.get("model") or {}
    about.rows += [
        ("name", model_name),
        ("fingerprint", _Link(fp, cite(source), "model fingerprint")),
        ("type", str(model.get("type") or "(not recorded)")),
        ("lifecycle state", _Link(state, cite(decisions[-1] if decisions else records[0]), "state")),
    ]
    for key, value in sorted((model.get("params") or {}).items()):
        about.rows.append((f"parameter {key}", _Link(_param_text(value), cite(source), f"parameter {key}")))

    data = _Section("Data", "Fingerprints of the data the model was checked on (never the data itself).")
    data.columns = ("role", "fingerprint", "rows", "columns", "time range", "record")
    seen: set[tuple[str, str]] = set()
    for rec in reversed(verdicts):
        for role, entry in (rec.body.get("data") or {}).items():
            key = (role, str(entry.get("fingerprint")))
            if key in seen:
                continue
            seen.add(key)
            rid = cite(rec)
            tr = entry.get("time_range")
            data.rows.append(
                (
                    role,
                    _Link(str(entry.get("fingerprint")), rid, f"{role} fingerprint"),
                    _Link(str(entry.get("n_rows")), rid, f"{role} rows")
                    if entry.get("n_rows") is not None
                    else "",
                    _Link(str(entry.get("n_columns")), rid, f"{role} columns")
                    if entry.get("n_columns")
                    else "",
                    _Link(f"{tr[0]} … {tr[1]}", rid, f"{role} time range") if tr else "",
                    _Link(rid, rid),
                )
            )

    latest: dict[str, Record] = {}
    for rec in verdicts:
        latest[str((rec.body.get("suite") or {}).get("name"))] = rec
    suites = _Section("Verdicts", "The latest verdict of each suite for this model.")
    suites.columns = ("suite", "status", "reason", "time", "stage", "commit", "record")
    perf = _Section(
        "Performance", columns=("gate", "metric", "value", "interval", "baseline", "bound", "status")
    )
    fair = _Section(
        "Fairness", columns=("gate", "group", "method", "value", "interval", "bound", "p-value", "status")
    )
    drift = _Section(
        "Drift",
        columns=("gate", "column", "method", "statistic", "interval", "threshold", "p-value", "status"),
    )
    repro = _Section("Reproducibility", columns=("gate", "status", "message", "record"))
    other = _Section("Other checks", columns=("gate", "type", "status", "message", "record"))
    for suite, rec in sorted(latest.items()):
        v = rec.verdict
        assert v is not None
        rid = cite(rec)
        git = rec.body.get("git") or {}
        commit = (
            (str(git.get("commit"))[:10] + ("+dirty" if git.get("dirty") else ""))
            if git.get("commit")
            else ""
        )
        suites.rows.append(
            (
                suite,
                _Link(v.status.value, rid),
                v.reason or "",
                str(rec.body.get("time")),
                str(rec.body.get("stage") or ""),
                commit,
                _Link(rid, rid),
            )
        )
        for path, leaf in _leaves(v):
            family = _family(leaf.gate)
            if family == "performance":
                perf.rows += _metric_rows(path, leaf, rid)
            elif family == "fairness":
                fair.rows += _finding_rows(path, leaf, rid)
            elif family == "drift":
                drift.rows += _finding_rows(path, leaf, rid)
            elif family == "reproducibility":
                repro.rows.append((path, _Link(leaf.status.value, rid), leaf.message, _Link(rid, rid)))
            else:
                other.rows.append(
                    (path, leaf.gate, _Link(leaf.status.value, rid), leaf.message, _Link(rid, rid))
                )

    life = _Section("Lifecycle", columns=("time", "action", "from", "to", "allowed", "by", "why", "record"))
    life.rows.append(
        (
            str(records[0].body.get("time")),
            "first recorded",
            "",
            "candidate",
            "",
            str(records[0].body.get("user")),
            "",
            _Link(cite(records[0]), records[0].id),
        )
    )
    for rec in decisions:
        d = rec.decision or {}
        rid = cite(rec)
        life.rows.append(
            (
                str(rec.body.get("time")),
                str(d.get("action")),
                str(d.get("from") or ""),
                str(d.get("to") or ""),
                "yes" if d.get("allowed") else "no",
                str(rec.body.get("user")),
                str(d.get("message") or d.get("reason") or ""),
                _Link(rid, rid),
            )
        )
    sections = [about, data, suites, perf, fair, drift, repro, other, life]
    evidence = [cited[k] for k in sorted(cited)]
    return f"Model card: {model_name}", sections, evidence


def model_card(
    model_name: str,
    model: Any = None,
    *,
    ledger: Ledger | str | os.PathLike[str] | None = None,
    format: str = "markdown",
    output_dir: str | os.PathLike[str] | None = None,
) -> str:
    """A model card in Markdown or HTML, written from the ledger alone.

    Parameters
    ----------
    model_name : str
        The model's name in the ledger.
    model : estimator, pathlib.Path or str, optional
        Which model of that name (fitted model, model file or fingerprint); default: the live
        one, or the only one recorded.
    ledger : Ledger, path or None
        Default ``$MLGATES_LEDGER`` or ``.mlgates/ledger``.
    format : {"markdown", "html"}
    output_dir : path, optional
        Where the card will be saved, so that links to record files are relative to it.

    Returns
    -------
    str

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> from mlgates import Ledger, RowCountGate, model_card
    >>> ledger = Ledger(tempfile.mkdtemp())
    >>> v = RowCountGate(min_rows=1, name="release").check(current=pd.DataFrame({"x": [1, 2]}))
    >>> rec = ledger.record(v, model="mlg1-xxh3_128:" + "12" * 16, model_name="churn", git=None)
    >>> card = model_card("churn", ledger=ledger)
    >>> card.splitlines()[0]
    '# Model card: churn'
    >>> f"(#r-{rec.id})" in card   # numbers link to the record they came from
    True
    """
    from mlgates.record.ledger import Ledger

    if format not in ("markdown", "html"):
        raise ParameterError(f"format must be 'markdown' or 'html'. Got {format!r} instead.")
    target = ledger if isinstance(ledger, Ledger) else Ledger(ledger)
    fp = _pick_fingerprint(target, model_name, model)
    title, sections, evidence = _build(target, model_name, fp)
    base = Path(output_dir) if output_dir is not None else None

    def href(rec: Record) -> str:
        path = rec.path if base is None else Path(os.path.relpath(rec.path, base))
        return path.as_posix()

    if format == "markdown":
        return _markdown(title, fp, sections, evidence, href)
    return _html(title, fp, sections, evidence, href)


def _md(text: str) -> str:
    return printable(text).replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")


def _md_cell(cell: Cell) -> str:
    if isinstance(cell, _Link):
        return f"[{_md(cell.text)}](#r-{cell.record})"
    return _md(cell)


def _markdown(
    title: str, fp: str, sections: Sequence[_Section], evidence: Sequence[Record], href: Any
) -> str:
    lines = [
        f"# {_md(title)}",
        "",
        f"Model `{fp}`. Written by mlgates from the ledger only: every number links to the record it "
        "came from (see Evidence).",
    ]
    for s in sections:
        lines += ["", f"## {s.title}", ""]
        if s.intro:
            lines += [s.intro, ""]
        if not s.rows:
            lines.append(f"_{s.empty}_")
            continue
        lines.append("| " + " | ".join(s.columns) + " |")
        lines.append("|" + "---|" * len(s.columns))
        lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in s.rows]
    lines += ["", "## Evidence", ""]
    lines += ["| record | kind | time | hash | commit | file |", "|---|---|---|---|---|---|"]
    for rec in evidence:
        git = rec.body.get("git") or {}
        lines.append(
            f'| <a id="r-{rec.id}"></a>{rec.id} | {rec.kind} | {rec.body.get("time")} | `{rec.hash}` '
            f"| {_md(str(git.get('commit') or ''))} | [{_md(rec.path.name)}]({href(rec)}) |"
        )
    return "\n".join(lines) + "\n"


def _h(text: Any) -> str:
    return html.escape(printable(text), quote=True)


def _html_cell(cell: Cell) -> str:
    if isinstance(cell, _Link):
        return f'<a href="#r-{_h(cell.record)}" title="{_h(cell.title or cell.record)}">{_h(cell.text)}</a>'
    return _h(cell)


def _html(title: str, fp: str, sections: Sequence[_Section], evidence: Sequence[Record], href: Any) -> str:
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'>",
        f"<title>{_h(title)}</title><style>{_CSS}</style></head><body><div class='mlg mlg-page'>",
        f"<h1 class='mlg-head'>{_h(title)}</h1>",
        f"<p class='mlg-meta'>Model <code>{_h(fp)}</code>. Written by mlgates from the ledger only: every "
        "number links to the record it came from (see Evidence).</p>",
    ]
    for s in sections:
        parts.append(f"<h2 class='mlg-suite'>{_h(s.title)}</h2>")
        if s.intro:
            parts.append(f"<p class='mlg-msg'>{_h(s.intro)}</p>")
        if not s.rows:
            parts.append(f"<p class='mlg-more'>{_h(s.empty)}</p>")
            continue
        head = "".join(f"<th>{_h(c)}</th>" for c in s.columns)
        body = "".join("<tr>" + "".join(f"<td>{_html_cell(c)}</td>" for c in row) + "</tr>" for row in s.rows)
        parts.append(
            f"<table class='mlg-findings'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        )
    parts.append("<h2 class='mlg-suite'>Evidence</h2><table class='mlg-findings'><thead><tr>")
    parts.append("".join(f"<th>{c}</th>" for c in ("record", "kind", "time", "hash", "commit", "file")))
    parts.append("</tr></thead><tbody>")
    for rec in evidence:
        git: Mapping[str, Any] = rec.body.get("git") or {}
        parts.append(
            f"<tr id='r-{_h(rec.id)}'><td>{_h(rec.id)}</td><td>{_h(rec.kind)}</td>"
            f"<td>{_h(rec.body.get('time'))}</td>"
            f"<td><code>{_h(rec.hash)}</code></td><td>{_h(git.get('commit') or '')}</td>"
            f"<td><a href='{_h(href(rec))}'>{_h(rec.path.name)}</a></td></tr>"
        )
    parts.append("</tbody></table></div></body></html>\n")
    return "".join(parts)

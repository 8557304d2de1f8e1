"""PerformanceGate on tables read in chunks (files, iterators, Dask, Spark): the same decision
from merged counts.

- **Label metrics** (accuracy, balanced accuracy, MCC, F1 / precision / recall with any
  averaging) are functions of the confusion matrix: the profile counts rows by
  ``(target, [baseline prediction,] prediction)`` (:class:`~mlgates.profiles.performance.LabelCounts`).
  Values, McNemar's discordant pairs (paired rows: the joint table holds them) and the
  bootstrap by counts (multinomial draws of the cells, the same draws as in memory for the
  same seed) are exact.
- **Score metrics** of a binary target: ``log_loss`` and ``brier_score_loss`` from sums
  (exact up to float rounding); ``roc_auc`` from score histograms on fixed bins over [0, 1]
  (:mod:`mlgates.stats.score_histogram`): not exact, within a bound that is computed and
  recorded (``details["exact"]``, ``details["bounds"]``, ``details["bin_spec_hash"]``); a
  decision whose threshold lies within the bound is ``undecided_within_bound``.
- Everything else needs the rows and reports ``SKIP`` / ``needs_in_memory``: callables,
  regression and other score metrics, multi-class score metrics, DeLong, the row bootstrap
  (score metrics, weighted rows), segments.
"""

from __future__ import annotations

import dataclasses
import math
from typing import TYPE_CHECKING, Any

import numpy as np

from mlgates.core import inputs
from mlgates.core.context import CheckContext
from mlgates.core.errors import InputError, NeedsInMemory
from mlgates.core.finding import Finding
from mlgates.core.verdict import Verdict
from mlgates.gates.performance._common import INSUFFICIENT, headline, size_shortfall
from mlgates.gates.performance._compare import Comparison, bootstrap_comparison, mcnemar_comparison
from mlgates.gates.performance._data import (
    _continuous_target,
    _pos_index,
    mixed_label_types_error,
    one_class_error,
)
from mlgates.profiles.performance import LabelCounts, ScoreCounts
from mlgates.profiles.summaries import edges_hash
from mlgates.stats.bootstrap import cell_bootstrap
from mlgates.stats.performance import MetricSpec, confusion_metric
from mlgates.stats.score_histogram import histogram_auc

if TYPE_CHECKING:
    from mlgates.gates.performance.regression import PerformanceGate, _Eval, _Facts

__all__ = ["check_profile", "profile_needs"]

#: Score metrics computed from a profile (binary targets).
SCORE_METRICS = frozenset({"roc_auc", "log_loss", "brier_score_loss"})


@dataclasses.dataclass(frozen=True)
class _Plan:
    """The needs of one gate: the candidate's (on current), the baseline's (on current, or the
    candidate's need on reference with ``compare_to="reference"``)."""

    current: Any
    baseline: Any | None
    baseline_side: str
    weighted: bool


def _unsupported(gate: PerformanceGate, spec: MetricSpec | None) -> str | None:
    if spec is None:
        return "a callable metric"
    if gate.segments is not None:
        return "segments="
    if not spec.confusion and spec.name not in SCORE_METRICS:
        return f"metric={spec.name!r} (only label metrics, roc_auc, log_loss and brier_score_loss are)"
    if gate.test == "delong":
        return "test='delong' (its variance needs every score)"
    if gate.test == "bootstrap" and not spec.confusion:
        return f"test='bootstrap' on {spec.name!r} (a row bootstrap)"
    return None


def _plan(gate: PerformanceGate, ctx: CheckContext) -> _Plan:
    spec, _fn, _name, _sign = gate._spec()
    why = _unsupported(gate, spec)
    if why is not None:
        raise NeedsInMemory(
            f"PerformanceGate with {why} needs every row in memory: on a table read in chunks it computes "
            "label metrics, roc_auc, log_loss and brier_score_loss (tests: None, 'mcnemar', 'bootstrap' "
            "for label metrics); pass current (and reference) as DataFrames"
        )
    assert spec is not None
    comparing = gate._comparing()
    target = inputs.column_input(ctx, "target", required=True, why="Performance metrics need the labels.")
    assert target is not None
    weight = inputs.column_input(ctx, "sample_weight", required=False)
    if gate.test == "bootstrap" and weight is not None:
        raise NeedsInMemory(
            "PerformanceGate(test='bootstrap') with sample_weight resamples weighted rows, which needs every "
            "row in memory; pass current as a DataFrame, or drop the weights"
        )
    paired = gate.compare_to == "baseline"
    base_side = "current" if paired else "reference"
    if spec.confusion:
        pred = _column(ctx, "prediction", "model")
        if comparing and paired:
            base = _column(ctx, "baseline_prediction", "baseline_model")
            return _Plan(
                LabelCounts((target, base, pred), sample_weight=weight), None, base_side, weight is not None
            )
        cur = LabelCounts((target, pred), sample_weight=weight)
        ref = None
        if comparing:
            _reference_columns(ctx, (target, pred, weight))
            ref = dataclasses.replace(cur, side="reference")
        return _Plan(cur, ref, base_side, weight is not None)
    score = _column(ctx, "proba", "model")
    cur_s = ScoreCounts(target, score, weight)
    ref_s = None
    if comparing and paired:
        ref_s = ScoreCounts(
            target, _column(ctx, "baseline_proba", "baseline_model"), weight, score_name="baseline_proba"
        )
    elif comparing:
        _reference_columns(ctx, (target, score, weight))
        ref_s = cur_s
    return _Plan(cur_s, ref_s, base_side, weight is not None)


def _column(ctx: CheckContext, name: str, model_name: str) -> str:
    if not ctx.has(name) and ctx.has(model_name):
        raise InputError(
            f"{model_name}: current is read in chunks ({ctx.table_kind('current')}); predictions from a "
            f"model are not computed per chunk here: add them to the table and pass {name}='<column>'.",
            reason="invalid_input",
            subject=model_name,
        )
    column = inputs.column_input(ctx, name, required=True)
    assert column is not None
    return column


def _reference_columns(ctx: CheckContext, columns: tuple[str | None, ...]) -> None:
    names = ctx.table_schema("reference").columns
    for c in columns:
        if c is not None and c not in names:
            raise InputError(
                f"reference: column {c!r} not found (compare_to='reference' reads the same columns on both "
                f"tables). Columns: {[str(x) for x in names][:20]}.",
                reason="missing_column",
                subject=c,
            )


def profile_needs(gate: PerformanceGate, ctx: CheckContext, side: str) -> list[Any]:
    plan = _plan(gate, ctx)
    out = [plan.current] if side == "current" else []
    if plan.baseline is not None and plan.baseline_side == side:
        out.append(plan.baseline)
    return out


# -- deciding ------------------------------------------------------------------------------------
def _summary(ctx: CheckContext, side: str, need: Any, weighted: bool) -> Any:
    summary = ctx.summary(side, need)  # type: ignore[arg-type]
    summary.raise_failure()
    if summary.n_rows == 0:
        raise InputError(f"{side} has no rows: the metric is undefined", reason="empty_input")
    if weighted and not _weight_total(summary) > 0:
        raise InputError(
            f"sample_weight ({side}): weights must be one finite, non-negative number per row with a "
            "positive sum.",
            reason="invalid_input",
            subject="sample_weight",
        )
    return summary


def _weight_total(summary: Any) -> float:
    if hasattr(summary, "weight_sum"):
        return float(summary.weight_sum)
    return float(summary.sums[:, 0].sum()) if summary.sums is not None else 0.0


def _distinct(values: list[Any]) -> np.ndarray:
    arr = np.array(values, dtype=object) if any(isinstance(v, str) for v in values) else np.array(values)
    try:
        return np.unique(arr)
    except TypeError:
        raise mixed_label_types_error() from None


def _check_target(mname: str, sides: list[tuple[str, list[Any], int]]) -> np.ndarray:
    """The in-memory target checks on each side's distinct target values; the classes."""
    for side, values, n in sides:
        distinct = _distinct(values)
        _continuous_target([(side, distinct)], mname)
        if distinct.size < 2:
            raise one_class_error(mname, side, distinct, n)
    return _distinct([v for _, values, _ in sides for v in values])


def check_profile(gate: PerformanceGate, ctx: CheckContext) -> Verdict:
    spec, _fn, mname, sign = gate._spec()
    assert spec is not None
    plan = _plan(gate, ctx)
    if spec.confusion:
        facts, ev, value, bounds = _labels(gate, ctx, plan, spec, mname, sign)
    else:
        facts, ev, value, bounds = _scores(gate, ctx, plan, spec, mname)
    findings, metrics, params = gate._assemble(spec, mname, sign, facts, ev, value)
    if bounds is not None:
        findings = [_bounded(gate, f, bounds, sign) for f in findings]
    return gate._verdict(findings=findings, metrics=metrics, params=params, message=headline(findings))


def _labels(
    gate: PerformanceGate, ctx: CheckContext, plan: _Plan, spec: MetricSpec, mname: str, sign: float
) -> tuple[_Facts, _Eval | None, float, None]:
    from mlgates.gates.performance.regression import _Eval, _Facts

    comparing = gate._comparing()
    cur = _summary(ctx, "current", plan.current, plan.weighted)
    ref = None if plan.baseline is None else _summary(ctx, "reference", plan.baseline, plan.weighted)
    keys = list(cur.counts.keys)
    sides = [("current", [k[0] for k in keys], cur.n_rows)]
    if ref is not None:
        sides.append(("reference", [k[0] for k in ref.counts.keys], ref.n_rows))
    y_classes = _check_target(mname, sides)
    all_keys = keys + ([] if ref is None else list(ref.counts.keys))
    classes = _distinct([v for key in all_keys for v in key])
    k = len(classes)
    if spec.average == "binary" and k > 2:
        raise InputError(
            f"{mname}: binary metric, but the labels have {k} classes {inputs.shown_values(classes)}; use "
            f"'{spec.base}_macro', '{spec.base}_micro' or '{spec.base}_weighted'.",
            reason="invalid_input",
            subject="target",
        )
    pos = _pos_index(classes, y_classes, gate.pos_label) if k == 2 or spec.average == "binary" else 1
    plain = tuple(c.item() if hasattr(c, "item") else c for c in classes)
    index = {c: i for i, c in enumerate(plain)}

    def table(summary: Any, weighted: bool) -> np.ndarray:
        c = summary.counts
        values = c.weights[:, 0] if weighted else c.rows[:, 0].astype(float)
        width = len(c.keys[0]) if c.keys else 2
        out = np.zeros((k,) * width)
        for key, v in zip(c.keys, values):
            out[tuple(index[x] for x in key)] += v
        return out

    def metric(cm: np.ndarray) -> float:
        return float(confusion_metric(cm, spec.base, spec.average, pos))

    joint = plan.baseline is None and comparing  # (y, baseline, candidate) on the same rows
    cells_w = table(cur, True)
    cm_cand = cells_w.sum(axis=1) if joint else cells_w
    n = cur.n_rows
    short = size_shortfall(
        [("current", n, None)] + ([] if ref is None else [("reference", ref.n_rows, None)]),
        "label",
        plain,
        gate.min_samples,
    )
    facts = _Facts(
        n,
        None if ref is None else ref.n_rows,
        _weights_note(plan.weighted, gate.test if comparing else None),
        short,
        "label",
        k,
        pos,
        plain,
    )
    if not comparing:
        return facts, None, metric(cm_cand), None
    cm_base = cells_w.sum(axis=2) if joint else table(ref, True)
    base_value = metric(cm_base)
    margin = gate._margin(base_value)
    comp: Comparison
    try:
        if gate.test == "mcnemar":
            rows = table(cur, False)
            yy, bb, cc = np.indices(rows.shape)
            b = int(rows[(bb == yy) & (cc != yy)].sum())
            c = int(rows[(bb != yy) & (cc == yy)].sum())
            cand_value = metric(cm_cand) if plan.weighted else (n - int(rows[cc != yy].sum())) / n
            base_v = base_value if plan.weighted else (n - int(rows[bb != yy].sum())) / n
            comp = mcnemar_comparison(
                b, c, n, cand_value, base_v, weighted=plan.weighted, margin=margin, alpha=gate.alpha
            )
        elif gate.test == "bootstrap":
            rows = table(cur, False).astype(np.int64)
            boot = cell_bootstrap(
                rows,
                base=spec.base,
                average=spec.average,
                pos=pos,
                n_resamples=gate.n_resamples,
                rng=gate.random_state,
                baseline_cells=None if joint else table(ref, False).astype(np.int64),
            )
            comp = bootstrap_comparison(
                boot, gate.alpha, margin, sign, gate.n_resamples, "confusion_counts", joint
            )
        else:
            comp = Comparison(metric(cm_cand), base_value, "difference")
    except ValueError as exc:
        comp = Comparison(math.nan, base_value, gate.test or "difference", details={"error": str(exc)})
    return facts, _Eval(comp, margin, n), comp.candidate, None


def _weights_note(weighted: bool, test: str | None) -> str:
    if not weighted:
        return ""
    if test in ("mcnemar", "delong"):
        return f"metric values weighted; the {test} test is unweighted (its interval and p-values count rows)"
    return "metric values weighted"


def _scores(
    gate: PerformanceGate, ctx: CheckContext, plan: _Plan, spec: MetricSpec, mname: str
) -> tuple[_Facts, _Eval | None, float, dict[str, Any] | None]:
    from mlgates.gates.performance.regression import _Eval, _Facts

    comparing = gate._comparing()
    cur = _summary(ctx, "current", plan.current, plan.weighted)
    base = None
    if plan.baseline is not None:
        base = _summary(ctx, plan.baseline_side, plan.baseline, plan.weighted)
    sides = [("current", list(cur.labels), cur.n_rows)]
    if base is not None and plan.baseline_side == "reference":
        sides.append(("reference", list(base.labels), base.n_rows))
    y_classes = _check_target(mname, sides)
    if y_classes.size != 2:
        raise NeedsInMemory(
            f"{mname} on a {y_classes.size}-class target needs every row in memory (tables read in chunks "
            "compute binary score metrics); pass current as a DataFrame"
        )
    pos = _pos_index(y_classes, y_classes, gate.pos_label)
    plain = tuple(c.item() if hasattr(c, "item") else c for c in y_classes)
    greater = plain[1]  # the scores are the greater class's: the same metric whichever pos_label

    def value_of(table: Any, name: str) -> tuple[float, float]:
        if spec.base == "roc_auc":
            return histogram_auc(table.histogram(greater))
        if table.score_min < 0 or table.score_max > 1:
            raise InputError(
                f"{name}: {spec.name} needs probabilities in [0, 1]; got values in "
                f"[{table.score_min:.4g}, {table.score_max:.4g}]",
                reason="invalid_proba",
                subject=name,
            )
        return table.loss(spec.base, greater), 0.0

    def class_rows(table: Any) -> np.ndarray:
        rows = table.label_rows()
        n_pos = rows.get(plain[pos], 0)
        return np.array([table.n_rows - n_pos, n_pos])

    sizes = [("current", cur.n_rows, class_rows(cur))]
    if base is not None and plan.baseline_side == "reference":
        sizes.append(("reference", base.n_rows, class_rows(base)))
    short = size_shortfall(sizes, "score", plain, gate.min_samples)
    n = cur.n_rows
    facts = _Facts(
        n,
        base.n_rows if base is not None and plan.baseline_side == "reference" else None,
        _weights_note(plan.weighted, gate.test if comparing else None),
        short,
        "score",
        2,
        pos,
        plain,
    )
    value, bound = value_of(cur, "proba")
    bounds: dict[str, Any] | None = None
    if spec.base == "roc_auc":
        bounds = {
            "candidate": bound,
            "bin_spec_hash": edges_hash(plan.current.edges),
            "n_bins": plan.current.n_bins,
        }
    if not comparing:
        return facts, None, value, bounds
    assert base is not None
    base_value, base_bound = value_of(base, "baseline_proba" if plan.baseline_side == "current" else "proba")
    if bounds is not None:
        bounds["baseline"] = base_bound
    margin = gate._margin(base_value)
    return facts, _Eval(Comparison(value, base_value, "difference"), margin, n), value, bounds


def _bounded(gate: PerformanceGate, finding: Finding, bounds: dict[str, Any], sign: float) -> Finding:
    """Record the approximation bound of a histogram ROC AUC on a finding; a decision whose
    threshold lies within it is ``undecided_within_bound`` (status from ``on_insufficient``)."""
    if finding.statistic is None or not math.isfinite(finding.statistic):
        return finding
    comparison = finding.method not in ("min_value", "max_value")
    half = bounds["candidate"] + (bounds.get("baseline", 0.0) if comparison else 0.0)
    value = float(finding.statistic)
    details = {
        **finding.details,
        "exact": half == 0,
        "bounds": {"statistic": [value - half, value + half]},
        "bin_spec_hash": bounds["bin_spec_hash"],
        "n_bins": bounds["n_bins"],
        "approximation": "roc_auc from score histograms; the exact value lies within bounds",
    }
    threshold = finding.threshold
    straddles = (
        half > 0
        and threshold is not None
        and value - half <= threshold <= value + half
        and (not comparison or gate.test is None)
    )
    if not straddles:
        return dataclasses.replace(finding, details=details)
    return dataclasses.replace(
        finding,
        status=INSUFFICIENT[gate.on_insufficient],
        reason="undecided_within_bound",
        details=details,
        message=f"{finding.message} [the histogram ROC AUC is within {half:.2g} of the exact value, and "
        f"the bound {threshold:.4g} lies within that: undecided; run in memory for the exact value]",
    )

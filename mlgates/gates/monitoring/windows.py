"""Windowed: the same gate per window of ``current`` (by time or by rows), one child verdict per
window in time order, and one overall status from a policy."""

from __future__ import annotations

import copy
import time
import traceback
from collections.abc import Iterable
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from mlgates.core._text import pluralize
from mlgates.core.context import CheckContext
from mlgates.core.errors import InputError, ParameterError
from mlgates.core.finding import Finding
from mlgates.core.gate import Gate
from mlgates.core.params import ON_INSUFFICIENT, Interval, insufficient_status, parameter_error
from mlgates.core.status import Status
from mlgates.core.verdict import WINDOW_KEY, Verdict
from mlgates.gates.monitoring import _time
from mlgates.gates.monitoring.policies import POLICY_FORMS, Policy, parse_policy

__all__ = ["Windowed"]

#: Inputs with one value per row of ``current``: sliced with each window when given as arrays.
PER_ROW_INPUTS = (
    "target",
    "prediction",
    "proba",
    "baseline_prediction",
    "baseline_proba",
    "sample_weight",
    "sensitive_features",
)
#: Fewest rows a time window needs to be judged when ``min_samples`` is not given.
DEFAULT_MIN_SAMPLES = 30


class _PolicyConstraint:
    """A window policy: a :class:`Policy` or its string form."""

    def is_satisfied_by(self, value: Any) -> bool:
        try:
            parse_policy(value)
        except ValueError:
            return False
        return True

    def __str__(self) -> str:
        return f"a window policy: {POLICY_FORMS}"


class Windowed(Gate):
    """The same gate checked on each window of ``current``, with one overall status.

    Windows are cut by time (``on`` and ``window``) or by rows (``rows``). Every window gets
    one child verdict, in time order: empty windows are shown (SKIP, reason ``empty_window``),
    windows under ``min_samples`` rows are not judged (``insufficient_samples``, status from
    ``on_insufficient``), the others are the wrapped gate's verdict on that window's rows
    (against the whole ``reference``). ``policy`` turns the windows' statuses into the verdict's
    status; the policy's status after each window is kept on the window
    (``provenance["window"]["policy_status"]``), so a timeline shows when it flipped.

    Work on the reference is shared by the windows: the reference table, and what gates compute
    from it alone (DriftGate's sorted reference values, reference bins and counts on them), are
    computed once per check, not once per window.

    Parameters
    ----------
    gate : Gate
        The gate (or suite) checked per window.
    on : str, optional
        The time column of ``current`` (and of ``reference`` with ``reference_windows``). Required
        with ``window``; with ``rows``, rows are taken in time order.
    window : str, optional
        Window length: ``"1D"``, ``"7D"``, ``"6h"``, ``"15min"`` (durations) or ``"W"``,
        ``"MS"``, ``"QS"``, ``"YS"`` (calendar weeks, months, quarters, years). Days and longer
        follow the calendar in the timestamps' timezone (a DST day has 23 or 25 hours); hours,
        minutes and seconds are fixed durations. Give exactly one of ``window`` and ``rows``.
    rows : int, optional
        Rows per window: consecutive blocks of ``rows`` rows of ``current`` (in time order when
        ``on`` is given); the last block may be shorter (a partial window).
    min_samples : int, optional
        Fewest rows a window needs to be judged; default 30 for time windows and ``rows`` for
        row windows (so every judged row window has the same size, and a partial last window is
        ``insufficient_samples``).
    policy : str or Policy, default "worst"
        ``"worst"`` (the worst window), ``"last"`` (the last window), ``"k_of_n(k, n)"`` (FAIL when
        ``k`` of the last ``n`` judged windows failed: hysteresis against flapping; fewer WARN),
        ``"share(max_fail=x)"`` (FAIL when more than a share ``x`` of judged windows failed). A
        window that could not be judged for a data problem (ERROR) counts as failed; SKIP windows
        are not judged. The objects :func:`~mlgates.gates.monitoring.k_of_n` and
        :func:`~mlgates.gates.monitoring.share` work too.
    format : str, optional
        ``strptime`` layout of a time column stored as text (``"%d/%m/%Y %H:%M"``). Text without
        it is refused: day/month order is never guessed.
    tz : str, optional
        Timezone the windows follow (``"Europe/Paris"``); tz-aware timestamps are converted to it,
        naive ones are refused (localize them first). Default: the timestamps' own timezone (or
        none for naive timestamps).
    start, end : str, optional
        Span of the windows (``end`` exclusive), e.g. ``start="2024-03-01"``: windows before the
        first or after the last row are then shown (empty) too. Naive values are read in the
        windows' timezone. Rows outside the span are counted and reported (WARN).
    reference_windows : bool, default False
        Also cut ``reference`` with the same windows and check each against the rest of the
        reference: the statistic's own variation, drawn in the report's timeline, not counted by
        the policy.
    on_insufficient : {"warn", "fail", "error", "skip"}, default "warn"
        Status of a window under ``min_samples`` rows.
    name, blocking
        See :class:`~mlgates.Gate`.

    Notes
    -----
    Reason codes: ``empty_window`` (SKIP window), ``insufficient_samples`` (small window),
    ``invalid_timestamps`` (a time column that is text without ``format``, numbers, or text not
    matching ``format``), ``timezone_mismatch`` (naive timestamps with ``tz``, reference and
    current disagreeing, mixed offsets), ``missing_values`` (rows without a timestamp, not in any
    window: WARN), ``out_of_range`` (rows outside ``start``/``end``: WARN), ``empty_input``,
    ``missing_column``, and the wrapped gate's codes per window.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from mlgates import DriftGate, Windowed
    >>> rng = np.random.default_rng(0)
    >>> ref = pd.DataFrame({"x": rng.normal(size=600)})
    >>> days = pd.date_range("2024-03-01", periods=4, freq="D")
    >>> cur = pd.DataFrame({
    ...     "t": np.repeat(days, 200) + pd.to_timedelta(np.tile(np.arange(200), 4), unit="min"),
    ...     "x": np.r_[rng.normal(size=600), rng.normal(1.0, 1, 200)],
    ... })
    >>> gate = Windowed(DriftGate(columns="x"), on="t", window="1D", policy="k_of_n(1, 2)")
    >>> v = gate.check(reference=ref, current=cur)
    >>> [(c.name, c.status.value) for c in v.children]
    [('2024-03-01', 'pass'), ('2024-03-02', 'pass'), ('2024-03-03', 'pass'), ('2024-03-04', 'fail')]
    >>> v.status, v.reason
    (<Status.FAIL: 'fail'>, 'drift_detected')
    """

    _gate_parameters: ClassVar[tuple[str, ...]] = ("gate",)
    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "gate": [Gate],
        "on": [str, None],
        "window": [str, None],
        "rows": [Interval("int", 1, None), None],
        "min_samples": [Interval("int", 1, None), None],
        "policy": [_PolicyConstraint()],
        "format": [str, None],
        "tz": [str, None],
        "start": [str, None],
        "end": [str, None],
        "reference_windows": ["boolean"],
        "on_insufficient": [ON_INSUFFICIENT],
    }

    def __init__(
        self,
        gate: Gate,
        *,
        on: str | None = None,
        window: str | None = None,
        rows: int | None = None,
        min_samples: int | None = None,
        policy: str | Policy = "worst",
        format: str | None = None,
        tz: str | None = None,
        start: str | None = None,
        end: str | None = None,
        reference_windows: bool = False,
        on_insufficient: str = "warn",
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.gate = gate
        self.on = on
        self.window = window
        self.rows = rows
        self.min_samples = min_samples
        self.policy = policy
        self.format = format
        self.tz = tz
        self.start = start
        self.end = end
        self.reference_windows = reference_windows
        self.on_insufficient = on_insufficient

    # -- parameters -----------------------------------------------------------------------
    def get_params(self, deep: bool = False) -> dict[str, Any]:
        """The constructor parameters; with ``deep=True`` also the wrapped gate's parameters as
        ``gate__<parameter>`` (the keys :meth:`set_params` accepts)."""
        params = super().get_params()
        if deep and isinstance(self.gate, Gate):
            for key, value in self.gate.get_params(deep=True).items():
                params[f"gate__{key}"] = value
        return params

    def set_params(self, **params: Any) -> Windowed:
        """Set parameters, or the wrapped gate's as ``gate__<parameter>``."""
        nested = {k[len("gate__") :]: v for k, v in params.items() if k.startswith("gate__")}
        own = {k: v for k, v in params.items() if not k.startswith("gate__")}
        super().set_params(**own)
        if nested:
            if not isinstance(self.gate, Gate):
                raise ParameterError(f"Windowed.set_params: gate is {type(self.gate).__name__}, not a gate.")
            self.gate.set_params(**nested)
        return self

    def clone(self) -> Windowed:
        params = self.get_params()
        gate = params.pop("gate")
        return type(self)(gate.clone() if isinstance(gate, Gate) else gate, **copy.deepcopy(params))

    def _param_to_config(self, key: str, value: Any) -> Any:
        if key == "policy" and isinstance(value, Policy):
            return str(value)
        return super()._param_to_config(key, value)

    def _validate_params(self) -> None:
        owner = type(self).__name__
        if (self.window is None) == (self.rows is None):
            raise parameter_error(
                owner,
                "window",
                "given, or rows given, but not both",
                self.window,
                "Windowed(gate, on='event_time', window='1D') for time windows, or Windowed(gate, "
                "rows=5000) for windows of rows.",
            )
        if self.window is not None:
            try:
                _time.parse_window(self.window)
            except ValueError as exc:
                raise parameter_error(owner, "window", str(exc), self.window) from None
            if self.on is None:
                raise parameter_error(
                    owner,
                    "on",
                    "the time column's name when window is given",
                    None,
                    f"Windowed(gate, on='event_time', window={self.window!r}).",
                )
        elif self.start is not None or self.end is not None:
            raise parameter_error(
                owner, "start", "None with rows= (start/end bound time windows)", self.start or self.end
            )
        if self.tz is not None:
            try:
                pd.Timestamp("2000-01-01", tz=self.tz)
            except Exception:  # noqa: BLE001 - any unknown zone
                raise parameter_error(
                    owner, "tz", "an IANA timezone such as 'Europe/Paris' or 'UTC'", self.tz
                ) from None
        bounds = {}
        for key in ("start", "end"):
            value = getattr(self, key)
            if value is None:
                continue
            try:
                bounds[key] = pd.Timestamp(value)
            except (TypeError, ValueError):
                raise parameter_error(owner, key, "a date or time such as '2024-03-01'", value) from None
        if len(bounds) == 2:
            a, b = bounds["start"], bounds["end"]
            if (a.tzinfo is None) == (b.tzinfo is None) and not a < b:
                raise parameter_error(owner, "end", f"after start={self.start!r}", self.end)
        if isinstance(self.gate, Gate):
            self.gate.validate()

    # -- inputs ---------------------------------------------------------------------------
    def required_inputs(self) -> tuple[str, ...]:
        inner = self.gate.required_inputs() if isinstance(self.gate, Gate) else ()
        needs = ("current", *(n for n in inner if n != "current"))
        return (*needs, "reference") if self.reference_windows and "reference" not in needs else needs

    def required_any_of(self) -> tuple[tuple[str, ...], ...]:
        return self.gate.required_any_of() if isinstance(self.gate, Gate) else ()

    def missing_inputs(self, given: Iterable[str]) -> list[tuple[str, ...]]:
        given = list(given)
        out: list[tuple[str, ...]] = [(n,) for n in self.required_inputs() if n not in given]
        if isinstance(self.gate, Gate):
            out.extend(req for req in self.gate.missing_inputs(given) if req not in out)
        return out

    def accepted_inputs(self) -> tuple[str, ...]:
        inner = self.gate.accepted_inputs() if isinstance(self.gate, Gate) else ()
        return tuple(dict.fromkeys((*super().accepted_inputs(), *inner)))

    # -- checking -------------------------------------------------------------------------
    def _check(self, ctx: CheckContext) -> Verdict:
        frame = ctx.frame("current")
        if len(frame) == 0:
            return self._verdict(
                Status.ERROR, reason="empty_input", message="current has no rows: no window to judge"
            )
        policy = parse_policy(self.policy)
        min_n = self.min_samples or (self.rows if self.rows is not None else DEFAULT_MIN_SAMPLES)
        windows, outside, tz = self._windows(ctx, "current")
        children: list[Verdict] = []
        problem = self._placement_verdict(ctx, frame, outside)
        if problem is not None:
            children.append(problem)
        if self.reference_windows:
            ref_windows, _, ref_tz = self._windows(ctx, "reference")
            if self.on is not None and (tz is None) != (ref_tz is None):
                raise InputError(
                    f"time column {self.on!r} is {'tz-aware' if tz is not None else 'naive'} in current "
                    f"but {'tz-aware' if ref_tz is not None else 'naive'} in reference; make both aware "
                    "(.dt.tz_localize(...)) or both naive",
                    reason="timezone_mismatch",
                    subject=self.on,
                )
            children.extend(self._window_verdict(ctx, w, "reference", min_n, None) for w in ref_windows)
        current = [self._window_verdict(ctx, w, "current", min_n, None) for w in windows]
        running = policy.running([v.status for v in current])
        current = [_with_window(v, policy_status=s.value) for v, s in zip(current, running, strict=True)]
        children.extend(current)
        return self._decide(policy, current, problem, children, min_n)

    def _windows(self, ctx: CheckContext, side: str) -> tuple[list[_time.Window], np.ndarray, Any]:
        """The windows of one side, the positions of rows in none, and the timestamps' timezone."""
        frame = ctx.frame(side)  # type: ignore[arg-type]
        times = None
        if self.on is not None:
            times = _time.read_times(
                ctx.column(side, self.on),  # type: ignore[arg-type]
                column=self.on,
                side=side,
                format=self.format,
                tz=self.tz,
            )
        tz = getattr(times.dt, "tz", None) if times is not None else None
        if self.window is not None and times is not None:
            offset = _time.parse_window(self.window)
            use_bounds = side == "current"
            start = _time.bound(self.start, "start", tz) if use_bounds else None
            end = _time.bound(self.end, "end", tz) if use_bounds else None
            windows, outside = _time.time_windows(times, offset, start=start, end=end)
            return windows, outside, tz
        assert self.rows is not None
        if times is None:
            return _time.row_windows(len(frame), self.rows), np.empty(0, dtype=np.int64), tz
        order, missing = _time.time_order(times)
        placed = order[~missing[order]]
        return _time.row_windows(placed.size, self.rows, placed), np.flatnonzero(missing), tz

    def _placement_verdict(
        self, ctx: CheckContext, frame: pd.DataFrame, outside: np.ndarray
    ) -> Verdict | None:
        """A WARN child for rows of current that are in no window (no timestamp, or outside
        ``start``/``end``); None when every row is in a window."""
        if outside.size == 0:
            return None
        times = ctx.column("current", self.on)  # type: ignore[arg-type]
        n_missing = int(pd.isna(times.iloc[outside]).sum())
        n_out = int(outside.size) - n_missing
        parts = []
        if n_missing:
            parts.append(f"{pluralize(n_missing, 'row')} without a timestamp")
        if n_out:
            parts.append(f"{pluralize(n_out, 'row')} outside start={self.start!r}/end={self.end!r}")
        reason = "missing_values" if n_missing else "out_of_range"
        message = f"{self.on}: {' and '.join(parts)} of {len(frame):,} are in no window and were not judged"
        finding = Finding(
            str(self.on),
            Status.WARN,
            statistic=outside.size / len(frame),
            method="share_not_windowed",
            reason=reason,
            message=message,
            details={"n_missing_timestamps": n_missing, "n_outside_span": n_out, "n_rows": len(frame)},
        )
        return Verdict(
            Status.WARN,
            name=f"{self.on} (rows in no window)",
            gate=type(self).__name__,
            reason=reason,
            message=message,
            findings=(finding,),
        )

    def _slices(
        self, ctx: CheckContext, frame: pd.DataFrame, rows: np.ndarray, contiguous: bool = False
    ) -> tuple[dict[str, Any], np.ndarray | slice]:
        """The inputs of one window of current (its rows, and per-row arrays sliced alike), and
        the rows of current it holds (a slice when they are one run)."""
        n = len(frame)
        pick: np.ndarray | slice = rows
        if rows.size and (contiguous or bool(np.all(np.diff(rows) == 1))):
            pick = slice(int(rows[0]), int(rows[-1]) + 1)  # one run of rows (time-sorted input): no copy
        out: dict[str, Any] = {"current": frame.iloc[pick]}
        for name in PER_ROW_INPUTS:
            if not ctx.has(name):
                continue
            value = ctx.get(name)
            if _is_column_ref(value):
                continue
            value = ctx.aligned(name, value)
            if isinstance(value, (pd.Series, pd.DataFrame)):
                if len(value) == n:
                    out[name] = value.iloc[pick]
                continue
            arr = np.asarray(value)
            if arr.ndim >= 1 and arr.shape[0] == n:
                out[name] = arr[pick]
        return out, pick

    def _window_verdict(
        self, ctx: CheckContext, win: _time.Window, side: str, min_n: int, _unused: Any
    ) -> Verdict:
        inner = self.gate
        info = {**win.describe(), "side": side}
        n = int(win.rows.size)
        if n == 0:
            info["content"] = "empty"
            verdict = Verdict(
                Status.SKIP,
                name=win.label,
                gate=type(inner).__name__,
                reason="empty_window",
                message=f"{win.label}: no rows in this window",
            )
        elif n < min_n:
            info["content"] = "too_small"
            verdict = Verdict(
                insufficient_status(self.on_insufficient),
                name=win.label,
                gate=type(inner).__name__,
                reason="insufficient_samples",
                message=f"{win.label}: {pluralize(n, 'row')} < min_samples={min_n}; not judged",
                metrics={"n_rows": n},
            )
        else:
            info["content"] = "checked"
            if side == "current":
                slices, pick = self._slices(ctx, ctx.frame("current"), win.rows, win.contiguous)
                sub = ctx.derive(slices_of={k: k for k in slices}, positions_of={"current": pick}, **slices)
            else:
                ref = ctx.frame("reference")
                rest = np.setdiff1d(np.arange(len(ref)), win.rows, assume_unique=True)
                sub = ctx.derive(
                    slices_of={"current": "reference", "reference": "reference"},
                    current=ref.take(win.rows),
                    reference=ref.take(rest),
                    **{k: None for k in PER_ROW_INPUTS if ctx.has(k) and not _is_column_ref(ctx.get(k))},
                )
            return _with_window(_run_member(inner, sub), name=win.label, **info)
        return _with_window(verdict, **info)

    def _decide(
        self,
        policy: Policy,
        current: list[Verdict],
        problem: Verdict | None,
        children: list[Verdict],
        min_n: int,
    ) -> Verdict:
        statuses = [v.status for v in current]
        decided, why = policy.decide(statuses)
        status = decided if problem is None else Status.worst([decided, problem.status])
        judged = [s for s in statuses if s is not Status.SKIP]
        bad = [v for v in current if v.status in (Status.FAIL, Status.ERROR)]
        contents = [v.provenance[WINDOW_KEY].get("content") for v in current]
        n_empty, n_small = contents.count("empty"), contents.count("too_small")
        metrics: dict[str, float] = {
            "n_windows": len(current),
            "n_judged": len(judged),
            "failed_windows": len(bad),
            "n_empty": n_empty,
            "n_insufficient": n_small,
        }
        if judged:
            metrics["failed_share"] = len(bad) / len(judged)
        running = [v.provenance[WINDOW_KEY].get("policy_status") for v in current]
        if "fail" in running:
            metrics["first_alarm_window"] = running.index("fail")
        reason = None
        if status is Status.SKIP:
            reason = "empty_window" if current and n_empty == len(current) else "nothing_to_check"
        elif status is not Status.PASS:
            if problem is not None and problem.status is status and decided is not status:
                reason = problem.reason
            else:
                culprits = [v for v in current if v.status is status] or [
                    v for v in current if v.status not in (Status.PASS, Status.SKIP)
                ]
                reason = culprits[-1].reason if culprits else (problem.reason if problem else None)
        counts = ", ".join(
            f"{sum(s is k for s in statuses)} {k.value}" for k in Status if any(s is k for s in statuses)
        )
        shown = ", ".join(v.name for v in bad[-3:])
        message = f"{policy}: {why}; {pluralize(len(current), 'window')} ({counts})"
        if bad:
            message += f"; failed: {shown}" + (f" (+{len(bad) - 3} earlier)" if len(bad) > 3 else "")
        if problem is not None:
            message += f"; {problem.message}"
        gate_config: Any
        try:
            gate_config = self.gate.to_config()
        except Exception:  # noqa: BLE001 - parameters a config cannot hold: shown as repr
            gate_config = repr(self.gate)
        return self._verdict(
            status,
            metrics=metrics,
            reason=reason,
            message=message,
            params={"gate": gate_config, "policy": str(policy), "min_samples": min_n},
        ).replace(children=tuple(children))


def _with_window(verdict: Verdict, *, name: str | None = None, **info: Any) -> Verdict:
    """``verdict`` with ``info`` added to its window provenance (and renamed, given ``name``)."""
    window = {**dict(verdict.provenance.get(WINDOW_KEY) or {}), **info}
    changes: dict[str, Any] = {"provenance": {**dict(verdict.provenance), WINDOW_KEY: window}}
    if name is not None:
        changes["name"] = name
    return verdict.replace(**changes)


def _is_column_ref(value: Any) -> bool:
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return True
    return isinstance(value, (list, tuple)) and bool(value) and all(isinstance(v, str) for v in value)


def _run_member(gate: Gate, ctx: CheckContext) -> Verdict:
    """Run the wrapped gate on one window; an unexpected exception becomes its ERROR verdict
    (the other windows still run)."""
    start = time.perf_counter()
    try:
        return gate._run(ctx)
    except Exception as exc:  # noqa: BLE001 - isolation is the point
        summary = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        verdict = Verdict(
            Status.ERROR,
            name=gate.display_name,
            gate=type(gate).__name__,
            reason="exception",
            message=f"{type(exc).__name__} raised: {summary}",
        )
        return gate._finalize(verdict, ctx, time.perf_counter() - start)

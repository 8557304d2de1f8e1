"""The Verdict: the immutable, serializable result of a gate or a suite."""

from __future__ import annotations

import dataclasses
import json
import numbers
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from mlgates.core._jsonable import decode, encode, freeze, frozen_plain, thaw
from mlgates.core.errors import GateFailure
from mlgates.core.finding import FINDING_COLUMNS, Finding, _plain_equal
from mlgates.core.reasons import canonical
from mlgates.core.status import Status

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SCHEMA", "Verdict"]

#: Identifier and version of the serialized form; bumped on incompatible change.
SCHEMA = "mlgates.verdict/1"

#: Columns of :meth:`Verdict.to_frame`, in order.
FRAME_COLUMNS = ("gate", "gate_type", "gate_status", *FINDING_COLUMNS, "window")

#: The key of ``Verdict.provenance`` that marks the verdict of one window of ``current``
#: (:class:`mlgates.Windowed`): a mapping with at least ``label``; ``to_frame()`` puts the label
#: in its ``window`` column for every finding at or below that verdict.
WINDOW_KEY = "window"

_EXIT_CODES = {Status.PASS: 0, Status.WARN: 0, Status.FAIL: 1, Status.SKIP: 1, Status.ERROR: 2}


@dataclasses.dataclass(frozen=True, slots=True)
class Verdict:
    """The result of ``Gate.check()``: a status with the numbers behind it.

    Parameters
    ----------
    status : Status
        PASS, WARN, FAIL, ERROR or SKIP.
    name : str
        The gate's name (its ``name`` parameter, or its class name).
    gate : str
        The gate's class name.
    reason : str or None
        Stable snake_case reason code for the status, e.g. ``"drift_detected"``.
    message : str
        One readable sentence.
    metrics : Mapping[str, float]
        Headline numbers (e.g. ``{"drift_share": 0.2, "n_columns": 12}``): integers (counts)
        are kept as ``int``, every other number becomes a ``float``.
    findings : tuple of Finding
        Per-column, per-group or per-metric rows.
    children : tuple of Verdict
        Member verdicts, for suites.
    params : Mapping
        The resolved parameters (what ``"auto"`` chose, thresholds, sample sizes).
    duration_s : float
        Wall time of the check.
    provenance : Mapping
        Library version, timestamp and cheap descriptions of the inputs.

    Notes
    -----
    ``bool(verdict)`` raises ``TypeError``: use :attr:`passed` or :meth:`raise_for_status`.

    Examples
    --------
    >>> v = Verdict(Status.WARN, name="rows", gate="RowCountGate", message="ok-ish")
    >>> v.passed
    True
    >>> Verdict.from_json(v.to_json()) == v
    True
    """

    status: Status
    name: str = ""
    gate: str = ""
    reason: str | None = None
    message: str = ""
    metrics: Mapping[str, float] = dataclasses.field(default_factory=dict)
    findings: tuple[Finding, ...] = ()
    children: tuple[Verdict, ...] = ()
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    duration_s: float = 0.0
    provenance: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", Status.coerce(self.status))
        metrics: dict[str, float] = {}
        for key, value in dict(self.metrics).items():
            try:
                # counts stay integers (so JSON says 2, not 2.0); everything else is a float
                is_count = isinstance(value, numbers.Integral) and not isinstance(value, bool)
                metrics[str(key)] = int(value) if is_count else float(value)
            except (TypeError, ValueError):
                raise TypeError(
                    f"Verdict.metrics[{key!r}] must be a number. Got {value!r} instead; "
                    "put non-numeric values in params or a finding's details."
                ) from None
        object.__setattr__(self, "metrics", freeze(metrics))
        object.__setattr__(self, "findings", tuple(self.findings))
        object.__setattr__(self, "children", tuple(self.children))
        object.__setattr__(self, "params", frozen_plain(dict(self.params)))
        object.__setattr__(self, "provenance", frozen_plain(dict(self.provenance)))
        object.__setattr__(self, "duration_s", float(self.duration_s))

    # -- status ---------------------------------------------------------------------------
    @property
    def passed(self) -> bool:
        """True for PASS and WARN only."""
        return self.status.passed

    @property
    def exit_code(self) -> int:
        """Process exit code for CI: 0 passed (PASS/WARN), 1 FAIL or SKIP, 2 ERROR."""
        return _EXIT_CODES[self.status]

    def __bool__(self) -> bool:
        raise TypeError(
            "The truth value of a Verdict is ambiguous (an ERROR or SKIP is not a pass). "
            "Use verdict.passed, verdict.status, or verdict.raise_for_status()."
        )

    def raise_for_status(self, fail_on: Status | str = Status.FAIL) -> Verdict:
        """Raise :class:`GateFailure` unless the verdict passed; return ``self`` otherwise.

        Parameters
        ----------
        fail_on : {"fail", "warn"}
            With ``"warn"``, WARN also raises.
        """
        __tracebackhide__ = True  # pytest shows the verdict table, not this frame
        fail_on = Status.coerce(fail_on)
        if fail_on not in (Status.FAIL, Status.WARN):
            raise ValueError(f"fail_on must be 'fail' or 'warn'. Got {fail_on.value!r} instead.")
        if not self.passed or (fail_on is Status.WARN and self.status is Status.WARN):
            raise GateFailure(self)
        return self

    # -- navigation -----------------------------------------------------------------------
    def walk(self) -> Iterator[Verdict]:
        """This verdict and every descendant, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()

    def __getitem__(self, name: str) -> Verdict:
        """The first descendant verdict with this name."""
        for v in self.walk():
            if v.name == name:
                return v
        raise KeyError(f"No gate named {name!r} in this verdict; names: {[v.name for v in self.walk()]}")

    def replace(self, **changes: Any) -> Verdict:
        """A copy with ``changes`` applied."""
        return dataclasses.replace(self, **changes)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Verdict):
            return NotImplemented
        return _plain_equal(self.to_dict(), other.to_dict())

    def __hash__(self) -> int:
        return hash((self.status, self.name, self.gate, self.reason, self.message))

    # -- serialization --------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Plain-data form with a ``schema`` key; floats may be NaN/inf."""
        return {
            "schema": SCHEMA,
            "status": self.status.value,
            "name": self.name,
            "gate": self.gate,
            "reason": self.reason,
            "message": self.message,
            "metrics": dict(self.metrics),
            "findings": [f.to_dict() for f in self.findings],
            "children": [c.to_dict() for c in self.children],
            "params": thaw(self.params),
            "duration_s": self.duration_s,
            "provenance": thaw(self.provenance),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Verdict:
        """Inverse of :meth:`to_dict`; checks the schema version. A reason code renamed since
        the verdict was saved is read as its new code (:data:`mlgates.reasons.RENAMED`)."""
        data = dict(data)
        schema = data.pop("schema", SCHEMA)
        if schema != SCHEMA:
            raise ValueError(f"Unsupported verdict schema {schema!r}; this mlgates reads {SCHEMA!r}.")
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"Unknown Verdict keys {sorted(unknown)}; expected {sorted(known)}.")
        data["findings"] = tuple(Finding.from_dict(f) for f in data.get("findings", ()))
        data["children"] = tuple(cls.from_dict(c) for c in data.get("children", ()))
        if "reason" in data:
            data["reason"] = canonical(data["reason"])
        return cls(**data)

    def to_json(self, *, indent: int | None = 2) -> str:
        """Strict JSON (no bare NaN); non-finite floats are tagged so the round trip is lossless."""
        return json.dumps(encode(self.to_dict()), indent=indent, allow_nan=False, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Verdict:
        """Inverse of :meth:`to_json`."""
        return cls.from_dict(decode(json.loads(text)))

    def to_frame(self) -> pd.DataFrame:
        """Tidy table of every finding in this verdict and its descendants.

        Columns are fixed: ``gate, gate_type, gate_status, subject, status, statistic, pvalue,
        threshold, method, reason, message, window``. A gate without findings contributes one row
        with its own status and an empty subject. ``window`` is the label of the window of
        ``current`` a row belongs to (:class:`mlgates.Windowed`), None elsewhere.
        """
        import pandas as pd

        rows = []
        for v, window in _leaves(self, None):
            base = {"gate": v.name, "gate_type": v.gate, "gate_status": v.status.value, "window": window}
            if not v.findings:
                rows.append(
                    {
                        **base,
                        "subject": "",
                        "status": v.status.value,
                        "statistic": None,
                        "pvalue": None,
                        "threshold": None,
                        "method": None,
                        "reason": v.reason,
                        "message": v.message,
                    }
                )
            for f in v.findings:
                row = f.to_dict()
                row.pop("details")
                rows.append({**base, **row})
        frame = pd.DataFrame(rows, columns=list(FRAME_COLUMNS))
        for col in ("statistic", "pvalue", "threshold"):
            frame[col] = frame[col].astype("float64")
        return frame

    # -- the record (mlgates.record) -------------------------------------------------------
    def record(self, ledger: Any, **context: Any) -> Any:
        """Append this verdict to ``ledger`` (a :class:`mlgates.Ledger`); returns the
        :class:`~mlgates.record.Record`.

        ``context`` is passed to :meth:`Ledger.record <mlgates.record.Ledger.record>`
        (``model``, ``model_name``, ``data``, ``suite``, ``stage``, ...). The core does not
        import the record layer: any object with a ``record(verdict, **context)`` method works.
        """
        append = getattr(ledger, "record", None)
        if not callable(append):
            raise TypeError(
                f"verdict.record() needs a ledger: verdict.record(mlgates.Ledger(path), ...). "
                f"Got {type(ledger).__name__} instead."
            )
        return append(self, **context)

    # -- rendering: the one door into the report layer, mlgates.report.render -----------
    def to_text(self, *, max_findings: int = 20, color: bool = False) -> str:
        """Plain-text table for terminals and assertion messages."""
        from mlgates.report import render

        return render(self, "text", max_findings=max_findings, color=color)

    def to_markdown(self, *, max_findings: int = 50) -> str:
        """Markdown for pull-request comments and CI step summaries."""
        from mlgates.report import render

        return render(self, "markdown", max_findings=max_findings)

    def to_junit_xml(self) -> str:
        """JUnit XML: one testcase per gate; FAIL as failure, ERROR as error, SKIP as skipped."""
        from mlgates.report import render

        return render(self, "junit")

    def to_html(self, *, max_findings: int = 200) -> str:
        """A standalone HTML page (no JavaScript; every user string escaped)."""
        from mlgates.report import render

        return render(self, "html", max_findings=max_findings)

    def plot(self, *, max_panels: int = 12, ncols: int = 3) -> Any:
        """A matplotlib figure of the numbers behind the verdict (``pip install mlgates[plot]``):
        distribution overlays, per-group bars with confidence intervals, metric deltas; see
        :mod:`mlgates.report.plot`."""
        from mlgates.report import render

        return render(self, "plot", max_panels=max_panels, ncols=ncols)

    def _repr_html_(self) -> str:
        from mlgates.report import render

        return render(self, "html", fragment=True, max_findings=50)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return {"text/plain": self.to_text(), "text/html": self._repr_html_()}

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        n = len(self.findings)
        kids = f", children={len(self.children)}" if self.children else ""
        reason = f", reason={self.reason!r}" if self.reason else ""
        return f"<Verdict {self.name!r} {self.status.value.upper()}{reason}, findings={n}{kids}>"


def _leaves(verdict: Verdict, window: str | None) -> Iterator[tuple[Verdict, str | None]]:
    """The verdicts without children, depth first, with the label of the window they belong to."""
    info = verdict.provenance.get(WINDOW_KEY)
    if isinstance(info, Mapping) and info.get("label") is not None:
        window = str(info["label"])
    if not verdict.children:
        yield verdict, window
    for child in verdict.children:
        yield from _leaves(child, window)

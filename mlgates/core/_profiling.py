"""One check's profiling state: which tables are read in chunks or from a saved profile, the
summaries every gate of the run needs, and the one pass per table that computes them.

Order of a profiled run (:meth:`Profiling.plan`, called by ``Gate.check`` and ``Suite.check``
before any gate decides):

1. every gate names what it needs from ``reference`` (``gate._profile_needs(ctx, "reference")``);
2. every gate names what it needs from ``current``; a need that depends on the reference (bins
   frozen from it) reads the reference summaries here, which runs the **one** reference pass
   (or reads the saved profile);
3. the first gate that asks for a current summary runs the **one** current pass, computing the
   summaries of every gate at once; each gate then decides from the merged summaries.

A need registered after its table's pass (a gate checked on its own after a suite, or a gate
whose needs depend on what it reads) runs one more pass for the missing keys only; the number
of passes is recorded on the verdicts.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from mlgates.core._profile_file import ProfileData, is_saved_profile, read_profile
from mlgates.core._sources import (
    ChunkedSource,
    Failed,
    FrameSource,
    Summarizer,
    TerminalProgress,
    chunked_source,
    is_chunked_input,
)
from mlgates.core.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Profiling", "is_profile_input"]

SIDES = ("reference", "current")


def is_profile_input(value: Any) -> bool:
    """A reference profile: :class:`ProfileData` (or a subclass) or a saved profile folder."""
    return isinstance(value, ProfileData) or is_saved_profile(value)


class Profiling:
    """Per-check state of a profiled run (see the module docstring).

    ``inputs`` are the check's inputs; a side is *profiled* when it is a chunked input
    (:func:`~mlgates.core.inputs.is_chunked_input`) or a reference profile. An in-memory
    DataFrame on the other side is summarized exactly, as one chunk."""

    def __init__(self, inputs: Mapping[str, Any], progress: Any = None) -> None:
        self._inputs = inputs
        self._sources: dict[str, ChunkedSource] = {}
        self._profiles: dict[str, ProfileData] = {}
        self._needs: dict[str, dict[str, Summarizer]] = {s: {} for s in SIDES}
        self._done: dict[str, dict[str, Any]] = {s: {} for s in SIDES}
        self._scans: dict[str, list[dict[str, Any]]] = {s: [] for s in SIDES}
        self._planned: dict[int, BaseException | None] = {}
        self._failed: dict[str, BaseException] = {}
        self._progress = progress

    @staticmethod
    def wanted(inputs: Mapping[str, Any]) -> bool:
        """Whether a check with these inputs runs on profiles."""
        cur, ref = inputs.get("current"), inputs.get("reference")
        return (cur is not None and is_chunked_input(cur)) or (
            ref is not None and (is_chunked_input(ref) or is_profile_input(ref))
        )

    # -- sides ------------------------------------------------------------------------------
    def kind(self, side: str) -> str:
        """``"profile"`` (a saved reference profile), ``"chunks"`` (a chunked source),
        ``"frame"`` (in memory) or ``"absent"``."""
        value = self._inputs.get(side)
        if value is None:
            return "absent"
        if side == "reference" and is_profile_input(value):
            return "profile"
        return "chunks" if is_chunked_input(value) else "frame"

    def profile(self, side: str) -> ProfileData:
        if side not in self._profiles:
            value = self._inputs[side]
            self._profiles[side] = value if isinstance(value, ProfileData) else read_profile(value)
        return self._profiles[side]

    def source(self, side: str) -> ChunkedSource:
        """The chunked source of ``side`` (an in-memory table as one chunk)."""
        if side not in self._sources:
            value = self._inputs.get(side)
            if value is None:
                raise InputError(
                    f"missing input {side!r}: pass check({side}=...).", reason="missing_input", subject=side
                )
            if self.kind(side) == "chunks":
                self._sources[side] = chunked_source(value, name=side)
            else:
                from mlgates.core._tables import as_frame

                frame = as_frame(value, side)
                self._sources[side] = FrameSource(frame, chunk_rows=max(len(frame), 1))
        return self._sources[side]

    def schema(self, side: str) -> pd.DataFrame:
        """A zero-row DataFrame with the columns and dtypes of ``side``."""
        if self.kind(side) == "profile":
            return _schema_frame(self.profile(side).meta.get("schema", {}))
        return self.source(side).schema()

    # -- planning ---------------------------------------------------------------------------
    def plan(self, ctx: Any, gates: Iterable[Any]) -> None:
        """Register the needs of ``gates`` (reference first, then current) once per gate; a
        gate that raises keeps its exception, re-raised when it runs (its own ERROR/SKIP)."""
        todo = [g for g in gates if id(g) not in self._planned]
        for g in todo:
            self._planned[id(g)] = None
        for side in ("reference", "current"):
            for g in todo:
                if self._planned[id(g)] is not None:
                    continue
                try:
                    self.need(side, g._profile_needs(ctx, side) or ())
                except Exception as exc:  # noqa: BLE001 - the gate's own verdict says it
                    self._planned[id(g)] = exc

    def planned_error(self, gate: Any) -> BaseException | None:
        return self._planned.get(id(gate))

    def need(self, side: str, summarizers: Iterable[Summarizer]) -> None:
        for s in summarizers:
            self._needs[side].setdefault(s.key, s)

    # -- summaries --------------------------------------------------------------------------
    def summary(self, side: str, summarizer: Summarizer) -> Any:
        """The merged summary of ``side`` for ``summarizer`` (running the pass if needed)."""
        result = self._summary(side, summarizer)
        if isinstance(result, Failed):
            where = f" ({result.origin})" if result.origin else ""
            columns = summarizer.columns
            what = f"column {columns[0]!r}" if columns and len(columns) == 1 else "the table"
            raise InputError(
                f"{side}{where}: {what} cannot be summarized ({result.message}); fix or convert its "
                "values, or check it on a DataFrame.",
                reason="invalid_values",
                subject=str(columns[0]) if columns and len(columns) == 1 else side,
            )
        return result

    def _summary(self, side: str, summarizer: Summarizer) -> Any:
        key = summarizer.key
        if key in self._done[side]:
            return self._done[side][key]
        if self.kind(side) == "profile":
            prof = self.profile(side)
            state = prof.state(key)
            if state is None:
                raise InputError(
                    f"reference profile {prof.fingerprint[:19]}... holds no summary {key!r} that this gate "
                    "needs (it was computed for another suite or other parameters); compute it again with "
                    "mlgates.profile_reference(suite, reference) for this suite.",
                    reason="missing_profile_summary",
                    subject=key,
                )
            if isinstance(state, Mapping) and "$failed" in state:
                self._done[side][key] = Failed(key, str(state["$failed"]), str(state.get("origin", "")))
            else:
                self._done[side][key] = summarizer.from_state(state)
            return self._done[side][key]
        self._needs[side].setdefault(key, summarizer)
        self._run(side)
        return self._done[side][key]

    def _run(self, side: str) -> None:
        pending = [s for k, s in self._needs[side].items() if k not in self._done[side]]
        if not pending:
            return
        if side in self._failed:  # a pass that failed fails every gate the same way, once
            raise self._failed[side]
        try:
            self._scan(side, pending)
        except Exception as exc:
            self._failed[side] = exc
            raise

    def _scan(self, side: str, pending: list[Summarizer]) -> None:
        source = self.source(side)
        if self._scans[side] and not source.rereadable:
            raise InputError(
                f"{side}: {source.name} can be read only once, and this check needs another pass "
                f"over it (for {len(pending)} more summaries); pass files or a list of DataFrames.",
                reason="invalid_input",
                subject=side,
            )
        bar = self._bar(source)
        try:
            result = source.summarize(pending, progress=bar)
        finally:
            if isinstance(bar, TerminalProgress):
                bar.close()
        self._done[side].update(result.summaries)
        self._scans[side].append(
            {
                "engine": result.engine,
                "rows": result.rows,
                "chunks": result.chunks,
                "files": result.files,
                "chunk_rows": result.chunk_rows,
                "seconds": round(result.seconds, 3),
                "summaries": len(pending),
            }
        )

    def _bar(self, source: ChunkedSource) -> Any:
        if self._progress is not None:
            return self._progress
        if isinstance(source, FrameSource) and len(source.frame) <= 10_000_000:
            return None
        stream = sys.stderr
        return TerminalProgress(stream) if getattr(stream, "isatty", lambda: False)() else None

    def describe(self) -> dict[str, Any]:
        """How each side was read: engine, passes, rows, files (recorded on verdicts)."""
        out: dict[str, Any] = {}
        for side in SIDES:
            kind = self.kind(side)
            if kind == "absent":
                continue
            if kind == "profile":
                prof = self.profile(side) if side in self._profiles else None
                out[side] = {
                    "type": "reference_profile",
                    "fingerprint": prof.fingerprint if prof else None,
                    "n_rows": prof.meta.get("n_rows") if prof else None,
                }
                continue
            entry: dict[str, Any] = {"type": "chunks" if kind == "chunks" else "frame"}
            if side in self._sources:
                entry.update(self._sources[side].describe())
            scans = self._scans[side]
            entry["passes"] = len(scans)
            if scans:
                entry.update(
                    engine=scans[0]["engine"],
                    rows=scans[-1]["rows"],
                    chunks=sum(s["chunks"] for s in scans),
                    seconds=round(sum(s["seconds"] for s in scans), 3),
                )
            out[side] = entry
        return out

    def computed(self, side: str) -> Mapping[str, Any]:
        """Every summary of ``side`` registered so far, by key (running the pass for the
        pending ones; a summary that failed is a :class:`~mlgates.core.inputs.Failed`)."""
        for s in list(self._needs[side].values()):
            self._summary(side, s)
        return dict(self._done[side])

    def needs(self, side: str) -> Sequence[Summarizer]:
        return list(self._needs[side].values())


def _schema_frame(schema: Mapping[str, str]) -> pd.DataFrame:
    import pandas as pd

    cols = {}
    for name, dtype in schema.items():
        try:
            cols[name] = pd.Series([], dtype=pd.api.types.pandas_dtype(dtype))
        except (TypeError, ValueError):
            cols[name] = pd.Series([], dtype=object)
    return pd.DataFrame(cols)

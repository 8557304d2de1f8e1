"""Progress and results of one pass over a chunked source (:mod:`mlgates.core._sources`)."""

from __future__ import annotations

import dataclasses
import sys
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    pass

__all__ = ["ScanProgress", "ScanResult", "TerminalProgress"]


# -- progress ----------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class ScanProgress:
    """Where a pass is: rows and chunks done, files done of ``files_total`` (0 when the source
    has no files), seconds since the pass began."""

    source: str
    rows: int
    chunks: int
    files_done: int
    files_total: int
    seconds: float

    @property
    def rate(self) -> float:
        """Rows per second so far."""
        return self.rows / self.seconds if self.seconds > 0 else 0.0


@dataclasses.dataclass(frozen=True)
class ScanResult:
    """What one pass computed, and how: the summaries by key, rows and chunks read, files,
    the engine, the chunk size and the seconds it took."""

    summaries: dict[str, Any]
    rows: int
    chunks: int
    files: int
    engine: str
    chunk_rows: int | None
    seconds: float


class TerminalProgress:
    """A one-line progress bar on stderr (rows, files, rate), redrawn at most every 0.2 s;
    used by :meth:`CheckContext.summaries` when stderr is a terminal."""

    def __init__(self, stream: Any = None, interval: float = 0.2) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.interval = interval
        self._last = 0.0
        self._shown = False

    def __call__(self, p: ScanProgress) -> None:
        now = time.monotonic()
        if now - self._last < self.interval:
            return
        self._last = now
        files = f", {p.files_done}/{p.files_total} files" if p.files_total else ""
        line = f"\r{p.source}: {p.rows:,} rows{files}, {p.rate:,.0f} rows/s"
        self.stream.write(line[:120].ljust(80))
        self.stream.flush()
        self._shown = True

    def close(self) -> None:
        if self._shown:
            self.stream.write("\n")
            self.stream.flush()

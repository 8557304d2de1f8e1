"""The five statuses a gate can return and their algebra."""

from __future__ import annotations

import enum
from collections.abc import Iterable

__all__ = ["Status"]

_RANK = {"pass": 0, "warn": 1, "fail": 2, "error": 3}


class Status(enum.StrEnum):
    """Outcome of a gate.

    Ordered ``PASS < WARN < FAIL < ERROR``; ``SKIP`` is neutral: it is ignored when
    statuses are combined and is never "passed".

    Examples
    --------
    >>> Status.worst([Status.PASS, Status.WARN, Status.SKIP])
    <Status.WARN: 'warn'>
    >>> Status.FAIL > Status.WARN
    True
    >>> Status.SKIP.passed
    False
    """

    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    ERROR = "error"
    SKIP = "skip"

    def __str__(self) -> str:
        return self.value

    @property
    def rank(self) -> int | None:
        """Severity rank (0 for PASS .. 3 for ERROR); None for SKIP."""
        return _RANK.get(self.value)

    @property
    def passed(self) -> bool:
        """True for PASS and WARN only: nothing that was not judged counts as passed."""
        return self in (Status.PASS, Status.WARN)

    def _cmp_rank(self, other: object) -> tuple[int, int]:
        if not isinstance(other, Status):
            return NotImplemented  # type: ignore[return-value]
        if self.rank is None or other.rank is None:
            raise TypeError("Status.SKIP is neutral and has no order; compare ranks explicitly")
        return self.rank, other.rank

    def __lt__(self, other: object) -> bool:
        a, b = self._cmp_rank(other)
        return a < b

    def __le__(self, other: object) -> bool:
        a, b = self._cmp_rank(other)
        return a <= b

    def __gt__(self, other: object) -> bool:
        a, b = self._cmp_rank(other)
        return a > b

    def __ge__(self, other: object) -> bool:
        a, b = self._cmp_rank(other)
        return a >= b

    @classmethod
    def coerce(cls, value: Status | str) -> Status:
        """Return ``value`` as a Status, accepting the string values ("pass", ...)."""
        if isinstance(value, Status):
            return value
        try:
            return cls(str(value).lower())
        except ValueError:
            options = ", ".join(repr(s.value) for s in cls)
            raise ValueError(f"Unknown status {value!r}; expected one of {options}.") from None

    @classmethod
    def worst(cls, statuses: Iterable[Status | str]) -> Status:
        """The most severe status, ignoring SKIP; SKIP when nothing was judged."""
        ranked = [s for s in map(cls.coerce, statuses) if s is not Status.SKIP]
        if not ranked:
            return Status.SKIP
        return max(ranked, key=lambda s: _RANK[s.value])

    @classmethod
    def best(cls, statuses: Iterable[Status | str]) -> Status:
        """The least severe status, ignoring SKIP; SKIP when nothing was judged."""
        ranked = [s for s in map(cls.coerce, statuses) if s is not Status.SKIP]
        if not ranked:
            return Status.SKIP
        return min(ranked, key=lambda s: _RANK[s.value])

    def downgraded(self) -> Status:
        """The status a non-blocking gate reports: FAIL becomes WARN, others unchanged."""
        return Status.WARN if self is Status.FAIL else self

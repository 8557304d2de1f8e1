"""What a decision rule returns, in every gate family: the status, the reason code (None for
PASS) and the outcome (which rule decided; it picks the message), with or without the facts
the rule was decided on.

>>> from mlgates.core.status import Status
>>> Decision(Status.FAIL, "drift_detected", "drift")
Decision(status=<Status.FAIL: 'fail'>, reason='drift_detected', outcome='drift')
>>> DecisionOn(Status.PASS, None, "within", facts=0.3).facts
0.3
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, NamedTuple, TypeVar

from mlgates.core.status import Status

__all__ = ["Decision", "DecisionOn"]

F = TypeVar("F")


class Decision(NamedTuple):
    """What a decision rule returns: the status, the reason code (None for PASS) and the
    outcome (which rule decided, for the message)."""

    status: Status
    reason: str | None
    outcome: str


@dataclass(frozen=True, slots=True)
class DecisionOn(Generic[F]):
    """The outcome of a decision rule: ``status``, ``reason`` (None for PASS), ``outcome``
    (which rule decided, for the message) and the ``facts`` it was decided on."""

    status: Status
    reason: str | None
    outcome: str
    facts: F

"""Exceptions. Data outcomes are verdicts; exceptions are for programmer errors."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mlgates.core.verdict import Verdict

__all__ = [
    "ConfigError",
    "GateFailure",
    "InputError",
    "MlgatesError",
    "NeedsInMemory",
    "ParameterError",
    "UnknownParameterError",
]


class MlgatesError(Exception):
    """Base class of mlgates' own exceptions."""


class ParameterError(MlgatesError, ValueError):
    """A gate was configured with an invalid parameter value.

    The message names the gate, the parameter, the constraint, the value received and the fix.
    """


class UnknownParameterError(ParameterError, TypeError):
    """A gate was constructed with a keyword it does not have (or with positional values).

    It is a ``TypeError``, as Python raises for an unexpected keyword argument, and a
    :class:`ParameterError`; the message suggests the nearest parameter and lists the valid ones.
    """


class ConfigError(MlgatesError, ValueError):
    """A suite file or config mapping is invalid (unknown type, unknown key, bad value)."""


class GateFailure(AssertionError):
    """Raised by :meth:`Verdict.raise_for_status` when a verdict did not pass.

    It is an ``AssertionError`` so pytest reports it as a test failure; ``.verdict`` holds the
    verdict and the message is its readable table.
    """

    def __init__(self, verdict: Verdict, message: str | None = None) -> None:
        self.verdict = verdict
        super().__init__(message if message is not None else verdict.to_text())


class InputError(MlgatesError):
    """Raised inside a gate when its inputs cannot be judged.

    :meth:`Gate.check` turns it into an ``ERROR`` verdict carrying ``reason`` and the message;
    it never escapes ``check()``.
    """

    def __init__(self, message: str, *, reason: str = "invalid_input", subject: str | None = None):
        super().__init__(message)
        self.reason = reason
        self.subject = subject


class NeedsInMemory(MlgatesError):
    """Raised by a gate asked to run on profiles (chunked files, an iterator, Dask, Spark, a
    saved reference profile) when its statistic needs every row at once (exact KS on raw
    values, a domain classifier, DeLong, a leakage join...).

    :meth:`Gate.check` turns it into a ``SKIP`` verdict with reason ``needs_in_memory`` and the
    message (what the gate needs, and how to run it: a DataFrame in memory, or other
    parameters); it never escapes ``check()``.
    """

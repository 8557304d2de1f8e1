"""Reason codes: the registry :class:`Reason` and its helpers (see ``docs/reasons.md``).

This is the public name of :mod:`mlgates.core.reasons`. ``python -m mlgates.reasons`` prints
the reference page ``docs/reasons.md``.

Examples
--------
>>> import mlgates.reasons
>>> mlgates.reasons.Reason("insufficient_samples").status.value
'warn'
"""

import sys

from mlgates.core.reasons import FAMILIES, RENAMED, Reason, canonical, is_registered, markdown, unregistered

__all__ = ["FAMILIES", "RENAMED", "Reason", "canonical", "is_registered", "markdown", "unregistered"]

if __name__ == "__main__":  # pragma: no cover - run in a subprocess by tests/core/test_reason_codes.py
    sys.stdout.write(markdown())

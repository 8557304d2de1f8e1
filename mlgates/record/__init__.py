"""The release record: a tamper-evident ledger of verdicts, the lifecycle of models, the
promotion guard, and model cards written from the ledger alone.

- :class:`Ledger`: one JSON file per record, a hash chain, a rebuildable SQLite index;
  ``record``, ``verify``, ``reindex``, ``status``, ``history``, ``flaky``, ``promote``,
  ``retire``.
- :class:`PromotionGate`, :class:`UnmanagedModelsGate`: the record as gates, for CI.
- :func:`model_card`: Markdown or HTML, every number linked to the record it came from.

See docs/governance.md.
"""

from __future__ import annotations

from typing import Any

from mlgates.record.ledger import DEFAULT_LEDGER, Ledger, LedgerError, Record, default_ledger_path
from mlgates.record.table import Table

__all__ = [
    "DEFAULT_LEDGER",
    "Ledger",
    "LedgerError",
    "PromotionGate",
    "Record",
    "Table",
    "UnmanagedModelsGate",
    "default_ledger_path",
    "model_card",
]


def __getattr__(name: str) -> Any:
    if name in ("PromotionGate", "UnmanagedModelsGate"):
        from mlgates.record import gates

        return getattr(gates, name)
    if name == "model_card":
        from mlgates.record.card import model_card

        return model_card
    raise AttributeError(f"module 'mlgates.record' has no attribute {name!r}")

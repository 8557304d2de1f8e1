"""Where each public name lives. ``mlgates.__getattr__`` imports a module only on first use,
so ``import mlgates`` stays light, and config files resolve gate types through this table
only (loading a suite never imports arbitrary modules).

Each gate family adds one line per public name.
"""

from __future__ import annotations

LAZY_EXPORTS: dict[str, str] = {
    # drift
    "DriftGate": "mlgates.gates.drift",
    "MultivariateDriftGate": "mlgates.gates.drift",
    # quality
    "MissingValuesGate": "mlgates.gates.quality",
    "RowCountGate": "mlgates.gates.quality",
    "SchemaGate": "mlgates.gates.quality",
    # integrations (need their extra; importing without it raises ImportError naming it)
    "EvidentlyGate": "mlgates.integrations.evidently",
}

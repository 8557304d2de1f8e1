"""Moved to :mod:`mlgates.core.inputs` (the one input layer); kept for imports of the old name."""

from mlgates.core.inputs import complete, count_infinite

__all__ = ["complete", "count_infinite"]

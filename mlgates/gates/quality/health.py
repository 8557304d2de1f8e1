"""Column health: ConstantColumnGate, MixedTypesGate, InfiniteValuesGate."""

from __future__ import annotations

from mlgates.gates.quality.constant import ConstantColumnGate
from mlgates.gates.quality.infinite import InfiniteValuesGate
from mlgates.gates.quality.mixed_types import MixedTypesGate

__all__ = ["ConstantColumnGate", "InfiniteValuesGate", "MixedTypesGate"]

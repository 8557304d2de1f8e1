"""Data-quality gates: schema, missing values, row counts, and (growing) the rest of the family."""

from mlgates.gates.quality.missing import MissingValuesGate
from mlgates.gates.quality.rows import RowCountGate
from mlgates.gates.quality.schema import SchemaGate

__all__ = ["MissingValuesGate", "RowCountGate", "SchemaGate"]

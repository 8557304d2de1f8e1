"""Demo section: data quality."""

from __future__ import annotations

from mlgates.core.suite import Suite
from mlgates.demo.data import DemoData
from mlgates.gates.quality import MissingValuesGate, RowCountGate, SchemaGate


def section(data: DemoData) -> Suite:
    """Schema read from the reference, missing values within 7% (Adult has ~5.6% in
    workclass/occupation), and at least 1,000 rows."""
    return Suite(
        [
            SchemaGate(name="schema"),
            MissingValuesGate(max_share=0.07, warn_share=0.05, name="missing_values"),
            RowCountGate(min_rows=1000, name="row_count"),
        ],
        name="data quality",
    )

"""Data contracts: the Open Data Contract Standard (ODCS v3) as gates, and schemas as data.

- :func:`from_odcs` reads an ODCS v3 contract (YAML or JSON) into a suite of gates for one of
  its tables; :func:`to_odcs` writes a suite as a contract. ``to_odcs(from_odcs(contract))``
  keeps every rule; a rule mlgates cannot run fails closed as a
  :class:`~mlgates.ContractRuleGate` (reason ``unsupported_rule``).
- :func:`read_schema` and :func:`schema_of` read what a suite, a gate config, a suite file or a
  contract states about a table's columns (a :class:`TableSchema`);
  :class:`~mlgates.SchemaDiffGate` compares two of them.
- :func:`library_rule` and :func:`satisfies` read an ODCS quality rule and compare a value
  with its bound, the one definition of the standard's metrics, operators and units.

This module maps a standard onto gates through their configs (gate names and parameters, as
suite files do), so it sits in the core beside :mod:`mlgates.core.config` and imports no gate
family. Reading YAML needs ``pip install mlgates[yaml]``. See docs/contracts.md.
"""

from mlgates.contracts._odcs_read import from_odcs, odcs_document, unwrap_pattern, wrap_pattern
from mlgates.contracts._odcs_write import API_VERSION, to_odcs
from mlgates.contracts._rules import (
    LIBRARY_METRICS,
    OPERATORS,
    RULE_TYPES,
    LibraryRule,
    library_rule,
    rule_type,
    satisfies,
)
from mlgates.contracts._schema import ColumnSchema, TableSchema, read_schema, schema_of

__all__ = [
    "API_VERSION",
    "LIBRARY_METRICS",
    "OPERATORS",
    "RULE_TYPES",
    "ColumnSchema",
    "LibraryRule",
    "TableSchema",
    "from_odcs",
    "library_rule",
    "odcs_document",
    "read_schema",
    "rule_type",
    "satisfies",
    "schema_of",
    "to_odcs",
    "unwrap_pattern",
    "wrap_pattern",
]

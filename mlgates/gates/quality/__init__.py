"""Data-quality gates: schema, missing values, row counts, ranges, categories, uniqueness and
duplicates, column health, strings, outliers, time, label and split integrity, schema versions,
contract rules and training/serving skew; and a suite inferred from a reference table
(:func:`quality_suite_from_reference`)."""

from mlgates.gates.quality.balance import ClassBalanceGate
from mlgates.gates.quality.categories import CategoryGate
from mlgates.gates.quality.consistency import MissingSpellingsGate, SpecialCharactersGate, StringVariantsGate
from mlgates.gates.quality.contracts import ContractRuleGate
from mlgates.gates.quality.correlation import CorrelationChangeGate
from mlgates.gates.quality.health import ConstantColumnGate, InfiniteValuesGate, MixedTypesGate
from mlgates.gates.quality.infer import quality_suite_from_reference
from mlgates.gates.quality.integrity import ConflictingLabelsGate, FeatureLeakageGate, TrainTestLeakageGate
from mlgates.gates.quality.missing import MissingValuesGate
from mlgates.gates.quality.outliers import OutlierGate
from mlgates.gates.quality.ranges import RangeGate
from mlgates.gates.quality.rows import RowCountGate
from mlgates.gates.quality.schema import SchemaGate
from mlgates.gates.quality.schema_diff import SchemaDiffGate
from mlgates.gates.quality.skew import FeatureSkewGate
from mlgates.gates.quality.strings import StringGate
from mlgates.gates.quality.time import FreshnessGate, MonotonicGate
from mlgates.gates.quality.uniqueness import DuplicateRowsGate, UniqueGate

__all__ = [
    "CategoryGate",
    "ClassBalanceGate",
    "ConflictingLabelsGate",
    "ConstantColumnGate",
    "ContractRuleGate",
    "CorrelationChangeGate",
    "DuplicateRowsGate",
    "FeatureLeakageGate",
    "FeatureSkewGate",
    "FreshnessGate",
    "InfiniteValuesGate",
    "MissingSpellingsGate",
    "MissingValuesGate",
    "MixedTypesGate",
    "MonotonicGate",
    "OutlierGate",
    "RangeGate",
    "RowCountGate",
    "SchemaDiffGate",
    "SchemaGate",
    "SpecialCharactersGate",
    "StringGate",
    "StringVariantsGate",
    "TrainTestLeakageGate",
    "UniqueGate",
    "quality_suite_from_reference",
]

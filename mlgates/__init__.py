"""mlgates: composable gates for ML pipelines.

Drift, data quality, performance regression, fairness and reproducibility checks share one
``check()`` interface, compose into suites, and return structured verdicts.

``import mlgates`` is light: gate families (and numpy, pandas, scipy, scikit-learn,
fairlearn) are imported on first use.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING, Any

from mlgates._exports import LAZY_EXPORTS
from mlgates._version import __version__
from mlgates.core.config import gate_from_config, load_suite, save_suite
from mlgates.core.errors import ConfigError, GateFailure, InputError, MlgatesError, ParameterError
from mlgates.core.finding import Finding
from mlgates.core.gate import Gate
from mlgates.core.status import Status
from mlgates.core.suite import Suite
from mlgates.core.verdict import Verdict

if TYPE_CHECKING:  # static view of the lazy names (tests keep it in step with _exports)
    from mlgates.core.inputs import read_table, scan
    from mlgates.fingerprints import TableFingerprint, fingerprint, fingerprint_table
    from mlgates.fingerprints.environment import capture_environment
    from mlgates.fingerprints.manifest import Manifest
    from mlgates.gates.drift import DriftGate, EmbeddingDriftGate, MultivariateDriftGate, TextDriftGate
    from mlgates.gates.fairness import DisparateImpactGate, FairnessGate, ProxyGate
    from mlgates.gates.label_free import (
        ConceptDriftGate,
        DriftImpactGate,
        EstimateCheckGate,
        FeatureRelevanceGate,
        LabelFreePerformanceGate,
        LabelFreeRegressionGate,
    )
    from mlgates.gates.monitoring import AnytimeDriftGate, SequentialGate, Windowed
    from mlgates.gates.performance import BeatsBaselineGate, CalibrationGate, PerformanceGate
    from mlgates.gates.quality import (
        CategoryGate,
        ClassBalanceGate,
        ConflictingLabelsGate,
        ConstantColumnGate,
        ContractRuleGate,
        CorrelationChangeGate,
        DuplicateRowsGate,
        FeatureLeakageGate,
        FeatureSkewGate,
        FreshnessGate,
        InfiniteValuesGate,
        MissingSpellingsGate,
        MissingValuesGate,
        MixedTypesGate,
        MonotonicGate,
        OutlierGate,
        RangeGate,
        RowCountGate,
        RuleGate,
        SchemaDiffGate,
        SchemaGate,
        SpecialCharactersGate,
        StatisticGate,
        StringGate,
        StringVariantsGate,
        TrainTestLeakageGate,
        UniqueGate,
        quality_suite_from_reference,
    )
    from mlgates.gates.reproducibility import DeterminismGate, ReproducibilityGate
    from mlgates.gates.security import (
        Allowlist,
        ArtifactSafetyGate,
        SecretsGate,
        SensitiveDataGate,
        UnsafeArtifactError,
        safe_load,
    )
    from mlgates.integrations.evidently import EvidentlyGate
    from mlgates.profiles import ReferenceProfile, load_profile, profile_reference
    from mlgates.record import Ledger
    from mlgates.record.card import model_card
    from mlgates.record.gates import PromotionGate, UnmanagedModelsGate

_EAGER = [
    "ConfigError",
    "Finding",
    "Gate",
    "GateFailure",
    "InputError",
    "MlgatesError",
    "ParameterError",
    "Status",
    "Suite",
    "Verdict",
    "__version__",
    "gate_from_config",
    "load_suite",
    "save_suite",
]

# Integrations (extras) resolve lazily by name but stay out of ``__all__``, so that
# ``from mlgates import *`` works without them.
__all__ = sorted(  # noqa: PLE0605
    [*_EAGER, *(n for n, m in LAZY_EXPORTS.items() if not m.startswith("mlgates.integrations"))]
)


def __getattr__(name: str) -> Any:
    module = LAZY_EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'mlgates' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The public API only: ``__all__``, the extras' lazy names, and the mlgates subpackages
    already imported (not ``Any``, ``TYPE_CHECKING``, ``annotations`` or ``importlib``)."""
    loaded = [
        name
        for name, value in globals().items()
        if isinstance(value, ModuleType)
        and not name.startswith("_")
        and value.__name__.startswith("mlgates.")
    ]
    return sorted({*__all__, *LAZY_EXPORTS, *loaded})

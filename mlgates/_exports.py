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
    "EmbeddingDriftGate": "mlgates.gates.drift",
    "TextDriftGate": "mlgates.gates.drift",
    # performance
    "BeatsBaselineGate": "mlgates.gates.performance",
    "CalibrationGate": "mlgates.gates.performance",
    "PerformanceGate": "mlgates.gates.performance",
    # label-free estimation
    "EstimateCheckGate": "mlgates.gates.label_free",
    "LabelFreePerformanceGate": "mlgates.gates.label_free",
    "LabelFreeRegressionGate": "mlgates.gates.label_free",
    # fairness
    "DisparateImpactGate": "mlgates.gates.fairness",
    "FairnessGate": "mlgates.gates.fairness",
    "ProxyGate": "mlgates.gates.fairness",
    # quality
    "CategoryGate": "mlgates.gates.quality",
    "ConflictingLabelsGate": "mlgates.gates.quality",
    "ConstantColumnGate": "mlgates.gates.quality",
    "ContractRuleGate": "mlgates.gates.quality",
    "DuplicateRowsGate": "mlgates.gates.quality",
    "FeatureLeakageGate": "mlgates.gates.quality",
    "FeatureSkewGate": "mlgates.gates.quality",
    "FreshnessGate": "mlgates.gates.quality",
    "InfiniteValuesGate": "mlgates.gates.quality",
    "MissingValuesGate": "mlgates.gates.quality",
    "MixedTypesGate": "mlgates.gates.quality",
    "MonotonicGate": "mlgates.gates.quality",
    "OutlierGate": "mlgates.gates.quality",
    "RangeGate": "mlgates.gates.quality",
    "RowCountGate": "mlgates.gates.quality",
    "RuleGate": "mlgates.gates.quality",
    "SchemaDiffGate": "mlgates.gates.quality",
    "SchemaGate": "mlgates.gates.quality",
    "StatisticGate": "mlgates.gates.quality",
    "StringGate": "mlgates.gates.quality",
    "TrainTestLeakageGate": "mlgates.gates.quality",
    "UniqueGate": "mlgates.gates.quality",
    "quality_suite_from_reference": "mlgates.gates.quality",
    # quality: consistency (string variants, missing spellings, special characters, class
    # balance, correlation change)
    "ClassBalanceGate": "mlgates.gates.quality",
    "CorrelationChangeGate": "mlgates.gates.quality",
    "MissingSpellingsGate": "mlgates.gates.quality",
    "SpecialCharactersGate": "mlgates.gates.quality",
    "StringVariantsGate": "mlgates.gates.quality",
    # monitoring (windows over time, sequential detection, anytime-valid repeated checks)
    "AnytimeDriftGate": "mlgates.gates.monitoring",
    "SequentialGate": "mlgates.gates.monitoring",
    "Windowed": "mlgates.gates.monitoring",
    # reproducibility
    "DeterminismGate": "mlgates.gates.reproducibility",
    "Manifest": "mlgates.fingerprints.manifest",
    "ReproducibilityGate": "mlgates.gates.reproducibility",
    "TableFingerprint": "mlgates.fingerprints",
    "capture_environment": "mlgates.fingerprints.environment",
    "fingerprint": "mlgates.fingerprints",
    "fingerprint_table": "mlgates.fingerprints",
    # the release record
    "Ledger": "mlgates.record",
    "PromotionGate": "mlgates.record.gates",
    "UnmanagedModelsGate": "mlgates.record.gates",
    "model_card": "mlgates.record.card",
    # label-free: before the labels arrive, and when they do
    "ConceptDriftGate": "mlgates.gates.label_free",
    "DriftImpactGate": "mlgates.gates.label_free",
    "FeatureRelevanceGate": "mlgates.gates.label_free",
    # security
    "Allowlist": "mlgates.gates.security",
    "ArtifactSafetyGate": "mlgates.gates.security",
    "SecretsGate": "mlgates.gates.security",
    "SensitiveDataGate": "mlgates.gates.security",
    "UnsafeArtifactError": "mlgates.gates.security",
    "safe_load": "mlgates.gates.security",
    # tables (the one reader of data files: CLI, fingerprints and Python alike)
    "read_table": "mlgates.core.inputs",
    # scale: tables read in chunks, reference profiles (docs/scale.md)
    "ReferenceProfile": "mlgates.profiles",
    "load_profile": "mlgates.profiles",
    "profile_reference": "mlgates.profiles",
    "scan": "mlgates.core.inputs",
    # integrations (need their extra; importing without it raises ImportError naming it)
    "EvidentlyGate": "mlgates.integrations.evidently",
}

#: Exported gate classes whose names do not end in "Gate" (config files resolve them by name too).
GATE_WRAPPERS = frozenset({"Windowed"})

"""The registry of reason codes: every code a built-in gate, suite or surface emits.

A reason code is a stable snake_case word on a :class:`~mlgates.Verdict` or a
:class:`~mlgates.Finding` that says *why* it has its status. Codes are a public contract:
scripts branch on them, dashboards count them, a verdict read a year later is explained by
them. This module is their one list: each :class:`Reason` carries a one-line description, the
status it has by default and the gate families that emit it. ``docs/reasons.md`` is generated
from it (``python -m mlgates.reasons > docs/reasons.md``) and the test suite checks that
every code a built-in gate emits is registered here.

Naming rules (settled before 1.0):

- a bound that is crossed ends in ``_exceeded`` and names the bounded statistic
  (``missing_share_exceeded``, ``metric_bound_exceeded``, ``row_count_exceeded``);
- something absent starts with ``missing_`` (``missing_input``, ``missing_column``); something
  unusable starts with ``invalid_`` (``invalid_input``, ``invalid_lock``);
- a statistic that cannot be computed on the data is ``undefined_statistic``, whatever the
  statistic (a drift test, a metric, a rate with a zero denominator).

Codes renamed before 1.0 are in :data:`RENAMED`; :meth:`Verdict.from_dict
<mlgates.Verdict.from_dict>` reads old verdicts with the new codes.

Examples
--------
>>> from mlgates.reasons import Reason, canonical
>>> Reason.DRIFT_DETECTED == "drift_detected"
True
>>> Reason.MISSING_COLUMN.status.value, Reason.MISSING_COLUMN.families[:2]
('error', ('core', 'quality'))
>>> canonical("column_missing")
'missing_column'
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from enum import StrEnum
from typing import TYPE_CHECKING

from mlgates.core.status import Status

if TYPE_CHECKING:
    from mlgates.core.verdict import Verdict

__all__ = ["FAMILIES", "RENAMED", "Reason", "canonical", "is_registered", "markdown", "unregistered"]

#: Who emits codes: the core (inputs, suites), each gate family, the integrations and surfaces.
FAMILIES = (
    "core",
    "quality",
    "drift",
    "monitoring",
    "performance",
    "fairness",
    "reproducibility",
    "security",
    "label_free",
    "record",
    "integrations",
    "pytest",
)


class Reason(StrEnum):
    """A registered reason code: a ``str`` (``Reason.DRIFT_DETECTED == "drift_detected"``)
    with ``description`` (one line), ``status`` (the status it has with default parameters;
    where a parameter such as ``on_insufficient`` chooses, the default's) and ``families``."""

    description: str
    status: Status
    families: tuple[str, ...]

    def __new__(cls, code: str, status: str, families: str, description: str) -> Reason:
        member = str.__new__(cls, code)
        member._value_ = code
        member.status = Status(status)
        member.families = tuple(families.split())
        member.description = description
        return member

    # -- inputs that cannot be judged (core.inputs, core.context) ----------------------------
    MISSING_INPUT = ("missing_input", "error", "core", "A required input was not passed to check().")
    INVALID_INPUT = (
        "invalid_input",
        "error",
        "core quality drift performance fairness reproducibility monitoring",
        "An input or value cannot be used: wrong type or shape, infinite, non-numeric, out of domain.",
    )
    MISSING_VALUES = (
        "missing_values",
        "error",
        "core quality performance fairness monitoring",
        "Values are missing (NaN, None) where every row needs one: labels, predictions, scores, "
        "weights, a rule's columns.",
    )
    MISSING_COLUMN = (
        "missing_column",
        "error",
        "core quality drift performance fairness monitoring",
        "A named column is not in the table (FAIL in SchemaGate, whose subject is the schema).",
    )
    DUPLICATE_COLUMNS = (
        "duplicate_columns",
        "error",
        "core quality",
        "A column name appears more than once.",
    )
    INDEX_MISMATCH = (
        "index_mismatch",
        "error",
        "core",
        "A per-row pandas input has index labels that do not match current's index.",
    )
    LENGTH_MISMATCH = (
        "length_mismatch",
        "error",
        "core performance fairness quality",
        "A per-row input does not have one value per row of current.",
    )
    EMPTY_INPUT = (
        "empty_input",
        "error",
        "core quality drift performance fairness reproducibility monitoring label_free",
        "A table has no rows, or none are left to judge.",
    )
    PREDICT_FAILED = ("predict_failed", "error", "core", "The model's predict() or predict_proba() raised.")
    PROBABILITIES_AS_LABELS = (
        "probabilities_as_labels",
        "error",
        "core performance fairness",
        "Predicted labels were expected, but the values are probabilities or scores.",
    )
    INVALID_PREDICTION = (
        "invalid_prediction",
        "error",
        "core performance",
        "Predicted labels cannot be used: not one label per row, or not comparable with the target.",
    )
    INVALID_PROBA = (
        "invalid_proba",
        "error",
        "performance label_free",
        "Probabilities have the wrong shape, or lie outside [0, 1] where the metric needs probabilities.",
    )
    ONE_CLASS_TARGET = (
        "one_class_target",
        "error",
        "performance quality",
        "The target has a single class, so the metric or score is undefined.",
    )
    UNSUPPORTED_TARGET = (
        "unsupported_target",
        "error",
        "performance quality",
        "The target does not fit the metric (e.g. a continuous target for a classification metric).",
    )
    NON_BINARY_LABELS = (
        "non_binary_labels",
        "error",
        "core fairness",
        "Labels or predictions have more than two values where binary labels are needed.",
    )
    POS_LABEL_REQUIRED = (
        "pos_label_required",
        "error",
        "core fairness",
        "Labels are not 0/1, -1/1 or boolean: pos_label= must name the positive value.",
    )
    MISSING_SENSITIVE_VALUES = (
        "missing_sensitive_values",
        "error",
        "core fairness",
        "Sensitive features have missing values and missing='error'.",
    )
    UNSUPPORTED_DTYPE = (
        "unsupported_dtype",
        "error",
        "quality drift label_free",
        "A column holds values the gate cannot judge (lists, dicts, complex, Decimal, ...).",
    )
    INVALID_VALUES = (
        "invalid_values",
        "error",
        "quality",
        "A column's values could not be checked (pandas or numpy refused them).",
    )
    # -- outcomes every family shares --------------------------------------------------------
    NOTHING_TO_CHECK = (
        "nothing_to_check",
        "skip",
        "core quality drift performance reproducibility",
        "Nothing could be judged: no columns, no artifacts, or every finding was skipped.",
    )
    INSUFFICIENT_SAMPLES = (
        "insufficient_samples",
        "warn",
        "quality drift performance fairness monitoring label_free",
        "Too little data for a decision (rows, values, pairs or a group under its minimum); "
        "status from on_insufficient.",
    )
    # -- profiles: tables read in chunks, reference profiles (docs/scale.md) ---------------------
    NEEDS_IN_MEMORY = (
        "needs_in_memory",
        "skip",
        "core quality drift performance fairness",
        "The gate (or one column's method) needs every row at once and the table was read in chunks "
        "or from a profile; run it on DataFrames.",
    )
    SCHEMA_MISMATCH = (
        "schema_mismatch",
        "error",
        "core",
        "A file (or chunk) of a table read in parts has other columns or types than the first.",
    )
    INVALID_FILE = ("invalid_file", "error", "core", "A file of a table read in parts cannot be read.")
    INVALID_PROFILE = (
        "invalid_profile",
        "error",
        "core",
        "A saved reference profile cannot be read: format, version or fingerprint do not match.",
    )
    MISSING_PROFILE_SUMMARY = (
        "missing_profile_summary",
        "error",
        "core",
        "The reference profile lacks a summary this gate needs (computed for another suite or parameters).",
    )
    UNDECIDED_WITHIN_BOUND = (
        "undecided_within_bound",
        "warn",
        "drift performance",
        "A statistic on a grid (reference quantiles, ROC AUC score bins) is within its recorded bound "
        "of the threshold.",
    )
    DISTINCT_VALUES_EXCEEDED = (
        "distinct_values_exceeded",
        "skip",
        "quality drift",
        "A column read in chunks has more distinct values than counted exactly (max_distinct).",
    )
    UNDEFINED_STATISTIC = (
        "undefined_statistic",
        "error",
        "quality drift performance fairness monitoring label_free",
        "The statistic or metric is undefined on this data (NaN, a zero denominator); "
        "fairness and performance use on_insufficient's status.",
    )
    # -- suites and surfaces -----------------------------------------------------------------
    EXCEPTION = ("exception", "error", "core", "A suite member raised an unexpected exception.")
    FAIL_FAST = (
        "fail_fast",
        "skip",
        "core",
        "Not run: an earlier member failed and the suite has fail_fast=True.",
    )
    EMPTY_SUITE = ("empty_suite", "skip", "core", "The suite has no gates.")
    SESSION_VERDICTS = (
        "session_verdicts",
        "fail",
        "pytest",
        "The combined verdict of a pytest session: some recorded verdict did not pass.",
    )
    # -- quality -----------------------------------------------------------------------------
    ALL_MISSING = (
        "all_missing",
        "error",
        "quality drift monitoring",
        "Every value of a column (or every label) is missing, so it cannot be judged.",
    )
    MISSING_SHARE_EXCEEDED = (
        "missing_share_exceeded",
        "fail",
        "quality",
        "A column's share of missing values is above max_share (WARN above warn_share).",
    )
    OUT_OF_RANGE = (
        "out_of_range",
        "fail",
        "quality monitoring",
        "Too many values lie outside the allowed range (Windowed: rows outside start/end, WARN).",
    )
    UNKNOWN_CATEGORIES = (
        "unknown_categories",
        "fail",
        "quality",
        "The share of rows in categories outside the allowed set is above max_unknown_share.",
    )
    NEW_CATEGORIES = (
        "new_categories",
        "warn",
        "quality drift",
        "Categories absent from the allowed set (drift: from the reference) appear, within the share "
        "allowed (quality: status from on_new).",
    )
    REFERENCE_REQUIRED = (
        "reference_required",
        "error",
        "quality",
        "The gate learns its allowed values from reference, which was not given.",
    )
    DUPLICATE_KEYS = (
        "duplicate_keys",
        "fail",
        "quality",
        "Key columns that must be unique have duplicates (FeatureSkewGate: ERROR unless on_duplicate_keys).",
    )
    DUPLICATE_ROWS = ("duplicate_rows", "fail", "quality", "The share of duplicated rows is above max_share.")
    CONFLICTING_LABELS = (
        "conflicting_labels",
        "fail",
        "quality",
        "Rows with identical features carry different targets.",
    )
    TRAIN_TEST_OVERLAP = (
        "train_test_overlap",
        "fail",
        "quality",
        "Rows of current also appear in reference (train/test leakage).",
    )
    FEATURE_LEAKAGE = (
        "feature_leakage",
        "fail",
        "quality",
        "A single feature predicts the target almost perfectly.",
    )
    STRONG_PREDICTOR = (
        "strong_predictor",
        "warn",
        "quality",
        "A single feature predicts the target strongly (above warn_score) without evidence of leakage.",
    )
    CONSTANT_COLUMN = ("constant_column", "fail", "quality", "A column has a single distinct value.")
    NEAR_CONSTANT = (
        "near_constant",
        "fail",
        "quality",
        "One value covers at least near_constant_share of a column's rows.",
    )
    MIXED_TYPES = ("mixed_types", "fail", "quality", "A column mixes value types (e.g. numbers and strings).")
    INFINITE_VALUES = ("infinite_values", "fail", "quality", "A column has infinite values beyond max_share.")
    OUTLIER_SHARE_EXCEEDED = (
        "outlier_share_exceeded",
        "fail",
        "quality",
        "A column's share of outliers is above max_share.",
    )
    ROW_COUNT_EXCEEDED = (
        "row_count_exceeded",
        "fail",
        "quality",
        "The number of rows is outside [min_rows, max_rows] (WARN below warn_min_rows), or its ratio to "
        "reference's outside [min_ratio, max_ratio].",
    )
    DTYPE_MISMATCH = ("dtype_mismatch", "fail", "quality", "A column's type differs from the schema's.")
    UNEXPECTED_COLUMN = (
        "unexpected_column",
        "fail",
        "quality",
        "A column not in the schema is present (allow_extra=False).",
    )
    COLUMN_ORDER = (
        "column_order",
        "fail",
        "quality",
        "The columns are not in the schema's order (check_order=True).",
    )
    EMPTY_SCHEMA = (
        "empty_schema",
        "error",
        "quality",
        "The schema names no columns, so nothing was checked.",
    )
    # -- contracts: schema environments and versions, ODCS rules, training/serving skew --------
    UNKNOWN_ENVIRONMENT = (
        "unknown_environment",
        "error",
        "quality",
        "An environment chosen with check(environment=...) that the SchemaGate does not define.",
    )
    BREAKING_SCHEMA_CHANGE = (
        "breaking_schema_change",
        "fail",
        "quality",
        "A new schema version removes, retypes, newly requires or narrows a column (status: on_breaking).",
    )
    ADDITIVE_SCHEMA_CHANGE = (
        "additive_schema_change",
        "warn",
        "quality",
        "A new schema version adds an optional column or widens a type or domain (status from on_additive).",
    )
    INVALID_SCHEMA = (
        "invalid_schema",
        "error",
        "quality",
        "A schema version cannot be read: no such file, not a suite or ODCS contract, or no columns.",
    )
    UNSUPPORTED_RULE = (
        "unsupported_rule",
        "error",
        "quality",
        "A contract rule mlgates cannot run (SQL, another engine, an unknown metric); text rules SKIP.",
    )
    CONTRACT_BOUND_EXCEEDED = (
        "contract_bound_exceeded",
        "fail",
        "quality",
        "A contract rule's metric (ODCS nullValues, invalidValues, rowCount, ...) is outside its bound.",
    )
    SKEW_SHARE_EXCEEDED = (
        "skew_share_exceeded",
        "fail",
        "quality",
        "The share of joined rows whose feature values differ between the two tables is above max_share.",
    )
    UNMATCHED_SHARE_EXCEEDED = (
        "unmatched_share_exceeded",
        "fail",
        "quality",
        "The share of a table's rows whose key has no match in the other table is above max_unmatched_share.",
    )
    STRING_RULES = (
        "string_rules",
        "fail",
        "quality",
        "Too many strings break the pattern or length rules.",
    )
    STALE_DATA = (
        "stale_data",
        "fail",
        "quality",
        "The newest timestamp is older than max_age (WARN beyond warn_age).",
    )
    TIMEZONE_MISMATCH = (
        "timezone_mismatch",
        "error",
        "quality monitoring",
        "Timestamps and the reference time (or the two tables, or tz=) differ in having a timezone.",
    )
    NOT_MONOTONIC = ("not_monotonic", "fail", "quality", "A column that must be sorted is not.")
    VIOLATION_SHARE_EXCEEDED = (
        "violation_share_exceeded",
        "fail",
        "quality",
        "The share of rows that violate a rule is above max_share (RuleGate; WARN above warn_share).",
    )
    INVALID_RULE = (
        "invalid_rule",
        "error",
        "quality",
        "A rule or where= condition cannot be evaluated: values of the wrong kind (text compared with a "
        "number, arithmetic on text).",
    )
    STATISTIC_BOUND_EXCEEDED = (
        "statistic_bound_exceeded",
        "fail",
        "quality",
        "A column statistic (mean, std, median, quantile, distinct count, share), or its change from "
        "reference, is beyond its bound.",
    )
    # -- quality: consistency (StringVariantsGate ... CorrelationChangeGate) ------------------
    VARIANT_SHARE_EXCEEDED = (
        "variant_share_exceeded",
        "fail",
        "quality",
        "Spellings that differ only by case, whitespace or punctuation are above max_share.",
    )
    MISSING_SPELLING_SHARE_EXCEEDED = (
        "missing_spelling_share_exceeded",
        "fail",
        "quality",
        "Text that spells a missing value ('N/A', 'null', '', '?', ...) is above max_share.",
    )
    SPECIAL_CHARACTER_SHARE_EXCEEDED = (
        "special_character_share_exceeded",
        "fail",
        "quality",
        "Values made only of special characters (no letter or digit) are above max_share.",
    )
    CLASS_SHARE_EXCEEDED = (
        "class_share_exceeded",
        "fail",
        "quality",
        "A class's share of the labels is below min_share, its whole confidence interval included.",
    )
    CLASS_RATIO_EXCEEDED = (
        "class_ratio_exceeded",
        "fail",
        "quality",
        "The largest class outnumbers the smallest by more than max_ratio, its interval included.",
    )
    CORRELATION_CHANGE_EXCEEDED = (
        "correlation_change_exceeded",
        "fail",
        "quality",
        "An association between two columns changed against the reference by more than max_change "
        "(and significantly).",
    )
    # -- monitoring (windows, sequential detection, anytime-valid checks) ---------------------
    EMPTY_WINDOW = (
        "empty_window",
        "skip",
        "monitoring",
        "A window of current (Windowed) has no rows: shown, not judged.",
    )
    INVALID_TIMESTAMPS = (
        "invalid_timestamps",
        "error",
        "monitoring",
        "A time column holds text without format=, text that does not match it, or numbers.",
    )
    CHANGE_DETECTED = (
        "change_detected",
        "fail",
        "monitoring",
        "A sequential detector (CUSUM, Page-Hinkley) crossed its control limit: a change point.",
    )
    INVALID_STATE = (
        "invalid_state",
        "error",
        "monitoring",
        "The state file of a repeated check is unreadable or belongs to another setup or reference.",
    )
    # -- drift -------------------------------------------------------------------------------
    DRIFT_DETECTED = (
        "drift_detected",
        "fail",
        "drift monitoring",
        "A distribution changed beyond the threshold (WARN beyond warn_threshold only).",
    )
    NEW_CATEGORY_SHARE_EXCEEDED = (
        "new_category_share_exceeded",
        "fail",
        "drift",
        "The share of current rows in categories unseen in the reference is beyond what sampling "
        "allows and above max_new_category_share.",
    )
    COLUMN_ONLY_IN_CURRENT = (
        "column_only_in_current",
        "skip",
        "drift",
        "A column only current has (default column selection): not compared; SchemaGate judges columns.",
    )
    COLUMN_ONLY_IN_REFERENCE = (
        "column_only_in_reference",
        "skip",
        "drift",
        "A column only reference has (default column selection): not compared.",
    )
    DRIFT_INCONCLUSIVE = (
        "drift_inconclusive",
        "warn",
        "drift",
        "A material decision cannot tell: the interval includes the threshold; status from on_insufficient.",
    )
    MISSING_SHARE_DRIFT = (
        "missing_share_drift",
        "warn",
        "drift",
        "A column's missing share changed by more than missing_share_tolerance.",
    )
    METHOD_NOT_APPLICABLE = (
        "method_not_applicable",
        "error",
        "drift label_free",
        "The chosen drift method does not apply to this column's values.",
    )
    KIND_MISMATCH = (
        "kind_mismatch",
        "error",
        "drift label_free quality",
        "The reference and current hold different kinds of values in one column.",
    )
    UNSUPPORTED_KIND = (
        "unsupported_kind",
        "skip",
        "drift label_free",
        "A text-like column is not compared by method='auto' (set a kind or a method).",
    )
    # -- performance -------------------------------------------------------------------------
    METRIC_BOUND_EXCEEDED = (
        "metric_bound_exceeded",
        "fail",
        "performance label_free",
        "A metric is below min_value or above max_value.",
    )
    PERFORMANCE_REGRESSION = (
        "performance_regression",
        "fail",
        "performance label_free",
        "The candidate is worse than the baseline by more than the allowed drop.",
    )
    NOT_BETTER_THAN_DUMMY = (
        "not_better_than_dummy",
        "fail",
        "performance",
        "The model does not beat a dummy baseline by min_improvement.",
    )
    CALIBRATION_ERROR_EXCEEDED = (
        "calibration_error_exceeded",
        "fail",
        "performance",
        "The expected calibration error is above max_ece (CalibrationGate).",
    )
    BRIER_SCORE_EXCEEDED = (
        "brier_score_exceeded",
        "fail",
        "performance",
        "The Brier score is above max_brier (CalibrationGate).",
    )
    # -- label-free estimation ---------------------------------------------------------------
    NOT_CALIBRATED = (
        "not_calibrated",
        "error",
        "label_free",
        "The scores stay miscalibrated on reference after the best calibration map: no label-free "
        "estimate is made.",
    )
    OUTSIDE_SUPPORT = (
        "outside_support",
        "warn",
        "label_free",
        "A share of current rows lies outside the reference's support, where a label-free estimate "
        "extrapolates.",
    )
    ESTIMATE_COVERAGE_EXCEEDED = (
        "estimate_coverage_exceeded",
        "fail",
        "label_free",
        "Back-tested label-free intervals covered the realized values significantly less often than "
        "min_coverage.",
    )
    ESTIMATE_BIAS_EXCEEDED = (
        "estimate_bias_exceeded",
        "fail",
        "label_free",
        "Back-tested label-free estimates are biased beyond max_bias (the mean error's interval lies "
        "beyond it).",
    )
    MISSING_ESTIMATE = (
        "missing_estimate",
        "error",
        "label_free",
        "A verdict passed to EstimateCheckGate holds no label-free estimate, or no measured value.",
    )
    # -- fairness ----------------------------------------------------------------------------
    FAIRNESS_BOUND_EXCEEDED = (
        "fairness_bound_exceeded",
        "fail",
        "fairness",
        "A fairness metric is beyond max_value or min_value.",
    )
    FAIRNESS_BOUND_INCONCLUSIVE = (
        "fairness_bound_inconclusive",
        "warn",
        "fairness",
        "The point estimate is beyond the bound, but its confidence interval includes it (decision='ci').",
    )
    FAIRNESS_REGRESSION = (
        "fairness_regression",
        "fail",
        "fairness",
        "The candidate's fairness metric is worse than the baseline's by more than max_worsening.",
    )
    FAIRNESS_REGRESSION_INCONCLUSIVE = (
        "fairness_regression_inconclusive",
        "warn",
        "fairness",
        "The worsening exceeds max_worsening on the point estimate, but its interval includes the margin.",
    )
    DISPARATE_IMPACT = (
        "disparate_impact",
        "fail",
        "fairness",
        "A group's selection rate is below min_ratio of the reference group's.",
    )
    DISPARATE_IMPACT_INCONCLUSIVE = (
        "disparate_impact_inconclusive",
        "warn",
        "fairness",
        "A selection-rate ratio is below min_ratio, but its confidence interval includes it (decision='ci').",
    )
    SINGLE_GROUP = (
        "single_group",
        "warn",
        "fairness",
        "The sensitive features form a single group, so no disparity exists to measure.",
    )
    MISSING_REFERENCE_GROUP = (
        "missing_reference_group",
        "error",
        "fairness",
        "The reference group named by the gate does not occur in the data.",
    )
    PROXY_SCORE_EXCEEDED = (
        "proxy_score_exceeded",
        "fail",
        "fairness",
        "A feature predicts a sensitive attribute: the lower bound of its score is above max_score.",
    )
    # -- label-free: drift impact, feature relevance, concept drift -------------------------
    FLIP_SHARE_EXCEEDED = (
        "flip_share_exceeded",
        "fail",
        "label_free",
        "Moving a drifted column back to its reference distribution flips more decisions than "
        "max_flip_share (WARN above warn_flip_share).",
    )
    SCORE_SHIFT_EXCEEDED = (
        "score_shift_exceeded",
        "fail",
        "label_free",
        "A column's drift moves the model's mean score by more than max_score_shift.",
    )
    IRRELEVANT_FEATURE = (
        "irrelevant_feature",
        "warn",
        "label_free",
        "A feature's permutation importance is not above zero: dead weight (status from on_irrelevant).",
    )
    IMPORTANCE_CHANGED = (
        "importance_changed",
        "warn",
        "label_free",
        "A feature's permutation importance changed significantly against the reference.",
    )
    IMPORTANCE_CHANGE_EXCEEDED = (
        "importance_change_exceeded",
        "fail",
        "label_free",
        "A feature's importance changed significantly and by more than max_importance_change.",
    )
    CONCEPT_DRIFT_DETECTED = (
        "concept_drift_detected",
        "fail",
        "label_free",
        "The outcome rate for the same score changed significantly and by more than "
        "max_calibration_shift (P(y | x) changed).",
    )
    # -- reproducibility ---------------------------------------------------------------------
    MISSING_LOCK = ("missing_lock", "error", "reproducibility", "The lock file does not exist.")
    INVALID_LOCK = (
        "invalid_lock",
        "error",
        "reproducibility",
        "The lock file cannot be read or fails validation.",
    )
    MISSING_ARTIFACT = (
        "missing_artifact",
        "error",
        "reproducibility",
        "A locked artifact was not passed to check() (status from on_missing).",
    )
    ARTIFACT_CHANGED = (
        "artifact_changed",
        "fail",
        "reproducibility",
        "An artifact's fingerprint differs from the locked one.",
    )
    ARTIFACT_UNLOCKED = (
        "artifact_unlocked",
        "warn",
        "reproducibility",
        "An artifact was passed that the lock file does not record.",
    )
    ENVIRONMENT_CHANGED = (
        "environment_changed",
        "warn",
        "reproducibility",
        "Python or package versions differ from the locked environment (status from environment_policy).",
    )
    FINGERPRINT_FAILED = (
        "fingerprint_failed",
        "error",
        "reproducibility",
        "An artifact or model could not be fingerprinted.",
    )
    TRAIN_FAILED = ("train_failed", "error", "reproducibility", "The train_fn of DeterminismGate raised.")
    NONDETERMINISTIC_MODEL = (
        "nondeterministic_model",
        "fail",
        "reproducibility",
        "Two trainings with the same seed gave models with different fitted state.",
    )
    NONDETERMINISTIC_PREDICTIONS = (
        "nondeterministic_predictions",
        "fail",
        "reproducibility",
        "Two trainings with the same seed gave different predictions.",
    )
    # -- security ----------------------------------------------------------------------------
    DISALLOWED_GLOBAL = (
        "disallowed_global",
        "fail",
        "security",
        "A pickle-based artifact reaches a global that is not on the allowlist.",
    )
    NEW_GLOBAL = (
        "new_global",
        "fail",
        "security",
        "A pickle-based artifact reaches a global its baseline allowlist does not list.",
    )
    UNVERIFIABLE = (
        "unverifiable",
        "fail",
        "security",
        "An artifact cannot be verified statically (details['why'] says why).",
    )
    UNSUPPORTED_FORMAT = (
        "unsupported_format",
        "error",
        "security",
        "A file is not a pickle, joblib, .npy, .npz or .skops file (status from on_unsupported).",
    )
    MISSING_DEPENDENCY = (
        "missing_dependency",
        "error",
        "core security",
        "An optional package the input or the scan needs is not installed (the message names the extra).",
    )
    INVALID_ALLOWLIST = (
        "invalid_allowlist",
        "error",
        "security",
        "The allowlist cannot be read or is invalid.",
    )
    MISSING_FILE = (
        "missing_file",
        "error",
        "core security",
        "A file to read or scan does not exist, or a path/glob/directory matches no table file.",
    )
    SECRET_DETECTED = ("secret_detected", "fail", "security", "A credential or secret was found in a file.")
    SCAN_TRUNCATED = (
        "scan_truncated",
        "warn",
        "security",
        "A file is larger than the scan limit and was not (fully) scanned.",
    )
    SENSITIVE_DATA_DETECTED = (
        "sensitive_data_detected",
        "fail",
        "security",
        "A column holds personal data (e-mail addresses, phone numbers, ...).",
    )
    SENSITIVE_COLUMN_NAME = (
        "sensitive_column_name",
        "warn",
        "security",
        "A column's name suggests personal data.",
    )
    # -- record: the ledger, promotion and deployment audits ---------------------------------
    MISSING_LEDGER = ("missing_ledger", "error", "record", "There is no ledger at the given folder.")
    MISSING_VERDICT = (
        "missing_verdict",
        "fail",
        "record",
        "No verdict of a required suite is recorded for this model.",
    )
    FINGERPRINT_MISMATCH = (
        "fingerprint_mismatch",
        "fail",
        "record",
        "The required suite passed for another fingerprint of the model name, not this one.",
    )
    VERDICT_FAILED = (
        "verdict_failed",
        "fail",
        "record",
        "The latest recorded verdict of a required suite did not pass.",
    )
    VERDICT_AGE_EXCEEDED = (
        "verdict_age_exceeded",
        "fail",
        "record",
        "The latest passing verdict is older than max_age: check the model again.",
    )
    MISSING_DATA_FINGERPRINT = (
        "missing_data_fingerprint",
        "fail",
        "record",
        "The recorded verdict does not name the data it judged by fingerprint.",
    )
    COMMIT_UNKNOWN = (
        "commit_unknown",
        "fail",
        "record",
        "The recorded verdict has no git commit (allow_dirty=True accepts it).",
    )
    COMMIT_DIRTY = (
        "commit_dirty",
        "fail",
        "record",
        "The recorded verdict ran with uncommitted changes (allow_dirty=True accepts it).",
    )
    MODEL_REJECTED = ("model_rejected", "fail", "record", "The model was rejected in the ledger.")
    MODEL_UNRECORDED = ("model_unrecorded", "fail", "record", "A deployed model the ledger has never seen.")
    MODEL_NOT_LIVE = (
        "model_not_live",
        "fail",
        "record",
        "A deployed model is a candidate or in staging: deployed without a promotion.",
    )
    RETIRED_MODEL_DEPLOYED = (
        "retired_model_deployed",
        "fail",
        "record",
        "A retired or rejected model is still deployed.",
    )
    MULTIPLE_LIVE_MODELS = ("multiple_live_models", "fail", "record", "Two models are live under one name.")
    RECORD_TAMPERED = (
        "record_tampered",
        "error",
        "record",
        "A ledger record does not match its hashes (run mlgates ledger verify).",
    )
    LEDGER_TAMPERED = (
        "ledger_tampered",
        "fail",
        "record",
        "Ledger.verify found records edited, deleted, reordered or inserted.",
    )
    RECORD_EDITED = (
        "record_edited",
        "fail",
        "record",
        "A record file's bytes do not match its hashes, or it was rewritten with new hashes.",
    )
    RECORD_DELETED = ("record_deleted", "fail", "record", "A record of the hash chain is missing (deleted).")
    RECORD_REORDERED = (
        "record_reordered",
        "fail",
        "record",
        "Records were put back in another order, or their files renamed or swapped.",
    )
    RECORD_INSERTED = (
        "record_inserted",
        "fail",
        "record",
        "A record takes the place of a genuine one, or follows the head without continuing the chain.",
    )
    INVALID_HEAD = ("invalid_head", "fail", "record", "HEAD.json is unreadable or was changed by hand.")
    MISSING_HEAD = (
        "missing_head",
        "warn",
        "record",
        "No HEAD.json: the newest records cannot be checked against the head anchor.",
    )
    HEAD_BEHIND = (
        "head_behind",
        "warn",
        "record",
        "A record continues the chain after the head anchor (an interrupted append, or by hand).",
    )
    # -- integrations ------------------------------------------------------------------------
    EVIDENTLY_ERROR = ("evidently_error", "error", "integrations", "Evidently could not compute the report.")
    EVIDENTLY_TEST_WARNING = ("evidently_test_warning", "warn", "integrations", "An Evidently test warned.")
    EVIDENTLY_TEST_FAILED = ("evidently_test_failed", "fail", "integrations", "An Evidently test failed.")
    EVIDENTLY_TEST_ERROR = ("evidently_test_error", "error", "integrations", "An Evidently test errored.")
    EVIDENTLY_TEST_SKIPPED = (
        "evidently_test_skipped",
        "skip",
        "integrations",
        "An Evidently test was skipped.",
    )


#: Codes renamed before 1.0 -> their new code. Verdicts saved with an old code load with the new.
RENAMED: Mapping[str, Reason] = {
    "column_missing": Reason.MISSING_COLUMN,
    "artifact_missing": Reason.MISSING_ARTIFACT,
    "lock_missing": Reason.MISSING_LOCK,
    "reference_group_missing": Reason.MISSING_REFERENCE_GROUP,
    "lock_invalid": Reason.INVALID_LOCK,
    "metric_undefined": Reason.UNDEFINED_STATISTIC,
    "undefined_rate": Reason.UNDEFINED_STATISTIC,
    "metric_below_min": Reason.METRIC_BOUND_EXCEEDED,
    "metric_above_max": Reason.METRIC_BOUND_EXCEEDED,
    "too_few_rows": Reason.ROW_COUNT_EXCEEDED,
    "too_many_rows": Reason.ROW_COUNT_EXCEEDED,
    "probabilities_given": Reason.PROBABILITIES_AS_LABELS,
    "ledger_missing": Reason.MISSING_LEDGER,
    "verdict_missing": Reason.MISSING_VERDICT,
    "data_fingerprint_missing": Reason.MISSING_DATA_FINGERPRINT,
    "head_missing": Reason.MISSING_HEAD,
    "head_invalid": Reason.INVALID_HEAD,
    "max_age_exceeded": Reason.VERDICT_AGE_EXCEEDED,
    "validation_age_exceeded": Reason.VERDICT_AGE_EXCEEDED,
    "file_not_found": Reason.MISSING_FILE,
    "allowlist_invalid": Reason.INVALID_ALLOWLIST,
}

_CODES = frozenset(r.value for r in Reason)


def is_registered(code: str | None) -> bool:
    """Whether ``code`` is a registered reason code (None, "no reason", counts as registered).

    >>> is_registered("drift_detected"), is_registered("column_missing"), is_registered(None)
    (True, False, True)
    """
    return code is None or code in _CODES


def canonical(code: str | None) -> str | None:
    """The current spelling of ``code``: a renamed code gives its new name, anything else
    (current codes, codes of user-defined gates, None) is returned unchanged.

    >>> canonical("metric_below_min"), canonical("drift_detected"), canonical("my_code")
    ('metric_bound_exceeded', 'drift_detected', 'my_code')
    """
    if code is None:
        return None
    new = RENAMED.get(code)
    return code if new is None else new.value


def _builtin_gates() -> frozenset[str]:
    from mlgates._exports import LAZY_EXPORTS

    return frozenset([*LAZY_EXPORTS, "Suite"])


def unregistered(verdict: Verdict) -> list[tuple[str, str]]:
    """``(where, code)`` for every unregistered code that a built-in gate put on ``verdict``
    or its descendants: the verdict's own reason and its findings'. Verdicts of user-defined
    gates are not looked at (their codes are theirs); a suite's reason taken over from a
    member is judged at that member.

    >>> from mlgates import Status, Verdict
    >>> unregistered(Verdict(Status.FAIL, name="rows", gate="RowCountGate", reason="too_few_rows"))
    [('rows', 'too_few_rows')]
    """
    builtin = _builtin_gates()
    out: list[tuple[str, str]] = []
    for v in verdict.walk():
        if v.gate not in builtin:
            continue
        inherited = {c.reason for c in v.children}
        if v.reason is not None and v.reason not in inherited and not is_registered(v.reason):
            out.append((v.name, v.reason))
        out.extend(
            (f"{v.name}: {f.subject}", f.reason)
            for f in v.findings
            if f.reason is not None and not is_registered(f.reason)
        )
    return out


def _rows() -> Iterator[str]:
    yield "| code | default status | emitted by | meaning |"
    yield "|---|---|---|---|"
    for r in sorted(Reason, key=lambda r: r.value):
        yield f"| `{r.value}` | {r.status.value} | {', '.join(r.families)} | {r.description} |"


def markdown() -> str:
    """The reason-code reference page (``docs/reasons.md``), generated from the registry."""
    renamed = "\n".join(f"| `{old}` | `{new.value}` |" for old, new in sorted(RENAMED.items()))
    return "\n".join(
        [
            "# Reason codes",
            "",
            "<!-- Generated by `python -m mlgates.reasons > docs/reasons.md`: edit",
            "     mlgates/core/reasons.py, not this file (tests/core/test_reason_codes.py checks it). -->",
            "",
            "Every verdict and finding that is not PASS carries a stable snake_case reason code:",
            "the *why* of its status, for scripts, dashboards and audits. This is the complete list",
            "(`mlgates.reasons.Reason`). The status is the one a code has with default parameters;",
            "policies such as `on_insufficient`, `on_missing` or `warn_<stat>` can change it.",
            "",
            "Naming rules: a bound that is crossed ends in `_exceeded`; something absent starts",
            "with `missing_`, something unusable with `invalid_`; any statistic that cannot be",
            "computed on the data is `undefined_statistic`. Gates decide from numbers and flags,",
            "never from reason strings; reason codes describe a decision, they do not make one.",
            "",
            *_rows(),
            "",
            "## Renamed codes",
            "",
            "Renamed before 1.0. `Verdict.from_dict` / `Verdict.from_json` read verdicts saved",
            "with an old code and give the new one.",
            "",
            "| old code | new code |",
            "|---|---|",
            renamed,
            "",
        ]
    )

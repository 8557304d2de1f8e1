"""Did-you-mean: the nearest valid name for a mistyped parameter, option, metric or column.

One place decides what "nearest" means, so the constructor, ``check()``, the config loader,
parameter validation, the CLI and column lookups all suggest the same name:

1. a known name from a peer library (:data:`PARAMETER_ALIASES`, :data:`VALUE_ALIASES`) whose
   target is valid here;
2. the name with a peer's decorations removed (``neg_`` prefix, ``_score`` suffix), or a case
   difference;
3. :func:`difflib.get_close_matches` (cutoff 0.6);
4. a valid name that contains the mistyped one as a whole ``_``-separated word
   (``min`` -> ``min_rows``), shortest first.

No suggestion is better than a wrong one: when none of these match, callers list the valid
names instead.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

__all__ = ["PARAMETER_ALIASES", "VALUE_ALIASES", "closest", "did_you_mean", "peer_note"]

#: Parameter names used by peer libraries (and common guesses) -> ours. A constructor that gets
#: one of these refuses it with a message naming ours (one spelling per parameter; see
#: docs/index.md, "Names from other libraries"). Only used when the target is a parameter of
#: the gate at hand.
PARAMETER_ALIASES: dict[str, tuple[str, str]] = {
    # name: (ours, where the name comes from)
    "stattest": ("method", "Evidently's name for the drift test"),
    "num_stattest": ("method", "Evidently's name for the drift test"),
    "cat_stattest": ("method", "Evidently's name for the drift test"),
    "per_column_stattest": ("method", "Evidently's name for per-column drift tests"),
    "stattest_threshold": ("threshold", "Evidently's name for the drift threshold"),
    "num_stattest_threshold": ("threshold", "Evidently's name for the drift threshold"),
    "cat_stattest_threshold": ("threshold", "Evidently's name for the drift threshold"),
    "seed": ("random_state", "mlgates calls every seed random_state"),
    "random_seed": ("random_state", "mlgates calls every seed random_state"),
    "n_bootstrap": ("n_resamples", "mlgates calls resample counts n_resamples"),
    "n_bootstraps": ("n_resamples", "mlgates calls resample counts n_resamples"),
    "n_permutations": ("n_resamples", "mlgates calls resample counts n_resamples"),
    "significance": ("alpha", "mlgates calls significance levels alpha"),
    "significance_level": ("alpha", "mlgates calls significance levels alpha"),
    "p_value": ("alpha", "mlgates calls significance levels alpha"),
    "pvalue": ("alpha", "mlgates calls significance levels alpha"),
    "threshold": ("min_value", "a metric floor is min_value (a ceiling is max_value)"),
    "min": ("min_value", "bounds are min_<stat>/max_<stat>"),
    "max": ("max_value", "bounds are min_<stat>/max_<stat>"),
    "lower": ("min_value", "bounds are min_<stat>/max_<stat>"),
    "upper": ("max_value", "bounds are min_<stat>/max_<stat>"),
    "tolerance": ("max_drop", "an allowed drop against the baseline is max_drop"),
    "higher_is_better": ("greater_is_better", "scikit-learn's spelling"),
    "sensitive_feature": ("sensitive_features", "fairlearn's spelling"),
    "sensitive_columns": ("sensitive_features", "fairlearn's spelling"),
    "protected_attributes": ("sensitive_features", "fairlearn's spelling"),
    "metric_name": ("metric", ""),
    "scoring": ("metric", "scikit-learn's scoring= is metric= here"),
    "score": ("metric", ""),
    "columns_to_check": ("columns", ""),
    "column_names": ("columns", ""),
    "cols": ("columns", ""),
    "column": ("columns", ""),
    "max_missing": ("max_share", ""),
    "max_missing_share": ("max_share", ""),
    "lockfile_path": ("lockfile", ""),
    "path": ("lockfile", ""),
}

#: Option values (metric and method names) used by peer libraries -> ours. Metric names that
#: name exactly one of ours are accepted by the performance and fairness gates (the verdict
#: records our name); everywhere else they are suggested in the error message.
VALUE_ALIASES: dict[str, str] = {
    # scikit-learn scorer shorthands and function names
    "rmse": "root_mean_squared_error",
    "mse": "mean_squared_error",
    "mae": "mean_absolute_error",
    "mape": "mean_absolute_percentage_error",
    "medae": "median_absolute_error",
    "r2_score": "r2",
    "r_squared": "r2",
    "auc": "roc_auc",
    "auroc": "roc_auc",
    "roc_auc_score": "roc_auc",
    "ap": "average_precision",
    "average_precision_score": "average_precision",
    "logloss": "log_loss",
    "cross_entropy": "log_loss",
    "brier": "brier_score_loss",
    "brier_score": "brier_score_loss",
    "mcc": "matthews_corrcoef",
    "acc": "accuracy",
    "accuracy_score": "accuracy",
    "balanced_accuracy_score": "balanced_accuracy",
    "f1_score": "f1",
    "precision_score": "precision",
    "recall_score": "recall",
    # fairlearn: constraint names -> the disparity metric of the same name
    "demographic_parity": "demographic_parity_difference",
    "equalized_odds": "equalized_odds_difference",
    "equal_opportunity": "equal_opportunity_difference",
    "true_positive_rate_parity": "equal_opportunity_difference",
    "statistical_parity": "demographic_parity_difference",
    # Evidently's drift test names that differ from ours
    "mannw": "mannwhitneyu",
    "mann_whitney": "mannwhitneyu",
    "ed": "energy",
    "energy_distance": "energy",
    "TVD": "tvd",
    "total_variation": "tvd",
    "kolmogorov_smirnov": "ks",
    "ks_2samp": "ks",
    "chi2": "chisquare",
    "chi_square": "chisquare",
    "chi_squared": "chisquare",
    "jensen_shannon": "jensenshannon",
    "js": "jensenshannon",
    "kl": "kl_div",
    "kl_divergence": "kl_div",
    "wasserstein_distance": "wasserstein",
    "emd": "wasserstein",
    "anderson_darling": "anderson",
    "anderson_ksamp": "anderson",
    "mmd": "empirical_mmd",
    "cvm": "cramer_von_mises",
    "cramervonmises": "cramer_von_mises",
    "fisher": "fisher_exact",
    "gtest": "g_test",
    "ttest": "t_test",
    "ttest_ind": "t_test",
    "ztest": "z",
    "z_test": "z",
    "population_stability_index": "psi",
}


def _strip(name: str) -> str:
    out = name.strip().lower().replace("-", "_").replace(" ", "_")
    out = out.removeprefix("neg_")
    return out.removesuffix("_score")


def closest(name: Any, options: Iterable[Any], *, aliases: dict[str, Any] | None = None) -> Any | None:
    """The valid option nearest to ``name``, or None when nothing is near enough.

    ``aliases`` maps other spellings to valid options (default: :data:`VALUE_ALIASES`); an alias
    is used only when its target is among ``options``.

    Examples
    --------
    >>> closest("agee", ["age", "income"])
    'age'
    >>> closest("rmse", ["r2", "root_mean_squared_error", "mean_squared_error"])
    'root_mean_squared_error'
    >>> closest("min", ["min_rows", "max_rows", "warn_min_rows"])
    'min_rows'
    >>> closest("zzz", ["age", "income"]) is None
    True
    """
    opts = list(dict.fromkeys(options))
    if not opts:
        return None
    by_text = {str(o): o for o in opts}
    text = str(name)
    table = VALUE_ALIASES if aliases is None else aliases
    target = table.get(text, table.get(text.lower()))
    if isinstance(target, tuple):
        target = target[0]
    if target is not None and str(target) in by_text:
        return by_text[str(target)]
    folded = {str(o).lower(): o for o in opts}
    if text.lower() in folded:
        return folded[text.lower()]
    stripped = _strip(text)
    if stripped in folded:
        return folded[stripped]
    target = table.get(stripped)
    if isinstance(target, tuple):
        target = target[0]
    if target is not None and str(target) in by_text:
        return by_text[str(target)]
    # near an option, or near a peer's name for one (``rmsee`` -> ``rmse`` -> ours)
    candidates: dict[str, Any] = {}
    for key, value in table.items():
        goal = value[0] if isinstance(value, tuple) else value
        if str(goal) in by_text:
            candidates[key] = by_text[str(goal)]
    candidates.update(by_text)
    close = difflib.get_close_matches(text, list(candidates), n=1)
    if close:
        return candidates[close[0]]
    lowered = {k.lower(): v for k, v in candidates.items()}
    close = difflib.get_close_matches(text.lower(), list(lowered), n=1)
    if close:
        return lowered[close[0]]
    word = stripped
    if word and len(word) >= 2:
        holders = [o for o in by_text if word in str(o).lower().split("_")]
        if holders:
            return by_text[min(holders, key=lambda s: (len(s), s))]
    return None


def did_you_mean(name: Any, options: Iterable[Any], *, aliases: dict[str, Any] | None = None) -> str:
    """``" Did you mean 'x'?"`` (with a leading space), or ``""`` when nothing is near.

    Examples
    --------
    >>> did_you_mean("incme", ["age", "income"])
    " Did you mean 'income'?"
    >>> did_you_mean("zzz", ["age"])
    ''
    """
    best = closest(name, options, aliases=aliases)
    return "" if best is None else f" Did you mean {best!r}?"


def peer_note(name: str, suggestion: Any) -> str:
    """Why ``name`` maps to ``suggestion`` (e.g. "Evidently's name for the drift test"), or ''."""
    entry = PARAMETER_ALIASES.get(name)
    if entry is not None and entry[0] == suggestion and entry[1]:
        return entry[1]
    return ""

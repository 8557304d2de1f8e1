"""DriftGate's levels: the defaults, the largest value of each bounded distance, the lookup of
scalar-or-mapping parameters per column, method and kind, and the checks that a level can fire.

>>> lookup({"x": 0.01, "ks": 0.1}, "x", "numeric", "ks", 0.05)
0.01
>>> lookup({"numeric": 0.2}, "z", "binary:numeric", "psi", 0.1)
0.2
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from mlgates.core.params import parameter_error
from mlgates.stats import drift as kernels

__all__ = [
    "DEFAULT_DISTANCE_THRESHOLD",
    "DEFAULT_PVALUE_THRESHOLD",
    "DISTANCE_MAX",
    "REFERENCE_NULL",
    "check_levels",
    "default_threshold",
    "lookup",
]

#: ``threshold`` value asking for a distance bound calibrated on the reference.
REFERENCE_NULL = "reference_null"
DEFAULT_PVALUE_THRESHOLD = 0.05
DEFAULT_DISTANCE_THRESHOLD = 0.1
#: Largest value a distance can take (a threshold above it could never fire).
DISTANCE_MAX = {"jensenshannon": math.sqrt(math.log(2.0)), "hellinger": 1.0, "tvd": 1.0}


def default_threshold(method: str) -> float:
    """0.05 (an alpha) for p-value tests, 0.1 for distances."""
    return DEFAULT_PVALUE_THRESHOLD if method in kernels.PVALUE_METHODS else DEFAULT_DISTANCE_THRESHOLD


def lookup(value: Any, column: str, kind: str | None, method: str | None, default: Any) -> Any:
    """Resolve a scalar-or-mapping parameter: column name, then method, then kind; a
    ``binary`` column falls back to ``numeric`` or ``categorical`` (what its values are)."""
    if not isinstance(value, Mapping):
        return default if value is None else value
    kind_keys: list[str | None] = [kind]
    if kind is not None and ":" in kind:  # "binary:numeric"
        kind_keys = list(kind.split(":"))
    for key in (column, method, *kind_keys):
        if key is not None and key in value:
            return value[key]
    return default


def check_levels(owner: str, where: str, method: str, thr: float, warn: float | None) -> None:
    """A p-value method's threshold is an alpha in (0, 1); a warning level must be laxer
    than the threshold (a larger alpha, a smaller distance) or it could never fire."""
    is_test = method in kernels.PVALUE_METHODS
    if is_test and not 0 < thr < 1:
        raise parameter_error(
            owner,
            "threshold",
            f"a significance level in (0, 1) for {where} (method {method!r} is a p-value test)",
            thr,
            "pass an alpha such as threshold=0.05 (0 never flags drift, 1 or more always does); "
            "for distances and tests together use a mapping by method, e.g. "
            "threshold={'ks': 0.05, 'wasserstein': 0.1}.",
        )
    if not is_test:
        top = DISTANCE_MAX.get(method, math.inf)
        for pname, value in (("threshold", thr), ("warn_threshold", warn)):
            if value is not None and not (0 < value <= top and math.isfinite(value)):
                what = f"in (0, {top:.4g}]" if math.isfinite(top) else "a finite float > 0"
                raise parameter_error(
                    owner,
                    pname,
                    f"{what} for {where} (method {method!r} is a distance; a bound outside its "
                    "range never or always flags drift)",
                    value,
                    f"pass a bound such as {pname}=0.1, or a mapping by method, e.g. "
                    "threshold={'ks': 0.05, 'wasserstein': 0.1}.",
                )
    if warn is None:
        return
    if is_test and not thr < warn < 1:
        raise parameter_error(
            owner,
            "warn_threshold",
            f"in ({thr:g}, 1) for {where}: method {method!r} is a p-value test, so the warning "
            f"alpha must be larger than threshold={thr:g} to ever fire",
            warn,
            f"pass a laxer alpha such as warn_threshold={min(2 * thr, (1 + thr) / 2):g}, or a mapping "
            "by method, e.g. warn_threshold={'ks': 0.1, 'wasserstein': 0.05}.",
        )
    if not is_test and not warn < thr:
        raise parameter_error(
            owner,
            "warn_threshold",
            f"below threshold={thr:g} for {where}: method {method!r} is a distance, so the warning "
            "bound must be smaller than the drift bound to ever fire",
            warn,
            f"pass a smaller bound such as warn_threshold={thr / 2:g}, or a mapping by method, "
            "e.g. warn_threshold={'ks': 0.1, 'wasserstein': 0.05}.",
        )

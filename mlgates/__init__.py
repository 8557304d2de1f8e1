"""mlgates: composable gates for ML pipelines.

Drift, data quality, performance regression, fairness and reproducibility checks share one
``check()`` interface, compose into suites, and return structured verdicts.

``import mlgates`` is light: gate families (and numpy, pandas, scipy, scikit-learn,
fairlearn) are imported on first use.
"""

from __future__ import annotations

import importlib
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

if TYPE_CHECKING:  # static view of the lazy names
    from mlgates.gates.quality import MissingValuesGate, RowCountGate, SchemaGate

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

__all__ = sorted([*_EAGER, *LAZY_EXPORTS])  # noqa: PLE0605


def __getattr__(name: str) -> Any:
    module = LAZY_EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'mlgates' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(LAZY_EXPORTS))

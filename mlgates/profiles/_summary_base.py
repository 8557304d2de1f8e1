"""The base of the mergeable summaries (:mod:`mlgates.profiles.summaries`): the shared
limits, the need base class and its stable key, plain key values and the bin-spec hash."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import math
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
import pandas as pd

#: Distinct values counted per column before a :class:`ValueCounts` overflows.
DEFAULT_MAX_DISTINCT = 100_000
#: Reference quantiles in the fine grid of the sample statistics (KS, Wasserstein, ...): the
#: grid's approximation bound is about ``1 / DEFAULT_GRID_SIZE`` (computed and recorded).
DEFAULT_GRID_SIZE = 4096
#: Offending values a summary keeps as examples.
MAX_EXAMPLES = 5


def edges_hash(edges: Sequence[float] | np.ndarray) -> str:
    """A short, stable hash of bin edges (the *bin-spec hash* recorded on findings).

    >>> edges_hash([0.5, 1.5]) == edges_hash(np.array([0.5, 1.5]))
    True
    """
    arr = np.ascontiguousarray(np.asarray(edges, dtype="<f8"))
    return hashlib.sha256(arr.tobytes()).hexdigest()[:16]


def plain(value: Any) -> Any:
    """A summary key value as plain Python (str, int, float, bool, None); timestamps as text."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", "backslashreplace")
    return str(value)


def _key(kind: str, **params: Any) -> str:
    return f"{kind}{json.dumps(params, sort_keys=True, default=str, separators=(',', ':'))}"


@dataclasses.dataclass(frozen=True)
class _Need:
    """Base of the needs: ``key`` from the kind and the parameters."""

    kind: ClassVar[str] = ""

    @functools.cached_property
    def key(self) -> str:
        params = {f.name: _param(getattr(self, f.name)) for f in dataclasses.fields(self)}
        return _key(self.kind, **params)

    @property
    def columns(self) -> tuple[Any, ...] | None:
        column = getattr(self, "column", None)
        return None if column is None else (column,)


def _param(value: Any) -> Any:
    if isinstance(value, tuple) and len(value) > 8 and all(isinstance(v, float) for v in value):
        return f"edges:{len(value)}:{edges_hash(value)}"
    if isinstance(value, (tuple, frozenset)):
        return [_param(v) for v in (sorted(value, key=repr) if isinstance(value, frozenset) else value)]
    return value

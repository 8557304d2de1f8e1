"""Turn values into JSON-safe plain data and back, losslessly for floats (NaN, inf)."""

from __future__ import annotations

import datetime as _dt
import enum
import math
import os
from collections.abc import Mapping
from typing import Any

__all__ = ["decode", "encode", "freeze", "frozen_plain", "thaw"]

_FLOAT_TAG = "$float"
_SPECIAL = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


def to_plain(value: Any) -> Any:
    """Convert numpy/pandas scalars, tuples, enums and mappings to plain Python data.

    Unknown objects become their ``repr`` so a verdict can always be serialized.
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, Mapping):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=repr) if isinstance(value, (set, frozenset)) else value
        return [to_plain(v) for v in items]
    if isinstance(value, (_dt.datetime, _dt.date)):
        return value.isoformat()
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    # numpy / pandas scalars and arrays without importing them
    item = getattr(value, "item", None)
    tolist = getattr(value, "tolist", None)
    if tolist is not None and getattr(value, "ndim", 0) > 0:
        return to_plain(tolist())
    if item is not None:
        try:
            return to_plain(item())
        except (TypeError, ValueError):
            pass
    isoformat = getattr(value, "isoformat", None)
    if isoformat is not None:
        return isoformat()
    if callable(value):
        mod = getattr(value, "__module__", None) or ""
        qual = getattr(value, "__qualname__", None) or type(value).__name__
        return f"{mod}.{qual}" if mod else qual
    return repr(value)


def encode(value: Any) -> Any:
    """Plain data -> strict-JSON data: non-finite floats become ``{"$float": "nan"}``."""
    if isinstance(value, float) and not math.isfinite(value):
        key = "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
        return {_FLOAT_TAG: key}
    if isinstance(value, Mapping):
        return {k: encode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [encode(v) for v in value]
    return value


def decode(value: Any) -> Any:
    """Inverse of :func:`encode`."""
    if isinstance(value, Mapping):
        if len(value) == 1 and _FLOAT_TAG in value:
            return _SPECIAL[value[_FLOAT_TAG]]
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


class FrozenDict(dict):  # type: ignore[type-arg]
    """A read-only dict: hashable by content, JSON- and pickle-friendly."""

    __slots__ = ()

    def _readonly(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("verdict mappings are read-only; build a new value with dataclasses.replace()")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _readonly  # type: ignore[assignment]
    __ior__ = _readonly  # type: ignore[assignment]

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(sorted((k, _hashable(v)) for k, v in self.items())))

    def __reduce__(self) -> Any:
        return (FrozenDict, (dict(self),))


def _hashable(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
    return value


def freeze(value: Any) -> Any:
    """Plain data -> read-only data (FrozenDict for mappings, tuple for lists)."""
    if isinstance(value, Mapping):
        return FrozenDict({k: freeze(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(freeze(v) for v in value)
    return value


#: Types whose values are already plain and immutable (exact types: subclasses such as enums
#: and numpy scalars take the general path).
_ATOMS = frozenset({type(None), bool, int, float, str})


def frozen_plain(value: Any) -> Any:
    """``freeze(to_plain(value))`` in one pass, with a fast path for the common shapes of
    verdict data (lists of plain numbers, dicts of plain values).

    Examples
    --------
    >>> frozen_plain({"counts": [1, 2.5], "kind": "numeric", "n": None})
    {'counts': (1, 2.5), 'kind': 'numeric', 'n': None}
    >>> frozen_plain({"a": {3}}) == freeze(to_plain({"a": {3}}))
    True
    """
    t = type(value)
    if t in _ATOMS:
        return value
    if t is list or t is tuple:
        if _ATOMS.issuperset(map(type, value)):
            return tuple(value)
        return tuple(frozen_plain(v) for v in value)
    if t is dict or t is FrozenDict:
        atoms = _ATOMS  # plain values are kept as they are, without a call per value
        return FrozenDict(
            {
                k if type(k) is str else str(k): v if type(v) in atoms else frozen_plain(v)
                for k, v in value.items()
            }
        )
    return freeze(to_plain(value))


def thaw(value: Any) -> Any:
    """Read-only data -> plain mutable data (dict, list)."""
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [thaw(v) for v in value]
    return value

"""Canonical, type-tagged, length-prefixed bytes of Python values (configs, parameters,
fitted state), hashed with xxh3_128.

Every value starts with a one-byte tag, so ``1``, ``1.0``, ``True`` and ``"1"`` differ; mapping
keys are sorted by their canonical bytes, so key order never matters. Large arrays, tables and
estimators nested in a value contribute their own 16-byte digest.
"""

from __future__ import annotations

import datetime as _dt
import enum
import math
import os
import re
import struct
from collections.abc import Mapping
from typing import Any

import xxhash

__all__ = ["NULL_CELL", "canonical_bytes", "digest_of", "value_cell"]

#: The 128-bit cell hash of a missing value in string, categorical and object columns.
NULL_CELL = xxhash.xxh3_128_digest(b"\x00mlgates-null")
_CANONICAL_NAN = struct.pack("<Q", 0x7FF8000000000000)
_TIMING_KEY = re.compile(r"(^|_)(fit|score|refit)_time(_|$)")


def _u64(n: int) -> bytes:
    return struct.pack("<Q", n)


def _float_bytes(x: float) -> bytes:
    if math.isnan(x):
        return _CANONICAL_NAN
    return struct.pack("<d", x + 0.0)  # -0.0 + 0.0 == +0.0


def _int_bytes(x: int) -> bytes:
    raw = x.to_bytes((x.bit_length() + 8) // 8 or 1, "little", signed=True)
    return _u64(len(raw)) + raw


def _qualname(obj: Any) -> str:
    mod = getattr(obj, "__module__", None) or ""
    qual = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None) or type(obj).__name__
    return f"{mod}.{qual}" if mod else qual


def digest_of(data: bytes) -> bytes:
    """16-byte xxh3_128 digest."""
    return xxhash.xxh3_128_digest(data)


def value_cell(value: Any) -> bytes:
    """The 128-bit cell hash of one value of a generic (object) column."""
    if isinstance(value, str):
        return xxhash.xxh3_128_digest(b"s" + value.encode("utf-8", "surrogatepass"))
    return xxhash.xxh3_128_digest(b"v" + canonical_bytes(value))


def canonical_bytes(value: Any) -> bytes:
    """Canonical bytes of ``value``; raises TypeError for what cannot be encoded stably."""
    out: list[bytes] = []
    _Encoder(out).encode(value, ())
    return b"".join(out)


class _Encoder:
    def __init__(self, out: list[bytes]) -> None:
        self.out = out
        self.active: set[int] = set()

    def encode(self, v: Any, path: tuple[Any, ...]) -> None:
        out = self.out
        if v is None:
            out.append(b"N")
        elif isinstance(v, bool):
            out.append(b"B\x01" if v else b"B\x00")
        elif isinstance(v, int) and not isinstance(v, enum.Enum):
            out.append(b"I" + _int_bytes(int(v)))
        elif isinstance(v, float):
            out.append(b"F" + _float_bytes(v))
        elif isinstance(v, complex):
            out.append(b"X" + _float_bytes(v.real) + _float_bytes(v.imag))
        elif isinstance(v, str):
            raw = v.encode("utf-8", "surrogatepass")
            out.append(b"S" + _u64(len(raw)) + raw)
        elif isinstance(v, (bytes, bytearray, memoryview)):
            raw = bytes(v)
            out.append(b"Y" + _u64(len(raw)) + raw)
        elif isinstance(v, enum.Enum):
            out.append(b"M" + self._sub(_qualname(type(v))))
            self.encode(v.value, path)
        elif isinstance(v, (_dt.datetime, _dt.date, _dt.time)):
            kind = (
                "datetime" if isinstance(v, _dt.datetime) else "date" if isinstance(v, _dt.date) else "time"
            )
            out.append(b"T" + self._sub(kind + ":" + v.isoformat()))
        elif isinstance(v, _dt.timedelta):
            out.append(b"U" + _int_bytes((v.days * 86400 + v.seconds) * 10**6 + v.microseconds))
        elif isinstance(v, os.PathLike):  # inside a value a path is a name, not its content
            out.append(b"P" + self._sub(os.fspath(v)))
        elif isinstance(v, type) or _is_function(v):
            out.append(b"C" + self._sub(_qualname(v)))
        else:
            self._encode_object(v, path)

    def _sub(self, s: str) -> bytes:
        raw = s.encode("utf-8", "surrogatepass")
        return _u64(len(raw)) + raw

    def _guard(self, v: Any, path: tuple[Any, ...]) -> bool:
        if id(v) in self.active:
            self.out.append(b"R")  # a reference cycle: encode the back-reference, not the loop
            return False
        self.active.add(id(v))
        return True

    def _encode_object(self, v: Any, path: tuple[Any, ...]) -> None:
        from mlgates.fingerprints import _objects

        out = self.out
        if _objects.is_numpy_scalar(v):  # np.int64(3) is 3, np.bool_(True) is True
            self.encode(v.item(), path)
            return
        special = _objects.special_digest(v)
        if special is not None:
            tag, digest = special
            out.append(b"H" + tag + digest)
            return
        if not self._guard(v, path):
            return
        try:
            if isinstance(v, Mapping):
                self._encode_mapping(v, path)
            elif isinstance(v, (list, tuple)):
                out.append(b"L" + _u64(len(v)))  # tuples and lists alike: config files lose the difference
                for i, item in enumerate(v):
                    self.encode(item, (*path, i))
            elif isinstance(v, (set, frozenset)):
                items = sorted(canonical_bytes(x) for x in v)
                out.append(b"E" + _u64(len(items)) + b"".join(items))
            elif hasattr(v, "get_params") and callable(v.get_params):
                self._encode_estimator(v, path)
            else:
                state = _objects.object_state(v, path)
                out.append(b"O" + self._sub(_qualname(type(v))))
                self.encode(state, path)
        finally:
            self.active.discard(id(v))

    def _encode_mapping(self, v: Mapping[Any, Any], path: tuple[Any, ...]) -> None:
        pairs = []
        for key, item in v.items():
            if isinstance(key, str) and _TIMING_KEY.search(key) and path and path[-1] == "cv_results_":
                continue  # wall-clock timings of a search are not part of the model
            sub: list[bytes] = []
            enc = _Encoder(sub)
            enc.active = self.active
            enc.encode(item, (*path, key))
            pairs.append((canonical_bytes(key), b"".join(sub)))
        pairs.sort()
        self.out.append(b"D" + _u64(len(pairs)))
        for k, item_bytes in pairs:
            self.out.append(k + item_bytes)

    def _encode_estimator(self, v: Any, path: tuple[Any, ...]) -> None:
        """Class, constructor parameters (recursively) and every fitted attribute."""
        params = v.get_params(deep=False)
        self.out.append(b"K" + self._sub(_qualname(type(v))))
        self.encode(dict(params), (*path, "params"))
        state = {
            k: a
            for k, a in vars(v).items()
            if k not in params and not k.startswith("__") and not _TIMING_KEY.search(k)
        }
        self.encode(state, (*path, "state"))


def _is_function(v: Any) -> bool:
    import types

    return isinstance(v, (types.FunctionType, types.BuiltinFunctionType, types.MethodType))

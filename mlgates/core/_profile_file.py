"""The saved form of a reference profile: plain JSON plus one ``.npz`` of arrays, versioned
and fingerprinted. Part of the input layer (``check(reference=<saved profile>)`` is read here);
the profile layer (:mod:`mlgates.profiles`) builds and names what is inside.

A saved profile is a folder::

    ref.mgprofile/
        profile.json   {"format": "mlgates-profile", "version": 1, "fingerprint": "sha256:...",
                        "meta": {...}, "entries": {key: state, ...}}
        arrays.npz     the numpy arrays of the states (no pickles: allow_pickle=False)

An array inside a state is written as ``{"$array": "<name>"}`` in the JSON and stored under
that name in ``arrays.npz``. The fingerprint is a SHA-256 over the canonical JSON (without the
fingerprint itself) and every array's name, dtype, shape and bytes: a profile edited or
truncated after it was written does not load (InputError ``invalid_profile``).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mlgates.core._io import atomic_write
from mlgates.core._jsonable import decode, encode
from mlgates.core.errors import InputError

__all__ = ["PROFILE_FORMAT", "PROFILE_VERSION", "ProfileData", "is_saved_profile", "read_profile"]

PROFILE_FORMAT = "mlgates-profile"
PROFILE_VERSION = 1
_JSON = "profile.json"
_NPZ = "arrays.npz"
_ARRAY_TAG = "$array"


class ProfileData:
    """Summaries of a table by summarizer key, as plain states, with ``meta`` (schema, rows,
    what computed it). :meth:`save` writes it; :func:`read_profile` reads it back.

    The check context reads a reference given as a :class:`ProfileData` (or a path to a
    saved one) through ``state(key)``; the summarizer that asks turns the state back into its
    summary (``from_state``), so nothing here knows the summary types.
    """

    def __init__(self, entries: Mapping[str, Any], meta: Mapping[str, Any], fingerprint: str | None = None):
        self.entries = dict(entries)
        self.meta = dict(meta)
        self.fingerprint = fingerprint or _fingerprint(*_split(self.entries, self.meta))

    def __repr__(self) -> str:
        rows = self.meta.get("n_rows")
        return (
            f"{type(self).__name__}({len(self.entries)} summaries, {rows} rows, {self.fingerprint[:19]}...)"
        )

    def state(self, key: str) -> Any:
        return self.entries.get(key)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the profile to the folder ``path`` (created; files replaced atomically) and
        return the folder."""
        import numpy as np

        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        doc, arrays = _split(self.entries, self.meta)
        doc["fingerprint"] = _fingerprint(doc, arrays)
        buffer = io.BytesIO()
        np.savez_compressed(buffer, **arrays)
        tmp = folder / f".{_NPZ}.tmp"
        tmp.write_bytes(buffer.getvalue())
        os.replace(tmp, folder / _NPZ)
        atomic_write(folder / _JSON, json.dumps(doc, indent=1, sort_keys=True) + "\n")
        self.fingerprint = doc["fingerprint"]
        return folder


def is_saved_profile(value: Any) -> bool:
    """Whether ``value`` is a path to a saved profile folder (it holds ``profile.json``)."""
    if not isinstance(value, (str, os.PathLike)):
        return False
    path = Path(value)
    return path.is_dir() and (path / _JSON).is_file()


def read_profile(path: str | os.PathLike[str]) -> ProfileData:
    """Read and verify a saved profile (format, version, fingerprint)."""
    import numpy as np

    folder = Path(path)
    where = str(folder)
    try:
        doc = json.loads((folder / _JSON).read_text(encoding="utf-8"))
        with np.load(folder / _NPZ, allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
    except (OSError, ValueError) as exc:
        raise InputError(
            f"{where}: not a readable mlgates profile ({type(exc).__name__}: {exc}); write it again "
            "with mlgates.profile_reference(suite, reference).save(path) or `mlgates profile`.",
            reason="invalid_profile",
            subject=where,
        ) from None
    if not isinstance(doc, dict) or doc.get("format") != PROFILE_FORMAT:
        fmt = doc.get("format") if isinstance(doc, dict) else None
        raise InputError(
            f"{where}: {_JSON} is not an mlgates profile (format {fmt!r}).",
            reason="invalid_profile",
            subject=where,
        )
    version = doc.get("version")
    if version != PROFILE_VERSION:
        raise InputError(
            f"{where}: profile format version {version!r}; this mlgates reads version {PROFILE_VERSION}. "
            "Compute the profile again with this version.",
            reason="invalid_profile",
            subject=where,
        )
    stored = doc.pop("fingerprint", None)
    actual = _fingerprint(doc, arrays)
    if stored != actual:
        raise InputError(
            f"{where}: fingerprint mismatch (stored {str(stored)[:19]}..., content {actual[:19]}...): "
            "the profile was changed or truncated after it was written; compute it again.",
            reason="invalid_profile",
            subject=where,
        )
    entries = {k: _join(v, arrays) for k, v in decode(doc["entries"]).items()}
    return ProfileData(entries, decode(doc["meta"]), fingerprint=actual)


def _split(entries: Mapping[str, Any], meta: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The JSON document (arrays replaced by names) and the arrays by name."""
    arrays: dict[str, Any] = {}

    def walk(value: Any) -> Any:
        if hasattr(value, "dtype") and hasattr(value, "shape") and getattr(value, "ndim", 0) >= 1:
            if value.dtype.kind == "O":
                return {"$list": walk(value.tolist())}
            name = f"a{len(arrays)}"
            arrays[name] = value
            return {_ARRAY_TAG: name}
        if isinstance(value, Mapping):
            return {str(k): walk(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [walk(v) for v in value]
        item = getattr(value, "item", None)
        if item is not None and not isinstance(value, (int, float, str, bool)):
            return walk(item())
        return value

    doc = {
        "format": PROFILE_FORMAT,
        "version": PROFILE_VERSION,
        "meta": encode(walk(dict(meta))),
        "entries": encode({k: walk(v) for k, v in sorted(entries.items())}),
    }
    return doc, arrays


def _join(value: Any, arrays: Mapping[str, Any]) -> Any:
    if isinstance(value, Mapping):
        if len(value) == 1 and _ARRAY_TAG in value:
            return arrays[value[_ARRAY_TAG]]
        if len(value) == 1 and "$list" in value:
            import numpy as np

            out = np.empty(len(value["$list"]), dtype=object)
            out[:] = [_join(v, arrays) for v in value["$list"]]
            return out
        return {k: _join(v, arrays) for k, v in value.items()}
    if isinstance(value, list):
        return [_join(v, arrays) for v in value]
    return value


def _fingerprint(doc: Mapping[str, Any], arrays: Mapping[str, Any]) -> str:
    import numpy as np

    h = hashlib.sha256()
    body = {k: v for k, v in doc.items() if k != "fingerprint"}
    h.update(json.dumps(body, sort_keys=True, separators=(",", ":")).encode())
    for name in sorted(arrays):
        arr = np.ascontiguousarray(arrays[name])
        h.update(f"{name}:{arr.dtype.str}:{arr.shape}".encode())
        h.update(arr.tobytes())
    return "sha256:" + h.hexdigest()

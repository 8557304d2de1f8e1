"""``safe_load``: scan a model artifact, then load it with an unpickler that refuses every
global off the allowlist at ``find_class`` time."""

from __future__ import annotations

import inspect
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgates.core.errors import MlgatesError

if TYPE_CHECKING:
    from mlgates.gates.security._scan import ArtifactReport
    from mlgates.gates.security.allowlist import Allowlist

__all__ = ["UnsafeArtifactError", "safe_load"]

#: Default cap on the bytes a compressed artifact may decompress to (2 GiB).
DEFAULT_MAX_DECOMPRESSED_BYTES = 2**31


class UnsafeArtifactError(MlgatesError):
    """The artifact would import a global off the allowlist, or cannot be verified.

    ``report`` holds the scan (None when the refusal came from the restricted unpickler).
    """

    def __init__(self, message: str, report: ArtifactReport | None = None) -> None:
        super().__init__(message)
        self.report = report


def safe_load(
    path: str | os.PathLike[str],
    *,
    allow: Any = "sklearn",
    max_decompressed_bytes: int = DEFAULT_MAX_DECOMPRESSED_BYTES,
) -> Any:
    """Load a pickle, joblib, ``.npy``/``.npz`` or ``.skops`` artifact without running code
    from outside the allowlist.

    The file is first scanned statically (:class:`~mlgates.ArtifactSafetyGate`'s walk); if
    every global it would import is allowed and the stream verifies (no truncation, no
    trailing bytes, no decompression bomb), it is loaded with a restricted unpickler whose
    ``find_class`` refuses anything off the allowlist, so even a scanner bug cannot import
    an unlisted global.

    Parameters
    ----------
    path : str or path-like
        The artifact.
    allow : str, Allowlist or list, default "sklearn"
        A preset name, an :class:`~mlgates.Allowlist`, a ``.json`` file written by
        :meth:`Allowlist.save`, ``"module:qualname"`` entries, or a list of these.
    max_decompressed_bytes : int, default 2**31
        Cap on the decompressed size of a compressed artifact.

    Returns
    -------
    object
        The loaded object (for ``.npz``, a dict of arrays).

    Raises
    ------
    UnsafeArtifactError
        A global is off the allowlist, or the file does not verify; the message names each
        global, its offset and why.

    Examples
    --------
    >>> import joblib, tempfile, pathlib
    >>> from sklearn.linear_model import LogisticRegression
    >>> from mlgates import safe_load
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "model.joblib"
    >>> _ = joblib.dump(LogisticRegression().fit([[0.0], [1.0]], [0, 1]), path, compress=3)
    >>> safe_load(path).predict([[0.9]])
    array([1])
    >>> import os
    >>> class Evil:
    ...     def __reduce__(self):
    ...         return (os.getcwd, ())
    >>> _ = joblib.dump(Evil(), path)
    >>> safe_load(path)
    Traceback (most recent call last):
    ...
    mlgates.gates.security.safe.UnsafeArtifactError: ...model.joblib: refused: global ...getcwd at offset ...
    """
    from mlgates.gates.security._scan import scan_artifact
    from mlgates.gates.security.allowlist import Allowlist

    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"{p}: no such file")
    allowlist = Allowlist.resolve(allow)
    report = scan_artifact(p, allowlist, max_decompressed_bytes=max_decompressed_bytes)
    if report.format in ("unknown", "zip"):
        raise UnsafeArtifactError(
            f"{p}: not a pickle, joblib, .npy, .npz or .skops file; safe_load cannot read it.", report
        )
    if not report.clean:
        raise UnsafeArtifactError(f"{p}: refused: {describe_report(report)}", report)
    return _restricted_load(p, allowlist, max_decompressed_bytes=max_decompressed_bytes)


def describe_report(report: ArtifactReport, limit: int = 5) -> str:
    """One line naming the disallowed globals (offset and why) and the problems."""
    parts = [
        f"global {s.use.module}.{s.use.name} at offset {s.use.offset} ({s.use.why}; read by {s.reading})"
        for s in report.disallowed[:limit]
    ]
    parts += [f"{p.code} at offset {p.offset}: {p.message}" for p in report.problems[:limit]]
    more = len(report.disallowed) + len(report.problems) - len(parts)
    return "; ".join(parts) + (f" (+{more} more)" if more > 0 else "")


# -- the restricted loaders -----------------------------------------------------------------
def _check(allow: Allowlist, module: str, name: str, proto: int) -> None:
    import _compat_pickle

    from mlgates.gates.security._walk import NAW

    if proto < 3:
        if (module, name) in _compat_pickle.NAME_MAPPING:
            module, name = _compat_pickle.NAME_MAPPING[(module, name)]
        elif module in _compat_pickle.IMPORT_MAPPING:
            module = _compat_pickle.IMPORT_MAPPING[module]
    if (module, name) == NAW:
        return
    why = allow.judge(module, name)
    if why is not None:
        raise UnsafeArtifactError(f"restricted unpickler refused global {module}.{name}: {why}")


def _unpickler_class(allow: Allowlist) -> type:
    from joblib.numpy_pickle import NumpyUnpickler

    class RestrictedUnpickler(NumpyUnpickler):  # type: ignore[misc]
        def find_class(self, module: str, name: str) -> Any:
            _check(allow, module, name, self.proto)
            return super().find_class(module, name)

        def persistent_load(self, pid: Any) -> Any:
            raise UnsafeArtifactError("restricted unpickler refused a persistent id")

    return RestrictedUnpickler


def _plain_unpickler(allow: Allowlist, fh: Any) -> Any:
    import pickle

    class Restricted(pickle.Unpickler):
        def find_class(self, module: str, name: str) -> Any:
            _check(allow, module, name, 0 if not hasattr(self, "proto") else self.proto)
            return super().find_class(module, name)

    return Restricted(fh)


def _restricted_load(path: Path, allow: Allowlist, *, max_decompressed_bytes: int) -> Any:
    from mlgates.gates.security._streams import ByteSource, compression_of

    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(b"\x93NUMPY"):
        with open(path, "rb") as fh:
            return _load_npy(fh, allow)
    if head.startswith(b"PK"):
        return _load_zip(path, allow)
    compression = compression_of(head)
    cls = _unpickler_class(allow)
    with open(path, "rb") as fh:
        src = ByteSource(fh, compression=compression, max_bytes=max_decompressed_bytes)
        params = inspect.signature(cls).parameters
        if "ensure_native_byte_order" in params:
            unpickler = cls(str(path), src, ensure_native_byte_order=True)
        else:  # pragma: no cover - joblib < 1.5
            unpickler = cls(str(path), src)
        return unpickler.load()


def _load_npy(fh: Any, allow: Allowlist) -> Any:
    from numpy.lib import format as npformat

    version = npformat.read_magic(fh)
    read_header = npformat.read_array_header_1_0 if version == (1, 0) else npformat.read_array_header_2_0
    _shape, _fortran, dtype = read_header(fh)
    if not dtype.hasobject:
        fh.seek(0)
        return npformat.read_array(fh, allow_pickle=False)
    array = _plain_unpickler(allow, fh).load()
    return array


def _load_zip(path: Path, allow: Allowlist) -> Any:
    import io
    import zipfile

    with zipfile.ZipFile(path) as zf:
        if "schema.json" in zf.namelist() or path.name.lower().endswith(".skops"):
            import skops.io as sio

            return sio.load(path, trusted=sio.get_untrusted_types(file=path) or None)
        out = {}
        for name in zf.namelist():
            data = zf.read(name)
            key = name[:-4] if name.endswith(".npy") else name
            out[key] = _load_npy(io.BytesIO(data), allow) if data.startswith(b"\x93NUMPY") else data
        return out

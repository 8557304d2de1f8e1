"""Scan one artifact file: recognize its format and check every global it would import.

Formats and readings:

- a pickle stream (any protocol), compressed or not as joblib writes it (zlib, gzip, bz2,
  lzma, xz; recognized by magic bytes, decompressed with a cap). The *primary* reading is
  joblib's (``joblib.load`` and :func:`mlgates.safe_load` read plain pickles the same way, and
  follow joblib's inline arrays); it must parse cleanly. Where the same bytes read
  differently with ``pickle.load`` (the file holds joblib arrays, or its raw bytes are
  compressed) that reading is walked too, and any global it reaches counts;
- ``.npy`` (a header, then raw data or, for object arrays, a pickle) and ``.npz`` (a zip of
  ``.npy``);
- ``.skops``: skops' own listing of the types it does not trust by default, checked against
  the allowlist.
"""

from __future__ import annotations

import ast
import dataclasses
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgates.gates.security._streams import DECOMPRESS_ERRORS, ByteSource, compression_of
from mlgates.gates.security._walk import Problem, Use, walk

if TYPE_CHECKING:
    from mlgates.gates.security.allowlist import Allowlist

__all__ = ["ARTIFACT_SUFFIXES", "ArtifactReport", "Seen", "is_artifact", "scan_artifact"]

#: File suffixes treated as model artifacts when a folder is scanned.
ARTIFACT_SUFFIXES = (".pkl", ".pickle", ".joblib", ".jbl", ".sav", ".npy", ".npz", ".skops")
_COMPRESSED_PICKLE_SUFFIXES = (".gz", ".z", ".bz2", ".xz", ".lzma")
_ZIP_ERRORS: tuple[type[BaseException], ...] = (zipfile.BadZipFile, *DECOMPRESS_ERRORS)


@dataclasses.dataclass(frozen=True, slots=True)
class Seen:
    """A global found in one reading of the file."""

    use: Use
    reading: str


@dataclasses.dataclass(frozen=True, slots=True)
class ArtifactReport:
    """What the scan of one file found."""

    path: str
    format: str
    method: str
    seen: tuple[Seen, ...] = ()
    problems: tuple[Problem, ...] = ()
    n_arrays: int = 0
    size: int = 0
    n_bytes: int = 0

    @property
    def uses(self) -> tuple[Use, ...]:
        return tuple(s.use for s in self.seen)

    @property
    def disallowed(self) -> tuple[Seen, ...]:
        return tuple(s for s in self.seen if not s.use.allowed)

    @property
    def clean(self) -> bool:
        return not self.problems and not self.disallowed


def is_artifact(path: Path) -> bool:
    """Whether a file found in a folder is scanned as an artifact: a known suffix, or the
    header of a pickle of protocol 2 or later."""
    name = path.name.lower()
    if name.endswith(ARTIFACT_SUFFIXES) or any(
        name.endswith(s + c) for s in (".pkl", ".pickle", ".joblib") for c in _COMPRESSED_PICKLE_SUFFIXES
    ):
        return True
    try:
        with open(path, "rb") as fh:
            head = fh.read(2)
    except OSError:
        return False
    return len(head) == 2 and head[0] == 0x80 and 2 <= head[1] <= 5


def scan_artifact(
    path: Path, allow: Allowlist, *, max_decompressed_bytes: int, verify: bool = False
) -> ArtifactReport:
    """Scan ``path``; never executes anything from it (unless ``verify``, which loads a clean
    file with the restricted unpickler)."""
    size = path.stat().st_size
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(b"\x93NUMPY"):
        return _scan_npy_file(path, allow, size, max_decompressed_bytes)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _scan_zip(path, allow, size, max_decompressed_bytes)
    report = _scan_pickle(path, head, allow, size, max_decompressed_bytes)
    if verify and report.clean and report.format != "unknown":
        report = _verify(path, allow, report, max_decompressed_bytes)
    return report


# -- pickles --------------------------------------------------------------------------------
def _scan_pickle(path: Path, head: bytes, allow: Allowlist, size: int, cap: int) -> ArtifactReport:
    from mlgates.gates.security._opcodes import _BY_CODE

    compression = compression_of(head)
    if compression in ("compat", "lz4"):
        what = "joblib's pre-0.10 format" if compression == "compat" else "lz4 compression"
        return ArtifactReport(
            str(path),
            f"joblib/{compression}",
            "static_walk",
            problems=(Problem("unsupported_compression", 0, f"{what} is not supported by the scan"),),
            size=size,
        )
    if compression is None and (not head or head[0] not in _BY_CODE):
        return ArtifactReport(str(path), "unknown", "none", size=size)
    fmt = "pickle" if compression is None else f"joblib/{compression}"
    seen: list[Seen] = []
    primary_reading = "joblib.load" if compression else "joblib.load / pickle.load"
    with open(path, "rb") as fh:
        src = ByteSource(fh, compression=compression, max_bytes=cap)
        primary = walk(src, allow.judge, joblib=True, primary=True)
        n_bytes = src.pos
    seen += [Seen(u, primary_reading) for u in primary.uses]
    if primary.n_arrays:
        fmt = "joblib" if compression is None else fmt
        primary_reading = "joblib.load"
        seen = [Seen(s.use, primary_reading) for s in seen]
        with open(path, "rb") as fh:  # pickle.load on the same (decompressed) bytes
            other = walk(
                ByteSource(fh, compression=compression, max_bytes=cap),
                allow.judge,
                joblib=False,
                primary=False,
                c_loader=True,
            )
        label = "pickle.load" if compression is None else f"pickle.load after {compression} decompression"
        seen += _new(seen, other.uses, label)
        primary.problems.extend(other.problems)
    if compression is not None and head[0] in _BY_CODE:
        with open(path, "rb") as fh:  # pickle.load on the compressed bytes themselves
            raw = walk(ByteSource(fh, max_bytes=cap), allow.judge, joblib=False, primary=False, c_loader=True)
        seen += _new(seen, raw.uses, "pickle.load of the raw (compressed) bytes")
        primary.problems.extend(raw.problems)
    return ArtifactReport(
        str(path),
        fmt,
        "static_walk",
        seen=tuple(seen),
        problems=tuple(primary.problems),
        n_arrays=primary.n_arrays,
        size=size,
        n_bytes=n_bytes,
    )


def _new(seen: list[Seen], uses: list[Use], reading: str) -> list[Seen]:
    known = {(s.use.module, s.use.name, s.use.offset) for s in seen}
    return [Seen(u, reading) for u in uses if (u.module, u.name, u.offset) not in known]


def _verify(path: Path, allow: Allowlist, report: ArtifactReport, cap: int) -> ArtifactReport:
    """Load a statically clean file with the restricted unpickler (allowlisted code only)."""
    from mlgates.gates.security.safe import UnsafeArtifactError, _restricted_load

    problems: tuple[Problem, ...] = ()
    try:
        _restricted_load(path, allow, max_decompressed_bytes=cap)
    except UnsafeArtifactError as exc:
        problems = (Problem("restricted_unpickler_refused", 0, str(exc)),)
    except Exception as exc:  # noqa: BLE001 - any failure to load is reported, not raised
        problems = (Problem("load_failed", 0, f"{type(exc).__name__}: {exc}"[:300]),)
    return dataclasses.replace(report, method="static_walk+restricted_unpickler", problems=problems)


# -- numpy ----------------------------------------------------------------------------------
def _npy(src: ByteSource, allow: Allowlist, label: str) -> tuple[list[Seen], list[Problem], int]:
    """Scan one .npy stream: the header is a Python literal (read with ast.literal_eval, as
    numpy does); object arrays are followed by a pickle."""
    import numpy as np
    from numpy.lib import format as npformat

    problems: list[Problem] = []
    head = src.read(8)
    major = head[6] if len(head) > 6 else 0
    width = 2 if major == 1 else 4
    raw_len = src.read(width)
    if len(head) < 8 or len(raw_len) < width or major not in (1, 2, 3):
        return [], [Problem("parse_error", 0, f"{label}: not a valid .npy header")], 0
    n = int.from_bytes(raw_len, "little")
    text = src.read(n)
    try:
        header = ast.literal_eval(text.decode("latin-1" if major < 3 else "utf-8"))
        dtype = npformat.descr_to_dtype(header["descr"])
        shape = tuple(int(d) for d in header["shape"])
    except (ValueError, SyntaxError, KeyError, TypeError, UnicodeDecodeError) as exc:
        return [], [Problem("parse_error", 8, f"{label}: unreadable .npy header ({exc})")], 0
    if dtype.hasobject:
        result = walk(src, allow.judge, joblib=False, primary=True)
        return [Seen(u, f"numpy.load(allow_pickle=True) of {label}") for u in result.uses], result.problems, 1
    expected = int(np.prod(shape, dtype=object)) * dtype.itemsize
    got = src.skip(expected)
    if got < expected:
        problems.append(
            Problem("truncated", src.pos, f"{label}: {expected:,} data bytes expected, {got:,} found")
        )
    elif not src.at_end():
        problems.append(Problem("trailing_bytes", src.pos, f"{label}: bytes follow the array data"))
    return [], problems, 1


def _scan_npy_file(path: Path, allow: Allowlist, size: int, cap: int) -> ArtifactReport:
    from mlgates.gates.security._streams import LimitExceeded

    with open(path, "rb") as fh:
        src = ByteSource(fh, max_bytes=cap)
        try:
            seen, problems, n = _npy(src, allow, path.name)
        except LimitExceeded:
            seen, problems, n = (
                [],
                [Problem("decompressed_bytes_exceeded", src.pos, "file exceeds the cap")],
                0,
            )
    method = "static_walk" if seen or any(p.code != "parse_error" for p in problems) else "npy_header"
    return ArtifactReport(str(path), "npy", method, tuple(seen), tuple(problems), n, size, src.pos)


def _scan_zip(path: Path, allow: Allowlist, size: int, cap: int) -> ArtifactReport:
    from mlgates.gates.security._streams import LimitExceeded

    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        return ArtifactReport(
            str(path), "zip", "none", problems=(Problem("parse_error", 0, str(exc)),), size=size
        )
    with zf:
        names = zf.namelist()
        if "schema.json" in names or path.name.lower().endswith(".skops"):
            return _scan_skops(path, allow, size)
        if not (path.name.lower().endswith(".npz") or (names and all(n.endswith(".npy") for n in names))):
            return ArtifactReport(str(path), "zip", "none", size=size)
        seen: list[Seen] = []
        problems: list[Problem] = []
        n_arrays = 0
        budget = cap
        for name in names:
            with zf.open(name) as member:
                src = ByteSource(member, max_bytes=budget)  # type: ignore[arg-type]
                try:
                    if src.peek(6) != b"\x93NUMPY":
                        continue  # numpy.load returns such members as bytes
                    s, p, n = _npy(src, allow, name)
                except LimitExceeded:
                    problems.append(
                        Problem("decompressed_bytes_exceeded", src.pos, f"{name}: exceeds the cap")
                    )
                    break
                except _ZIP_ERRORS as exc:
                    problems.append(Problem("parse_error", src.pos, f"{name}: {exc}"))
                    continue
                seen += s
                problems += p
                n_arrays += n
                budget -= src.pos
    return ArtifactReport(
        str(path), "npz", "static_walk", tuple(seen), tuple(problems), n_arrays, size, cap - budget
    )


def _scan_skops(path: Path, allow: Allowlist, size: int) -> ArtifactReport:
    try:
        import skops.io as sio
    except ImportError:
        return ArtifactReport(
            str(path),
            "skops",
            "none",
            problems=(
                Problem("missing_dependency", 0, "scanning .skops files needs skops: pip install skops"),
            ),
            size=size,
        )
    try:
        untrusted = sio.get_untrusted_types(file=path)
    except Exception as exc:  # noqa: BLE001 - skops raises many types on corrupt files
        return ArtifactReport(
            str(path),
            "skops",
            "skops_untrusted_types",
            problems=(Problem("parse_error", 0, str(exc)[:300]),),
            size=size,
        )
    seen = []
    for dotted in untrusted:
        module, name, why = _judge_dotted(allow, dotted)
        seen.append(Seen(Use(module, name, -1, why is None, why), "skops.io.load"))
    return ArtifactReport(str(path), "skops", "skops_untrusted_types", tuple(seen), size=size)


def _judge_dotted(allow: Allowlist, dotted: str) -> tuple[str, str, str | None]:
    """A skops type name ``a.b.C`` is allowed if any split into module and qualname is."""
    parts = dotted.split(".")
    first_why: Any = None
    for i in range(len(parts) - 1, 0, -1):
        module, name = ".".join(parts[:i]), ".".join(parts[i:])
        why = allow.judge(module, name)
        if why is None:
            return module, name, None
        first_why = first_why or (module, name, why)
    if first_why is None:
        return dotted, "", f"{dotted} is not a module-qualified name"
    return first_why  # type: ignore[no-any-return]

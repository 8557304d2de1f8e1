"""Byte sources for the artifact scanner: files and decompressed streams read sequentially,
with a cap on the bytes produced (a decompression bomb stops at the cap, it is never
materialized), and the format sniffing that joblib and numpy apply to a file's first bytes."""

from __future__ import annotations

import bz2
import lzma
import zlib
from collections.abc import Callable
from typing import Any, BinaryIO

__all__ = ["DECOMPRESS_ERRORS", "ByteSource", "LimitExceeded", "compression_of"]

_CHUNK = 1 << 20

#: Magic prefixes, in the order joblib's ``_detect_compressor`` tries them (after ``ZF``).
_MAGIC: tuple[tuple[str, bytes], ...] = (
    ("zlib", b"\x78"),
    ("gzip", b"\x1f\x8b"),
    ("bz2", b"BZ"),
    ("xz", b"\xfd\x37\x7a\x58\x5a"),
    ("lzma", b"\x5d\x00"),
    ("lz4", b"\x04\x22\x4d\x18"),
)


#: What a corrupt compressed stream raises while it is read.
DECOMPRESS_ERRORS: tuple[type[BaseException], ...] = (
    ValueError,
    EOFError,
    OSError,
    zlib.error,
    lzma.LZMAError,
)


class LimitExceeded(Exception):
    """More bytes were produced than the cap allows."""


def compression_of(head: bytes) -> str | None:
    """The compressor joblib would detect from a file's first bytes (``"compat"`` for the
    pre-0.10 ``ZF`` format), or None for an uncompressed stream."""
    if head.startswith(b"ZF"):
        return "compat"
    for name, magic in _MAGIC:
        if head.startswith(magic):
            return name
    return None


def _decompressor(kind: str) -> Any:
    if kind == "zlib":
        return zlib.decompressobj()
    if kind == "gzip":
        return zlib.decompressobj(wbits=31)
    if kind == "bz2":
        return bz2.BZ2Decompressor()
    if kind in ("xz", "lzma"):
        return lzma.LZMADecompressor()
    raise ValueError(f"no decompressor for {kind!r}")


class ByteSource:
    """Sequential reads over a binary file, optionally through a decompressor.

    ``pos`` counts the (decompressed) bytes consumed. Producing more than ``max_bytes``
    raises :class:`LimitExceeded`; so does a compressed stream that does not end properly
    (``ValueError`` with the decompressor's message). Concatenated compressed streams are
    read one after the other, as ``bz2``/``lzma``/``gzip`` readers do.
    """

    def __init__(self, raw: BinaryIO, *, compression: str | None = None, max_bytes: int | None = None):
        self._raw = raw
        self._kind = compression
        self._dec = _decompressor(compression) if compression else None
        self._max = max_bytes
        self._buf = bytearray()
        self._start = 0  # read offset into _buf
        self._pos = 0
        self._produced = 0
        self._eof = False

    @property
    def pos(self) -> int:
        """Bytes consumed so far."""
        return self._pos

    # -- filling --------------------------------------------------------------------------
    def _produce(self, data: bytes) -> None:
        if not data:
            return
        self._produced += len(data)
        if self._max is not None and self._produced > self._max:
            raise LimitExceeded(f"more than {self._max:,} bytes")
        if self._start > _CHUNK:
            del self._buf[: self._start]
            self._start = 0
        self._buf += data

    def _fill(self) -> bool:
        """Add at least one byte to the buffer; False at the end of the stream."""
        while not self._eof:
            before = len(self._buf) - self._start
            if self._dec is None:
                self._produce(self._raw.read(_CHUNK))
            else:
                self._step()
            if len(self._buf) - self._start > before:
                return True
            if self._dec is None:
                self._eof = True
        return False

    def _step(self) -> None:
        dec: Any = self._dec
        room = _CHUNK if self._max is None else max(1, min(_CHUNK, self._max - self._produced + 1))
        tail = getattr(dec, "unconsumed_tail", b"")
        if tail:
            self._produce(dec.decompress(tail, room))
            return
        if dec.eof:
            rest = dec.unused_data or self._raw.read(_CHUNK)
            if not rest:
                self._eof = True
                return
            self._dec = dec = _decompressor(self._kind or "")  # next concatenated stream
            self._produce(dec.decompress(rest, room))
            return
        needs_input = getattr(dec, "needs_input", True)
        data = self._raw.read(_CHUNK) if needs_input else b""
        if not data and needs_input:
            raise ValueError(f"{self._kind} stream ended before its end-of-stream marker")
        self._produce(dec.decompress(data, room))

    # -- reading --------------------------------------------------------------------------
    def read(self, n: int) -> bytes:
        """Up to ``n`` bytes (fewer only at the end of the stream)."""
        while len(self._buf) - self._start < n and self._fill():
            pass
        end = min(self._start + n, len(self._buf))
        out = bytes(self._buf[self._start : end])
        self._pos += end - self._start
        self._start = end
        return out

    def readline(self) -> bytes:
        """Bytes up to and including the next newline (or to the end of the stream)."""
        while True:
            i = self._buf.find(b"\n", self._start)
            if i >= 0:
                return self.read(i + 1 - self._start)
            if not self._fill():
                return self.read(len(self._buf) - self._start)

    def skip(self, n: int) -> int:
        """Consume ``n`` bytes without keeping them; returns how many there were."""
        done = 0
        while done < n:
            if len(self._buf) == self._start and not self._fill():
                break
            take = min(n - done, len(self._buf) - self._start)
            self._start += take
            self._pos += take
            done += take
        return done

    def at_end(self) -> bool:
        """Whether no byte is left."""
        return len(self._buf) == self._start and not self._fill()

    def peek(self, n: int) -> bytes:
        """The next ``n`` bytes without consuming them."""
        while len(self._buf) - self._start < n and self._fill():
            pass
        return bytes(self._buf[self._start : self._start + n])


def open_source(path: Any, *, compression: str | None, max_bytes: int | None) -> tuple[BinaryIO, ByteSource]:
    """Open ``path`` and wrap it; the caller closes the returned file."""
    fh: BinaryIO = open(path, "rb")  # noqa: SIM115 - closed by the caller
    return fh, ByteSource(fh, compression=compression, max_bytes=max_bytes)


ReaderFactory = Callable[[], ByteSource]

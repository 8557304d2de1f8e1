"""Pickle opcodes read one at a time from a :class:`ByteSource`.

The opcode table (codes, names, argument layouts) is the standard library's
:mod:`pickletools`. Arguments are decoded the way pickle's *loader* decodes them, not the way
``pickletools.genops`` prints them, where the two differ: ``GLOBAL``/``INST`` names are two
raw UTF-8 lines (``genops`` escape-decodes them as ASCII and joins them with a blank, which is
ambiguous), ``INT``/``LONG`` accept base prefixes as ``int(x, 0)`` does, and large string
and bytes arguments are skipped rather than held in memory (their value is never needed to
judge safety).
"""

from __future__ import annotations

import pickletools
import struct
from collections.abc import Iterator
from typing import Any

from mlgates.gates.security._streams import ByteSource

__all__ = ["LARGE", "Large", "Malformed", "ParseError", "read_ops"]

#: String and bytes arguments longer than this are skipped, not read into memory.
LARGE = 1 << 16

_BY_CODE: dict[int, pickletools.OpcodeInfo] = {op.code.encode("latin-1")[0]: op for op in pickletools.opcodes}


class ParseError(Exception):
    """The stream cannot be read as pickle opcodes (unknown opcode, truncated argument)."""

    def __init__(self, message: str, offset: int, *, truncated: bool = False) -> None:
        super().__init__(message)
        self.offset = offset
        self.truncated = truncated


class Large:
    """Placeholder for a skipped large str/bytes argument."""

    __slots__ = ("kind", "size")

    def __init__(self, kind: str, size: int) -> None:
        self.kind = kind
        self.size = size


class Malformed:
    """An ``INT``/``LONG``/``FLOAT`` text argument that Python's loader would reject."""

    __slots__ = ("text",)

    def __init__(self, text: bytes) -> None:
        self.text = text


def _exact(src: ByteSource, n: int, pos: int, what: str) -> bytes:
    data = src.read(n)
    if len(data) != n:
        raise ParseError(f"truncated {what}: {n} bytes expected, {len(data)} left", pos, truncated=True)
    return data


def _line(src: ByteSource, pos: int, what: str) -> bytes:
    data = src.readline()
    if not data.endswith(b"\n"):
        raise ParseError(f"truncated {what}: no newline before the end", pos, truncated=True)
    return data[:-1]


def _sized(src: ByteSource, n: int, pos: int, kind: str) -> Any:
    if n > LARGE:
        got = src.skip(n)
        if got != n:
            raise ParseError(f"truncated {kind}: {n} bytes expected, {got} left", pos, truncated=True)
        return Large(kind, n)
    data = _exact(src, n, pos, kind)
    if kind == "str":
        try:
            return data.decode("utf-8", "surrogatepass")
        except UnicodeDecodeError as exc:
            raise ParseError(f"invalid UTF-8 string: {exc.reason}", pos) from None
    if kind == "ascii":
        try:
            return data.decode("ascii")
        except UnicodeDecodeError:
            raise ParseError("non-ASCII byte in a str8 string", pos) from None
    return bytearray(data) if kind == "bytearray" else data


def _decode_long(data: bytes) -> int:
    """Two's complement, little-endian (pickle's LONG1/LONG4 layout)."""
    return int.from_bytes(data, "little", signed=True)


def _int_text(text: bytes, *, long: bool) -> Any:
    if long and text.endswith(b"L"):
        text = text[:-1]
    if not long and text in (b"00", b"01"):
        return text == b"01"
    try:
        return int(text, 0)
    except ValueError:
        return Malformed(text)


def _arg(name: str, src: ByteSource, pos: int) -> Any:
    if name in ("GLOBAL", "INST"):
        module, qualname = _line(src, pos, "module name"), _line(src, pos, "global name")
        try:
            return module.decode("utf-8"), qualname.decode("utf-8")
        except UnicodeDecodeError:
            raise ParseError("global name is not UTF-8", pos) from None
    if name in ("INT", "LONG"):
        return _int_text(_line(src, pos, name), long=name == "LONG")
    if name == "FLOAT":
        text = _line(src, pos, name)
        try:
            return float(text)
        except ValueError:
            return Malformed(text)
    if name in ("GET", "PUT"):
        text = _line(src, pos, name)
        try:
            return int(text)
        except ValueError:
            raise ParseError(f"{name} index {text[:20]!r} is not an integer", pos) from None
    if name == "PERSID":
        return _line(src, pos, name)
    if name in ("STRING", "UNICODE"):
        reader = pickletools.read_stringnl if name == "STRING" else pickletools.read_unicodestringnl
        try:
            return reader(src)  # type: ignore[arg-type]
        except ValueError as exc:
            raise ParseError(f"{name}: {exc}", pos, truncated="newline" in str(exc)) from None
    if name in ("BININT1", "BINGET", "BINPUT", "PROTO", "EXT1"):
        return _exact(src, 1, pos, name)[0]
    if name in ("BININT2", "EXT2"):
        return struct.unpack("<H", _exact(src, 2, pos, name))[0]
    if name in ("BININT", "EXT4"):
        return struct.unpack("<i", _exact(src, 4, pos, name))[0]
    if name in ("LONG_BINGET", "LONG_BINPUT"):
        return struct.unpack("<I", _exact(src, 4, pos, name))[0]
    if name == "FRAME":
        return struct.unpack("<Q", _exact(src, 8, pos, name))[0]
    if name == "BINFLOAT":
        return struct.unpack(">d", _exact(src, 8, pos, name))[0]
    if name == "LONG1":
        n = _exact(src, 1, pos, name)[0]
        return _decode_long(_exact(src, n, pos, name))
    if name == "LONG4":
        n = struct.unpack("<i", _exact(src, 4, pos, name))[0]
        if n < 0:
            raise ParseError("LONG4 byte count < 0", pos)
        if n > LARGE:
            return _sized(src, n, pos, "bytes")  # a huge integer's value is never needed
        return _decode_long(_exact(src, n, pos, name))
    sized = {
        "SHORT_BINSTRING": (1, "<B", "ascii"),
        "BINSTRING": (4, "<i", "ascii"),
        "SHORT_BINBYTES": (1, "<B", "bytes"),
        "BINBYTES": (4, "<I", "bytes"),
        "BINBYTES8": (8, "<Q", "bytes"),
        "BYTEARRAY8": (8, "<Q", "bytearray"),
        "SHORT_BINUNICODE": (1, "<B", "str"),
        "BINUNICODE": (4, "<I", "str"),
        "BINUNICODE8": (8, "<Q", "str"),
    }.get(name)
    if sized is not None:
        width, fmt, kind = sized
        n = struct.unpack(fmt, _exact(src, width, pos, name))[0]
        if n < 0:
            raise ParseError(f"{name} length < 0", pos)
        return _sized(src, n, pos, kind)
    raise ParseError(f"no argument reader for {name}", pos)  # pragma: no cover - table is complete


def read_ops(src: ByteSource) -> Iterator[tuple[str, Any, int]]:
    """Yield ``(opcode name, argument, offset)`` up to and including ``STOP``.

    Reading is lazy: the caller may consume bytes from ``src`` between two opcodes (joblib's
    inline array buffers). Raises :class:`ParseError` on an unknown opcode or a truncated
    argument, and at the end of the stream before ``STOP``.
    """
    while True:
        pos = src.pos
        code = src.read(1)
        if not code:
            raise ParseError("the stream ended before a STOP opcode", pos, truncated=True)
        op = _BY_CODE.get(code[0])
        if op is None:
            raise ParseError(f"unknown opcode {code!r}", pos)
        arg = None if op.arg is None else _arg(op.name, src, pos)
        yield op.name, arg, pos
        if op.name == "STOP":
            return

"""Fixtures for the security tests, all built in memory: models, a harmless sentinel payload,
and helpers to assemble pickle opcode streams by hand."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pandas as pd


def write_marker(path: str) -> int:
    """The sentinel a payload calls: it writes a marker file, so a test can tell whether
    loading ran it."""
    Path(path).write_text("payload ran", encoding="utf-8")
    return 0


class Holder:
    """A class whose attribute reaches the sentinel (for dotted-name tests)."""

    run = staticmethod(write_marker)


class Payload:
    """Pickles as a call to the sentinel."""

    def __init__(self, marker: Path) -> None:
        self.marker = str(marker)

    def __reduce__(self):
        return (write_marker, (self.marker,))


def pipeline():
    """A fitted scikit-learn pipeline with numeric and categorical columns."""
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    rng = np.random.default_rng(0)
    x = pd.DataFrame({"a": rng.normal(size=80), "b": rng.normal(size=80), "c": rng.choice(["u", "v"], 80)})
    y = (x["a"] + (x["c"] == "u") > 0.5).astype(int)
    prep = ColumnTransformer([("n", StandardScaler(), ["a", "b"]), ("c", OneHotEncoder(), ["c"])])
    return make_pipeline(prep, LogisticRegression()).fit(x, y), x


# -- hand-assembled opcodes -----------------------------------------------------------------
def sbu(text: str) -> bytes:
    """SHORT_BINUNICODE."""
    data = text.encode()
    return b"\x8c" + bytes([len(data)]) + data


def glob(module: str, name: str) -> bytes:
    """GLOBAL (protocol 0 form)."""
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def binput(i: int) -> bytes:
    return b"q" + bytes([i])


def binget(i: int) -> bytes:
    return b"h" + bytes([i])


def binbytes8(n: int) -> bytes:
    return b"\x8e" + struct.pack("<Q", n)


PROTO4 = b"\x80\x04"
PROTO2 = b"\x80\x02"
MEMOIZE = b"\x94"
STACK_GLOBAL = b"\x93"
TUPLE1 = b"\x85"
REDUCE = b"R"
STOP = b"."
POP = b"0"

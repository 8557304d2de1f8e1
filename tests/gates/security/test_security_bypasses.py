"""Hand-assembled opcode streams for each known way past a pickle scanner; a decompression
bomb; random bytes. Every payload targets the sentinel and must FAIL without running."""

from __future__ import annotations

import io
import pickle
import zlib
from pathlib import Path

import joblib
import numpy as np
import pytest
from _security_helpers import (
    MEMOIZE,
    POP,
    PROTO2,
    PROTO4,
    REDUCE,
    STACK_GLOBAL,
    STOP,
    TUPLE1,
    Holder,
    Payload,
    binget,
    binput,
    glob,
    sbu,
)
from hypothesis import given
from hypothesis import strategies as st

from mlgates import Allowlist, ArtifactSafetyGate, Status, UnsafeArtifactError, safe_load

HELPERS = "_security_helpers"


def call_sentinel(marker: Path) -> bytes:
    """``(marker,) REDUCE STOP`` after a callable on the stack."""
    return sbu(str(marker)) + TUPLE1 + REDUCE + STOP


def judge(tmp_path, data: bytes, allow="sklearn", name="payload.pkl"):
    path = tmp_path / name
    path.write_bytes(data)
    verdict = ArtifactSafetyGate(allow=allow).check(artifacts=path)
    with pytest.raises(UnsafeArtifactError):
        safe_load(path, allow=allow)
    return verdict


def whys(verdict) -> set[str]:
    return {f.details.get("why") for f in verdict.findings if f.reason == "unverifiable"}


def globals_named(verdict) -> set[str]:
    return {
        f"{f.details['module']}.{f.details['qualname']}" for f in verdict.findings if "qualname" in f.details
    }


def test_the_hand_assembled_payload_is_live(tmp_path):
    """Control: the streams below really run the sentinel under pickle.loads."""
    flag = tmp_path / "MARKER"
    pickle.loads(PROTO4 + sbu(HELPERS) + sbu("write_marker") + STACK_GLOBAL + call_sentinel(flag))
    assert flag.exists()


def test_inst(tmp_path, marker):
    data = b"(S'" + str(marker).encode() + b"'\ni" + HELPERS.encode() + b"\nwrite_marker\n."
    verdict = judge(tmp_path, data)
    assert verdict.reason == "disallowed_global" and f"{HELPERS}.write_marker" in globals_named(verdict)


def test_memo_confusion(tmp_path, marker):
    """Slots 0 and 1 first hold an allowed pair, then are overwritten: only the values in the
    memo when STACK_GLOBAL runs count."""
    data = (
        PROTO4
        + sbu("collections") + MEMOIZE + POP + sbu("OrderedDict") + MEMOIZE + POP  # slots 0, 1
        + sbu(HELPERS) + binput(0) + POP + sbu("write_marker") + binput(1) + POP  # overwritten
        + binget(0) + binget(1) + STACK_GLOBAL + call_sentinel(marker)
    )  # fmt: skip
    verdict = judge(tmp_path, data)
    assert globals_named(verdict) == {f"{HELPERS}.write_marker"}


def test_memoize_numbers_slots_by_count_not_by_last_put(tmp_path, marker):
    """MEMOIZE stores at len(memo): after PUT 7, the next MEMOIZE is slot 1, not 8."""
    data = (
        PROTO4
        + sbu("collections") + binput(7) + POP
        + sbu(HELPERS) + MEMOIZE + POP  # slot 1
        + sbu("OrderedDict") + binput(8) + POP
        + sbu("write_marker") + binput(2) + POP
        + binget(1) + binget(2) + STACK_GLOBAL + call_sentinel(marker)
    )  # fmt: skip
    assert globals_named(judge(tmp_path, data)) == {f"{HELPERS}.write_marker"}


def test_dotted_name_is_not_admitted_by_its_prefix(tmp_path, marker):
    allow = Allowlist([f"{HELPERS}:Holder"]) | Allowlist.preset("python")
    data = PROTO4 + sbu(HELPERS) + sbu("Holder.run") + STACK_GLOBAL + call_sentinel(marker)
    verdict = judge(tmp_path, data, allow=allow)
    assert verdict.status is Status.FAIL
    assert "dotted name" in verdict.findings[0].message
    assert Holder.run is not None  # the attribute path really reaches the sentinel
    numpy_sys = judge(tmp_path, PROTO4 + sbu("numpy") + sbu("sys.modules") + STACK_GLOBAL + STOP)
    assert "numpy.sys.modules" in globals_named(numpy_sys)


def test_importlib_import_module_then_getattr(tmp_path, marker):
    data = (
        PROTO2
        + glob("builtins", "getattr")
        + glob("importlib", "import_module") + sbu(HELPERS) + TUPLE1 + REDUCE
        + sbu("write_marker") + b"\x86" + REDUCE  # getattr(module, "write_marker")
        + call_sentinel(marker)
    )  # fmt: skip
    verdict = judge(tmp_path, data)
    assert globals_named(verdict) == {"builtins.getattr", "importlib.import_module"}


def test_getattr_on_an_allowed_class(tmp_path, marker):
    data = PROTO2 + glob("builtins", "getattr") + glob("collections", "OrderedDict") + sbu("fromkeys")
    data += b"\x86" + REDUCE + b"]" + TUPLE1 + REDUCE + STOP
    assert globals_named(judge(tmp_path, data)) == {"builtins.getattr"}


def test_python2_names_are_mapped_like_the_loader_maps_them(tmp_path, marker):
    """Protocol < 3 maps __builtin__ to builtins: __builtin__.eval is builtins.eval."""
    data = glob("__builtin__", "eval") + b"(S'1'\ntR."
    assert globals_named(judge(tmp_path, data)) == {"builtins.eval"}


def test_non_string_stack_global(tmp_path):
    data = PROTO4 + b"K\x05" + sbu("x") + STACK_GLOBAL + STOP
    verdict = judge(tmp_path, data)
    assert verdict.reason == "unverifiable" and "non_string_operand" in whys(verdict)


def test_string_built_at_load_time_is_unresolvable(tmp_path, marker):
    """_codecs.encode is on the allowlist (protocol 2 needs it); with rot13 it returns the
    module name at load time. A scanner reading literals only would see no global at all."""

    def stream(target: Path) -> bytes:
        rot13 = "_frphevgl_urycref"  # _security_helpers
        return (
            PROTO4
            + glob("_codecs", "encode") + sbu(rot13) + sbu("rot13") + b"\x86" + REDUCE
            + sbu("write_marker") + STACK_GLOBAL + call_sentinel(target)
        )  # fmt: skip

    verdict = judge(tmp_path, stream(marker))
    assert verdict.status is Status.FAIL and "unresolvable_operand" in whys(verdict)
    flag = tmp_path / "CONTROL"  # control: the stream is live
    pickle.loads(stream(flag))
    assert flag.exists()


@pytest.mark.parametrize("cut", [1, 7, 40])
def test_truncated(tmp_path, cut):
    data = pickle.dumps({"a": list(range(20)), "b": "text"}, protocol=4)
    verdict = judge(tmp_path, data[:-cut])
    assert verdict.reason == "unverifiable" and whys(verdict) & {"truncated", "parse_error"}


def test_concatenated_pickles(tmp_path, marker):
    """pickle.load returns the benign first object; a second load would run the payload."""
    verdict = judge(tmp_path, pickle.dumps([1, 2]) + pickle.dumps(Payload(marker)))
    assert "multiple_pickles" in whys(verdict)


def test_trailing_bytes(tmp_path):
    assert "trailing_bytes" in whys(judge(tmp_path, pickle.dumps([1, 2]) + b"junk"))


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (PROTO2 + b"\x82\x01" + STOP, "extension_code"),
        (PROTO2 + b"Pid\n" + STOP, "persistent_id"),
        (b"\x80\x05\x97" + STOP, "out_of_band_buffer"),
        (PROTO2 + binget(3) + STOP, "memo_missing"),
        (PROTO2 + b"\x01" + STOP, "parse_error"),
    ],
)
def test_loader_specific_or_broken_streams(tmp_path, data, why):
    assert why in whys(judge(tmp_path, data))


def test_joblib_polyglot_is_read_both_ways(tmp_path, marker):
    """An array whose bytes are pickle opcodes: joblib.load reads them as array data (clean),
    pickle.load reads them as opcodes and calls the sentinel. The scan walks both readings."""

    class NoTell:  # a file object without tell(): joblib writes no alignment padding
        def __init__(self, fh):
            self.fh = fh

        def write(self, b):
            return self.fh.write(b)

        def tell(self):
            raise io.UnsupportedOperation("no tell")

    hidden = glob(HELPERS, "write_marker") + b"(" + b"S'" + str(marker).encode() + b"'\ntR."
    path = tmp_path / "model.joblib"
    with open(path, "wb") as fh:
        joblib.dump({"w": np.frombuffer(hidden, dtype=np.uint8)}, NoTell(fh), protocol=2)
    assert joblib.load(path)["w"].tobytes() == hidden  # a genuine joblib file
    verdict = ArtifactSafetyGate().check(artifacts=path)
    assert verdict.status is Status.FAIL
    bad = [f for f in verdict.findings if f.reason == "disallowed_global"]
    assert bad and bad[0].details["reading"] == "pickle.load" and bad[0].details["qualname"] == "write_marker"
    with pytest.raises(UnsafeArtifactError):
        safe_load(path)


def test_joblib_wrapper_class_used_otherwise_is_unverifiable(tmp_path):
    data = PROTO2 + glob("builtins", "list") + b"(" + glob("joblib.numpy_pickle", "NumpyArrayWrapper")
    data += b"t" + REDUCE + STOP  # list((NumpyArrayWrapper,))
    assert "wrapper_misuse" in whys(judge(tmp_path, data))


def test_decompression_bomb_stops_at_the_cap(tmp_path):
    """1 GiB of zeros, gzip-compressed (1,024 concatenated members, built from one 1 MiB
    member, so the test never holds the gigabyte), behind a pickle header that claims it."""
    mib = 1 << 20
    head = PROTO4 + b"\x8e" + (1 << 30).to_bytes(8, "little")
    first = zlib.compressobj(9, zlib.DEFLATED, 31)
    member = first.compress(head + bytes(mib - len(head))) + first.flush()
    rest = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = rest.compress(bytes(mib)) + rest.flush()
    path = tmp_path / "bomb.joblib"
    with open(path, "wb") as fh:
        fh.write(member)
        for _ in range(1023):
            fh.write(zeros)
    assert path.stat().st_size < 2 * mib
    verdict = ArtifactSafetyGate(max_decompressed_bytes=8 * mib).check(artifacts=path)
    assert verdict.status is Status.FAIL and verdict.reason == "unverifiable"
    assert whys(verdict) == {"decompressed_bytes_exceeded"}
    with pytest.raises(UnsafeArtifactError, match="decompressed_bytes_exceeded"):
        safe_load(path, max_decompressed_bytes=8 * mib)


@pytest.mark.slow
def test_single_stream_bomb(tmp_path):
    """One deflate stream of 1 GiB zeros (compressed in 1 MiB chunks, never materialized)."""
    comp = zlib.compressobj(1, zlib.DEFLATED, 15)
    path = tmp_path / "bomb.z"
    with open(path, "wb") as fh:
        fh.write(comp.compress(PROTO4 + b"\x8e" + (1 << 30).to_bytes(8, "little")))
        chunk = bytes(1 << 20)
        for _ in range(1024):
            fh.write(comp.compress(chunk))
        fh.write(comp.flush())
    verdict = ArtifactSafetyGate(max_decompressed_bytes=1 << 24).check(artifacts=path)
    assert verdict.reason == "unverifiable" and whys(verdict) == {"decompressed_bytes_exceeded"}


def _loads_within_the_allowlist(data: bytes) -> bool:
    """Oracle: Python's own unpickler, refusing globals off the 'python' preset, never refuses
    one, never runs out of data, and when it finishes it has read every byte. (An allowlisted
    callable may still raise on odd arguments: that runs no code outside the allowlist.)"""
    from mlgates.gates.security.safe import _plain_unpickler

    buf = io.BytesIO(data)
    try:
        _plain_unpickler(Allowlist.preset("python"), buf).load()
    except (UnsafeArtifactError, EOFError):
        return False
    except Exception:
        return True
    return buf.tell() == len(data)


@given(st.binary(max_size=200))
def test_random_bytes_never_pass_unless_the_loader_agrees(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("rnd") / "x.pkl"
    path.write_bytes(data)
    verdict = ArtifactSafetyGate(allow="python").check(artifacts=path)
    if verdict.status is Status.PASS:
        assert _loads_within_the_allowlist(data), data


@given(st.binary(min_size=1, max_size=100), st.integers(0, 10_000))
def test_mutated_pickles_never_pass_when_broken(tmp_path_factory, noise, where):
    base = pickle.dumps({"k": [1, 2.5, "x", None, (3, 4)], "s": {1, 2}, "b": b"xy" * 40}, protocol=where % 6)
    i = where % len(base)
    data = base[:i] + noise + base[i + len(noise) :]
    path = tmp_path_factory.mktemp("mut") / "x.pkl"
    path.write_bytes(data)
    verdict = ArtifactSafetyGate(allow="python").check(artifacts=path)
    if verdict.status is Status.PASS:
        assert _loads_within_the_allowlist(data), data

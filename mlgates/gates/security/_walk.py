"""The static walk: a symbolic pickle machine that executes nothing.

It keeps pickle's stack, mark stack and memo with symbolic values (literals stay literals;
a global is a :class:`GlobalRef`; a call is a :class:`Call`), so that ``STACK_GLOBAL``
operands are resolved exactly as the loader would resolve them, through the memo
(``PUT``/``BINPUT``/``LONG_BINPUT``/``MEMOIZE`` and the ``GET`` family), and every global the
loader would import is checked against the allowlist. In ``joblib`` mode a ``BUILD`` on a
``joblib.numpy_pickle.NumpyArrayWrapper`` is followed, as joblib's ``NumpyUnpickler`` does, by
the raw array bytes (skipped, their length computed from the wrapper's shape and dtype) or,
for object arrays, by a nested pickle, walked in turn.

Everything that the loader would import, but that the walk cannot resolve to a name on the
allowlist, is a finding. Conditions under which the loader would stop with an error stop the
walk; in the primary interpretation of a file they make it unverifiable.
"""

from __future__ import annotations

import _compat_pickle
import dataclasses
from collections.abc import Callable
from typing import Any

from mlgates.gates.security._opcodes import Malformed, ParseError, read_ops
from mlgates.gates.security._streams import DECOMPRESS_ERRORS, ByteSource, LimitExceeded
from mlgates.gates.security._values import (
    NAW,
    Call,
    GlobalRef,
    _describe,
    _Dict,
    _importable,
    _is_literal,
    _is_naw_class,
    _is_reconstructor,
    _materialize_dtype,
    _maybe_str,
    _naw_attributes,
    _naw_reconstruct_args,
    _Opaque,
    _show,
)

__all__ = ["NAW", "Problem", "Use", "WalkResult", "walk"]


#: joblib's array placeholder: allowed implicitly, as the joblib format needs it.
@dataclasses.dataclass(frozen=True, slots=True)
class Use:
    """One global the loader would import: its name, where, and the allowlist's answer."""

    module: str
    name: str
    offset: int
    allowed: bool
    why: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class Problem:
    """Why (part of) a stream cannot be verified: a stable ``code`` and a sentence."""

    code: str
    offset: int
    message: str


@dataclasses.dataclass(slots=True)
class WalkResult:
    """What one walk over one stream found."""

    uses: list[Use] = dataclasses.field(default_factory=list)
    problems: list[Problem] = dataclasses.field(default_factory=list)
    n_arrays: int = 0
    n_ops: int = 0
    stopped: bool = False  # the loader would have stopped with an error


class _Stop(Exception):
    def __init__(self, code: str, message: str, offset: int) -> None:
        super().__init__(message)
        self.code = code
        self.offset = offset


Judge = Callable[[str, str], "str | None"]  # (module, name) -> None if allowed, else why


class _Machine:
    def __init__(
        self, src: ByteSource, judge: Judge, *, joblib: bool, result: WalkResult, c_loader: bool = False
    ) -> None:
        self.src = src
        self.judge = judge
        self.joblib = joblib
        self.c_loader = c_loader  # a secondary reading by pickle.load (C): stricter about argument tuples
        self.out = result
        self.stack: list[Any] = []
        self.marks: list[list[Any]] = []
        self.memo: dict[int, Any] = {}
        self.proto = 0
        self.frame_end: int | None = None
        self.pos = 0
        self.naw_tuples: dict[int, tuple[Any, ...]] = {}

    # -- helpers --------------------------------------------------------------------------
    def stop(self, code: str, message: str) -> _Stop:
        return _Stop(code, message, self.pos)

    def problem(self, code: str, message: str) -> None:
        self.out.problems.append(Problem(code, self.pos, message))

    def pop(self) -> Any:
        if not self.stack:
            raise self.stop("stack_underflow", "an opcode pops from an empty stack")
        return self.stack.pop()

    def top(self) -> Any:
        if not self.stack:
            raise self.stop("stack_underflow", "an opcode reads an empty stack")
        return self.stack[-1]

    def pop_mark(self) -> list[Any]:
        if not self.marks:
            raise self.stop("mark_missing", "an opcode needs a MARK that is not there")
        items = self.stack
        self.stack = self.marks.pop()
        return items

    def contain(self, values: Any) -> None:
        """Values placed into a container, an argument list or a state. The joblib array
        wrapper class may only be called, directly or as ``copyreg._reconstructor(wrapper,
        object, None)``: anything else could hide a wrapper from the walk."""
        if self.joblib and any(_is_naw_class(v) or id(v) in self.naw_tuples for v in values):
            self.problem(
                "wrapper_misuse",
                "joblib's NumpyArrayWrapper class is used other than to build an array wrapper",
            )

    def make_tuple(self, items: list[Any]) -> tuple[Any, ...]:
        value = tuple(items)
        if self.joblib and _naw_reconstruct_args(value):
            self.naw_tuples[id(value)] = value  # kept alive, so the id stays unique
        else:
            self.contain(items)
        return value

    def use_global(self, module: str, name: str) -> GlobalRef:
        if self.proto < 3:  # pickle's fix_imports: Python 2 names map to Python 3 ones
            if (module, name) in _compat_pickle.NAME_MAPPING:
                module, name = _compat_pickle.NAME_MAPPING[(module, name)]
            elif module in _compat_pickle.IMPORT_MAPPING:
                module = _compat_pickle.IMPORT_MAPPING[module]
        why = None if (module, name) == NAW else self.judge(module, name)
        if why is not None and self.c_loader and not _importable(module):
            # another loader's reading of bytes that are not opcodes for it (a joblib array,
            # memo slots of a nested pickle): importing a module that is not installed fails,
            # and the loader stops there
            raise self.stop("import_error", f"{module} is not importable here")
        self.out.uses.append(Use(module, name, self.pos, why is None, why))
        return GlobalRef(module, name)

    # -- the walk -------------------------------------------------------------------------
    def run(self) -> Any:
        for name, arg, pos in read_ops(self.src):
            self.pos = pos
            self.out.n_ops += 1
            if self.frame_end is not None:
                if pos >= self.frame_end:
                    self.frame_end = None  # the frame is over; large data is written unframed
                elif self.src.pos > self.frame_end:
                    self.problem("frame_overrun", "an opcode crosses the end of its pickle frame")
            if name == "STOP":
                if self.frame_end is not None and self.src.pos < self.frame_end:
                    self.problem("truncated", "the last pickle frame declares more bytes than it holds")
                return self.pop()
            self.step(name, arg)
        raise self.stop("parse_error", "no STOP opcode")  # pragma: no cover - read_ops ends at STOP

    def step(self, name: str, arg: Any) -> None:
        st = self.stack
        if name in _LITERAL:
            if isinstance(arg, Malformed):
                self.problem("malformed_number", f"{name} argument {arg.text[:20]!r} is not a number")
                arg = _Opaque("number")
            st.append(arg)
        elif name in _CONSTANT:
            st.append(_CONSTANT[name])
        elif name == "MARK":
            self.marks.append(st)
            self.stack = []
        elif name == "POP":
            if st:
                st.pop()
            else:
                self.pop_mark()
        elif name == "POP_MARK":
            self.pop_mark()
        elif name == "DUP":
            st.append(self.top())
        elif name in ("EMPTY_LIST", "EMPTY_SET"):
            st.append([])
        elif name == "EMPTY_TUPLE":
            st.append(())
        elif name == "EMPTY_DICT":
            st.append(_Dict())
        elif name in ("TUPLE1", "TUPLE2", "TUPLE3"):
            n = int(name[-1])
            if len(st) < n:
                raise self.stop("stack_underflow", f"{name} needs {n} items")
            items = st[-n:]
            del st[-n:]
            st.append(self.make_tuple(items))
        elif name in ("TUPLE", "LIST", "FROZENSET"):
            items = self.pop_mark()
            if name == "TUPLE":
                self.stack.append(self.make_tuple(items))
            else:
                self.contain(items)
                self.stack.append(list(items))
        elif name == "DICT":
            items = self.pop_mark()
            self.contain(items)
            self.stack.append(_Dict(list(zip(items[::2], items[1::2]))))
        elif name == "APPEND":
            value = self.pop()
            self.contain([value])
            target = self.top()
            if _is_literal(target) and not isinstance(target, list):
                raise self.stop("stack_error", "APPEND to a value that is not a list")
            if isinstance(target, list):
                target.append(value)
        elif name in ("APPENDS", "ADDITEMS"):
            items = self.pop_mark()
            self.contain(items)
            target = self.top()
            if isinstance(target, list):
                target.extend(items)
        elif name == "SETITEM":
            value, key = self.pop(), self.pop()
            self.contain([key, value])
            target = self.top()
            if _is_literal(target) and not isinstance(target, (_Dict, list)):
                raise self.stop("stack_error", "SETITEM on a value that is not a dict")
            if isinstance(target, _Dict):
                target.items.append((key, value))
        elif name == "SETITEMS":
            items = self.pop_mark()
            self.contain(items)
            target = self.top()
            if isinstance(target, _Dict):
                target.items.extend(zip(items[::2], items[1::2]))
        elif name in ("PUT", "BINPUT", "LONG_BINPUT"):
            if arg < 0:
                raise self.stop("parse_error", "negative PUT index")
            self.memo[arg] = self.top()
        elif name == "MEMOIZE":
            self.memo[len(self.memo)] = self.top()
        elif name in ("GET", "BINGET", "LONG_BINGET"):
            if arg not in self.memo:
                raise self.stop("memo_missing", f"{name} {arg} reads a memo slot that was never set")
            st.append(self.memo[arg])
        elif name in ("GLOBAL", "INST"):
            ref = self.use_global(*arg)
            if name == "GLOBAL":
                st.append(ref)
            else:
                args = self.pop_mark()
                self.contain(args)
                self.stack.append(self.call(ref, tuple(args), "inst"))
        elif name == "STACK_GLOBAL":
            qualname, module = self.pop(), self.pop()
            st = self.stack
            if isinstance(module, str) and isinstance(qualname, str):
                st.append(self.use_global(module, qualname))
            else:
                self.dynamic_global(module, qualname)
                st.append(_Opaque("unresolved global"))
        elif name in ("REDUCE", "NEWOBJ"):
            args, func = self.pop(), self.pop()
            self.callable_or_stop(name, func, args)
            self.stack.append(self.call(func, args, name.lower()))
        elif name == "NEWOBJ_EX":
            kwargs, args, cls = self.pop(), self.pop(), self.pop()
            self.callable_or_stop(name, cls, args)
            self.contain([kwargs])
            self.stack.append(self.call(cls, args, "newobj_ex"))
        elif name == "OBJ":
            items = self.pop_mark()
            if not items:
                raise self.stop("stack_underflow", "OBJ without a class")
            self.callable_or_stop(name, items[0], ())
            self.contain(items[1:])
            self.stack.append(self.call(items[0], tuple(items[1:]), "obj"))
        elif name == "BUILD":
            state = self.pop()
            inst = self.top()
            if _is_literal(inst) and state is not None and not (isinstance(state, _Dict) and not state.items):
                raise self.stop("stack_error", "BUILD sets the state of a literal value")
            if self.joblib and _naw_attributes(inst) is not None:
                self.stack[-1] = self.inline_array(inst, state)
            else:
                self.contain([state, inst])
                if isinstance(inst, Call):
                    inst.state = state
        elif name == "PROTO":
            if arg > 5:
                raise self.stop("parse_error", f"unsupported pickle protocol {arg}")
            self.proto = arg
        elif name == "FRAME":
            if self.frame_end is not None and self.src.pos < self.frame_end:
                self.problem("frame_overrun", "a pickle frame starts before the previous one ends")
            self.frame_end = self.src.pos + arg
        elif name in ("EXT1", "EXT2", "EXT4"):
            self.out.uses.append(
                Use(
                    "copyreg",
                    f"extension code {arg}",
                    self.pos,
                    False,
                    "extension codes name globals through a registry the scan cannot see",
                )
            )
            self.problem(
                "extension_code", f"{name} {arg} names a global through copyreg's extension registry"
            )
            st.append(_Opaque("extension"))
        elif name in ("PERSID", "BINPERSID"):
            raise self.stop("persistent_id", f"{name}: persistent ids are resolved by loader-specific code")
        elif name == "NEXT_BUFFER":
            raise self.stop("out_of_band_buffer", "NEXT_BUFFER needs out-of-band buffers")
        elif name == "READONLY_BUFFER":
            self.top()
        else:  # pragma: no cover - every opcode of protocols 0-5 is handled above
            raise self.stop("parse_error", f"unhandled opcode {name}")

    def dynamic_global(self, module: Any, qualname: Any) -> None:
        """STACK_GLOBAL whose operands are not both literal strings. Loaders accept exact
        ``str`` operands only: if an operand may be one at load time (the result of a call
        that can return a string), the global cannot be known, so it is a finding in every
        reading; if neither can be, the loader stops here, which is a finding in the primary
        reading (the brief: fail closed on non-string operands) and the end of a secondary one."""
        odd = [v for v in (module, qualname) if not isinstance(v, str)]
        what = " and ".join(sorted({_describe(v) for v in odd}))
        if any(_maybe_str(v) for v in odd):
            self.out.uses.append(
                Use(
                    _show(module),
                    _show(qualname),
                    self.pos,
                    False,
                    f"STACK_GLOBAL operands must be literal strings; got {what}",
                )
            )
            raise self.stop(
                "unresolvable_operand", f"STACK_GLOBAL with {what} operands cannot be resolved statically"
            )
        raise self.stop(
            "non_string_operand", f"STACK_GLOBAL with {what} operands (loaders refuse non-strings)"
        )

    def callable_or_stop(self, name: str, func: Any, args: Any) -> None:
        """Stop where every loader raises: calling a literal (an int, a string, a list ...),
        or passing arguments that are not a tuple (pickle.load) or not iterable (joblib)."""
        if _is_literal(func):
            raise self.stop("stack_error", f"{name} calls a value that is not callable")
        if not _is_literal(args):
            return
        if (self.c_loader or name != "REDUCE") and not isinstance(args, tuple):
            raise self.stop("stack_error", f"{name} arguments are not a tuple")
        if not isinstance(args, (tuple, list, _Dict, str, bytes, bytearray)):
            raise self.stop("stack_error", f"{name} arguments are not iterable")

    def call(self, func: Any, args: Any, how: str) -> Call:
        """A REDUCE/NEWOBJ/OBJ/INST result; checks where the wrapper class flows."""
        if not _is_naw_class(func):
            self.contain([func])
        if id(args) in self.naw_tuples:
            if not _is_reconstructor(func):
                self.contain([args])
        elif not isinstance(args, tuple):
            self.contain([args])
        return Call(func, args, how)

    # -- joblib ---------------------------------------------------------------------------
    def inline_array(self, inst: Call, state: Any) -> _Opaque:
        attrs = dict(_naw_attributes(inst) or {})
        if not isinstance(state, _Dict) or not all(isinstance(k, str) for k, _ in state.items):
            raise self.stop("unverifiable_array", "a joblib array wrapper's state is not a plain dict")
        attrs.update(dict(state.items))
        if self.frame_end is not None and self.src.pos < self.frame_end:
            raise self.stop("unverifiable_array", "joblib array data starts inside a pickle frame")
        self.frame_end = None
        dtype = _materialize_dtype(attrs.get("dtype"))
        if dtype is None:
            raise self.stop("unverifiable_array", "a joblib array wrapper's dtype cannot be read statically")
        shape = attrs.get("shape")
        if not isinstance(shape, (tuple, list)) or not all(
            isinstance(d, int) and not isinstance(d, bool) for d in shape
        ):
            raise self.stop("unverifiable_array", "a joblib array wrapper's shape is not a tuple of integers")
        self.out.n_arrays += 1
        if dtype.hasobject:  # a nested pickle, read by a fresh unpickler with the same find_class
            inner = _Machine(self.src, self.judge, joblib=False, result=self.out)
            inner.run()
            return _Opaque("object array")
        align = attrs.get("numpy_array_alignment_bytes")
        if align is not None:
            pad = self.src.read(1)
            self.src.skip(pad[0] if pad else 0)
        count = 1
        for d in shape:
            count *= d
        wrapped = (count + 2**63) % 2**64 - 2**63  # joblib multiplies int64s
        if wrapped < 0 or dtype.itemsize == 0:
            raise self.stop("unverifiable_array", "a joblib array has a negative size or a zero itemsize")
        size = wrapped * dtype.itemsize
        if self.src.skip(size) != size:
            raise _Stop("truncated", f"joblib array data truncated ({size:,} bytes expected)", self.src.pos)
        if wrapped != count:
            raise self.stop("unverifiable_array", "a joblib array's shape overflows")
        return _Opaque("array")


_LITERAL = frozenset(
    {
        "INT",
        "BININT",
        "BININT1",
        "BININT2",
        "LONG",
        "LONG1",
        "LONG4",
        "FLOAT",
        "BINFLOAT",
        "STRING",
        "BINSTRING",
        "SHORT_BINSTRING",
        "BINBYTES",
        "SHORT_BINBYTES",
        "BINBYTES8",
        "BYTEARRAY8",
        "UNICODE",
        "SHORT_BINUNICODE",
        "BINUNICODE",
        "BINUNICODE8",
    }
)
_CONSTANT = {"NONE": None, "NEWTRUE": True, "NEWFALSE": False}


def walk(src: ByteSource, judge: Judge, *, joblib: bool, primary: bool, c_loader: bool = False) -> WalkResult:
    """Walk one pickle stream from ``src``'s position.

    ``joblib`` follows joblib's inline arrays. In the ``primary`` interpretation (the one the
    loader of this file uses) the stream must end right after its STOP; anything that stops
    the walk is a problem. A secondary interpretation (the same bytes given to another
    loader) only contributes the globals it reaches before its loader would stop.
    """
    result = WalkResult()
    machine = _Machine(src, judge, joblib=joblib, result=result, c_loader=c_loader)
    try:
        machine.run()
    except ParseError as exc:
        result.stopped = True
        code = "truncated" if exc.truncated else "parse_error"
        result.problems.append(Problem(code, exc.offset, str(exc)))
    except _Stop as exc:
        result.stopped = True
        result.problems.append(Problem(exc.code, exc.offset, str(exc)))
    except LimitExceeded as exc:
        result.stopped = True
        result.problems.append(
            Problem("decompressed_bytes_exceeded", src.pos, f"decompressed data exceeds the cap ({exc})")
        )
    except DECOMPRESS_ERRORS as exc:  # a corrupt compressed stream
        result.stopped = True
        result.problems.append(Problem("corrupt_stream", src.pos, f"cannot decompress: {exc}"))
    else:
        if primary:
            _check_end(src, result)
    if not primary:
        # another loader's view: stopping is that loader's error, not ours to report
        result.problems = [p for p in result.problems if p.code in _ALWAYS]
    return result


#: Problems reported in every interpretation (they are about globals, not about parsing).
_ALWAYS = frozenset({"unresolvable_operand", "extension_code", "wrapper_misuse"})


def _check_end(src: ByteSource, result: WalkResult) -> None:
    try:
        if src.at_end():
            return
        offset = src.pos
        head = src.peek(2)
        several = len(head) == 2 and head[0] == 0x80 and head[1] <= 5
        if several:
            result.problems.append(
                Problem("multiple_pickles", offset, "a second pickle follows the first one's STOP")
            )
        else:
            result.problems.append(Problem("trailing_bytes", offset, "bytes follow the pickle's STOP opcode"))
    except LimitExceeded as exc:
        result.problems.append(
            Problem("decompressed_bytes_exceeded", src.pos, f"decompressed data exceeds the cap ({exc})")
        )
    except DECOMPRESS_ERRORS as exc:
        result.problems.append(Problem("corrupt_stream", src.pos, f"cannot decompress: {exc}"))

"""Symbolic values of the static walk, and what can be known about them without running
anything: literal strings, globals, call results, joblib's array wrapper and its dtype."""

from __future__ import annotations

from typing import Any

from mlgates.gates.security._opcodes import Large

#: joblib's array placeholder: allowed implicitly, as the joblib format needs it.
NAW = ("joblib.numpy_pickle", "NumpyArrayWrapper")
_RECONSTRUCTOR = ("copyreg", "_reconstructor")
_OBJECT = ("builtins", "object")
_DTYPE = ("numpy", "dtype")
_NAW_INIT = ("subclass", "shape", "order", "dtype", "allow_mmap", "numpy_array_alignment_bytes")
_BUFFER = 2**24  # joblib's BUFFER_SIZE for array reads
_NAW_DEFAULT_ALIGNMENT = 16


class GlobalRef:
    __slots__ = ("module", "name")

    def __init__(self, module: str, name: str) -> None:
        self.module = module
        self.name = name

    @property
    def pair(self) -> tuple[str, str]:
        return (self.module, self.name)


class Call:
    """The result of REDUCE/NEWOBJ/NEWOBJ_EX/OBJ/INST."""

    __slots__ = ("args", "func", "how", "state")

    def __init__(self, func: Any, args: Any, how: str) -> None:
        self.func = func
        self.args = args
        self.how = how
        self.state: Any = None


class _Opaque:
    """A value the walk does not model (sets, arrays, results it cannot know)."""

    __slots__ = ("what",)

    def __init__(self, what: str) -> None:
        self.what = what


class _Dict:
    __slots__ = ("items",)

    def __init__(self, items: list[tuple[Any, Any]] | None = None) -> None:
        self.items = items or []


def _is_naw_class(value: Any) -> bool:
    return isinstance(value, GlobalRef) and value.pair == NAW


def _importable(module: str) -> bool:
    """Whether the top-level package of ``module`` is installed (looked up, not imported)."""
    import importlib.util

    top = module.split(".")[0]
    if not top.isidentifier():
        return False
    try:
        return importlib.util.find_spec(top) is not None
    except (ImportError, ValueError):
        return True


def _is_reconstructor(func: Any) -> bool:
    return isinstance(func, GlobalRef) and func.pair == _RECONSTRUCTOR


def _naw_reconstruct_args(args: tuple[Any, ...]) -> bool:
    return (
        len(args) == 3
        and _is_naw_class(args[0])
        and isinstance(args[1], GlobalRef)
        and args[1].pair == _OBJECT
        and args[2] is None
    )


def _naw_attributes(inst: Any) -> dict[str, Any] | None:
    """The attributes a joblib array wrapper has before BUILD, or None if ``inst`` is not one."""
    if not isinstance(inst, Call):
        return None
    if _is_reconstructor(inst.func) and isinstance(inst.args, tuple) and _naw_reconstruct_args(inst.args):
        return {}
    if not _is_naw_class(inst.func):
        return None
    args = inst.args if isinstance(inst.args, tuple) else ()
    if inst.how in ("newobj", "newobj_ex") or (inst.how in ("obj", "inst") and not args):
        return {}
    attrs: dict[str, Any] = {"numpy_array_alignment_bytes": _NAW_DEFAULT_ALIGNMENT, "allow_mmap": False}
    attrs.update(zip(_NAW_INIT, args))
    return attrs


def _materialize_dtype(value: Any) -> Any:
    """A numpy dtype rebuilt from a symbolic ``numpy.dtype(name, align, copy)`` call and its
    BUILD state, when both are plain literals (as numpy writes them); None otherwise."""
    import re

    import numpy as np

    if not (isinstance(value, Call) and isinstance(value.func, GlobalRef) and value.func.pair == _DTYPE):
        return None
    args = value.args
    if not (isinstance(args, tuple) and len(args) == 3 and isinstance(args[0], str)):
        return None
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9]{0,5}", args[0]):
        return None
    try:
        dtype = np.dtype(args[0], bool(args[1]), bool(args[2]))
        if value.state is not None:
            dtype.__setstate__(_literal(value.state))  # type: ignore[attr-defined]
    except (TypeError, ValueError, _NotLiteral):
        return None
    return dtype


class _NotLiteral(Exception):
    pass


def _literal(value: Any) -> Any:
    if value is None or isinstance(value, (str, bytes, int, float)):
        return value
    if isinstance(value, tuple):
        return tuple(_literal(v) for v in value)
    if isinstance(value, list):
        return [_literal(v) for v in value]
    if isinstance(value, _Dict):
        return {_literal(k): _literal(v) for k, v in value.items}
    if isinstance(value, Call):
        dtype = _materialize_dtype(value)
        if dtype is not None:
            return dtype
    raise _NotLiteral


def _maybe_str(value: Any) -> bool:
    """Whether a non-literal-string stack value could be an exact ``str`` at load time."""
    if isinstance(value, (_Opaque, Large)):
        return True
    if _is_literal(value) or isinstance(value, GlobalRef):
        return False
    if isinstance(value, Call) and isinstance(value.func, GlobalRef):
        from mlgates.gates.security._presets import never_str

        return value.func.pair != NAW and value.func.pair not in never_str()
    return True


def _is_literal(value: Any) -> bool:
    """A value built from literal opcodes (never callable, never an object with state)."""
    return value is None or isinstance(value, (int, float, str, bytes, bytearray, tuple, list, _Dict, Large))


def _describe(value: Any) -> str:
    if isinstance(value, GlobalRef):
        return "a global"
    if isinstance(value, Call):
        return "a call result"
    if isinstance(value, (_Opaque, Large)):
        return "an unknown value"
    return f"a {type(value).__name__}"


def _show(value: Any) -> str:
    return value if isinstance(value, str) else f"<{_describe(value)}>"

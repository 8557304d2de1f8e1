"""What a record says it judged: the model, the data, the suite, the commit, who and where.

Everything here is a fingerprint or a count, never a value of the data.
"""

from __future__ import annotations

import datetime as _dt
import getpass
import hashlib
import json
import os
import socket
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgates.core._jsonable import to_plain
from mlgates.core.errors import ParameterError

if TYPE_CHECKING:
    from mlgates.core.gate import Gate
    from mlgates.core.verdict import Verdict

__all__ = [
    "describe_data",
    "describe_model",
    "describe_suite",
    "git_state",
    "is_fingerprint",
    "now_utc",
    "who_and_where",
]

_FP_PREFIX = "mlg1-"
#: Table inputs of a verdict's provenance that count as the data it judged.
DATA_INPUTS = ("reference", "current")


def now_utc() -> _dt.datetime:
    return _dt.datetime.now(_dt.UTC)


def format_time(t: _dt.datetime) -> str:
    return t.astimezone(_dt.UTC).isoformat(timespec="microseconds")


def parse_time(text: str) -> _dt.datetime:
    t = _dt.datetime.fromisoformat(text)
    return t if t.tzinfo is not None else t.replace(tzinfo=_dt.UTC)


def is_fingerprint(value: Any) -> bool:
    """A fingerprint string as :func:`mlgates.fingerprint` writes it."""
    return isinstance(value, str) and value.startswith(_FP_PREFIX) and ":" in value


def _type_name(obj: Any) -> str:
    t = type(obj)
    return f"{t.__module__}.{t.__qualname__}"


def describe_model(model: Any, name: str | None) -> dict[str, Any]:
    """``{"name", "fingerprint", "type", "params"}`` of a fitted estimator, a model file or a
    fingerprint string."""
    from mlgates.fingerprints import fingerprint

    if name is not None and (not isinstance(name, str) or not name.strip()):
        raise ParameterError(
            f"model_name must be a non-empty str. Got {name!r} instead. Fix: model_name='churn'."
        )
    if model is None:
        return {"name": name, "fingerprint": None, "type": None, "params": None}
    if name is None:
        raise ParameterError(
            "model_name is required when a model is recorded (the lifecycle is kept per name). "
            "Fix: ledger.record(verdict, model=model, model_name='churn')."
        )
    if is_fingerprint(model):
        return {"name": name, "fingerprint": model, "type": None, "params": None}
    if isinstance(model, Mapping) and is_fingerprint(model.get("fingerprint")):
        return {"name": name, "type": None, "params": None, **to_plain(dict(model))}
    if isinstance(model, os.PathLike):
        path = Path(model)
        if not path.exists():
            raise ParameterError(
                f"model: {path} does not exist. Fix: pass the saved model file or the model."
            )
        return {
            "name": name,
            "fingerprint": fingerprint(path),
            "type": "file",
            "params": None,
            "file": path.name,
        }
    if isinstance(model, str):
        raise ParameterError(
            f"model must be a fitted model, a model file (pathlib.Path) or a fingerprint "
            f"('mlg1-...'). Got the str {model!r} instead. Fix: model=Path({model!r}) for a file."
        )
    params = None
    get_params = getattr(model, "get_params", None)
    if callable(get_params):
        try:
            params = {str(k): _short(v) for k, v in get_params(deep=False).items()}
        except Exception:  # noqa: BLE001 - parameters are descriptive only
            params = None
    return {"name": name, "fingerprint": fingerprint(model), "type": _type_name(model), "params": params}


def _short(value: Any) -> Any:
    """A parameter as plain data; nested estimators and long values as a one-line summary (the
    fingerprint, not this, identifies the model)."""
    if hasattr(value, "get_params") and not isinstance(value, type):
        return f"{type(value).__name__}(...)"
    if isinstance(value, (list, tuple)):  # e.g. a Pipeline's steps: [(name, estimator), ...]
        items = [_short(v) for v in value]
        joined = "[" + ", ".join(str(i) for i in items) + "]"
        return items if len(joined) <= _MAX_PARAM else joined[: _MAX_PARAM - 1] + "…"
    plain = to_plain(value)
    if not (isinstance(plain, (str, int, float, bool)) or plain is None):
        plain = " ".join(str(plain).split())  # a mapping or an unknown object: one line of text
    if isinstance(plain, str) and len(plain) > _MAX_PARAM:
        return plain[: _MAX_PARAM - 1] + "…"
    return plain


_MAX_PARAM = 120


def _describe_table(obj: Any, time_column: str | None) -> dict[str, Any]:
    from mlgates.fingerprints import fingerprint

    if is_fingerprint(obj):
        return {"fingerprint": obj}
    if isinstance(obj, Mapping):
        if not is_fingerprint(obj.get("fingerprint")):
            raise ParameterError(
                "a data entry given as a mapping needs a 'fingerprint' ('mlg1-...'). "
                f"Got keys {sorted(obj)} instead."
            )
        return to_plain(dict(obj))  # type: ignore[no-any-return]
    if isinstance(obj, os.PathLike):
        return {"fingerprint": fingerprint(obj), "file": Path(obj).name}
    shape = getattr(obj, "shape", None)
    if shape is None:
        raise ParameterError(
            f"data values must be tables, arrays, files (pathlib.Path) or fingerprints. Got "
            f"{type(obj).__name__} instead."
        )
    out: dict[str, Any] = {"fingerprint": fingerprint(obj), "n_rows": int(shape[0])}
    if len(shape) > 1:
        out["n_columns"] = int(shape[1])
    names = _column_names(obj)
    if names is not None:
        out["columns"] = names
        if time_column is not None and time_column in names:
            out["time_range"] = _time_range(obj, time_column)
    return out


def _column_names(obj: Any) -> list[str] | None:
    """Column names only (a pyarrow Table's ``columns`` are its data: use ``column_names``)."""
    names = getattr(obj, "column_names", None)
    if names is None:
        columns = getattr(obj, "columns", None)
        if columns is None or not all(isinstance(c, (str, int, float)) for c in columns):
            return None
        names = columns
    return [str(c) for c in names]


def _time_range(obj: Any, column: str) -> list[Any] | None:
    """First and last value of a datetime column (pandas, polars or pyarrow)."""
    if type(obj).__module__.split(".")[0] == "pyarrow":
        import pyarrow.compute as pc

        col = obj.column(column)
        return [to_plain(pc.min(col).as_py()), to_plain(pc.max(col).as_py())]
    col = obj[column]
    return [to_plain(col.min()), to_plain(col.max())]


def describe_data(data: Any, verdict: Verdict | None, time_column: str | None = None) -> dict[str, Any]:
    """Fingerprints of the data by role (``{"train": {...}, "test": {...}}``).

    ``data`` may be a mapping of role to table/array/file/fingerprint, one table (role
    ``"data"``), or None: then the table inputs the verdict recorded in its provenance
    (``reference``, ``current``) are used.
    """
    if data is None:
        return _data_from_provenance(verdict) if verdict is not None else {}
    if not isinstance(data, Mapping) or "fingerprint" in data:
        data = {"data": data}
    return {str(role): _describe_table(obj, time_column) for role, obj in data.items()}


def _data_from_provenance(verdict: Verdict) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for v in verdict.walk():
        inputs = v.provenance.get("inputs") if v.provenance else None
        if not isinstance(inputs, Mapping):
            continue
        for role in DATA_INPUTS:
            desc = inputs.get(role)
            if role in out or not isinstance(desc, Mapping) or not is_fingerprint(desc.get("fingerprint")):
                continue
            entry: dict[str, Any] = {"fingerprint": desc["fingerprint"]}
            shape = desc.get("shape")
            if isinstance(shape, (list, tuple)) and shape:
                entry["n_rows"] = int(shape[0])
                if len(shape) > 1:
                    entry["n_columns"] = int(shape[1])
            out[role] = entry
    return out


def _verdict_shape(verdict: Verdict) -> dict[str, Any]:
    return {
        "name": verdict.name,
        "gate": verdict.gate,
        "params": to_plain(dict(verdict.params)),
        "children": [_verdict_shape(c) for c in verdict.children],
    }


def describe_suite(suite: Gate | None, verdict: Verdict | None) -> dict[str, Any] | None:
    """Name, type, config and config hash of the suite that produced the verdict.

    The hash is the SHA-256 of the config's canonical JSON; without ``suite``, of the verdict's
    tree of gate names, types and resolved parameters.
    """
    if suite is not None:
        config = suite.to_config()
        return {
            "name": suite.display_name,
            "type": type(suite).__name__,
            "config": config,
            "hash": _json_hash(config),
        }
    if verdict is None:
        return None
    return {
        "name": verdict.name,
        "type": verdict.gate,
        "config": None,
        "hash": _json_hash(_verdict_shape(verdict)),
    }


def _json_hash(value: Any) -> str:
    """SHA-256 of the canonical JSON of plain data (sorted keys, compact)."""
    from mlgates.core._jsonable import encode

    text = json.dumps(encode(to_plain(value)), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def git_state(cwd: str | os.PathLike[str] | None = None) -> dict[str, Any] | None:
    """Commit, dirty flag and branch of the git repository at ``cwd`` (None outside one)."""
    from mlgates.fingerprints.environment import git_state as _state

    return _state(cwd)


def who_and_where() -> tuple[str, str]:
    """The user name and the host name (``"unknown"`` where they cannot be read), read once
    per process."""
    if not _WHO:
        _WHO.append(_who_and_where())
    return _WHO[0]


_WHO: list[tuple[str, str]] = []


def _who_and_where() -> tuple[str, str]:
    try:
        user = getpass.getuser()
    except Exception:  # noqa: BLE001 - no user database in some containers
        user = os.environ.get("USER") or os.environ.get("USERNAME") or "unknown"
    try:
        host = socket.gethostname() or "unknown"
    except OSError:  # pragma: no cover
        host = "unknown"
    return user, host

"""Deprecated parameter names and option values: one shim for every gate.

A gate class declares what it renamed::

    class FairnessGate(Gate):
        _renamed_parameters = {"threshold": "decision_threshold"}
        _renamed_values = {"on_insufficient": {"ignore": "skip"}}

and the old spelling keeps working for one minor version (until :data:`REMOVED_IN`) with a
``FutureWarning`` naming the new one, wherever parameters enter a gate: the constructor (the
:class:`~mlgates.Gate` base wraps every ``__init__``), :meth:`~mlgates.Gate.set_params` and
suite files read by :func:`~mlgates.load_suite`. The gate stores only the new spelling, so
``get_params()``, the repr and ``to_config()`` write the new names.
"""

from __future__ import annotations

import warnings
from collections.abc import Collection, Mapping
from typing import Any

from mlgates.core.errors import UnknownParameterError

__all__ = ["REMOVED_IN", "renamed_parameters", "renamed_values", "translate_deprecated"]

#: The release in which the deprecated spellings stop working.
REMOVED_IN = "0.2"


def renamed_parameters(cls: type) -> dict[str, str]:
    """``{old name: new name}`` over the class and its bases (a subclass may add renames)."""
    out: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        out.update(klass.__dict__.get("_renamed_parameters", None) or {})
    return out


def renamed_values(cls: type) -> dict[str, dict[Any, Any]]:
    """``{parameter: {old value: new value}}`` over the class and its bases."""
    out: dict[str, dict[Any, Any]] = {}
    for klass in reversed(cls.__mro__):
        for name, mapping in (klass.__dict__.get("_renamed_values", None) or {}).items():
            out.setdefault(name, {}).update(mapping)
    return out


def translate_deprecated(
    cls: type,
    params: Mapping[str, Any],
    valid: Collection[str],
    *,
    where: str | None = None,
    stacklevel: int = 3,
) -> dict[str, Any]:
    """``params`` with deprecated names and values replaced by the new ones, warning once each.

    ``valid`` are the parameter names of the call at hand: an old name that is itself valid
    there (a subclass that reuses it) is left alone, and a rename applies only when its new
    name is valid. Passing both spellings is an :class:`~mlgates.core.errors.UnknownParameterError`.

    Examples
    --------
    >>> import warnings
    >>> from mlgates import DisparateImpactGate
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     out = translate_deprecated(DisparateImpactGate, {"threshold": 0.5},
    ...                                DisparateImpactGate._param_names())
    >>> out
    {'decision_threshold': 0.5}
    >>> print(caught[0].message)
    DisparateImpactGate: the parameter 'threshold' is renamed 'decision_threshold'; the old name \
keeps working until mlgates 0.2. Use DisparateImpactGate(decision_threshold=...).
    """
    names = renamed_parameters(cls)
    values = renamed_values(cls)
    if not names and not values:
        return dict(params)
    owner = cls.__name__
    head = f"{where}: " if where else f"{owner}: "
    out: dict[str, Any] = {}
    for key, value in params.items():
        new = names.get(key)
        if new is not None and key not in valid and new in valid:
            if new in params:
                raise UnknownParameterError(
                    f"{owner}() got both {key!r} and {new!r}; {key!r} is the deprecated name of "
                    f"{new!r}. Pass only {new}=..."
                )
            warnings.warn(
                f"{head}the parameter {key!r} is renamed {new!r}; the old name keeps working until "
                f"mlgates {REMOVED_IN}. Use {owner}({new}=...).",
                FutureWarning,
                stacklevel=stacklevel,
            )
            key = new
        out[key] = value
    for key, mapping in values.items():
        if key not in out or not isinstance(out[key], str) or out[key] not in mapping:
            continue
        old, new_value = out[key], mapping[out[key]]
        warnings.warn(
            f"{head}{key}={old!r} is renamed {key}={new_value!r}; the old value keeps working until "
            f"mlgates {REMOVED_IN}. Use {owner}({key}={new_value!r}).",
            FutureWarning,
            stacklevel=stacklevel,
        )
        out[key] = new_value
    return out

"""Allowlist: the exact ``(module, qualname)`` globals a model artifact may import."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

__all__ = ["Allowlist"]

SCHEMA = "mlgates.allowlist/1"
Pair = tuple[str, str]


def _pair(item: Any) -> Pair:
    if isinstance(item, str):
        module, sep, name = item.partition(":")
        if sep and module and name:
            return module, name
    elif isinstance(item, (tuple, list)) and len(item) == 2 and all(isinstance(p, str) and p for p in item):
        return item[0], item[1]
    raise ValueError(
        f"An allowlist entry must be 'module:qualname' or a (module, qualname) pair. Got {item!r} instead; "
        "e.g. 'sklearn.linear_model._logistic:LogisticRegression'."
    )


class Allowlist:
    """The globals (classes and functions) a pickle-based artifact may import, as exact
    ``(module, qualname)`` pairs.

    Never a module prefix: ``numpy`` as a prefix would admit ``numpy:load`` and
    ``numpy.testing:...``, and a dotted qualname walks attributes (``numpy:sys.modules``).
    Lists combine with ``|``.

    Parameters
    ----------
    globals : iterable of str or (str, str)
        Entries as ``"module:qualname"`` strings or pairs.
    source : str, optional
        Where the list came from (a preset name, a file, a trusted artifact), for messages.
    baseline : bool, default False
        True for a list learned from a trusted artifact: a global missing from it is reported
        as ``new_global`` (something this build did not have before), not ``disallowed_global``.

    Examples
    --------
    >>> from mlgates import Allowlist
    >>> allow = Allowlist(["mypkg.model:MyClassifier"]) | Allowlist.preset("python")
    >>> ("mypkg.model", "MyClassifier") in allow
    True
    >>> allow.judge("os", "system")
    'os.system is not on the allowlist'
    >>> allow.judge("builtins", "getattr")
    'builtins.getattr is not on the allowlist'
    """

    __slots__ = ("_pairs", "baseline", "source")

    def __init__(self, globals: Iterable[Any] = (), *, source: str | None = None, baseline: bool = False):
        if isinstance(globals, (str, bytes)):
            raise TypeError("Allowlist(globals) takes a list of entries, not one string; wrap it in a list.")
        self._pairs: frozenset[Pair] = frozenset(_pair(g) for g in globals)
        self.source = source
        self.baseline = baseline

    # -- construction ---------------------------------------------------------------------
    @classmethod
    def preset(cls, name: str) -> Allowlist:
        """A built-in list: ``"sklearn"`` (scikit-learn estimators and the internal classes
        fitted estimators hold, plus numpy, scipy sparse, pandas, and xgboost/lightgbm
        estimators when installed), ``"numpy"``, ``"pandas"``, ``"scipy"``, ``"python"``
        (safe builtins, collections, datetime), ``"xgboost"``, ``"lightgbm"``."""
        from mlgates.gates.security._presets import PRESETS, preset_pairs

        if name not in PRESETS:
            raise ValueError(f"Unknown allowlist preset {name!r}; use one of {', '.join(PRESETS)}.")
        items = preset_pairs(name)
        return cls(items, source=f"preset {name!r}")

    @classmethod
    def from_artifact(cls, path: str | os.PathLike[str], *, max_decompressed_bytes: int = 2**31) -> Allowlist:
        """Learn the globals of a trusted artifact (a build you made yourself): every global
        it imports, in any reading. Save it with :meth:`save` and review it; artifacts checked
        against it later FAIL on any global it does not list (``new_global``).

        Raises ValueError when the artifact cannot be verified (not a pickle-based format,
        truncated, trailing bytes, a bomb): a baseline must come from a clean file.
        """
        from mlgates.gates.security._scan import scan_artifact

        report = scan_artifact(Path(path), _EVERYTHING, max_decompressed_bytes=max_decompressed_bytes)
        if report.problems:
            first = report.problems[0]
            raise ValueError(
                f"{path}: cannot learn an allowlist from an artifact that does not verify "
                f"({first.code} at offset {first.offset}: {first.message})."
            )
        pairs = {(u.module, u.name) for u in report.uses}
        return cls(pairs, source=f"learned from {Path(path).name}", baseline=True)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Allowlist:
        """Read a list written by :meth:`save`."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ValueError(f"{path}: cannot read the allowlist: {exc}") from exc
        if (
            not isinstance(data, dict)
            or data.get("schema") != SCHEMA
            or not isinstance(data.get("globals"), list)
        ):
            raise ValueError(f"{path}: not an mlgates allowlist (expected schema {SCHEMA!r} and 'globals').")
        return cls(
            data["globals"], source=str(data.get("source") or path), baseline=bool(data.get("baseline"))
        )

    @classmethod
    def resolve(cls, spec: Any) -> Allowlist:
        """An allowlist from a gate's ``allow`` parameter: an Allowlist, a preset name, a
        ``.json`` file, a ``"module:qualname"`` entry, or a list of these (united)."""
        if isinstance(spec, Allowlist):
            return spec
        if isinstance(spec, str):
            from mlgates.gates.security._presets import PRESETS

            if spec in PRESETS:
                return cls.preset(spec)
            if spec.endswith(".json"):
                return cls.load(spec)
            return cls([spec], source="allow")
        if isinstance(spec, Iterable):
            parts = [cls.resolve(s) for s in spec]
            return cls().union(*parts)
        raise TypeError(
            f"allow: expected a preset name, a .json path, 'module:qualname' or a list; got {spec!r}"
        )

    # -- set operations -------------------------------------------------------------------
    def union(self, *others: Allowlist) -> Allowlist:
        """Every global of this list and of ``others``; a baseline stays a baseline."""
        pairs = set(self._pairs)
        sources = [self.source] if self.source else []
        baseline = self.baseline
        for other in others:
            pairs |= other._pairs
            sources += [other.source] if other.source else []
            baseline = baseline or other.baseline
        return Allowlist(pairs, source=" + ".join(sources) or None, baseline=baseline)

    def __or__(self, other: Allowlist) -> Allowlist:
        if not isinstance(other, Allowlist):
            return NotImplemented
        return self.union(other)

    def __contains__(self, item: Any) -> bool:
        try:
            return _pair(item) in self._pairs
        except ValueError:
            return False

    def __iter__(self) -> Iterator[Pair]:
        return iter(sorted(self._pairs))

    def __len__(self) -> int:
        return len(self._pairs)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Allowlist):
            return NotImplemented
        return self._pairs == other._pairs and self.baseline == other.baseline

    def __hash__(self) -> int:
        return hash((self._pairs, self.baseline))

    def __repr__(self) -> str:
        extra = f", source={self.source!r}" if self.source else ""
        extra += ", baseline=True" if self.baseline else ""
        return f"<Allowlist of {len(self)} globals{extra}>"

    # -- use ------------------------------------------------------------------------------
    def judge(self, module: str, name: str) -> str | None:
        """None if ``module:name`` may be imported, else why not (one sentence)."""
        if (module, name) in self._pairs:
            return None
        shown = f"{module}.{name}"
        if "." in name:
            first = f"{module}.{name.split('.')[0]}"
            return f"{shown} is a dotted name (it walks attributes from {first}) not on the allowlist"
        if self.baseline:
            return f"{shown} is not in the baseline ({self.source or 'learned from a trusted artifact'})"
        return f"{shown} is not on the allowlist"

    def to_config(self) -> list[str]:
        """The entries as ``"module:qualname"`` strings (sorted)."""
        return [f"{m}:{n}" for m, n in self]

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the list as reviewable JSON (one entry per line), atomically; returns the path."""
        from mlgates.core._io import atomic_write

        data = {
            "schema": SCHEMA,
            "source": self.source,
            "baseline": self.baseline,
            "globals": self.to_config(),
        }
        return atomic_write(path, json.dumps(data, indent=1) + "\n")


class _Everything(Allowlist):
    """Admits every global (used to learn a baseline)."""

    def judge(self, module: str, name: str) -> str | None:
        return None


_EVERYTHING = _Everything(source="everything")

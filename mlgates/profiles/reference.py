"""Reference profiles: everything a suite needs from its reference, computed once and saved.

:func:`profile_reference` asks every gate of a suite what it needs from ``reference`` (the
same summaries a check on chunked data computes), computes them in one pass (exactly, over an
in-memory DataFrame, files or an iterator) and returns a :class:`ReferenceProfile`.
``profile.save(path)`` writes plain JSON plus one ``.npz`` (versioned, fingerprinted);
``check(reference=profile_or_path, current=...)`` then needs no reference data at all.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mlgates._version import __version__
from mlgates.core.context import CheckContext
from mlgates.core.errors import InputError
from mlgates.core.gate import Gate
from mlgates.core.inputs import Failed, ProfileData, ScanProgress, read_profile
from mlgates.core.suite import Suite
from mlgates.profiles.select import resolved
from mlgates.profiles.summaries import Rows, ValueCounts

__all__ = ["ReferenceProfile", "load_profile", "profile_reference"]


class ReferenceProfile(ProfileData):
    """The summaries of a reference table a suite needs, by summarizer key, with ``meta``
    (schema, rows, the suite, when and how it was computed) and a ``fingerprint`` of the
    content. Pass it (or the folder it was saved to) as ``reference=`` to ``check()``.

    Examples
    --------
    >>> import numpy as np, pandas as pd, tempfile
    >>> from mlgates import DriftGate, MissingValuesGate, profile_reference
    >>> rng = np.random.default_rng(0)
    >>> ref = pd.DataFrame({"x": rng.normal(size=2000)})
    >>> suite = DriftGate() & MissingValuesGate()
    >>> profile = profile_reference(suite, ref)
    >>> folder = profile.save(tempfile.mkdtemp() + "/ref.mgprofile")
    >>> suite.check(reference=folder, current=ref).status
    <Status.PASS: 'pass'>
    """

    @property
    def n_rows(self) -> int:
        return int(self.meta.get("n_rows", 0))

    @property
    def columns(self) -> list[str]:
        return list(self.meta.get("schema", {}))

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> ReferenceProfile:
        """Read a saved profile (format, version and fingerprint checked: InputError
        ``invalid_profile`` otherwise)."""
        data = read_profile(path)
        return cls(data.entries, data.meta, fingerprint=data.fingerprint)


def load_profile(path: str | os.PathLike[str]) -> ReferenceProfile:
    """Read a profile saved with :meth:`ReferenceProfile.save` (see :meth:`ReferenceProfile.load`)."""
    return ReferenceProfile.load(path)


def profile_reference(
    suite: Gate,
    reference: Any,
    *,
    progress: Callable[[ScanProgress], None] | None = None,
    **inputs: Any,
) -> ReferenceProfile:
    """Compute everything ``suite`` needs from ``reference``, once.

    Parameters
    ----------
    suite : Gate
        A gate or suite; every member that can run on profiles names its reference summaries
        (members that need rows in memory need nothing here: they SKIP on profiles).
    reference : DataFrame, path, glob, directory, list of paths, iterator or chunked source
        The reference table (read in one pass; exact).
    progress : callable, optional
        Called with a :class:`~mlgates.core.inputs.ScanProgress` during the pass.
    **inputs
        Other inputs the gates' needs depend on (e.g. ``target="label"``).

    Returns
    -------
    ReferenceProfile
        Save it with ``.save(path)``; pass it, or the folder, as ``check(reference=...)``.

    Raises
    ------
    InputError
        The reference cannot be read (the message names the file), or a gate's needs cannot
        be computed from it.
    """
    ctx = CheckContext({**inputs, "reference": reference}, profiled=True, progress=progress)
    gates = suite._leaves() if isinstance(suite, Suite) else [suite]
    suite.validate()
    needs: dict[str, Any] = {Rows().key: Rows()}
    errors: list[str] = []
    for gate in gates:
        try:
            for need in gate._profile_needs(ctx, "reference") or ():
                needs.setdefault(need.key, need)
        except InputError as exc:
            errors.append(f"{gate.display_name}: {exc}")
        except Exception:  # noqa: BLE001 - NeedsInMemory and the like: the gate needs nothing here
            continue
    if errors:
        raise InputError("; ".join(errors), reason="invalid_input", subject="reference")
    ctx.need("reference", needs.values())
    summaries = ctx.summaries("reference")
    if isinstance(summaries[Rows().key], Failed):
        raise InputError(f"reference: {summaries[Rows().key].message}", reason="invalid_input")
    for key, need in needs.items():  # bins and fences of columns too large to hold: more passes
        if getattr(summaries[key], "overflow", 0) and not isinstance(summaries[key], ValueCounts):
            with contextlib.suppress(InputError):  # a table read once keeps the overflow: said later
                summaries[key] = resolved(ctx, "reference", need)
    schema = ctx.table_schema("reference")
    meta = {
        "n_rows": summaries[Rows().key].n_rows,
        "schema": {str(c): str(schema[c].dtype) for c in schema.columns},
        "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "mlgates_version": __version__,
        "gates": [g.display_name for g in gates],
        "suite": _config(suite),
        "source": ctx.profile_provenance().get("reference", {}),
    }
    return ReferenceProfile({k: s.to_state() for k, s in summaries.items()}, meta)


def _config(suite: Gate) -> Any:
    try:
        return suite.to_config()
    except Exception:  # noqa: BLE001 - a suite with foreign objects still gets a profile
        return repr(suite)


def _is_profile_path(path: str | os.PathLike[str]) -> bool:
    return (Path(path) / "profile.json").is_file()

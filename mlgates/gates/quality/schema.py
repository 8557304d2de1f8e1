"""SchemaGate: expected columns and their kinds or dtypes, per environment (training, serving)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

import pandas as pd

from mlgates.core._suggest import did_you_mean
from mlgates.core.context import CheckContext
from mlgates.core.errors import InputError
from mlgates.core.finding import Finding
from mlgates.core.params import parameter_error
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.gates._columns import FAMILIES, column_kind, kind_matches, missing_column_hint, select_columns
from mlgates.gates.quality import _profiled as Q
from mlgates.gates.quality._common import check_string_keys, frame_or_error
from mlgates.gates.quality._where import QualityGate
from mlgates.profiles.summaries import Rows

__all__ = ["SchemaGate"]

#: The keys an environment's entry in ``environments`` may have.
ENVIRONMENT_KEYS = ("exclude", "columns", "allow_extra")


class _Environments:
    """Constraint: a mapping of environment name to its entry (not keyed by columns)."""

    def is_satisfied_by(self, value: Any) -> bool:
        return isinstance(value, Mapping)

    def __str__(self) -> str:
        return "a mapping of environment name to {'exclude': [...], 'columns': ..., 'allow_extra': ...}"


class SchemaGate(QualityGate):
    """``current`` has the expected columns, with the expected kinds or dtypes.

    Parameters
    ----------
    columns : mapping of column to kind/dtype, list of columns, or None
        A mapping ``{"age": "integer", "city": "string"}`` fixes names and kinds; a kind is
        one of ``numeric, integer, float, boolean, string, categorical, datetime, timedelta,
        object, nested`` (see :mod:`mlgates.gates._columns` for the rule) or an exact dtype
        name such as ``"float32"``; a kind of None asks for the column's presence only. A list
        fixes names only. With None, the schema is read from ``reference`` at check time.
    allow_extra : bool, default True
        Whether columns not in the schema are allowed (else each is a FAIL finding,
        reason ``unexpected_column``).
    check_order : bool, default False
        Whether the expected columns must appear in the given order.
    environments : mapping of environment name to mapping, optional
        Named variants of the schema, as TensorFlow Data Validation's schema environments:
        ``{"training": {}, "serving": {"exclude": ["label"]}}``. An entry may hold
        ``exclude`` (columns of the schema not expected in that environment: absent is fine,
        present counts as an extra column), ``columns`` (columns expected only there, a
        mapping to kinds or a list, which may also override a kind) and ``allow_extra``. The
        environment is chosen per check: ``check(current=..., environment="serving")``; without
        one the schema is checked as given. An environment the gate does not define is an
        ERROR (``unknown_environment``) naming the ones it does.
    where : str, optional
        Judge only the rows where this condition (in the rule language of
        :class:`~mlgates.RuleGate`) is true; see ``docs/quality.md#where``.
    name, blocking
        See :class:`~mlgates.Gate`.

    Notes
    -----
    Reason codes: ``missing_column``, ``dtype_mismatch``, ``unexpected_column``,
    ``column_order``, ``empty_schema``, ``unknown_environment``, and ``empty_input`` (the table
    has no rows).

    Examples
    --------
    >>> import pandas as pd
    >>> from mlgates import SchemaGate
    >>> gate = SchemaGate(columns={"age": "integer", "city": "string"})
    >>> v = gate.check(current=pd.DataFrame({"age": [1.5], "town": ["x"]}))
    >>> [(f.subject, f.reason) for f in v.findings]
    [('age', 'dtype_mismatch'), ('city', 'missing_column')]

    The label is required in training and absent in serving:

    >>> gate = SchemaGate(
    ...     columns={"age": "integer", "label": "integer"},
    ...     environments={"training": {}, "serving": {"exclude": ["label"]}},
    ... )
    >>> serving = pd.DataFrame({"age": [31, 45]})
    >>> gate.check(current=serving, environment="serving").status
    <Status.PASS: 'pass'>
    >>> v = gate.check(current=serving, environment="training")
    >>> v.status, v.findings[1].message
    (<Status.FAIL: 'fail'>, "label: expected column is missing (environment 'training')")
    >>> gate.check(current=serving, environment="servng").message
    "environment 'servng' is not defined by this SchemaGate. Did you mean 'serving'? Known environments: \
'serving', 'training'."
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "columns": ["mapping", "columns", None],
        "allow_extra": ["boolean"],
        "check_order": ["boolean"],
        "environments": [_Environments(), None],
    }
    #: ``check(environment="serving")`` chooses one of ``environments``.
    extra_inputs: ClassVar[tuple[str, ...]] = ("environment",)

    def __init__(
        self,
        *,
        columns: Mapping[str, str | None] | Sequence[str] | None = None,
        allow_extra: bool = True,
        check_order: bool = False,
        where: str | None = None,
        environments: Mapping[str, Mapping[str, Any]] | None = None,
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.where = where
        self.columns = columns
        self.allow_extra = allow_extra
        self.check_order = check_order
        self.environments = environments

    def _validate_params(self) -> None:
        check_string_keys("SchemaGate", "columns", self.columns)  # TOML keys are str
        _check_kinds("columns", self.columns)
        if self.environments is not None:
            check_string_keys("SchemaGate", "environments", self.environments)
            for env, spec in self.environments.items():
                self._validate_environment(env, spec)

    def _validate_environment(self, env: str, spec: Any) -> None:
        where = f"environments[{env!r}]"
        if not isinstance(spec, Mapping):
            raise parameter_error(
                "SchemaGate", where, f"a mapping with the keys {', '.join(ENVIRONMENT_KEYS)}", spec
            )
        for key in spec:
            if key not in ENVIRONMENT_KEYS:
                raise parameter_error(
                    "SchemaGate",
                    where,
                    f"a mapping with the keys {', '.join(ENVIRONMENT_KEYS)}",
                    dict(spec),
                    f"unknown key {key!r}.{did_you_mean(key, ENVIRONMENT_KEYS)} "
                    f"E.g. environments={{{env!r}: {{'exclude': ['label']}}}}.",
                )
        exclude = spec.get("exclude", [])
        names = [exclude] if isinstance(exclude, str) else exclude
        if not isinstance(names, Sequence) or not all(isinstance(c, str) for c in names):
            raise parameter_error("SchemaGate", f"{where}['exclude']", "a list of column names", exclude)
        if isinstance(self.columns, (Mapping, Sequence)):  # declared: an excluded name must be one
            declared = [self.columns] if isinstance(self.columns, str) else list(self.columns)
            for col in names:
                if col not in declared:
                    raise parameter_error(
                        "SchemaGate",
                        f"{where}['exclude']",
                        "names of the schema's columns",
                        col,
                        f"{col!r} is not in columns.{did_you_mean(col, declared)}",
                    )
        extra = spec.get("columns", [])
        if not isinstance(extra, (Mapping, Sequence)) or (
            not isinstance(extra, Mapping) and not all(isinstance(c, str) for c in extra)
        ):
            raise parameter_error(
                "SchemaGate", f"{where}['columns']", "a mapping of column to kind or a list of columns", extra
            )
        _check_kinds(f"{where}['columns']", extra)
        if "allow_extra" in spec and not isinstance(spec["allow_extra"], bool):
            raise parameter_error(
                "SchemaGate", f"{where}['allow_extra']", "True or False", spec["allow_extra"]
            )

    def required_inputs(self) -> tuple[str, ...]:
        return ("current",) if self.columns is not None else ("current", "reference")

    def _expected(self, ctx: CheckContext) -> dict[Any, str | None]:
        if self.columns is None:
            ref = ctx.frame("reference")
            select_columns(ref, None)  # duplicate names are an input error
            return {c: column_kind(ref[c]) for c in ref.columns}
        if isinstance(self.columns, Mapping):
            return dict(self.columns)
        cols = [self.columns] if isinstance(self.columns, str) else list(self.columns)
        return dict.fromkeys(cols)

    def _environment(self, ctx: CheckContext) -> tuple[str | None, Mapping[str, Any]]:
        """The environment chosen with ``check(environment=...)`` and its entry; an environment
        this gate does not define is an InputError (``unknown_environment``)."""
        env = ctx.get("environment")
        if env is None:
            return None, {}
        known = sorted(self.environments or {})
        if not isinstance(env, str):
            raise InputError(
                f"environment must be the name of an environment (a str), got {type(env).__name__} {env!r}",
                reason="unknown_environment",
                subject="environment",
            )
        if not known:
            raise InputError(
                f"environment {env!r} was given, but this SchemaGate defines no environments: define "
                f"environments={{{env!r}: {{'exclude': [...]}}}} or leave environment= out",
                reason="unknown_environment",
                subject="environment",
            )
        if env not in known:
            raise InputError(
                f"environment {env!r} is not defined by this SchemaGate.{did_you_mean(env, known)} "
                f"Known environments: {', '.join(map(repr, known))}.",
                reason="unknown_environment",
                subject="environment",
            )
        return env, (self.environments or {})[env]

    def _with_environment(
        self, ctx: CheckContext, expected_of: Callable[[], dict[Any, str | None]]
    ) -> tuple[dict[Any, str | None], str | None, bool]:
        """The expected columns with the chosen environment's exclusions and additions, the
        environment and its ``allow_extra``."""
        env, spec = self._environment(ctx)
        expected = expected_of()
        exclude = spec.get("exclude", [])
        for col in [exclude] if isinstance(exclude, str) else exclude:
            expected.pop(col, None)
        added = spec.get("columns", [])
        expected.update(added if isinstance(added, Mapping) else dict.fromkeys(added))
        return expected, env, bool(spec.get("allow_extra", self.allow_extra))

    def _check(self, ctx: CheckContext) -> Verdict:
        expected, env, allow_extra = self._with_environment(ctx, lambda: self._expected(ctx))
        frame = frame_or_error(ctx)  # duplicate names and an empty table are input errors
        kinds = {c: column_kind(frame[c]) for c in frame.columns}
        return self._decide(expected, frame.iloc[:0], kinds, len(frame), env, allow_extra)

    # -- profiles (docs/scale.md): names and dtypes from the schema, kinds of object columns
    # from the types of their values --------------------------------------------------------
    def _profile_needs(self, ctx: CheckContext, side: str) -> list[Any]:
        if side == "reference":
            if self.columns is not None or ctx.table_kind("reference") == "absent":
                return []
            ref = Q.schema_of(ctx, "reference")
            return Q.type_needs(ref, ref.columns)
        schema = Q.schema_of(ctx)
        return [Rows(), *Q.type_needs(schema, schema.columns)]

    def _check_profile(self, ctx: CheckContext) -> Verdict:
        def expected_of() -> dict[Any, str | None]:
            if self.columns is None:
                ref = Q.schema_of(ctx, "reference")
                return {c: Q.kind(ctx, "reference", c, ref) for c in ref.columns}
            return self._expected(ctx)

        expected, env, allow_extra = self._with_environment(ctx, expected_of)
        schema, n = Q.table(ctx)
        kinds = {c: Q.kind(ctx, "current", c, schema) for c in schema.columns}
        return self._decide(expected, schema, kinds, n, env, allow_extra)

    def _decide(
        self,
        expected: dict[Any, str | None],
        frame: pd.DataFrame,
        kinds: dict[Any, str],
        n_rows: int,
        env: str | None,
        allow_extra: bool,
    ) -> Verdict:
        """The verdict from the columns, dtypes (``frame`` may have no rows) and kinds."""
        where = f" (environment {env!r})" if env is not None else ""
        findings = []
        for col, want in expected.items():
            if col not in frame.columns:
                findings.append(
                    Finding(
                        str(col),
                        Status.FAIL,
                        method="schema",
                        reason="missing_column",
                        message=f"{col}: expected column is missing{where}"
                        + (
                            f".{hint}"
                            if (
                                hint := missing_column_hint(
                                    col, [c for c in frame.columns if c not in expected]
                                )
                            )
                            else ""
                        ),
                        details={"expected": want},
                    )
                )
                continue
            kind = kinds[col]
            actual = {"kind": kind, "dtype": str(frame[col].dtype)}
            if want is None or kind_matches(kind, want, frame[col].dtype):
                findings.append(
                    Finding(
                        str(col),
                        Status.PASS,
                        method="schema",
                        message=f"{col}: present" + (f", {kind} as expected" if want else ""),
                        details={"expected": want, **actual},
                    )
                )
            else:
                findings.append(
                    Finding(
                        str(col),
                        Status.FAIL,
                        method="schema",
                        reason="dtype_mismatch",
                        message=f"{col}: expected {want}, got {kind} ({frame[col].dtype})",
                        details={"expected": want, **actual},
                    )
                )
        if not allow_extra:
            for col in frame.columns:
                if col not in expected:
                    findings.append(
                        Finding(
                            str(col),
                            Status.FAIL,
                            method="schema",
                            reason="unexpected_column",
                            message=f"{col}: column not in the schema{where} (allow_extra=False)",
                            details={"kind": kinds[col], "dtype": str(frame[col].dtype)},
                        )
                    )
        if self.check_order:
            present = [c for c in frame.columns if c in expected]
            wanted = [c for c in expected if c in frame.columns]
            ok = present == wanted
            findings.append(
                Finding(
                    "column order",
                    Status.PASS if ok else Status.FAIL,
                    method="schema",
                    reason=None if ok else "column_order",
                    message="column order as expected"
                    if ok
                    else f"column order differs: expected {wanted[:10]}, got {present[:10]}",
                )
            )
        if not findings:
            return self._verdict(
                Status.ERROR,
                reason="empty_schema",
                message="the schema names no columns; nothing was checked",
            )
        n_fail = sum(f.status is Status.FAIL for f in findings)
        if n_rows == 0:
            findings.append(
                Finding(
                    "rows",
                    Status.WARN,
                    statistic=0,
                    method="schema",
                    reason="empty_input",
                    message="current has no rows: only names and dtypes were checked, no values",
                )
            )
        return self._verdict(
            findings=findings,
            metrics={"n_columns": len(frame.columns), "n_violations": n_fail},
            params={
                "columns": {str(k): v for k, v in expected.items()},
                **({"environment": env, "allow_extra": allow_extra} if env is not None else {}),
            },
        )


def _check_kinds(name: str, columns: Any) -> None:
    """Each kind of a columns mapping is a kind or dtype name (str), or None (presence only)."""
    if isinstance(columns, Mapping):
        check_string_keys("SchemaGate", name, columns)  # TOML keys are str
        for col, kind in columns.items():
            if kind is not None and not isinstance(kind, str):
                raise parameter_error(
                    "SchemaGate",
                    f"{name}[{col!r}]",
                    f"a kind ({', '.join(FAMILIES)}), a dtype name or None",
                    kind,
                )

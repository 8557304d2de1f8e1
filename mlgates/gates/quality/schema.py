"""SchemaGate: expected columns and their kinds or dtypes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import pandas as pd

from mlgates.core.context import CheckContext
from mlgates.core.finding import Finding
from mlgates.core.gate import Gate
from mlgates.core.params import parameter_error
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.gates._columns import FAMILIES, column_kind, kind_matches, missing_column_hint, select_columns
from mlgates.gates.quality import _profiled as Q
from mlgates.gates.quality._common import check_string_keys, frame_or_error
from mlgates.profiles.summaries import Rows

__all__ = ["SchemaGate"]


class SchemaGate(Gate):
    """``current`` has the expected columns, with the expected kinds or dtypes.

    Parameters
    ----------
    columns : mapping of column to kind/dtype, list of columns, or None
        A mapping ``{"age": "integer", "city": "string"}`` fixes names and kinds; a kind is
        one of ``numeric, integer, float, boolean, string, categorical, datetime, timedelta,
        object`` (see :mod:`mlgates.gates._columns` for the rule) or an exact dtype name such
        as ``"float32"``. A list fixes names only. With None, the schema is read from
        ``reference`` at check time.
    allow_extra : bool, default True
        Whether columns not in the schema are allowed (else each is a FAIL finding,
        reason ``unexpected_column``).
    check_order : bool, default False
        Whether the expected columns must appear in the given order.

    Notes
    -----
    Reason codes: ``missing_column``, ``dtype_mismatch``, ``unexpected_column``,
    ``column_order``, ``empty_schema``, and ``empty_input`` (a WARN: an empty table has a
    schema but no values, so object columns cannot be told apart as strings).
    name, blocking
        See :class:`~mlgates.Gate`.

    Examples
    --------
    >>> import pandas as pd
    >>> from mlgates import SchemaGate
    >>> gate = SchemaGate(columns={"age": "integer", "city": "string"})
    >>> v = gate.check(current=pd.DataFrame({"age": [1.5], "town": ["x"]}))
    >>> [(f.subject, f.reason) for f in v.findings]
    [('age', 'dtype_mismatch'), ('city', 'missing_column')]
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "columns": ["mapping", "columns", None],
        "allow_extra": ["boolean"],
        "check_order": ["boolean"],
    }

    def __init__(
        self,
        *,
        columns: Mapping[str, str] | Sequence[str] | None = None,
        allow_extra: bool = True,
        check_order: bool = False,
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.columns = columns
        self.allow_extra = allow_extra
        self.check_order = check_order

    def _validate_params(self) -> None:
        check_string_keys("SchemaGate", "columns", self.columns)  # TOML keys are str
        if isinstance(self.columns, Mapping):
            for col, kind in self.columns.items():
                if not isinstance(kind, str):
                    raise parameter_error(
                        "SchemaGate",
                        f"columns[{col!r}]",
                        f"a kind ({', '.join(FAMILIES)}) or a dtype name",
                        kind,
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

    def _check(self, ctx: CheckContext) -> Verdict:
        expected = self._expected(ctx)
        frame = frame_or_error(ctx)  # duplicate names and an empty table are input errors
        kinds = {c: column_kind(frame[c]) for c in frame.columns}
        return self._decide(expected, frame.iloc[:0], kinds, len(frame))

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
        if self.columns is None:
            ref = Q.schema_of(ctx, "reference")
            expected: dict[Any, str | None] = {c: Q.kind(ctx, "reference", c, ref) for c in ref.columns}
        else:
            expected = self._expected(ctx)
        schema, n = Q.table(ctx)
        kinds = {c: Q.kind(ctx, "current", c, schema) for c in schema.columns}
        return self._decide(expected, schema, kinds, n)

    def _decide(
        self, expected: dict[Any, str | None], frame: pd.DataFrame, kinds: dict[Any, str], n_rows: int
    ) -> Verdict:
        """The verdict from the columns, dtypes (``frame`` may have no rows) and kinds."""
        findings = []
        for col, want in expected.items():
            if col not in frame.columns:
                findings.append(
                    Finding(
                        str(col),
                        Status.FAIL,
                        method="schema",
                        reason="missing_column",
                        message=f"{col}: expected column is missing"
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
        if not self.allow_extra:
            for col in frame.columns:
                if col not in expected:
                    findings.append(
                        Finding(
                            str(col),
                            Status.FAIL,
                            method="schema",
                            reason="unexpected_column",
                            message=f"{col}: column not in the schema (allow_extra=False)",
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
            params={"columns": {str(k): v for k, v in expected.items()}},
        )

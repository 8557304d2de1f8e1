"""SensitiveDataGate: personal data (emails, phone numbers, payment cards, IBANs, US SSNs, IP
addresses, dates of birth) in the text columns of a table. Raw values never leave the gate:
examples are masked."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from mlgates.core.context import CheckContext
from mlgates.core.errors import InputError
from mlgates.core.finding import Finding
from mlgates.core.gate import Gate
from mlgates.core.params import Interval, parameter_error
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict

__all__ = ["SensitiveDataGate", "column_name_hint"]

DETECTOR_NAMES = ("email", "phone", "payment_card", "iban", "us_ssn", "ip_address", "date_of_birth")
_DOB_NAME = re.compile(r"(^|[^a-z])(dob|birth|born|birthdate|birthday)([^a-z]|$)|date_?of_?birth", re.I)
_NAME_QUALIFIERS = {"first", "last", "full", "given", "family", "middle", "customer", "patient", "person",
                    "contact", "user", "maiden"}  # fmt: skip
_HINT_TOKENS = {
    "ssn": "us_ssn",
    "socialsecurity": "us_ssn",
    "dob": "date_of_birth",
    "birthdate": "date_of_birth",
    "birthday": "date_of_birth",
    "email": "email",
    "mail": "email",
    "phone": "phone",
    "mobile": "phone",
    "telephone": "phone",
    "iban": "iban",
    "passport": "passport",
    "firstname": "name",
    "lastname": "name",
    "surname": "name",
    "fullname": "name",
}


def _tokens(name: str) -> list[str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return [t for t in re.split(r"[^a-z0-9]+", spaced.lower()) if t]


def column_name_hint(name: Any) -> str | None:
    """The kind of personal data a column's name suggests, or None.

    >>> [column_name_hint(c) for c in ("ssn", "customerEmail", "first_name", "product_name", "age")]
    ['us_ssn', 'email', 'name', None, None]
    """
    tokens = _tokens(str(name))
    joined = "".join(tokens)
    for token in [*tokens, joined]:
        if token in _HINT_TOKENS:
            return _HINT_TOKENS[token]
    if _DOB_NAME.search(str(name)):
        return "date_of_birth"
    if tokens == ["name"] or any(
        t == "name" and i > 0 and tokens[i - 1] in _NAME_QUALIFIERS for i, t in enumerate(tokens)
    ):
        return "name"
    return None


class SensitiveDataGate(Gate):
    """No personal data in the text columns of ``current``.

    Each detector is a pattern confirmed by a validator (Luhn and issuer prefixes for payment
    cards, mod-97 and the country's length for IBANs, area/group/serial rules for US SSNs,
    octets that are not a version string like ``1.2.3.4`` for IPv4, a minimum digit count for
    phone numbers, a plausible past date in columns named like a date of birth). Detectors
    run on the unique values of a column (fast on repetitive columns), found inside free
    text too; a column FAILs when the share of its non-missing rows with a hit exceeds
    ``max_share``. A column whose name suggests personal data (``ssn``, ``dob``, ``email``,
    ``phone``, ``first_name``, ...) WARNs even without hits. Columns expected to hold some
    kind (``allow={"contact_email": ["email"]}``) PASS for it.

    Raw values never appear in a verdict, a report or a message: examples are masked
    (``j***@e******.com``).

    Parameters
    ----------
    columns : str or list of str, optional
        Columns to scan; every text column (string, object or categorical) by default.
    detectors : list of str, optional
        Subset of ``"email"``, ``"phone"``, ``"payment_card"``, ``"iban"``, ``"us_ssn"``,
        ``"ip_address"``, ``"date_of_birth"`` (all by default; ``date_of_birth`` only runs on
        columns named like a date of birth).
    allow : mapping, optional
        Column -> detectors expected there (e.g. ``{"contact_email": ["email"]}``).
    max_share : float, default 0.0
        Largest share of a column's non-missing rows that may hold detected values.
    min_phone_digits : int, default 10
        Fewest digits a phone number has.
    name_hints : bool, default True
        WARN on columns whose name suggests personal data.
    name, blocking
        See :class:`~mlgates.Gate`.

    Notes
    -----
    Reason codes: ``sensitive_data_detected`` (FAIL), ``sensitive_column_name`` (WARN),
    ``all_missing`` (SKIP for that column), ``empty_input``, ``missing_column``.

    Examples
    --------
    >>> import pandas as pd
    >>> from mlgates import SensitiveDataGate
    >>> df = pd.DataFrame({"note": ["call +1 415 555 2671", "ok", "mail jane.doe@example.com"],
    ...                    "version": ["1.2.3.4", "2.0.1.0", "1.2.3.4"]})
    >>> v = SensitiveDataGate().check(current=df)
    >>> v.status, v.reason
    (<Status.FAIL: 'fail'>, 'sensitive_data_detected')
    >>> print(v.findings[0].message)  # doctest: +NORMALIZE_WHITESPACE
    note: 66.7% of rows hold personal data (email: 1, phone: 1) > 0.0% allowed;
    e.g. j***@e******.com, +1 *** *** **71
    >>> "jane" in v.to_json()
    False
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "columns": ["columns", None],
        "detectors": [list, tuple, None],
        "allow": ["mapping", None],
        "max_share": [Interval("real", 0, 1)],
        "min_phone_digits": [Interval("int", 7, 15)],
        "name_hints": ["boolean"],
    }

    def __init__(
        self,
        *,
        columns: str | Sequence[str] | None = None,
        detectors: Sequence[str] | None = None,
        allow: Mapping[str, Sequence[str]] | None = None,
        max_share: float = 0.0,
        min_phone_digits: int = 10,
        name_hints: bool = True,
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.columns = columns
        self.detectors = detectors
        self.allow = allow
        self.max_share = max_share
        self.min_phone_digits = min_phone_digits
        self.name_hints = name_hints

    def _validate_params(self) -> None:
        bad = [d for d in (self.detectors or ()) if d not in DETECTOR_NAMES]
        if bad:
            raise parameter_error(
                "SensitiveDataGate", "detectors", f"a list of names from {DETECTOR_NAMES}", self.detectors
            )
        for col, kinds in (self.allow or {}).items():
            if isinstance(kinds, str) or any(k not in DETECTOR_NAMES for k in kinds):
                raise parameter_error(
                    "SensitiveDataGate",
                    "allow",
                    f"a mapping of column -> list of detector names from {DETECTOR_NAMES}",
                    {col: kinds},
                )

    def required_inputs(self) -> tuple[str, ...]:
        return ("current",)

    def _check(self, ctx: CheckContext) -> Verdict:
        import pandas as pd

        frame = ctx.frame("current")
        if len(frame) == 0:
            raise InputError("current: the table has no rows", reason="empty_input", subject="current")
        if self.columns is not None:
            wanted = [self.columns] if isinstance(self.columns, str) else list(self.columns)
            for col in wanted:
                ctx.column("current", col)  # missing_column names it
        else:
            wanted = list(dict.fromkeys(frame.columns))
        findings: list[Finding] = [*unknown_columns(frame, self.allow, "allow")]
        duplicated = set(frame.columns[frame.columns.duplicated()])
        for col in wanted:
            if col in duplicated:
                findings.append(_duplicate(col))
                continue
            series = frame[col]
            texty = _is_text(series)
            hint = column_name_hint(col) if self.name_hints else None
            dob_named = bool(_DOB_NAME.search(str(col)))
            if texty or (dob_named and pd.api.types.is_datetime64_any_dtype(series)):
                findings.append(self._judge(col, series, hint, dob_named))
            elif hint is not None and hint not in self._expected(col):
                findings.append(self._hint_finding(col, hint, "not a text column; values not scanned"))
        n_fail = sum(f.status is Status.FAIL for f in findings)
        return self._verdict(findings=findings, metrics={"n_columns_with_personal_data": n_fail})

    def _expected(self, col: Any) -> set[str]:
        return set((self.allow or {}).get(col, ()))

    def _hint_finding(self, col: Any, hint: str, why: str) -> Finding:
        return Finding(
            str(col),
            Status.WARN,
            method="column_name",
            reason="sensitive_column_name",
            message=f"{col}: the column name suggests {hint.replace('_', ' ')} ({why}); declare it in "
            f"allow= if it is expected, or drop it",
            details={"hint": hint},
        )

    def _judge(self, col: Any, series: Any, hint: str | None, dob_named: bool) -> Finding:
        import numpy as np
        import pandas as pd

        from mlgates.gates.security._detectors import mask, scan_values

        wanted = [d for d in (self.detectors or DETECTOR_NAMES) if d != "date_of_birth" or dob_named]
        if pd.api.types.is_datetime64_any_dtype(series):
            values = series.dropna()
            n = len(values)
            hits = {"date_of_birth": n} if "date_of_birth" in wanted and n else {}
            counts_by: dict[str, int] = dict(hits)
            row_hit = np.full(n, bool(hits))
            examples: list[str] = ["****-**-**"] if hits else []
            n_unique = int(values.nunique())
        else:
            # the unique-value path: factorize once (missing values get code -1), scan uniques
            codes, uniques = _factorize(series)
            present = codes >= 0
            n = int(present.sum())
            codes = codes[present] if n < len(codes) else codes
            counts = np.bincount(codes, minlength=len(uniques))
            found = scan_values([str(u) for u in uniques], wanted, min_phone_digits=self.min_phone_digits)
            expected = self._expected(col)
            unique_hit = np.zeros(len(uniques), dtype=bool)
            counts_by = {}
            examples = []
            for kind, (idx, texts) in found.items():
                if not idx:
                    continue
                counts_by[kind] = int(counts[idx].sum())
                if kind in expected:
                    continue
                unique_hit[idx] = True
                examples += [mask(t, kind) for t in texts[:2]]
            row_hit = unique_hit[codes]
            n_unique = len(uniques)
        if n == 0:
            return Finding(str(col), Status.SKIP, method="sensitive_data", reason="all_missing",
                           message=f"{col}: every value is missing")  # fmt: skip
        expected = self._expected(col)
        n_hit = int(row_hit.sum())
        share = n_hit / n
        flagged = {k: v for k, v in counts_by.items() if k not in expected}
        details = {
            "n_checked": n,
            "n_unique": n_unique,
            "counts": counts_by,
            "expected": sorted(expected),
            "examples": examples[:3],
        }
        base: dict[str, Any] = {
            "statistic": share,
            "threshold": self.max_share,
            "method": "sensitive_data",
            "details": details,
        }
        if flagged and share > self.max_share:
            kinds = ", ".join(f"{k}: {v:,}" for k, v in flagged.items())
            return Finding(
                str(col),
                Status.FAIL,
                reason="sensitive_data_detected",
                message=f"{col}: {_pct(share)} of rows hold personal data ({kinds}) > {_pct(self.max_share)} "
                f"allowed; e.g. {', '.join(examples[:2])}",
                **base,
            )
        if hint is not None and hint not in expected:
            return self._hint_finding(col, hint, f"{_pct(share)} of rows matched a detector").replace(
                statistic=share, threshold=self.max_share, details={**details, "hint": hint}
            )
        found_note = (
            f" (expected: {', '.join(f'{k}: {counts_by[k]:,}' for k in sorted(expected) if k in counts_by)})"
        )
        return Finding(
            str(col),
            Status.PASS,
            message=f"{col}: {_pct(share)} of rows hold unexpected personal data <= {_pct(self.max_share)} "
            f"allowed" + (found_note if any(k in counts_by for k in expected) else ""),
            **base,
        )


def _factorize(series: Any) -> tuple[Any, Any]:
    """``pd.factorize``, with unhashable values (lists, dicts in a text column) as their text."""
    import pandas as pd

    try:
        return pd.factorize(series, use_na_sentinel=True)
    except TypeError:
        as_text = series.map(lambda v: v if isinstance(v, str) or v is None else repr(v))
        return pd.factorize(as_text, use_na_sentinel=True)


def _duplicate(col: Any) -> Finding:
    return Finding(
        str(col),
        Status.ERROR,
        reason="duplicate_columns",
        message=f"{col}: the column name appears more than once in current; rename the duplicates",
    )


def unknown_columns(frame: Any, mapping: Any, parameter: str) -> list[Finding]:
    """An ERROR ``missing_column`` finding for each key of a per-column mapping parameter that
    names no column of ``frame``, with the nearest column name."""
    import difflib

    names = [str(c) for c in frame.columns]
    out = []
    for key in mapping or {}:
        if key in frame.columns:
            continue
        close = difflib.get_close_matches(str(key), names, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        out.append(
            Finding(
                str(key),
                Status.ERROR,
                reason="missing_column",
                message=f"{parameter}[{key!r}]: no column {key!r} in current.{hint}",
            )
        )
    return out


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _is_text(series: Any) -> bool:
    """A text column: string or categorical dtype, or object values that include strings
    (``is_string_dtype`` alone says yes to every object column, lists and Decimals included)."""
    import numpy as np
    import pandas as pd

    dtype = series.dtype
    if dtype == np.dtype(object):
        head = series.dropna().head(100)
        return any(isinstance(v, str) for v in head)
    return isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(dtype)

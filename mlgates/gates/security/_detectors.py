"""Validated detectors of personal data, and masking.

A detector is a candidate regular expression plus a validator (a checksum or structural rule)
that rejects near misses: Luhn and issuer prefixes for payment cards, mod-97 and per-country
lengths for IBANs, area/group/serial rules for US SSNs, octet and version-string rules for
IP addresses, digit counts and date exclusions for phone numbers. Detectors run over many
values at once: the values are joined into one text and each regex scans it once.
"""

from __future__ import annotations

import datetime as _dt
import ipaddress
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["DETECTORS", "Detector", "mask", "scan_values"]

# fmt: off
_IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29,
    "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29,
    "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28,
    "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20,
    "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19,
    "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29,
    "RO": 24, "RS": 22, "SA": 24, "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28,
    "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}
# fmt: on


def luhn_ok(digits: str) -> bool:
    """The Luhn checksum of a digit string.

    >>> luhn_ok("4111111111111111"), luhn_ok("4111111111111112")
    (True, False)
    """
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _card_brand_ok(d: str) -> bool:
    n = len(d)
    two, four, six = int(d[:2]), int(d[:4]), int(d[:6])
    if d[0] == "4":
        return n in (13, 16, 19)  # Visa
    if 51 <= two <= 55 or 222100 <= six <= 272099:
        return n == 16  # Mastercard
    if two in (34, 37):
        return n == 15  # American Express
    if four == 6011 or two == 65 or 644 <= int(d[:3]) <= 649 or 622126 <= six <= 622925:
        return 16 <= n <= 19  # Discover
    if 3528 <= four <= 3589:
        return 16 <= n <= 19  # JCB
    if two in (36, 38, 39) or 300 <= int(d[:3]) <= 305:
        return 14 <= n <= 19  # Diners Club
    if two == 62:
        return 16 <= n <= 19  # UnionPay
    if d[:2] in ("50", "56", "57", "58", "63", "67") or d[:1] == "6":
        return 12 <= n <= 19  # Maestro
    return False


def _card(text: str) -> bool:
    digits = re.sub(r"[ -]", "", text)
    seps = set(re.findall(r"[ -]", text))
    if len(seps) > 1 or not 13 <= len(digits) <= 19 or len(set(digits)) == 1:
        return False
    if seps and not re.fullmatch(r"\d{4}([ -]\d{4}){2,3}(\d{1,3})?|\d{4}[ -]\d{6}[ -]\d{4,5}", text):
        return False
    return _card_brand_ok(digits) and luhn_ok(digits)


def _iban(text: str) -> bool:
    compact = text.replace(" ", "").upper()
    if _IBAN_LENGTHS.get(compact[:2]) != len(compact):
        return False
    rearranged = compact[4:] + compact[:4]
    number = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(number) % 97 == 1


def _ssn(text: str) -> bool:
    m = re.fullmatch(r"(\d{3})[- ](\d{2})[- ](\d{4})", text)
    if m is None:
        return False
    area, group, serial = m.groups()
    return area not in ("000", "666") and not area.startswith("9") and group != "00" and serial != "0000"


_ISO_DATE = re.compile(r"\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{4}")


_QUAD = re.compile(r"\d{1,3}(\.\d{1,3}){3}")
_E164 = re.compile(r"\+\d{8,15}")
_GROUPED = re.compile(r"(\+\d{1,3}[ .-]?)?(\(\d{1,4}\)[ .-]?)?\d{1,4}([ .-]\d{1,4}){1,5}")
_NON_DIGIT = re.compile(r"\D")


def _phone(text: str, min_digits: int) -> bool:
    digits = len(text) - len(_NON_DIGIT.findall(text))
    if not min_digits <= digits <= 15 or _ISO_DATE.fullmatch(text):
        return False
    if _QUAD.fullmatch(text):
        return False  # IPv4 / version string
    if text.startswith("+") and _E164.fullmatch(text):
        return True  # E.164
    return bool(_GROUPED.fullmatch(text) and digits < len(text))


def _email(text: str) -> bool:
    local, _, domain = text.rpartition("@")
    return (
        0 < len(local) <= 64
        and len(text) <= 254
        and ".." not in local
        and not local.startswith(".")
        and not local.endswith(".")
        and not any(label.startswith("-") or label.endswith("-") for label in domain.split("."))
    )


def _ipv4(text: str) -> bool:
    parts = text.split(".")
    if len(parts) != 4 or any(len(p) > 1 and p[0] == "0" for p in parts):
        return False
    numbers = [int(p) for p in parts]
    if any(n > 255 for n in numbers) or numbers[0] == 0:
        return False
    return not all(n < 10 for n in numbers)  # 1.2.3.4: a version string, not an address


def _ipv6(text: str) -> bool:
    if text.count(":") < 2:
        return False
    try:
        address = ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return not (address.is_unspecified or address.is_loopback)


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%Y%m%d", "%d-%m-%Y")


def _date_of_birth(text: str) -> bool:
    today = _dt.date.today()
    for fmt in _DATE_FORMATS:
        try:
            day = _dt.datetime.strptime(text[:10], fmt).date()
        except ValueError:
            continue
        return day.year >= 1900 and day <= today
    return False


@dataclass(frozen=True)
class Detector:
    """A candidate pattern and the validator that confirms a candidate."""

    name: str
    pattern: re.Pattern[str]
    validate: Callable[[str], bool]


_B = r"(?<![\w.+-])"  # no word character, dot, plus or dash right before a candidate
_E = r"(?![\w-]|\.\w)"  # nor right after (a sentence's final dot is fine)

DETECTORS: dict[str, Detector] = {
    "email": Detector(
        "email",
        re.compile(_B + r"[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,24}" + _E),
        _email,
    ),
    "payment_card": Detector("payment_card", re.compile(_B + r"\d(?:[ -]?\d){11,18}" + _E), _card),
    "iban": Detector("iban", re.compile(r"(?<![\w])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}(?![\w])"), _iban),
    "us_ssn": Detector("us_ssn", re.compile(_B + r"\d{3}[- ]\d{2}[- ]\d{4}" + _E), _ssn),
    "ip_address": Detector(
        "ip_address",
        re.compile(
            r"(?<![\w.:])(?:(?:\d{1,3}\.){3}\d{1,3}|(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4})(?![\w:]|\.\d)"
        ),
        lambda t: _ipv4(t) if "." in t else _ipv6(t),
    ),
    "phone": Detector(
        "phone",
        re.compile(r"(?<![\w.+-])\+?(?:\(\d{1,4}\)[ .-]?)?\d[\d .()-]{5,22}\d" + _E),
        lambda t: _phone(t, 10),
    ),
    "date_of_birth": Detector(
        "date_of_birth",
        re.compile(r"(?<!\d)(?:\d{4}[-/]\d{1,2}[-/]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4}|\d{8})(?!\d)"),
        _date_of_birth,
    ),
}

#: Detectors whose matches a value-wide scan claims first (a card is not also a phone).
_PRIORITY = ("email", "iban", "payment_card", "us_ssn", "ip_address", "date_of_birth", "phone")


def scan_values(
    values: Sequence[str], detectors: Sequence[str], *, min_phone_digits: int = 10
) -> dict[str, tuple[list[int], list[str]]]:
    """For each detector, the indices of ``values`` with a confirmed match and the matched
    texts (one per index, the first).

    Examples
    --------
    >>> hits = scan_values(["mail jane.doe@example.com", "v1.2.3.4", "4111 1111 1111 1111"],
    ...                    ["email", "payment_card", "ip_address"])
    >>> hits["email"][0], hits["payment_card"][0], hits["ip_address"][0]
    ([0], [2], [])
    """
    import numpy as np

    text = "\n".join(v.replace("\n", " ") for v in values)
    starts = np.cumsum([0] + [len(v) + 1 for v in values[:-1]]) if values else np.zeros(0, dtype=int)
    out: dict[str, tuple[list[int], list[str]]] = {}
    claimed: list[tuple[int, int]] = []  # sorted, non-overlapping spans of earlier detectors
    for name in [n for n in _PRIORITY if n in detectors]:
        det = DETECTORS[name]
        validate = (lambda t: _phone(t, min_phone_digits)) if name == "phone" else det.validate
        mine: list[tuple[int, int]] = []
        texts: list[str] = []
        for m in det.pattern.finditer(text):
            span = m.span()
            if (claimed and _overlaps(claimed, span)) or not validate(m.group()):
                continue
            mine.append(span)
            texts.append(m.group())
        where: Any = np.searchsorted(starts, [s for s, _ in mine], side="right") - 1 if mine else []
        rows: dict[int, str] = {}
        for i, found in zip(map(int, where), texts):
            rows.setdefault(i, found)
        claimed = sorted(claimed + mine)
        out[name] = (sorted(rows), [rows[i] for i in sorted(rows)])
    return out


def _overlaps(spans: list[tuple[int, int]], span: tuple[int, int]) -> bool:
    """Whether ``span`` overlaps one of the sorted, non-overlapping ``spans``."""
    import bisect

    i = bisect.bisect_right(spans, (span[0], float("inf"))) - 1
    if i >= 0 and spans[i][1] > span[0]:
        return True
    return i + 1 < len(spans) and spans[i + 1][0] < span[1]


def mask(value: str, kind: str = "") -> str:
    """A value with its characters hidden, keeping its shape.

    Emails keep the first character of the local part and of the domain and the top-level
    domain (``j***@e******.com``); other values keep separators, the first character and,
    when they have at least ten letters or digits, the last two.

    >>> mask("jane.doe@example.com")
    'j***@e******.com'
    >>> mask("4111 1111 1111 1111")
    '4*** **** **** **11'
    >>> mask("078-05-1120")
    '0**-**-**20'
    """
    if "@" in value and kind in ("", "email"):
        local, _, domain = value.rpartition("@")
        labels = domain.split(".")
        head = labels[0][:1] + "*" * max(len(labels[0]) - 1, 1)
        return f"{local[:1]}***@{head}." + ".".join(labels[1:]) if len(labels) > 1 else f"{local[:1]}***@***"
    alnum = [i for i, ch in enumerate(value) if ch.isalnum()]
    keep = {alnum[0]} if alnum else set()
    if len(alnum) >= 9:
        keep |= set(alnum[-2:])
    return "".join(ch if (i in keep or not ch.isalnum()) else "*" for i, ch in enumerate(value))

r"""Small text helpers shared by messages, renderers and every surface that prints.

- :func:`pluralize`: one wording rule for counts.
- :func:`safe_text` / :func:`safe_json` / :func:`shorten`: one sanitizer for every user-supplied
  string that mlgates prints or writes as text.

Column names, group labels, gate and target names, and the messages built from them reach CI
logs, terminals, Markdown step summaries and JUnit XML. A name holding a newline can forge a
log line (``"x\nstatus: PASS (exit code 0)"``), an ESC sequence can recolor or rewrite the
terminal (even with ``--no-color``), a bidi override can reorder what a reviewer reads, and a
control character makes JUnit XML unparsable. :func:`safe_text` replaces each such character
with a visible escape (``\n``, ``\x1b``, ``\u2028``), so every name stays on one line and the
output is legal XML 1.0.

The escaped form is for reading; it is not reversible (a backslash is left as it is, so that
Windows paths stay readable). JSON output keeps every name exactly (``Verdict.to_json``).

Escaped: C0 controls (U+0000-U+001F, tab and newline included), DEL and C1 controls
(U+007F-U+009F), the line and paragraph separators U+2028/U+2029, the bidi embeddings,
overrides and isolates (U+202A-U+202E, U+2066-U+2069) and marks (U+200E, U+200F, U+061C), lone
surrogates (U+D800-U+DFFF, which cannot be encoded as UTF-8) and the non-characters U+FFFE and
U+FFFF (illegal in XML 1.0).
"""

from __future__ import annotations

import re

__all__ = ["pluralize", "safe_json", "safe_text", "shorten"]


def _plural(word: str) -> str:
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    return word + "s"


def pluralize(n: float, singular: str, plural: str | None = None) -> str:
    """``n`` followed by the singular or plural form of ``singular`` (a noun or a phrase ending
    in one), with thousands separators.

    Examples
    --------
    >>> pluralize(1, "check"), pluralize(3, "check"), pluralize(0, "gate")
    ('1 check', '3 checks', '0 gates')
    >>> pluralize(1, "new category"), pluralize(2, "new category"), pluralize(1200, "row")
    ('1 new category', '2 new categories', '1,200 rows')
    >>> pluralize(2, "child", "children")
    '2 children'
    """
    count = int(n) if float(n).is_integer() else n
    word = singular if count == 1 else (plural or _plural(singular))
    return f"{count:,} {word}"


_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)
#: The same set without C0 controls, which ``json.dumps`` already escapes inside strings (and
#: whose newlines and spaces outside strings are the indentation).
_UNSAFE_IN_JSON = re.compile(
    "[\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def safe_text(value: object) -> str:
    r"""``str(value)`` with control, separator, bidi and XML-illegal characters escaped.

    The result is one line (``str.splitlines`` finds no break in it), holds no ESC or other
    control character, and is legal in XML 1.0.

    Examples
    --------
    >>> safe_text("x\nstatus: PASS")
    'x\\nstatus: PASS'
    >>> safe_text("\x1b[31mred\x1b[0m")
    '\\x1b[31mred\\x1b[0m'
    >>> safe_text("a\u2028b\u202ec")
    'a\\u2028b\\u202ec'
    >>> safe_text("age <= 30, café")
    'age <= 30, café'
    """
    text = value if isinstance(value, str) else str(value)
    return _UNSAFE.sub(_escape, text)


def safe_json(text: str) -> str:
    r"""JSON text (from ``json.dumps``) with the characters :func:`safe_text` escapes written as
    ``\uXXXX`` escapes: the same JSON value (lossless), safe to print on a terminal or CI log and
    to encode as UTF-8 (lone surrogates included).

    Examples
    --------
    >>> import json
    >>> text = safe_json(json.dumps({"name": "a\u202eb\x9bc"}, ensure_ascii=False))
    >>> text
    '{"name": "a\\u202eb\\u009bc"}'
    >>> json.loads(text)["name"] == "a\u202eb\x9bc"
    True
    """
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def shorten(text: str, width: int) -> str:
    """``text`` cut to at most ``width`` characters in the middle, marked with ``…``.

    The start and the end stay readable, so names that differ only at their end stay apart.

    Examples
    --------
    >>> shorten("abcdefghij", 7)
    'abc…hij'
    >>> shorten("short", 7)
    'short'
    """
    if len(text) <= width:
        return text
    head = (width - 1) // 2 + (width - 1) % 2
    tail = width - 1 - head
    return text[:head] + "…" + (text[-tail:] if tail else "")

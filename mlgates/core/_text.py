"""Small wording helpers shared by messages and renderers."""

from __future__ import annotations

__all__ = ["pluralize"]


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

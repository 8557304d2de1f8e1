"""A small read-only table: what ``Ledger.status()``, ``history()`` and ``flaky()`` return."""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from mlgates.core._text import safe_text

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Table", "printable"]


#: Unicode categories written as escapes: controls, format characters (bidi overrides, marks),
#: line and paragraph separators, lone surrogates.
def printable(value: object) -> str:
    r"""``str(value)`` on one line, with control, separator and bidi characters escaped (the
    one sanitizer, :func:`mlgates.core._text.safe_text`), so that a model or gate name cannot
    forge a line or reorder what is read.

    Examples
    --------
    >>> printable("churn\nstatus: live")
    'churn\\nstatus: live'
    >>> printable("a\u202eb")
    'a\\u202eb'
    """
    return safe_text(value)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return printable(value)


@dataclasses.dataclass(frozen=True)
class Table:
    """Rows with fixed columns, printable, and convertible to a pandas DataFrame.

    Parameters
    ----------
    title : str
        What the table shows.
    columns : tuple of str
        Column names.
    rows : tuple of tuple
        One tuple per row, in column order.

    Examples
    --------
    >>> t = Table("models", ("name", "state"), (("churn", "live"), ("churn", "retired")))
    >>> len(t), t[0]["state"]
    (2, 'live')
    >>> print(t)
    models
    name   state
    -----  -------
    churn  live
    churn  retired
    """

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for row in self.rows:
            yield dict(zip(self.columns, row))

    def __getitem__(self, i: int) -> dict[str, Any]:
        return dict(zip(self.columns, self.rows[i]))

    def column(self, name: str) -> list[Any]:
        """The values of one column."""
        j = self.columns.index(name)
        return [row[j] for row in self.rows]

    def to_dicts(self) -> list[dict[str, Any]]:
        """One dict per row."""
        return list(self)

    def to_frame(self) -> pd.DataFrame:
        """A pandas DataFrame with the same columns."""
        import pandas as pd

        return pd.DataFrame(list(self.rows), columns=list(self.columns))

    def to_text(self, max_width: int = 48) -> str:
        """Aligned plain-text columns (cells longer than ``max_width`` are cut with ``…``)."""
        cells = [[_cut(_cell(v), max_width) for v in row] for row in self.rows]
        widths = [max([len(c), *(len(r[j]) for r in cells)]) for j, c in enumerate(self.columns)]
        lines = [printable(self.title)] if self.title else []
        lines.append("  ".join(c.ljust(w) for c, w in zip(self.columns, widths)).rstrip())
        lines.append("  ".join("-" * w for w in widths))
        lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells]
        if not self.rows:
            lines.append("(none)")
        return "\n".join(lines)

    def to_markdown(self) -> str:
        """A Markdown table."""

        def esc(text: str) -> str:
            return text.replace("|", "\\|").replace("\n", " ")

        lines = ["| " + " | ".join(self.columns) + " |", "|" + "---|" * len(self.columns)]
        lines += ["| " + " | ".join(esc(_cell(v)) for v in row) + " |" for row in self.rows]
        return "\n".join(lines) + "\n"

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(c)}</th>" for c in self.columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(_cell(v))}</td>" for v in row) + "</tr>" for row in self.rows
        )
        caption = f"<caption>{html.escape(self.title)}</caption>" if self.title else ""
        return (
            f"<table class='mlg-findings'>{caption}<thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>"
        )

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return f"<Table {self.title!r}: {len(self.rows)} rows x {len(self.columns)} columns>"


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"

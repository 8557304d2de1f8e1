"""Renderers: pure functions of a Verdict (text, Markdown, JUnit XML, HTML, JSON).

The one door into this layer is :func:`render`: ``Verdict.to_text()``, ``to_markdown()``,
``to_junit_xml()``, ``to_html()``, ``plot()``, the notebook display, the CLI and the pytest
plugin all go through it, so the core never imports a renderer module by name (see
docs/architecture.md). :func:`safe_text` and :func:`safe_json` are the sanitizers every text
output uses, and :func:`pluralize` the one wording rule for counts, public for the command line
and the pytest plugin.

Importing this package imports no renderer (and nothing heavy); each is loaded on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, overload

from mlgates.core._text import pluralize
from mlgates.report._safe import safe_json, safe_text

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from mlgates.core.gate import Gate
    from mlgates.core.verdict import Verdict

__all__ = ["FORMATS", "pluralize", "render", "safe_json", "safe_text"]

#: Text formats of :func:`render` (``"plot"`` gives a matplotlib figure instead of text).
FORMATS = ("text", "markdown", "junit", "html", "json")

#: Keyword options each format accepts, with their defaults.
_OPTIONS: dict[str, dict[str, Any]] = {
    "text": {"max_findings": 20, "color": False},
    "markdown": {"max_findings": 50},
    "junit": {},
    "html": {"max_findings": None, "fragment": False},
    "json": {"indent": 2},
    "plot": {"max_panels": 12, "ncols": 3},
}


@overload
def render(obj: Verdict | Gate, fmt: Literal["plot"], **options: Any) -> Figure: ...
@overload
def render(obj: Verdict | Gate, fmt: str = "text", **options: Any) -> str: ...
def render(obj: Verdict | Gate, fmt: str = "text", **options: Any) -> Any:
    """Render a verdict (or, as HTML, an unchecked gate or suite) in one format.

    Parameters
    ----------
    obj : Verdict or Gate
        A gate's or a suite's verdict. A :class:`~mlgates.Gate` renders only as ``"html"``
        (its tree of gates with their non-default parameters: the notebook display).
    fmt : {"text", "markdown", "junit", "html", "json", "plot"}, default "text"
        ``"text"``: a table for terminals and assertion messages (options ``max_findings=20``,
        ``color=False``). ``"markdown"``: for pull-request comments and CI step summaries
        (``max_findings=50``). ``"junit"``: JUnit XML, one testcase per gate. ``"html"``: a
        standalone page (``max_findings=200``), or with ``fragment=True`` the notebook fragment
        (``max_findings=50``). ``"json"``: ``Verdict.to_json`` (``indent=2``) with control,
        bidi and separator characters written as ``\\uXXXX`` escapes (the same JSON value).
        ``"plot"``: a matplotlib figure (``max_panels=12``, ``ncols=3``; ``pip install
        mlgates[plot]``).
    **options
        The format's options listed above.

    Returns
    -------
    str
        The rendered text (a ``matplotlib.figure.Figure`` for ``"plot"``).

    Raises
    ------
    ValueError
        An unknown format.
    TypeError
        An option the format does not take, or a gate in a format other than ``"html"``.

    Examples
    --------
    >>> from mlgates import Status, Verdict
    >>> from mlgates.report import render
    >>> v = Verdict(Status.FAIL, name="rows", gate="RowCountGate", message="3 rows < 10")
    >>> print(render(v, "text"))
    FAIL  rows: 3 rows < 10
    >>> render(v, "json", indent=None).startswith('{"schema": "mlgates.verdict/1"')
    True
    >>> render(v, "pdf")
    Traceback (most recent call last):
    ...
    ValueError: render() got fmt='pdf'; use one of 'text', 'markdown', 'junit', 'html', 'json' (or ...
    """
    if fmt not in _OPTIONS:
        shown = ", ".join(map(repr, FORMATS))
        raise ValueError(f"render() got fmt={fmt!r}; use one of {shown} (or 'plot' for a matplotlib figure).")
    accepted = _OPTIONS[fmt]
    unknown = sorted(set(options) - set(accepted))
    if unknown:
        takes = ", ".join(f"{k}={v!r}" for k, v in accepted.items()) or "no options"
        raise TypeError(f"render(..., {fmt!r}) got unknown option(s) {', '.join(unknown)}; it takes {takes}.")
    from mlgates.core.gate import Gate

    if isinstance(obj, Gate):
        if fmt != "html" or options:
            raise TypeError(
                f"render() draws a gate (not yet checked) only as render(gate, 'html'); got fmt={fmt!r}. "
                "Check it first and render its verdict."
            )
        from mlgates.report.html import render_gate

        return render_gate(obj)
    return _render_verdict(obj, fmt, {**accepted, **options})


def _render_verdict(verdict: Verdict, fmt: str, opts: dict[str, Any]) -> Any:
    if fmt == "text":
        from mlgates.report.text import render_text

        return render_text(verdict, max_findings=opts["max_findings"], color=opts["color"])
    if fmt == "markdown":
        from mlgates.report.markdown import render_markdown

        return render_markdown(verdict, max_findings=opts["max_findings"])
    if fmt == "junit":
        from mlgates.report.junit import render_junit

        return render_junit(verdict)
    if fmt == "html":
        from mlgates.report.html import render_fragment, render_page

        limit = opts["max_findings"]
        if opts["fragment"]:
            return render_fragment(verdict, max_findings=50 if limit is None else limit)
        return render_page(verdict, max_findings=200 if limit is None else limit)
    if fmt == "json":
        return safe_json(verdict.to_json(indent=opts["indent"]))
    from mlgates.report.plot import plot_verdict

    return plot_verdict(verdict, max_panels=opts["max_panels"], ncols=opts["ncols"])

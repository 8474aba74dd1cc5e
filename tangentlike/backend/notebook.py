"""How Jupyter and IPython show a derivative: its generated source, highlighted.

``grad(f)`` in a notebook cell shows the derivative's code (``_repr_html_`` and
``_repr_markdown_`` of :class:`tangentlike.api.DerivativeFunction`).  Highlighting uses
pygments when it is importable (IPython and Jupyter install it); without it the source is
shown plain, in an escaped ``<pre>``.  tangentlike itself needs neither.
"""
from __future__ import annotations

import html as _html
import os


def highlighted(source: str) -> str | None:
    """``source`` as HTML highlighted by pygments (inline styles, so that it needs no style
    sheet), or None without pygments."""
    try:
        from pygments import highlight
        from pygments.formatters import HtmlFormatter
        from pygments.lexers import PythonLexer
    except ImportError:
        return None
    return highlight(source, PythonLexer(), HtmlFormatter(noclasses=True))


Path = str | os.PathLike | None


def _title(name: str, path: Path) -> str:
    return f"{name} {os.fspath(path)}" if path else name


def html(name: str, source: str, path: Path = None) -> str:
    """The HTML a notebook shows: a title line (the derivative's name and its file), then the
    source, highlighted if pygments is installed."""
    title = f"<div><code>{_html.escape(_title(name, path))}</code></div>"
    body = highlighted(source)
    if body is None:
        body = f"<pre>{_html.escape(source)}</pre>"
    return title + "\n" + body


def markdown(name: str, source: str, path: Path = None) -> str:
    """The Markdown form: the title in backquotes, then a fenced ``python`` block."""
    fence = "```"
    while fence in source:
        fence += "`"
    return f"`{_title(name, path)}`\n\n{fence}python\n{source.rstrip()}\n{fence}\n"

"""How a graph shows itself in Jupyter: as SVG scaled to fit the column, or, without
Graphviz's ``dot`` program, as our install hint instead of graphviz's raw error."""

from __future__ import annotations

import html
import re
from typing import Any

from .errors import GraphvizNotFoundError
from .render import run_dot

__all__ = ["displayable", "mimebundle", "fit_column"]

_SVG_TAG = re.compile(r"<svg\b[^>]*>")


def fit_column(svg: str) -> str:
    """The SVG with its root scaled down to the column's width when wider (never up)."""

    def style(match: re.Match[str]) -> str:
        tag = match.group()
        return tag[:-1] + ' style="max-width: 100%; height: auto;">'

    return _SVG_TAG.sub(style, svg, count=1)


def mimebundle(source: str) -> dict[str, str]:
    """What a notebook shows for the DOT ``source``: SVG that fits the column, or the hint."""
    try:
        svg = fit_column(run_dot(source, "svg").decode("utf-8"))
    except GraphvizNotFoundError as exc:
        hint = str(exc)
        return {"text/plain": hint, "text/html": f"<pre>{html.escape(hint)}</pre>"}
    # The whole SVG inside a scrolling box: the column never grows past the notebook's.
    inline = svg[svg.find("<svg") :]  # without the XML prolog, which HTML does not take
    wrapped = f'<div style="max-width: 100%; overflow-x: auto;">{inline}</div>'
    return {"image/svg+xml": svg, "text/html": wrapped, "text/plain": source}


def displayable(graph: Any) -> Any:
    """``graph`` (a ``graphviz.Digraph``) made to display through ``mimebundle``.

    An instance attribute, so the object stays a plain ``graphviz.Digraph`` (IPython asks
    the object itself for ``_repr_mimebundle_``).
    """

    def _repr_mimebundle_(
        include: Any = None, exclude: Any = None, **kwargs: Any
    ) -> dict[str, str]:
        bundle = mimebundle(graph.source)
        if include is not None:
            bundle = {k: v for k, v in bundle.items() if k in set(include)}
        return {k: v for k, v in bundle.items() if k not in set(exclude or ())}

    graph._repr_mimebundle_ = _repr_mimebundle_
    return graph

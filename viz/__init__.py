"""Views of a computation graph: DOT text, image files and a step-through explorer.

- ``to_dot(root, **options)`` gives a ``graphviz.Digraph``; ``.source`` is the DOT text and
  needs no Graphviz program. In Jupyter, a ``Digraph`` as the last expression of a cell
  displays inline as SVG (that needs Graphviz's ``dot`` program)::

      viz.to_dot(loss, edge_labels="local_grad")   # last line of a cell: drawn inline

- ``draw_dot(root, format="svg", rankdir="LR")`` is micrograd's notebook helper: ``to_dot``
  set to render as ``format``.
- ``render(root, "out/graph.svg")`` writes ``.svg``, ``.png``, ``.pdf`` or ``.dot``.
- ``explorer(root, lr=0.1)`` steps through the forward pass, the backward pass and one
  gradient-descent update; in a notebook it displays inline, and
  ``backprop_steps(root, "steps.html")`` writes the same page to a file.
- ``explain(root, wrt)`` writes the chain rule for one input out: every path from ``root``
  to ``wrt`` with its local gradients, their rules and numbers, and the sum over paths
  (plain text with ``print``, typeset maths in Jupyter).

Without the ``dot`` program, drawing raises ``GraphvizNotFoundError`` (which says how to
install it); DOT output still works. The graphs are built with the ``graphviz`` Python
package, imported on first use: ``import viz`` works without it, and the functions that
need it raise ``GraphvizPackageNotFoundError`` saying how to install it. Works the same for
``Value`` and ``Tensor`` graphs.
"""

from .dot import draw_dot, to_dot
from .errors import (
    GraphTooLargeError,
    GraphvizFailedError,
    GraphvizNotFoundError,
    GraphvizPackageNotFoundError,
)
from .explain import Explanation, explain
from .explorer import Explorer, backprop_steps, explorer
from .render import render

__all__ = [
    "to_dot",
    "draw_dot",
    "render",
    "explorer",
    "Explorer",
    "backprop_steps",
    "explain",
    "Explanation",
    "GraphvizNotFoundError",
    "GraphvizFailedError",
    "GraphTooLargeError",
    "GraphvizPackageNotFoundError",
]

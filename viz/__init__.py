"""Views of a computation graph: DOT text, image files and a backpropagation step-through.

- ``to_dot(root, **options)`` gives a ``graphviz.Digraph``; ``.source`` is the DOT text and
  needs no Graphviz program. In Jupyter, a ``Digraph`` as the last expression of a cell
  displays inline as SVG (that needs Graphviz's ``dot`` program)::

      viz.to_dot(loss, edge_labels="local_grad")   # last line of a cell: drawn inline

- ``render(root, "out/graph.svg")`` writes ``.svg``, ``.png``, ``.pdf`` or ``.dot``.
- ``backprop_steps(root, "steps.html")`` writes a page stepping through the backward pass.
- ``explain(root, wrt)`` writes the chain rule for one input out: every path from ``root``
  to ``wrt`` with its local gradients, their rules and numbers, and the sum over paths
  (plain text with ``print``, typeset maths in Jupyter).

Without the ``dot`` program, drawing raises ``GraphvizNotFoundError`` (which says how to
install it); DOT output still works. Works the same for ``Value`` and ``Tensor`` graphs.
"""

from .dot import to_dot
from .errors import GraphTooLargeError, GraphvizFailedError, GraphvizNotFoundError
from .explain import Explanation, explain
from .render import render
from .steps import backprop_steps

__all__ = [
    "to_dot",
    "render",
    "backprop_steps",
    "explain",
    "Explanation",
    "GraphvizNotFoundError",
    "GraphvizFailedError",
    "GraphTooLargeError",
]

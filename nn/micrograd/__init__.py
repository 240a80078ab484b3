"""micrograd's API on this engine: change ``micrograd`` to ``nn.micrograd`` in the imports.

``from nn.micrograd.engine import Value`` and ``from nn.micrograd.nn import Neuron, Layer,
MLP`` (or ``from nn.micrograd import nn``) give what micrograd's ``demo.ipynb``,
``trace_graph.ipynb`` and ``test/test_engine.py`` use: ``Value`` with ``data``, ``grad``,
``_prev`` (the parents, a set) and ``_op`` (the operation's name, '' for a leaf), and
micrograd's scalar networks, their weights drawn from Python's ``random`` module as
micrograd draws them, so ``random.seed(1337)`` gives micrograd's weights.

There is one engine: ``engine.Value`` is ``autograd_core.Value`` and the networks are
``nn.Neuron``/``nn.Layer``/``nn.MLP`` with micrograd's constructors and printing. What
differs from micrograd is what this engine does better: ``backward()`` twice gives the right
gradients (leaves accumulate, interior nodes are recomputed), graphs of any depth work (no
recursion), numbers mixed into an expression are constants, and bad input is an error.
"""

from . import engine, nn

__all__ = ["engine", "nn"]

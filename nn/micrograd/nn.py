"""micrograd's ``nn`` module: ``Module``, ``Neuron``, ``Layer``, ``MLP`` with its signatures.

They are ``nn.Neuron``/``nn.Layer``/``nn.MLP`` (so they train with ``nn``'s losses and
optimisers, save with ``nn.save`` and draw with ``viz``) built the way micrograd builds
them: ``Neuron(nin, nonlin=True)``, ``Layer(nin, nout, **kwargs)`` (``kwargs`` go to each
``Neuron``), ``MLP(nin, nouts)`` (ReLU everywhere but the last layer), the weights drawn
from Python's ``random`` module (``random.uniform(-1, 1)``, one weight after another), and
micrograd's printing (``MLP of [Layer of [ReLUNeuron(2), ...], ...]``).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

import nn as _nn
from nn.init import RNG
from nn.module import Module as _Module
from nn.module import ModuleList
from nn.scalar import _positive

__all__ = ["Module", "Neuron", "Layer", "MLP"]


def _python_random() -> RNG:
    """The stream behind ``random.uniform`` and ``random.seed``: the module's functions are
    methods of one hidden ``random.Random``, which is what micrograd draws from."""
    stream: random.Random = random.uniform.__self__  # type: ignore[attr-defined]
    return stream


class Module(_Module):
    """micrograd's ``Module``: ``zero_grad()`` sets every gradient to 0, as micrograd does
    (``nn.Module``'s default, PyTorch's, sets them to None)."""

    def zero_grad(self, set_to_none: bool = False) -> None:
        """Every parameter's gradient to 0 (or to None with ``set_to_none=True``)."""
        super().zero_grad(set_to_none)


class Neuron(Module, _nn.Neuron):
    """micrograd's ``Neuron(nin, nonlin=True)``: ReLU unless ``nonlin`` is False."""

    def __init__(self, nin: int, nonlin: bool = True) -> None:
        super().__init__(nin, nonlin=bool(nonlin), rng=_python_random())

    @property
    def nonlin(self) -> bool:
        """micrograd's flag: True for a ReLU neuron, False for a linear one."""
        return self.activation is not None

    @nonlin.setter
    def nonlin(self, value: bool) -> None:
        self.activation = "relu" if value else None

    def __repr__(self) -> str:
        return f"{'ReLU' if self.nonlin else 'Linear'}Neuron({len(self.w)})"


class Layer(Module, _nn.Layer):
    """micrograd's ``Layer(nin, nout, **kwargs)``: ``nout`` ``Neuron(nin, **kwargs)``."""

    def __init__(self, nin: int, nout: int, **kwargs: Any) -> None:
        # nn.Layer.__init__ would build nn.Neurons; micrograd's are built here instead.
        _Module.__init__(self)
        _positive(nout, "nout", "Layer")
        self.neurons: ModuleList[Neuron] = ModuleList(  # type: ignore[assignment]
            Neuron(nin, **kwargs) for _ in range(nout)
        )

    def __repr__(self) -> str:
        return f"Layer of [{', '.join(repr(n) for n in self.neurons)}]"


class MLP(Module, _nn.MLP):
    """micrograd's ``MLP(nin, nouts)``: ReLU layers of sizes ``nouts``, the last linear."""

    def __init__(self, nin: int, nouts: Sequence[int]) -> None:
        # nn.MLP.__init__ would build nn.Layers; micrograd's are built here instead.
        _Module.__init__(self)
        if not nouts:
            raise ValueError("MLP: nouts must list at least one layer size")
        sizes = [nin, *nouts]
        last = len(nouts) - 1
        self.layers: ModuleList[Layer] = ModuleList(  # type: ignore[assignment]
            Layer(sizes[i], sizes[i + 1], nonlin=i != last) for i in range(len(nouts))
        )

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(repr(layer) for layer in self.layers)}]"

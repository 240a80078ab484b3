"""Scalar networks in the style of micrograd: ``Neuron``, ``Layer`` and ``MLP`` on ``Value``s.

They are ordinary Modules (same registration, names, state_dict, optimisers, losses) whose
parameters are ``ScalarParameter``s, so every multiply and add is its own node: the blog's
Part I neuron can be built, trained and drawn node by node. With ``fused=True`` each neuron's
weighted sum is one ``dot`` node instead: the same numbers, a graph of neurons rather than
of multiplications, and several times faster to train. Weights come from the same
initialisers as ``Linear``, row by row, so a scalar layer draws exactly the numbers a
``Linear`` of the same shape would.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Union

from autograd_core import Value, dot

from .init import RNG
from .init import weights as init_weights
from .layers import ACTIVATIONS, check_activation
from .module import Module, ModuleList, ParameterList, ScalarParameter

__all__ = ["Neuron", "Layer", "MLP"]

Input = Sequence[Union[Value, float]]


class Neuron(Module):
    """One neuron: ``activation(w[0]*x[0] + ... + w[n-1]*x[n-1] + b)``.

    ``activation`` is "sigmoid", "relu", "tanh", or None for a linear neuron. ``fused``
    computes the weighted sum as one ``dot`` node rather than a node per ``*`` and ``+``.
    """

    def __init__(
        self,
        nin: int,
        activation: str | None = "sigmoid",
        init: str = "plain",
        rng: RNG = None,
        fused: bool = False,
    ) -> None:
        super().__init__()
        row = init_weights(init, 1, nin, rng)[0]
        self.w: ParameterList[ScalarParameter] = ParameterList(
            ScalarParameter(float(x)) for x in row
        )
        self.b = ScalarParameter(0.0)
        self.activation = check_activation(activation)
        self.fused = fused

    def forward(self, x: Input) -> Value:
        """The neuron's output for one example ``x`` of ``nin`` numbers or Values."""
        # The list inside: len() and zip() on it skip two Python-level calls (hot path).
        params = self.w
        weights: Sequence[Value] = params._items if type(params) is ParameterList else list(params)
        if len(x) != len(weights):
            raise ValueError(f"Neuron({len(weights)} inputs): got an input of length {len(x)}")
        # The activation's function itself: activate() would also check for a list.
        apply = ACTIVATIONS[self.activation or "linear"]
        if self.fused:
            out: Value = apply(dot(weights, x, self.b))
            return out
        # Same order as the blog's W @ X + b: products summed left to right, then the bias.
        z = weights[0] * x[0]
        for w, xi in zip(weights[1:], x[1:]):
            z = z + w * xi
        out = apply(z + self.b)
        return out

    def scope_title(self) -> str:
        return f"Neuron({len(self.w)})"

    def extra_repr(self) -> str:
        fused = ", fused=True" if self.fused else ""
        return f"{len(self.w)} inputs, activation={self.activation!r}{fused}"


class Layer(Module):
    """``nout`` neurons reading the same ``nin`` inputs."""

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str | None = "sigmoid",
        init: str = "plain",
        rng: RNG = None,
        fused: bool = False,
    ) -> None:
        super().__init__()
        self.neurons: ModuleList[Neuron] = ModuleList(
            Neuron(nin, activation, init, rng, fused) for _ in range(nout)
        )

    def forward(self, x: Input) -> list[Value]:
        """One output per neuron."""
        return [neuron(x) for neuron in self.neurons]

    def scope_title(self) -> str:
        neurons = self.neurons._items
        return f"Layer({len(neurons[0].w) if neurons else 0}→{len(neurons)})"


class MLP(Module):
    """Layers of sizes ``nouts`` on ``nin`` inputs: ``activation`` in the hidden layers,
    ``output_activation`` (None: linear) in the last. ``MLP(2, [3, 1], init="xavier")`` is
    the blog's 2-3-1 sigmoid network; ``MLP(2, [16, 16, 1], "relu", None)`` is micrograd's.
    ``fused=True`` builds each neuron's weighted sum as one ``dot`` node (see ``Neuron``).
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str | None = "sigmoid",
        output_activation: str | None = "sigmoid",
        init: str = "plain",
        rng: RNG = None,
        fused: bool = False,
    ) -> None:
        super().__init__()
        if not nouts:
            raise ValueError("MLP: nouts must list at least one layer size")
        sizes = [nin, *nouts]
        last = len(nouts) - 1
        self.layers: ModuleList[Layer] = ModuleList(
            Layer(
                sizes[i],
                sizes[i + 1],
                output_activation if i == last else activation,
                init,
                rng,
                fused,
            )
            for i in range(len(nouts))
        )

    def scope_title(self) -> str:
        layers = self.layers._items
        sizes = [len(layers[0].neurons._items[0].w)] if layers and layers[0].neurons._items else []
        sizes += [len(layer.neurons._items) for layer in layers]
        return "MLP(" + "→".join(map(str, sizes)) + ")"

    def forward(self, x: Input) -> list[Value]:
        """The outputs of the last layer for one example ``x``."""
        out: list[Value] = self.layers[0](x)
        for layer in self.layers[1:]:
            out = layer(out)
        return out

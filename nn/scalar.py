"""Scalar networks in the style of micrograd: ``Neuron``, ``Layer`` and ``MLP`` on ``Value``s.

They take micrograd's arguments and defaults: ``MLP(2, [16, 16, 1])`` is micrograd's demo
network, ReLU in the hidden layers, a linear last layer, weights uniform on [-1, 1) (drawn
from NumPy's global stream, a ``numpy.random.Generator`` or a ``random.Random`` given as
``rng``), a single ``Value`` out of a single-neuron layer, and ``parameters()`` in
micrograd's order (each neuron's weights, then its bias). The blog's sigmoid networks say
so: ``MLP(2, [3, 1], "sigmoid", "sigmoid", init="xavier")``.

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
from .module import Module, ModuleList, ParameterLike, ParameterList, ScalarParameter

__all__ = ["Neuron", "Layer", "MLP"]

Input = Union[Sequence[Union[Value, float]], Value]
# An activation's name, None (linear), or micrograd's nonlin flag (True: "relu", False: None).
Activation = Union[str, None, bool]


def _activation(activation: Activation, nonlin: bool | None, where: str) -> str | None:
    """The activation name from ``activation`` and micrograd's ``nonlin``, checked."""
    if isinstance(activation, bool):  # micrograd's positional Neuron(nin, False)
        if nonlin is not None:
            raise TypeError(f"{where}: nonlin given twice (by position and by name)")
        return "relu" if activation else None
    if nonlin is None:
        return check_activation(activation)
    if activation != "relu":
        raise TypeError(
            f"{where}: give activation={activation!r} or micrograd's nonlin={nonlin!r}, "
            "not both (nonlin=True is activation='relu', nonlin=False is activation=None)"
        )
    return "relu" if nonlin else None


def _positive(n: object, what: str, where: str) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"{where}: {what} must be a positive integer, got {n!r}")
    return n


class _ScalarModule(Module):
    """What the three share: parameters listed in micrograd's order."""

    def named_parameters(self, prefix: str = "") -> list[tuple[str, ParameterLike]]:
        """Every parameter with its dotted name, each neuron's weights before its bias.

        A Module lists its own parameters before its sub-modules' (as PyTorch does), which
        would put a neuron's bias (its own) before its weights (a ``ParameterList``); here
        each module's own parameters come after its sub-modules', micrograd's order.
        """
        seen: set[int] = set()
        visited: set[int] = set()  # modules, each once (a shared one is listed where first met)
        result: list[tuple[str, ParameterLike]] = []
        # (dotted name, module, whether its sub-modules are already listed)
        stack: list[tuple[str, Module, bool]] = [(prefix, self, False)]
        while stack:
            name, module, children_done = stack.pop()
            if not children_done:
                if id(module) in visited:
                    continue
                visited.add(id(module))
                stack.append((name, module, True))
                stack.extend(
                    (f"{name}.{child_name}" if name else child_name, child, False)
                    for child_name, child in reversed(module._modules.items())
                )
                continue
            for param_name, p in module._parameters.items():
                if p is not None and id(p) not in seen:
                    seen.add(id(p))
                    result.append((f"{name}.{param_name}" if name else param_name, p))
        return result


class Neuron(_ScalarModule):
    """One neuron: ``activation(w[0]*x[0] + ... + w[n-1]*x[n-1] + b)``.

    ``activation`` is "relu" (the default, as micrograd's), "sigmoid", "tanh", or None for a
    linear neuron; micrograd's ``nonlin=False`` (or ``Neuron(nin, False)``) is None, and
    ``nonlin=True`` is "relu". ``init`` names the initialiser ("uniform": micrograd's;
    "plain", "xavier", "he": the blog's), ``rng`` the stream it draws from. ``fused``
    computes the weighted sum as one ``dot`` node rather than a node per ``*`` and ``+``.
    """

    def __init__(
        self,
        nin: int,
        activation: Activation = "relu",
        init: str = "uniform",
        rng: RNG = None,
        fused: bool = False,
        *,
        nonlin: bool | None = None,
    ) -> None:
        super().__init__()
        self.activation = _activation(activation, nonlin, "Neuron")
        row = init_weights(init, 1, nin, rng)[0]
        self.w: ParameterList[ScalarParameter] = ParameterList(
            ScalarParameter(float(x)) for x in row
        )
        self.b = ScalarParameter(0.0)
        self.fused = fused

    def forward(self, x: Input) -> Value:
        """The neuron's output for one example ``x`` of ``nin`` numbers or Values (a lone
        Value for one input, as a single-neuron layer gives)."""
        if isinstance(x, Value):
            x = (x,)
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


class Layer(_ScalarModule):
    """``nout`` neurons reading the same ``nin`` inputs; arguments as ``Neuron``'s.

    Calling it gives one Value per neuron, as a list, or the Value itself for one neuron
    (as micrograd's ``Layer``).
    """

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: Activation = "relu",
        init: str = "uniform",
        rng: RNG = None,
        fused: bool = False,
        *,
        nonlin: bool | None = None,
    ) -> None:
        super().__init__()
        activation = _activation(activation, nonlin, "Layer")
        _positive(nout, "nout", "Layer")
        self.neurons: ModuleList[Neuron] = ModuleList(
            Neuron(nin, activation, init, rng, fused) for _ in range(nout)
        )

    def forward(self, x: Input) -> Value | list[Value]:
        """One output per neuron; the Value itself for a single neuron."""
        out = [neuron(x) for neuron in self.neurons]
        return out[0] if len(out) == 1 else out

    def scope_title(self) -> str:
        neurons = self.neurons._items
        return f"Layer({len(neurons[0].w) if neurons else 0}→{len(neurons)})"


class MLP(_ScalarModule):
    """Layers of sizes ``nouts`` on ``nin`` inputs: ``activation`` (default "relu") in the
    hidden layers, ``output_activation`` (default None: linear) in the last, as micrograd's
    ``MLP(2, [16, 16, 1])``. The blog's 2-3-1 sigmoid network is
    ``MLP(2, [3, 1], "sigmoid", "sigmoid", init="xavier")``. ``init``, ``rng`` and
    ``fused`` are as for ``Neuron``.
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str | None = "relu",
        output_activation: str | None = None,
        init: str = "uniform",
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

    def forward(self, x: Input) -> Value | list[Value]:
        """The outputs of the last layer for one example ``x`` (a Value for one output)."""
        out: Value | list[Value] = self.layers[0](x)
        for layer in self.layers[1:]:
            out = layer(out)
        return out

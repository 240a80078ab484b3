"""Layers: ``Linear`` (batch-first ``x @ W.T + b``) and the activations."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd_core import Tensor, Value, linear

from .init import RNG
from .init import weights as init_weights
from .module import Module, Parameter

__all__ = [
    "Linear",
    "Sigmoid",
    "ReLU",
    "Tanh",
    "Identity",
    "ACTIVATIONS",
    "activate",
    "check_activation",
]


class Linear(Module):
    """Fully connected layer: ``x @ weight.T + bias`` on a batch ``x`` of shape (N, in).

    ``weight`` has shape (out_features, in_features) and ``bias`` (out_features,), as in
    PyTorch; ``init`` is "plain", "xavier" or "he" (see ``nn.init``).
    """

    weight: Parameter
    bias: Parameter | None

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        init: str = "plain",
        rng: RNG = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.init = init
        self.weight = Parameter(init_weights(init, out_features, in_features, rng), dtype=dtype)
        self.bias = Parameter(np.zeros(out_features), dtype=self.weight.dtype) if bias else None

    def forward(self, x: Tensor | np.ndarray) -> Tensor:
        """(N, in) -> (N, out); a single example of shape (in,) gives (out,)."""
        if not isinstance(x, Tensor):
            x = Tensor(x)
        if x.ndim == 0 or x.shape[-1] != self.in_features:
            raise ValueError(
                f"Linear(in_features={self.in_features}): input of shape {x.shape} needs last "
                f"axis {self.in_features}; inputs are batch-first (examples, features): "
                "transpose data laid out as (features, examples)"
            )
        return linear(x, self.weight, self.bias)  # x @ W.T + b, as one graph node

    def scope_title(self) -> str:
        return f"Linear({self.in_features}→{self.out_features})"

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}, init={self.init!r}"
        )


def _identity(x: Any) -> Any:
    return x


ACTIVATIONS = {
    "sigmoid": lambda x: x.sigmoid(),
    "relu": lambda x: x.relu(),
    "tanh": lambda x: x.tanh(),
    "linear": _identity,
}


def activate(name: str | None, x: Any) -> Any:
    """The activation ``name`` (None: identity) applied to a Tensor, Value or list of Values."""
    fn = ACTIVATIONS["linear" if name is None else name]
    if isinstance(x, (list, tuple)):
        return [fn(v) for v in x]
    return fn(x)


def check_activation(name: str | None) -> str | None:
    """``name`` if it is a known activation (or None), else a ValueError listing them."""
    if name is not None and name not in ACTIVATIONS:
        valid = ", ".join(repr(k) for k in ACTIVATIONS)
        raise ValueError(f"unknown activation {name!r}; valid names are {valid} or None")
    return name


class _Activation(Module):
    """An elementwise function with no parameters; works on Tensors, Values and lists of Values."""

    _name = "linear"

    def forward(self, x: Tensor | Value | list[Value]) -> Any:
        """The activation applied elementwise."""
        return activate(self._name, x)


class Sigmoid(_Activation):
    """1 / (1 + exp(-x)), elementwise (overflow-free)."""

    _name = "sigmoid"

    def forward(self, x: Tensor | Value | list[Value]) -> Any:
        """sigmoid(x)."""
        # The common case without the table look-up: this sits in every training step.
        return x.sigmoid() if isinstance(x, (Tensor, Value)) else activate("sigmoid", x)


class ReLU(_Activation):
    """max(0, x), elementwise."""

    _name = "relu"


class Tanh(_Activation):
    """tanh(x), elementwise."""

    _name = "tanh"


class Identity(_Activation):
    """x unchanged."""

    _name = "linear"

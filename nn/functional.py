"""The functions behind the layers, under PyTorch's names: ``from nn import functional as F``.

Each layer calls its function here, so a layer and its function are one implementation.
"""

from __future__ import annotations

from typing import Any

from autograd_core import (
    Tensor,
    celu,
    elu,
    gelu,
    hardsigmoid,
    hardswish,
    hardtanh,
    leaky_relu,
    linear,
    logsigmoid,
    mish,
    relu6,
    selu,
    sigmoid,
    silu,
    softplus,
    softsign,
    tanh,
)
from autograd_core import relu as _relu

from .conv import conv2d
from .dropout import dropout
from .embedding import embedding
from .flatten import flatten
from .losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    huber_loss,
    l1_loss,
    mse_loss,
    nll_loss,
    smooth_l1_loss,
)
from .normalization import batch_norm, layer_norm
from .pooling import avg_pool2d, max_pool2d
from .softmax import log_softmax, softmax

# The elementwise activations are autograd_core's operations themselves.
ACTIVATIONS = [
    "elu", "celu", "selu", "gelu", "silu", "mish", "softplus", "softsign", "logsigmoid",
    "leaky_relu", "hardtanh", "relu6", "hardsigmoid", "hardswish",
]  # fmt: skip

__all__ = [
    "elu",
    "celu",
    "selu",
    "gelu",
    "silu",
    "mish",
    "softplus",
    "softsign",
    "logsigmoid",
    "leaky_relu",
    "hardtanh",
    "relu6",
    "hardsigmoid",
    "hardswish",
    "relu",
    "sigmoid",
    "tanh",
    "softmax",
    "log_softmax",
    "dropout",
    "linear",
    "conv2d",
    "max_pool2d",
    "avg_pool2d",
    "batch_norm",
    "layer_norm",
    "embedding",
    "flatten",
    "cross_entropy",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "mse_loss",
    "l1_loss",
    "smooth_l1_loss",
    "huber_loss",
    "nll_loss",
]


def relu(input: Any, inplace: bool = False) -> Tensor:  # noqa: A002  # PyTorch's name
    """max(0, x), elementwise."""
    if inplace:
        raise ValueError(
            "relu: inplace=True is not supported (backward needs the input's numbers); "
            "write x = F.relu(x)"
        )
    return _relu(input)  # type: ignore[no-any-return]

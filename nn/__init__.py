"""nn: modules, layers, losses, initialisers and optimisers on ``autograd_core``.

One ``Module`` system serves array networks (``Linear`` on ``Tensor``s) and scalar ones
(``Neuron``/``Layer``/``MLP`` on ``Value``s); both train with the same losses and
optimisers, and every module call opens a scope named after the module so that graph
drawings can group nodes by layer. ``nn.micrograd`` is micrograd's API on the same engine.
"""

from . import init, optim
from .layers import Identity, Linear, ReLU, Sigmoid, Tanh
from .losses import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    MSELoss,
    SquaredErrorLoss,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    mse,
    squared_error,
)
from .module import (
    LoadResult,
    Module,
    ModuleList,
    Parameter,
    ParameterList,
    ScalarParameter,
    Sequential,
)
from .optim import SGD, Adam
from .scalar import MLP, Layer, Neuron
from .serialization import load, save

__all__ = [
    "init",
    "optim",
    "Module",
    "ModuleList",
    "ParameterList",
    "Sequential",
    "Parameter",
    "ScalarParameter",
    "LoadResult",
    "Linear",
    "Sigmoid",
    "ReLU",
    "Tanh",
    "Identity",
    "Neuron",
    "Layer",
    "MLP",
    "squared_error",
    "mse",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "SquaredErrorLoss",
    "MSELoss",
    "BCELoss",
    "BCEWithLogitsLoss",
    "CrossEntropyLoss",
    "SGD",
    "Adam",
    "save",
    "load",
]

"""nn: modules, layers, losses, initialisers and optimisers on ``autograd_core``.

One ``Module`` system serves array networks (``Linear`` on ``Tensor``s) and scalar ones
(``Neuron``/``Layer``/``MLP`` on ``Value``s); both train with the same losses and
optimisers, and every module call opens a scope named after the module so that graph
drawings can group nodes by layer. ``nn.micrograd`` is micrograd's API on the same engine.
"""

from . import data, functional, init, optim, utils
from .conv import Conv2d
from .dropout import Dropout
from .embedding import Embedding
from .flatten import Flatten
from .layers import Identity, Linear, ReLU, Sigmoid, Tanh
from .losses import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    HuberLoss,
    L1Loss,
    MSELoss,
    NLLLoss,
    SmoothL1Loss,
    SquaredErrorLoss,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    huber_loss,
    l1_loss,
    mse,
    mse_loss,
    nll_loss,
    smooth_l1_loss,
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
from .normalization import BatchNorm1d, LayerNorm
from .onnx_export import export_onnx
from .optim import SGD, Adam, AdamW, RMSprop
from .pooling import AvgPool2d, MaxPool2d
from .scalar import MLP, Layer, Neuron
from .serialization import load, save
from .softmax import LogSoftmax, Softmax
from .torch_interop import from_torch, load_torch_state_dict, to_torch, torch_state_dict

__all__ = [
    "functional",
    "init",
    "data",
    "optim",
    "utils",
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
    "Conv2d",
    "MaxPool2d",
    "AvgPool2d",
    "BatchNorm1d",
    "LayerNorm",
    "Dropout",
    "Embedding",
    "Flatten",
    "Softmax",
    "LogSoftmax",
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
    "mse_loss",
    "l1_loss",
    "smooth_l1_loss",
    "huber_loss",
    "nll_loss",
    "L1Loss",
    "SmoothL1Loss",
    "HuberLoss",
    "NLLLoss",
    "SGD",
    "Adam",
    "AdamW",
    "RMSprop",
    "save",
    "load",
    "export_onnx",
    "to_torch",
    "from_torch",
    "torch_state_dict",
    "load_torch_state_dict",
]

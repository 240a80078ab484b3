"""autograd_core: a small reverse-mode automatic differentiation engine.

``Value`` is a scalar node on Python floats and ``Tensor`` an array node on NumPy; one
engine (``autograd_core.engine``) backpropagates through graphs of either.
"""

from .context import (
    call_in_scope,
    current_scope,
    detect_anomaly,
    enable_grad,
    is_anomaly_enabled,
    is_grad_enabled,
    no_grad,
    scope,
)
from .engine import topological_order
from .functional import grad, value_and_grad
from .tensor import Tensor, concatenate, linear, maximum, minimum, stack, where
from .value import Value, dot

__all__ = [
    "Value",
    "dot",
    "Tensor",
    "concatenate",
    "stack",
    "where",
    "maximum",
    "minimum",
    "linear",
    "no_grad",
    "enable_grad",
    "is_grad_enabled",
    "scope",
    "current_scope",
    "call_in_scope",
    "detect_anomaly",
    "is_anomaly_enabled",
    "topological_order",
    "grad",
    "value_and_grad",
]

__version__ = "0.1.0"

"""The functional view: ``grad(f)`` and ``value_and_grad(f)``, composable like JAX's.

At the top level, numbers and arrays passed in give numbers and arrays back. Values and
Tensors passed in, or any call made while an outer ``grad`` evaluates its function, give
differentiable Values and Tensors back: that is what lets ``grad(grad(f))`` work, also when
the inner function closes over the outer one's variables. No ``.grad`` attribute of any
existing node is changed.
"""

from __future__ import annotations

import functools
import numbers
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from typing import Any, Union

import numpy as np

from . import engine
from .context import enable_grad
from .tensor import Tensor
from .tensor import _alias as _tensor_alias
from .value import Value
from .value import _alias as _value_alias

__all__ = ["grad", "value_and_grad"]

ArgNums = Union[int, Sequence[int]]

# How many grad evaluations enclose the current call (per thread): inside one, results must
# stay differentiable because the outer function may depend on them.
_DEPTH: ContextVar[int] = ContextVar("autograd_core_grad_depth", default=0)


def _as_input(arg: Any, position: int) -> tuple[Any, bool]:
    """(node to differentiate with respect to, whether the caller gave a plain number/array)."""
    # A node passed in is differentiated through an alias of its own, so the same node at two
    # positions gets two partial derivatives (as in JAX), and the walk stops at the alias.
    if isinstance(arg, Value):
        return (_value_alias(arg), False) if not arg.is_constant else (Value(arg.data), True)
    if isinstance(arg, Tensor):
        if arg.requires_grad:
            return _tensor_alias(arg), False
        return Tensor(arg.data, requires_grad=True), True
    if isinstance(arg, numbers.Real) and not isinstance(arg, bool):
        return Value(float(arg)), True
    if isinstance(arg, (np.ndarray, list, tuple)):
        array = np.asarray(arg)
        dtype = array.dtype if array.dtype.kind == "f" else np.float64
        return Tensor(array, requires_grad=True, dtype=dtype), True
    raise TypeError(
        f"grad: argument {position} must be a number, array, Value or Tensor to be "
        f"differentiated, got {type(arg).__name__}"
    )


def _plain(node_grad: Any, node: Any, raw: bool) -> Any:
    """A gradient in the form its input came in (zeros where the output ignores the input)."""
    if node_grad is None:
        node_grad = np.zeros(node.shape, dtype=node.dtype)
    if not raw:
        return node_grad
    if isinstance(node_grad, (Value, Tensor)):
        return node_grad.data
    return node_grad


def value_and_grad(f: Callable[..., Any], argnums: ArgNums = 0) -> Callable[..., tuple[Any, Any]]:
    """``f`` turned into a function returning (f(*args), d f / d args[argnums]).

    ``f`` must return a scalar Value or a one-element Tensor. With a tuple ``argnums`` the
    gradient is a tuple, one entry per argument.
    """
    single = isinstance(argnums, int)
    positions = (argnums,) if isinstance(argnums, int) else tuple(argnums)

    @functools.wraps(f)
    def wrapped(*args: Any, **kwargs: Any) -> tuple[Any, Any]:
        for i in positions:
            if not -len(args) <= i < len(args):
                raise IndexError(f"grad: argnums {i} is out of range for {len(args)} arguments")
        call_args = list(args)
        inputs: list[Any] = []
        raws: list[bool] = []
        for i in positions:
            node, raw = _as_input(args[i], i)
            call_args[i] = node
            inputs.append(node)
            raws.append(raw)
        nested = not all(raws) or _DEPTH.get() > 0
        token = _DEPTH.set(_DEPTH.get() + 1)
        try:
            with enable_grad():
                out = f(*call_args, **kwargs)
        finally:
            _DEPTH.reset(token)
        if not isinstance(out, (Value, Tensor)):
            raise TypeError(
                f"grad: the function must return a Value or Tensor, got {type(out).__name__}"
            )
        if isinstance(out, Tensor) and out.size != 1:
            raise ValueError(
                f"grad: the function must return one number, got a Tensor of shape {out.shape}; "
                "reduce it (e.g. .sum())"
            )
        if out.is_leaf and all(out is not node for node in inputs):
            grads = [None if isinstance(n, Tensor) else 0.0 for n in inputs]
        else:
            grads = engine.gradients(out, inputs, create_graph=nested)
        results = [_plain(g, n, raw and not nested) for g, n, raw in zip(grads, inputs, raws)]
        value = (
            out
            if nested
            else (
                out.data
                if isinstance(out, Value)
                else out.data.reshape(()).item()
                if out.data.ndim == 0
                else out.data
            )
        )
        return value, (results[0] if single else tuple(results))

    return wrapped


def grad(f: Callable[..., Any], argnums: ArgNums = 0) -> Callable[..., Any]:
    """``f`` turned into a function returning d f / d args[argnums] (composable)."""
    both = value_and_grad(f, argnums)

    @functools.wraps(f)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        return both(*args, **kwargs)[1]

    return wrapped

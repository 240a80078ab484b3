"""Gradient clipping, as PyTorch's ``clip_grad_norm_`` and ``clip_grad_value_``, for Tensor
and Value parameters alike.

A clipped gradient is a new array (or float) put in ``.grad``, not the old array scaled in
place: the engine may have handed one array to several nodes, and scaling it in place would
scale each of them. A gradient that is a node (after ``backward(create_graph=True)``) is
replaced by its clipped numbers.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Iterable
from typing import Any, Union

import numpy as np

from autograd_core import Tensor, Value

__all__ = ["clip_grad_norm_", "clip_grad_value_"]

Params = Union[Tensor, Value, Iterable[Union[Tensor, Value]]]


def _with_grads(parameters: Params, name: str) -> list[tuple[Any, Any]]:
    """(parameter, gradient as numbers) for each parameter that has a gradient."""
    params = [parameters] if isinstance(parameters, (Tensor, Value)) else list(parameters)
    pairs = []
    for i, p in enumerate(params):
        if not isinstance(p, (Tensor, Value)):
            raise TypeError(f"{name}: parameter {i} is a {type(p).__name__}, not a Tensor or Value")
        g = p.grad
        if g is None:
            continue
        pairs.append((p, g.data if isinstance(g, (Tensor, Value)) else g))
    return pairs


def _set(p: Any, grad: Any) -> None:
    p.grad = grad if isinstance(p, Tensor) else float(grad)


def _real(name: str, what: str, x: Any) -> float:
    if not isinstance(x, numbers.Real) or isinstance(x, bool):
        raise TypeError(f"{name}: {what} must be a number, got {x!r}")
    return float(x)


def clip_grad_norm_(
    parameters: Params,
    max_norm: float,
    norm_type: float | str = 2.0,
    error_if_nonfinite: bool = False,
) -> Tensor:
    """Scale all gradients together so that their joint ``norm_type``-norm is at most
    ``max_norm``; returns that norm before clipping, as a 0-d Tensor (as PyTorch).

    The norm is the ``norm_type``-norm of the per-parameter norms (``inf``: the largest
    absolute entry); every gradient is multiplied by ``min(1, max_norm / (norm + 1e-6))``.
    Parameters without a gradient are skipped; with none at all the norm is 0. A total norm
    of inf or nan (some gradient holds one) raises with ``error_if_nonfinite``; without it
    the gradients are scaled all the same, as PyTorch does, and a RuntimeWarning says so.
    """
    name = "clip_grad_norm_"
    max_norm = _real(name, "max_norm", max_norm)
    if max_norm < 0:
        raise ValueError(f"{name}: max_norm must be non-negative, got {max_norm}")
    try:
        p_norm = float(norm_type)
    except (TypeError, ValueError):
        raise ValueError(
            f"{name}: norm_type must be a number or 'inf', got {norm_type!r}"
        ) from None
    pairs = _with_grads(parameters, name)
    if not pairs:
        return Tensor(0.0)
    dtype = np.result_type(*(np.asarray(g).dtype for _, g in pairs))
    norms = np.array([np.linalg.norm(np.ravel(g), p_norm) for _, g in pairs], dtype=dtype)
    total = norms.dtype.type(np.linalg.norm(norms, p_norm))
    if not math.isfinite(total):
        message = (
            f"{name}: the total norm of the gradients is {total} (a gradient holds an inf or "
            "nan), so clipping them is meaningless"
        )
        if error_if_nonfinite:
            raise RuntimeError(message + "; skip this step, or find where the gradient overflows")
        warnings.warn(
            message + "; they were scaled all the same, as PyTorch does (pass "
            "error_if_nonfinite=True to raise instead)",
            RuntimeWarning,
            stacklevel=2,
        )
    # PyTorch multiplies by the clamped coefficient even when it is 1: the same numbers.
    coef = min(max_norm / (total + 1e-6), 1.0)
    with np.errstate(invalid="ignore"):  # inf * 0 when the norm is inf: warned above
        for p, g in pairs:
            _set(p, g * np.asarray(coef, dtype=np.asarray(g).dtype))
    return Tensor(np.asarray(total, dtype=dtype))


def clip_grad_value_(parameters: Params, clip_value: float) -> None:
    """Clamp every gradient entry into ``[-clip_value, clip_value]`` (nan stays nan)."""
    name = "clip_grad_value_"
    clip = _real(name, "clip_value", clip_value)
    if clip < 0:
        raise ValueError(f"{name}: clip_value must be non-negative, got {clip}")
    for p, g in _with_grads(parameters, name):
        _set(p, np.clip(g, -clip, clip))

"""HIPS autograd: differentiates plain functions of NumPy arrays (``autograd.numpy``)."""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import autograd.numpy as anp
import numpy as np
from autograd import grad, value_and_grad
from autograd.tracer import getval

from ..data import MLPProblem

__all__ = [
    "NAME",
    "VERSION",
    "add_step",
    "sum_add_step",
    "xor_trainer",
    "xor_user_trainer",
    "mlp_trainer",
]

NAME = "autograd"
try:
    VERSION = version("autograd")
except PackageNotFoundError:
    VERSION = "unknown"

Step = Callable[[], Any]


def _sigmoid(z: Any) -> Any:
    # autograd.scipy.special.expit would need SciPy; this is the blog's own formula.
    return 1.0 / (1.0 + anp.exp(-z))


def add_step() -> Step:
    """P0: d(a + b)/da and d(a + b)/db for 1-element arrays (forward and backward)."""
    a, b = np.ones(1), np.full(1, 2.0)
    both = grad(lambda u, v: u + v, argnum=(0, 1))

    def step() -> Any:
        return both(a, b)

    return step


Layer = Callable[[Any, Any, Any], Any]


def _xor_sgd(
    params: list[np.ndarray], x: np.ndarray, y: np.ndarray, lr: float, layer: Layer
) -> Step:
    """T1's training step with ``layer(a, W, b)`` as each layer; the layouts differ only there."""
    ps = [p.copy() for p in params]
    half_inv_m = 1.0 / (2 * y.size)  # y holds one number per example in either layout

    def cost(params: list[Any]) -> Any:
        w1, b1, w2, b2 = params
        a2 = layer(layer(x, w1, b1), w2, b2)
        return anp.sum((y - a2) ** 2) * half_inv_m

    cost_and_grads = value_and_grad(cost)

    def step() -> Any:
        value, grads = cost_and_grads(ps)
        for p, g in zip(ps, grads):
            p -= lr * g
        return value

    return step


def sum_add_step() -> Step:
    """P0 as users write it: the sum of ``a + b`` and both gradients, (total, da, db)."""
    a, b = np.ones(1), np.full(1, 2.0)
    total_and_grads = value_and_grad(lambda u, v: anp.sum(u + v), argnum=(0, 1))

    def step() -> Any:
        total, (da, db) = total_and_grads(a, b)
        return total, da, db

    return step


def xor_trainer(params: list[np.ndarray], x: np.ndarray, y: np.ndarray, lr: float) -> Step:
    """T1: the blog's XOR network as a function of its parameter list (W @ X + b)."""
    return _xor_sgd(params, x, y, lr, lambda a, w, b: _sigmoid(anp.dot(w, a) + b))


def xor_user_trainer(params: list[np.ndarray], x: np.ndarray, y: np.ndarray, lr: float) -> Step:
    """T1 as users write it: examples in rows, ``sigmoid(x @ W.T + b)`` per layer."""
    return _xor_sgd(params, x, y, lr, lambda a, w, b: _sigmoid(anp.dot(a, w.T) + b))


def mlp_trainer(problem: MLPProblem) -> Step:
    """T2: the ReLU MLP with log-softmax cross-entropy via ``logsumexp``."""
    ps = [p.copy() for p in problem.params]
    x, onehot, lr = problem.x, problem.onehot, problem.lr
    scale = -1.0 / x.shape[0]

    def loss(params: list[Any]) -> Any:
        w1, b1, w2, b2, w3, b3 = params
        a1 = anp.maximum(anp.dot(x, w1) + b1, 0.0)
        a2 = anp.maximum(anp.dot(a1, w2) + b2, 0.0)
        z = anp.dot(a2, w3) + b3
        # Stable log-softmax; the shift is a constant (getval) because its gradient
        # cancels exactly, and autograd's own logsumexp would need SciPy.
        shifted = z - np.max(getval(z), axis=1, keepdims=True)
        logp = shifted - anp.log(anp.sum(anp.exp(shifted), axis=1, keepdims=True))
        return anp.sum(logp * onehot) * scale

    loss_and_grads = value_and_grad(loss)

    def step() -> Any:
        value, grads = loss_and_grads(ps)
        for p, g in zip(ps, grads):
            p -= lr * g
        return value

    return step

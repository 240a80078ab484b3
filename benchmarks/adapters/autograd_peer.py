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

__all__ = ["NAME", "VERSION", "add_step", "xor_trainer", "mlp_trainer"]

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


def xor_trainer(params: list[np.ndarray], x: np.ndarray, y: np.ndarray, lr: float) -> Step:
    """T1: the blog's XOR network as a function of its parameter list."""
    ps = [p.copy() for p in params]
    half_inv_m = 1.0 / (2 * x.shape[1])

    def cost(params: list[Any]) -> Any:
        w1, b1, w2, b2 = params
        a1 = _sigmoid(anp.dot(w1, x) + b1)
        a2 = _sigmoid(anp.dot(w2, a1) + b2)
        return anp.sum((y - a2) ** 2) * half_inv_m

    cost_and_grads = value_and_grad(cost)

    def step() -> Any:
        value, grads = cost_and_grads(ps)
        for p, g in zip(ps, grads):
            p -= lr * g
        return value

    return step


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

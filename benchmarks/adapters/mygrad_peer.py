"""MyGrad: a NumPy-backed autodiff library; arrays go in, Tensors come out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import mygrad as mg
import numpy as np
from mygrad.nnet.activations import relu, sigmoid
from mygrad.nnet.losses import softmax_crossentropy

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

NAME = "MyGrad"
VERSION = mg.__version__

Step = Callable[[], Any]


def _update(params: list[Any], lr: float) -> None:
    # After backward MyGrad has released its graph, so the arrays are writeable again;
    # updating .data in place is how its own examples do SGD.
    for p in params:
        p.data -= lr * p.grad


def add_step() -> Step:
    """P0: one add of 1-element tensors, forward and backward.

    MyGrad nulls a tensor's gradient when it enters a new operation, so there is no
    explicit zeroing.
    """
    a = mg.tensor(np.ones(1))
    b = mg.tensor(np.full(1, 2.0))

    def step() -> Any:
        out = a + b
        out.backward()
        return out

    return step


Layer = Callable[[Any, Any, Any], Any]


def _xor_sgd(
    params: list[np.ndarray], x: np.ndarray, y: np.ndarray, lr: float, layer: Layer
) -> Step:
    """T1's training step with ``layer(a, W, b)`` as each layer; the layouts differ only there."""
    ps = [mg.tensor(p.copy()) for p in params]
    w1, b1, w2, b2 = ps
    half_inv_m = 1.0 / (2 * y.size)  # y holds one number per example in either layout

    def step() -> Any:
        a2 = layer(layer(x, w1, b1), w2, b2)
        cost = mg.sum((y - a2) ** 2) * half_inv_m
        cost.backward()
        _update(ps, lr)
        return cost

    return step


def sum_add_step() -> Step:
    """P0 as users write it: ``(a + b).sum().backward()``; returns (total, a.grad, b.grad)."""
    a = mg.tensor(np.ones(1))
    b = mg.tensor(np.full(1, 2.0))

    def step() -> Any:
        total = mg.sum(a + b)
        total.backward()
        return total, a.grad, b.grad

    return step


def xor_trainer(params: list[np.ndarray], x: np.ndarray, y: np.ndarray, lr: float) -> Step:
    """T1: the blog's XOR network, in the blog's layout (W @ X + b)."""
    return _xor_sgd(params, x, y, lr, lambda a, w, b: sigmoid(mg.matmul(w, a) + b))


def xor_user_trainer(params: list[np.ndarray], x: np.ndarray, y: np.ndarray, lr: float) -> Step:
    """T1 as users write it: examples in rows, ``sigmoid(x @ W.T + b)`` per layer."""
    return _xor_sgd(params, x, y, lr, lambda a, w, b: sigmoid(mg.matmul(a, w.T) + b))


def mlp_trainer(problem: MLPProblem) -> Step:
    """T2: the ReLU MLP with MyGrad's fused softmax cross-entropy."""
    ps = [mg.tensor(p.copy()) for p in problem.params]
    w1, b1, w2, b2, w3, b3 = ps
    x, labels, lr = problem.x, problem.labels, problem.lr

    def step() -> Any:
        a1 = relu(mg.matmul(x, w1) + b1)
        a2 = relu(mg.matmul(a1, w2) + b2)
        loss = softmax_crossentropy(mg.matmul(a2, w3) + b3, labels)
        loss.backward()
        _update(ps, lr)
        return loss

    return step

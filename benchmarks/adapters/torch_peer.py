"""PyTorch in eager mode on the CPU, written as its users would write it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from ..data import MLPProblem

__all__ = [
    "NAME",
    "VERSION",
    "configure_threads",
    "chain",
    "add_step",
    "sum_add_step",
    "xor_trainer",
    "xor_user_trainer",
    "mlp_trainer",
]

NAME = "PyTorch"
VERSION = torch.__version__

Step = Callable[[], Any]


def configure_threads(threads: int) -> None:
    """Intra-op (and, where still allowed, inter-op) threads; see benchmarks.threads."""
    torch.set_num_threads(threads)
    try:
        torch.set_num_interop_threads(threads)
    except RuntimeError:
        pass  # only settable before the first parallel work; the default is harmless here


def _params(arrays: list[np.ndarray]) -> list[torch.Tensor]:
    return [torch.tensor(a, requires_grad=True) for a in arrays]


def chain(n: int) -> tuple[torch.Tensor, torch.Tensor]:
    """S2 on 0-d float64 tensors; returns (x, y), so the graph is freed by the caller."""
    x = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
    y = x
    for _ in range(n):
        y = y * 1.0001 + 0.0001
    y.backward()
    return x, y


def _leaves() -> tuple[torch.Tensor, torch.Tensor]:
    """P0's two 1-element float64 leaves, a = [1] and b = [2]."""
    a = torch.ones(1, dtype=torch.float64, requires_grad=True)
    return a, torch.full((1,), 2.0, dtype=torch.float64, requires_grad=True)


def add_step() -> Step:
    """P0: one add of 1-element float64 tensors, forward and backward."""
    a, b = _leaves()

    def step() -> Any:
        a.grad = None
        b.grad = None
        out = a + b
        out.backward()
        return out

    return step


def sum_add_step() -> Step:
    """P0 as users write it: ``(a + b).sum().backward()``; returns (total, a.grad, b.grad)."""
    a, b = _leaves()

    def step() -> Any:
        a.grad = None
        b.grad = None
        total = (a + b).sum()
        total.backward()
        return total, a.grad, b.grad

    return step


Layer = Callable[[Any, Any, Any], Any]


def _xor_sgd(
    params: list[np.ndarray], x: np.ndarray, y: np.ndarray, lr: float, layer: Layer
) -> Step:
    """T1's training step with ``layer(a, W, b)`` as each layer; the layouts differ only there."""
    ps = _params(params)
    w1, b1, w2, b2 = ps
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    half_inv_m = 1.0 / (2 * y.size)  # y holds one number per example in either layout

    def step() -> Any:
        a2 = layer(layer(xt, w1, b1), w2, b2)
        cost = ((yt - a2) ** 2).sum() * half_inv_m
        for p in ps:
            p.grad = None
        cost.backward()
        with torch.no_grad():
            for p in ps:
                p -= lr * p.grad  # type: ignore[operator]  # set by backward()
        return cost

    return step


def xor_trainer(params: list[np.ndarray], x: np.ndarray, y: np.ndarray, lr: float) -> Step:
    """T1: the blog's XOR network, in the blog's layout (W @ X + b)."""
    return _xor_sgd(params, x, y, lr, lambda a, w, b: torch.sigmoid(w @ a + b))


def xor_user_trainer(params: list[np.ndarray], x: np.ndarray, y: np.ndarray, lr: float) -> Step:
    """T1 as users write it: examples in rows, ``(x @ W.T + b).sigmoid()`` per layer."""
    return _xor_sgd(params, x, y, lr, lambda a, w, b: (a @ w.T + b).sigmoid())


def mlp_trainer(problem: MLPProblem) -> Step:
    """T2: the ReLU MLP with the fused ``F.cross_entropy`` (its idiomatic, fastest form)."""
    ps = _params(problem.params)
    w1, b1, w2, b2, w3, b3 = ps
    xt = torch.from_numpy(problem.x)
    labels = torch.from_numpy(problem.labels)
    lr = problem.lr

    def step() -> Any:
        a1 = torch.relu(xt @ w1 + b1)
        a2 = torch.relu(a1 @ w2 + b2)
        loss = F.cross_entropy(a2 @ w3 + b3, labels)
        for p in ps:
            p.grad = None
        loss.backward()
        with torch.no_grad():
            for p in ps:
                p -= lr * p.grad  # type: ignore[operator]  # set by backward()
        return loss

    return step

"""The floor: each network written by hand in NumPy, as the seed blog does.

Forward pass, hand-derived backward pass, in-place SGD update; no graph, no bookkeeping.
An autodiff library cannot beat this except by fusing operations, so "x times the floor"
is the price of automatic differentiation. Every trainer returns a ``step()`` closure that
trains once and returns the loss computed in that step's forward pass.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .data import MLPProblem, ScalarMLPInit

__all__ = [
    "scalar_mlp_trainer",
    "xor_trainer",
    "xor_user_trainer",
    "mlp_trainer",
    "add_by_hand",
    "sum_add_by_hand",
    "chain_by_hand",
]

Step = Callable[[], object]


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def scalar_mlp_trainer(
    init: ScalarMLPInit, points: list[list[float]], labels: list[float], alpha: float = 1e-4
) -> Step:
    """S1's demo step vectorised over the 100 points (the scalar engines' reference loss)."""
    params: list[np.ndarray] = []
    for weights, biases in init:
        params += [np.array(weights), np.array(biases)]
    w1, b1, w2, b2, w3, b3 = params
    x = np.array(points)
    y = np.array(labels)
    inv_n = 1.0 / len(labels)
    count = 0

    def step() -> object:
        nonlocal count
        z1 = x @ w1.T + b1
        a1 = np.maximum(z1, 0.0)
        z2 = a1 @ w2.T + b2
        a2 = np.maximum(z2, 0.0)
        scores = (a2 @ w3.T + b3)[:, 0]
        margins = 1.0 - y * scores
        data_loss = np.sum(np.maximum(margins, 0.0)) * inv_n
        total = data_loss + alpha * sum(np.sum(p * p) for p in params)
        # max-margin: d/d score = -y / n where the margin is positive
        ds = (-y * inv_n * (margins > 0))[:, None]
        dz2 = (ds @ w3) * (z2 > 0)
        dz1 = (dz2 @ w2) * (z1 > 0)
        grads = (dz1.T @ x, dz1.sum(0), dz2.T @ a1, dz2.sum(0), ds.T @ a2, ds.sum(0))
        lr = 1.0 - 0.9 * (count % 100) / 100
        for p, g in zip(params, grads):
            p -= lr * (g + 2.0 * alpha * p)
        count += 1
        return total

    return step


def xor_trainer(params: list[np.ndarray], x: np.ndarray, y: np.ndarray, lr: float) -> Step:
    """The blog's 2-3-1 sigmoid network with the cost (1/(2m)) * sum((Y - Y_hat)^2)."""
    params = [p.copy() for p in params]
    w1, b1, w2, b2 = params
    m = x.shape[1]
    half_inv_m = 1.0 / (2 * m)

    def step() -> object:
        # forward
        a1 = _sigmoid(w1 @ x + b1)
        a2 = _sigmoid(w2 @ a1 + b2)
        diff = y - a2
        cost = half_inv_m * np.sum(np.square(diff))
        # backward: dCost/dA2 = -(Y - A2)/m, sigmoid' = A (1 - A)
        dz2 = (-diff / m) * a2 * (1.0 - a2)
        dw2 = dz2 @ a1.T
        db2 = np.sum(dz2, axis=1, keepdims=True)
        dz1 = (w2.T @ dz2) * a1 * (1.0 - a1)
        dw1 = dz1 @ x.T
        db1 = np.sum(dz1, axis=1, keepdims=True)
        # update in place, as the autodiff contenders do
        for p, g in zip(params, (dw1, db1, dw2, db2)):
            p -= lr * g
        return cost

    return step


def xor_user_trainer(params: list[np.ndarray], x: np.ndarray, y: np.ndarray, lr: float) -> Step:
    """The same network with examples in rows (``data.xor_user_written``): ``x @ W.T + b``."""
    params = [p.copy() for p in params]
    w1, b1, w2, b2 = params
    m = x.shape[0]
    half_inv_m = 1.0 / (2 * m)

    def step() -> object:
        a1 = _sigmoid(x @ w1.T + b1)
        a2 = _sigmoid(a1 @ w2.T + b2)
        diff = y - a2
        cost = half_inv_m * np.sum(np.square(diff))
        # backward, rows being examples: a bias's gradient sums over them
        dz2 = (-diff / m) * a2 * (1.0 - a2)
        dz1 = (dz2 @ w2) * a1 * (1.0 - a1)
        grads = (dz1.T @ x, dz1.sum(axis=0), dz2.T @ a1, dz2.sum(axis=0))
        for p, g in zip(params, grads):
            p -= lr * g
        return cost

    return step


def mlp_trainer(problem: MLPProblem) -> Step:
    """The T2 ReLU MLP with softmax cross-entropy (mean over the batch), batch-first."""
    params = [p.copy() for p in problem.params]
    w1, b1, w2, b2, w3, b3 = params
    x, labels, lr = problem.x, problem.labels, problem.lr
    batch = x.shape[0]
    rows = np.arange(batch)
    inv_batch = 1.0 / batch

    def step() -> object:
        z1 = x @ w1 + b1
        a1 = np.maximum(z1, 0)
        z2 = a1 @ w2 + b2
        a2 = np.maximum(z2, 0)
        z3 = a2 @ w3 + b3
        shifted = z3 - z3.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        total = e.sum(axis=1, keepdims=True)
        logp = shifted - np.log(total)
        loss = -logp[rows, labels].sum() * inv_batch
        # d loss / d z3 = (softmax - onehot) / batch
        dz3 = e / total
        dz3[rows, labels] -= 1.0
        dz3 *= inv_batch
        dw3 = a2.T @ dz3
        db3 = dz3.sum(axis=0)
        dz2 = (dz3 @ w3.T) * (z2 > 0)
        dw2 = a1.T @ dz2
        db2 = dz2.sum(axis=0)
        dz1 = (dz2 @ w2.T) * (z1 > 0)
        dw1 = x.T @ dz1
        db1 = dz1.sum(axis=0)
        for p, g in zip(params, (dw1, db1, dw2, db2, dw3, db3)):
            p -= lr * g
        return loss

    return step


def add_by_hand(a: np.ndarray, b: np.ndarray) -> Callable[[], tuple[np.ndarray, ...]]:
    """P0's floor: ``a + b`` and its gradients, as an engine must produce them.

    The seed is an array of ones; each input gets its own copy because a gradient the
    user may modify in place must not alias another's.
    """

    def step() -> tuple[np.ndarray, ...]:
        out = a + b
        seed = np.ones_like(out)
        return out, seed.copy(), seed.copy()

    return step


def sum_add_by_hand(a: np.ndarray, b: np.ndarray) -> Callable[[], tuple[object, ...]]:
    """P0's user-written form by hand: ``(a + b).sum()`` and both leaves' gradients.

    The sum spreads its seed of 1 over the elements: each gradient is ones in its leaf's
    shape, in an array of its own (see ``add_by_hand``).
    """

    def step() -> tuple[object, ...]:
        total = (a + b).sum()
        grad = np.ones_like(a)
        return total, grad, grad.copy()

    return step


def chain_by_hand(n: int) -> tuple[float, float]:
    """S2's chain x -> x*1.0001 + 0.0001 from x = 1 on floats: (y, dy/dx).

    The derivative is multiplied in the order backpropagation visits the chain, so an
    engine's result must agree to the last bit.
    """
    y = 1.0
    for _ in range(n):
        y = y * 1.0001 + 0.0001
    grad = 1.0
    for _ in range(n):
        grad = grad * 1.0001
    return y, grad

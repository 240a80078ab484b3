"""The blog's training loop on our engine: full-batch gradient descent on the squared-error cost.

Per epoch: forward, cost (logged before the update, as the blog logs it), ``backward()``,
then one SGD step. The gradients come from the engine, not from hand-written derivatives.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import nn
from autograd_core import Tensor, no_grad, traced

from .common import DemoContext

__all__ = ["train", "weight_and_bias", "predict", "cost_of", "accuracy"]

StepHook = Callable[[int, Tensor], None]


def train(
    model: Any,
    X: np.ndarray,
    Y: np.ndarray,
    *,
    epochs: int,
    lr: float,
    ctx: DemoContext,
    loss: Callable[..., Any] = nn.squared_error,
    on_backward: StepHook | None = None,
) -> list[float]:
    """Train ``model`` on (X, Y) and return the cost of every epoch, taken before its update.

    ``on_backward(epoch, cost)`` runs after ``cost.backward()`` and before the update, when the
    graph holds this epoch's values and gradients (to inspect or draw them). With
    ``ctx.trace`` the epochs after the first run a traced step (``autograd_core.traced``):
    the same numbers, and the hook sees the cost's number and the gradients, not a graph.
    """
    inputs, targets = Tensor(X, label="X"), Tensor(Y, label="Y")
    optimizer = nn.optim.SGD(model.parameters(), lr=lr)

    def forward_backward(inputs: Tensor, targets: Tensor) -> Tensor:
        cost = loss(model(inputs), targets)
        cost.label = "cost"
        cost.backward()
        return cost

    fast = traced(forward_backward) if ctx.trace else forward_backward
    costs: list[float] = []
    for epoch in range(epochs):
        optimizer.zero_grad()
        cost = (forward_backward if epoch == 0 else fast)(inputs, targets)
        if on_backward is not None:
            on_backward(epoch, cost)
        optimizer.step()
        value = cost.item()
        costs.append(value)
        ctx.progress(epoch, epochs, value)
    return costs


def weight_and_bias(linear: nn.Linear) -> tuple[Tensor, Tensor]:
    """A linear layer's weight (out, in) and bias (out,)."""
    if linear.bias is None:
        raise ValueError("the demos' linear layers have a bias")
    return linear.weight, linear.bias


def predict(model: Any, X: np.ndarray) -> np.ndarray:
    """The model's outputs for the rows of ``X`` as a flat array (no graph recorded)."""
    with no_grad():
        return np.ravel(model(Tensor(X)).data)


def cost_of(
    model: Any,
    X: np.ndarray,
    Y: np.ndarray,
    loss: Callable[..., Any] = nn.squared_error,
) -> float:
    """The model's cost on (X, Y) at its current parameters (no graph recorded)."""
    with no_grad():
        return float(loss(model(Tensor(X)), Tensor(Y)).item())


def accuracy(model: Any, X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, float]:
    """Predicted classes (output >= 0.5) and the accuracy in percent."""
    classes = (predict(model, X) >= 0.5).astype(float)
    return classes, 100.0 * float(np.mean(classes == np.ravel(Y)))

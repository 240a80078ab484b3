"""micrograd's demo, written for any scalar engine: a 2-16-16-1 ReLU MLP on two moons.

The network is our own equivalent of micrograd's ``nn.MLP`` (same architecture, same
order of operations: bias + w0*x0 + w1*x1 + ...); micrograd itself is benchmarked with
its own classes. The training step (SVM max-margin loss + L2, backward, SGD with a
decaying learning rate) is shared, so both engines build the same graph.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .data import ScalarMLPInit

__all__ = ["ScalarMLP", "demo_step", "ALPHA"]

ALPHA = 1e-4  # weight of the L2 term, as in the demo


class ScalarMLP:
    """Fully connected layers of scalar neurons; ReLU on all but the last layer."""

    def __init__(self, value: type, init: ScalarMLPInit) -> None:
        self.layers = [
            ([[value(w) for w in row] for row in weights], [value(b) for b in biases])
            for weights, biases in init
        ]

    def parameters(self) -> list[Any]:
        """Each neuron's weights then its bias, layer by layer (micrograd's order)."""
        return [
            p
            for weights, biases in self.layers
            for row, bias in zip(weights, biases)
            for p in (*row, bias)
        ]

    def __call__(self, x: Sequence[Any]) -> Any:
        last = len(self.layers) - 1
        for i, (weights, biases) in enumerate(self.layers):
            acts = [sum((w * xi for w, xi in zip(row, x)), b) for row, b in zip(weights, biases)]
            x = acts if i == last else [a.relu() for a in acts]
        return x[0]


def demo_step(
    value: type,
    model: Callable[[Sequence[Any]], Any],
    params: list[Any],
    points: list[list[float]],
    labels: list[float],
) -> Callable[[], Any]:
    """One demo training step per call: loss, zero grads, backward, SGD; returns the loss."""
    count = 0
    inv_n = 1.0 / len(points)

    def step() -> Any:
        nonlocal count
        inputs = [[value(a) for a in row] for row in points]
        scores = [model(x) for x in inputs]
        losses = [(1 + -y * s).relu() for y, s in zip(labels, scores)]
        data_loss = sum(losses) * inv_n
        reg_loss = ALPHA * sum(p * p for p in params)
        total = data_loss + reg_loss
        for p in params:
            p.grad = 0.0
        total.backward()
        # The demo's schedule over its 100 steps, restarted so long runs stay sensible.
        lr = 1.0 - 0.9 * (count % 100) / 100
        for p in params:
            p.data -= lr * p.grad
        count += 1
        return total

    return step

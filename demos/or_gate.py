"""The blog's vectorised OR gate: one sigmoid neuron, all four examples at once.

Starting from W = [0.1, 0.6], b = 0 with learning rate 1, the first step takes the cost from
0.089 to 0.084; at the updated parameters the gradients are [-0.044, -0.035] and [-0.031].
After 5000 epochs the cost is about 0.0005 and the straight decision boundary separates the
red dot (y = 0) from the green crosses (y = 1).
"""

from __future__ import annotations

from typing import Any

import numpy as np

import nn
from autograd_core import Tensor

from . import plots
from .common import OR_X, OR_Y, DemoContext
from .training import accuracy, cost_of, predict, train, weight_and_bias

NAME = "or_gate"
SUMMARY = "vectorised OR gate from W=[0.1, 0.6], b=0: cost 0.089 -> 0.084, 5000 epochs"

EPOCHS = 5000
LEARNING_RATE = 1.0


def build() -> tuple[Any, Any]:
    """A 2-input sigmoid neuron with the blog's W = [0.1, 0.6], b = 0: (model, its Linear)."""
    linear = nn.Linear(2, 1)
    weight, bias = weight_and_bias(linear)
    weight.data[...] = [[0.1, 0.6]]
    bias.data[...] = 0.0
    return nn.Sequential(linear, nn.Sigmoid()), linear


def run(ctx: DemoContext) -> dict[str, Any]:
    """Train the OR neuron; compare the first two steps and the end with the blog."""
    model, linear = build()
    weight, bias = weight_and_bias(linear)
    first: dict[str, Any] = {}

    def record(epoch: int, cost: Tensor) -> None:
        if epoch < 2:
            first[f"cost_{epoch}"] = cost.item()
            first[f"dW_{epoch}"] = weight.grad.copy().ravel()
            first[f"db_{epoch}"] = bias.grad.copy().ravel()

    ctx.say(f"y_hat at the start: {np.round(predict(model, OR_X), 3)}")
    ctx.say(f"Training {EPOCHS} epochs, learning rate {LEARNING_RATE:g}:")
    costs = train(model, OR_X, OR_Y, epochs=EPOCHS, lr=LEARNING_RATE, ctx=ctx, on_backward=record)
    final_cost = cost_of(model, OR_X, OR_Y)
    classes, acc = accuracy(model, OR_X, OR_Y)

    ctx.compare("cost at W=[0.1, 0.6], b=0", "0.089", first["cost_0"], places=3)
    ctx.compare("dCost/dW at the start", None, first["dW_0"], places=3)
    ctx.compare("dCost/db at the start", None, first["db_0"], places=3)
    ctx.compare("cost after one update", "0.084", first["cost_1"], places=3)
    ctx.compare("dCost/dW at the updated params", "[-0.044, -0.035]", first["dW_1"], places=3)
    ctx.compare("dCost/db at the updated params", "[-0.031]", first["db_1"], places=3)
    ctx.compare(f"cost after {EPOCHS} epochs", "about 0.0005", final_cost, places=4)
    ctx.compare(
        "predictions", "[0, 1, 1, 1]", classes, exact=True, note="fires when x1 or x2 or both are 1"
    )
    ctx.compare("accuracy %", None, acc, exact=True)
    ctx.say(f"Learned W = {np.round(weight.data.ravel(), 3)}, b = {np.round(bias.data, 3)}")

    fig = ctx.figure()
    if fig is not None:
        plots.learning_curve(fig.add_subplot(), costs, "OR gate: learning curve")
        ctx.save_figure(fig, "learning_curve", "or_gate_learning_curve.png")
        for shaded, suffix in ((False, ""), (True, "_shaded")):
            fig = ctx.figure(size=(5, 5))
            plots.decision_boundary(
                fig.add_subplot(),
                lambda grid: predict(model, grid),
                OR_X,
                OR_Y,
                "OR gate: decision boundary" + (" (shaded)" if shaded else ""),
                shaded=shaded,
            )
            ctx.save_figure(
                fig, "decision_boundary" + suffix, f"or_gate_decision_boundary{suffix}.png"
            )

    return {
        "cost_initial": first["cost_0"],
        "dW_initial": first["dW_0"],
        "db_initial": first["db_0"],
        "cost_after_one_step": first["cost_1"],
        "dW_after_one_step": first["dW_1"],
        "db_after_one_step": first["db_1"],
        "costs": costs,
        "cost_final": final_cost,
        "weight": weight.data.ravel().copy(),
        "bias": bias.data.ravel().copy(),
        "predictions": classes,
        "accuracy": acc,
    }

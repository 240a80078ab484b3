"""The geometric-intuition notebook's linear regression, solved by gradient descent.

The notebook draws y = x + 2 + noise (Gaussian, standard deviation 0.5) on 100 points of
[-5, 5] and lets you move the weight and bias of one neuron, w * x + b, by hand while it
prints the mean-squared error. Here our engine finds them: the loss
``mean((w*x + b - y)**2)`` is differentiated by ``backward()`` and gradient descent moves
w and b; the result matches the closed-form least-squares line. The noise is seeded, so the
numbers repeat (the notebook's were not: its starting loss of 12.46 was for its own draw).
"""

from __future__ import annotations

from typing import Any

import numpy as np

import nn
from autograd_core import Tensor

from . import plots
from .common import DemoContext

NAME = "linear_regression"
SUMMARY = "the notebook's y = x + 2 + noise, fitted by one neuron w*x + b with gradient descent"

SEED = 0
N = 100
W_TRUE, B_TRUE, NOISE = 1.0, 2.0, 0.5
LEARNING_RATE = 0.05
STEPS = 300


def data(seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """The notebook's points: x evenly spaced on [-5, 5], y = x + 2 + N(0, 0.5) noise."""
    x = np.linspace(-5.0, 5.0, N)
    y = W_TRUE * x + B_TRUE + np.random.default_rng(seed).normal(0.0, NOISE, N)
    return x, y


def run(ctx: DemoContext) -> dict[str, Any]:
    """Fit w and b by gradient descent on the mean-squared error; compare with least squares."""
    x_np, y_np = data()
    x, y = Tensor(x_np, label="x"), Tensor(y_np, label="y")
    w = Tensor(0.0, requires_grad=True, label="w")
    b = Tensor(0.0, requires_grad=True, label="b")
    optimizer = nn.optim.SGD([w, b], lr=LEARNING_RATE)
    losses: list[float] = []
    ctx.say(f"{N} points, y = {W_TRUE:g}x + {B_TRUE:g} + N(0, {NOISE:g}) noise (seed {SEED}).")
    ctx.say(f"Gradient descent from w = 0, b = 0: {STEPS} steps, learning rate {LEARNING_RATE:g}")
    for step in range(STEPS):
        optimizer.zero_grad()
        loss = nn.mse(w * x + b, y)
        loss.backward()
        if step == 0:
            ctx.save_graph(loss, "graph", "linear_regression_graph.svg", show_grad=True)
        optimizer.step()
        losses.append(loss.item())
        ctx.progress(step, STEPS, losses[-1])
    final_loss = float(np.mean((w.item() * x_np + b.item() - y_np) ** 2))
    slope, intercept = np.polyfit(x_np, y_np, 1)

    ctx.compare(
        "loss at w=0, b=0",
        None,
        losses[0],
        places=2,
        note="the notebook printed 12.46 for its own (unseeded) noise",
    )
    ctx.compare("fitted w (true 1)", None, w.item(), places=6)
    ctx.compare("fitted b (true 2)", None, b.item(), places=6)
    ctx.compare("least-squares w, b (np.polyfit)", None, [slope, intercept], places=6)
    ctx.compare("final loss (noise variance 0.25)", None, final_loss, places=4)

    fig = ctx.figure(ncols=2)
    if fig is not None:
        left, right = fig.subplots(1, 2)
        left.scatter(x_np, y_np, s=12, color=plots.BLUE, label="data")
        left.plot(x_np, 0 * x_np, color="tab:gray", ls="--", label="start: w=0, b=0")
        left.plot(x_np, w.item() * x_np + b.item(), color=plots.ORANGE, lw=2.5, label="fitted")
        left.set_title(f"fitted line: y = {w.item():.3f}x + {b.item():.3f}")
        left.axhline(0, color="black", lw=0.8)
        left.axvline(0, color="black", lw=0.8)
        left.set_xlabel("x")
        left.set_ylabel("y")
        left.grid(True, alpha=0.3)
        left.legend()
        right.plot(losses, color=plots.BLUE, lw=2)
        right.set_yscale("log")
        right.set_title("mean-squared error")
        right.set_xlabel("gradient-descent step")
        right.set_ylabel("loss (log scale)")
        right.grid(True, alpha=0.3)
        ctx.save_figure(fig, "fit", "linear_regression.png")

    return {
        "x": x_np,
        "y": y_np,
        "losses": losses,
        "loss_initial": losses[0],
        "loss_final": final_loss,
        "w": w.item(),
        "b": b.item(),
        "least_squares": (float(slope), float(intercept)),
    }

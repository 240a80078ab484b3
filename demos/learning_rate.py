"""Gradient descent on a one-parameter U-shaped loss with the blog's learning rates.

The blog draws the steps of gradient descent on a U-shaped loss curve for
alpha = 5e-10 (too small: it hardly moves), 0.5 (small steps, many of them), 5 (big steps,
quickly at the minimum) and 50 (overshoots further every step: diverges). It does not say
which loss it draws, so we choose one that shows all four behaviours and is the blog's own
kind of loss: the squared-error cost of a one-weight linear neuron y_hat = w * x (no bias)
on two examples, x = (0.2, 0.4), y = (0.4, 0.8):

    L(w) = 1/(2m) * sum((y - w*x)**2) = 0.05 * (w - 2)**2,   dL/dw = 0.1 * (w - 2).

A gradient step maps the distance to the minimum w* = 2 by the factor 1 - alpha * 0.1:
0.99999999995 for 5e-10 (stuck), 0.95 for 0.5 (slow but sure), 0.5 for 5 (halves each step),
and -4 for 50 (jumps across the minimum and lands four times as far: divergence). Any
quadratic loss with curvature c where 0.5*c is small, 5*c is near 1 and 50*c > 2 would do;
c = mean(x**2) = 0.1 makes the fast rate a clean halving. The gradient comes from
``loss.backward()`` on ``Value``s, not from the formula above.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd_core import Value

from . import plots
from .common import DemoContext

NAME = "learning_rate"
SUMMARY = "gradient descent with the blog's rates 5e-10, 0.5, 5, 50 on a U-shaped loss"

X = (0.2, 0.4)
Y = (0.4, 0.8)
W_START = -1.0
W_BEST = 2.0  # the minimum of L
STEPS = 12
RATES = {5e-10: "too slow", 0.5: "good", 5.0: "fast", 50.0: "diverging"}


def loss_of(w: Value | float) -> Any:
    """The blog's squared-error cost of y_hat = w * x on the two examples."""
    m = len(X)
    return sum(((y - w * x) ** 2 for x, y in zip(X, Y)), 0.0) * (1.0 / (2 * m))


def descend(rate: float, steps: int = STEPS, w_start: float = W_START) -> list[float]:
    """The weights visited by ``steps`` gradient-descent steps from ``w_start``."""
    w = Value(w_start, label="w")
    visited = [w.data]
    for _ in range(steps):
        loss = loss_of(w)
        loss.backward()
        w.data -= rate * w.grad
        w.zero_grad()
        visited.append(w.data)
    return visited


def verdict(ws: list[float]) -> str:
    """Name what the steps did: too slow, good (converging), fast (converged), diverging."""
    start, end = loss_of(ws[0]), loss_of(ws[-1])
    if end > start:
        return "diverging"
    if abs(ws[-1] - ws[0]) < 1e-6:
        return "too slow"
    return "fast" if end < 1e-3 * start else "good"


def _draw(ctx: DemoContext, runs: dict[float, list[float]]) -> None:
    fig = ctx.figure(ncols=2, nrows=2)
    if fig is None:
        return
    axes = fig.subplots(2, 2).ravel()
    for ax, (rate, ws) in zip(axes, runs.items()):
        shown = ws if RATES[rate] != "diverging" else ws[:4]
        reach = 1.15 * max(abs(w - W_BEST) for w in shown)
        grid = np.linspace(W_BEST - reach, W_BEST + reach, 400)
        ax.plot(grid, [loss_of(w) for w in grid], color=plots.BLUE, label="L(w)")
        points = [(w, loss_of(w)) for w in shown]
        for (w0, l0), (w1, l1) in zip(points, points[1:]):
            if abs(w1 - w0) > 1e-3 * reach:  # an arrow too short to see is left out
                ax.annotate(
                    "",
                    xy=(w1, l1),
                    xytext=(w0, l0),
                    arrowprops={"arrowstyle": "->", "color": plots.VERMILLION, "lw": 1.5},
                )
        if RATES[rate] == "too slow":
            moved = abs(ws[-1] - ws[0])
            ax.annotate(
                f"moved {moved:.1e} in {len(ws) - 1} steps",
                xy=points[0],
                xytext=(10, -20),
                textcoords="offset points",
            )
        steps_label = "gradient-descent steps"
        ax.scatter(*zip(*points), color=plots.VERMILLION, zorder=3, s=18, label=steps_label)
        ax.scatter([W_BEST], [0.0], marker="*", s=120, color="black", zorder=4, label="minimum")
        steps = len(shown) - 1
        ax.set_title(f"alpha = {rate:g}: {RATES[rate]} ({steps} steps shown)")
        ax.set_xlabel("w")
        ax.set_ylabel("loss")
        ax.grid(True, alpha=0.3)
        ax.legend(loc="upper center")
    ctx.save_figure(fig, "steps", "learning_rate.png")


def run(ctx: DemoContext) -> dict[str, Any]:
    """Run gradient descent with each of the blog's rates; name and draw what happens."""
    ctx.say(f"L(w) = 0.05 * (w - 2)^2 (see the docstring), start w = {W_START:g}, {STEPS} steps:")
    runs = {rate: descend(rate) for rate in RATES}
    verdicts = {rate: verdict(ws) for rate, ws in runs.items()}
    for rate, ws in runs.items():
        ctx.say(
            f"    alpha = {rate:<6g} w: {ws[0]:g} -> {ws[-1]:.10g}   loss: "
            f"{loss_of(ws[0]):.4g} -> {loss_of(ws[-1]):.4g}   {verdicts[rate]}"
        )
    for rate, expected in RATES.items():
        ctx.compare_text(f"alpha = {rate:g}", expected, verdicts[rate])
    _draw(ctx, runs)
    return {
        "weights": runs,
        "losses": {rate: [loss_of(w) for w in ws] for rate, ws in runs.items()},
        "verdicts": verdicts,
    }

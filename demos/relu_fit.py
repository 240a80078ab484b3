"""The geometric-intuition notebook's kinked data: why a network needs a non-linearity.

The data is y = 0.2x - 2 + noise, plus 2x on the right half of [-5, 5]: a line with a kink.
1. Two *linear* neurons, w1*x + b1 and w2*x + b2, sum to (w1 + w2)*x + (b1 + b2): another
   line, whatever the weights (the notebook's "Pred Sum"). Trained by gradient descent they
   can do no better than the least-squares line.
2. Two *ReLU* neurons, relu(w1*x + b1) + relu(w2*x + b2), plus an output bias, can bend:
   each ReLU switches on at its own x, so their sum is a broken line that follows the kink.
   (The notebook adds its output bias to each neuron; one shared output bias is equivalent.)
Both models are trained with our engine: mean-squared error, ``backward()``, SGD.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import nn
from autograd_core import Tensor, no_grad

from . import plots
from .common import DemoContext
from .training import weight_and_bias

NAME = "relu_fit"
SUMMARY = "the notebook's kinked data: two linear neurons sum to a line, two ReLUs fit the kink"

SEED = 1
N = 100
NOISE = 0.5
LEARNING_RATE = 0.02
STEPS = 3000
# The notebook's starting sliders: Pred 1 = 0.2x - 2, Pred 2 = 2x - 2.
W1, B1, W2, B2 = 0.2, -2.0, 2.0, -2.0


def data(seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """The notebook's points: 0.2x - 2 + N(0, 0.5) noise, plus 2x on the right half."""
    x = np.linspace(-5.0, 5.0, N)
    y = W1 * x + B1 + np.random.default_rng(seed).normal(0.0, NOISE, N)
    y[N // 2 :] += W2 * x[N // 2 :]
    return x, y


class TwoNeurons:
    """Two neurons on a 1-D input, their outputs summed, plus one output bias."""

    def __init__(self, relu: bool, seed: int = SEED) -> None:
        self.relu = relu
        self.hidden = nn.Linear(1, 2, init="he", rng=np.random.default_rng(seed))
        self.b_out = Tensor(0.0, requires_grad=True, label="b_out")

    def neurons(self, x: Tensor) -> Tensor:
        """Each neuron's output, shape (N, 2)."""
        z = self.hidden(x)
        return z.relu() if self.relu else z

    def __call__(self, x: Tensor) -> Tensor:
        return self.neurons(x).sum(axis=1) + self.b_out

    def parameters(self) -> list[Any]:
        """The hidden layer's weights and biases, then the output bias."""
        return [*self.hidden.parameters(), self.b_out]


def fit(model: TwoNeurons, x: np.ndarray, y: np.ndarray, ctx: DemoContext) -> list[float]:
    """Gradient descent on the mean-squared error; the loss of every step."""
    inputs, targets = Tensor(x[:, None]), Tensor(y)
    optimizer = nn.optim.SGD(model.parameters(), lr=LEARNING_RATE)
    losses: list[float] = []
    for step in range(STEPS):
        optimizer.zero_grad()
        loss = nn.mse(model(inputs), targets)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        ctx.progress(step, STEPS, losses[-1])
    return losses


def _outputs(model: TwoNeurons, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    inputs = Tensor(x[:, None])
    with no_grad():
        return model.neurons(inputs).data, model(inputs).data


def run(ctx: DemoContext) -> dict[str, Any]:
    """Sum two linear neurons, then fit linear and ReLU pairs; compare their errors."""
    x_np, y_np = data()
    x = Tensor(x_np)
    pred1, pred2 = W1 * x + B1, W2 * x + B2
    pred_sum = pred1 + pred2
    as_one_line = (W1 + W2) * x + (B1 + B2)
    gap = float(np.max(np.abs(pred_sum.data - as_one_line.data)))
    ctx.say(f"Pred 1 = {W1:g}x {B1:+g}, Pred 2 = {W2:g}x {B2:+g}:")
    ctx.compare("max |Pred Sum - ((w1+w2)x + (b1+b2))|", None, gap, places=12)

    ctx.say(f"Two linear neurons + output bias, trained ({STEPS} steps, lr {LEARNING_RATE:g}):")
    linear = TwoNeurons(relu=False)
    linear_losses = fit(linear, x_np, y_np, ctx)
    ctx.say(f"Two ReLU neurons + output bias, trained ({STEPS} steps, lr {LEARNING_RATE:g}):")
    relu = TwoNeurons(relu=True)
    relu_losses = fit(relu, x_np, y_np, ctx)
    _, linear_curve = _outputs(linear, x_np)
    relu_neurons, relu_curve = _outputs(relu, x_np)
    linear_mse = float(np.mean((linear_curve - y_np) ** 2))
    relu_mse = float(np.mean((relu_curve - y_np) ** 2))
    lstsq_mse = float(np.mean((np.polyval(np.polyfit(x_np, y_np, 1), x_np) - y_np) ** 2))
    bends = int(np.sum(np.abs(np.diff(linear_curve, 2)) > 1e-9))

    ctx.compare("linear pair: points where it bends", None, bends, exact=True)
    ctx.compare("linear pair: mean-squared error", None, linear_mse, places=4)
    ctx.compare("least-squares line: error", None, lstsq_mse, places=4)
    ctx.compare("ReLU pair: mean-squared error", None, relu_mse, places=4)
    ctx.compare("noise variance", None, NOISE**2, places=4)
    weight, bias = weight_and_bias(relu.hidden)
    w, b = weight.data.ravel(), bias.data.ravel()
    kinks = [-bi / wi for wi, bi in zip(w, b) if wi != 0]
    ctx.say(
        f"Learned: relu({w[0]:.3f}x {b[0]:+.3f}) + relu({w[1]:.3f}x {b[1]:+.3f}) "
        f"{relu.b_out.item():+.3f}; the ReLUs switch at x = " + ", ".join(f"{k:.2f}" for k in kinks)
    )

    fig = ctx.figure(ncols=2, size=(5.5, 5))
    if fig is not None:
        left, right = fig.subplots(1, 2, sharey=True)
        plots.use_palette(left, right)
        for ax in (left, right):
            ax.scatter(x_np, y_np, s=10, color="tab:gray", label="data")
            ax.axhline(0, color="black", lw=0.8)
            ax.axvline(0, color="black", lw=0.8)
            ax.grid(True, alpha=0.3)
            ax.set_xlim(-5, 5)
            ax.set_xlabel("x")
            ax.set_ylabel("y")
        left.plot(x_np, pred1.data, label=f"Pred 1 = {W1:g}x {B1:+g}")
        left.plot(x_np, pred2.data, label=f"Pred 2 = {W2:g}x {B2:+g}")
        left.plot(x_np, pred_sum.data, ls="--", label="Pred Sum: a line")
        left.plot(x_np, linear_curve, lw=2.5, label=f"trained linear pair (MSE {linear_mse:.2f})")
        left.set_title("two linear neurons sum to a line")
        left.set_ylim(-10, 12)
        left.legend(fontsize=8)
        right.plot(x_np, relu_neurons[:, 0], label="ReLU neuron 1")
        right.plot(x_np, relu_neurons[:, 1], label="ReLU neuron 2")
        right.plot(x_np, relu_curve, lw=2.5, label=f"sum + output bias (MSE {relu_mse:.2f})")
        right.set_title("two ReLU neurons + output bias fit the kink")
        right.legend(fontsize=8)
        ctx.save_figure(fig, "fit", "relu_fit.png")

    return {
        "x": x_np,
        "y": y_np,
        "sum_is_line_gap": gap,
        "linear_losses": linear_losses,
        "relu_losses": relu_losses,
        "linear_mse": linear_mse,
        "least_squares_mse": lstsq_mse,
        "relu_mse": relu_mse,
        "linear_bends": bends,
        "relu_weight": w.copy(),
        "relu_bias": b.copy(),
        "relu_b_out": relu.b_out.item(),
        "relu_kinks": kinks,
    }

"""Part II of the blog: the 2-3-1 sigmoid network that learns XOR without feature engineering.

As in the blog's code: ``np.random.seed(48)``, two Xavier-initialised linear layers
(2 -> 3 -> 1) each followed by a sigmoid, the squared-error cost, learning rate 1 and 5000
full-batch epochs, the cost printed every 100 epochs in the blog's format (we print every
1000 and the blog's last four). The gradients come from ``cost.backward()``; the graph of the
first training step is drawn with one cluster per layer. A deeper 2-5-3-1 variant follows,
as the blog suggests ("add another hidden layer").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

import nn
from autograd_core import Tensor

from . import plots
from .common import BLAS_RTOL, XOR_X, XOR_Y, DemoContext
from .training import accuracy, cost_of, predict, train, weight_and_bias

NAME = "xor_network"
SUMMARY = "Part II: 2-3-1 sigmoid network on XOR (seed 48, xavier, lr=1), and a 2-5-3-1 variant"

SEED = 48
EPOCHS = 5000
LEARNING_RATE = 1.0
SIZES = (2, 3, 1)
DEEP_SIZES = (2, 5, 3, 1)
BLOG_LOG = {
    4600: "0.001018305488651183",
    4700: "0.000983783942124411",
    4800: "0.0009514180100050973",
    4900: "0.0009210166430616655",
}


def build(sizes: Sequence[int], seed: int = SEED) -> Any:
    """One box per blog layer (Linear -> Sigmoid), Xavier weights after ``np.random.seed``.

    The layers are drawn from NumPy's global stream in order, as the blog's code does, so
    seed 48 gives the blog's weights. Scope names ("layer1", ...) make the graph drawing
    cluster the nodes by layer; parameter labels (W1, b1, ...) are the blog's names.
    """
    np.random.seed(seed)
    layers: list[Any] = []
    for i, (n_in, n_out) in enumerate(zip(sizes, sizes[1:]), start=1):
        linear = nn.Linear(n_in, n_out, init="xavier")
        weight, bias = weight_and_bias(linear)
        weight.label, bias.label = f"W{i}", f"b{i}"
        layers.append(nn.Sequential(linear, nn.Sigmoid()))
    model = nn.Sequential(*layers)
    model.scope_name = "network " + "-".join(map(str, sizes))
    for i, layer in enumerate(layers, start=1):
        layer.scope_name = f"layer{i}"
        a_in = "X" if i == 1 else f"A{i - 1}"
        layer[0].scope_name, layer[1].scope_name = f"Z{i} = {a_in} W{i}.T + b{i}", f"A{i}"
    return model


def _pictures(ctx: DemoContext, model: Any, costs: list[float], stem: str, title: str) -> None:
    fig = ctx.figure()
    if fig is None:
        return
    plots.learning_curve(fig.add_subplot(), costs[::100], f"{title}: learning curve", every=100)
    ctx.save_figure(fig, f"{stem}learning_curve", f"xor_network_{stem}learning_curve.png")
    for shaded, suffix in ((False, ""), (True, "_shaded")):
        fig = ctx.figure(size=(5, 5))
        plots.decision_boundary(
            fig.add_subplot(),
            lambda grid: predict(model, grid),
            XOR_X,
            XOR_Y,
            f"{title}: decision boundary" + (" (shaded)" if shaded else ""),
            shaded=shaded,
        )
        key = f"{stem}decision_boundary{suffix}"
        ctx.save_figure(fig, key, f"xor_network_{key}.png")


def run(ctx: DemoContext) -> dict[str, Any]:
    """Train the blog's 2-3-1 network and the 2-5-3-1 variant; compare with the blog's log."""
    model = build(SIZES)

    def draw_first_step(epoch: int, cost: Tensor) -> None:
        if epoch == 0:
            ctx.save_graph(cost, "graph", "xor_network_graph.svg", show_grad=True)

    ctx.say(
        f"2-3-1 network, seed {SEED}, xavier, {EPOCHS} epochs, learning rate {LEARNING_RATE:g}"
        + (", traced steps (autograd_core.traced):" if ctx.trace else ":")
    )
    costs = train(
        model, XOR_X, XOR_Y, epochs=EPOCHS, lr=LEARNING_RATE, ctx=ctx, on_backward=draw_first_step
    )
    ctx.say("The blog's last lines, then ours:")
    for epoch, stated in BLOG_LOG.items():
        ctx.say(f"    blog: Cost at epoch#{epoch}: {stated}")
    for epoch in BLOG_LOG:
        ctx.say(f"    ours: Cost at epoch#{epoch}: {costs[epoch]}")
    ctx.say(
        f"(their last digits depend on the CPU's BLAS kernels: compared to relative {BLAS_RTOL:g})"
    )
    for epoch, stated in BLOG_LOG.items():
        ctx.compare(f"cost at epoch#{epoch}", stated, costs[epoch], rel=BLAS_RTOL)
    classes, acc = accuracy(model, XOR_X, XOR_Y)
    ctx.say(f"The predicted outputs:\n{np.array([classes])}")
    ctx.say(f"The accuracy of the model is: {acc}%")
    ctx.compare("predicted outputs", "[0, 1, 1, 0]", classes, exact=True)
    ctx.compare("accuracy %", "100.0", acc, exact=True)
    _pictures(ctx, model, costs, "", "XOR 2-3-1")

    ctx.say(f"Deeper variant {'-'.join(map(str, DEEP_SIZES))} (seed {SEED}, xavier):")
    deep = build(DEEP_SIZES)
    deep_costs = train(deep, XOR_X, XOR_Y, epochs=EPOCHS, lr=LEARNING_RATE, ctx=ctx)
    deep_classes, deep_acc = accuracy(deep, XOR_X, XOR_Y)
    ctx.compare("2-5-3-1 predicted outputs", None, deep_classes, exact=True)
    ctx.compare("2-5-3-1 accuracy %", None, deep_acc, exact=True)
    ctx.compare("2-5-3-1 final cost", None, cost_of(deep, XOR_X, XOR_Y), places=6)
    _pictures(ctx, deep, deep_costs, "3layer_", "XOR 2-5-3-1")

    return {
        "costs": costs,
        "cost_epoch_0": costs[0],
        "logged": {epoch: costs[epoch] for epoch in range(0, EPOCHS, 100)},
        "cost_final": cost_of(model, XOR_X, XOR_Y),
        "outputs": predict(model, XOR_X),
        "predictions": classes,
        "accuracy": acc,
        "deep_costs": deep_costs,
        "deep_cost_final": cost_of(deep, XOR_X, XOR_Y),
        "deep_predictions": deep_classes,
        "deep_accuracy": deep_acc,
    }

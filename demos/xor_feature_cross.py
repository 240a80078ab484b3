"""XOR with a feature cross: append x3 = x1 * x2 and one sigmoid neuron separates XOR.

As in the blog's companion notebook: ``np.random.seed(48)``, plain initialisation (small
Gaussian weights), learning rate 1, 5000 full-batch epochs, cost logged every 100 epochs.
The boundary w1*x1 + w2*x2 + w3*x1*x2 + b = 0 is a hyperbola: non-linear in (x1, x2).
"""

from __future__ import annotations

from typing import Any

import numpy as np

import nn

from . import plots
from .common import BLAS_RTOL, XOR_X, XOR_Y, DemoContext
from .training import accuracy, cost_of, predict, train, weight_and_bias

NAME = "xor_feature_cross"
SUMMARY = "XOR with the x1*x2 feature cross, seed 48, plain init, lr=1, 5000 epochs"

SEED = 48
EPOCHS = 5000
LEARNING_RATE = 1.0
NOTEBOOK_COSTS = {0: "0.12480797532784463", 4900: "0.0016049339955154555"}


def cross(X: np.ndarray) -> np.ndarray:
    """Rows (x1, x2) -> (x1, x2, x1*x2)."""
    return np.column_stack([X, X[:, 0] * X[:, 1]])


def run(ctx: DemoContext) -> dict[str, Any]:
    """Train the neuron on the crossed XOR data; compare the logged costs with the notebook."""
    X = cross(XOR_X)
    ctx.say(f"Features (x1, x2, x1*x2), one example per row:\n{X}")
    np.random.seed(SEED)  # the blog's seed; the layer draws its weights from NumPy's stream
    linear = nn.Linear(3, 1, init="plain")
    model = nn.Sequential(linear, nn.Sigmoid())
    ctx.say(f"Initial weights (seed {SEED}, plain): {linear.weight.data.ravel()}")
    ctx.say(f"Training {EPOCHS} epochs, learning rate {LEARNING_RATE:g}:")
    costs = train(model, X, XOR_Y, epochs=EPOCHS, lr=LEARNING_RATE, ctx=ctx)
    classes, acc = accuracy(model, X, XOR_Y)

    for epoch, stated in NOTEBOOK_COSTS.items():
        ctx.compare(f"cost at epoch#{epoch}", stated, costs[epoch], rel=BLAS_RTOL)
    ctx.compare("predictions", "[0, 1, 1, 0]", classes, exact=True)
    ctx.compare("accuracy %", None, acc, exact=True)
    weight, bias = weight_and_bias(linear)
    w = weight.data.ravel()
    b = float(bias.data.ravel()[0])
    ctx.say(
        f"Decision boundary (y_hat = 0.5): {w[0]:.3f}*x1 + {w[1]:.3f}*x2 "
        f"+ {w[2]:.3f}*x1*x2 + {b:.3f} = 0"
    )

    fig = ctx.figure()
    if fig is not None:
        logged = costs[::100]
        plots.learning_curve(fig.add_subplot(), logged, "XOR with x1*x2: learning curve", every=100)
        ctx.save_figure(fig, "learning_curve", "xor_feature_cross_learning_curve.png")
        for shaded, suffix in ((False, ""), (True, "_shaded")):
            fig = ctx.figure(size=(5, 5))
            plots.decision_boundary(
                fig.add_subplot(),
                lambda grid: predict(model, cross(grid)),
                XOR_X,
                XOR_Y,
                "XOR with x1*x2: decision boundary" + (" (shaded)" if shaded else ""),
                shaded=shaded,
            )
            ctx.save_figure(
                fig,
                "decision_boundary" + suffix,
                f"xor_feature_cross_decision_boundary{suffix}.png",
            )

    return {
        "costs": costs,
        "cost_epoch_0": costs[0],
        "cost_epoch_4900": costs[4900],
        "cost_final": cost_of(model, X, XOR_Y),
        "weight": w.copy(),
        "bias": b,
        "predictions": classes,
        "accuracy": acc,
    }

"""Part I of the blog by hand: one sigmoid neuron, one example, one gradient-descent step.

The neuron is built node by node from ``Value``s, as the blog draws it:
``z = w1*x1 + w2*x2 + b``, ``y_hat = sigmoid(z)``, ``L = 0.5 * (y - y_hat)**2``, on the first
OR-gate example x = (0, 0), y = 0 with w1 = 0.1, w2 = 0.6, b = 0. The weight gradients are zero
(their local gradients are the inputs, both 0) and only the bias learns: b -> -0.125.
"""

from __future__ import annotations

from typing import Any

from autograd_core import Value

from .common import DemoContext, tools

NAME = "hand_calculation"
SUMMARY = "Part I: one neuron on x=(0,0), y=0 by hand; graphs before and after the update"

LEARNING_RATE = 1.0


def constant(x: float, label: str) -> Value:
    """A labelled constant node (drawn as an input; it receives no gradient)."""
    return Value(x, label=label).detach()


def forward(x1: Value, x2: Value, w1: Value, w2: Value, b: Value, y: Value) -> tuple[Value, Value]:
    """The blog's neuron and its squared-error loss, with the blog's node names: (y_hat, L)."""
    w1x1, w2x2 = w1 * x1, w2 * x2
    w1x1.label, w2x2.label = "w1·x1", "w2·x2"
    z = w1x1 + w2x2 + b
    z.label = "z"
    y_hat = z.sigmoid()
    y_hat.label = "ŷ"
    loss = 0.5 * (y - y_hat) ** 2
    loss.label = "L"
    return y_hat, loss


def run(ctx: DemoContext) -> dict[str, Any]:
    """Forward, backward, update the bias, forward again; compare with the blog."""
    # The data are constants: the blog sends no gradient back into its inputs.
    x1, x2, y = constant(0.0, "x1"), constant(0.0, "x2"), constant(0.0, "y")
    w1, w2, b = Value(0.1, label="w1"), Value(0.6, label="w2"), Value(0.0, label="b")

    ctx.say("Forward pass with x1=0, x2=0, y=0, w1=0.1, w2=0.6, b=0:")
    y_hat, loss = forward(x1, x2, w1, w2, b, y)
    ctx.compare("y_hat = sigmoid(z)", "0.5", y_hat.data, exact=True)
    ctx.compare("loss L = 0.5*(y - y_hat)^2", "0.125", loss.data, exact=True)

    ctx.say("Backward pass (loss.backward()):")
    loss.backward()
    d_y_hat = y_hat.grad
    d_z = y_hat.parents[0].grad
    sigmoid_local = y_hat.local_grads[0]
    ctx.compare("dL/dy_hat = y_hat - y", None, d_y_hat)
    ctx.compare("local gradient dy_hat/dz", None, sigmoid_local, note="y_hat * (1 - y_hat)")
    ctx.compare("dL/dz", None, d_z)
    ctx.compare("dL/dw1, dL/dw2", "[0, 0]", [w1.grad, w2.grad], exact=True)
    ctx.compare("dL/db", "0.125", b.grad, exact=True)
    if tools().viz:
        import viz

        ctx.say("The chain rule for dL/db, as the blog writes it (viz.explain):")
        for line in str(viz.explain(loss, b)).splitlines():
            ctx.say(f"    {line}" if line else "")
    ctx.save_graph(
        loss,
        "graph_before",
        "hand_calculation_before.svg",
        show_grad=True,
        edge_labels="rule",
    )
    grads = {"dL_dw1": w1.grad, "dL_dw2": w2.grad, "dL_db": b.grad}

    ctx.say(f"Gradient descent with learning rate {LEARNING_RATE:g}: p <- p - lr * dL/dp")
    for p in (w1, w2, b):
        p.data -= LEARNING_RATE * p.grad
        p.zero_grad()
    ctx.compare("new bias", "-0.125", b.data, exact=True)

    ctx.say("Forward pass again with the updated bias:")
    new_y_hat, new_loss = forward(x1, x2, w1, w2, b, y)
    ctx.compare("new y_hat", "0.469", new_y_hat.data, places=3)
    ctx.compare(
        "new loss",
        "0.109",
        new_loss.data,
        truncate=3,
        note=f"{new_loss.data:.5f} to 5 d.p.; the blog truncates it to 0.109 (rounded: 0.110)",
    )
    new_loss.backward()
    ctx.save_graph(
        new_loss,
        "graph_after",
        "hand_calculation_after.svg",
        show_grad=True,
        edge_labels="rule",
    )
    return {
        "y_hat": y_hat.data,
        "loss": loss.data,
        "dL_dy_hat": d_y_hat,
        "sigmoid_local_grad": sigmoid_local,
        "dL_dz": d_z,
        **grads,
        "b_new": b.data,
        "y_hat_new": new_y_hat.data,
        "loss_new": new_loss.data,
        "dL_db_new": b.grad,
    }

"""micrograd's demo (its ``demo.ipynb``): a 2-16-16-1 ReLU MLP learns two interleaved moons.

As in the notebook: ``np.random.seed(1337)`` and ``random.seed(1337)``, 100 points of
``make_moons(noise=0.1)`` with labels -1 and 1, micrograd's ``MLP(2, [16, 16, 1])``
(weights ``random.uniform(-1, 1)``), the SVM max-margin loss ``relu(1 - y * score)``
averaged, plus L2 regularisation ``1e-4 * sum(p * p)``, and 100 full-batch SGD steps with
the learning rate falling from 1.0 to 0.1. The moons are made here with NumPy, the same
numbers as scikit-learn's ``make_moons`` from the same random state (two half circles, a
shuffle, Gaussian noise), so the demo needs no scikit-learn. The network is ``nn.MLP``,
whose defaults are micrograd's, with its weights drawn from ``random.Random(1337)`` (the
stream ``random.seed(1337)`` sets) and fused neurons (one ``dot`` node per weighted sum:
the same numbers, several times faster than a node per ``*`` and ``+``). The losses match
the notebook's printed ones; the decision boundary is drawn as the notebook draws it.
"""

from __future__ import annotations

import random
from typing import Any

import numpy as np

import nn
from autograd_core import Value, no_grad

from . import plots
from .common import DemoContext

NAME = "moons"
SUMMARY = "micrograd's demo: 2-16-16-1 ReLU MLP on two moons, max-margin loss + L2, SGD"

SEED = 1337
POINTS = 100
NOISE = 0.1
SIZES = [16, 16, 1]
STEPS = 100
ALPHA = 1e-4  # L2 regularisation strength
# The notebook's printed figures (micrograd's demo.ipynb, its outputs as committed).
NOTEBOOK_PARAMETERS = "337"
NOTEBOOK_LOSS = {0: "0.8958441028683222", 99: "0.010978370135492717"}
NOTEBOOK_ACCURACY = {0: "50.0", 99: "100.0"}
# Our arithmetic is Python floats (no BLAS), but the notebook's numbers came from a sum in
# another order (micrograd adds the bias first) on another machine; after 100 steps they
# agree to about 1e-16 relative. 1e-9 leaves room for NumPy's cos/sin in the data, which
# may differ by a unit in the last place between CPUs.
LOSS_RTOL = 1e-9


def make_moons(
    n_samples: int = POINTS,
    noise: float = NOISE,
    rng: np.random.Generator | np.random.RandomState | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved half circles, ``(X, y)`` with ``y`` in {0, 1}, as scikit-learn's
    ``make_moons`` draws them: the same numbers from the same random state (NumPy's global
    one by default)."""
    n_out = n_samples // 2
    n_in = n_samples - n_out
    outer = np.linspace(0, np.pi, n_out)
    inner = np.linspace(0, np.pi, n_in)
    X = np.vstack(
        [
            np.append(np.cos(outer), 1 - np.cos(inner)),
            np.append(np.sin(outer), 1 - np.sin(inner) - 0.5),
        ]
    ).T
    y = np.hstack([np.zeros(n_out, dtype=np.intp), np.ones(n_in, dtype=np.intp)])
    order = np.arange(n_samples)
    (np.random.shuffle if rng is None else rng.shuffle)(order)
    X, y = X[order], y[order]
    X += (np.random.normal if rng is None else rng.normal)(scale=noise, size=X.shape)
    return X, y


def scores(model: Any, X: np.ndarray) -> list[Value]:
    """The network's score for each row of ``X``."""
    return [model([Value(a), Value(b)]) for a, b in X.tolist()]


def loss_and_accuracy(model: Any, X: np.ndarray, y: np.ndarray) -> tuple[Value, float]:
    """micrograd's loss: mean max-margin ``relu(1 - y * score)`` plus ``ALPHA * sum(p * p)``;
    and the accuracy (the sign of the score against the label)."""
    out = scores(model, X)
    labels = y.tolist()
    losses = [(1 + -yi * si).relu() for yi, si in zip(labels, out)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = ALPHA * sum(p * p for p in model.parameters())
    hits = [(yi > 0) == (si.data > 0) for yi, si in zip(labels, out)]
    return data_loss + reg_loss, sum(hits) / len(hits)


def train(model: Any, X: np.ndarray, y: np.ndarray, ctx: DemoContext) -> tuple[list, list]:
    """The notebook's 100 SGD steps; the loss and accuracy of each, taken before its update."""
    losses, accuracies = [], []
    for k in range(STEPS):
        total, acc = loss_and_accuracy(model, X, y)
        model.zero_grad()
        total.backward()
        learning_rate = 1.0 - 0.9 * k / STEPS
        with no_grad():
            for p in model.parameters():
                p -= learning_rate * p.grad
        losses.append(total.data)
        accuracies.append(acc * 100)
        if k % 20 == 0 or k == STEPS - 1:
            ctx.say(f"    step {k} loss {total.data}, accuracy {acc * 100}%")
    return losses, accuracies


def predict_scores(model: Any, grid: np.ndarray) -> np.ndarray:
    """Scores for many points, recording no graph."""
    with no_grad():
        return np.array([s.data for s in scores(model, grid)])


def run(ctx: DemoContext) -> dict[str, Any]:
    """Train micrograd's network on the moons; compare with the notebook's printed log."""
    np.random.seed(SEED)
    X, y01 = make_moons()
    y = y01 * 2 - 1  # labels -1 and 1
    model = nn.MLP(2, SIZES, rng=random.Random(SEED), fused=True)
    params = len(model.parameters())
    ctx.say(f"2-16-16-1 ReLU MLP ({params} parameters), {POINTS} moons, {STEPS} SGD steps:")
    losses, accuracies = train(model, X, y, ctx)
    ctx.compare("micrograd MLP parameters", NOTEBOOK_PARAMETERS, params, exact=True)
    for step, stated in NOTEBOOK_LOSS.items():
        ctx.compare(f"step {step} loss", stated, losses[step], rel=LOSS_RTOL)
    for step, stated in NOTEBOOK_ACCURACY.items():
        ctx.compare(f"step {step} accuracy %", stated, accuracies[step], exact=True)
    final_loss, final_accuracy = loss_and_accuracy(model, X, y)
    ctx.compare("trained accuracy %", None, final_accuracy * 100, exact=True)

    fig = ctx.figure()
    if fig is not None:
        plots.learning_curve(fig.add_subplot(), losses, "moons: loss per step")
        fig.axes[0].set_xlabel("steps")
        ctx.save_figure(fig, "learning_curve", "moons_learning_curve.png")
        fig = ctx.figure(size=(6, 4.5))
        plots.score_regions(
            fig.add_subplot(),
            lambda grid: predict_scores(model, grid),
            X,
            y,
            "moons: decision boundary (micrograd's demo)",
        )
        ctx.save_figure(fig, "decision_boundary", "moons_decision_boundary.png")
    return {
        "X": X,
        "y": y,
        "parameters": params,
        "losses": losses,
        "accuracies": accuracies,
        "final_loss": final_loss.data,
        "final_accuracy": final_accuracy * 100,
    }

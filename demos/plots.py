"""Plot helpers drawn the way the blog draws: learning curves and decision boundaries.

Every function draws on a matplotlib ``Axes`` it is given; ``DemoContext.figure`` makes the
figure (Agg canvas), so this module never touches pyplot's global state.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

__all__ = [
    "learning_curve",
    "decision_boundary",
    "score_regions",
    "scatter_classes",
    "predict_grid",
]

RED = "#d62728"
GREEN = "#2ca02c"


def learning_curve(ax: Any, costs: Sequence[float], title: str, every: int = 1) -> None:
    """Cost against epoch (``costs[i]`` was logged at epoch ``i * every``)."""
    epochs = np.arange(len(costs)) * every
    ax.plot(epochs, costs, color="tab:blue")
    ax.set_title(title)
    ax.set_xlabel("epochs")
    ax.set_ylabel("cost")
    ax.grid(True, alpha=0.3)


def scatter_classes(ax: Any, X: np.ndarray, Y: np.ndarray) -> None:
    """The blog's markers: green crosses where y = 1, red dots where y = 0."""
    y = np.ravel(Y)
    ax.scatter(X[y == 1, 0], X[y == 1, 1], marker="x", s=120, linewidths=3, c=GREEN, label="y=1")
    ax.scatter(X[y == 0, 0], X[y == 0, 1], marker="o", s=100, c=RED, label="y=0")


def predict_grid(
    predict: Callable[[np.ndarray], np.ndarray],
    lim: tuple[float, float] = (-0.5, 1.5),
    steps: int = 200,
    ylim: tuple[float, float] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Evaluate ``predict`` (rows of (x1, x2) -> numbers) on a grid over ``lim`` (and
    ``ylim`` for x2, by default the same)."""
    ylim = lim if ylim is None else ylim
    xx, yy = np.meshgrid(np.linspace(*lim, steps), np.linspace(*ylim, steps))
    grid = np.column_stack([xx.ravel(), yy.ravel()])
    zz = np.asarray(predict(grid), dtype=float).reshape(xx.shape)
    return xx, yy, zz


def decision_boundary(
    ax: Any,
    predict: Callable[[np.ndarray], np.ndarray],
    X: np.ndarray,
    Y: np.ndarray,
    title: str,
    shaded: bool = False,
    lim: tuple[float, float] = (-0.5, 1.5),
) -> None:
    """The line where the output crosses 0.5; ``shaded`` colours y_hat < 0.5 red, > 0.5 green."""
    xx, yy, zz = predict_grid(predict, lim)
    if shaded:
        ax.contourf(xx, yy, zz, levels=[0.0, 0.5, 1.0], colors=[RED, GREEN], alpha=0.25)
    ax.contour(xx, yy, zz, levels=[0.5], colors="black", linewidths=2)
    scatter_classes(ax, X, Y)
    ax.set_xlim(*lim)
    ax.set_ylim(*lim)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_title(title)
    ax.set_aspect("equal")
    ax.grid(True, alpha=0.3)


def score_regions(
    ax: Any,
    predict: Callable[[np.ndarray], np.ndarray],
    X: np.ndarray,
    y: np.ndarray,
    title: str,
    steps: int = 45,
) -> None:
    """micrograd's picture: the plane coloured by the sign of the score, the boundary where
    it is 0, and the points coloured by their label (-1 or 1), one unit around the data."""
    lim = (X[:, 0].min() - 1, X[:, 0].max() + 1)
    ylim = (X[:, 1].min() - 1, X[:, 1].max() + 1)
    xx, yy, zz = predict_grid(predict, lim, steps, ylim)
    ax.contourf(xx, yy, zz > 0, levels=[-0.5, 0.5, 1.5], cmap="Spectral", alpha=0.8)
    ax.contour(xx, yy, zz, levels=[0.0], colors="black", linewidths=1.5)
    ax.scatter(X[:, 0], X[:, 1], c=y, s=40, cmap="Spectral", edgecolors="black", linewidths=0.5)
    ax.set_xlim(*lim)
    ax.set_ylim(*ylim)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_title(title)
    ax.set_aspect("equal")

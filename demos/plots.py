"""Plot helpers drawn the way the blog draws: learning curves and decision boundaries.

Every function draws on a matplotlib ``Axes`` it is given; ``DemoContext.figure`` makes the
figure (Agg canvas), so this module never touches pyplot's global state.

Made for a course: colours from the Okabe-Ito palette, which readers with any common colour
vision deficiency tell apart (the blog's red and green are the pair they cannot), told apart
by marker shape as well; a legend for the markers and the p = 0.5 boundary; axis labels on
every panel; learning curves on a log scale, where a cost of 1e-4 is still visible.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

__all__ = [
    "learning_curve",
    "decision_boundary",
    "scatter_classes",
    "predict_grid",
    "use_palette",
    "PALETTE",
    "DPI",
]

# Okabe & Ito's colour-blind-safe palette.
BLUE = "#0072B2"
VERMILLION = "#D55E00"
ORANGE = "#E69F00"
GREEN = "#009E73"
SKY = "#56B4E9"
PURPLE = "#CC79A7"
YELLOW = "#F0E442"
PALETTE = (BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, YELLOW)
POSITIVE, NEGATIVE = BLUE, VERMILLION  # y = 1 (the blog's green), y = 0 (the blog's red)
DPI = 150


def use_palette(*axes: Any) -> None:
    """Draw the next lines and points of ``axes`` in the palette's colours, in order."""
    for ax in axes:
        ax.set_prop_cycle(color=list(PALETTE))


def learning_curve(ax: Any, costs: Sequence[float], title: str, every: int = 1) -> None:
    """Cost against epoch (``costs[i]`` was logged at epoch ``i * every``), on a log scale:
    after a thousand epochs a linear axis shows the cost as 0."""
    epochs = np.arange(len(costs)) * every
    ax.plot(epochs, costs, color=BLUE, lw=2)
    ax.set_yscale("log")
    ax.set_title(title)
    ax.set_xlabel("epoch")
    ax.set_ylabel("cost (log scale)")
    ax.grid(True, which="both", alpha=0.3)


def scatter_classes(ax: Any, X: np.ndarray, Y: np.ndarray) -> None:
    """The blog's markers, in colours every reader tells apart: crosses where y = 1, dots
    where y = 0."""
    y = np.ravel(Y)
    ax.scatter(
        X[y == 1, 0], X[y == 1, 1], marker="x", s=120, linewidths=3, c=POSITIVE, label="y = 1"
    )
    ax.scatter(
        X[y == 0, 0], X[y == 0, 1], marker="o", s=100, c=NEGATIVE, edgecolors="black",
        label="y = 0",
    )  # fmt: skip


def predict_grid(
    predict: Callable[[np.ndarray], np.ndarray],
    lim: tuple[float, float] = (-0.5, 1.5),
    steps: int = 200,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Evaluate ``predict`` (rows of (x1, x2) -> probabilities) on a square grid."""
    axis = np.linspace(lim[0], lim[1], steps)
    xx, yy = np.meshgrid(axis, axis)
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
    """The line where the output crosses 0.5; ``shaded`` colours the side where y_hat < 0.5
    like the y = 0 markers and the side where y_hat > 0.5 like the y = 1 ones."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    xx, yy, zz = predict_grid(predict, lim)
    handles: list[Any] = []
    if shaded:
        ax.contourf(xx, yy, zz, levels=[0.0, 0.5, 1.0], colors=[NEGATIVE, POSITIVE], alpha=0.2)
        handles += [
            Patch(color=NEGATIVE, alpha=0.2, label="$\\hat{y} < 0.5$: predicts 0"),
            Patch(color=POSITIVE, alpha=0.2, label="$\\hat{y} > 0.5$: predicts 1"),
        ]
    ax.contour(xx, yy, zz, levels=[0.5], colors="black", linewidths=2)
    scatter_classes(ax, X, Y)
    handles = ax.get_legend_handles_labels()[0] + handles
    handles.append(Line2D([], [], color="black", lw=2, label="$\\hat{y} = 0.5$: the boundary"))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, fontsize=8)
    ax.set_xlim(*lim)
    ax.set_ylim(*lim)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_title(title)
    ax.set_aspect("equal")
    ax.grid(True, alpha=0.3)

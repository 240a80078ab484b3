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
    "score_regions",
    "scatter_classes",
    "confusion_matrix",
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


def score_regions(
    ax: Any,
    predict: Callable[[np.ndarray], np.ndarray],
    X: np.ndarray,
    y: np.ndarray,
    title: str,
    steps: int = 45,
) -> None:
    """micrograd's picture, in colour-blind-safe colours: the plane shaded by the sign of the
    score, the boundary where it is 0, and the points marked by their label (-1 or 1), one
    unit around the data."""
    lim = (X[:, 0].min() - 1, X[:, 0].max() + 1)
    ylim = (X[:, 1].min() - 1, X[:, 1].max() + 1)
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    xx, yy, zz = predict_grid(predict, lim, steps, ylim)
    ax.contourf(xx, yy, zz, levels=[-np.inf, 0.0, np.inf], colors=[NEGATIVE, POSITIVE], alpha=0.2)
    ax.contour(xx, yy, zz, levels=[0.0], colors="black", linewidths=1.5)
    labels = np.ravel(y)
    ax.scatter(*X[labels > 0].T, marker="x", s=40, linewidths=2, c=POSITIVE, label="y = 1")
    ax.scatter(
        *X[labels <= 0].T, marker="o", s=30, c=NEGATIVE, edgecolors="black", linewidths=0.5,
        label="y = -1",
    )  # fmt: skip
    handles = ax.get_legend_handles_labels()[0] + [
        Patch(color=NEGATIVE, alpha=0.2, label="score < 0: predicts -1"),
        Patch(color=POSITIVE, alpha=0.2, label="score > 0: predicts 1"),
        Line2D([], [], color="black", lw=1.5, label="score = 0: the boundary"),
    ]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, fontsize=8)
    ax.set_xlim(*lim)
    ax.set_ylim(*ylim)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_title(title)
    ax.set_aspect("equal")


def confusion_matrix(ax: Any, counts: np.ndarray, title: str) -> None:
    """Counts of (true class, predicted class) in a colour-blind-safe sequential map
    (cividis), each cell's count written in it; the diagonal holds the correct answers."""
    n = counts.shape[0]
    ax.imshow(counts, cmap="cividis")
    light = counts > counts.max() / 2  # cividis runs from dark blue to light yellow
    for (row, col), count in np.ndenumerate(counts):
        colour = "black" if light[row, col] else "white"
        ax.text(col, row, str(count), ha="center", va="center", color=colour, fontsize=8)
    ax.set_xticks(range(n))
    ax.set_yticks(range(n))
    ax.set_xlabel("predicted digit")
    ax.set_ylabel("true digit")
    ax.set_title(title)

"""Real data: scikit-learn's handwritten digits (1,797 images of 8x8 pixels, bundled with
scikit-learn, so nothing is downloaded), classified by an MLP and by a small CNN built
from ``nn``.

The images are split once, 80 % to train and 20 % to test, by a seeded permutation taken
class by class (stratified: each digit is a fifth of its own test set), and scaled from
0..16 to [0, 1]. Each model trains with Adam on mini-batches from a shuffling
``DataLoader`` (float32: the same accuracy as float64 here, in less time), its learning
rate falling along a half cosine; each epoch shows a progress bar, then the training loss
and the test loss and accuracy. The plots are the learning curves (loss on a log scale,
accuracy) and each model's confusion matrix on the test set.

``quick`` (the test suite's mode) trains fewer epochs; ``python -m demos digits`` trains
the full number; ``--trace`` trains with the traced step (``autograd_core.traced``), which
gives the same numbers.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np

import nn
from autograd_core import Tensor, manual_seed, no_grad, traced

from . import plots
from .common import DemoContext

NAME = "digits"
SUMMARY = "real data: scikit-learn's 8x8 handwritten digits, an MLP and a small CNN from nn"
SKLEARN_HINT = (
    'scikit-learn is not installed, so no digits (its bundled images): pip install -e ".[demos]"'
)

SEED = 0
TEST_FRACTION = 0.2
DTYPE = "float32"
CLASSES = 10


@dataclass(frozen=True)
class Recipe:
    """How one model trains: its learning rate, batch size and epochs (full run, quick run)."""

    label: str
    lr: float
    batch_size: int
    epochs: int
    quick_epochs: int


MLP = Recipe("MLP 64-128-10", lr=3e-3, batch_size=32, epochs=30, quick_epochs=8)
# Batches of 64 halve the CNN's steps (its time is in the convolutions' matrix products).
CNN = Recipe("CNN conv16-conv32", lr=5e-3, batch_size=64, epochs=20, quick_epochs=6)


def load(seed: int = SEED) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(X_train, y_train, X_test, y_test)``: images as (N, 1, 8, 8) in [0, 1], labels 0-9,
    a stratified split by a permutation of each class drawn from ``seed``."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = (digits.images / 16.0).astype(DTYPE)[:, None]  # pixels are 0..16
    labels = digits.target.astype(np.int64)
    rng = np.random.default_rng(seed)
    test = np.concatenate(
        [
            (members := rng.permutation(np.flatnonzero(labels == c)))[
                : round(TEST_FRACTION * len(members))
            ]
            for c in range(CLASSES)
        ]
    )
    train = np.setdiff1d(np.arange(len(labels)), test)
    return images[train], labels[train], images[test], labels[test]


def mlp() -> nn.Module:
    """64 pixels -> 128 ReLU units -> 10 class scores."""
    return nn.Sequential(
        nn.Flatten(),
        nn.Linear(64, 128, init="he", dtype=DTYPE),
        nn.ReLU(),
        nn.Linear(128, CLASSES, init="he", dtype=DTYPE),
    )


def cnn() -> nn.Module:
    """Two 3x3 convolutions (16 and 32 channels), each followed by ReLU and 2x2 max pooling
    (8x8 -> 4x4 -> 2x2), then a linear layer on the 32*2*2 features."""
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1, dtype=DTYPE),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1, dtype=DTYPE),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(32 * 2 * 2, CLASSES, init="he", dtype=DTYPE),
    )


def evaluate(model: nn.Module, X: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """The mean cross-entropy on ``(X, y)`` and the predicted classes, recording no graph."""
    model.eval()
    with no_grad():
        scores = model(Tensor(X))
        loss = float(nn.cross_entropy(scores, Tensor(y)).item())
    model.train()
    return loss, scores.numpy().argmax(axis=1)


def confusion(y: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    """Counts: row = true digit, column = predicted digit."""
    counts = np.zeros((CLASSES, CLASSES), dtype=np.int64)
    np.add.at(counts, (y, predicted), 1)
    return counts


def train(
    ctx: DemoContext, recipe: Recipe, model: nn.Module, data: tuple[np.ndarray, ...]
) -> dict[str, Any]:
    """Train ``model`` by ``recipe``; its per-epoch losses and accuracies, final numbers and
    wall time."""
    X_train, y_train, X_test, y_test = data
    epochs = recipe.quick_epochs if ctx.quick else recipe.epochs
    loader = nn.data.DataLoader(
        nn.data.TensorDataset(X_train, y_train),
        batch_size=recipe.batch_size,
        shuffle=True,
        generator=np.random.default_rng(SEED),
    )
    optimizer = nn.Adam(model.parameters(), lr=recipe.lr)
    schedule = nn.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
    history: dict[str, list[float]] = {"train_loss": [], "test_loss": [], "test_accuracy": []}
    batches = len(loader)

    def forward_backward(xb: Tensor, yb: Tensor) -> Tensor:
        loss = nn.cross_entropy(model(xb), yb)
        loss.backward()
        return loss

    # --trace: the same step recorded once per batch shape, then replayed (the same numbers).
    step = traced(forward_backward) if ctx.trace else forward_backward
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        total = 0.0
        for done, (xb, yb) in enumerate(loader, 1):
            optimizer.zero_grad()
            loss = step(xb, yb)
            optimizer.step()
            total += float(loss.item()) * len(yb)
            if done < batches:
                ctx.bar(f"epoch {epoch:>2}/{epochs}", done, batches)
        schedule.step()
        test_loss, predicted = evaluate(model, X_test, y_test)
        accuracy = 100.0 * float(np.mean(predicted == y_test))
        history["train_loss"].append(total / len(y_train))
        history["test_loss"].append(test_loss)
        history["test_accuracy"].append(accuracy)
        ctx.bar(
            f"epoch {epoch:>2}/{epochs}",
            batches,
            batches,
            f"train loss {total / len(y_train):.4f}  test loss {test_loss:.4f}  "
            f"test accuracy {accuracy:.2f} %",
        )
    seconds = time.perf_counter() - start
    _, predicted = evaluate(model, X_test, y_test)
    return history | {
        "epochs": epochs,
        "accuracy": 100.0 * float(np.mean(predicted == y_test)),
        "seconds": seconds,
        "confusion": confusion(y_test, predicted),
        "parameters": sum(p.size for p in model.parameters()),
    }


def _learning_curves(ctx: DemoContext, runs: dict[str, dict[str, Any]]) -> None:
    fig = ctx.figure(ncols=2)
    if fig is None:
        return
    loss_ax, accuracy_ax = fig.subplots(1, 2)
    for (label, run), colour in zip(runs.items(), (plots.BLUE, plots.ORANGE)):
        epochs = np.arange(1, run["epochs"] + 1)
        loss_ax.plot(epochs, run["train_loss"], color=colour, lw=2, label=f"{label}: train")
        loss_ax.plot(epochs, run["test_loss"], color=colour, lw=2, ls="--", label=f"{label}: test")
        accuracy_ax.plot(epochs, run["test_accuracy"], color=colour, lw=2, marker="o", ms=3,
                         label=label)  # fmt: skip
    loss_ax.set_yscale("log")
    loss_ax.set_title("digits: loss per epoch (learning curve)")
    loss_ax.set_xlabel("epoch")
    loss_ax.set_ylabel("cross-entropy (log scale)")
    loss_ax.legend(fontsize=8)
    accuracy_ax.set_title("digits: test accuracy per epoch")
    accuracy_ax.set_xlabel("epoch")
    accuracy_ax.set_ylabel("test accuracy (%)")
    accuracy_ax.legend(fontsize=8, loc="lower right")
    for ax in (loss_ax, accuracy_ax):
        ax.grid(True, which="both", alpha=0.3)
    ctx.save_figure(fig, "learning_curves", "digits_learning_curves.png")


def _confusion_matrices(ctx: DemoContext, runs: dict[str, dict[str, Any]]) -> None:
    fig = ctx.figure(ncols=len(runs), size=(4.6, 4.4))
    if fig is None:
        return
    for ax, (label, run) in zip(np.ravel(fig.subplots(1, len(runs))), runs.items()):
        plots.confusion_matrix(ax, run["confusion"], f"{label}: {run['accuracy']:.2f} % correct")
    ctx.save_figure(fig, "confusion_matrix", "digits_confusion_matrix.png")


def run(ctx: DemoContext) -> dict[str, Any]:
    """Train both models on the digits; print their accuracy and time; plot their curves and
    confusion matrices."""
    try:
        import sklearn  # noqa: F401
    except ImportError:
        ctx.hint(SKLEARN_HINT)
        return {"skipped": SKLEARN_HINT}
    data = load()
    X_train, _, X_test, _ = data
    mode = ("quick run (the tests')" if ctx.quick else "full run") + (
        ", traced steps" if ctx.trace else ""
    )
    ctx.say(
        f"{len(X_train)} training and {len(X_test)} test images (8x8, stratified 80/20 split, "
        f"seed {SEED}), Adam, {DTYPE}; {mode}:"
    )
    runs: dict[str, dict[str, Any]] = {}
    for recipe, build in ((MLP, mlp), (CNN, cnn)):
        manual_seed(SEED)  # the same initial weights on every run
        model = build()
        epochs = recipe.quick_epochs if ctx.quick else recipe.epochs
        params = sum(p.size for p in model.parameters())
        ctx.say(
            f"  {recipe.label} ({params} parameters), lr {recipe.lr:g}, batches of "
            f"{recipe.batch_size}, {epochs} epochs:"
        )
        runs[recipe.label] = train(ctx, recipe, model, data)
    for label, result in runs.items():
        ctx.say(
            f"  {label + ':':<20} test accuracy {result['accuracy']:.2f} % "
            f"in {result['seconds']:.1f} s ({result['epochs']} epochs)"
        )
    _learning_curves(ctx, runs)
    _confusion_matrices(ctx, runs)
    mlp_run, cnn_run = runs[MLP.label], runs[CNN.label]
    return {
        "quick": ctx.quick,
        "train_size": len(X_train),
        "test_size": len(X_test),
        "mlp": mlp_run,
        "cnn": cnn_run,
        "mlp_accuracy": mlp_run["accuracy"],
        "cnn_accuracy": cnn_run["accuracy"],
    }

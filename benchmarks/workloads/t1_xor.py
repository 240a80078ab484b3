"""T1: the blog's XOR network (2-3-1 sigmoid, squared-error cost, lr=1, 4 examples), float64.

Two cases, the same numbers in two layouts: the blog's (features x examples, ``W @ X + b``)
and the one users write (examples in rows, ``(X @ W.T + b).sigmoid()``, plain operators,
no fused ``linear``), where each bias's gradient is summed over the examples. Each sample
trains from the blog's initial weights (``np.random.seed(48)``, Xavier) for the whole run
of epochs, so every contender does exactly the same work.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .. import floors
from ..adapters import OURS_MODULES
from ..data import xor_init, xor_problem, xor_user_written
from ..harness import Bench
from ..report import WorkloadResult
from .common import (
    Config,
    Peers,
    as_float,
    contenders,
    first_losses,
    loss_check,
    rows_against_floor,
    run_benches,
)

__all__ = ["run", "CASES"]

TITLE = "the blog's XOR network, 2-3-1 sigmoid, float64, full-batch SGD"
PEER_NAMES = ("PyTorch", "MyGrad", "autograd")
LR = 1.0
CHECK_STEPS = 10

Trainer = Callable[[list[np.ndarray], np.ndarray, np.ndarray, float], Callable[[], Any]]
Problem = tuple[list[np.ndarray], np.ndarray, np.ndarray]


def _blog_layout() -> Problem:
    return xor_init(), *xor_problem()


# case label -> (the trainer every contender's adapter names so, the problem in its layout)
CASES: dict[str, tuple[str, Callable[[], Problem]]] = {
    # features x examples, column biases: W @ X + b, as the blog writes it
    "blog's layout W @ X + b": ("xor_trainer", _blog_layout),
    # examples in rows, as PyTorch users write it: (X @ W.T + b).sigmoid(), the targets' form
    "user-written X @ W.T + b": ("xor_user_trainer", xor_user_written),
}


def _training(trainer: Trainer, problem: Problem, epochs: int) -> Callable[[], object]:
    """A whole training run from the initial weights; returns the last cost."""
    params, x, y = problem

    def train() -> object:
        step = trainer(params, x, y, LR)
        cost: object = None
        for _ in range(epochs):
            cost = step()
        return cost

    return train


def run(cfg: Config, peers: Peers) -> WorkloadResult:
    """us per epoch, in each layout: ours and the array peers vs the hand-written network."""
    result = WorkloadResult("T1", TITLE)
    epochs = cfg.pick(20, 1000, 5000)
    for label, (function, make_problem) in CASES.items():
        case = f"{label}, {epochs} epochs"
        problem = make_problem()
        found_here = contenders(function, getattr(floors, function), peers)
        floor_trainer = found_here[0][1]
        reference = first_losses(floor_trainer(*problem, LR), CHECK_STEPS)
        for name, trainer in found_here[1:]:
            got = first_losses(trainer(*problem, LR), CHECK_STEPS)
            required = name in OURS_MODULES
            result.checks.append(loss_check(f"{name}, {label}", reference, got, required=required))

        benches = [
            Bench(name, _training(trainer, problem, epochs), work=epochs)
            for name, trainer in found_here
        ]
        found = run_benches(cfg, benches, cfg.pick(1, 3, 5), cfg.pick(0, 1, 1))
        names = [b.name for b in benches]
        result.rows += rows_against_floor(case, found, names, "us/epoch", peers, PEER_NAMES)
        finals = [f"{n} {as_float(_training(t, problem, epochs)()):.6g}" for n, t in found_here[:2]]
        result.notes.append(f"{label}: cost after {epochs} epochs: " + ", ".join(finals))
    return result

"""T1: the blog's XOR network (2-3-1 sigmoid, squared-error cost, lr=1, 4 examples), float64.

Each sample trains from the blog's initial weights (``np.random.seed(48)``, Xavier) for
the whole run of epochs, so every contender does exactly the same work.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .. import floors
from ..adapters import load_ours
from ..data import xor_init, xor_problem
from ..harness import Bench
from ..report import WorkloadResult
from .common import (
    Config,
    Peers,
    as_float,
    first_losses,
    loss_check,
    rows_against_floor,
    run_benches,
)

__all__ = ["run"]

TITLE = "the blog's XOR network, 2-3-1 sigmoid, float64, full-batch SGD"
PEER_NAMES = ("PyTorch", "MyGrad", "autograd")
LR = 1.0
CHECK_STEPS = 10

Trainer = Callable[[list[np.ndarray], np.ndarray, np.ndarray, float], Callable[[], Any]]


def _training(trainer: Trainer, epochs: int) -> Callable[[], object]:
    """A whole training run from the initial weights; returns the last cost."""
    params = xor_init()
    x, y = xor_problem()

    def train() -> object:
        step = trainer(params, x, y, LR)
        cost: object = None
        for _ in range(epochs):
            cost = step()
        return cost

    return train


def run(cfg: Config, peers: Peers) -> WorkloadResult:
    """us per epoch: ours and the array peers vs the hand-written NumPy network."""
    ours = load_ours()
    result = WorkloadResult("T1", TITLE)
    epochs = cfg.pick(20, 1000, 5000)
    case = f"{epochs} epochs"
    params = xor_init()
    x, y = xor_problem()

    contenders: list[tuple[str, Trainer]] = [("NumPy by hand", floors.xor_trainer)]
    if ours.TENSOR_ERROR is None:
        contenders.append(("ours", ours.xor_trainer))
    contenders += peers.having("xor_trainer")

    reference = first_losses(floors.xor_trainer(params, x, y, LR), CHECK_STEPS)
    for name, trainer in contenders[1:]:
        got = first_losses(trainer(params, x, y, LR), CHECK_STEPS)
        result.checks.append(loss_check(name, reference, got, required=name == "ours"))

    benches = [Bench(name, _training(trainer, epochs), work=epochs) for name, trainer in contenders]
    found = run_benches(cfg, benches, cfg.pick(1, 3, 5), cfg.pick(0, 1, 1))
    result.rows += rows_against_floor(
        case,
        found,
        [b.name for b in benches],
        "us/epoch",
        2.5,
        "the floor",
        peers,
        PEER_NAMES,
        ours.TENSOR_ERROR,
    )
    finals = [f"{name} {as_float(_training(t, epochs)()):.6g}" for name, t in contenders[:2]]
    result.notes.append(f"cost after {epochs} epochs: " + ", ".join(finals))
    return result

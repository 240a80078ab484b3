"""T2: a 784-256-256-10 ReLU MLP, softmax cross-entropy, batch 256, SGD; float64 and float32.

Here the matrix products dominate, so the ratio to the floor shows what the engine adds
on top of BLAS: extra temporaries, copies and passes over the arrays.
"""

from __future__ import annotations

import numpy as np

from .. import floors
from ..adapters import OURS_MODULES
from ..data import mlp_problem
from ..harness import Bench
from ..report import WorkloadResult
from .common import (
    Config,
    Peers,
    contenders,
    first_losses,
    loss_check,
    rows_against_floor,
    run_benches,
)

__all__ = ["run"]

TITLE = "784-256-256-10 ReLU MLP, softmax cross-entropy, batch 256, SGD"
PEER_NAMES = ("PyTorch", "MyGrad", "autograd")
CHECK_STEPS = 3
# (dtype, tolerance of the loss check)
DTYPES = ((np.float64, 1e-12), (np.float32, 1e-5))


def run(cfg: Config, peers: Peers) -> WorkloadResult:
    """ms per step: ours and the array peers vs the hand-written NumPy network."""
    result = WorkloadResult("T2", TITLE)
    sizes = cfg.pick((20, 16, 16, 10), (784, 256, 256, 10), (784, 256, 256, 10))
    batch = cfg.pick(8, 256, 256)
    base = mlp_problem(sizes, batch)
    for dtype, rtol in DTYPES:
        problem = base.astype(dtype)
        case = f"{np.dtype(dtype).name}"
        found_here = contenders("mlp_trainer", floors.mlp_trainer, peers)

        reference = first_losses(floors.mlp_trainer(problem), CHECK_STEPS)
        for name, trainer in found_here[1:]:
            got = first_losses(trainer(problem), CHECK_STEPS)
            required = name in OURS_MODULES
            result.checks.append(
                loss_check(f"{name} {case}", reference, got, rtol, required=required)
            )

        # Training continues across samples: every call is one more SGD step.
        benches = [Bench(name, trainer(problem), inner=None) for name, trainer in found_here]
        found = run_benches(
            cfg, benches, cfg.pick(1, 5, 11), cfg.pick(0, 1, 2), cfg.pick(0.001, 0.1, 0.3)
        )
        names = [b.name for b in benches]
        result.rows += rows_against_floor(case, found, names, "ms/step", peers, PEER_NAMES)
    result.notes.append(
        f"synthetic MNIST-shaped batch {batch}x{sizes[0]} (pixels in [0, 1), random labels), "
        "He initialisation, lr 0.01; PyTorch uses F.cross_entropy, MyGrad its "
        "softmax_crossentropy, ours log_softmax times a one-hot"
    )
    return result

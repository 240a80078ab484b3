"""P0: the fixed cost of one Tensor operation: ``a + b`` on 1-element arrays, forward and backward.

On arrays this small the arithmetic is free, so the figure is pure bookkeeping: node
creation, graph walk, seeding and gradient accumulation.
"""

from __future__ import annotations

import numpy as np

from ..adapters import load_ours
from ..floors import add_by_hand
from ..harness import Bench
from ..report import Check, WorkloadResult
from .common import Config, Peers, rows_against_floor, run_benches

__all__ = ["run"]

TITLE = "per-op overhead: one add of 1-element arrays, forward + backward"
PEER_NAMES = ("PyTorch", "MyGrad", "autograd")


def run(cfg: Config, peers: Peers) -> WorkloadResult:
    """us per add+backward: ours and the array peers vs NumPy by hand."""
    ours = load_ours()
    result = WorkloadResult("P0", TITLE)
    case = "shape (1,)"
    floor = add_by_hand(np.ones(1), np.full(1, 2.0))
    benches = [Bench("NumPy by hand", floor, inner=None)]
    if ours.TENSOR_ERROR is None:
        step = ours.add_step()
        out = step()
        a, b = out.parents
        ok = out.data.tolist() == [3.0] and a.grad.tolist() == [1.0] and b.grad.tolist() == [1.0]
        result.checks.append(
            Check("ours", ok, f"a + b = {out.data}, grads {a.grad}, {b.grad} (want 3, 1, 1)")
        )
        benches.append(Bench("ours", step, inner=None))
    for name, factory in peers.having("add_step"):
        benches.append(Bench(name, factory(), inner=None))
    found = run_benches(
        cfg, benches, cfg.pick(1, 5, 15), cfg.pick(0, 1, 2), cfg.pick(0.005, 0.05, 0.1)
    )
    result.rows += rows_against_floor(
        case,
        found,
        [b.name for b in benches],
        "us/call",
        4,
        "NumPy by hand",
        peers,
        PEER_NAMES,
        ours.TENSOR_ERROR,
    )
    result.notes.append(
        "NumPy by hand: out = a + b, a ones seed, and a copy of it for each input's gradient"
    )
    return result

"""P0: the fixed cost of a Tensor operation on 1-element arrays, forward and backward.

On arrays this small the arithmetic is free, so the figure is pure bookkeeping: node
creation, graph walk, seeding and gradient accumulation. Two cases: ``out = a + b`` then
``out.backward()`` (one node), and the form users write, ``(a + b).sum().backward()``
(two nodes and a 0-d loss), which the target judges.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .. import floors
from ..adapters import OURS_MODULES, load_ours
from ..harness import Bench
from ..report import Check, WorkloadResult
from .common import Config, Peers, as_float, contenders, rows_against_floor, run_benches

__all__ = ["run", "CASES"]

TITLE = "per-op overhead on 1-element arrays, forward + backward"
PEER_NAMES = ("PyTorch", "MyGrad", "autograd")

Factory = Callable[[], Callable[[], Any]]


def _floor(by_hand: Callable[[np.ndarray, np.ndarray], Callable[[], Any]]) -> Factory:
    return lambda: by_hand(np.ones(1), np.full(1, 2.0))


# case -> (the step factory every contender's adapter names so, the floor's factory)
CASES: dict[str, tuple[str, Factory]] = {
    "out = a + b; out.backward()": ("add_step", _floor(floors.add_by_hand)),
    "(a + b).sum().backward()": ("sum_add_step", _floor(floors.sum_add_by_hand)),
}


def _check_add(step: Callable[[], Any]) -> Check:
    """Ours' one-node case: the output and both leaves' gradients."""
    out = step()
    a, b = out.parents
    ok = out.data.tolist() == [3.0] and a.grad.tolist() == [1.0] and b.grad.tolist() == [1.0]
    return Check("ours", ok, f"a + b = {out.data}, grads {a.grad}, {b.grad} (want 3, 1, 1)")


def check_sum(name: str, step: Callable[[], Any]) -> Check:
    """A contender's (total, a.grad, b.grad) for a = [1], b = [2]: want 3, [1], [1]."""
    got = [as_float(v) for v in step()]
    required = name in OURS_MODULES
    return Check(f"{name}, sum", got == [3.0, 1.0, 1.0], f"got {got}, want 3, 1, 1", required)


def run(cfg: Config, peers: Peers) -> WorkloadResult:
    """us per forward + backward: ours and the array peers vs NumPy by hand."""
    result = WorkloadResult("P0", TITLE)
    for case, (function, floor) in CASES.items():
        found_here = contenders(function, floor, peers)
        steps = [(name, factory()) for name, factory in found_here]
        if function == "add_step":
            result.checks.append(_check_add(load_ours().add_step()))
        else:
            result.checks += [check_sum(name, step) for name, step in steps]
        benches = [Bench(name, step, inner=None) for name, step in steps]
        found = run_benches(
            cfg, benches, cfg.pick(1, 5, 15), cfg.pick(0, 1, 2), cfg.pick(0.005, 0.05, 0.1)
        )
        names = [b.name for b in benches]
        result.rows += rows_against_floor(case, found, names, "us/call", peers, PEER_NAMES)
    result.notes.append(
        "NumPy by hand: the forward, then ones for the seed (or the sum's gradient) and a "
        "copy of it for each input, which must not share an array"
    )
    return result

"""S3: bytes per node of a 200,000-node Value graph, measured with tracemalloc.

The graph is S2's chain (each step makes a multiply, an add and their two constants:
four nodes), and a node is every Value in it, constants included, which is how micrograd's
584 B/node figure counts. Measured right after building (the target) and, for ours, after
backward too. (micrograd's backward under tracemalloc is quadratic in the depth of its
recursion, minutes at this size, so it has no after-backward figure.)
"""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import Callable
from types import ModuleType
from typing import Any

from ..adapters import load_ours
from ..floors import chain_by_hand
from ..report import Check, Row, WorkloadResult
from .common import Config, Peers, as_float, missing_rows

__all__ = ["run", "bytes_per_node"]

TITLE = "memory: bytes per node of a chain graph (tracemalloc)"


def bytes_per_node(
    adapter: ModuleType, steps: int, backward: Callable[[Any], None] | None = None
) -> tuple[float, int, tuple[float, float]]:
    """(bytes per node, nodes, (y, dy/dx)) for a chain of ``steps`` built by ``adapter``.

    With ``backward`` the figure is taken after calling it on the output, so it includes
    the gradients (and whatever the engine keeps after a pass).
    """
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        x, y = adapter.chain_graph(steps)
        if backward is not None:
            backward(y)
        used = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    nodes = adapter.count_nodes(y)
    grad = as_float(x.grad) if backward is not None else float("nan")
    return used / nodes, nodes, (as_float(y.data), grad)


def run(cfg: Config, peers: Peers) -> WorkloadResult:
    """Ours vs micrograd, built and after backward."""
    ours = load_ours()
    result = WorkloadResult("S3", TITLE)
    steps = cfg.pick(500, 50_000, 50_000)  # 4 nodes per step: 200,001 nodes
    micrograd = peers.loaded.get("micrograd")
    want = chain_by_hand(steps)

    contenders: list[tuple[str, str, ModuleType, Callable[[Any], None] | None]] = [
        ("ours", "built", ours, None),
        ("ours", "after backward", ours, lambda y: y.backward()),
    ]
    if micrograd is not None:
        contenders.insert(1, ("micrograd", "built", micrograd, None))
    figures: dict[tuple[str, str], float] = {}
    nodes = 0
    for name, stage, adapter, backward in contenders:
        per_node, nodes, (y, dydx) = bytes_per_node(adapter, steps, backward)
        figures[(name, stage)] = per_node
        if backward is not None:
            ok = abs(dydx - want[1]) <= 1e-12 * abs(want[1]) and y == want[0]
            result.checks.append(Check(name, ok, f"dy/dx={dydx:.17g} vs floats"))
    for stage in ("built", "after backward"):
        case = f"{nodes:,} nodes, {stage}"
        ref = figures.get(("micrograd", stage))
        for name, row_stage, _, _ in contenders:
            if row_stage != stage:
                continue
            value = figures[(name, stage)]
            result.rows.append(Row(case, name, value, "B/node", ratio=value / ref if ref else None))
        if stage == "built":
            result.rows += missing_rows(case, peers, "B/node", ["micrograd"])
    result.notes.append(
        "one measurement each: allocation sizes are deterministic for a given Python"
    )
    return result

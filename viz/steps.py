"""What happens at each step of one training step: forward, backward, update.

The forward pass is the plan's order (every node after its operands); the backward pass is
the engine's own (``autograd_core.engine.backward_steps``), one node at a time in the
engine's order, recording after each node what every parent received (the engine restores
the gradients afterwards, so recording changes nothing); the update is one step of
gradient descent, ``p - lr * grad``, computed here and never written into the graph.
``viz.explorer`` draws these records.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograd_core.engine import backward_steps

from .describe import local_grads
from .plan import GraphPlan

__all__ = [
    "Flow",
    "Step",
    "Update",
    "Backward",
    "receives_grad",
    "record_steps",
    "check_lr",
    "record_update",
]


@dataclass
class Flow:
    """What crossed one edge during one backward step."""

    edge: int
    parent: int
    local: float | None  # d node / d parent; None where the node keeps a rule, not a number
    receives: Any  # upstream x local (Values) or the change in the parent's grad; None: nothing
    total: Any  # the parent's gradient after the step


@dataclass
class Step:
    """One backward step: the node processed (None for the seed), its upstream, the flows."""

    node: int | None
    upstream: Any
    flows: list[Flow]


@dataclass
class Update:
    """One step of gradient descent: each parameter's index and its value after the step."""

    lr: float
    new: dict[int, Any]
    outside: int  # parameters asked for that are not in this graph (left unchanged)


def _snapshot(grad: Any) -> Any:
    # The engine may hand the same array on or add to it later: record a copy.
    if isinstance(grad, np.ndarray):
        return grad.copy()
    if grad is not None and hasattr(grad, "data") and not isinstance(grad, (int, float)):
        return _snapshot(grad.data)
    return grad


def receives_grad(node: Any) -> bool:
    """False for constants and for Tensors that do not require grad."""
    return not getattr(node, "is_constant", False) and bool(getattr(node, "requires_grad", True))


@dataclass
class Backward:
    """The backward pass: its steps, every gradient at the start (after seeding) and end."""

    steps: list[Step]
    initial: list[Any]
    final: list[Any]


def record_steps(plan: GraphPlan, grad: Any = None) -> Backward:
    """Run the backward pass one node at a time, recording every step."""
    order = plan.order
    edges_of: list[list[int]] = [[] for _ in order]
    for e, (_, child, _) in enumerate(plan.edges):
        edges_of[child].append(e)
    steps: list[Step] = []
    initial: list[Any] = []
    current: list[Any] = []
    pending: tuple[int, Any, Any] | None = None  # the node that pushes before the next yield
    # The engine yields each node just before its push, then None when the pass is done.
    # closing(): the engine restores the gradients when the walk ends, even if we raise.
    with contextlib.closing(backward_steps(plan.root, grad)) as walk:
        for node in walk:
            if pending is None:
                # A fresh pass: every gradient starts at zero and the root holds the seed.
                current = [_snapshot(n.grad) for n in order]
                initial = list(current)
                steps.append(Step(None, current[plan.root_index], []))
            else:
                i, upstream, local = pending
                flows = []
                counted: set[int] = set()
                for e in edges_of[i]:
                    p, _, k = plan.edges[e]
                    total = _snapshot(order[p].grad)
                    local_k = float(local[k]) if k < len(local) else None
                    receives: Any = None
                    if not receives_grad(order[p]):
                        pass
                    elif local_k is not None:
                        receives = upstream * local_k
                    elif p not in counted and total is not None:
                        # A Tensor keeps a rule, not a number: what arrived is the change in grad.
                        before = current[p]
                        receives = total - before if before is not None else total
                    counted.add(p)
                    flows.append(Flow(e, p, local_k, receives, total))
                for flow in flows:
                    current[flow.parent] = flow.total
                steps.append(Step(i, upstream, flows))
            if node is None:
                break
            pending = (plan.index[id(node)], _snapshot(node.grad), local_grads(node))
    return Backward(steps, initial, current)


def check_lr(lr: object, caller: str) -> float | None:
    """``lr`` as a float, or None (no update step); a clear error for anything else."""
    if lr is None:
        return None
    if isinstance(lr, bool) or not isinstance(lr, (int, float)):
        raise TypeError(f"{caller}: lr must be a number or None (no update step), got {lr!r}")
    if not math.isfinite(lr) or lr < 0:
        raise ValueError(
            f"{caller}: lr must be a finite number >= 0 (as torch.optim.SGD), got {lr!r}"
        )
    return float(lr)


def record_update(
    plan: GraphPlan, grads: list[Any], lr: float, params: Iterable[Any] | None = None
) -> Update:
    """``p - lr * grad`` for each parameter: ``params`` (nodes; e.g. ``model.parameters()``),
    or by default every leaf drawn as a parameter. The graph itself is not changed."""
    if params is None:
        chosen = [i for i, kind in enumerate(plan.kinds) if kind == "parameter"]
        outside = 0
    else:
        chosen, outside = [], 0
        for param in params:
            i = plan.index.get(id(param))
            if i is None:
                outside += 1
            elif plan.order[i].parents:
                raise ValueError(
                    f"{plan.caller}: params holds {plan.order[i].op!r}'s result, which is "
                    "computed from other nodes; gradient descent updates leaves (parameters)"
                )
            elif i not in chosen:
                chosen.append(i)
    new: dict[int, Any] = {}
    for i in chosen:
        g = grads[i]
        if g is None or not receives_grad(plan.order[i]):
            continue  # as torch.optim.SGD: a parameter without a gradient is left alone
        new[i] = plan.order[i].data - lr * g
    return Update(lr, new, outside)

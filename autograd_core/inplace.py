"""In-place updates (``p -= lr * p.grad``) and the check that makes them safe, for both
node types, with PyTorch's rules.

- Under ``no_grad()``, or when nothing involved requires a gradient, ``x -= y`` writes the
  new numbers into ``x`` itself: every reference to ``x`` (a model's registered parameter)
  sees them.
- With grad mode on, a leaf that requires a gradient refuses (as PyTorch): updating it
  would cut it from the graph it feeds.
- With grad mode on, a computed node (``loss += term``) becomes the new result in place,
  and a fresh node takes its old place in the graph, so the graph stays right. The
  operand may be computed from the node itself (``c += c * 2``, as micrograd's tests
  write): its nodes then read the fresh node, the numbers before the update, as PyTorch's
  graph keeps the version each operation read.
- A node stamps the mutation clock when it is created; an in-place update stamps the
  updated node. Backward checks, at each node, that neither it nor its operands were
  updated after it was created: their numbers (which its rule reads) would be the new
  ones. The check costs one comparison per node while nothing has been updated.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .context import _STATE

__all__ = ["CLOCK", "update_in_place", "mark_updated", "check_unmodified"]

# Count of in-place updates so far, in a list so node creation reads it without a global
# statement. Nodes record it as ``_born``; an update sets the node's ``_modified`` to it.
CLOCK = [0]


def update_in_place(node: Any, other: Any, symbol: str, method: str | Callable[..., Any]) -> Any:
    """``node <symbol>= other`` in place (see the module's rules), computed by the node
    type's out-of-place ``method`` (``"__add__"`` for ``+=``, or a function of the node and
    ``other``); returns ``node``."""
    out_of_place = getattr(type(node), method) if isinstance(method, str) else method
    other_records = getattr(other, "requires_grad", False) is True
    recording = _STATE.get().grad_enabled and (node.requires_grad or other_records)
    kind = type(node).__name__
    if recording and node.requires_grad and not node._parents:
        instead = (
            "q = p.clone(); q[...] = ..." if symbol.startswith("[") else f"p = p {symbol[:-1]} ..."
        )
        raise RuntimeError(
            f"{kind} {symbol}: a leaf that requires grad (a parameter) cannot be updated in "
            f"place while grad mode is on; update it under no_grad() (`with no_grad(): "
            f"p {symbol} ...`), or write `{instead}` for a new node"
        )
    if recording:
        # A new node takes the old one's place in the graph built so far; ``node`` itself
        # becomes the result. Nodes that used the old ``node`` see the stamp below.
        old = node._moved()
        result = out_of_place(old, other)
        _read_old(result, node, old)
        node._become(result, symbol)
    else:
        node._assign(out_of_place(node, other), symbol)
    mark_updated(node)
    if recording:
        node._born = CLOCK[0]  # a new node: it was computed from the updated numbers
    return node


def _read_old(result: Any, node: Any, old: Any) -> None:
    """Point the nodes of ``result``'s graph that read ``node`` (``c + 1`` in ``c += c + 1``)
    at ``old``, its numbers before the update: ``node`` is about to become ``result``, and
    left as it is the graph would have a cycle. Only nodes computed since ``node`` was
    (their clock stamp is not older) can have read it, so the walk stops at older nodes,
    at leaves, and at ``old``, whose graph is the one from before."""
    born = node._born
    stack = [result]
    seen = {id(result), id(node), id(old)}
    while stack:
        current = stack.pop()
        parents = current._parents
        if any(p is node for p in parents):
            current._parents = tuple(old if p is node else p for p in parents)
        for p in parents:
            if id(p) not in seen and p._parents and p._born >= born:
                seen.add(id(p))
                stack.append(p)


def mark_updated(node: Any) -> None:
    """Record that ``node``'s numbers were changed in place by code that wrote ``.data``
    itself (an optimiser's step), so a graph built before the change refuses to backward."""
    CLOCK[0] += 1
    node._modified = CLOCK[0]


def check_unmodified(node: Any) -> None:
    """Raise if ``node`` or one of its operands was updated in place after it was created."""
    born = node._born
    for position, operand in enumerate((node, *node._parents)):
        if operand._modified > born:
            what = "the result" if position == 0 else f"operand {position - 1}"
            if operand.label is not None:
                what += f" ({operand.label!r})"
            raise RuntimeError(
                f"backward: {what} of {type(node).__name__} {node.op!r} was updated in place "
                f"(an in-place operator such as -=) after {node.op!r} was computed, so its "
                "gradient would use the new numbers; run the forward again after the update, "
                "or update a copy"
            )

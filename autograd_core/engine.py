"""The one backpropagation engine, shared by ``Value`` and ``Tensor``.

A node is anything with ``grad``, ``_parents`` (an ordered tuple) and ``_rule``, the
operation that made it, which knows how to push the node's gradient into its parents
(``_rule.backprop``) and whether the node is a leaf (``_rule.leaf``). The hot loops read
the parents where a node keeps them, in the slot ``_a``: None for a leaf, else a tuple, or
(a Value's one or two parents, so that an operation allocates no tuple) the first parent,
with the second in ``_b``. Backpropagation is then:

1. order the graph so that every node comes after its parents (no recursion);
2. seed the root with d root / d root;
3. visit the nodes from the root back to the leaves; each multiplies the gradient that
   has arrived at it by its local gradients and *adds* the products into its parents,
   so a node reached along several paths receives the sum over all of them.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

from .context import _STATE, enable_grad
from .inplace import CLOCK, check_unmodified
from .node import GraphNode

__all__ = ["Node", "topological_order", "backward", "backward_steps", "gradients"]


class Node(Protocol):
    """What the engine needs of a node; ``Value`` and ``Tensor`` both provide it."""

    grad: Any
    _parents: tuple[Any, ...]
    _a: Any  # where the parents are kept (see the module's docstring)
    _rule: Any  # has backprop(node, create_graph, anomaly): adds upstream x local into parents

    def _zero_grad(self) -> Any: ...
    def _seed(self, grad: Any, create_graph: bool) -> Any: ...
    def _check_leaf_grad(self) -> None: ...  # raises unless backward can add into .grad


def topological_order(root: Any) -> list[Any]:
    """Every node reachable from ``root``, each listed after all of its parents.

    Iterative depth-first post-order, so graphs millions of nodes deep work.
    """
    # Sets hold the nodes themselves: nodes hash by identity (GraphNode sees to it, for
    # subclasses too, although Tensor's == is elementwise), and identity hashes of live
    # objects never collide, so == is never called. Twice as fast as sets of id()s.
    order: list[Any] = []
    visited: set[Any] = set()
    # A None on the stack means "all parents of the node below me are done: emit it".
    # (Markers instead of (node, flag) tuples: no allocation per node.)
    stack: list[Any] = [root]
    push = stack.append
    extend = stack.extend
    pop = stack.pop
    emit = order.append
    seen = visited.add
    while stack:
        node = pop()
        if node is None:
            emit(pop())
            continue
        if node in visited:
            continue
        seen(node)
        a = node._a  # where the node keeps its parents (see the module's docstring)
        if a is None:  # a leaf has nothing to wait for: list it now
            emit(node)
            continue
        push(node)
        push(None)
        # Parents go on the stack as they are (a visited one is skipped when popped):
        # no tuple built for a Value's one or two, and one C call for a tuple of them.
        if type(a) is tuple:
            extend(a)
        else:
            push(a)
            b = node._b
            if b is not None:
                push(b)
    return order


def _run(order: Sequence[Any], create_graph: bool) -> None:
    """Step 3: from the root back to the leaves, push each node's gradient to its parents."""
    anomaly = _STATE.get().anomaly
    clock = CLOCK[0]
    for node in reversed(order):
        if not node._rule.leaf:
            if node._born != clock:  # something was updated in place since node was made
                check_unmodified(node)
            node._rule.backprop(node, create_graph, anomaly)


def backward(root: Any, grad: Any = None, create_graph: bool = False) -> None:
    """Backpropagate from ``root``, filling ``.grad`` of every node in its graph.

    Interior nodes are reset first, so a second call is as correct as the first; leaves
    accumulate across calls until zeroed. With ``create_graph`` every gradient is itself
    a node of a new graph, so it can be differentiated again.
    """
    order = topological_order(root)
    zero = root._zero_grad()
    leaves = []  # (leaf, gradient before this pass), to undo the pass if it fails midway
    for node in order:
        if not node._rule.leaf:
            node.grad = zero
        elif node.requires_grad:
            leaves.append((node, node.grad))
    try:
        for leaf, _ in leaves:
            leaf._check_leaf_grad()
        seed = root._seed(grad, create_graph)
        if root._parents:
            root.grad = seed
        else:
            root.grad = root.grad + seed if root.grad is not None else seed
        if create_graph:
            with enable_grad():
                _run(order, True)
            _keep_numbers_inside(order)
        else:
            _run(order, False)
    except BaseException:
        for leaf, old in leaves:
            leaf.grad = old
        raise


def _keep_numbers_inside(order: Sequence[Any]) -> None:
    """After a create_graph pass, interior nodes keep their gradients' numbers, not nodes.

    A gradient node refers back to the graph it came from, so a node holding its own would
    be a reference cycle that only the cyclic GC frees: a training loop with the GC off
    would grow without end. Leaves keep nodes (that is what create_graph is for); a leaf
    and its gradient also form a cycle until the gradient is reset (``zero_grad``), as
    PyTorch documents for its ``backward(create_graph=True)``.
    """
    for node in order:
        if node._parents:
            grad = node.grad
            if isinstance(grad, GraphNode):
                node.grad = grad.data  # type: ignore[attr-defined]  # both node types have it


@contextmanager
def _scratch_pass(root: Any, grad: Any, create_graph: bool) -> Iterator[list[Any]]:
    """A pass that starts every gradient (leaves too) at zero and puts them all back after.

    Yields the order with the root seeded; what the caller runs in between changes nothing
    that outlives the block.
    """
    order = topological_order(root)
    saved = [node.grad for node in order]
    try:
        zero = root._zero_grad()
        for node in order:
            node.grad = zero
        root.grad = root._seed(grad, create_graph)
        yield order
    finally:
        for node, old in zip(order, saved):
            node.grad = old


def gradients(
    root: Any, inputs: Sequence[Any], grad: Any = None, create_graph: bool = False
) -> list[Any]:
    """The total derivative d root / d input for each of ``inputs`` (as
    ``torch.autograd.grad``), leaving every ``.grad`` as it was.

    Inputs may be interior nodes of a larger graph and may depend on one another: for
    ``y = x * 3; z = y * x`` it gives dz/dx = 12 (both paths) and dz/dy = 2. Only nodes with
    an input among their ancestors push gradients, so a graph built before the inputs (the
    outer function of a nested ``grad``) costs a walk, not a backward pass.
    """
    with _scratch_pass(root, grad, create_graph) as order:
        path = _downstream_of(order, set(inputs))
        if create_graph:
            with enable_grad():
                _run(path, True)
        else:
            _run(path, False)
        reached = set(order)
        return [node.grad if node in reached else node._zero_grad() for node in inputs]


def _downstream_of(order: Sequence[Any], sources: set[Any]) -> list[Any]:
    """The nodes of ``order`` that are in ``sources`` or have one among their ancestors."""
    reach: set[Any] = set()
    keep = []
    for node in order:  # parents come before children
        if node in sources or any(parent in reach for parent in node._parents):
            reach.add(node)
            keep.append(node)
    return keep


def backward_steps(root: Any, grad: Any = None) -> Generator[Any, None, None]:
    """The backward pass one node at a time, for showing it (``viz.backprop_steps``).

    Starts from zero gradients everywhere (leaves too) and seeds the root. Yields each
    interior node, in the engine's order, just *before* it pushes its gradient into its
    parents, then yields ``None`` once the pass is complete. When the generator finishes
    or is closed, every ``.grad`` is put back as it was.
    """
    with _scratch_pass(root, grad, False) as order:
        anomaly = _STATE.get().anomaly
        for node in reversed(order):
            if node._parents:
                yield node
                check_unmodified(node)
                node._rule.backprop(node, False, anomaly)
        yield None

"""micrograd (Karpathy's scalar engine), with its own ``Value`` and ``nn.MLP``.

Its backward pass sorts the graph recursively, so deep graphs raise RecursionError at
the default limit; ``chain_deep`` raises the limit and runs in a thread with a large
stack to get a per-op figure anyway.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from typing import Any, TypeVar

from micrograd.engine import Value
from micrograd.nn import MLP

from ..data import ScalarMLPInit
from ..scalar_mlp import demo_step

__all__ = [
    "NAME",
    "VERSION",
    "scalar_mlp_trainer",
    "count_nodes",
    "chain_graph",
    "chain",
    "chain_deep",
    "run_deep",
    "first_failing_n",
]

NAME = "micrograd"
try:
    VERSION = version("micrograd")
except PackageNotFoundError:  # imported from a checkout rather than installed
    VERSION = "unknown"

Step = Callable[[], Any]
T = TypeVar("T")


def scalar_mlp_trainer(
    init: ScalarMLPInit, points: list[list[float]], labels: list[float]
) -> tuple[Step, Any]:
    """micrograd's demo step on micrograd's own MLP, loaded with the shared initial weights."""
    sizes = [len(init[0][0][0])] + [len(biases) for _, biases in init]
    model = MLP(sizes[0], sizes[1:])
    flat = [p for weights, biases in init for row, b in zip(weights, biases) for p in (*row, b)]
    params = model.parameters()
    if len(params) != len(flat):
        raise RuntimeError("micrograd MLP and the shared initialisation differ in size")
    for p, value in zip(params, flat):
        p.data = value
    return demo_step(Value, model, params, points, labels), model


def count_nodes(root: Any) -> int:
    """Nodes reachable from ``root`` through ``_prev`` (an explicit stack: graphs are deep)."""
    seen = {id(root)}
    stack = [root]
    while stack:
        node = stack.pop()
        for parent in node._prev:
            if id(parent) not in seen:
                seen.add(id(parent))
                stack.append(parent)
    return len(seen)


def chain_graph(n: int) -> tuple[Any, Any]:
    """(x, y) with y = n steps of x -> x*1.0001 + 0.0001 from x = 1, not differentiated."""
    x = Value(1.0)
    y = x
    for _ in range(n):
        y = y * 1.0001 + 0.0001
    return x, y


def chain(n: int) -> tuple[Any, Any]:
    """Build and backpropagate at the default recursion limit (RecursionError when deep).

    Returns (x, y): the graph is freed by the caller, outside the timed region.
    """
    x, y = chain_graph(n)
    y.backward()
    return x, y


def run_deep(fn: Callable[[], T], depth: int) -> T:
    """``fn()`` with the recursion limit raised for ``depth`` frames, in a thread with a
    1 GiB stack (its recursive sort needs about two frames per chain step); the limit is
    restored afterwards. Disabling the garbage collector is left to the caller.
    """
    result: list[T] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            result.append(fn())
        except BaseException as exc:  # re-raised in the calling thread
            errors.append(exc)

    old_limit = sys.getrecursionlimit()
    old_stack = threading.stack_size(1 << 30)
    sys.setrecursionlimit(max(old_limit, depth + 10_000))
    try:
        thread = threading.Thread(target=work)
        thread.start()
        thread.join()
    finally:
        threading.stack_size(old_stack)
        sys.setrecursionlimit(old_limit)
    if errors:
        raise errors[0]
    return result[0]


def chain_deep(n: int) -> tuple[Any, Any]:
    """``chain`` made to work for deep chains with ``run_deep``."""
    return run_deep(lambda: chain(n), 4 * n)


def first_failing_n(limit: int = 5000) -> int | None:
    """Smallest chain length whose backward raises RecursionError at the current limit."""

    def fails(n: int) -> bool:
        try:
            chain(n)
        except RecursionError:
            return True
        return False

    if not fails(limit):
        return None
    low, high = 1, limit  # fails(high) holds; find the smallest such n
    while low < high:
        mid = (low + high) // 2
        if fails(mid):
            high = mid
        else:
            low = mid + 1
    return low

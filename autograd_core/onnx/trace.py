"""Recording a function twice and pairing the two graphs node by node.

The recorded graph holds numbers, not the rules that made its shapes: a reshape to
``(4, 6)`` does not say whether the 4 is the batch. So ``fn`` runs on the example and on a
*twin* of it (with ``dynamic_batch`` one more row, the rows rolled), and the two graphs
are paired node by node: an axis whose length differs between them follows the batch,
and a constant whose numbers differ was computed from the input's values, which an
exported model could not follow.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..context import enable_grad
from ..engine import topological_order
from ..tensor import Tensor

__all__ = ["ExportError", "Trace", "Pairing", "record", "twin_arrays", "pair"]


class ExportError(ValueError):
    """A function or model that cannot be written as an ONNX graph; the message says
    which operation, where, and what to write instead."""


@dataclass
class Trace:
    """One run of the function: its input and output Tensors, and every node of the graph
    between them, each after its parents."""

    inputs: list[Tensor]
    outputs: list[Tensor]
    order: list[Tensor]


class _Root:
    """A stand-in node whose parents are the outputs, so one walk orders them all."""

    def __init__(self, outputs: Sequence[Tensor]) -> None:
        self._parents = self._a = tuple(outputs)  # _a: where the engine's walk reads them


def _input_tensor(array: np.ndarray) -> Tensor:
    t = Tensor(array, dtype=array.dtype)  # integers stay integers (indices)
    if t.dtype.kind == "f":
        t.requires_grad = True  # so that every operation on it is recorded
    return t


def _outputs(result: Any) -> list[Tensor]:
    items = list(result) if isinstance(result, (tuple, list)) else [result]
    if not items:
        raise ExportError("export: fn returned an empty sequence; return a Tensor or a tuple")
    for k, item in enumerate(items):
        if not isinstance(item, Tensor):
            raise ExportError(
                f"export: fn must return a Tensor or a tuple of Tensors, got "
                f"{type(item).__name__} at position {k}"
            )
    return items


def record(fn: Callable[..., Any], arrays: Sequence[np.ndarray]) -> Trace:
    """Call ``fn`` on fresh input Tensors (the floating ones requiring grad) and order the
    graph it records."""
    inputs = [_input_tensor(a) for a in arrays]
    with enable_grad():
        outputs = _outputs(fn(*inputs))
    order = topological_order(_Root(outputs))
    order.pop()  # the stand-in root
    return Trace(inputs, outputs, order)


def twin_arrays(arrays: Sequence[np.ndarray], dynamic_batch: bool) -> list[np.ndarray]:
    """The second run's inputs: the example's rows rolled by one, plus (with
    ``dynamic_batch``) one more row, so that batch axes and values both differ."""
    twins = []
    for a in arrays:
        rolled = np.roll(a, 1, axis=0)
        twins.append(np.concatenate([rolled, a[:1]]) if dynamic_batch else rolled)
    return twins


@dataclass
class Pairing:
    """The two runs, with each node of the first mapped to its counterpart in the second."""

    first: Trace
    second: Trace
    twin: dict[Tensor, Tensor]
    position: dict[Tensor, int]  # where each node of the first run stands in its order

    def where(self, node: Tensor) -> str:
        """Where ``node`` stands, for error messages: its place and scope."""
        scope = "/".join(node._scope)
        inside = f", in scope {scope!r}" if scope else ""
        return f"node {self.position[node] + 1} of {len(self.first.order)}{inside}"


def _leaf_kind(t: Tensor, trace: Trace) -> Any:
    for k, x in enumerate(trace.inputs):
        if t is x:
            return ("input", k)
    return ("leaf",)


def pair(first: Trace, second: Trace) -> Pairing:
    """Pair the two runs' graphs node by node, or say where they differ."""
    position = {node: i for i, node in enumerate(first.order)}
    where = {node: i for i, node in enumerate(second.order)}
    problem = None
    if len(first.order) != len(second.order):
        problem = f"{len(first.order)} nodes against {len(second.order)}"
    for i, (a, b) in enumerate(zip(first.order, second.order)):
        same = (
            a._rule.name == b._rule.name
            and a.ndim == b.ndim
            and [position[p] for p in a._parents] == [where[p] for p in b._parents]
        )
        if same and not a._parents:
            kind = _leaf_kind(a, first)
            # A parameter (a leaf that requires grad) must be the same object in both runs.
            same = kind == _leaf_kind(b, second) and (
                kind[0] == "input" or not a.requires_grad or a is b
            )
        if not same:
            problem = (
                f"node {i + 1} is {a._rule.name or 'a leaf'!r} of shape {a.shape} in one and "
                f"{b._rule.name or 'a leaf'!r} of shape {b.shape} in the other"
            )
            break
    if problem is None and [position[o] for o in first.outputs] != [
        where[o] for o in second.outputs
    ]:
        problem = "the outputs come from different nodes"
    if problem is not None:
        raise ExportError(
            "export: fn recorded different graphs for the example and for its twin (the rows "
            f"rolled, one more row with dynamic_batch): {problem}. The exported graph must not "
            "depend on the input's values or batch size (Python branches on data, Dropout in "
            "training mode); call model.eval(), or pass dynamic_batch=False"
        )
    return Pairing(first, second, dict(zip(first.order, second.order)), position)

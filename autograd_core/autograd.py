"""PyTorch's ``torch.autograd`` spellings: ``autograd_core.autograd.grad(outputs, inputs)``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from . import engine
from .tensor import Tensor

__all__ = ["grad"]


def grad(
    outputs: Any,
    inputs: Any,
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool = False,
) -> tuple[Any, ...]:
    """The total derivatives of ``outputs`` with respect to each of ``inputs``, as a tuple of
    Tensors (numbers for Values), leaving every ``.grad`` as it was (``torch.autograd.grad``).
    ``grad_outputs`` seeds a non-scalar output; ``create_graph=True`` gives gradients that
    can be differentiated again; an input the output does not depend on is an error unless
    ``allow_unused=True`` (then its gradient is None). (Graphs here are never freed, so
    ``retain_graph`` changes nothing.)"""
    if isinstance(outputs, (list, tuple)):
        if len(outputs) != 1:
            raise ValueError(
                "autograd.grad: give one output (sum several first: sum(outputs)); got "
                f"{len(outputs)}"
            )
        outputs = outputs[0]
        if isinstance(grad_outputs, (list, tuple)):
            grad_outputs = grad_outputs[0]
    many: Sequence[Any] = inputs if isinstance(inputs, (list, tuple)) else [inputs]
    used = _ancestors(outputs)
    for k, node in enumerate(many):
        if id(node) not in used and not allow_unused:
            raise RuntimeError(
                f"autograd.grad: input {k} was not used to compute the output; pass "
                "allow_unused=True to get None for it (as PyTorch)"
            )
    found = engine.gradients(outputs, list(many), grad_outputs, create_graph)
    return tuple(
        None if id(node) not in used else Tensor(g) if isinstance(g, np.ndarray) else g
        for node, g in zip(many, found)
    )


def _ancestors(root: Any) -> set[int]:
    """The ids of ``root`` and every node it was computed from."""
    return {id(node) for node in engine.topological_order(root)}

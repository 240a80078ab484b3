"""PyTorch's ``torch.autograd`` spellings: ``autograd_core.autograd.grad(outputs, inputs)``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from . import engine

__all__ = ["grad"]


def grad(
    outputs: Any,
    inputs: Any,
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
) -> tuple[Any, ...]:
    """The total derivatives of ``outputs`` with respect to each of ``inputs``, as a tuple,
    leaving every ``.grad`` as it was (``torch.autograd.grad``). ``grad_outputs`` seeds a
    non-scalar output; ``create_graph=True`` gives gradients that can be differentiated
    again. (Graphs here are never freed, so ``retain_graph`` changes nothing.)"""
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
    return tuple(engine.gradients(outputs, list(many), grad_outputs, create_graph))

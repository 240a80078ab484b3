"""Our engine with each step traced (``autograd_core.traced``): the forward and backward
recorded on the first calls and replayed as NumPy calls afterwards; zeroing the gradients
and the update stay outside, as users write them. The same steps as ``ours``, so the same
numbers."""

from __future__ import annotations

import numpy as np

from autograd_core import traced

from ..data import MLPProblem
from . import ours

__all__ = ["NAME", "add_step", "sum_add_step", "xor_trainer", "xor_user_trainer", "mlp_trainer"]

NAME = "ours-traced"


def add_step() -> ours.Step:
    """P0's one-node case, traced."""
    return ours.add_step(traced)


def sum_add_step() -> ours.Step:
    """P0 as users write it, traced."""
    return ours.sum_add_step(traced)


def xor_trainer(params: list[np.ndarray], x: np.ndarray, y: np.ndarray, lr: float) -> ours.Step:
    """T1 in the blog's layout, traced."""
    return ours.xor_trainer(params, x, y, lr, traced)


def xor_user_trainer(
    params: list[np.ndarray], x: np.ndarray, y: np.ndarray, lr: float
) -> ours.Step:
    """T1 as users write it, traced."""
    return ours.xor_user_trainer(params, x, y, lr, traced)


def mlp_trainer(problem: MLPProblem) -> ours.Step:
    """T2, traced."""
    return ours.mlp_trainer(problem, traced)

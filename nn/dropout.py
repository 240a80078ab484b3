"""Dropout: ``dropout`` and the ``Dropout`` layer.

In training, each element is zeroed with probability ``p`` and the survivors are scaled by
``1 / (1 - p)`` (inverted dropout, as PyTorch), so evaluation needs no rescaling; in eval
mode the input passes through unchanged. The random mask is drawn, as ``autograd_core.rand``
draws, from NumPy's global stream (seeded by ``autograd_core.manual_seed``) unless a
``generator`` is given.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from autograd_core import Tensor, on_data, rand
from autograd_core.creation import Generator

from .module import Module

__all__ = ["dropout", "Dropout"]


def _probability(p: Any) -> float:
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or not 0.0 <= float(p) <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p!r}")
    return float(p)


def _not_in_place(inplace: bool, name: str) -> None:
    if inplace:
        raise ValueError(
            f"{name}: inplace=True is not supported (backward needs the input's numbers); "
            "write x = dropout(x) with inplace=False"
        )


def dropout(
    input: Any,  # noqa: A002  # PyTorch's name
    p: float = 0.5,
    training: bool = True,
    inplace: bool = False,
    *,
    generator: Generator = None,
) -> Tensor:
    """Zero each element with probability ``p`` and scale the rest by ``1 / (1 - p)`` when
    ``training`` (the default, as ``torch.nn.functional.dropout``); else return ``input``.
    ``generator`` is a seed or ``numpy.random.Generator`` for the mask (NumPy's global
    stream by default)."""
    rate = _probability(p)
    _not_in_place(inplace, "dropout")
    x = input if isinstance(input, Tensor) else Tensor(input)
    if not training or rate == 0.0:
        return x  # the input itself, as PyTorch
    # A traced function's replays draw a fresh mask, from the same stream, on every call.
    return x * on_data(_mask, x.shape, rate, x.dtype, generator)


def _mask(shape: tuple[int, ...], rate: float, dtype: Any, generator: Generator) -> np.ndarray:
    """1 / (1 - rate) where an element is kept (with probability 1 - rate), else 0."""
    keep = rand(shape, generator=generator).data >= rate
    scale = 0.0 if rate == 1.0 else 1.0 / (1.0 - rate)
    return (keep * scale).astype(dtype)  # type: ignore[no-any-return]


class Dropout(Module):
    """Dropout as a layer: active in training mode (``module.train()``), the identity in
    eval mode (``module.eval()``). ``generator`` (keyword only; a seed is turned into a
    ``numpy.random.Generator`` once, here) draws the masks instead of NumPy's global
    stream."""

    def __init__(self, p: float = 0.5, inplace: bool = False, *, generator: Generator = None):
        super().__init__()
        self.p = _probability(p)
        _not_in_place(inplace, "Dropout")
        self.inplace = inplace
        # One Generator for every call: a seed given to each call would repeat one mask.
        self.generator = (
            np.random.default_rng(generator)
            if isinstance(generator, (int, np.integer)) and not isinstance(generator, bool)
            else generator
        )

    def forward(self, x: Any) -> Tensor:
        """``dropout(x, p, training=self.training)``."""
        return dropout(x, self.p, self.is_training(), generator=self.generator)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"

"""Flattening: ``flatten`` (``torch.flatten``) and the ``Flatten`` layer."""

from __future__ import annotations

from typing import Any

from autograd_core import Tensor

from .module import Module

__all__ = ["flatten", "Flatten"]


def flatten(
    input: Any,  # noqa: A002  # PyTorch's name
    start_dim: int = 0,
    end_dim: int = -1,
) -> Tensor:
    """Axes ``start_dim`` to ``end_dim`` merged into one (``torch.flatten``: all by default)."""
    t = input if isinstance(input, Tensor) else Tensor(input)
    return t.flatten(start_dim, end_dim)


class Flatten(Module):
    """Flatten as a layer; it keeps the batch axis by default (``start_dim=1``), so (N, C, H,
    W) becomes (N, C * H * W)."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x: Any) -> Tensor:
        """``flatten(x, start_dim, end_dim)``."""
        return flatten(x, self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"

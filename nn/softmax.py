"""Softmax over one axis: ``softmax`` / ``Softmax`` and ``log_softmax`` / ``LogSoftmax``.

PyTorch requires ``dim``; without it, torch 2.13 warns that the implicit choice is
deprecated and picks axis 0 for 0-, 1- and 3-dimensional input, axis 1 otherwise. We do
the same, with the same warning.
"""

from __future__ import annotations

import warnings
from typing import Any

from autograd_core import Tensor

from .module import Module

__all__ = ["softmax", "log_softmax", "Softmax", "LogSoftmax"]


def _axis(x: Tensor, dim: int | None, name: str, stacklevel: int) -> int:
    if dim is not None:
        return dim
    warnings.warn(
        f"{name}: implicit dimension choice for softmax has been deprecated. Change the call "
        "to include dim=X as an argument.",
        UserWarning,
        stacklevel=stacklevel,
    )
    return 0 if x.ndim in (0, 1, 3) else 1


def _along(x: Any, dim: int | None, dtype: Any, stacklevel: int, log: bool) -> Tensor:
    name = "log_softmax" if log else "softmax"
    t = x if isinstance(x, Tensor) else Tensor(x)
    if dtype is not None:
        t = t.astype(dtype)  # as PyTorch: cast first, then compute
    axis = _axis(t, dim, name, stacklevel + 1)
    flat = t.reshape(1) if t.ndim == 0 else t  # a 0-d Tensor is its own single class
    y = flat.log_softmax(dim=axis) if log else flat.softmax(dim=axis)
    return y.reshape(()) if t.ndim == 0 else y


def softmax(
    input: Any,  # noqa: A002  # PyTorch's name
    dim: int | None = None,
    _stacklevel: int = 3,
    dtype: Any = None,
) -> Tensor:
    """exp(x) / sum(exp(x)) along ``dim``, overflow-free (``dtype``: cast the input first)."""
    return _along(input, dim, dtype, _stacklevel, log=False)


def log_softmax(
    input: Any,  # noqa: A002  # PyTorch's name
    dim: int | None = None,
    _stacklevel: int = 3,
    dtype: Any = None,
) -> Tensor:
    """log(softmax(x)) along ``dim``, computed as x - logsumexp(x) (no overflow)."""
    return _along(input, dim, dtype, _stacklevel, log=True)


class Softmax(Module):
    """``softmax`` along ``dim`` as a layer."""

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, x: Any) -> Tensor:
        """softmax(x, dim)."""
        return softmax(x, self.dim, _stacklevel=5)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Softmax):
    """``log_softmax`` along ``dim`` as a layer."""

    def forward(self, x: Any) -> Tensor:
        """log_softmax(x, dim)."""
        return log_softmax(x, self.dim, _stacklevel=5)

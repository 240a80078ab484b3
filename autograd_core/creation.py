"""Tensors made from nothing: ``zeros ones full arange linspace eye rand randn`` and the
``*_like`` forms, with PyTorch's and NumPy's spellings (``zeros(2, 3)`` or
``zeros((2, 3))``), a ``dtype`` (float64 by default), ``requires_grad``, and for the random
ones a seed or a ``numpy.random.Generator`` (NumPy's global stream by default, so that
``np.random.seed`` reproduces the blog's numbers)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Union

import numpy as np

from .tensor import Tensor

__all__ = [
    "tensor",
    "zeros",
    "ones",
    "full",
    "arange",
    "linspace",
    "eye",
    "rand",
    "randn",
    "zeros_like",
    "ones_like",
    "full_like",
    "rand_like",
    "randn_like",
]

Shape = Union[int, Sequence[int]]
Generator = Union[np.random.Generator, int, None]


def _shape(shape: tuple[Any, ...], name: str) -> tuple[int, ...]:
    """``(2, 3)`` from ``zeros(2, 3)`` or ``zeros((2, 3))``."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    if not all(isinstance(n, (int, np.integer)) and n >= 0 for n in shape):
        raise TypeError(f"{name}: the shape must be non-negative integers, got {shape!r}")
    return tuple(int(n) for n in shape)


def _make(data: Any, dtype: Any, requires_grad: bool) -> Tensor:
    return Tensor(data, requires_grad=requires_grad, dtype=np.float64 if dtype is None else dtype)


def tensor(data: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A Tensor from numbers or an array (PyTorch's ``torch.tensor``)."""
    return Tensor(data, requires_grad=requires_grad, dtype=dtype)


def zeros(*shape: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A Tensor of zeros."""
    return _make(np.zeros(_shape(shape, "zeros")), dtype, requires_grad)


def ones(*shape: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A Tensor of ones."""
    return _make(np.ones(_shape(shape, "ones")), dtype, requires_grad)


def full(shape: Shape, fill_value: float, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A Tensor of ``fill_value``."""
    dims = _shape((shape,) if isinstance(shape, (int, np.integer)) else (tuple(shape),), "full")
    return _make(np.full(dims, fill_value), dtype, requires_grad)


def arange(
    start: float,
    end: float | None = None,
    step: float = 1,
    dtype: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """``start, start + step, ...`` below ``end`` (``arange(n)`` is 0 .. n-1)."""
    if step == 0:
        raise ValueError("arange: step must not be 0")
    return _make(
        np.arange(start, end, step) if end is not None else np.arange(start), dtype, requires_grad
    )


def linspace(
    start: float,
    end: float,
    steps: int = 50,
    dtype: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """``steps`` evenly spaced numbers from ``start`` to ``end``, both included."""
    return _make(np.linspace(start, end, steps), dtype, requires_grad)


def eye(n: int, m: int | None = None, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """The n x m identity matrix (square by default)."""
    return _make(np.eye(n, m), dtype, requires_grad)


def _rng(generator: Generator) -> Any:
    if generator is None:
        return np.random  # the global stream: np.random.seed(...) reproduces it
    if isinstance(generator, (int, np.integer)) and not isinstance(generator, bool):
        return np.random.default_rng(int(generator))
    if isinstance(generator, np.random.Generator):
        return generator
    raise TypeError(
        f"generator must be a seed (int), a numpy.random.Generator or None, got "
        f"{type(generator).__name__}"
    )


def rand(
    *shape: Any, generator: Generator = None, dtype: Any = None, requires_grad: bool = False
) -> Tensor:
    """Uniform numbers in [0, 1)."""
    dims, rng = _shape(shape, "rand"), _rng(generator)
    data = rng.random(dims) if isinstance(rng, np.random.Generator) else rng.random_sample(dims)
    return _make(data, dtype, requires_grad)


def randn(
    *shape: Any, generator: Generator = None, dtype: Any = None, requires_grad: bool = False
) -> Tensor:
    """Standard normal numbers."""
    dims, rng = _shape(shape, "randn"), _rng(generator)
    data = rng.standard_normal(dims) if isinstance(rng, np.random.Generator) else rng.randn(*dims)
    return _make(data, dtype, requires_grad)


def _like(t: Any, dtype: Any) -> tuple[tuple[int, ...], Any]:
    array = t.data if isinstance(t, Tensor) else np.asarray(t)
    return array.shape, (array.dtype if dtype is None and array.dtype.kind == "f" else dtype)


def zeros_like(t: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Zeros of ``t``'s shape (and floating dtype)."""
    shape, dtype = _like(t, dtype)
    return zeros(shape, dtype=dtype, requires_grad=requires_grad)


def ones_like(t: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Ones of ``t``'s shape (and floating dtype)."""
    shape, dtype = _like(t, dtype)
    return ones(shape, dtype=dtype, requires_grad=requires_grad)


def full_like(t: Any, fill_value: float, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """``fill_value`` in ``t``'s shape (and floating dtype)."""
    shape, dtype = _like(t, dtype)
    return full(shape, fill_value, dtype=dtype, requires_grad=requires_grad)


def rand_like(
    t: Any, generator: Generator = None, dtype: Any = None, requires_grad: bool = False
) -> Tensor:
    """Uniform numbers in [0, 1) in ``t``'s shape."""
    shape, dtype = _like(t, dtype)
    return rand(shape, generator=generator, dtype=dtype, requires_grad=requires_grad)


def randn_like(
    t: Any, generator: Generator = None, dtype: Any = None, requires_grad: bool = False
) -> Tensor:
    """Standard normal numbers in ``t``'s shape."""
    shape, dtype = _like(t, dtype)
    return randn(shape, generator=generator, dtype=dtype, requires_grad=requires_grad)

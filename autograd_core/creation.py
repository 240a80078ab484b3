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


def _inferred(data: Any, dtype: Any) -> Any:
    """PyTorch's dtype for ``data`` when none is given: an array keeps its own, Python
    integers give int64, booleans bool, other numbers the default float (float64 here)."""
    if dtype is not None:
        return dtype
    if isinstance(data, Tensor):
        return data.dtype
    kind = np.asarray(data).dtype
    if kind.kind == "c":
        raise TypeError("tensor: complex numbers are not supported (real Tensors only)")
    if isinstance(data, (np.ndarray, np.generic)) or kind.kind == "b":
        return kind
    if isinstance(data, (list, tuple)) and data and all(isinstance(x, np.generic) for x in data):
        return kind  # [np.float32(1), ...] keeps float32
    return np.int64 if kind.kind in "iu" else np.float64


def tensor(data: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A Tensor from numbers or an array (PyTorch's ``torch.tensor``): ``tensor([1, 2])`` is
    int64 and ``tensor([1.0, 2.0])`` float64, an array keeps its dtype."""
    data = data.data if isinstance(data, Tensor) else data
    return Tensor(np.array(data), requires_grad=requires_grad, dtype=_inferred(data, dtype))


def zeros(*shape: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A Tensor of zeros."""
    return _make(np.zeros(_shape(shape, "zeros")), dtype, requires_grad)


def ones(*shape: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A Tensor of ones."""
    return _make(np.ones(_shape(shape, "ones")), dtype, requires_grad)


def full(shape: Shape, fill_value: float, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A Tensor of ``fill_value``, of its kind as in PyTorch (``full((2,), 4)`` is int64)."""
    dims = _shape((shape,) if isinstance(shape, (int, np.integer)) else (tuple(shape),), "full")
    return _make(np.full(dims, fill_value), _inferred(fill_value, dtype), requires_grad)


def arange(
    start: float,
    end: float | None = None,
    step: float = 1,
    dtype: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """``start, start + step, ...`` below ``end`` (``arange(n)`` is 0 .. n-1); int64 when
    every bound is an integer, as in PyTorch."""
    if step == 0:
        raise ValueError("arange: step must not be 0")
    data = np.arange(start, end, step) if end is not None else np.arange(start)
    return _make(
        data, _inferred([start, step] + ([] if end is None else [end]), dtype), requires_grad
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
    """``t``'s shape and, unless ``dtype`` says otherwise, its dtype (PyTorch's rule)."""
    array = t.data if isinstance(t, Tensor) else np.asarray(t)
    return array.shape, (array.dtype if dtype is None else dtype)


def _random_like(t: Any, dtype: Any, name: str) -> tuple[tuple[int, ...], Any]:
    """As ``_like``; random numbers need a floating dtype (PyTorch refuses integers too)."""
    shape, dtype = _like(t, dtype)
    if np.dtype(dtype).kind != "f":
        raise TypeError(
            f"{name}: random numbers need a floating dtype, got {np.dtype(dtype)}; pass dtype="
        )
    return shape, dtype


def zeros_like(t: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Zeros of ``t``'s shape and dtype."""
    shape, dtype = _like(t, dtype)
    return zeros(shape, dtype=dtype, requires_grad=requires_grad)


def ones_like(t: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Ones of ``t``'s shape and dtype."""
    shape, dtype = _like(t, dtype)
    return ones(shape, dtype=dtype, requires_grad=requires_grad)


def full_like(t: Any, fill_value: float, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """``fill_value`` in ``t``'s shape and dtype."""
    shape, dtype = _like(t, dtype)
    return full(shape, fill_value, dtype=dtype, requires_grad=requires_grad)


def rand_like(
    t: Any, generator: Generator = None, dtype: Any = None, requires_grad: bool = False
) -> Tensor:
    """Uniform numbers in [0, 1) in ``t``'s shape."""
    shape, dtype = _random_like(t, dtype, "rand_like")
    return rand(shape, generator=generator, dtype=dtype, requires_grad=requires_grad)


def randn_like(
    t: Any, generator: Generator = None, dtype: Any = None, requires_grad: bool = False
) -> Tensor:
    """Standard normal numbers in ``t``'s shape."""
    shape, dtype = _random_like(t, dtype, "randn_like")
    return randn(shape, generator=generator, dtype=dtype, requires_grad=requires_grad)

"""Operations composed of others (as tinygrad composes sigmoid from exp): shape, indexing,
linear-algebra and statistics idioms that need no derivative rule of their own, since the
operations they are made of carry theirs (so every order of derivative comes free).

Each is a function of the package (``autograd_core.flip(t, 0)``) and a method of Tensor
(``t.flip(0)``). Where NumPy and PyTorch spell one differently, the method follows PyTorch
(``t.repeat`` tiles, ``t.split(2)`` makes pieces of size 2, ``t.sort()`` returns values and
indices) and NumPy's meaning has its NumPy name (``tile``, ``repeat_interleave``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from .shape import concatenate, put
from .tensor import Tensor, _as_tensor, _constant, _norm_axis, install_methods, where

__all__ = [
    "flip",
    "roll",
    "tile",
    "repeat",
    "repeat_interleave",
    "expand",
    "split",
    "chunk",
    "hstack",
    "vstack",
    "pad",
    "tril",
    "triu",
    "diagonal",
    "diag",
    "trace",
    "outer",
    "inner",
    "var",
    "std",
    "argmax",
    "argmin",
    "any",
    "all",
    "sort",
    "take_along_axis",
    "gather",
]


def _needs_axes(t: Tensor, name: str) -> None:
    """A clear error where an operation along an axis gets a 0-d Tensor."""
    if not t.ndim:
        raise ValueError(f"{name}: needs a Tensor with at least one axis, got a 0-d one")


def _axes(t: Tensor, dims: int | Sequence[int], name: str) -> tuple[int, ...]:
    raw = (dims,) if isinstance(dims, (int, np.integer)) else tuple(dims)
    return tuple(_norm_axis(d, t.ndim, name) for d in raw)


# ------------------------------------------------------------------ rearranging
def flip(t: Tensor, *dims: Any) -> Tensor:
    """The elements in reverse order along ``dims`` (``t.flip(0)``, ``t.flip(0, 1)``,
    ``t.flip((0, 1))``)."""
    if len(dims) == 1 and isinstance(dims[0], (tuple, list, range)):
        dims = tuple(dims[0])
    if not t.ndim:
        return t * 1.0  # nothing to reverse (PyTorch returns the element)
    key = [slice(None)] * t.ndim
    for axis in _axes(t, dims, "flip"):
        key[axis] = slice(None, None, -1)
    return t[tuple(key)]


def roll(t: Tensor, shifts: int | Sequence[int], dims: int | Sequence[int] | None = None) -> Tensor:
    """Elements shifted along ``dims`` (over the flattened Tensor without), wrapping round."""
    if dims is None:
        return roll(t.reshape(-1), shifts, 0).reshape(t.shape)
    _needs_axes(t, "roll")
    shift_list = [shifts] if isinstance(shifts, (int, np.integer)) else list(shifts)
    axes = _axes(t, dims, "roll")
    if len(shift_list) != len(axes):
        raise ValueError(f"roll: {len(shift_list)} shifts for {len(axes)} dims")
    out = t
    for shift, axis in zip(shift_list, axes):
        n = t.shape[axis]
        k = int(shift) % n if n else 0
        if k:
            head = [slice(None)] * t.ndim
            tail = [slice(None)] * t.ndim
            head[axis], tail[axis] = slice(n - k, None), slice(None, n - k)
            out = concatenate([out[tuple(head)], out[tuple(tail)]], axis=axis)
    return out


def tile(t: Tensor, reps: int | Sequence[int]) -> Tensor:
    """``t`` repeated ``reps`` times along each axis (``numpy.tile``)."""
    counts = (reps,) if isinstance(reps, (int, np.integer)) else tuple(reps)
    ndim = max(t.ndim, len(counts))
    counts = (1,) * (ndim - len(counts)) + tuple(int(c) for c in counts)
    base = t.reshape((1,) * (ndim - t.ndim) + t.shape)
    # Each axis n becomes (count, n), broadcast, then merged: repeats of the whole block.
    spread = base.reshape(tuple(x for n in base.shape for x in (1, n)))
    target = tuple(x for c, n in zip(counts, base.shape) for x in (c, n))
    return spread.broadcast_to(target).reshape(tuple(c * n for c, n in zip(counts, base.shape)))


def repeat(t: Tensor, *sizes: Any) -> Tensor:
    """PyTorch's ``t.repeat(2, 3)``: the whole Tensor tiled (NumPy's ``tile``)."""
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = tuple(sizes[0])
    if len(sizes) < t.ndim:
        raise ValueError(
            f"repeat: give at least {t.ndim} sizes for shape {t.shape} (as PyTorch); for "
            "NumPy's element-wise repeat use repeat_interleave"
        )
    return tile(t, sizes)


def repeat_interleave(t: Tensor, repeats: int, dim: int | None = None) -> Tensor:
    """Each element repeated ``repeats`` times (``numpy.repeat``), along ``dim``."""
    if dim is None:
        return repeat_interleave(t.reshape(-1), repeats, 0)
    _needs_axes(t, "repeat_interleave")
    axis = _norm_axis(dim, t.ndim, "repeat_interleave")
    shape = t.shape
    spread = t.reshape(shape[: axis + 1] + (1,) + shape[axis + 1 :])
    wide = spread.broadcast_to(shape[: axis + 1] + (int(repeats),) + shape[axis + 1 :])
    return wide.reshape(shape[:axis] + (shape[axis] * int(repeats),) + shape[axis + 1 :])


def expand(t: Tensor, *sizes: Any) -> Tensor:
    """PyTorch's ``expand``: broadcast to ``sizes``, -1 keeping an axis as it is."""
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = tuple(sizes[0])
    lead = len(sizes) - t.ndim
    if lead < 0:
        raise ValueError(f"expand: {len(sizes)} sizes for shape {t.shape}")
    if -1 in sizes[:lead]:
        raise ValueError("expand: -1 keeps an existing axis; a new leading axis needs a size")
    target = tuple(t.shape[i - lead] if s == -1 else int(s) for i, s in enumerate(sizes))
    return t.broadcast_to(target)


def split(
    t: Tensor, split_size_or_sections: int | Sequence[int], dim: int = 0
) -> tuple[Tensor, ...]:
    """Pieces along ``dim``: of size ``n`` (the last may be smaller), or of the listed sizes
    (PyTorch's ``split``)."""
    _needs_axes(t, "split")
    axis = _norm_axis(dim, t.ndim, "split")
    n = t.shape[axis]
    if isinstance(split_size_or_sections, (int, np.integer)):
        size = int(split_size_or_sections)
        if size <= 0:
            raise ValueError(f"split: the piece size must be positive, got {size}")
        sizes = [min(size, n - start) for start in range(0, n, size)]
    else:
        sizes = [int(s) for s in split_size_or_sections]
        if sum(sizes) != n:
            raise ValueError(f"split: sizes {sizes} add up to {sum(sizes)}, axis {axis} has {n}")
    pieces, start = [], 0
    for size in sizes:
        key = [slice(None)] * t.ndim
        key[axis] = slice(start, start + size)
        pieces.append(t[tuple(key)])
        start += size
    return tuple(pieces)


def chunk(t: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    """At most ``chunks`` pieces of equal size along ``dim`` (PyTorch's ``chunk``)."""
    _needs_axes(t, "chunk")
    if chunks <= 0:
        raise ValueError(f"chunk: chunks must be positive, got {chunks}")
    n = t.shape[_norm_axis(dim, t.ndim, "chunk")]
    return split(t, max(1, -(-n // chunks)), dim)


def hstack(tensors: Sequence[Any]) -> Tensor:
    """Join along the second axis (the first for 1-D Tensors), as ``numpy.hstack``."""
    parts = [_lift(x, tensors) for x in tensors]
    return concatenate(parts, axis=0 if parts[0].ndim == 1 else 1)


def vstack(tensors: Sequence[Any]) -> Tensor:
    """Join as rows, as ``numpy.vstack`` (1-D Tensors become rows)."""
    parts = [_lift(x, tensors) for x in tensors]
    return concatenate([p.reshape(1, -1) if p.ndim == 1 else p for p in parts], axis=0)


def _lift(x: Any, group: Sequence[Any]) -> Tensor:
    anchor = next((t for t in group if isinstance(t, Tensor)), None)
    return x if isinstance(x, Tensor) else _as_tensor(x, "stack", anchor or Tensor(0.0))


def pad(t: Tensor, pad_width: Any, constant_values: float = 0.0) -> Tensor:
    """Constant padding, as ``numpy.pad(..., mode="constant")``: ``pad_width`` is one
    ``(before, after)`` pair, or one per axis. (PyTorch's ``F.pad`` lists the last axis
    first: write its pairs reversed.)"""
    try:
        widths = np.broadcast_to(np.asarray(pad_width, dtype=int), (t.ndim, 2))
    except ValueError:
        raise ValueError(
            f"pad: pad_width {pad_width!r} does not fit {t.ndim} axes; give one (before, "
            "after) pair, or one pair per axis in NumPy's order, e.g. ((0, 1), (1, 2)) "
            "(PyTorch's F.pad lists flat widths from the last axis first)"
        ) from None
    out = t
    for axis, (before, after) in enumerate(widths):
        if before < 0 or after < 0:
            raise ValueError(f"pad: widths must not be negative, got {pad_width!r}")
        blocks = []
        for width in (before, after):
            shape = list(out.shape)
            shape[axis] = int(width)
            blocks.append(_constant(np.full(shape, constant_values, dtype=t.dtype)))
        if before or after:
            out = concatenate([blocks[0], out, blocks[1]], axis=axis)
    return out


# ------------------------------------------------------------------ matrices
def _triangle(t: Tensor, k: int, lower: bool, name: str) -> Tensor:
    if t.ndim < 2:
        raise ValueError(f"{name}: needs at least 2 axes, got shape {t.shape}")
    ones = np.ones(t.shape[-2:], bool)
    mask = np.tril(ones, k) if lower else np.triu(ones, k)
    # where, not t * mask: an inf outside the triangle (a causal mask) must become 0, not NaN.
    return where(np.broadcast_to(mask, t.shape), t, np.zeros((), dtype=t.dtype))


def tril(t: Tensor, k: int = 0) -> Tensor:
    """The lower triangle (on and below diagonal ``k``) of the last two axes; zeros above."""
    return _triangle(t, k, True, "tril")


def triu(t: Tensor, k: int = 0) -> Tensor:
    """The upper triangle (on and above diagonal ``k``) of the last two axes; zeros below."""
    return _triangle(t, k, False, "triu")


def diagonal(t: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """The diagonal ``offset`` of axes ``dim1`` and ``dim2``, moved to the last axis."""
    a, b = _norm_axis(dim1, t.ndim, "diagonal"), _norm_axis(dim2, t.ndim, "diagonal")
    if a == b:
        raise ValueError("diagonal: dim1 and dim2 must differ")
    rest = [i for i in range(t.ndim) if i not in (a, b)]
    moved = t.permute(*rest, a, b)
    rows, cols = t.shape[a], t.shape[b]
    length = max(0, min(rows, cols - offset) if offset >= 0 else min(rows + offset, cols))
    i = np.arange(length) + max(0, -offset)
    return moved[(Ellipsis, i, i + offset)]


def diag(t: Tensor, k: int = 0) -> Tensor:
    """A 1-D Tensor as a matrix with it on diagonal ``k``, or a 2-D Tensor's diagonal ``k``
    (``numpy.diag``)."""
    if t.ndim == 2:
        return diagonal(t, k)
    if t.ndim != 1:
        raise ValueError(f"diag: needs 1 or 2 axes, got shape {t.shape}")
    n = t.shape[0] + abs(k)
    rows = np.arange(t.shape[0]) + max(0, -k)
    return put(t, (rows, rows + k), (n, n))


def trace(t: Tensor) -> Tensor:
    """The sum of the main diagonal of a 2-D Tensor."""
    if t.ndim != 2:
        raise ValueError(f"trace: needs 2 axes, got shape {t.shape}")
    return diagonal(t).sum()


def outer(a: Tensor, b: Any) -> Tensor:
    """The outer product of two 1-D Tensors: ``a[i] * b[j]``."""
    b = _as_tensor(b, "outer", a)
    return a.reshape(-1, 1) * b.reshape(1, -1)


def inner(a: Tensor, b: Any) -> Tensor:
    """The sum of products over the last axes, as ``numpy.inner``."""
    b = _as_tensor(b, "inner", a)
    if not a.ndim or not b.ndim:
        return a * b  # a 0-d operand scales the other (NumPy and PyTorch)
    if a.ndim == 1 and b.ndim == 1:
        return (a * b).sum()
    return a @ b.swapaxes(-1, -2) if b.ndim >= 2 else a @ b


# ------------------------------------------------------------------ statistics
def var(
    t: Tensor,
    axis: Any = None,
    ddof: int | None = None,
    keepdims: bool = False,
    *,
    dim: Any = None,
    correction: int | None = None,
    unbiased: bool | None = None,
    keepdim: bool | None = None,
) -> Tensor:
    """The variance over ``axis``: NumPy's ``ddof`` (0 by default), or with PyTorch's
    spelling (``dim=``, ``correction=``, ``unbiased=``) PyTorch's default correction of 1."""
    torch_style = dim is not None or correction is not None or unbiased is not None
    if dim is not None:
        if axis is not None:
            raise TypeError("var: give axis= (NumPy) or dim= (PyTorch), not both")
        axis = dim
    if keepdim is not None:
        keepdims = keepdim
    if unbiased is not None:
        correction = 1 if unbiased else 0
    if ddof is None:
        ddof = (1 if correction is None else correction) if torch_style else 0
    if axis is not None:
        _needs_axes(t, "var")
    mean = t.mean(axis=axis, keepdims=True)
    total = ((t - mean) ** 2).sum(axis=axis, keepdims=keepdims)
    count = t.size if axis is None else int(np.prod([t.shape[a] for a in _axes(t, axis, "var")]))
    if count - ddof <= 0:
        raise ValueError(f"var: {count} elements with ddof={ddof} leave no degree of freedom")
    return total / (count - ddof)


def std(t: Tensor, *args: Any, **kwargs: Any) -> Tensor:
    """The standard deviation: ``sqrt(var(...))``, with ``var``'s arguments; its gradient
    where the data are constant (variance 0) is 0, as PyTorch takes it, not NaN."""
    variance = var(t, *args, **kwargs)
    zero = variance.data == 0
    if not zero.any():
        return variance.sqrt()
    safe = where(zero, np.ones_like(variance.data), variance)  # finite slopes, then dropped
    return where(zero, np.zeros_like(variance.data), safe.sqrt())


# ------------------------------------------------------------------ positions and order
def _position(t: Tensor, axis: Any, keepdims: bool, dim: Any, keepdim: Any, fn: Any) -> Tensor:
    axis = dim if dim is not None else axis
    keepdims = bool(keepdim) if keepdim is not None else keepdims
    if axis is None:
        return _constant(np.asarray(fn(t.data)))
    return _constant(fn(t.data, axis=_norm_axis(axis, t.ndim, fn.__name__), keepdims=keepdims))


def argmax(
    t: Tensor, axis: Any = None, keepdims: bool = False, *, dim: Any = None, keepdim: Any = None
) -> Tensor:
    """Where the maximum is (the first one; integers, not differentiated)."""
    return _position(t, axis, keepdims, dim, keepdim, np.argmax)


def argmin(
    t: Tensor, axis: Any = None, keepdims: bool = False, *, dim: Any = None, keepdim: Any = None
) -> Tensor:
    """Where the minimum is (the first one; integers, not differentiated)."""
    return _position(t, axis, keepdims, dim, keepdim, np.argmin)


def any(t: Tensor, axis: Any = None, keepdims: bool = False, *, dim: Any = None) -> Tensor:  # noqa: A001
    """Whether any element is true (non-zero), as a boolean Tensor."""
    return _constant(np.any(t.data, axis=dim if dim is not None else axis, keepdims=keepdims))


def all(t: Tensor, axis: Any = None, keepdims: bool = False, *, dim: Any = None) -> Tensor:  # noqa: A001
    """Whether every element is true (non-zero), as a boolean Tensor."""
    return _constant(np.all(t.data, axis=dim if dim is not None else axis, keepdims=keepdims))


class Sorted(NamedTuple):
    """``t.sort()``'s result, as ``torch.sort``'s: the sorted values and where they were."""

    values: Tensor
    indices: Tensor


def take_along_axis(t: Tensor, indices: Any, axis: int) -> Tensor:
    """Elements picked by ``indices`` along ``axis`` (``numpy.take_along_axis``); the
    gradient goes back to the picked places (repeated picks add up)."""
    index = np.asarray(indices.data if isinstance(indices, Tensor) else indices)
    if index.dtype.kind not in "iu":
        raise TypeError(f"take_along_axis: indices must be integers, got {index.dtype}")
    a = _norm_axis(axis, t.ndim, "take_along_axis")
    if index.ndim != t.ndim:
        raise ValueError(f"take_along_axis: indices need {t.ndim} axes, got {index.ndim}")
    # NumPy broadcasts a length-1 axis of the indices over the Tensor's other axes.
    shape = tuple(
        index.shape[i] if i == a or index.shape[i] != 1 else t.shape[i] for i in range(t.ndim)
    )
    return _pick(t, np.broadcast_to(index, shape), a)


def _pick(t: Tensor, index: np.ndarray, axis: int) -> Tensor:
    grid: list[Any] = list(np.indices(index.shape, sparse=True))
    grid[axis] = index
    return t[tuple(grid)]


def gather(t: Tensor, dim: int, index: Any) -> Tensor:
    """PyTorch's ``gather(dim, index)``: ``out[i][j] = t[index[i][j]][j]`` for ``dim=0``,
    over the index's own shape (no broadcasting, as PyTorch)."""
    picks = np.asarray(index.data if isinstance(index, Tensor) else index)
    if picks.dtype.kind not in "iu" or picks.ndim != t.ndim:
        raise ValueError(
            f"gather: index must be integers with {t.ndim} axes, got {picks.dtype} {picks.shape}"
        )
    return _pick(t, picks, _norm_axis(dim, t.ndim, "gather"))


def sort(t: Tensor, dim: int = -1, descending: bool = False) -> Sorted:
    """The values sorted along ``dim`` and their former positions, as ``torch.sort`` (the
    values stay in the graph). ``np.sort(t)`` gives the values alone."""
    axis = _norm_axis(dim, t.ndim, "sort")
    if not t.ndim:
        return Sorted(t * 1.0, _constant(np.array(0)))
    key = t.data
    if descending:  # NaN counts as the largest, first when descending (PyTorch)
        key = np.where(np.isnan(key), -np.inf, -key)
    order = np.argsort(key, axis=axis, kind="stable")
    return Sorted(take_along_axis(t, order, axis), _constant(order))


install_methods(globals(), *(name for name in __all__ if name not in ("hstack", "vstack")))

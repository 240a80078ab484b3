"""Reductions: ``sum``, ``mean``, ``max``, ``min`` (NumPy's values or PyTorch's
``(values, indices)``), ``logsumexp``, ``softmax`` and ``log_softmax``, with their rules.

Each reduction's rule broadcasts the upstream gradient back over the input (``_expand``);
``axis=``/``keepdims=`` and PyTorch's ``dim=``/``keepdim=`` are both accepted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from .tensor import Tensor, _alias, _constant, _exp, _norm_axis, _Op, _result, install_methods

__all__ = ["MinMax"]


def _expand(g: Any, c: tuple[tuple[int, ...], tuple[int, ...]]) -> Any:
    """Upstream of a reduction, broadcast back over the input's shape."""
    kept_shape, in_shape = c
    g = g.reshape(kept_shape)
    if isinstance(g, Tensor):
        return g.broadcast_to(in_shape)
    full = np.empty(in_shape, dtype=g.dtype)
    full[...] = g  # broadcasting assignment: cheaper than np.broadcast_to, and writeable
    return full


SUM = _Op("sum", lambda g, out, x, c: _expand(g, c))
MEAN = _Op("mean", lambda g, out, x, c: _expand(g, c[:2]) * c[2])
# ctx: (kept shape, input shape, share): ties split the gradient evenly.
MAX = _Op("max", lambda g, out, x, c: _expand(g, c[:2]) * c[2])
MIN = _Op("min", lambda g, out, x, c: _expand(g, c[:2]) * c[2])


def _logsumexp_grad(g: Any, out: Any, x: tuple[Any, ...], c: Any) -> Any:
    # softmax(x) from the forward's shift rather than exp(x - out): out has rounded away
    # log(n) when |x| is huge, and exp(x - out) would give 1 to every tied maximum.
    kept, shape, axes, shift = c
    with np.errstate(over="ignore", invalid="ignore"):
        e = _exp(x[0] - shift)
        return _expand(g, (kept, shape)) * (e / e.sum(axis=axes, keepdims=True))


LOGSUMEXP = _Op("logsumexp", _logsumexp_grad)
SOFTMAX = _Op(
    "softmax",
    lambda g, out, x, c: out * (g - (g * out).sum(axis=c, keepdims=True)),
)
LOG_SOFTMAX = _Op(
    "log_softmax",
    lambda g, out, x, c: g - _exp(out) * g.sum(axis=c, keepdims=True),
)


class MinMax(NamedTuple):
    """``t.max(dim=...)``'s result, as ``torch.max``'s: the values and where they are."""

    values: Tensor
    indices: Tensor


def _torch_axis(axis: Any, keepdims: bool, dim: Any, keepdim: Any, name: str) -> tuple[Any, bool]:
    """``axis``/``keepdims`` from NumPy's or PyTorch's spelling (not both)."""
    if dim is not None:
        if axis is not None:
            raise TypeError(f"Tensor.{name}: give axis= (NumPy) or dim= (PyTorch), not both")
        axis = dim
    if keepdim is not None:
        keepdims = keepdim
    return axis, bool(keepdims)


def _without(shape: tuple[int, ...], axes: tuple[int, ...]) -> list[int]:
    """``shape`` with the reduced ``axes`` dropped (a reduction without keepdims)."""
    return [n for i, n in enumerate(shape) if i not in axes]


def _stable_shift(x: np.ndarray, axes: Any) -> np.ndarray:
    """The maximum over ``axes`` (kept), 0 where it is not finite or the axis is empty:
    subtracting it keeps exp from overflowing (the log-sum-exp trick)."""
    shift = np.max(x, axis=axes, keepdims=True, initial=-np.inf)
    return np.where(np.isfinite(shift), shift, 0).astype(x.dtype, copy=False)


def _reduction_shapes(self: Tensor, axis: Any, name: str) -> tuple[Any, tuple[int, ...]]:
    """Normalised axes and the shape with the reduced axes kept as size 1."""
    if axis is None:  # the common case (a loss), without the loop below
        ndim = self.data.ndim
        return tuple(range(ndim)), (1,) * ndim
    if isinstance(axis, (int, np.integer)) and not isinstance(axis, (bool, np.bool_)):
        raw: tuple[Any, ...] = (axis,)
    elif isinstance(axis, (tuple, list)):
        raw = tuple(axis)
    else:
        raise TypeError(f"Tensor.{name}: axis must be an int or a tuple of ints, got {axis!r}")
    axes = tuple(_norm_axis(a, self.ndim, name) for a in raw)
    if len(set(axes)) != len(axes):
        raise ValueError(f"Tensor.{name}: repeated axis in {axis!r}")
    if not self.data.ndim:
        return (), ()  # a 0-d Tensor: axis 0 or -1 names the element itself (PyTorch)
    kept = tuple(1 if i in axes else n for i, n in enumerate(self.shape))
    return axes, kept


def _check_nonempty(self: Tensor, axes: tuple[int, ...], name: str) -> None:
    """max/min have no value over an axis of length 0 (NumPy and PyTorch refuse too)."""
    if self.data.size == 0 and any(self.shape[a] == 0 for a in axes):
        raise ValueError(
            f"Tensor.{name}: shape {self.shape} has no {name} over axes {axes} (length 0); "
            "reduce over a non-empty axis, or check the batch is not empty"
        )


def sum(
    self: Tensor,
    axis: int | Sequence[int] | None = None,
    keepdims: bool = False,
    *,
    dim: int | Sequence[int] | None = None,
    keepdim: bool | None = None,
) -> Tensor:
    """Sum over ``axis`` (all axes by default); PyTorch's ``dim=``/``keepdim=`` too."""
    axis, keepdims = _torch_axis(axis, keepdims, dim, keepdim, "sum")
    axes, kept = _reduction_shapes(self, axis, "sum")
    # axis=None, not the tuple of all axes: NumPy's full reduction is much faster
    data = self.data.sum(axis=None if axis is None else axes, keepdims=keepdims)
    return _result(data, (self,), SUM, (kept, self.shape))


def mean(
    self: Tensor,
    axis: int | Sequence[int] | None = None,
    keepdims: bool = False,
    *,
    dim: int | Sequence[int] | None = None,
    keepdim: bool | None = None,
) -> Tensor:
    """Mean over ``axis`` (all axes by default); PyTorch's ``dim=``/``keepdim=`` too."""
    axis, keepdims = _torch_axis(axis, keepdims, dim, keepdim, "mean")
    axes, kept = _reduction_shapes(self, axis, "mean")
    count = int(np.prod([self.shape[a] for a in axes])) if axes else 1
    if count == 0:
        raise ValueError(f"Tensor.mean: mean over an empty axis (shape {self.shape})")
    data = self.data.mean(axis=axes, keepdims=keepdims)
    return _result(data, (self,), MEAN, (kept, self.shape, 1.0 / count))


def _extreme(self: Tensor, axis: Any, keepdims: bool, name: str) -> Tensor:
    axes, kept = _reduction_shapes(self, axis, name)
    _check_nonempty(self, axes, name)
    x = self.data
    best = (np.max if name == "max" else np.min)(x, axis=axes, keepdims=True)
    # The gradient goes where the result came from: to the maxima, or to the NaNs when
    # a NaN is the result (as PyTorch). Ties share it evenly, so the rule is symmetric.
    hits = x == best
    nan_best = best != best
    if nan_best.any():
        hits |= (x != x) & nan_best
    share = hits / hits.sum(axis=axes, keepdims=True)
    data = best if keepdims else best.reshape(_without(self.shape, axes))
    op = MAX if name == "max" else MIN
    return _result(data, (self,), op, (kept, self.shape, share.astype(self.dtype)))


def max(
    self: Tensor,
    dim: int | None = None,
    keepdim: bool = False,
    *,
    axis: int | Sequence[int] | None = None,
    keepdims: bool = False,
) -> Any:
    """The maximum: over everything, or NumPy's ``max(axis=...)`` (values; tied maxima
    share the gradient, a NaN wins), or PyTorch's ``max(dim)`` / ``max(dim=...)``, which
    returns ``(values, indices)`` as ``torch.max``, the gradient going to that index."""
    return _extreme_or_pair(self, dim, keepdim, axis, keepdims, "max")


def min(
    self: Tensor,
    dim: int | None = None,
    keepdim: bool = False,
    *,
    axis: int | Sequence[int] | None = None,
    keepdims: bool = False,
) -> Any:
    """The minimum, as ``max``: ``min(axis=...)`` gives values, ``min(dim)`` gives
    ``(values, indices)`` as ``torch.min``."""
    return _extreme_or_pair(self, dim, keepdim, axis, keepdims, "min")


def _extreme_or_pair(
    self: Tensor, dim: Any, keepdim: bool, axis: Any, keepdims: bool, name: str
) -> Any:
    if isinstance(dim, (Tensor, np.ndarray, float)):
        pair = "maximum" if name == "max" else "minimum"
        raise TypeError(
            f"Tensor.{name}(other): for the elementwise {name} of two Tensors use "
            f"autograd_core.{pair}(a, b)"
        )
    if dim is not None:
        return _extreme_at(self, dim, keepdim, name, axis)
    return _extreme(self, axis, keepdims or keepdim, name)


def _extreme_at(self: Tensor, dim: Any, keepdim: bool, name: str, axis: Any) -> MinMax:
    if axis is not None:
        raise TypeError(f"Tensor.{name}: give axis= (NumPy) or dim= (PyTorch), not both")
    axis = _norm_axis(dim, self.ndim, name)
    _check_nonempty(self, (axis,) if self.ndim else (), name)
    if not self.ndim:
        return MinMax(_alias(self), _constant(np.array(0)))
    # np.argmax/argmin pick the first extreme, and a NaN before any number (PyTorch).
    pick = (np.argmax if name == "max" else np.argmin)(self.data, axis=axis, keepdims=True)
    grid = list(np.indices(pick.shape, sparse=True))
    grid[axis] = pick
    values = self[tuple(grid)]
    if not keepdim:
        values = values.reshape(_without(self.shape, (axis,)))
        pick = pick.reshape(_without(self.shape, (axis,)))
    return MinMax(values, _constant(pick))


def logsumexp(
    self: Tensor,
    axis: int | Sequence[int] | None = None,
    keepdims: bool = False,
    *,
    dim: int | Sequence[int] | None = None,
    keepdim: bool | None = None,
) -> Tensor:
    """log(sum(exp(x))) over ``axis``, without overflow or warnings for any finite input
    (-inf over an empty axis, as PyTorch); PyTorch's ``dim=``/``keepdim=`` too."""
    axis, keepdims = _torch_axis(axis, keepdims, dim, keepdim, "logsumexp")
    axes, kept = _reduction_shapes(self, axis, "logsumexp")
    x = self.data
    shift = _stable_shift(x, axes)
    # exp(x - max) lies in [0, 1]: x - max may round to -inf (exp gives the 0 it means).
    with np.errstate(over="ignore", divide="ignore"):
        data = np.log(np.exp(x - shift).sum(axis=axes, keepdims=True)) + shift
    if not keepdims:
        data = data.reshape(_without(self.shape, axes))
    return _result(data, (self,), LOGSUMEXP, (kept, self.shape, axes, shift))


def _needs_float(t: Tensor, name: str) -> None:
    if t.dtype.kind != "f":
        raise TypeError(
            f"Tensor.{name}: needs a floating dtype, got {t.dtype} (as PyTorch); use "
            f"t.double().{name}(...) or t.float()"
        )


def softmax(self: Tensor, axis: int = -1, *, dim: int | None = None) -> Tensor:
    """exp(x) / sum(exp(x)) along ``axis`` (or ``dim``), without overflow or warnings for
    any finite x."""
    axis = axis if dim is None else dim
    axis = _norm_axis(axis, self.ndim, "softmax")
    _needs_float(self, "softmax")
    with np.errstate(over="ignore"):
        e = np.exp(self.data - _stable_shift(self.data, axis))
    return _result(e / e.sum(axis=axis, keepdims=True), (self,), SOFTMAX, axis)


def log_softmax(self: Tensor, axis: int = -1, *, dim: int | None = None) -> Tensor:
    """log(softmax(x)) along ``axis`` (or ``dim``), as x - logsumexp(x): no overflow for
    finite x."""
    axis = axis if dim is None else dim
    axis = _norm_axis(axis, self.ndim, "log_softmax")
    _needs_float(self, "log_softmax")
    x = self.data
    with np.errstate(over="ignore"):
        shifted = x - _stable_shift(x, axis)
    data = shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
    return _result(data, (self,), LOG_SOFTMAX, axis)


install_methods(globals(), "sum", "mean", "max", "min", "logsumexp", "softmax", "log_softmax")

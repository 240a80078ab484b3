"""Shape and indexing: reshape, transpose/permute, squeeze/unsqueeze, broadcast_to, casts,
``t[key]``, joining (``concatenate``/``stack``), and writing into a Tensor (``t[key] = v``,
``masked_fill``, ``scatter_add``), with their rules.

A shape operation's rule undoes it on the upstream gradient (``g.reshape(x.shape)``);
indexing's rule places the gradient at the selection (its adjoint, a scatter-add).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .context import is_grad_enabled
from .inplace import mark_updated, update_in_place
from .reductions import _torch_axis
from .tensor import (
    IDENTITY,
    Operand,
    Rule,
    Tensor,
    _as_tensor,
    _norm_axis,
    _Op,
    _raw,
    _result,
    _tensors,
    _unbroadcast,
    install_methods,
    where,
)

__all__ = ["concatenate", "stack", "cat", "masked_fill", "scatter_add", "set_item"]


BROADCAST = _Op("broadcast_to", lambda g, out, x, c: _unbroadcast(g, c))
CAST = _Op("astype", lambda g, out, x, c: g.astype(x[0].dtype))
RESHAPE = _Op("reshape", lambda g, out, x, c: g.reshape(c))
TRANSPOSE = _Op("transpose", lambda g, out, x, c: g.transpose(c))


def _scatter(g: Any, out: Any, x: tuple[Any, ...], c: Any) -> Any:
    key, shape = c
    if isinstance(g, Tensor):
        return _result(_scatter_add(g.data, key, shape), (g,), SCATTER, (key, shape))
    return _scatter_add(g, key, shape)


def _scatter_add(g: np.ndarray, key: Any, shape: tuple[int, ...]) -> np.ndarray:
    # add.at, not assignment: an index repeated in ``key`` must collect every share.
    full = np.zeros(shape, dtype=g.dtype)
    np.add.at(full, key, g)
    return full


INDEX = _Op("getitem", _scatter)
# The adjoint of indexing (only built by create_graph): its own rule is indexing again.
SCATTER = _Op("scatter_add", lambda g, out, x, c: g[c[0]])


def _piece_rules(count: int, name: str) -> _Op:
    """concatenate/stack: parent i receives its slice of the upstream gradient."""

    def rule(i: int) -> Rule:
        return lambda g, out, x, c: g[c[i]]

    return _Op(name, *(rule(i) for i in range(count)))


def _index_key(key: Any) -> Any:
    """Tensors inside an index are replaced by their arrays (indices are not differentiated)."""
    if isinstance(key, Tensor):
        if key.data.dtype.kind not in "biu":
            raise IndexError(
                f"Tensor[...]: an index Tensor must hold integers or booleans, got {key.dtype}; "
                "use Tensor(indices, dtype=int) or a comparison result as a mask"
            )
        return key.data
    if isinstance(key, tuple):
        return tuple(_index_key(k) for k in key)
    if isinstance(key, list):
        # [] selects nothing (NumPy would read it as a float array and refuse it).
        return np.asarray(key) if key else np.empty(0, dtype=np.intp)
    return key


def concatenate(tensors: Sequence[Operand], axis: int = 0, *, dim: int | None = None) -> Tensor:
    """Join Tensors along an existing axis (``dim=``, PyTorch's name, too)."""
    axis = axis if dim is None else dim
    parts = _tensors(tensors, "concatenate")
    try:
        data = np.concatenate([t.data for t in parts], axis=axis)
    except (ValueError, np.exceptions.AxisError) as exc:
        shapes = ", ".join(str(t.shape) for t in parts)
        raise ValueError(
            f"concatenate: cannot join shapes {shapes} along axis {axis}: {exc}"
        ) from None
    axis = _norm_axis(axis, data.ndim, "concatenate")
    bounds = np.cumsum([0] + [t.shape[axis] for t in parts])
    slices = tuple(
        (slice(None),) * axis + (slice(int(lo), int(hi)),)
        for lo, hi in zip(bounds[:-1], bounds[1:])
    )
    return _result(data, tuple(parts), _piece_rules(len(parts), "concatenate"), slices)


def stack(tensors: Sequence[Operand], axis: int = 0, *, dim: int | None = None) -> Tensor:
    """Join Tensors of one shape along a new axis (``dim=``, PyTorch's name, too)."""
    axis = axis if dim is None else dim
    parts = _tensors(tensors, "stack")
    try:
        data = np.stack([t.data for t in parts], axis=axis)
    except (ValueError, np.exceptions.AxisError) as exc:
        shapes = ", ".join(str(t.shape) for t in parts)
        raise ValueError(f"stack: cannot stack shapes {shapes} along axis {axis}: {exc}") from None
    axis = _norm_axis(axis, data.ndim, "stack")
    picks = tuple((slice(None),) * axis + (i,) for i in range(len(parts)))
    return _result(data, tuple(parts), _piece_rules(len(parts), "stack"), picks)


def cat(tensors: Sequence[Operand], dim: int = 0) -> Tensor:
    """PyTorch's name for ``concatenate``: join Tensors along an existing axis."""
    return concatenate(tensors, axis=dim)


def reshape(self: Tensor, *shape: Any) -> Tensor:
    """The same elements in a new shape (NumPy rules, -1 allowed)."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    try:
        data = self.data.reshape(shape)
    except (ValueError, TypeError):
        raise ValueError(
            f"Tensor.reshape: cannot reshape {self.shape} ({self.size} elements) into {shape}"
        ) from None
    return _result(data, (self,), RESHAPE, self.shape)


def transpose(self: Tensor, *axes: Any) -> Tensor:
    """Axes reversed (``t.transpose()``), permuted (``t.transpose((1, 0, 2))``, NumPy), or
    two axes swapped (``t.transpose(0, 1)``, PyTorch: two numbers always swap)."""
    if len(axes) == 2 and all(isinstance(a, (int, np.integer)) for a in axes):
        return self.swapaxes(*axes)
    if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
        axes = tuple(axes[0])
    return self.permute(*axes)


def permute(self: Tensor, *axes: Any) -> Tensor:
    """Axes permuted as ``axes`` says (reversed when none are given)."""
    if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
        axes = tuple(axes[0])
    if not axes:
        perm = tuple(range(self.ndim - 1, -1, -1))
        inverse = perm  # reversing twice is the identity
    else:
        perm = tuple(_norm_axis(a, self.ndim, "permute") for a in axes)
        if sorted(perm) != list(range(self.ndim)):
            raise ValueError(
                f"Tensor.permute: axes {axes} are not a permutation of the {self.ndim} axes; "
                "two axes to swap: t.transpose(0, 1) or t.swapaxes(0, 1)"
            )
        slots = [0] * self.ndim
        for position, axis in enumerate(perm):
            slots[axis] = position
        inverse = tuple(slots)
    return _result(self.data.transpose(perm), (self,), TRANSPOSE, inverse)


def swapaxes(self: Tensor, axis1: int, axis2: int) -> Tensor:
    """Two axes exchanged (``numpy.swapaxes``; PyTorch's ``transpose(dim0, dim1)``)."""
    perm = list(range(self.ndim))
    a, b = _norm_axis(axis1, self.ndim, "swapaxes"), _norm_axis(axis2, self.ndim, "swapaxes")
    if self.ndim:
        perm[a], perm[b] = perm[b], perm[a]
    return self.permute(*perm)


def t(self: Tensor) -> Tensor:
    """The transpose of a Tensor of at most 2 axes (PyTorch's ``t()``)."""
    if self.ndim > 2:
        raise ValueError(
            f"Tensor.t(): needs at most 2 axes, got shape {self.shape}; use "
            "t.transpose(a, b) to swap two axes or t.permute(...)"
        )
    return self.permute()


def view(self: Tensor, *shape: Any) -> Tensor:
    """The same elements in a new shape (PyTorch's name for ``reshape``)."""
    return self.reshape(*shape)


def flatten(self: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Axes ``start_dim`` to ``end_dim`` merged into one (all by default), as PyTorch."""
    if not self.ndim:
        return self.reshape(1)
    start = _norm_axis(start_dim, self.ndim, "flatten")
    end = _norm_axis(end_dim, self.ndim, "flatten")
    if start > end:
        raise ValueError(f"Tensor.flatten: start_dim {start_dim} comes after end_dim {end_dim}")
    shape = self.shape
    return self.reshape(shape[:start] + (-1,) + shape[end + 1 :])


def squeeze(self: Tensor, axis: int | Sequence[int] | None = None, *, dim: Any = None) -> Tensor:
    """Axes of length 1 removed (all of them, or those named); PyTorch's ``dim=`` too,
    which, as in PyTorch, leaves an axis of another length in place."""
    lenient = dim is not None
    axis, _ = _torch_axis(axis, False, dim, None, "squeeze")
    if axis is None:
        return self.reshape(tuple(n for n in self.shape if n != 1))
    raw = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    axes = {_norm_axis(a, self.ndim, "squeeze") for a in raw}
    for a in axes:
        if self.ndim and self.shape[a] != 1 and not lenient:
            raise ValueError(
                f"Tensor.squeeze: axis {a} has length {self.shape[a]}, not 1 (shape "
                f"{self.shape}), which NumPy refuses; PyTorch's t.squeeze(dim={a}) "
                "leaves such an axis in place"
            )
    kept = tuple(n for i, n in enumerate(self.shape) if i not in axes or n != 1)
    return self.reshape(kept)


def unsqueeze(self: Tensor, dim: int) -> Tensor:
    """A new axis of length 1 at ``dim`` (PyTorch; ``expand_dims`` in NumPy)."""
    return self.expand_dims(dim)


def expand_dims(self: Tensor, axis: int) -> Tensor:
    """A new axis of length 1 at ``axis`` (negative counts from the end of the result)."""
    position = _norm_axis(axis, self.ndim + 1, "expand_dims")
    return self.reshape(self.shape[:position] + (1,) + self.shape[position:])


def clone(self: Tensor) -> Tensor:
    """A copy of the data that stays in the graph (gradients flow back), as PyTorch."""
    return _result(self.data.copy(), (self,), IDENTITY)


def astype(self: Tensor, dtype: Any) -> Tensor:
    """The same values in another floating dtype (the gradient is cast back)."""
    target = np.dtype(dtype)
    if target.kind != "f":
        raise TypeError(f"Tensor.astype: only floating dtypes are differentiable, got {target}")
    if target == self.dtype:
        return self
    return _result(self.data.astype(target), (self,), CAST)


def broadcast_to(self: Tensor, shape: Sequence[int]) -> Tensor:
    """The array repeated along broadcast axes to ``shape``."""
    shape = tuple(shape)
    try:
        data = np.broadcast_to(self.data, shape)
    except ValueError:
        raise ValueError(f"Tensor.broadcast_to: cannot broadcast {self.shape} to {shape}") from None
    return _result(data, (self,), BROADCAST, self.shape)


def __getitem__(self: Tensor, key: Any) -> Tensor:
    key = _index_key(key)
    try:
        data = self.data[key]
    except (IndexError, TypeError) as exc:
        raise IndexError(f"Tensor[...]: invalid index for shape {self.shape}: {exc}") from None
    return _result(data, (self,), INDEX, (key, self.shape))


def __setitem__(self: Tensor, key: Any, value: Any) -> None:
    """``t[key] = value``, with the rules of updates in place (``autograd_core.linalg``)."""
    set_item(self, key, value)


# ------------------------------------------------------------------ writing into a Tensor
def masked_fill(t: Tensor, mask: Any, value: float) -> Tensor:
    """``value`` where ``mask`` holds, ``t`` elsewhere (PyTorch's ``masked_fill``)."""
    condition = np.asarray(_raw(mask))
    if condition.dtype != np.bool_:
        raise TypeError(f"masked_fill: the mask must be booleans, got {condition.dtype}")
    fill = value if isinstance(value, Tensor) else np.asarray(value, dtype=t.dtype)
    return where(condition, fill, t)


def _scatter_into(source: Tensor, key: Any, shape: tuple[int, ...]) -> Tensor:
    """``source`` added into zeros of ``shape`` at ``key`` (the adjoint of indexing)."""
    return _result(_scatter_add(source.data, key, shape), (source,), SCATTER, (key, shape))


def scatter_add(t: Tensor, dim: int, index: Any, src: Any) -> Tensor:
    """PyTorch's ``scatter_add``: ``src[i][j]`` added at row ``index[i][j]`` (for dim 0)."""
    src = _as_tensor(src, "scatter_add", t)
    picks = np.asarray(_raw(index))
    if picks.dtype.kind not in "iu" or picks.shape != src.shape:
        raise ValueError(
            f"scatter_add: index must be integers of src's shape {src.shape}, got "
            f"{picks.dtype} {picks.shape}"
        )
    axis = _norm_axis(dim, t.ndim, "scatter_add")
    grid: list[Any] = list(np.indices(picks.shape, sparse=True))
    grid[axis] = picks
    return t + _scatter_into(src, tuple(grid), t.shape)


def _put_data(values: np.ndarray, key: Any, shape: tuple[int, ...]) -> np.ndarray:
    out = np.zeros(shape, dtype=values.dtype)
    out[key] = values  # assignment: of repeated indices the last wins, as NumPy and PyTorch
    return out


# values placed into zeros at key; each value's share is the gradient at its place.
PUT = _Op("put", lambda g, out, x, c: g[c])


def put(values: Tensor, key: Any, shape: tuple[int, ...]) -> Tensor:
    """``values`` placed at ``key`` in zeros of ``shape`` (recorded)."""
    return _result(_put_data(values.data, key, shape), (values,), PUT, key)


def _selected(t: Tensor, key: Any, value: Any) -> tuple[Any, Tensor, np.ndarray]:
    """The normalised key, the value broadcast to the selection, and the selection's mask."""
    key = _index_key(key)
    try:
        target = t.data[key]
    except (IndexError, TypeError) as exc:
        raise IndexError(f"Tensor[...] = v: invalid index for shape {t.shape}: {exc}") from None
    v = _as_tensor(value, "[...] =", t)
    try:
        fitted = v.broadcast_to(target.shape) if v.shape != target.shape else v
    except ValueError:
        raise ValueError(
            f"Tensor[...] = v: a value of shape {v.shape} does not fit the selection of shape "
            f"{target.shape}"
        ) from None
    chosen = np.zeros(t.shape, dtype=bool)
    chosen[key] = True
    return key, fitted, chosen


def _with_item(t: Tensor, key: Any, value: Any) -> Tensor:
    """``t`` with ``t[key]`` replaced by ``value`` (broadcast), as a new recorded Tensor."""
    key, fitted, chosen = _selected(t, key, value)
    # where, not a product with a 0/1 mask: an inf or NaN being replaced must not leak.
    return where(chosen, put(fitted, key, t.shape), t)


def set_item(t: Tensor, key: Any, value: Any) -> None:
    """``t[key] = value``, by the rules of updates in place (``autograd_core.inplace``):
    written into ``t`` under ``no_grad`` or when nothing requires a gradient, recorded when
    grad mode is on and ``t`` was computed, refused for a parameter with grad mode on."""
    if not _records(t, value):
        # NumPy's own assignment: O(selection), not O(t), for loops of row writes.
        key, fitted, _ = _selected(t, key, value)
        if not np.can_cast(fitted.dtype, t.dtype, "same_kind"):
            raise TypeError(
                f"Tensor[...] = v: a {fitted.dtype} value cannot be stored in this {t.dtype} "
                "Tensor; cast it first"
            )
        if not t.data.flags.writeable:
            raise ValueError("Tensor[...] = v: this Tensor's array is read-only (a broadcast view)")
        t.data[key] = fitted.data
        mark_updated(t)
        return
    update_in_place(t, value, "[...]=", lambda node, v: _with_item(node, key, v))


def _records(t: Tensor, value: Any) -> bool:
    value_records = isinstance(value, Tensor) and value.requires_grad
    return is_grad_enabled() and (t.requires_grad or value_records)


install_methods(
    globals(),
    "reshape",
    "transpose",
    "permute",
    "swapaxes",
    "t",
    "view",
    "flatten",
    "squeeze",
    "unsqueeze",
    "expand_dims",
    "clone",
    "astype",
    "broadcast_to",
    "__getitem__",
    "__setitem__",
    "masked_fill",
    "scatter_add",
)

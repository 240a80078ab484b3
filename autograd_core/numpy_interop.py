"""NumPy functions on Tensors record the graph: ``np.exp(t)``, ``np.sum(t, axis=0)``,
``np.matmul(W, X)`` and ``np.maximum(t, 0)`` return Tensors with gradients, so NumPy code
written for arrays (like the seed blog's) runs on Tensors unchanged.

NumPy hands a call with a Tensor operand to ``Tensor.__array_ufunc__`` (ufuncs) or
``Tensor.__array_function__`` (the rest), which look the function up here. Functions that
only inspect numbers (``np.isfinite``, ``np.allclose``, ``np.argmax``...) run on the
arrays and return arrays. Any other function raises an error naming it: a silent plain
array would drop the graph.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from . import compose, linalg
from . import elementwise as ew
from .shape import concatenate, stack
from .tensor import Tensor, _norm_axis, maximum, minimum, where

__all__ = ["array_ufunc", "array_function", "value_ufunc"]


def _dunder(name: str) -> Callable[[Any, Any], Any]:
    """A binary operator that calls the Tensor operand's method (never NumPy's again)."""

    def apply(a: Any, b: Any) -> Any:
        if isinstance(a, Tensor):
            return getattr(a, f"__{name}__")(b)
        return getattr(b, f"__r{name}__")(a)

    return apply


def _compare(name: str) -> Callable[[Any, Any], Any]:
    mirrored = {"lt": "gt", "le": "ge", "gt": "lt", "ge": "le", "eq": "eq", "ne": "ne"}[name]

    def apply(a: Any, b: Any) -> Any:
        if isinstance(a, Tensor):
            return getattr(a, f"__{name}__")(b)
        return getattr(b, f"__{mirrored}__")(a)

    return apply


_LN2 = float(np.log(2.0))


def _fextremum(larger: bool) -> Callable[[Any, Any], Tensor]:
    """numpy.fmax/fmin (torch.fmax/fmin): the larger (smaller) of a and b, NaN only where
    both are; the gradient goes to the one chosen, to a on a tie (as PyTorch)."""

    def pick(a: Any, b: Any) -> Tensor:
        x, y = np.broadcast_arrays(_data(a), _data(b))
        wins = (x >= y) if larger else (x <= y)
        return where(wins | np.isnan(y), a, b)

    return pick


UFUNCS: dict[Any, Callable[..., Any]] = {
    np.fmax: _fextremum(True),
    np.fmin: _fextremum(False),
    np.degrees: lambda a: a * (180.0 / np.pi),
    np.rad2deg: lambda a: a * (180.0 / np.pi),
    np.radians: lambda a: a * (np.pi / 180.0),
    np.deg2rad: lambda a: a * (np.pi / 180.0),
    np.logaddexp2: lambda a, b: ew.logaddexp(a * _LN2, b * _LN2) / _LN2,
    np.conjugate: lambda a: a * 1.0,  # real numbers: themselves (a copy in the graph)
    np.add: _dunder("add"),
    np.subtract: _dunder("sub"),
    np.multiply: _dunder("mul"),
    np.true_divide: _dunder("truediv"),
    np.power: _dunder("pow"),
    np.float_power: _dunder("pow"),
    np.matmul: _dunder("matmul"),
    np.negative: lambda a: -a,
    np.positive: lambda a: a,
    np.maximum: maximum,
    np.minimum: minimum,
    np.greater: _compare("gt"),
    np.greater_equal: _compare("ge"),
    np.less: _compare("lt"),
    np.less_equal: _compare("le"),
    np.equal: _compare("eq"),
    np.not_equal: _compare("ne"),
    np.absolute: ew.abs,
    np.fabs: ew.abs,
    np.rint: ew.round,
    np.remainder: ew.remainder,
    np.fmod: ew.fmod,
    np.arctan2: ew.arctan2,
    np.logaddexp: ew.logaddexp,
}
# The elementwise operations whose names NumPy shares (np.exp, np.log1p, np.tanh, ...).
for _name in ew.__all__:
    _ufunc = getattr(np, _name, None)
    if isinstance(_ufunc, np.ufunc) and _ufunc not in UFUNCS:
        UFUNCS[_ufunc] = getattr(ew, _name)

# Ufuncs that only inspect numbers: they run on the arrays.
INSPECTING_UFUNCS = {
    np.isfinite,
    np.isinf,
    np.isnan,
    np.signbit,
    np.logical_and,
    np.logical_or,
    np.logical_not,
    np.logical_xor,
}


def array_ufunc(ufunc: Any, method: str, inputs: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """What ``Tensor.__array_ufunc__`` returns for ``ufunc(*inputs, **kwargs)``."""
    name = f"numpy.{ufunc.__name__}"
    if ufunc in INSPECTING_UFUNCS and method == "__call__":
        return getattr(ufunc, method)(*[_data(x) for x in inputs], **kwargs)
    if method != "__call__":
        hint = " (use t.sum(axis=...))" if ufunc is np.add and method == "reduce" else ""
        raise TypeError(f"{name}.{method} on a Tensor is not differentiable here{hint}")
    if kwargs:
        raise TypeError(
            f"{name} on a Tensor: the arguments {sorted(kwargs)} are not supported (out= "
            "cannot write into a Tensor); call it without them"
        )
    fn = UFUNCS.get(ufunc)
    if fn is None:
        raise TypeError(
            f"{name} has no derivative rule for Tensors; use an operation of autograd_core "
            f"(README: operations), or {name}(t.data) for numbers without a graph"
        )
    return fn(*inputs)


# Ufuncs of Values: the elementwise operations and the arithmetic operators.
_VALUE_UFUNCS = {u for u, fn in UFUNCS.items() if u not in (np.maximum, np.minimum, np.matmul)}
_VALUE_UFUNCS -= {np.greater, np.greater_equal, np.less, np.less_equal, np.equal, np.not_equal}


def value_ufunc(ufunc: Any, method: str, inputs: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """What ``Value.__array_ufunc__`` returns: ``np.exp(v)`` is ``v.exp()``, and a NumPy
    number mixes with a Value as a Python number does."""
    name = f"numpy.{ufunc.__name__}"
    if any(isinstance(x, np.ndarray) and x.ndim for x in inputs):
        raise TypeError(
            f"{name}: a Value mixes only with Values and numbers, not arrays; for arrays use "
            "Tensor (Tensor(v.data) brings a Value's number into a Tensor graph)"
        )
    if method != "__call__" or kwargs or ufunc not in _VALUE_UFUNCS:
        raise TypeError(f"{name} has no derivative rule for Values; use v.data for the number")
    return UFUNCS[ufunc](*[x.item() if isinstance(x, np.generic) else x for x in inputs])


def _data(x: Any) -> Any:
    return x.data if isinstance(x, Tensor) else x


def _reduction(name: str) -> Callable[..., Any]:
    """``np.sum(t, axis, keepdims=...)`` and the like, as the Tensor method."""

    def apply(a: Any, axis: Any = None, keepdims: bool = False, **rest: Any) -> Any:
        _no_more(name, rest)
        return getattr(_tensor(a), name)(axis=axis, keepdims=keepdims)

    return apply


def _dot(a: Any, b: Any) -> Any:
    a_nd, b_nd = np.ndim(_data(a)), np.ndim(_data(b))
    if a_nd == 0 or b_nd == 0:
        return _dunder("mul")(a, b)
    if b_nd > 2:  # the last axis of a against the second-to-last of b
        left = a if isinstance(a, Tensor) else Tensor(np.asarray(a))
        return linalg.tensordot(left, b, ([a_nd - 1], [b_nd - 2]))
    return _dunder("matmul")(a, b)


def _reshape(a: Any, newshape: Any = None, *args: Any, **kwargs: Any) -> Any:
    shape = kwargs.pop("shape", newshape)
    _no_more("reshape", kwargs)
    return _tensor(a).reshape(shape)


def _transpose(a: Any, axes: Any = None) -> Any:
    return _tensor(a).transpose() if axes is None else _tensor(a).transpose(tuple(axes))


def _clip(a: Any, a_min: Any = None, a_max: Any = None, **kwargs: Any) -> Any:
    low, high = kwargs.pop("min", a_min), kwargs.pop("max", a_max)
    _no_more("clip", kwargs)
    return _tensor(a).clip(low, high)


def _where(condition: Any, x: Any = None, y: Any = None) -> Any:
    if x is None or y is None:
        raise TypeError("numpy.where(condition) with one argument gives indices: use .data")
    return where(condition, x, y)


def _tensor(a: Any) -> Tensor:
    if isinstance(a, Tensor):
        return a
    raise TypeError(f"expected a Tensor, got {type(a).__name__}")


def _no_more(name: str, rest: dict[str, Any]) -> None:
    if rest:
        raise TypeError(f"numpy.{name} on a Tensor: the arguments {sorted(rest)} are not supported")


def _np_split(a: Any, indices_or_sections: Any, axis: int = 0, equal: bool = True) -> list[Any]:
    """``numpy.split``'s meaning: a count of equal sections, or the indices to cut at;
    ``equal=False`` is ``array_split``: the first ``n % count`` sections one longer."""
    t = _tensor(a)
    n = t.shape[axis]
    if isinstance(indices_or_sections, (int, np.integer)):
        count = int(indices_or_sections)
        if count <= 0 or (equal and n % count):
            raise ValueError(f"numpy.split: {n} elements do not split into {count} equal parts")
        sizes = [n // count + (1 if k < n % count else 0) for k in range(count)]
    else:
        cuts = [0, *[min(max(int(i), 0), n) for i in indices_or_sections], n]
        sizes = [max(b - a, 0) for a, b in zip(cuts, cuts[1:])]
    return list(compose.split(t, sizes, axis))


def _moveaxis(a: Any, source: Any, destination: Any) -> Tensor:
    t = _tensor(a)
    src = [_norm_axis(int(s), t.ndim, "moveaxis") for s in np.atleast_1d(source)]
    dst = [_norm_axis(int(d), t.ndim, "moveaxis") for d in np.atleast_1d(destination)]
    if len(src) != len(dst) or len(set(src)) != len(src) or len(set(dst)) != len(dst):
        raise ValueError("numpy.moveaxis: source and destination must name as many axes, each once")
    rest = [k for k in range(t.ndim) if k not in src]
    order: list[int] = [0] * t.ndim
    for s_, d_ in zip(src, dst):
        order[d_] = s_
    free = iter(rest)
    order = [order[k] if k in dst else next(free) for k in range(t.ndim)]
    return t.permute(*order)


def _rollaxis(a: Any, axis: int, start: int = 0) -> Tensor:
    t = _tensor(a)
    axis = _norm_axis(axis, t.ndim, "rollaxis")
    start = _norm_axis(start, t.ndim + 1, "rollaxis")
    return _moveaxis(t, axis, start - 1 if start > axis else start)


def _diff(a: Any, n: int = 1, axis: int = -1, **rest: Any) -> Tensor:
    _no_more("diff", rest)
    t = _tensor(a)
    if n < 0:
        raise ValueError(f"numpy.diff: order must be non-negative, got n={n}")
    if not t.ndim:
        raise ValueError("numpy.diff: needs at least one axis, got a 0-d Tensor")
    axis = _norm_axis(axis, t.ndim, "diff")
    for _ in range(n):
        size = t.shape[axis]
        later = [slice(None)] * t.ndim
        earlier = [slice(None)] * t.ndim
        later[axis], earlier[axis] = slice(1, size), slice(0, size - 1)
        t = t[tuple(later)] - t[tuple(earlier)]
    return t


def _atleast(ndim: int) -> Callable[..., Any]:
    """numpy.atleast_1d/2d/3d: axes of length 1 added as NumPy places them."""

    def lift(*arrays: Any) -> Any:
        out = []
        for a in arrays:
            t = _tensor(a)
            shape = t.shape
            if len(shape) < ndim:
                if ndim == 3 and len(shape) == 2:
                    shape = (*shape, 1)
                elif ndim == 3 and len(shape) == 1:
                    shape = (1, *shape, 1)
                else:
                    shape = (1,) * (ndim - len(shape)) + shape
            out.append(t.reshape(shape))
        return out[0] if len(out) == 1 else out

    return lift


def _kron(a: Any, b: Any) -> Tensor:
    t = _tensor(a) if isinstance(a, Tensor) else Tensor(np.asarray(a))
    u = b if isinstance(b, Tensor) else Tensor(np.asarray(b))
    ndim = max(t.ndim, u.ndim)
    t = t.reshape((1,) * (ndim - t.ndim) + t.shape)
    u = u.reshape((1,) * (ndim - u.ndim) + u.shape)
    # Every product a[i] * b[j], laid out as a's axes interleaved with b's, then merged.
    outer = t.reshape(sum(((n, 1) for n in t.shape), ())) * u.reshape(
        sum(((1, n) for n in u.shape), ())
    )
    return outer.reshape(tuple(p * q for p, q in zip(t.shape, u.shape)))


def _cross(
    a: Any, b: Any, axisa: int = -1, axisb: int = -1, axisc: int = -1, axis: Any = None
) -> Tensor:
    if axis is not None:
        axisa = axisb = axisc = axis
    t = _moveaxis(a, axisa, -1) if isinstance(a, Tensor) else Tensor(np.moveaxis(a, axisa, -1))
    u = _moveaxis(b, axisb, -1) if isinstance(b, Tensor) else Tensor(np.moveaxis(b, axisb, -1))
    if t.shape[-1] not in (2, 3) or u.shape[-1] not in (2, 3):
        raise ValueError("numpy.cross: the vectors must have 2 or 3 components")
    if t.shape[-1] == 2 and u.shape[-1] == 2:
        return t[..., 0] * u[..., 1] - t[..., 1] * u[..., 0]  # the z component only, as NumPy
    zero = t[..., :1] * 0.0
    t = concatenate([t, zero], axis=-1) if t.shape[-1] == 2 else t
    u = concatenate([u, u[..., :1] * 0.0], axis=-1) if u.shape[-1] == 2 else u
    c = stack(
        [
            t[..., 1] * u[..., 2] - t[..., 2] * u[..., 1],
            t[..., 2] * u[..., 0] - t[..., 0] * u[..., 2],
            t[..., 0] * u[..., 1] - t[..., 1] * u[..., 0],
        ],
        axis=-1,
    )
    return _moveaxis(c, -1, axisc)


def _trace(a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Tensor:
    return compose.diagonal(_tensor(a), offset, axis1, axis2).sum(axis=-1)


def _prod(t: Tensor, axis: Any, keepdims: bool) -> Tensor:
    if axis is None and keepdims:  # NumPy keeps every axis, of length 1
        return linalg.prod(t.reshape(-1), 0).reshape((1,) * t.ndim)
    return linalg.prod(t, axis, keepdims)


def _pad(a: Any, pad_width: Any, mode: str, constant_values: float) -> Any:
    if mode != "constant":
        raise TypeError("numpy.pad on a Tensor: only mode='constant' is differentiable here")
    return compose.pad(_tensor(a), pad_width, constant_values)


FUNCTIONS: dict[Any, Callable[..., Any]] = {
    np.sum: _reduction("sum"),
    np.mean: _reduction("mean"),
    np.max: _reduction("max"),
    np.amax: _reduction("max"),
    np.min: _reduction("min"),
    np.amin: _reduction("min"),
    np.dot: _dot,
    np.reshape: _reshape,
    np.transpose: _transpose,
    np.clip: _clip,
    np.where: _where,
    np.concatenate: lambda arrays, axis=0: concatenate(list(arrays), axis=axis),
    np.stack: lambda arrays, axis=0: stack(list(arrays), axis=axis),
    np.square: ew.square,
    np.sort: lambda a, axis=-1: compose.sort(_tensor(a), axis).values,
    np.flip: lambda a, axis=None: compose.flip(a, range(a.ndim) if axis is None else axis),
    np.roll: lambda a, shift, axis=None: compose.roll(a, shift, axis),
    np.tile: compose.tile,
    np.split: lambda a, sections, axis=0: _np_split(a, sections, axis),
    np.array_split: lambda a, sections, axis=0: _np_split(a, sections, axis, equal=False),
    np.hsplit: lambda a, sections: _np_split(a, sections, 1 if _tensor(a).ndim > 1 else 0),
    np.vsplit: lambda a, sections: _np_split(a, sections, 0),
    np.dsplit: lambda a, sections: _np_split(a, sections, 2),
    np.moveaxis: _moveaxis,
    np.rollaxis: _rollaxis,
    np.diff: _diff,
    np.atleast_1d: _atleast(1),
    np.atleast_2d: _atleast(2),
    np.atleast_3d: _atleast(3),
    np.kron: _kron,
    np.cross: _cross,
    np.real: lambda a: _tensor(a) * 1.0,  # real input: itself (a copy in the graph)
    np.imag: lambda a: _tensor(a) * 0.0,
    np.repeat: lambda a, repeats, axis=None: compose.repeat_interleave(a, repeats, axis),
    np.hstack: compose.hstack,
    np.vstack: compose.vstack,
    np.pad: lambda a, pad_width, mode="constant", constant_values=0.0: _pad(
        a, pad_width, mode, constant_values
    ),
    np.tril: compose.tril,
    np.triu: compose.triu,
    np.diagonal: compose.diagonal,
    np.diag: compose.diag,
    np.trace: _trace,
    np.outer: compose.outer,
    np.inner: compose.inner,
    np.var: lambda a, axis=None, ddof=0, keepdims=False: compose.var(a, axis, ddof, keepdims),
    np.std: lambda a, axis=None, ddof=0, keepdims=False: compose.std(a, axis, ddof, keepdims),
    np.take_along_axis: lambda a, indices, axis: compose.take_along_axis(a, indices, axis),
    np.expand_dims: lambda a, axis: _tensor(a).expand_dims(axis),
    np.squeeze: lambda a, axis=None: _tensor(a).squeeze(axis),
    np.swapaxes: lambda a, axis1, axis2: _tensor(a).swapaxes(axis1, axis2),
    np.copy: lambda a: _tensor(a).clone(),
    np.einsum: lambda subscripts, *operands: linalg.einsum(subscripts, *operands),
    np.cumsum: lambda a, axis=None: linalg.cumsum(_tensor(a), axis=axis),
    np.cumprod: lambda a, axis=None: linalg.cumprod(_tensor(a), axis=axis),
    np.prod: lambda a, axis=None, keepdims=False: _prod(_tensor(a), axis, keepdims),
    np.tensordot: lambda a, b, axes=2: linalg.tensordot(_tensor(a), b, axes),
    np.linalg.norm: lambda x, ord=None, axis=None, keepdims=False: linalg.norm(
        _tensor(x), "fro" if ord is None else ord, axis, keepdims
    ),
}


# Functions that only inspect numbers: they run on the arrays and return arrays.
INSPECTING_FUNCTIONS = {
    np.shape,
    np.ndim,
    np.size,
    np.allclose,
    np.isclose,
    np.array_equal,
    np.array_equiv,
    np.argmax,
    np.argmin,
    np.argsort,
    np.count_nonzero,
    np.nonzero,
    np.any,
    np.all,
    np.result_type,
    np.can_cast,
    np.iscomplexobj,
    np.isrealobj,
    np.array_repr,
    np.array_str,
    np.array2string,
    np.broadcast_shapes,
}


def array_function(func: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """What ``Tensor.__array_function__`` returns for ``func(*args, **kwargs)``."""
    fn = FUNCTIONS.get(func)
    if fn is not None:
        return fn(*args, **kwargs)
    if func in INSPECTING_FUNCTIONS or func.__module__.startswith("numpy.testing"):
        return func(*_plain(args), **{k: _plain_one(v) for k, v in kwargs.items()})
    module = (
        func.__module__
        if func.__module__.startswith("numpy.") and "._" not in func.__module__
        else "numpy"
    )
    name = f"{module}.{func.__name__}"
    raise TypeError(
        f"{name} has no derivative rule for Tensors; use an operation of autograd_core "
        f"(README: operations), or {name}(t.data) for numbers without a graph"
    )


def _plain_one(x: Any) -> Any:
    if isinstance(x, Tensor):
        return x.data
    if isinstance(x, (list, tuple)):
        return type(x)(_plain_one(v) for v in x)
    return x


def _plain(args: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(_plain_one(a) for a in args)

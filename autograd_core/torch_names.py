"""PyTorch's names for what Tensor already does (``x.mul(2)``, ``x.clamp(min=0)``,
``x.mm(w)``, ``x.zero_()``...), so that code written for PyTorch runs; each is the
operation it names, set on Tensor here (one place, no second implementation)."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .compose import sort
from .creation import ones, zeros
from .tensor import Tensor, _norm_axis

__all__ = [
    "manual_seed",
    "from_numpy",
    "matmul",
    "softmax",
    "log_softmax",
    "float16",
    "float32",
    "float64",
    "int32",
    "int64",
    "half",
    "double",
    "long",
]

# torch.float32 and friends, for dtype= arguments: NumPy's types are the dtypes here.
float16 = half = np.float16
float32 = np.float32
float64 = double = np.float64
int32 = np.int32
int64 = long = np.int64


def manual_seed(seed: int) -> None:
    """Seed NumPy's global stream, which ``rand``, ``randn`` and ``nn``'s initialisers draw
    from by default (PyTorch's ``torch.manual_seed``)."""
    np.random.seed(seed)


def from_numpy(array: np.ndarray) -> Tensor:
    """A Tensor over ``array`` itself, sharing its memory and keeping its dtype
    (``torch.from_numpy``)."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected a numpy.ndarray, got {type(array).__name__}")
    out = Tensor(array, dtype=array.dtype)
    out.data = array  # shared, as PyTorch's: writes to one show in the other
    return out


def matmul(a: Any, b: Any) -> Tensor:
    """``a @ b`` (``torch.matmul``)."""
    return a @ b  # type: ignore[no-any-return]


def softmax(t: Tensor, dim: int) -> Tensor:
    """``t.softmax(dim)`` (``torch.softmax``)."""
    return t.softmax(dim=dim)


def log_softmax(t: Tensor, dim: int) -> Tensor:
    """``t.log_softmax(dim)`` (``torch.log_softmax``)."""
    return t.log_softmax(dim=dim)


class TopK(NamedTuple):
    """``t.topk(k)``'s result, as ``torch.topk``'s."""

    values: Tensor
    indices: Tensor


def _topk(t: Tensor, k: int, dim: int = -1, largest: bool = True) -> TopK:
    if not t.ndim:
        raise ValueError("topk: needs a Tensor with at least one axis, got a 0-d one")
    axis = _norm_axis(dim, t.ndim, "topk")
    if not 0 <= k <= t.shape[axis]:
        raise ValueError(f"topk: k={k} is out of range for {t.shape[axis]} elements")
    values, indices = sort(t, axis, descending=largest)
    key = (slice(None),) * axis + (slice(0, k),)
    return TopK(values[key], indices[key])


def _to(t: Tensor, *args: Any, **kwargs: Any) -> Tensor:
    """``t.to(dtype)``; a device other than "cpu" is refused (there is no GPU here)."""
    target = kwargs.pop("dtype", None)
    for arg in (*args, kwargs.pop("device", None)):
        if isinstance(arg, str) and arg.startswith(("cpu", "cuda", "mps")):
            if arg != "cpu":
                raise ValueError(f"Tensor.to({arg!r}): Tensors live in NumPy, on the CPU")
        elif arg is not None:
            target = arg
    if kwargs:
        raise TypeError(f"Tensor.to: unexpected arguments {sorted(kwargs)}")
    return t if target is None else t.astype(target)


def _needs_axes(name: str, axes: int, *operands: Any) -> None:
    """torch.mm takes matrices and torch.dot vectors of one length."""
    shapes = [np.shape(getattr(x, "data", x)) for x in operands]
    if any(len(shape) != axes for shape in shapes):
        kind = "2-D matrices" if axes == 2 else "1-D vectors"
        raise ValueError(
            f"Tensor.{name}: takes {kind} (as torch.{name}), got shapes "
            f"{' and '.join(str(s) for s in shapes)}; use a @ b (matmul) for other shapes"
        )
    if axes == 1 and shapes[0] != shapes[1]:
        raise ValueError(f"Tensor.dot: vectors of lengths {shapes[0][0]} and {shapes[1][0]}")


def _mm(t: Tensor, other: Any) -> Tensor:
    _needs_axes("mm", 2, t, other)
    return t @ other


def _dot(t: Tensor, other: Any) -> Tensor:
    """torch.dot for two vectors (their lengths must match); for other shapes, where
    torch.dot refuses, NumPy's ``a.dot(b)`` (``numpy.dot``)."""
    if t.ndim == 1 and np.ndim(getattr(other, "data", other)) == 1:
        _needs_axes("dot", 1, t, other)
        return t @ other
    from .numpy_interop import array_function

    return array_function(np.dot, (t, other), {})  # type: ignore[no-any-return]


def _fill(t: Tensor, value: float) -> Tensor:
    t[...] = value  # the rules of updates in place
    return t


def _grad_fn(t: Tensor) -> Any:
    """The operation that made ``t`` (PyTorch's ``grad_fn``); None for a leaf."""
    return t._rule if t._parents else None


_ALIASES: dict[str, Any] = {
    "add": lambda t, other: t + other,
    "sub": lambda t, other: t - other,
    "mul": lambda t, other: t * other,
    "div": lambda t, other: t / other,
    "neg": lambda t: -t,
    "matmul": lambda t, other: t @ other,
    "mm": _mm,
    "dot": _dot,
    "eq": lambda t, other: t == other,
    "ne": lambda t, other: t != other,
    "gt": lambda t, other: t > other,
    "ge": lambda t, other: t >= other,
    "lt": lambda t, other: t < other,
    "le": lambda t, other: t <= other,
    "clamp": lambda t, min=None, max=None: t.clip(min, max),  # noqa: A002
    "zero_": lambda t: _fill(t, 0.0),
    "fill_": _fill,
    "topk": _topk,
    "to": _to,
    "type": lambda t, dtype: t.astype(dtype),
    "new_zeros": lambda t, *shape: zeros(*shape, dtype=t.dtype),
    "new_ones": lambda t, *shape: ones(*shape, dtype=t.dtype),
}

for _name, _fn in _ALIASES.items():
    setattr(Tensor, _name, _fn)
setattr(Tensor, "grad_fn", property(_grad_fn))  # noqa: B010  # set after the class, as above

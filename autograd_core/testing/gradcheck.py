"""Finite-difference checks of the engine's gradients, for our tests and for users'."""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .. import engine
from ..context import enable_grad
from ..tensor import Tensor
from ..value import Value

__all__ = ["GradcheckError", "numerical_grad", "gradcheck", "gradgradcheck"]


class GradcheckError(AssertionError):
    """An analytic gradient disagrees with central finite differences."""


def _as_float64(x: Any, position: int) -> np.ndarray:
    if isinstance(x, (Value, Tensor)):
        x = x.data
    if isinstance(x, numbers.Real) and not isinstance(x, bool):
        return np.asarray(float(x))
    array = np.asarray(x)
    if array.dtype.kind not in "fiu":
        raise TypeError(
            f"gradcheck: input {position} must be a number, array, Value or Tensor, "
            f"got {type(x).__name__}"
        )
    return array.astype(np.float64)


def _node(array: np.ndarray, scalar: bool) -> Any:
    return Value(float(array)) if scalar else Tensor(array.copy(), requires_grad=True)


def _cotangent(shape: tuple[int, ...], cotangent: dict[str, np.ndarray]) -> np.ndarray:
    """The fixed random vector a non-scalar output is projected on (one per shape)."""
    if "v" not in cotangent or cotangent["v"].shape != shape:
        cotangent["v"] = np.random.default_rng(0).uniform(0.5, 1.5, shape)
    return cotangent["v"]


def _scalar_output(out: Any, cotangent: dict[str, np.ndarray]) -> Any:
    """The output itself if it is one number, else its dot product with a fixed cotangent."""
    if isinstance(out, Value):
        return out
    if isinstance(out, Tensor):
        if out.size == 1:
            return out.sum()
        return (out * _cotangent(out.shape, cotangent)).sum()
    if isinstance(out, numbers.Real):
        return float(out)
    raise TypeError(f"gradcheck: the function returned {type(out).__name__}, not a Value or Tensor")


def _output(f: Callable[..., Any], nodes: Sequence[Any]) -> np.ndarray:
    out = f(*nodes)
    if isinstance(out, (Value, Tensor)):
        return np.asarray(out.data, dtype=np.float64)
    if isinstance(out, numbers.Real):
        return np.asarray(float(out))
    raise TypeError(f"gradcheck: the function returned {type(out).__name__}, not a Value or Tensor")


def numerical_grad(f: Callable[..., Any], *inputs: Any, eps: float = 1e-6) -> list[Any]:
    """Central finite differences (f(x+eps) - f(x-eps)) / 2eps for every element of every input.

    Numbers are passed to ``f`` as Values and arrays as Tensors, in float64. A non-scalar
    output is reduced with a fixed random cotangent, as ``gradcheck`` does.
    """
    arrays = [_as_float64(x, i) for i, x in enumerate(inputs)]
    scalars = [isinstance(x, (Value, numbers.Real)) and not isinstance(x, bool) for x in inputs]
    cot: dict[str, np.ndarray] = {}
    result: list[Any] = []
    for i, base in enumerate(arrays):
        grad = np.zeros_like(base)
        for index in np.ndindex(base.shape):
            outputs = []
            for sign in (1.0, -1.0):
                shifted = base.copy()
                shifted[index] += sign * eps
                nodes = [
                    _node(shifted if j == i else arr, scalars[j]) for j, arr in enumerate(arrays)
                ]
                outputs.append(_output(f, nodes))
            # Difference each output element before projecting: outputs the step does not
            # touch then cancel exactly, instead of adding the rounding of a large sum.
            diff = outputs[0] - outputs[1]
            if diff.size != 1:
                diff = diff * _cotangent(diff.shape, cot)
            grad[index] = diff.sum() / (2 * eps)
        result.append(float(grad) if scalars[i] else grad)
    return result


def _analytic(f: Callable[..., Any], nodes: list[Any], cot: dict[str, np.ndarray]) -> list[Any]:
    with enable_grad():
        out = _scalar_output(f(*nodes), cot)
    if not isinstance(out, (Value, Tensor)) or out.is_leaf and all(out is not n for n in nodes):
        return [0.0 if isinstance(n, Value) else np.zeros(n.shape) for n in nodes]
    grads = engine.gradients(out, nodes)
    return [
        np.zeros(n.shape) if g is None else (float(g) if isinstance(n, Value) else g)
        for g, n in zip(grads, nodes)
    ]


def gradcheck(
    f: Callable[..., Any],
    *inputs: Any,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-4,
    raise_exception: bool = True,
) -> bool:
    """Check ``f``'s backward pass against central differences, element by element, in float64.

    ``f`` takes Values (for number inputs) or Tensors (for array inputs) and returns a Value
    or Tensor. Each gradient must also have its input's shape. On a mismatch, raises
    ``GradcheckError`` naming the input, the element, both values and the relative error
    (or returns False when ``raise_exception`` is False).
    """
    arrays = [_as_float64(x, i) for i, x in enumerate(inputs)]
    scalars = [isinstance(x, (Value, numbers.Real)) and not isinstance(x, bool) for x in inputs]
    cot: dict[str, np.ndarray] = {}
    nodes = [_node(arr, scalars[i]) for i, arr in enumerate(arrays)]
    analytic = _analytic(f, nodes, cot)
    numeric = numerical_grad(
        f, *[a if not s else float(a) for a, s in zip(arrays, scalars)], eps=eps
    )
    for i, (a, n) in enumerate(zip(analytic, numeric)):
        a_arr, n_arr = np.asarray(a, dtype=np.float64), np.asarray(n)
        if a_arr.shape != n_arr.shape:
            return _fail(
                raise_exception,
                f"gradcheck: gradient of input {i} has shape {a_arr.shape}, "
                f"the input has shape {n_arr.shape}",
            )
        bad = ~(np.abs(a_arr - n_arr) <= atol + rtol * np.abs(n_arr))
        if np.any(bad):
            index = tuple(int(k) for k in np.argwhere(bad)[0])
            av, nv = float(a_arr[index]), float(n_arr[index])
            rel = abs(av - nv) / max(abs(nv), 1e-300)
            return _fail(
                raise_exception,
                f"gradcheck: input {i} (shape {a_arr.shape}, value at {index}: "
                f"{float(arrays[i][index])!r}) element {index}: analytic {av!r}, "
                f"numeric {nv!r}, relative error {rel:.3g} (atol={atol}, rtol={rtol})",
            )
    return True


def _fail(raise_exception: bool, message: str) -> bool:
    if raise_exception:
        raise GradcheckError(message)
    return False


def gradgradcheck(
    f: Callable[..., Any],
    *inputs: Any,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
) -> bool:
    """Check second derivatives: ``gradcheck`` of x -> <grad f(x), v> for a fixed random v."""
    rng = np.random.default_rng(1)
    directions = [rng.uniform(0.5, 1.5, np.shape(_as_float64(x, i))) for i, x in enumerate(inputs)]
    cot: dict[str, np.ndarray] = {}

    def directional(*nodes: Any) -> Any:
        out = _scalar_output(f(*nodes), cot)
        grads = engine.gradients(out, list(nodes), create_graph=True)
        total: Any = 0.0
        for g, node, v in zip(grads, nodes, directions):
            if g is None:
                continue
            total = total + (g * float(v) if isinstance(node, Value) else (g * v).sum())
        return total

    return gradcheck(
        directional, *inputs, eps=eps, atol=atol, rtol=rtol, raise_exception=raise_exception
    )

"""The ONNX form of each recorded operation, by the name it is recorded under.

Each translation reads what its operation keeps in ``_ctx`` (shapes, axes, the registry's
parameters) and adds ONNX nodes that compute the same numbers. Where ONNX's operator rounds
or saturates differently from ours (a float attribute such as LeakyRelu's ``alpha`` is
float32; onnxruntime's double Softplus overflows), the translation is a composition of
exact operators instead, so float64 graphs agree to the last digits. ``log1p`` and
``expm1``, which ONNX lacks, use Kahan's formulas (accurate to a few units in the last
place, also near 0).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from onnx import helper

from ..registry import REGISTRY
from ..tensor import Tensor
from .graph import INT64_MAX, INT64_MIN, Builder, same_numbers

__all__ = ["TRANSLATIONS", "REFUSED", "translate"]

Translation = Callable[[Builder, Tensor], str]
TRANSLATIONS: dict[str, Translation] = {}

# Operations with no ONNX form here, and what to write instead.
REFUSED: dict[str, str] = {
    "cumprod": "ONNX has no running product",
    "put": "placing values into zeros (diag, t[key] = v on a recorded Tensor) has no "
    "translation; build the result with where() or cat()",
    "scatter_add": "scatter_add has no translation (its index lives outside the graph)",
    "logaddexp": "ONNX has no logaddexp; write maximum(a, b) + log1p(exp(-abs(a - b)))",
    "arctan2": "ONNX has no two-argument arctangent",
    "remainder": "ONNX's Mod has no floating remainder with the divisor's sign; use fmod",
    "max_pool2d_input_grad": "gradients are not exported; export the forward function",
    "conv2d_input_grad": "gradients are not exported; export the forward function",
    "conv2d_weight_grad": "gradients are not exported; export the forward function",
}


def translates(*names: str) -> Callable[[Translation], Translation]:
    """Register a translation for the operations ``names``."""

    def register(fn: Translation) -> Translation:
        for name in names:
            TRANSLATIONS[name] = fn
        return fn

    return register


def translate(b: Builder, node: Tensor) -> str:
    """The ONNX value computing ``node`` from its parents' values, or an ExportError."""
    name = node._rule.name
    found = TRANSLATIONS.get(name)
    if found is None:
        operation = REGISTRY.get(name)
        if name in REFUSED:
            why = REFUSED[name]
        elif operation is not None and not operation.builtin:
            why = "a user's operation (autograd_core.differentiable) has no ONNX form"
        else:
            why = "there is no ONNX translation for it"
        b.fail(f"cannot be exported: {why}")
    return found(b, node)


# ------------------------------------------------------------------ arithmetic
_BINARY = {
    "add": "Add",
    "sub": "Sub",
    "mul": "Mul",
    "div": "Div",
    "pow": "Pow",
    "maximum": "Max",
    "minimum": "Min",
}


@translates(*_BINARY)
def _binary(b: Builder, node: Tensor) -> str:
    return b.node(_BINARY[node._rule.name], b.operands(node))


@translates("fmod")
def _fmod(b: Builder, node: Tensor) -> str:
    return b.node("Mod", b.operands(node), fmod=1)


@translates("neg")
def _neg(b: Builder, node: Tensor) -> str:
    return b.node("Neg", [b.value(node._parents[0], node.dtype)])


@translates("identity")
def _identity(b: Builder, node: Tensor) -> str:
    return b.node("Identity", [b.value(node._parents[0])])


@translates("astype")
def _astype(b: Builder, node: Tensor) -> str:
    to = helper.np_dtype_to_tensor_dtype(node.dtype)
    return b.node("Cast", [b.value(node._parents[0])], to=to)


@translates("matmul")
def _matmul(b: Builder, node: Tensor) -> str:
    return b.node("MatMul", [b.value(p, node.dtype) for p in node._parents])


@translates("linear")
def _linear(b: Builder, node: Tensor) -> str:
    x, weight, *bias = node._parents
    names = [b.value(p, node.dtype) for p in node._parents]
    if x.ndim == 2:
        return b.node("Gemm", names, "linear", transB=1)  # the weight stays (out, in)
    product = b.node("MatMul", [names[0], b.node("Transpose", [names[1]], perm=[1, 0])])
    return b.node("Add", [product, names[2]], "linear") if bias else product


@translates("where")
def _where(b: Builder, node: Tensor) -> str:
    condition = b.settled(node._ctx, b.twin(node)._ctx, "where's condition", batch_free=True)
    values = b.operands(node, None, condition.shape)
    return b.node("Where", [b.constant(condition, "condition"), *values])


@translates("einsum")
def _einsum(b: Builder, node: Tensor) -> str:
    # The node keeps its subscripts explicit, repeated letters already taken out by the
    # nodes before it (diagonals), as ONNX's Einsum wants them.
    return b.node("Einsum", [b.value(p) for p in node._parents], equation=node._ctx)


@translates("clip")
def _clip(b: Builder, node: Tensor) -> str:
    _, low, high = node._ctx
    if any(np.ndim(_raw_bound(bound)) for bound in (low, high)):
        b.fail("clip with array bounds cannot be exported; use maximum() and minimum()")
    # ONNX's Clip takes each bound as an optional input: "" leaves it out.
    bounds = [
        "" if bound is None else b.scalar(float(_raw_bound(bound)), node.dtype)
        for bound in (low, high)
    ]
    return b.node("Clip", [b.value(node._parents[0]), *bounds])


def _raw_bound(bound: Any) -> Any:
    return bound.data if isinstance(bound, Tensor) else bound


# ------------------------------------------------------------------ reductions
def _reduce(b: Builder, node: Tensor, op_type: str, axes: list[int]) -> str:
    """``op_type`` over ``axes`` of the parent, keeping or dropping them as ``node`` did."""
    x = node._parents[0]
    name = b.value(x)
    if not axes:
        return b.node("Identity", [name])
    dropped = x.ndim - node.ndim
    if dropped in (0, len(axes)):
        return b.node(op_type, [name, b.ints(axes)], keepdims=int(dropped == 0))
    # Some of the axes have length 1 and were kept: reduce, then drop the right ones.
    kept = b.node(op_type, [name, b.ints(axes)], keepdims=1)
    return b.node("Reshape", [kept, b.ints(reshape_dims(b, node, None))])


def _reduced_axes(b: Builder, node: Tensor) -> list[int]:
    # ctx[0] is the input's shape with the reduced axes as 1 (an axis that already had
    # length 1 may or may not have been reduced: either gives the same numbers). The twin's
    # tells a reduced batch axis from one that had length 1 in the example.
    kept, twin_kept = node._ctx[0], b.twin(node)._ctx[0]
    return [i for i, (m, n) in enumerate(zip(kept, twin_kept)) if m == 1 and n == 1]


_REDUCTIONS = {"sum": "ReduceSum", "mean": "ReduceMean", "max": "ReduceMax", "min": "ReduceMin"}


@translates(*_REDUCTIONS)
def _reduction(b: Builder, node: Tensor) -> str:
    return _reduce(b, node, _REDUCTIONS[node._rule.name], _reduced_axes(b, node))


@translates("prod")
def _prod(b: Builder, node: Tensor) -> str:
    axis, _ = node._ctx
    return _reduce(b, node, "ReduceProd", [axis])


@translates("logsumexp")
def _logsumexp(b: Builder, node: Tensor) -> str:
    # As we compute it: shift by the maximum (0 where that is not finite), sum the
    # exponentials, log, shift back.
    x = node._parents[0]
    axes = list(node._ctx[2])
    name = b.value(x)
    if not axes:
        return b.node("Identity", [name])
    top = b.node("ReduceMax", [name, b.ints(axes)], keepdims=1)
    finite = b.node("Not", [b.node("Or", [b.node("IsInf", [top]), b.node("IsNaN", [top])])])
    shift = b.node("Where", [finite, top, b.scalar(0.0, x.dtype)])
    total = b.node("ReduceSum", [b.node("Exp", [b.node("Sub", [name, shift])]), b.ints(axes)])
    out = b.node("Add", [b.node("Log", [total]), shift])
    if node.ndim != x.ndim:
        out = b.node("Squeeze", [out, b.ints(axes)])
    return out


@translates("softmax", "log_softmax")
def _softmax(b: Builder, node: Tensor) -> str:
    op_type = "Softmax" if node._rule.name == "softmax" else "LogSoftmax"
    return b.node(op_type, [b.value(node._parents[0])], axis=int(node._ctx))


@translates("cumsum")
def _cumsum(b: Builder, node: Tensor) -> str:
    axis = b.constant(np.asarray(node._ctx, dtype=np.int64), "axis")
    return b.node("CumSum", [b.value(node._parents[0]), axis])


# ------------------------------------------------------------------ shapes
def reshape_dims(b: Builder, node: Tensor, source: Tensor | None) -> list[int]:
    """ONNX Reshape's target for ``node``'s shape: an axis that follows the batch copies the
    source's (0) where it is the same axis, or is inferred (-1), at most one."""
    dims = list(node.shape)
    twin = b.twin(node).shape
    inferred = []
    for i, varies in enumerate(b.varying(node)):
        if not varies:
            continue
        copies = (
            source is not None
            and i < source.ndim
            and (source.shape[i], b.twin(source).shape[i]) == (dims[i], twin[i])
        )
        if copies:
            dims[i] = 0
        else:
            inferred.append(i)
    if len(inferred) > 1:
        b.fail(
            f"the target shape {node.shape} has several axes that follow the batch ({inferred}); "
            "ONNX's Reshape can infer one: pass dynamic_batch=False"
        )
    if inferred:
        dims[inferred[0]] = -1
    if 0 in node.shape:
        b.fail("reshaping to an empty shape is not exported")
    return dims


@translates("reshape")
def _reshape(b: Builder, node: Tensor) -> str:
    x = node._parents[0]
    return b.node("Reshape", [b.value(x), b.ints(reshape_dims(b, node, x))])


@translates("transpose")
def _transpose(b: Builder, node: Tensor) -> str:
    inverse = node._ctx  # the rule keeps the permutation that undoes it
    perm = [int(i) for i in np.argsort(inverse)]
    return b.node("Transpose", [b.value(node._parents[0])], perm=perm)


@translates("broadcast_to")
def _broadcast_to(b: Builder, node: Tensor) -> str:
    x = node._parents[0]
    target = list(node.shape)
    lead = node.ndim - x.ndim
    x_varies = b.varying(x)
    for i, varies in enumerate(b.varying(node)):
        if varies:
            if i < lead or not x_varies[i - lead]:
                b.fail(
                    f"broadcasts {x.shape} to {node.shape}, which has the batch's length on an "
                    "axis the operand does not have; pass dynamic_batch=False"
                )
            target[i] = 1  # Expand broadcasts both ways: the operand keeps its own length
    return b.node("Expand", [b.value(x), b.ints(target)])


def _axis_of(pieces: Any) -> int:
    # concatenate keeps each part's slice of the result and stack each part's index; both
    # are (slice(None),) * axis followed by the part's own entry.
    return len(pieces[0]) - 1


@translates("concatenate")
def _concatenate(b: Builder, node: Tensor) -> str:
    values = [b.value(p, node.dtype) for p in node._parents]
    return b.node("Concat", values, axis=_axis_of(node._ctx))


@translates("stack")
def _stack(b: Builder, node: Tensor) -> str:
    axis = _axis_of(node._ctx)
    parts = [b.node("Unsqueeze", [b.value(p, node.dtype), b.ints([axis])]) for p in node._parents]
    return b.node("Concat", parts, axis=axis)


# ------------------------------------------------------------------ indexing
def _parts(key: Any) -> tuple[Any, ...]:
    parts = key if isinstance(key, tuple) else (key,)
    out = []
    for k in parts:
        if isinstance(k, np.ndarray) and k.ndim == 0 and k.dtype.kind in "iu":
            k = int(k)
        elif isinstance(k, np.integer):
            k = int(k)
        out.append(k)
    return tuple(out)


def _same_part(a: Any, b: Any) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and same_numbers(a, b)
    return type(a) is type(b) and a == b


@translates("getitem")
def _getitem(b: Builder, node: Tensor) -> str:
    x = node._parents[0]
    parts, twin_parts = _parts(node._ctx[0]), _parts(b.twin(node)._ctx[0])
    arrays = [i for i, k in enumerate(parts) if isinstance(k, np.ndarray)]
    if any(isinstance(k, np.ndarray) and k.dtype == np.bool_ for k in parts):
        b.fail("a boolean mask index gives a result whose size depends on the mask; use where()")
    if len(parts) != len(twin_parts) or any(
        not _same_part(p, q) for i, (p, q) in enumerate(zip(parts, twin_parts)) if i not in arrays
    ):
        b.fail(f"the index {parts!r} changes with the batch; pass dynamic_batch=False")
    if arrays:
        return _gather(b, node, x, parts, twin_parts, arrays)
    return _basic_index(b, x, parts)


def _slice_bounds(k: slice) -> tuple[int, int, int]:
    step = 1 if k.step is None else int(k.step)
    if k.start is not None:
        start = int(k.start)
    else:
        start = 0 if step > 0 else INT64_MAX  # ONNX clamps these to the axis
    if k.stop is not None:
        stop = int(k.stop)
    else:
        stop = INT64_MAX if step > 0 else INT64_MIN
    return start, stop, step


def _sliced(b: Builder, name: str, cuts: list[tuple[int, int, int, int]]) -> str:
    """``name`` sliced by (axis, start, stop, step) entries (none: itself)."""
    if not cuts:
        return name
    axes, starts, stops, steps = (list(column) for column in zip(*cuts))
    return b.node("Slice", [name, b.ints(starts), b.ints(stops), b.ints(axes), b.ints(steps)])


def _basic_index(b: Builder, x: Tensor, parts: tuple[Any, ...]) -> str:
    """Integers, slices, None and ``...``: one Slice, a Squeeze for the integers, an
    Unsqueeze for the new axes."""
    named = sum(1 for k in parts if k is not None and k is not Ellipsis)
    if any(k is Ellipsis for k in parts):
        at = next(i for i, k in enumerate(parts) if k is Ellipsis)
        parts = parts[:at] + (slice(None),) * (x.ndim - named) + parts[at + 1 :]
    else:
        parts = parts + (slice(None),) * (x.ndim - named)
    cuts: list[tuple[int, int, int, int]] = []
    dropped: list[int] = []
    new_axes: list[int] = []
    axis = position = 0  # in the input, and in the result
    for k in parts:
        if k is None:
            new_axes.append(position)
            position += 1
        elif isinstance(k, slice):
            if k != slice(None) and k != slice(None, None, 1):
                cuts.append((axis, *_slice_bounds(k)))
            axis += 1
            position += 1
        elif isinstance(k, int) and not isinstance(k, bool):
            cuts.append((axis, k, k + 1 if k != -1 else INT64_MAX, 1))
            dropped.append(axis)
            axis += 1
        else:
            b.fail(f"the index {k!r} is not an integer, slice, None, ... or integer array")
    out = _sliced(b, b.value(x), cuts)
    if dropped:
        out = b.node("Squeeze", [out, b.ints(dropped)])
    if new_axes:
        out = b.node("Unsqueeze", [out, b.ints(new_axes)])
    return out if out != b.value(x) else b.node("Identity", [out])


def _gather(
    b: Builder,
    node: Tensor,
    x: Tensor,
    parts: tuple[Any, ...],
    twin_parts: tuple[Any, ...],
    arrays: list[int],
) -> str:
    """Integer arrays: one (an embedding's rows, x[:, [0, 2]]) or an outer grid of them on
    consecutive axes (x[:, :, rows[:, None], cols[None, :]]), each a Gather."""
    m = len(arrays)
    grid = m == 1 or _outer_grid(parts, arrays)
    basic = all(isinstance(k, slice) for i, k in enumerate(parts) if i not in arrays)
    if not (basic and grid):
        b.fail(
            "only one integer-array index, or an outer grid of them on consecutive axes "
            "(rows[:, None], cols[None, :]), with slices elsewhere, is exported (t.max(dim) "
            "and t.min(dim) pick their values so: use t.max(axis=...) for the values)"
        )
    cuts = [
        (i, *_slice_bounds(k))
        for i, k in enumerate(parts)
        if i not in arrays and k != slice(None) and k != slice(None, None, 1)
    ]
    out = _sliced(b, b.value(x), cuts)
    for i in arrays:
        out = b.node("Gather", [out, _indices(b, parts[i], twin_parts[i], m > 1)], axis=i)
    return out


def _outer_grid(parts: tuple[Any, ...], arrays: list[int]) -> bool:
    """Whether the index arrays sit on consecutive axes, array j varying along its axis j
    only (``rows[:, None], cols[None, :]``): then they pick a product of rows and columns."""
    if arrays != list(range(arrays[0], arrays[0] + len(arrays))):
        return False
    for j, i in enumerate(arrays):
        shape = parts[i].shape
        if len(shape) != len(arrays) or any(n != 1 for d, n in enumerate(shape) if d != j):
            return False
    return True


def _indices(b: Builder, first: np.ndarray, second: np.ndarray, flat: bool) -> str:
    """An index array as an ONNX value: an integer input (an embedding's indices) or a
    constant, checked to be the same in both runs."""
    runs = (b.pairing.first.inputs, b.pairing.second.inputs)
    for a, c in zip(*runs):
        if first is a.data and second is c.data:
            return b.input_name(a)
    array = b.settled(first, second, "an index array")
    return b.constant(array.reshape(-1) if flat else array, "indices")


# ------------------------------------------------------------------ elementwise functions
class _Compose:
    """Small helpers for writing one elementwise function as ONNX nodes in one dtype."""

    def __init__(self, b: Builder, dtype: Any) -> None:
        self.b, self.dtype = b, dtype

    def __call__(self, op_type: str, *inputs: str, **attributes: Any) -> str:
        return self.b.node(op_type, list(inputs), **attributes)

    def k(self, value: float) -> str:
        return self.b.scalar(value, self.dtype)

    def log1p(self, x: str) -> str:
        # Kahan: log(u) * x / (u - 1) with u = 1 + x is accurate where log(u) alone has
        # lost x's digits; x itself where u rounds to 1, and +inf stays +inf.
        u = self("Add", x, self.k(1.0))
        d = self("Sub", u, self.k(1.0))
        exact = self("Div", self("Mul", self("Log", u), x), d)
        out = self("Where", self("Equal", d, self.k(0.0)), x, exact)
        return self("Where", self("IsInf", x, detect_negative=0), x, out)

    def expm1(self, x: str) -> str:
        # Kahan: (u - 1) * x / log(u) with u = e^x; x where u rounds to 1, -1 where u
        # underflows, +inf where it overflows.
        u = self("Exp", x)
        d = self("Sub", u, self.k(1.0))
        exact = self("Div", self("Mul", d, x), self("Log", u))
        out = self("Where", self("Equal", u, self.k(1.0)), x, exact)
        out = self("Where", self("Equal", d, self.k(-1.0)), d, out)
        return self("Where", self("IsInf", u, detect_negative=0), u, out)

    def positive(self, x: str) -> str:
        return self("Greater", x, self.k(0.0))

    def softplus(self, x: str, beta: float, threshold: float) -> str:
        # As ours: log1p(e^(beta x)) / beta, and x where beta x > threshold.
        bx = x if beta == 1.0 else self("Mul", x, self.k(beta))
        soft = self.log1p(self("Exp", self("Min", bx, self.k(threshold))))
        if beta != 1.0:
            soft = self("Div", soft, self.k(beta))
        return self("Where", self("Greater", bx, self.k(threshold)), x, soft)

    def elu(self, x: str, alpha: float) -> str:
        negative = self.expm1(self("Min", x, self.k(0.0)))
        return self("Where", self.positive(x), x, self("Mul", self.k(alpha), negative))


_LN2, _LN10 = math.log(2.0), math.log(10.0)
_SQRT_HALF, _SQRT_2_OVER_PI = math.sqrt(0.5), math.sqrt(2.0 / math.pi)

# The ONNX operator of the same name and meaning.
_DIRECT = {
    "exp": "Exp",
    "log": "Log",
    "sqrt": "Sqrt",
    "abs": "Abs",
    "sin": "Sin",
    "cos": "Cos",
    "tan": "Tan",
    "tanh": "Tanh",
    "sigmoid": "Sigmoid",
    "relu": "Relu",
    "floor": "Floor",
    "ceil": "Ceil",
    "round": "Round",  # halves to even, as ours
    "sinh": "Sinh",
    "cosh": "Cosh",
    "arcsin": "Asin",
    "arccos": "Acos",
    "arctan": "Atan",
    "arcsinh": "Asinh",
    "arccosh": "Acosh",
    "arctanh": "Atanh",
    "erf": "Erf",
    "reciprocal": "Reciprocal",
}


def _gelu(f: _Compose, x: str, approximate: str) -> str:
    half_x = f("Mul", x, f.k(0.5))
    if approximate == "tanh":
        cube = f("Mul", f("Mul", x, x), x)
        inner = f("Mul", f("Add", x, f("Mul", cube, f.k(0.044715))), f.k(_SQRT_2_OVER_PI))
        return f("Mul", half_x, f("Add", f.k(1.0), f("Tanh", inner)))
    return f("Mul", half_x, f("Add", f.k(1.0), f("Erf", f("Mul", x, f.k(_SQRT_HALF)))))


# Compositions, each computing what our forward computes (elementwise.py).
_COMPOSED: dict[str, Callable[..., str]] = {
    "log1p": lambda f, x: f.log1p(x),
    "expm1": lambda f, x: f.expm1(x),
    "log2": lambda f, x: f("Div", f("Log", x), f.k(_LN2)),
    "log10": lambda f, x: f("Div", f("Log", x), f.k(_LN10)),
    "exp2": lambda f, x: f("Pow", f.k(2.0), x),
    "square": lambda f, x: f("Mul", x, x),
    "rsqrt": lambda f, x: f("Reciprocal", f("Sqrt", x)),
    "sign": lambda f, x: f("Where", f("IsNaN", x), f.k(0.0), f("Sign", x)),  # 0 at NaN
    "trunc": lambda f, x: f("Mul", f("Sign", x), f("Floor", f("Abs", x))),
    "softplus": lambda f, x, beta, threshold: f.softplus(x, beta, threshold),
    "logsigmoid": lambda f, x: f(
        "Sub", f("Min", x, f.k(0.0)), f.log1p(f("Exp", f("Neg", f("Abs", x))))
    ),
    "silu": lambda f, x: f("Mul", x, f("Sigmoid", x)),
    "mish": lambda f, x: f("Mul", x, f("Tanh", f.softplus(x, 1.0, 20.0))),
    "gelu": _gelu,
    "leaky_relu": lambda f, x, negative_slope: f(
        "Where", f.positive(x), x, f("Mul", x, f.k(negative_slope))
    ),
    "elu": lambda f, x, alpha: f.elu(x, alpha),
    "selu": lambda f, x: f(
        "Mul", f.k(1.0507009873554804934193349852946), f.elu(x, 1.6732632423543772848170429916717)
    ),
    "celu": lambda f, x, alpha: f(
        "Where",
        f.positive(x),
        x,
        f("Mul", f.k(alpha), f.expm1(f("Div", f("Min", x, f.k(0.0)), f.k(alpha)))),
    ),
    "hardtanh": lambda f, x, min_val, max_val: f("Clip", x, f.k(min_val), f.k(max_val)),
    "relu6": lambda f, x: f("Clip", x, f.k(0.0), f.k(6.0)),
    "hardsigmoid": lambda f, x: f(
        "Clip", f("Add", f("Div", x, f.k(6.0)), f.k(0.5)), f.k(0.0), f.k(1.0)
    ),
    "hardswish": lambda f, x: f(
        "Div", f("Mul", x, f("Clip", f("Add", x, f.k(3.0)), f.k(0.0), f.k(6.0))), f.k(6.0)
    ),
    "softsign": lambda f, x: f("Div", x, f("Add", f.k(1.0), f("Abs", x))),
}


@translates(*_DIRECT)
def _direct(b: Builder, node: Tensor) -> str:
    return b.node(_DIRECT[node._rule.name], [b.value(node._parents[0], node.dtype)])


@translates(*_COMPOSED)
def _composed(b: Builder, node: Tensor) -> str:
    params = node._ctx or {}
    x = b.value(node._parents[0], node.dtype)
    return _COMPOSED[node._rule.name](_Compose(b, node.dtype), x, **params)


# ------------------------------------------------------------------ nn's layers
def _pads(sides: tuple[int, int, int, int]) -> list[int]:
    top, bottom, left, right = sides
    return [top, left, bottom, right]  # ONNX: the starts of each axis, then the ends


@translates("conv2d")
def _conv2d(b: Builder, node: Tensor) -> str:
    geometry = node._ctx["geometry"]
    return b.node(
        "Conv",
        [b.value(p, node.dtype) for p in node._parents],
        strides=list(geometry.stride),
        pads=_pads(geometry.padding),
        dilations=list(geometry.dilation),
        group=geometry.groups,
    )


@translates("max_pool2d")
def _max_pool2d(b: Builder, node: Tensor) -> str:
    window = node._ctx.get("window")
    if window is None:
        b.fail("this max_pool2d comes from a backward pass (it has no window); not exported")
    return b.node(
        "MaxPool",
        [b.value(node._parents[0])],
        kernel_shape=list(window.kernel),
        strides=list(window.stride),
        pads=_pads(window.sides),  # with ceil_mode, the room for the last window too
        dilations=list(window.dilation),
    )

"""The operation table, part two: every public operation that is not elementwise.

``tests/op_table.py`` holds the elementwise operations of the registry. This table holds
the rest (arithmetic operators, reductions, shape and indexing, linear algebra, joins),
each as a call on Tensors with the shapes and domain it is sampled on, and, where the
operation has a scalar form, the same call on Values. ``test_op_table_structural.py``
checks each entry's first and second derivatives against central differences, the dtype
and shape of its gradients, and that viz draws it; and that every public function of
``autograd_core`` and every public method and operator of ``Tensor`` and ``Value`` is in
one of these tables, or in ``NOT_DIFFERENTIABLE`` or ``NOT_OPERATIONS`` with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

import autograd_core as ag
from autograd_core import Tensor

Shape = tuple[int, ...]


@dataclass(frozen=True)
class Case:
    """How to test one operation on Tensors (and on Values where it has a scalar form)."""

    call: Callable[..., Any] | None  # Tensors -> a Tensor or a tuple of Tensors; None: Values only
    shapes: tuple[Shape, ...]
    low: float = -2.0
    high: float = 2.0
    distinct: bool = False  # sort, max, topk: ties have no single derivative
    value: Callable[..., Any] | None = None  # the same operation on Values


def case(call: Callable[..., Any], *shapes: Shape, **options: Any) -> Case:
    return Case(call, shapes, **options)


def _with_write(a: Tensor, v: Tensor) -> Tensor:
    out = a * 1.0
    out[0, 1:] = v  # recorded: out was computed
    return out


MASK = np.array([[True, False, True], [False, False, True]])
ROWS = np.array([[0, 2], [1, 0]])
POSITIVE = {"low": 0.3, "high": 2.0}

# Tensor methods and operators (methods installed from a family module are also the
# module's function: ``autograd_core.cumsum is Tensor.cumsum``).
METHODS: dict[str, Case] = {
    # arithmetic operators and their PyTorch names
    "__add__": case(lambda a, b: a + b, (2, 3), (3,), value=lambda a, b: a + b),
    "__radd__": case(lambda a: 2.0 + a, (2, 3), value=lambda a: 2.0 + a),
    "__sub__": case(lambda a, b: a - b, (2, 3), (2, 1), value=lambda a, b: a - b),
    "__rsub__": case(lambda a: 2.0 - a, (2, 3), value=lambda a: 2.0 - a),
    "__mul__": case(lambda a, b: a * b, (2, 3), (3,), value=lambda a, b: a * b),
    "__rmul__": case(lambda a: 2.0 * a, (2, 3), value=lambda a: 2.0 * a),
    "__truediv__": case(lambda a, b: a / b, (2, 3), (3,), **POSITIVE, value=lambda a, b: a / b),
    "__rtruediv__": case(lambda a: 2.0 / a, (2, 3), **POSITIVE, value=lambda a: 2.0 / a),
    "__pow__": case(lambda a, b: a**b, (2, 3), (3,), **POSITIVE, value=lambda a, b: a**b),
    "__rpow__": case(lambda a: 2.0**a, (2, 3), value=lambda a: 2.0**a),
    "__neg__": case(lambda a: -a, (2, 3), value=lambda a: -a),
    "__pos__": case(lambda a: +(a * 1.0), (2, 3), value=lambda a: +(a * 1.0)),
    "__abs__": case(lambda a: abs(a), (2, 3), **POSITIVE, value=lambda a: abs(a)),
    "__mod__": case(lambda a: a % 7.0, (2, 3), **POSITIVE, value=lambda a: a % 7.0),
    "__rmod__": case(lambda a: 0.5 % a, (2, 3), low=0.6, high=2.0, value=lambda a: 0.5 % a),
    "__matmul__": case(lambda a, b: a @ b, (2, 3), (3, 4)),
    "__rmatmul__": case(lambda a: np.arange(6.0, dtype=a.dtype).reshape(2, 3) @ a, (3, 2)),
    "add": case(lambda a, b: a.add(b), (2, 3), (3,)),
    "sub": case(lambda a, b: a.sub(b), (2, 3), (3,)),
    "mul": case(lambda a, b: a.mul(b), (2, 3), (3,)),
    "div": case(lambda a, b: a.div(b), (2, 3), (3,), **POSITIVE),
    "neg": case(lambda a: a.neg(), (2, 3)),
    "pow": case(lambda a: a.pow(3), (2, 3)),
    "matmul": case(lambda a, b: a.matmul(b), (2, 2, 3), (3, 2)),
    "mm": case(lambda a, b: a.mm(b), (2, 3), (3, 2)),
    "dot": case(lambda a, b: a.dot(b), (4,), (4,)),
    # Bounds no sample lands on: the slope jumps there (PyTorch gives 1 on the bound).
    "clip": case(lambda a: a.clip(-0.7371, 0.9123), (2, 3)),
    "clamp": case(lambda a: a.clamp(min=-0.7371), (2, 3)),
    "clone": case(lambda a: a.clone(), (2, 3)),
    # reductions
    "sum": case(lambda a: a.sum(dim=1, keepdim=True), (2, 3)),
    "mean": case(lambda a: a.mean(axis=0), (2, 3)),
    "max": case(lambda a: a.max(1).values + a.max(), (2, 3), distinct=True),
    "min": case(lambda a: a.min(axis=0) + a.min(), (2, 3), distinct=True),
    "logsumexp": case(lambda a: a.logsumexp(1), (2, 3)),
    "softmax": case(lambda a: a.softmax(0), (2, 3)),
    "log_softmax": case(lambda a: a.log_softmax(dim=1), (2, 3)),
    "var": case(lambda a: a.var(1), (2, 3)),
    "std": case(lambda a: a.std(dim=0, correction=0), (3, 2), distinct=True),  # not at 0
    "prod": case(lambda a: a.prod(1), (2, 3)),
    "norm": case(lambda a: a.norm() + a.norm(1, dim=0), (2, 3), **POSITIVE),  # |x|: not at 0
    "cumsum": case(lambda a: a.cumsum(1), (2, 3)),
    "cumprod": case(lambda a: a.cumprod(0), (3, 2)),
    "sort": case(lambda a: a.sort(dim=1, descending=True).values, (2, 3), distinct=True),
    "topk": case(lambda a: a.topk(2).values, (2, 3), distinct=True),
    # shape
    "reshape": case(lambda a: a.reshape(3, 2), (2, 3)),
    "view": case(lambda a: a.view(-1), (2, 3)),
    "T": case(lambda a: a.T, (2, 3)),
    "t": case(lambda a: a.t(), (2, 3)),
    "transpose": case(lambda a: a.transpose(0, 2), (2, 3, 2)),
    "permute": case(lambda a: a.permute(2, 0, 1), (2, 3, 2)),
    "swapaxes": case(lambda a: a.swapaxes(0, 1), (2, 3)),
    "flatten": case(lambda a: a.flatten(1), (2, 3, 2)),
    "squeeze": case(lambda a: a.squeeze(1), (2, 1, 3)),
    "unsqueeze": case(lambda a: a.unsqueeze(-1), (2, 3)),
    "expand_dims": case(lambda a: a.expand_dims(0), (2, 3)),
    "broadcast_to": case(lambda a: a.broadcast_to((2, 2, 3)), (2, 3)),
    "expand": case(lambda a: a.expand(2, -1, 3), (2, 1)),
    "repeat": case(lambda a: a.repeat(2, 1), (2, 3)),
    "tile": case(lambda a: a.tile((1, 2)), (2, 3)),
    "repeat_interleave": case(lambda a: a.repeat_interleave(2, dim=1), (2, 3)),
    "roll": case(lambda a: a.roll(1, 1), (2, 3)),
    "flip": case(lambda a: a.flip(0), (2, 3)),
    "pad": case(lambda a: a.pad(((1, 0), (0, 2)), 0.5), (2, 3)),
    "tril": case(lambda a: a.tril(), (3, 3)),
    "triu": case(lambda a: a.triu(1), (3, 3)),
    "diag": case(lambda a: a.diag(), (3,)),
    "diagonal": case(lambda a: a.diagonal(), (3, 3)),
    "trace": case(lambda a: a.trace(), (3, 3)),
    "split": case(lambda a: a.split([1, 2], dim=1), (2, 3)),
    "chunk": case(lambda a: a.chunk(3, dim=1), (2, 3)),
    # indexing and writes
    "__getitem__": case(lambda a: a[1, ::2] + a[[0, 0, 1]].sum(), (2, 3)),
    "__setitem__": case(_with_write, (2, 3), (2,)),
    "gather": case(lambda a: a.gather(1, ROWS), (2, 3)),
    "take_along_axis": case(lambda a: a.take_along_axis(ROWS, 1), (2, 3)),
    "masked_fill": case(lambda a: a.masked_fill(MASK, 0.5), (2, 3)),
    "scatter_add": case(lambda a, s: a.scatter_add(0, np.array([[1, 0, 1]]), s), (2, 3), (1, 3)),
    # linear algebra
    "outer": case(lambda a, b: a.outer(b), (3,), (2,)),
    "inner": case(lambda a, b: a.inner(b), (2, 3), (4, 3)),
    "tensordot": case(lambda a, b: a.tensordot(b, dims=1), (2, 3), (3, 2)),
}

# Functions of the package that are not Tensor methods.
FUNCTIONS: dict[str, Case] = {
    "cat": case(lambda a, b: ag.cat([a, b], dim=1), (2, 3), (2, 1)),
    "concatenate": case(lambda a, b: ag.concatenate([a, b]), (2, 3), (1, 3)),
    "stack": case(lambda a, b: ag.stack([a, b], dim=1), (2, 3), (2, 3)),
    "hstack": case(lambda a, b: ag.hstack([a, b]), (2, 3), (2, 2)),
    "vstack": case(lambda a, b: ag.vstack([a, b]), (3,), (3,)),
    "where": case(lambda a, b: ag.where(MASK, a, b), (2, 3), (3,)),
    "maximum": case(lambda a, b: ag.maximum(a, b), (2, 3), (3,), distinct=True),
    "minimum": case(lambda a, b: ag.minimum(a, b), (2, 3), (3,), distinct=True),
    "einsum": case(lambda a, b: ag.einsum("ij,jk->ik", a, b), (2, 3), (3, 2)),
    "matmul": case(lambda a, b: ag.matmul(a, b), (2, 3), (3, 2)),
    "softmax": case(lambda a: ag.softmax(a, 1), (2, 3)),
    "log_softmax": case(lambda a: ag.log_softmax(a, 0), (2, 3)),
    "linear": case(lambda x, w, b: ag.linear(x, w, b), (4, 3), (2, 3), (2,)),
    # A neuron's weighted sum as one node (Values; Tensor's dot is torch.dot, above).
    "dot": case(
        None, (), (), (), (), (), value=lambda w1, w2, x1, x2, b: ag.dot([w1, w2], [x1, x2], b)
    ),
}

# Operations whose results are integers or booleans: recorded as constants, no gradient.
NOT_DIFFERENTIABLE: dict[str, Callable[[Tensor], Any]] = {
    "__lt__": lambda a: a < 0.5,
    "__le__": lambda a: a <= 0.5,
    "__gt__": lambda a: a > 0.5,
    "__ge__": lambda a: a >= 0.5,
    "__eq__": lambda a: a == a,
    "__ne__": lambda a: a != 0.5,
    "lt": lambda a: a.lt(0.5),
    "le": lambda a: a.le(0.5),
    "gt": lambda a: a.gt(0.5),
    "ge": lambda a: a.ge(0.5),
    "eq": lambda a: a.eq(a),
    "ne": lambda a: a.ne(0.5),
    "argmax": lambda a: a.argmax(1),
    "argmin": lambda a: a.argmin(),
    "any": lambda a: (a > 0).any(),
    "all": lambda a: (a > 0).all(dim=0),
    "long": lambda a: a.long(),
    "int": lambda a: a.int(),
    "bool": lambda a: a.bool(),
}

_ATTRIBUTE = "an attribute or a conversion, not an operation"
_CAST = "a cast between floating dtypes: test_casts_send_the_gradient_back_in_the_inputs_dtype"
_IN_PLACE = "an update in place, of an operation in the table: test_core_reliability.py"
_CREATION = "makes a new leaf: test_pytorch_idioms.py checks the creation functions"
_MACHINERY = "part of the machinery (graph, modes, registry), not an operation"
_DTYPE = "a dtype (torch.float32's spelling), not an operation"

NOT_OPERATIONS: dict[str, str] = {
    **dict.fromkeys(
        [
            "backward",
            "data",
            "detach",
            "dim",
            "dtype",
            "grad",
            "grad_fn",
            "is_leaf",
            "item",
            "label",
            "ndim",
            "numel",
            "numpy",
            "op",
            "parents",
            "requires_grad",
            "requires_grad_",
            "scope",
            "shape",
            "size",
            "tolist",
            "zero_grad",
            "is_constant",
            "local_grads",
            "__array__",
            "__array_function__",
            "__array_ufunc__",
            "__bool__",
            "__float__",
            "__int__",
            "__iter__",
            "__len__",
            "__annotations__",
            "__module__",
            "__slots__",
            "__getattr__",
        ],
        _ATTRIBUTE,
    ),
    **dict.fromkeys(["astype", "float", "double", "half", "to", "type"], _CAST),
    **dict.fromkeys(
        ["__iadd__", "__isub__", "__imul__", "__itruediv__", "__ipow__", "zero_", "fill_"],
        _IN_PLACE,
    ),
    **dict.fromkeys(
        [
            "new_zeros",
            "new_ones",
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
            "from_numpy",
        ],
        _CREATION,
    ),
    **dict.fromkeys(
        ["float16", "float32", "float64", "int32", "int64", "half", "double", "long"], _DTYPE
    ),
    **dict.fromkeys(
        [
            "Operation",
            "REGISTRY",
            "Tensor",
            "Value",
            "call_in_scope",
            "current_scope",
            "detect_anomaly",
            "differentiable",
            "enable_grad",
            "grad",
            "is_anomaly_enabled",
            "is_grad_enabled",
            "manual_seed",
            "no_grad",
            "scope",
            "topological_order",
            "value_and_grad",
            "traced",
            "on_data",
            "TraceError",
        ],
        _MACHINERY,
    ),
}

"""``Tensor``: an array node over NumPy, differentiated by the same engine as ``Value``.

A dense Jacobian would be too large, so each operation records one *vector-Jacobian
rule* per parent: given the upstream gradient ``g`` it returns that parent's share. The
rules are written with operators and methods that NumPy arrays and Tensors share, so one
rule serves both a plain backward pass (arrays) and ``create_graph`` (Tensors). Gradients
are summed down to each parent's shape in one place, ``_unbroadcast``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Union

import numpy as np

from . import engine
from .context import _STATE, PLAIN, is_grad_enabled
from .inplace import CLOCK
from .node import GraphNode

if TYPE_CHECKING:
    from . import reductions as _reductions
    from . import shape as _shape

__all__ = ["Tensor", "where", "maximum", "minimum", "install_methods"]

ArrayLike = Any
Operand = Union["Tensor", float, int, np.ndarray]
Rule = Callable[[Any, Any, tuple[Any, ...], Any], Any]


def _push_grad(self: Tensor, create_graph: bool, anomaly: bool) -> None:
    """Add each parent's share of ``self.grad``, summed to the parent's shape, into it."""
    g = self.grad
    if g is None:
        return  # no gradient reached this node (it feeds nothing the root uses)
    parents: tuple[Tensor, ...] = self._a  # type: ignore[assignment]  # it has parents
    if create_graph:
        if not isinstance(g, Tensor):
            g = _constant(g)
        args: tuple[Any, ...] = parents
        out: Any = self
    else:
        # Unrolled for one and two parents: a comprehension is a function call in 3.11.
        if len(parents) == 2:
            args = (parents[0].data, parents[1].data)
        elif len(parents) == 1:
            args = (parents[0].data,)
        else:
            args = tuple([p.data for p in parents])
        out = self.data
    ctx = self._ctx
    rule = self._rule
    direct = rule.direct
    for parent, vjp in zip(parents, rule.vjps):
        if not parent.requires_grad:
            continue
        share = vjp(g, out, *args) if direct else vjp(g, out, args, ctx)
        target = parent.data
        if share.shape != target.shape:
            share = _unbroadcast(share, target.shape)
        if share.dtype is not target.dtype and share.dtype != target.dtype:
            share = share.astype(target.dtype)  # works on arrays and Tensors
        if anomaly and not np.all(np.isfinite(_raw(share))):
            raise FloatingPointError(
                f"detect_anomaly: backward of Tensor {self._rule.name!r} gave a non-finite "
                f"gradient for its input of shape {parent.shape}"
            )
        if not create_graph and type(share) is not np.ndarray:
            share = np.asarray(share)  # NumPy returns 0-d results as scalars
        old = parent.grad
        if old is None:
            if not create_graph and parent._a is None and (share is g or share.base is not None):
                # A leaf's .grad is the user's to modify: never alias another array.
                share = share.copy()
            parent.grad = share
        else:
            total = old + share
            parent.grad = np.asarray(total) if isinstance(total, np.generic) else total


class _Op:
    """One tensor operation: its name and a vector-Jacobian rule per parent,
    ``vjp(g, out, inputs, ctx)``.

    ``backprop(node, create_graph, anomaly)`` is what the engine calls; for every tensor
    operation it is ``_push_grad``, stored per instance so the call binds nothing.
    """

    __slots__ = ("name", "vjps", "backprop", "leaf", "direct")

    def __init__(self, name: str, *vjps: Rule) -> None:
        self.name = name
        self.vjps = vjps
        self.backprop = _push_grad
        self.leaf = False  # True only for LEAF
        # The vjps are the registry's own rules, called as rule(g, out, *inputs): no
        # wrapper call per share (the arithmetic operators).
        self.direct = False

    def __repr__(self) -> str:
        return f"<op {self.name!r}>"


LEAF = _Op("")
LEAF.leaf = True
# While autograd_core.tracing records a function (else None): it sees every node made and
# refuses to turn a traced value into a Python number.
TRACE: Any = None
# Largest argument whose exponential is finite, per floating dtype.
_min = np.minimum.reduce  # x.min() without the Python wrapper NumPy puts around it
_EXP_LIMIT = {t: float(np.log(np.finfo(t).max)) for t in (np.float16, np.float32, np.float64)}
_new = object.__new__


def _raw(x: Any) -> np.ndarray:
    """The array behind ``x`` (a rule sees arrays, or Tensors under create_graph)."""
    return x.data if isinstance(x, Tensor) else x


def _exp(x: Any) -> Any:
    return x.exp() if isinstance(x, Tensor) else np.exp(x)


def _log(x: Any) -> Any:
    return x.log() if isinstance(x, Tensor) else np.log(x)


def _describe(x: Any) -> str:
    if isinstance(x, Tensor):
        return f"Tensor{x.shape}"
    if isinstance(x, np.ndarray):
        return f"ndarray{x.shape}"
    return type(x).__name__


def _unbroadcast(grad: Any, shape: tuple[int, ...]) -> Any:
    """Sum ``grad`` down to ``shape``: the gradient of NumPy broadcasting."""
    if grad.shape == shape:
        return grad
    if grad.shape[1:] == shape:
        return grad.sum(axis=0)  # the usual case: a bias broadcast over a batch
    extra = grad.ndim - len(shape)
    axes = list(range(extra))
    for i, n in enumerate(shape):  # a plain loop: this runs for every broadcast operand
        if n == 1 and grad.shape[i + extra] != 1:
            axes.append(i + extra)
    if axes:
        grad = grad.sum(axis=tuple(axes), keepdims=True)
    if extra:
        grad = grad.reshape(shape)
    return grad


def _as_tensor(x: Any, opname: str, other: Tensor, reflected: bool = False) -> Tensor:
    """``x`` as a node; numbers and arrays become constants, anything else a TypeError."""
    if isinstance(x, Tensor):
        return x
    dtype = other.data.dtype
    if type(x) is float and dtype.kind == "f":  # the usual case: a float next to floats
        return _constant(np.asarray(x, dtype))
    floating = dtype.kind == "f"
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        # A Python number takes a float operand's dtype, so float32 stays float32; next to a
        # mask or an integer Tensor, NumPy's promotion rules apply (True * 2.5 is 2.5).
        return _constant(np.asarray(x, dtype=other.data.dtype) if floating else np.asarray(x))
    if isinstance(x, (np.ndarray, np.generic)) and x.dtype.kind in "biuf":
        arr = np.asarray(x)
        if arr.dtype.kind != "f" and floating:
            # Masks and integer arrays join the float graph in the other operand's dtype.
            arr = arr.astype(other.data.dtype)
        return _constant(arr)
    left, right = (x, other) if reflected else (other, x)
    from .value import Value

    hint = (
        "use Tensor(v.data) to bring a Value's number into a Tensor graph"
        if isinstance(x, Value)
        else "a Tensor mixes with Tensors, NumPy arrays and real numbers"
    )
    raise TypeError(
        f"Tensor {opname}: unsupported operands {_describe(left)} {opname} {_describe(right)}; "
        f"{hint}"
    )


def _constant(data: np.ndarray) -> Tensor:
    out = _new(Tensor)
    out.data = data
    out.grad = None
    out.requires_grad = False
    out.label = None
    out._a = None
    out._rule = LEAF
    out._ctx = None
    out._scope = _STATE.get().scope
    out._modified = out._born = 0
    if TRACE is not None:
        TRACE.record(out, (), None, None)
    return out


def _result(data: Any, parents: tuple[Tensor, ...], op: _Op, ctx: Any = None) -> Tensor:
    """A new node; it records its parents only if grad mode is on and one of them needs it."""
    if type(data) is not np.ndarray:
        data = np.asarray(data)  # NumPy returns scalars from operations on 0-d arrays
    state = _STATE.get()
    out = _new(Tensor)
    out.data = data
    out.grad = None
    out.label = None
    out._scope = state.scope
    out._ctx = ctx
    out._modified = 0
    out._born = CLOCK[0]
    requires_grad = False
    if state.grad_enabled:
        for parent in parents:
            if parent.requires_grad:
                requires_grad = True
                break
    if requires_grad:
        out.requires_grad = True
        out._a = parents
        out._rule = op
    else:
        out.requires_grad = False
        out._a = None
        out._rule = LEAF
    if state is not PLAIN and state.anomaly and not np.all(np.isfinite(data)):
        raise FloatingPointError(
            f"detect_anomaly: forward of Tensor {op.name!r} produced a non-finite value "
            f"(inputs {', '.join(_describe(p) for p in parents)})"
        )
    if TRACE is not None:
        TRACE.record(out, parents, op, ctx)
    return out


def _binary(
    opname: str, fn: Callable[[np.ndarray, np.ndarray], np.ndarray]
) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """``fn`` with NumPy's broadcasting error rephrased to name the operation."""

    def checked(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        try:
            return fn(a, b)
        except ValueError as exc:
            try:
                np.broadcast_shapes(a.shape, b.shape)
            except ValueError:
                raise ValueError(
                    f"Tensor {opname}: shapes {a.shape} and {b.shape} do not broadcast; align "
                    "them with reshape, transpose or a size-1 axis (NumPy broadcasting rules)"
                ) from None
            if opname == "**":  # NumPy refuses integers to negative integer powers
                raise ValueError(
                    f"Tensor **: {a.dtype} to a negative integer power is not an integer; "
                    "use a float exponent (t ** -1.0) or a float Tensor (t.astype(np.float64))"
                ) from None
            raise ValueError(f"Tensor {opname}: {exc}") from None

    return checked


# ------------------------------------------------------------------ elementwise rules
# + - * / ** and unary minus: arithmetic.py, declared in the registry.
# ctx holds (the mask of inputs inside [low, high], low, high): the gradient passes only
# inside; the bounds are kept for whoever reads the graph (the ONNX export, a replay).
CLIP = _Op("clip", lambda g, out, x, c: g * c[0])


def _extremum_shares(a: np.ndarray, b: np.ndarray, loses_a: Any, loses_b: Any) -> Any:
    """Each operand's weight in maximum/minimum: 0 where it loses, 1/2 on a tie, else 1.

    Where a NaN makes the comparison unordered neither loses: both get 1, as in PyTorch.
    """
    dtype = a.dtype if a.dtype.kind == "f" else np.float64
    tie = a == b
    share_a = np.where(tie, 0.5, ~loses_a).astype(dtype)
    share_b = np.where(tie, 0.5, ~loses_b).astype(dtype)
    return share_a, share_b


MAXIMUM = _Op(
    "maximum",
    lambda g, out, x, c: g * c[0],
    lambda g, out, x, c: g * c[1],
)
MINIMUM = _Op(
    "minimum",
    lambda g, out, x, c: g * c[0],
    lambda g, out, x, c: g * c[1],
)
WHERE = _Op(
    "where",
    lambda g, out, x, c: g * c,
    lambda g, out, x, c: g * ~c,
)


# ------------------------------------------------------------------ matmul
def _matmul_grad(g: Any, x: tuple[Any, ...], which: int) -> Any:
    """Share of operand ``which`` in ``a @ b``, for 1-D, 2-D and batched operands."""
    a, b = x
    if a.ndim == 2 and b.ndim == 2:  # the common case, without the general reshaping
        return g @ b.T if which == 0 else a.T @ g
    a_vec, b_vec = a.ndim == 1, b.ndim == 1
    if a_vec:
        a = a.reshape((1,) + a.shape)
        g = g.reshape(g.shape[:-1] + (1,) + g.shape[-1:]) if not b_vec else g.reshape((1,))
    if b_vec:
        b = b.reshape(b.shape + (1,))
        g = g.reshape(g.shape + (1,))
    if which == 0:
        share = g @ _swap_last(b)
        share = _unbroadcast(share, a.shape)
        return share.reshape(x[0].shape)
    share = _swap_last(a) @ g
    share = _unbroadcast(share, b.shape)
    return share.reshape(x[1].shape)


def _swap_last(t: Any) -> Any:
    if t.ndim < 2:
        return t
    axes = list(range(t.ndim))
    axes[-1], axes[-2] = axes[-2], axes[-1]
    return t.transpose(axes)


MATMUL = _Op(
    "matmul",
    lambda g, out, x, c: _matmul_grad(g, x, 0),
    lambda g, out, x, c: _matmul_grad(g, x, 1),
)


# ------------------------------------------------------------------ shape and indexing
IDENTITY = _Op("identity", lambda g, out, x, c: g)


def _alias(node: Tensor) -> Tensor:
    """A new node equal to ``node`` with it as its only parent (grad uses one per argument)."""
    return _result(node.data, (node,), IDENTITY)


class Tensor(GraphNode):
    """An array node: ``data`` (ndarray), ``grad`` (ndarray or None; a Tensor after
    ``create_graph``), ``requires_grad``. Float64 by default; float32 data stays float32.
    """

    __slots__ = (
        "data",
        "grad",
        "requires_grad",
        "label",
        "_a",
        "_rule",
        "_ctx",
        "_scope",
        "_modified",
        "_born",
    )
    # Hashes by identity although == is elementwise: GraphNode restores object.__hash__.

    data: np.ndarray
    grad: Any
    requires_grad: bool
    label: str | None
    _a: tuple[Tensor, ...] | None  # the parents, None for a leaf (the engine reads it)
    _rule: _Op
    _ctx: Any
    _scope: tuple[str, ...]
    _modified: int  # the mutation clock at this node's last in-place update (0: never)
    _born: int  # the mutation clock when this node was computed

    def __init__(
        self,
        data: ArrayLike,
        requires_grad: bool = False,
        label: str | None = None,
        dtype: Any = None,
    ) -> None:
        if isinstance(data, Tensor):
            raise TypeError("Tensor(data): data is already a Tensor; use t.detach() for a copy")
        try:
            array = np.array(data, dtype=dtype)
        except (TypeError, ValueError) as exc:
            raise TypeError(
                f"Tensor(data): cannot make a numeric array from {data!r}: {exc}"
            ) from None
        if array.dtype.kind not in "fiub":
            raise TypeError(
                f"Tensor(data): need real numbers, got dtype {array.dtype}; "
                "complex, string and object data are not supported"
            )
        if dtype is None and array.dtype.kind not in "fb":
            array = array.astype(np.float64)  # integers become float64; booleans stay masks
        if requires_grad and array.dtype.kind != "f":
            raise TypeError(f"Tensor(requires_grad=True) needs a floating dtype, got {array.dtype}")
        self.data = array
        self.grad = None
        self.requires_grad = bool(requires_grad)
        self.label = label
        self._a = None
        self._rule = LEAF
        self._ctx = None
        self._scope = _STATE.get().scope
        self._modified = self._born = 0

    # ------------------------------------------------------------------ inspection
    @property
    def _parents(self) -> tuple[Tensor, ...]:
        """The parents in argument order (``_a`` holds them, None for a leaf)."""
        return self._a or ()

    @_parents.setter
    def _parents(self, parents: tuple[Tensor, ...]) -> None:
        self._a = tuple(parents) or None

    @property
    def parents(self) -> tuple[Tensor, ...]:
        """The operands this node was computed from, in argument order."""
        return self._a or ()

    @property
    def shape(self) -> tuple[int, ...]:
        """Shape of the array."""
        return self.data.shape

    @property
    def ndim(self) -> int:
        """Number of axes."""
        return self.data.ndim

    @property
    def size(self) -> Size:
        """Number of elements (NumPy); called, ``t.size()`` is the shape (PyTorch)."""
        return Size(self.data.size, self.data.shape)

    @property
    def dtype(self) -> np.dtype[Any]:
        """NumPy dtype of the array."""
        return self.data.dtype

    @property
    def T(self) -> Tensor:
        """The array with its axes reversed."""
        return self.transpose()

    def _leaf_reduce(self) -> Any:
        grad = self.grad if isinstance(self.grad, np.ndarray) else None
        state = (self.data, self.requires_grad, self.label, grad, self.scope)
        return (_rebuild_tensor, (type(self), *state))

    def numpy(self) -> np.ndarray:
        """The underlying array (shared, not copied)."""
        return self.data

    def item(self) -> float:
        """The single number of a one-element Tensor."""
        if TRACE is not None:
            TRACE.refuse(self, "item()")
        if self.data.size != 1:
            raise ValueError(f"Tensor.item(): needs exactly one element, shape is {self.shape}")
        return self.data.item()  # type: ignore[no-any-return]

    def detach(self) -> Tensor:
        """A new leaf sharing the data, cut off from the graph."""
        return _constant(self.data)

    def __iter__(self) -> Any:
        if not self.data.ndim:
            raise TypeError("iteration over a 0-d Tensor")
        return (self[i] for i in range(len(self.data)))

    def __float__(self) -> float:
        if TRACE is not None:
            TRACE.refuse(self, "float()")
        return float(self.item())

    def __int__(self) -> int:
        if TRACE is not None:
            TRACE.refuse(self, "int()")
        return int(self.item())

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        # np.exp(t), np.add(a, t), a + t with a an array: recorded (numpy_interop).
        from .numpy_interop import array_ufunc

        return array_ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        # np.sum(t, axis=0), np.dot(W, X), np.concatenate([...]): recorded (numpy_interop).
        from .numpy_interop import array_function

        return array_function(func, args, kwargs)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        # np.asarray(t) gives the numbers (a view), never an object array of Tensors. Not
        # for a Tensor in a graph: np.array([x, y]) would silently drop it (PyTorch refuses).
        if self.requires_grad and is_grad_enabled():
            raise TypeError(
                f"numpy.array of a Tensor that requires grad (shape {self.shape}) would drop "
                "it from the graph; join Tensors with autograd_core.stack([x, y]) or "
                "concatenate, or take the numbers with t.data / t.detach()"
            )
        return self.data if dtype is None else self.data.astype(dtype)

    def __len__(self) -> int:
        if not self.data.ndim:
            raise TypeError("len() of a 0-d Tensor")
        return len(self.data)

    def __bool__(self) -> bool:
        if TRACE is not None:
            TRACE.refuse(self, "bool()")
        if self.data.size != 1:
            raise ValueError(
                f"truth value of a Tensor of shape {self.shape} is ambiguous; use .any()/.all() "
                "on .data"
            )
        return bool(self.data)

    def __repr__(self) -> str:
        body = np.array2string(self.data, precision=4, separator=", ", threshold=20)
        extra = ""
        if self.requires_grad:
            extra += ", requires_grad=True"
        if self._rule.name:
            extra += f", op={self._rule.name!r}"
        if self.data.dtype != np.float64:
            extra += f", dtype={self.data.dtype}"
        if self.label is not None:
            extra += f", label={self.label!r}"
        return f"Tensor({body}{extra})"

    # ------------------------------------------------------------------ arithmetic
    if TYPE_CHECKING:  # installed by arithmetic.py, beside each operator's rule

        def __add__(self, other: Operand) -> Tensor: ...
        def __radd__(self, other: Operand) -> Tensor: ...
        def __sub__(self, other: Operand) -> Tensor: ...
        def __rsub__(self, other: Operand) -> Tensor: ...
        def __mul__(self, other: Operand) -> Tensor: ...
        def __rmul__(self, other: Operand) -> Tensor: ...
        def __truediv__(self, other: Operand) -> Tensor: ...
        def __rtruediv__(self, other: Operand) -> Tensor: ...
        def __pow__(self, other: Operand) -> Tensor: ...
        def __rpow__(self, other: Operand) -> Tensor: ...
        def __neg__(self) -> Tensor: ...

    def __matmul__(self, other: Operand) -> Tensor:
        if not isinstance(other, Tensor):
            other = _as_tensor(other, "@", self)
        a, b = self.data, other.data
        if a.ndim == 0 or b.ndim == 0:
            raise ValueError(
                f"Tensor @: operands must have at least one axis, got shapes {a.shape} and "
                f"{b.shape}; use * for scaling"
            )
        try:
            data = a @ b
        except ValueError:
            inner_ok = a.shape[-1] == (b.shape[0] if b.ndim == 1 else b.shape[-2])
            if inner_ok:
                raise ValueError(
                    f"Tensor @: shapes {a.shape} and {b.shape}: the batch axes {a.shape[:-2]} "
                    f"and {b.shape[:-2]} do not broadcast (NumPy rules)"
                ) from None
            raise ValueError(
                f"Tensor @: shapes {a.shape} and {b.shape} do not align: the last axis of the "
                f"left ({a.shape[-1]}) must equal the "
                f"{'only' if b.ndim == 1 else 'second-to-last'} axis of the right "
                f"({b.shape[0] if b.ndim == 1 else b.shape[-2]}); transpose one (x.T) or reshape"
            ) from None
        return _result(data, (self, other), MATMUL)

    def __rmatmul__(self, other: Operand) -> Tensor:
        return _as_tensor(other, "@", self, True).__matmul__(self)

    def __pos__(self) -> Tensor:
        return self

    def __abs__(self) -> Tensor:
        return self.abs()

    def _moved(self) -> Tensor:
        """A new node with this one's data and place in the graph (for an update in place)."""
        old = _new(Tensor)
        old.data, old.grad, old.requires_grad, old.label = (
            self.data,
            self.grad,
            self.requires_grad,
            None,
        )
        old._a, old._rule, old._ctx, old._scope = (
            self._a,
            self._rule,
            self._ctx,
            self._scope,
        )
        old._modified, old._born = self._modified, self._born
        return old

    def _check_update(self, result: Tensor, symbol: str) -> None:
        if result.shape != self.shape:
            raise ValueError(
                f"Tensor {symbol}: the result has shape {result.shape}, but an update in place "
                f"keeps this Tensor's shape {self.shape}; write x = x {symbol[:-1]} y for a new "
                "Tensor"
            )
        if not np.can_cast(result.dtype, self.dtype, "same_kind"):
            raise TypeError(
                f"Tensor {symbol}: the result is {result.dtype} and cannot be stored in this "
                f"{self.dtype} Tensor; write x = x {symbol[:-1]} y, or cast first (astype)"
            )

    def _become(self, result: Tensor, symbol: str) -> None:
        """Turn this node into ``result`` (a recorded update in place)."""
        self._check_update(result, symbol)
        if result.dtype != self.dtype:
            result = result.astype(self.dtype)  # an update keeps the dtype, as in PyTorch
        self.data, self.grad, self.requires_grad = result.data, None, result.requires_grad
        self._a, self._rule, self._ctx = result._a, result._rule, result._ctx
        self._scope = result._scope

    def _assign(self, result: Tensor, symbol: str) -> None:
        """Write ``result``'s numbers into this Tensor's array (an unrecorded update)."""
        self._check_update(result, symbol)
        if not self.data.flags.writeable:
            raise ValueError(
                f"Tensor {symbol}: this Tensor's array is read-only (a broadcast view, or an "
                f"array NumPy lent); write x = x {symbol[:-1]} y for a new Tensor"
            )
        np.copyto(self.data, result.data, casting="same_kind")

    # comparisons: elementwise, never differentiable
    def _compare(self, other: Any, name: str, fn: Callable[[Any, Any], Any]) -> Tensor:
        other_data = _as_tensor(other, name, self).data
        return _constant(_binary(name, fn)(self.data, other_data))

    def __lt__(self, other: Operand) -> Tensor:  # type: ignore[misc]
        return self._compare(other, "<", np.less)

    def __le__(self, other: Operand) -> Tensor:  # type: ignore[misc]
        return self._compare(other, "<=", np.less_equal)

    def __gt__(self, other: Operand) -> Tensor:  # type: ignore[misc]
        return self._compare(other, ">", np.greater)

    def __ge__(self, other: Operand) -> Tensor:  # type: ignore[misc]
        return self._compare(other, ">=", np.greater_equal)

    def __eq__(self, other: object) -> Tensor:  # type: ignore[override]
        return self._compare(other, "==", np.equal)

    def __ne__(self, other: object) -> Tensor:  # type: ignore[override]
        return self._compare(other, "!=", np.not_equal)

    # ------------------------------------------------------------------ elementwise
    # exp, log, tanh, sigmoid, relu and the other elementwise functions are declared once
    # for both node types in elementwise.py, which makes them methods here.
    if TYPE_CHECKING:

        def __getattr__(self, name: str) -> Any: ...  # the registered operations

    def clip(self, low: float | None = None, high: float | None = None) -> Tensor:
        """Values limited to [low, high]; the gradient passes only where x is inside."""
        if low is None and high is None:
            raise ValueError("Tensor.clip: give low, high or both")
        for name, bound in (("low", low), ("high", high)):
            if bound is not None and np.asarray(_raw(bound)).dtype.kind not in "biuf":
                raise TypeError(
                    f"Tensor.clip: {name} must be a number, an array or None, got "
                    f"{type(bound).__name__} {bound!r:.40}"
                )
        x = self.data
        inside = np.ones(x.shape, dtype=bool)
        if low is not None:
            inside &= x >= low
        if high is not None:
            inside &= x <= high
        return _result(np.clip(x, low, high), (self,), CLIP, (inside, low, high))

    # ------------------------------------------------------------------ by family
    # Reductions and shape/indexing operations live in their own modules, which make them
    # methods here; these lines give the type checker their signatures.
    if TYPE_CHECKING:
        sum = _reductions.sum
        mean = _reductions.mean
        max = _reductions.max
        min = _reductions.min
        logsumexp = _reductions.logsumexp
        softmax = _reductions.softmax
        log_softmax = _reductions.log_softmax
        reshape = _shape.reshape
        transpose = _shape.transpose
        permute = _shape.permute
        swapaxes = _shape.swapaxes
        t = _shape.t
        view = _shape.view
        flatten = _shape.flatten
        squeeze = _shape.squeeze
        unsqueeze = _shape.unsqueeze
        expand_dims = _shape.expand_dims
        clone = _shape.clone
        astype = _shape.astype
        broadcast_to = _shape.broadcast_to
        __getitem__ = _shape.__getitem__
        __setitem__ = _shape.__setitem__
        masked_fill = _shape.masked_fill
        scatter_add = _shape.scatter_add

    def pow(self, exponent: Operand) -> Tensor:
        """``self ** exponent`` (PyTorch's name)."""
        return self.__pow__(exponent)

    def tolist(self) -> Any:
        """The numbers as (nested) Python lists."""
        if TRACE is not None:
            TRACE.refuse(self, "tolist()")
        return self.data.tolist()

    def numel(self) -> int:
        """The number of elements (PyTorch's name; ``size`` in NumPy)."""
        return int(self.data.size)

    def dim(self) -> int:
        """The number of axes (PyTorch's name; ``ndim`` in NumPy)."""
        return self.data.ndim

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Turn gradient tracking of this leaf on or off, in place; returns it (PyTorch)."""
        if self._parents and not requires_grad:
            raise RuntimeError(
                "Tensor.requires_grad_(False): this Tensor was computed from others; use "
                "t.detach() for a copy that is cut off from the graph"
            )
        if requires_grad and self.data.dtype.kind != "f":
            raise TypeError(
                f"Tensor.requires_grad_(): needs a floating dtype, got {self.dtype}; cast first "
                "(t.astype(np.float64))"
            )
        self.requires_grad = bool(requires_grad) or bool(self._parents)
        return self

    # ------------------------------------------------------------------ backpropagation
    def backward(self, grad: ArrayLike | None = None, create_graph: bool = False) -> None:
        """Fill ``.grad`` of every Tensor that requires grad in this one's graph.

        A non-scalar Tensor needs ``grad`` (the upstream gradient, same shape). Leaves
        accumulate across calls until zeroed; with ``create_graph=True`` gradients are
        Tensors that can be differentiated again.
        """
        if not self.requires_grad:
            raise RuntimeError(
                "Tensor.backward(): this Tensor does not require grad; create the inputs you "
                "differentiate with Tensor(..., requires_grad=True) (and not under no_grad)"
            )
        engine.backward(self, grad, create_graph)

    def zero_grad(self) -> None:
        """Forget this node's gradient (``grad = None``)."""
        self.grad = None

    # engine protocol ------------------------------------------------------------
    def _zero_grad(self) -> None:
        return None

    def _check_leaf_grad(self) -> None:
        grad = self.grad
        if grad is None or (isinstance(grad, (np.ndarray, Tensor)) and grad.shape == self.shape):
            return
        raise TypeError(
            f"Tensor.grad: a leaf of shape {self.shape} holds a gradient of "
            f"{_describe(grad)}; backward adds into it, so it must be None or an array of the "
            "leaf's shape (reset it with t.grad = None)"
        )

    def _seed(self, grad: Any, create_graph: bool) -> Any:
        if grad is None:
            if self.data.size != 1:
                raise RuntimeError(
                    f"Tensor.backward(): the output has shape {self.shape}; pass grad= an "
                    f"array of that shape (e.g. np.ones({self.shape})), or reduce it to one "
                    "number first (t.sum().backward())"
                )
            seed = (
                np.array(1, dtype=self.dtype) if not self.ndim else np.ones(self.shape, self.dtype)
            )
        else:
            raw = np.asarray(_raw(grad))
            if raw.dtype.kind not in "biuf":
                raise TypeError(
                    f"Tensor.backward(grad): grad must be numbers of the output's shape "
                    f"{self.shape}, got {type(grad).__name__} {grad!r:.40}"
                )
            seed = np.array(raw, dtype=self.dtype)  # a copy: .grad must not alias it
            if seed.shape != self.shape:
                raise ValueError(
                    f"Tensor.backward(grad): grad has shape {seed.shape}, the output has "
                    f"shape {self.shape}; they must match"
                )
        if create_graph:
            return grad if isinstance(grad, Tensor) else _constant(seed)
        return seed


def _norm_axis(axis: Any, ndim: int, name: str) -> int:
    if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"Tensor.{name}: axis must be an int, got {axis!r}")
    if not -max(ndim, 1) <= axis < max(ndim, 1):
        raise ValueError(f"Tensor.{name}: axis {axis} is out of range for {ndim} axes")
    return int(axis) % max(ndim, 1)


class Size(int):
    """An element count that, called, gives the shape: ``t.size`` is NumPy's number of
    elements and ``t.size()`` / ``t.size(dim)`` PyTorch's shape, so both idioms work."""

    _shape: tuple[int, ...]

    def __new__(cls, count: int, shape: tuple[int, ...]) -> Size:
        out = super().__new__(cls, count)
        out._shape = shape
        return out

    def __call__(self, dim: int | None = None) -> Any:
        if dim is None:
            return self._shape
        return self._shape[_norm_axis(dim, len(self._shape), "size")]


# ------------------------------------------------------------------ functions
def _tensors(items: Sequence[Any], name: str) -> list[Tensor]:
    if not isinstance(items, (list, tuple)) or not items:
        raise TypeError(f"{name}: expected a non-empty list of Tensors, got {type(items).__name__}")
    first = next((t for t in items if isinstance(t, Tensor)), None)
    if first is None:
        return [Tensor(t) for t in items]
    return [_as_tensor(t, name, first) for t in items]


def where(condition: ArrayLike, x: Operand, y: Operand) -> Tensor:
    """Elements of ``x`` where ``condition`` holds, else of ``y`` (condition not differentiated)."""
    cond = np.asarray(_raw(condition), dtype=bool)
    a, b = _tensors([x, y], "where")
    try:
        data = np.where(cond, a.data, b.data)
    except ValueError:
        raise ValueError(
            f"where: shapes condition {cond.shape}, x {a.shape}, y {b.shape} do not broadcast"
        ) from None
    return _result(data, (a, b), WHERE, cond)


def _extremum(x: Operand, y: Operand, name: str) -> Tensor:
    a, b = _tensors([x, y], name)
    fn = np.maximum if name == "maximum" else np.minimum
    data = _binary(name, fn)(a.data, b.data)
    a_full, b_full = np.broadcast_arrays(a.data, b.data)
    if name == "maximum":
        shares = _extremum_shares(a_full, b_full, a_full < b_full, b_full < a_full)
    else:
        shares = _extremum_shares(a_full, b_full, a_full > b_full, b_full > a_full)
    return _result(data, (a, b), MAXIMUM if name == "maximum" else MINIMUM, shares)


def maximum(x: Operand, y: Operand) -> Tensor:
    """Elementwise larger of ``x`` and ``y``; ties give each half the gradient."""
    return _extremum(x, y, "maximum")


def minimum(x: Operand, y: Operand) -> Tensor:
    """Elementwise smaller of ``x`` and ``y``; ties give each half the gradient."""
    return _extremum(x, y, "minimum")


def _rebuild_tensor(
    cls: type[Tensor],
    data: np.ndarray,
    requires_grad: bool,
    label: str | None,
    grad: np.ndarray | None,
    scope: Any,
) -> Tensor:
    """A leaf Tensor from its pickled parts (the inverse of ``GraphNode.__reduce_ex__``)."""
    out = _new(cls)
    out.data, out.grad, out.requires_grad, out.label = data, grad, requires_grad, label
    out._a, out._rule, out._ctx, out._scope = None, LEAF, None, tuple(scope)
    out._modified = out._born = 0
    return out


def _cast_to(dtype: Any, name: str) -> Callable[[Tensor], Tensor]:
    """PyTorch's cast methods: ``t.float()`` is float32, ``t.double()`` float64 (recorded);
    ``t.long()``/``t.int()`` give integers, which are not differentiated."""

    def cast(self: Tensor) -> Tensor:
        if np.dtype(dtype).kind == "f":
            return self.astype(dtype)
        return _constant(self.data.astype(dtype))

    cast.__name__ = cast.__qualname__ = name
    cast.__doc__ = f"The values as {np.dtype(dtype)} (PyTorch's t.{name}())."
    return cast


# Set after the class: inside its body, methods named float and int would hide the builtins
# from the annotations.
for _name, _dtype in [
    ("float", np.float32),
    ("double", np.float64),
    ("half", np.float16),
    ("long", np.int64),
    ("int", np.int32),
    ("bool", np.bool_),
]:
    setattr(Tensor, _name, _cast_to(_dtype, _name))


def install_methods(namespace: dict[str, Any], *names: str) -> None:
    """Make the functions ``names`` of a module (its ``globals()``) methods of Tensor: each
    family of operations lives in its own module."""
    for name in names:
        setattr(Tensor, name, namespace[name])


# The families, which add their methods to the class (they import this module's kernel).
from . import arithmetic as _arithmetic  # noqa: E402, F401  # the operators + - * / **
from . import reductions as _reductions  # noqa: E402, F811
from . import shape as _shape  # noqa: E402, F811

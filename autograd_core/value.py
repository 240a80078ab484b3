"""``Value``: a scalar node on Python floats, the blog's picture of backpropagation.

Each operation computes its result and records its parents in argument order. Its
*local gradients* (d out / d parent, the numbers the blog writes on every edge) come from
the operation's one rule in the registry (the arithmetic operators: ``arithmetic.py``);
the engine multiplies them by the upstream gradient. The hottest operations also push
their gradient by hand here, each tested equal to its rule.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Union

from . import engine
from .context import _STATE, PLAIN
from .inplace import CLOCK
from .node import GraphNode

__all__ = ["Value", "dot"]

Number = Union[int, float]
Operand = Union["Value", int, float]


Push = Callable[["Value", bool, bool], None]


class _Op:
    """One scalar operation: its name, its local-gradient rules (floats, Values) and
    ``backprop``, which adds upstream x local into the parents' gradients.

    ``backprop`` defaults to the generic loop over ``local``; the hottest operations pass a
    hand-unrolled one (a third of the time of a training step is spent here).
    """

    __slots__ = ("name", "local", "graph_local", "backprop", "leaf")

    def __init__(
        self,
        name: str,
        local: Callable[[Value], tuple[float, ...]],
        graph_local: Callable[[Value], tuple[Value, ...]],
        backprop: Push | None = None,
    ) -> None:
        self.name = name
        self.local = local
        self.graph_local = graph_local
        self.backprop: Push = backprop or _push_by_rules
        self.leaf = False  # True only for LEAF and CONST: the engine tests it

    def __repr__(self) -> str:
        return f"<op {self.name!r}>"


def _push_by_rules(node: Value, create_graph: bool, anomaly: bool) -> None:
    """The chain rule at one node: each parent's gradient += upstream x local gradient."""
    upstream = node.grad
    if create_graph:
        if not isinstance(upstream, Value):
            upstream = _constant(upstream)
        local_grads: tuple[Any, ...] = node._rule.graph_local(node)
    else:
        local_grads = node._rule.local(node)
    for parent, local in zip(node._parents, local_grads):
        if parent._rule is not CONST:
            parent.grad += upstream * local
    if anomaly:
        check_finite_grads(node)


def check_finite_grads(node: Value) -> None:
    """detect_anomaly's check after ``node`` pushed its gradient into its parents."""
    for parent in node._parents:
        grad = parent.grad.data if isinstance(parent.grad, Value) else parent.grad
        if not math.isfinite(grad):
            raise FloatingPointError(
                f"detect_anomaly: backward through Value {node._rule.name!r} gave a "
                f"non-finite gradient {grad!r}"
            )


# The same rule as _push_by_rules, unrolled for the operations every network is made of.
def _push_add(node: Value, create_graph: bool, anomaly: bool) -> None:
    if create_graph or anomaly:
        return _push_by_rules(node, create_graph, anomaly)
    upstream = node.grad
    a, b = node._a, node._b
    if a._rule is not CONST:
        a.grad += upstream
    if b._rule is not CONST:
        b.grad += upstream


def _push_mul(node: Value, create_graph: bool, anomaly: bool) -> None:
    if create_graph or anomaly:
        return _push_by_rules(node, create_graph, anomaly)
    upstream = node.grad
    a, b = node._a, node._b
    if a._rule is not CONST:
        a.grad += upstream * b.data
    if b._rule is not CONST:
        b.grad += upstream * a.data


def _push_relu(node: Value, create_graph: bool, anomaly: bool) -> None:
    if create_graph or anomaly:
        return _push_by_rules(node, create_graph, anomaly)
    a = node._a
    if not node.data <= 0 and a._rule is not CONST:
        a.grad += node.grad


def _no_locals(node: Value) -> tuple[Any, ...]:
    return ()


LEAF = _Op("", _no_locals, _no_locals)
CONST = _Op("const", _no_locals, _no_locals)
LEAF.leaf = CONST.leaf = True

_new = object.__new__


def _node(data: float, a: Any, b: Any, op: _Op, recorded: bool | None = None) -> Value:
    """A new node of parents ``a`` and ``b`` (None for one parent; for more than two, ``a``
    holds their tuple), recorded in the graph unless grad mode is off or all operands are
    constants.

    The parents sit in two slots, not a tuple: then a recorded operation allocates one object
    that the cyclic garbage collector tracks instead of two, which halves its work in a
    training step. ``recorded`` says whether any operand is differentiable; left out, it is
    worked out from ``a`` and ``b``.
    """
    out = _new(Value)
    out.data = data
    state = _STATE.get()
    if state is not PLAIN:
        if state.anomaly and not math.isfinite(data):
            parents = a if type(a) is tuple else [p for p in (a, b) if p is not None]
            raise FloatingPointError(
                f"detect_anomaly: Value {op.name!r} of "
                f"{', '.join(repr(p.data) for p in parents)} gave {data!r}"
            )
        if state.scope:
            out._scope = state.scope
        if not state.grad_enabled:
            out._a = None
            out._rule = CONST
            return out
    # Recorded unless every operand is a constant (then so is the result).
    if recorded is None:
        recorded = a._rule is not CONST or (b is not None and b._rule is not CONST)
    if recorded:
        out._a = a
        out._b = b
        out._rule = op
        out._born = CLOCK[0]
    else:
        out._a = None
        out._rule = CONST
    return out


def _result(
    data: float, parents: tuple[Value, ...], op: _Op, recorded: bool | None = None
) -> Value:
    """A new node of any number of parents (see ``_node``)."""
    count = len(parents)
    if count == 1:
        return _node(data, parents[0], None, op, recorded)
    if count == 2:
        return _node(data, parents[0], parents[1], op, recorded)
    if recorded is None:
        recorded = any(p._rule is not CONST for p in parents)
    return _node(data, parents, None, op, recorded)


def _packed(parents: tuple[Value, ...]) -> tuple[Any, Any]:
    """The slots ``_a``, ``_b`` that hold ``parents``."""
    count = len(parents)
    if count == 0:
        return None, None
    if count == 1:
        return parents[0], None
    if count == 2:
        return parents[0], parents[1]
    return tuple(parents), None


def _constant(x: float) -> Value:
    out = _new(Value)
    out.data = x
    out._a = None
    out._rule = CONST
    state = _STATE.get()
    if state is not PLAIN and state.scope:
        out._scope = state.scope
    return out


def _operand(other: Any, opname: str, self: Value, reflected: bool = False) -> Value:
    """``other`` as a node: numbers become constants; anything else is a clear TypeError."""
    kind = type(other)
    if kind is float:
        return _constant(other)
    if isinstance(other, Value):
        return other
    if kind is int or (isinstance(other, numbers.Real) and kind is not bool):
        return _constant(float(other))
    left, right = (other, self) if reflected else (self, other)
    hint = (
        "a Value mixes only with Values and real numbers; for arrays use Tensor, "
        "or Tensor(v.data) to bring a Value's number into a Tensor graph"
    )
    raise TypeError(
        f"Value {opname}: unsupported operands {type(left).__name__} {opname} "
        f"{type(right).__name__}; {hint}"
    )


# ---------------------------------------------------------------- local-gradient rules
# + - * / ** and unary minus: arithmetic.py, declared in the registry.
IDENTITY = _Op("identity", lambda n: (1.0,), lambda n: (_constant(1.0),))


def _alias(node: Value) -> Value:
    """A new node equal to ``node`` with it as its only parent (grad uses one per argument)."""
    return _node(node.data, node, None, IDENTITY)


class Value(GraphNode):
    """A scalar node: ``data`` (float), ``grad`` (float, or a Value after ``create_graph``).

    ``Value(x, requires_grad=False)`` is a constant input (like the blog's x1, x2).

    Operators ``+ - * / **`` work with Values and real numbers in either order (numbers are
    constants and are not differentiated); ``backward()`` fills ``grad`` of the whole graph.
    """

    __slots__ = ("data", "grad", "label", "_a", "_b", "_rule", "_scope", "_modified", "_born")

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        # np.exp(v) is v.exp(); np.float64(2) * v is 2.0 * v (numpy_interop).
        from .numpy_interop import value_ufunc

        return value_ufunc(ufunc, method, inputs, kwargs)

    data: float
    grad: Any
    label: str | None
    _a: Any  # the first parent (None for a leaf), or the tuple of more than two (see _node)
    _b: Any  # the second parent, or None
    _rule: _Op
    _scope: tuple[str, ...]
    _modified: int  # the mutation clock at this node's last in-place update (0: never)
    _born: int  # the mutation clock when this node was computed

    # Slots left unset at creation read as these defaults (creating nodes is the hot path,
    # and most nodes never get a label, a scope, an update in place or, until backward, a
    # gradient).
    _DEFAULTS = {"grad": 0.0, "label": None, "_scope": (), "_modified": 0, "_born": 0, "_b": None}

    def __getattr__(self, name: str) -> Any:
        try:
            return Value._DEFAULTS[name]
        except KeyError:
            raise AttributeError(f"'Value' object has no attribute {name!r}") from None

    def __init__(
        self, data: Number, label: str | None = None, *, requires_grad: bool = True
    ) -> None:
        kind = type(data)
        if kind is Value:
            raise TypeError("Value(data): data is already a Value; use it directly or v.detach()")
        if kind is not float and kind is not int and not isinstance(data, numbers.Real):
            raise TypeError(
                f"Value(data): data must be a real number, got {type(data).__name__} "
                f"({data!r}); for arrays use Tensor"
            )
        if label is not None and not isinstance(label, str):
            # micrograd's Value(data, _children, _op) makes a node by hand; here operations do.
            raise TypeError(
                f"Value(data, label): label must be a string, got {type(label).__name__}; "
                "nodes with parents come from operations (a new one: autograd_core."
                "differentiable), not from Value(data, children, op) as in micrograd"
            )
        self.data = float(data)
        self.grad = 0.0
        self.label = label
        self._a = None
        self._rule = LEAF if requires_grad else CONST  # an input that is not differentiated
        self._scope = _STATE.get().scope

    # ------------------------------------------------------------------ inspection
    def _get_parents(self) -> tuple[Value, ...]:
        a = self._a  # (see _node) read by viz for every node, several times: kept short
        if a is None:
            return ()
        if type(a) is tuple:
            return a
        b = self._b
        return (a,) if b is None else (a, b)

    def _set_parents(self, parents: tuple[Value, ...]) -> None:
        self._a, self._b = _packed(parents)

    _parents = property(_get_parents, _set_parents, doc="The parents (kept in two slots).")
    parents = property(_get_parents, doc="The operands this node was computed from, in order.")

    @property
    def _prev(self) -> set[Value]:
        """micrograd's name for the parents, as a set (``parents`` keeps their order)."""
        return set(self._parents)

    @property
    def _op(self) -> str:
        """micrograd's name for the operation that made this node: ``'+'``, ``'*'``,
        ``'relu'``; ``''`` for a leaf or a constant (micrograd makes both as leaves)."""
        rule = self._rule
        return "" if rule is CONST else rule.name

    @property
    def local_grads(self) -> tuple[float, ...]:
        """d self / d parent for each parent, in order (the numbers on the blog's edges)."""
        return self._rule.local(self)

    @property
    def requires_grad(self) -> bool:
        """False for constants: they are never differentiated and record no graph of their own."""
        return self._rule is not CONST

    @property
    def is_constant(self) -> bool:
        """True for numbers mixed into an expression, detached values and no_grad results."""
        return self._rule is CONST

    def _leaf_reduce(self) -> Any:
        grad = self.grad if isinstance(self.grad, float) else 0.0
        return (
            _rebuild_value,
            (type(self), self.data, self.label, self.is_constant, grad, self.scope),
        )

    def item(self) -> float:
        """The number held."""
        return self.data

    def __float__(self) -> float:
        return self.data

    def __repr__(self) -> str:
        parts = [f"data={self.data!r}", f"grad={self.grad!r}"]
        if self._rule.name:
            parts.append(f"op={self._rule.name!r}")
        if self.label is not None:
            parts.append(f"label={self.label!r}")
        return f"Value({', '.join(parts)})"

    # ------------------------------------------------------------------ arithmetic
    if TYPE_CHECKING:  # installed by arithmetic.py, beside each operator's rule

        def __add__(self, other: Operand) -> Value: ...
        def __radd__(self, other: Number) -> Value: ...
        def __sub__(self, other: Operand) -> Value: ...
        def __rsub__(self, other: Number) -> Value: ...
        def __mul__(self, other: Operand) -> Value: ...
        def __rmul__(self, other: Number) -> Value: ...
        def __truediv__(self, other: Operand) -> Value: ...
        def __rtruediv__(self, other: Number) -> Value: ...
        def __pow__(self, other: Operand) -> Value: ...
        def __rpow__(self, other: Number) -> Value: ...
        def __neg__(self) -> Value: ...

    def __pos__(self) -> Value:
        return self

    def __abs__(self) -> Value:
        return self.abs()  # type: ignore[no-any-return]  # abs and the other functions: elementwise.py

    def _moved(self) -> Value:
        """A new node with this one's number and place in the graph (for an update in place)."""
        old = _new(Value)
        old.data, old.grad = self.data, self.grad
        old._a, old._b, old._rule = self._a, self._b, self._rule
        old._scope, old._modified, old._born = self._scope, self._modified, self._born
        return old

    def _become(self, result: Value, symbol: str) -> None:
        """Turn this node into ``result`` (a recorded update in place)."""
        self.data, self.grad, self._a, self._b, self._rule = (
            result.data,
            0.0,
            result._a,
            result._b,
            result._rule,
        )
        self._scope = result._scope

    def _assign(self, result: Value, symbol: str) -> None:
        """Take ``result``'s number (an unrecorded update)."""
        self.data = result.data

    def detach(self) -> Value:
        """A constant with the same number, cut off from the graph."""
        out = _constant(self.data)
        out.label = self.label
        return out

    # ------------------------------------------------------------------ backpropagation
    def backward(self, grad: float | None = None, create_graph: bool = False) -> None:
        """Fill ``.grad`` of every node this one depends on with d self / d node.

        Leaves accumulate across calls until zeroed; interior nodes are recomputed. With
        ``create_graph=True`` the gradients are Values that can be differentiated again.
        """
        if self._rule is CONST:
            raise RuntimeError(
                "Value.backward(): this Value is a constant (a number, a detached value or a "
                "no_grad result), so nothing depends on it"
            )
        engine.backward(self, grad, create_graph)

    def zero_grad(self) -> None:
        """Set this node's gradient back to 0."""
        self.grad = 0.0

    # engine protocol ------------------------------------------------------------
    def _zero_grad(self) -> float:
        return 0.0

    def _check_leaf_grad(self) -> None:
        grad = self.grad
        if grad is None:
            self.grad = 0.0  # None means "no gradient yet", as for a Tensor (and PyTorch)
        elif type(grad) is not float and not isinstance(grad, (numbers.Real, Value)):
            raise TypeError(
                f"Value.grad: a leaf holds a gradient of type {type(grad).__name__}; backward "
                "adds into it, so it must be a number (reset it with v.grad = 0.0)"
            )

    def _seed(self, grad: Any, create_graph: bool) -> Any:
        if grad is None:
            grad = 1.0
        elif isinstance(grad, Value):
            return grad
        elif not isinstance(grad, numbers.Real):
            raise TypeError(
                f"Value.backward(grad): grad must be a number, got {type(grad).__name__}"
            )
        return _constant(float(grad)) if create_graph else float(grad)


# dot's parents are ([bias,] w0, x0, w1, x1, ...): an odd count means a bias comes first.
# That is also the order in which the chain w0*x0 + ... + bias, backpropagated by this
# engine, hands out its shares (the last + first, then the products from the left), so a
# Value used several times sums its shares in the same order and gets the same gradient.
def _dot_local(n: Value) -> tuple[float, ...]:
    # d/dbias = 1, d/dw_i = x_i, d/dx_i = w_i
    parents = n._parents
    bias = len(parents) & 1
    pairs = iter(parents[bias:])
    local = [p.data for w, x in zip(pairs, pairs) for p in (x, w)]
    return (1.0, *local) if bias else tuple(local)


def _dot_graph_local(n: Value) -> tuple[Value, ...]:
    parents = n._parents
    bias = len(parents) & 1
    pairs = iter(parents[bias:])
    local = [p for w, x in zip(pairs, pairs) for p in (x, w)]
    return (_constant(1.0), *local) if bias else tuple(local)


def _push_dot(node: Value, create_graph: bool, anomaly: bool) -> None:
    if create_graph or anomaly:
        return _push_by_rules(node, create_graph, anomaly)
    upstream = node.grad
    parents = node._parents
    operands = iter(parents)
    if len(parents) & 1:
        bias = next(operands)
        if bias._rule is not CONST:
            bias.grad += upstream
    for w, x in zip(operands, operands):  # two at a time
        if w._rule is not CONST:
            w.grad += upstream * x.data
        if x._rule is not CONST:
            x.grad += upstream * w.data


DOT = _Op("dot", _dot_local, _dot_graph_local, _push_dot)


def _dot_operand(x: Any, role: str) -> Value:
    if isinstance(x, Value):
        return x
    if isinstance(x, numbers.Real) and not isinstance(x, bool):
        return _constant(float(x))
    raise TypeError(
        f"dot: {role} must be a Value or a real number, got {type(x).__name__}; "
        "for arrays use Tensor (x @ w)"
    )


def dot(
    weights: Iterable[Operand], inputs: Iterable[Operand], bias: Operand | None = None
) -> Value:
    """``weights[0]*inputs[0] + ... + weights[n-1]*inputs[n-1] (+ bias)`` as one node.

    The same number and gradients as the chain of ``*`` and ``+`` nodes it stands for (the
    products are summed left to right and the bias added last, as the chain does), with one
    node instead of 2n: a neuron in one step of the graph, several times faster to build
    and backpropagate. Numbers are constants. Its parents are ``(bias, w0, x0, w1, x1, ...)``
    (without a bias, ``(w0, x0, ...)``), as ``torch.addmm`` takes the bias first.
    """
    if not isinstance(weights, (list, tuple)):
        weights = list(weights)
    if not isinstance(inputs, (list, tuple)):
        inputs = list(inputs)
    if len(weights) != len(inputs) or not weights:
        raise ValueError(
            f"dot: weights and inputs must have the same, non-zero length; got "
            f"{len(weights)} weights and {len(inputs)} inputs"
        )
    parents: list[Value] = []
    add = parents.append
    bias_node = None
    if bias is not None:
        bias_node = bias if isinstance(bias, Value) else _dot_operand(bias, "the bias")
        add(bias_node)
    # -0.0 is the exact identity of IEEE addition (0.0 would turn a -0.0 sum into 0.0).
    total = -0.0
    for w, x in zip(weights, inputs):
        if not isinstance(w, Value):
            w = _dot_operand(w, "each weight")
        if not isinstance(x, Value):
            x = _dot_operand(x, "each input")
        total += w.data * x.data  # left to right, as the chain of nodes would sum
        add(w)
        add(x)
    if bias_node is not None:
        total += bias_node.data
    # Usually the first operand is a parameter: skip building the generator then.
    recorded = parents[0]._rule is not CONST or any(p._rule is not CONST for p in parents)
    return _result(total, tuple(parents), DOT, recorded)


def _rebuild_value(
    cls: type[Value], data: float, label: str | None, constant: bool, grad: float, scope: Any
) -> Value:
    """A leaf Value from its pickled parts (the inverse of ``GraphNode.__reduce_ex__``)."""
    out = _new(cls)
    out.data, out.grad, out.label, out._scope = data, grad, label, tuple(scope)
    out._a = None
    out._rule = CONST if constant else LEAF
    return out

"""Operations as data: each differentiable operation is declared once, with its forward and
its derivative rule side by side, and serves both node types and every order.

An ``Operation`` holds:

- ``array``: the forward on NumPy arrays (a ``Tensor``'s data);
- ``scalar``: the forward on Python floats (a ``Value``'s data), or None when the operation
  has no scalar form;
- ``rule``: the vector-Jacobian product ``rule(g, out, *inputs, **params)``: the share of
  the upstream gradient ``g`` that each input receives (one value, or a tuple per input);
  or, set with ``vjps``, one such rule per input, so that a backward pass computes only the
  shares its inputs need (the arithmetic operators are declared that way);
- ``formula``: the local derivative written out (``cos(x)``), for explanations and drawings
  (and ``vjp_formula``, the share each input receives, where it is not ``g * formula``).

The rule is written with operators and registered operations, which accept floats, arrays
and nodes alike. So one rule gives a ``Value``'s local gradients (the rule at ``g = 1`` on
floats), a ``Tensor``'s backward (the rule on arrays; the engine sums each share down to
its input's shape, so rules ignore broadcasting), and ``create_graph`` (the same rule on
nodes, so every order of derivative comes free).

``differentiable`` is the public way in: a user's operation is drawn, tested and
differentiated to any order like a built-in one.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any

import numpy as np

from . import value as _value
from .context import no_grad
from .tensor import Rule as TensorRule
from .tensor import Tensor, _as_tensor, _constant, _Op, _result
from .value import Value

__all__ = ["Operation", "REGISTRY", "differentiable", "raw"]

Rule = Callable[..., Any]

# Every registered operation by name: the operation table's tests iterate over it.
REGISTRY: dict[str, Operation] = {}


def raw(x: Any) -> Any:
    """The number or array behind ``x`` (for masks, which are not differentiated)."""
    return x.data if isinstance(x, (Value, Tensor)) else x


class Operation:
    """One differentiable operation of both node types: call it on numbers, arrays, Values
    or Tensors (see the module's docstring)."""

    def __init__(
        self,
        name: str,
        array: Callable[..., Any],
        *,
        scalar: Callable[..., float] | None = None,
        arity: int = 1,
        formula: str = "",
        vjp_formula: str = "",
        params: dict[str, Any] | None = None,
        edge_safe: bool = False,
        rule_on_nodes: bool = False,
        builtin: bool = False,
        value_name: str = "",
        doc: str = "",
    ) -> None:
        if not name.isidentifier():
            raise ValueError(f"differentiable: name must be an identifier, got {name!r}")
        self.name = name
        self.array = array
        self.scalar = scalar
        self.arity = arity
        self.formula = formula
        # What each input receives, written with the upstream g ("g, -g"); left out, an
        # elementwise operation's is g times its local derivative.
        self.vjp_formula = vjp_formula
        self.params = dict(params or {})
        # The rule divides by zero or overflows at the domain's edge, where IEEE arithmetic
        # gives the right limit: evaluate it with NumPy's warnings off.
        self.edge_safe = edge_safe
        # A user's rule may call node methods (x.sigmoid()): it always gets nodes.
        self.rule_on_nodes = rule_on_nodes
        self.builtin = builtin  # declared by autograd_core (the operation table covers these)
        self.rule: Rule | None = None
        self.per_input: tuple[Rule, ...] = ()  # one rule per input (set by vjps)
        # What a Value node made by it is called (micrograd's "+" for add), if not its name.
        self.value_name = value_name or name
        self.__doc__ = doc or None
        self.__name__ = name
        self._value_ops: dict[tuple[Any, ...], Any] = {}
        self._tensor_op = _Op(name, *(self._tensor_vjp(i) for i in range(arity)))

    def __repr__(self) -> str:
        return f"<operation {self.name}>"

    def vjp(self, rule: Rule) -> Rule:
        """Set the derivative rule ``rule(g, out, *inputs)`` (a decorator); returns it."""
        self.rule = rule
        for op, params in self._value_ops.values():  # records made before the rule was set
            op.local = self._local(params)
        if self.arity == 1 and not (self.rule_on_nodes or self.edge_safe):
            self._tensor_op.vjps = (_direct_vjp(rule),)  # the common case, without shares()
        return rule

    def vjps(self, *rules: Rule) -> None:
        """Set one rule per input, ``rule_i(g, out, *inputs, **params)`` giving input i's
        share (instead of one rule returning them all): a Tensor backward then evaluates
        only the rules of inputs that need a gradient."""
        if len(rules) != self.arity:
            raise TypeError(f"{self.name}: vjps needs {self.arity} rules, one per input")
        self.per_input = rules
        self.rule = lambda g, out, *inputs, **params: tuple(
            rule(g, out, *inputs, **params) for rule in rules
        )
        for op, params in self._value_ops.values():
            op.local = self._local(params)
            op.backprop = self._value_push(params)
        if self.builtin and not (self.edge_safe or self.params):
            # Built-in rules give arrays (or nodes) and take no parameters: the engine calls
            # them as they are.
            self._tensor_op.vjps, self._tensor_op.direct = rules, True
        else:
            self._tensor_op.vjps = tuple(_input_vjp(rule, self.edge_safe) for rule in rules)

    # ------------------------------------------------------------------ forward
    def __call__(self, *args: Any, **params: Any) -> Any:
        if len(args) != self.arity:
            extra = args[self.arity :]
            names = list(self.params)
            if len(args) < self.arity or len(extra) > len(names):
                raise TypeError(
                    f"{self.name}: takes {self.arity} operand(s)"
                    + (f" and the parameters {names}" if names else "")
                    + f", got {len(args)} arguments"
                )
            # Parameters given by position, as PyTorch allows (F.leaky_relu(x, 0.2)).
            clash = set(names[: len(extra)]) & set(params)
            if clash:
                raise TypeError(f"{self.name}: {sorted(clash)} given twice")
            params = {**dict(zip(names, extra)), **params}
            args = args[: self.arity]
        if params:
            unknown = set(params) - set(self.params)
            if unknown:
                raise TypeError(
                    f"{self.name}: unexpected argument(s) {sorted(unknown)}; it takes "
                    f"{sorted(self.params) or 'none'}"
                )
            params = {**self.params, **params}
        else:
            params = self.params
        if any(isinstance(a, Tensor) for a in args):
            return self._on_tensors(args, params)
        if any(isinstance(a, Value) for a in args):
            return self._on_values(args, params)
        if self.scalar is not None and all(type(a) is float or _is_number(a) for a in args):
            if all(type(a) is not np.float64 for a in args):
                return self._scalar(tuple(float(a) for a in args), params)
        return self.array(*[_array(a, self.name) for a in args], **params)

    def _scalar(self, xs: tuple[float, ...], params: dict[str, Any]) -> float:
        assert self.scalar is not None
        try:
            return float(self.scalar(*xs, **params))
        except (ValueError, OverflowError, ZeroDivisionError) as exc:
            shown = ", ".join(repr(x) for x in xs)
            reason = f"{shown} is outside its domain" if str(exc) == "math domain error" else exc
            raise type(exc)(f"Value {self.name}({shown}): {reason}") from None

    def _on_values(self, args: tuple[Any, ...], params: dict[str, Any]) -> Value:
        if self.scalar is None:
            raise TypeError(f"{self.name}: has no Value form; use a Tensor (Tensor(v.data))")
        nodes = tuple(_value_operand(a, self.name) for a in args)
        data = self._scalar(tuple(n.data for n in nodes), params)
        recorded = any(n._rule is not _value.CONST for n in nodes)
        return _value._result(data, nodes, self.value_op(params), recorded)

    def _on_tensors(self, args: tuple[Any, ...], params: dict[str, Any]) -> Tensor:
        anchor = next(a for a in args if isinstance(a, Tensor))
        nodes = tuple(_as_tensor(a, self.name, anchor) for a in args)
        try:
            data = self.array(*[n.data for n in nodes], **params)
        except ValueError as exc:
            shapes = [n.shape for n in nodes]
            try:
                np.broadcast_shapes(*shapes)
            except ValueError:
                shown = " and ".join(str(shape) for shape in shapes)
                raise ValueError(
                    f"Tensor {self.name}: shapes {shown} do not broadcast (NumPy rules)"
                ) from None
            raise ValueError(f"Tensor {self.name}: {exc}") from None
        return _result(data, nodes, self._tensor_op, params or None)

    def value_op(self, params: dict[str, Any]) -> Any:
        """The Value-side operation record for these parameters (one per distinct set)."""
        key = tuple(sorted(params.items()))
        found = self._value_ops.get(key)
        if found is None:

            def graph_local(n: Value) -> tuple[Value, ...]:
                return self._value_graph_local(n, params)

            push = self._value_push(params) if self.per_input else None
            op = _value._Op(self.value_name, self._local(params), graph_local, push)
            found = self._value_ops[key] = (op, params)
        return found[0]

    def _local(self, params: dict[str, Any]) -> Callable[[Value], tuple[float, ...]]:
        """A Value's local gradients by the rule: called directly on floats for one input
        (the common case), by the general path where Python floats raise (1 / 0.0)."""
        rule, general = self.rule, self._value_local
        if self.arity != 1 or self.rule_on_nodes or rule is None:
            return lambda n: general(n, params)

        if params:

            def local(n: Value) -> tuple[float, ...]:
                try:
                    return (rule(1.0, n.data, n._a.data, **params),)
                except (ZeroDivisionError, OverflowError, ValueError):
                    return general(n, params)

            return local

        def plain(n: Value) -> tuple[float, ...]:
            try:
                return (rule(1.0, n.data, n._a.data),)
            except (ZeroDivisionError, OverflowError, ValueError):
                return general(n, params)

        return plain

    # ------------------------------------------------------------------ backward
    def shares(self, g: Any, out: Any, inputs: tuple[Any, ...], params: Any) -> tuple[Any, ...]:
        """Each input's share of ``g`` by the rule (numbers, arrays or nodes, as given)."""
        rule = self.rule
        if rule is None:
            raise NotImplementedError(
                f"{self.name}: no derivative rule; define one with @{self.name}.vjp"
            )
        params = params or {}
        if self.rule_on_nodes and not isinstance(out, (Value, Tensor)):
            with no_grad():
                got = rule(_node(g), _node(out), *[_node(x) for x in inputs], **params)
            return tuple(raw(s) for s in _as_tuple(got, self.arity, self.name))
        if self.edge_safe:
            with np.errstate(all="ignore"):
                return _as_tuple(rule(g, out, *inputs, **params), self.arity, self.name)
        return _as_tuple(rule(g, out, *inputs, **params), self.arity, self.name)

    def _value_push(self, params: dict[str, Any]) -> Callable[[Value, bool, bool], None]:
        """The chain rule at a Value node, evaluating only the rules of inputs that are
        not constants (x ** 2 never computes the exponent's share)."""
        float_share, node_share, CONST = self._float_share, self._node_share, _value.CONST

        def push(node: Value, create_graph: bool, anomaly: bool) -> None:
            upstream = node.grad
            if create_graph and not isinstance(upstream, Value):
                upstream = _value._constant(upstream)
            for i, parent in enumerate(node._parents):
                if parent._rule is not CONST:
                    share = node_share if create_graph else float_share
                    parent.grad += upstream * share(i, node, params)
            if anomaly:
                _value.check_finite_grads(node)

        return push

    def _float_share(self, i: int, n: Value, params: dict[str, Any]) -> float:
        """Input i's local gradient at ``n`` by its own rule, on floats."""
        rule, xs = self.per_input[i], [p.data for p in n._parents]
        try:
            return float(rule(1.0, n.data, *xs, **params))
        except (ZeroDivisionError, OverflowError, ValueError):
            # Python floats raise where IEEE arithmetic gives the limit (1 / 0.0 = inf).
            with np.errstate(all="ignore"):
                f64 = np.float64
                return float(rule(f64(1.0), f64(n.data), *[f64(x) for x in xs], **params))

    def _node_share(self, i: int, n: Value, params: dict[str, Any]) -> Value:
        """Input i's local gradient at ``n`` as a Value node (for create_graph)."""
        try:
            got = self.per_input[i](_value._constant(1.0), n, *n._parents, **params)
        except (ZeroDivisionError, OverflowError, ValueError):
            # At a domain's edge the slope is an IEEE limit that Value arithmetic refuses.
            return _value._constant(self._float_share(i, n, params))
        return got if isinstance(got, Value) else _value._constant(float(got))

    def _value_local(self, n: Value, params: dict[str, Any]) -> tuple[float, ...]:
        if self.per_input:
            return tuple(self._float_share(i, n, params) for i in range(self.arity))
        xs = tuple(p.data for p in n._parents)
        try:
            got = self.shares(1.0, n.data, xs, params)
        except (ZeroDivisionError, OverflowError, ValueError):
            # Python floats raise where IEEE arithmetic gives the limit (1 / 0.0 = inf):
            # the same rule on NumPy floats gives PyTorch's numbers.
            with np.errstate(all="ignore"):
                f64 = np.float64
                got = self.shares(f64(1.0), f64(n.data), tuple(f64(x) for x in xs), params)
        return tuple(float(s) for s in got)

    def _value_graph_local(self, n: Value, params: dict[str, Any]) -> tuple[Value, ...]:
        if self.per_input:
            return tuple(self._node_share(i, n, params) for i in range(self.arity))
        try:
            got = self.shares(_value._constant(1.0), n, n._parents, params)
        except (ZeroDivisionError, OverflowError, ValueError):
            # At a domain's edge (sqrt at 0) the slope is an IEEE limit that Value
            # arithmetic refuses: the plain numbers, as constants (their slope is infinite).
            return tuple(_value._constant(x) for x in self._value_local(n, params))
        return tuple(s if isinstance(s, Value) else _value._constant(float(s)) for s in got)

    def _tensor_vjp(self, i: int) -> TensorRule:
        def vjp(g: Any, out: Any, x: tuple[Any, ...], c: Any) -> Any:
            share = self.shares(g, out, x, c)[i]
            return share if isinstance(share, (np.ndarray, Tensor)) else _spread(share, g)

        return vjp


def _direct_vjp(rule: Rule) -> TensorRule:
    """A one-input rule as a Tensor VJP, called directly (tested equal to the general path)."""

    def vjp(g: Any, out: Any, x: tuple[Any, ...], c: Any) -> Any:
        share = rule(g, out, x[0]) if c is None else rule(g, out, x[0], **c)
        if type(share) is np.ndarray or isinstance(share, Tensor):
            return share
        return _spread(share, g)

    return vjp


def _input_vjp(rule: Rule, edge_safe: bool) -> TensorRule:
    """One input's rule as a Tensor VJP, called directly (no tuple of every share)."""

    def vjp(g: Any, out: Any, x: tuple[Any, ...], c: Any) -> Any:
        if edge_safe:
            with np.errstate(all="ignore"):
                share = rule(g, out, *x) if c is None else rule(g, out, *x, **c)
        else:
            share = rule(g, out, *x) if c is None else rule(g, out, *x, **c)
        if type(share) is np.ndarray or isinstance(share, Tensor):
            return share
        return _spread(share, g)

    return vjp


def _spread(share: Any, g: Any) -> Any:
    """A number (a rule that ignores g, or NumPy's 0-d result), spread over g's shape."""
    data = np.full(np.shape(raw(g)), share, dtype=raw(g).dtype)
    return _constant(data) if isinstance(g, Tensor) else data


def _is_number(x: Any) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def _value_operand(x: Any, name: str) -> Value:
    if isinstance(x, Value):
        return x
    if _is_number(x):
        return _value._constant(float(x))
    raise TypeError(
        f"Value {name}: unsupported operand {type(x).__name__}; a Value mixes only with "
        "Values and real numbers (for arrays use Tensor)"
    )


def _array(x: Any, name: str) -> np.ndarray:
    array = np.asarray(x)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name}: needs numbers, arrays, Values or Tensors, got {type(x).__name__}")
    return array


def _as_tuple(shares: Any, arity: int, name: str) -> tuple[Any, ...]:
    if arity == 1:
        return (shares,)
    if not isinstance(shares, tuple) or len(shares) != arity:
        raise TypeError(f"{name}: a derivative rule of {arity} inputs must return {arity} shares")
    return shares


def _node(x: Any) -> Any:
    """``x`` as a constant node (a user's rule may call node methods)."""
    if isinstance(x, (Value, Tensor)):
        return x
    if isinstance(x, np.ndarray):
        return _constant(x)
    return _value._constant(float(x))


def register(op: Operation, method: bool = False) -> Operation:
    """Add ``op`` to the registry and, with ``method``, to both node types as a method.

    Declaring a user's operation again (a notebook cell run twice) replaces it; the
    built-in operations and the node types' own methods cannot be replaced.
    """
    old = REGISTRY.get(op.name)
    if old is not None and old.builtin:
        raise ValueError(f"differentiable: {op.name!r} is a built-in operation; choose a name")
    if method:
        for cls in (Value, Tensor):
            existing = cls.__dict__.get(op.name)
            made_from = getattr(existing, "_operation", None)
            if existing is not None and (made_from is None or made_from is not old):
                raise ValueError(f"differentiable: {cls.__name__}.{op.name} exists already")
    REGISTRY[op.name] = op
    if method:
        for cls in (Value, Tensor):
            setattr(cls, op.name, _method(op, cls))
    return op


def _method(op: Operation, cls: type) -> Callable[..., Any]:
    if op.arity == 1 and not op.params:
        return _unary_method(op, cls)

    def method(self: Any, *others: Any, **params: Any) -> Any:
        return op(self, *others, **params)

    return _named(method, op)


def _unary_method(op: Operation, cls: type) -> Callable[..., Any]:
    """``x.name()`` without the dispatch of ``op(x)``, one per node type: exp, tanh and relu
    are hot paths."""
    if cls is Tensor:
        array, tensor_op = op.array, op._tensor_op

        def on_tensor(self: Tensor) -> Tensor:
            return _result(array(self.data), (self,), tensor_op)

        return _named(on_tensor, op)
    fn, scalar, value_op, value_node, no_params = (
        op.scalar,
        op._scalar,
        op.value_op({}),
        _value._node,
        op.params,
    )

    def on_value(self: Value) -> Value:
        try:
            data = fn(self.data)  # type: ignore[misc]
        except (ValueError, OverflowError, ZeroDivisionError):
            data = scalar((self.data,), no_params)  # raises, naming the operation
        return value_node(data if type(data) is float else float(data), self, None, value_op)

    return _named(on_value, op)


def _named(method: Callable[..., Any], op: Operation) -> Callable[..., Any]:
    method._operation = op  # type: ignore[attr-defined]  # marks methods made from ops
    method.__name__ = method.__qualname__ = op.name
    method.__doc__ = op.__doc__ or f"{op.name}, elementwise (d/dx: {op.formula})."
    return method


def differentiable(
    forward: Callable[..., Any] | None = None,
    *,
    name: str | None = None,
    scalar: Callable[..., float] | None = None,
    formula: str = "",
    method: bool = False,
) -> Any:
    """Declare ``forward`` (on NumPy arrays) a differentiable operation of both node types.

    Give its derivative with ``@op.vjp``: ``rule(g, out, *inputs)`` returns each input's
    share of the upstream gradient ``g`` (a tuple for several inputs), written with
    operators, node methods and registered operations, so that higher orders work. The
    operation then takes Values (through ``scalar``, else ``forward`` on floats) and
    Tensors; viz and gradcheck see it like any built-in operation. ``method=True`` also
    makes it a method of Value and Tensor.
    """

    def declare(fn: Callable[..., Any]) -> Operation:
        def on_floats(*xs: float, **kw: Any) -> float:
            return float(fn(*xs, **kw))

        # Arguments with defaults are parameters (keyword or by position), not operands.
        code, defaults = fn.__code__, fn.__defaults__ or ()
        names = code.co_varnames[: code.co_argcount]
        params = dict(zip(names[len(names) - len(defaults) :], defaults))
        op = Operation(
            name or fn.__name__,
            fn,
            scalar=scalar or on_floats,
            arity=code.co_argcount - len(defaults),
            params=params,
            formula=formula,
            rule_on_nodes=True,
            doc=fn.__doc__ or "",
        )
        return register(op, method=method)

    return declare(forward) if forward is not None else declare

"""The arithmetic operators ``+ - * / **`` and unary ``-``, each declared once for both
node types.

Each operator is a registry ``Operation`` with one derivative rule per operand, written
with operators so that it serves floats (a ``Value``'s local gradients), arrays (a
``Tensor``'s backward) and nodes (``create_graph``) alike. The operator methods of both
classes are installed from here: they are the hottest code of the engine, so each converts
its operand and builds the node inline, with the registry's rule behind it. The scalar fast
paths (``+`` and ``*`` push their gradient without calling the rule) are in ``value.py``.
"""

from __future__ import annotations

import math
import operator
from typing import Any

import numpy as np

from . import value as _value
from .registry import Operation, raw, register
from .tensor import Tensor, _as_tensor, _binary, _result, where
from .value import Value, _constant, _operand

__all__ = ["add", "sub", "mul", "div", "pow", "neg"]

_value_node = _value._node


def _declare(
    name: str,
    symbol: str,
    array: Any,
    scalar: Any,
    formulas: tuple[str, str],
    arity: int = 2,
    edge_safe: bool = False,
) -> Operation:
    """A built-in arithmetic operation; Tensor nodes show ``name`` (PyTorch's), Value nodes
    the ``symbol`` (micrograd's). Not a method: the operators (and torch_names' ``t.add``)
    are the way in. ``edge_safe``: the rule reaches IEEE limits (x / 0) silently, at the
    price of a NumPy error-state switch per call, so only / asks for it (** switches inside
    its rule, past the squares)."""
    checked = _binary(symbol, array) if arity == 2 else array
    local, vjp = formulas
    op = Operation(
        name,
        checked,
        scalar=scalar,
        arity=arity,
        value_name=symbol,
        formula=local,
        vjp_formula=vjp,
        builtin=True,
        edge_safe=edge_safe,
    )
    return register(op)


def _choose(mask: Any, yes: Any, no: Any) -> Any:
    """``yes`` where ``mask`` holds, else ``no``, for numbers, Values, arrays and Tensors."""
    if isinstance(mask, np.ndarray) and mask.ndim or isinstance(yes, Tensor):
        return where(mask, yes, no) if isinstance(yes, Tensor) else np.where(mask, yes, no)
    return yes if mask else no


# ------------------------------------------------------------------ the operations
add = _declare("add", "+", np.add, operator.add, ("1, 1", "g, g"))
add.vjps(lambda g, out, a, b: g, lambda g, out, a, b: g)

sub = _declare("sub", "-", np.subtract, operator.sub, ("1, -1", "g, -g"))
sub.vjps(lambda g, out, a, b: g, lambda g, out, a, b: -g)

mul = _declare("mul", "*", np.multiply, operator.mul, ("b, a", "g * b, g * a"))
mul.vjps(lambda g, out, a, b: g * b, lambda g, out, a, b: g * a)

div = _declare(
    "div", "/", np.divide, operator.truediv, ("1/b, -a/b²", "g / b, -g * out / b"), edge_safe=True
)
# -g * out / b is -g * a / b², with one multiplication fewer.
div.vjps(lambda g, out, a, b: g / b, lambda g, out, a, b: -g * out / b)

neg = _declare("neg", "neg", np.negative, operator.neg, ("-1", "-g"), arity=1)
neg.vjp(lambda g, out, x: -g)


def _pow_base_share(g: Any, out: Any, a: Any, b: Any) -> Any:
    """d(a ** b)/da = b * a ** (b - 1), 0 where b == 0 (a ** 0 is constant), as PyTorch.

    At a == 0 the formula's IEEE value is the limit (inf with b's sign for b < 1), reached
    without NumPy's warnings (switched off here, not per call: squares need no switch);
    Python floats raise there instead, and the registry then evaluates the rule on NumPy
    floats."""
    exponent = raw(b)
    if np.ndim(exponent) == 0 and exponent == 2 and not getattr(b, "requires_grad", False):
        return g * (a * 2)  # squares are everywhere (losses): no power computed
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        general = g * b * a ** (b - 1)
    constant = exponent == 0
    return _choose(constant, g * 0.0, general) if np.any(constant) else general


def _pow_exponent_share(g: Any, out: Any, a: Any, b: Any) -> Any:
    """d(a ** b)/db = a ** b * log(a): 0 at a == 0 for b >= 0 (the limit), -inf for b < 0,
    nan for a < 0 (log undefined), as PyTorch."""
    base = raw(a)
    limit = (base == 0) & (raw(b) >= 0)
    if np.ndim(limit) == 0 and limit:
        return g * 0.0  # before log(0), which a Value refuses
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        general = g * out * _log(a)
    return _choose(limit, g * 0.0, general) if np.any(limit) else general


def _log(x: Any) -> Any:
    if type(x) is float:
        return math.log(x)  # raises outside the domain: the registry retries on NumPy floats
    return x.log() if isinstance(x, (Value, Tensor)) else np.log(x)


def _pow_float(a: float, b: float) -> float:
    """a ** b on floats, refusing what is not a real number (Python would give a complex)."""
    if a == 0.0 and b < 0:
        raise ZeroDivisionError("divides by zero")
    if a < 0 and not b.is_integer():
        raise ValueError("is not a real number (negative base, fractional exponent)")
    try:
        return a**b
    except OverflowError:
        raise OverflowError("overflows a float") from None


pow = _declare(
    "pow",
    "**",
    np.power,
    _pow_float,
    ("b a^(b-1), a^b ln a", "g * b a^(b-1), g * out ln a"),
)
pow.vjps(_pow_base_share, _pow_exponent_share)


# ------------------------------------------------------------------ Value operators
# + - * test for a float operand before calling _operand: one call less per operation in
# expressions like x * 1.0001 + 0.0001.
_V_ADD, _V_SUB, _V_MUL = add.value_op({}), sub.value_op({}), mul.value_op({})
_V_DIV, _V_POW, _V_NEG = div.value_op({}), pow.value_op({}), neg.value_op({})
_V_ADD.backprop = _value._push_add  # the hot paths, tested equal to the rules
_V_MUL.backprop = _value._push_mul


def _value_add(self: Value, other: Any) -> Value:
    if type(other) is not Value:
        other = _constant(other) if type(other) is float else _operand(other, "+", self)
    return _value_node(self.data + other.data, self, other, _V_ADD)


def _value_sub(self: Value, other: Any) -> Value:
    if type(other) is not Value:
        other = _constant(other) if type(other) is float else _operand(other, "-", self)
    return _value_node(self.data - other.data, self, other, _V_SUB)


def _value_mul(self: Value, other: Any) -> Value:
    if type(other) is not Value:
        other = _constant(other) if type(other) is float else _operand(other, "*", self)
    return _value_node(self.data * other.data, self, other, _V_MUL)


def _value_div(self: Value, other: Any) -> Value:
    other = _operand(other, "/", self)
    if other.data == 0.0:
        raise ZeroDivisionError(f"Value /: division of {self.data!r} by zero")
    return _value_node(self.data / other.data, self, other, _V_DIV)


def _value_pow(self: Value, other: Any) -> Value:
    other = _operand(other, "**", self)
    a, b = self.data, other.data
    try:
        data = _pow_float(a, b)
    except (ZeroDivisionError, ValueError, OverflowError) as exc:
        raise type(exc)(f"Value **: {a!r} ** {b!r} {exc}") from None
    return _value_node(data, self, other, _V_POW)


def _value_neg(self: Value) -> Value:
    return _value_node(-self.data, self, None, _V_NEG)


# ------------------------------------------------------------------ Tensor operators
_T_ADD, _T_SUB, _T_MUL = add._tensor_op, sub._tensor_op, mul._tensor_op
_T_DIV, _T_POW, _T_NEG = div._tensor_op, pow._tensor_op, neg._tensor_op
_pow = pow.array


def _tensor_operator(symbol: str, array: Any, op: Any) -> Any:
    """``t <symbol> other`` on Tensors: the other operand as a node, then one array call."""

    def operator(self: Tensor, other: Any) -> Tensor:
        if not isinstance(other, Tensor):
            other = _as_tensor(other, symbol, self)
        return _result(array(self.data, other.data), (self, other), op)

    operator.__name__ = f"tensor {symbol}"
    return operator


_tensor_add = _tensor_operator("+", add.array, _T_ADD)
_tensor_sub = _tensor_operator("-", sub.array, _T_SUB)
_tensor_mul = _tensor_operator("*", mul.array, _T_MUL)
_tensor_div = _tensor_operator("/", div.array, _T_DIV)


def _tensor_pow(self: Tensor, other: Any) -> Tensor:
    square = isinstance(other, (int, float)) and other == 2
    if not isinstance(other, Tensor):
        other = _as_tensor(other, "**", self)
    # x * x, correctly rounded as pow(x, 2) is, and several times cheaper. (Floats only:
    # on masks and integers np.square's result type differs from np.power's.)
    fast = square and self.data.dtype.kind == "f"
    data = np.square(self.data) if fast else _pow(self.data, other.data)
    # ctx 2: squared (the rules do not need it; a traced replay must square again).
    return _result(data, (self, other), _T_POW, 2 if fast else None)


def _tensor_neg(self: Tensor) -> Tensor:
    return _result(-self.data, (self,), _T_NEG)


# ------------------------------------------------------------------ installing them
def _reflected(method: Any, symbol: str, operand: Any) -> Any:
    """``number <symbol> node``: the number made a constant node by ``operand``, then
    ``method`` with it on the left."""

    def reflected(self: Any, other: Any) -> Any:
        return method(operand(other, symbol, self, True), self)

    return reflected


_OPERATORS = {
    Value: (_operand, (_value_add, _value_sub, _value_mul, _value_div, _value_pow)),
    Tensor: (_as_tensor, (_tensor_add, _tensor_sub, _tensor_mul, _tensor_div, _tensor_pow)),
}
_NAMES = (("add", "+"), ("sub", "-"), ("mul", "*"), ("truediv", "/"), ("pow", "**"))
for _cls, (_operand_of, _methods) in _OPERATORS.items():
    for (_name, _symbol), _method in zip(_NAMES, _methods):
        setattr(_cls, f"__{_name}__", _method)
        setattr(_cls, f"__r{_name}__", _reflected(_method, _symbol, _operand_of))
Value.__neg__ = _value_neg  # type: ignore[method-assign]
Tensor.__neg__ = _tensor_neg  # type: ignore[method-assign]

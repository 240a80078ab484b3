"""Elementwise operations, each declared once for both node types (see ``registry``).

Every entry gives the forward on arrays, the forward on floats (a ``Value``'s, with a clear
error outside the domain where Python floats raise), the derivative rule and its formula.
Rules call these same operations, so they work on floats, arrays and nodes alike. Each
operation is a function of the package (``autograd_core.log1p(x)``) and a method of both
node types (``x.log1p()``). Non-differentiable steps (``floor``, ``sign``...) have zero
gradients, as in PyTorch.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import value as _value
from .registry import Operation, raw, register
from .tensor import _EXP_LIMIT, _min

__all__ = [
    "exp",
    "log",
    "sqrt",
    "abs",
    "sin",
    "cos",
    "tanh",
    "sigmoid",
    "relu",
    "log1p",
    "expm1",
    "log2",
    "log10",
    "exp2",
    "square",
    "reciprocal",
    "rsqrt",
    "sign",
    "floor",
    "ceil",
    "round",
    "trunc",
    "sinh",
    "cosh",
    "tan",
    "arcsin",
    "arccos",
    "arctan",
    "arcsinh",
    "arccosh",
    "arctanh",
    "erf",
    "softplus",
    "gelu",
    "silu",
    "leaky_relu",
    "elu",
    "hardtanh",
    "relu6",
    "hardsigmoid",
    "hardswish",
    "softsign",
    "logsigmoid",
    "selu",
    "celu",
    "mish",
    "logaddexp",
    "arctan2",
    "remainder",
    "fmod",
]

_LN2 = math.log(2.0)
_LN10 = math.log(10.0)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


def _op(name: str, array: Any, scalar: Any, formula: str, **options: Any) -> Operation:
    """Declare and register one operation (a method of both node types too)."""
    op = Operation(name, array, scalar=scalar, formula=formula, builtin=True, **options)
    return register(op, method=True)


def _needs(ok: bool, what: str) -> None:
    """The domain check of a float forward (the message follows 'Value name(x): ')."""
    if not ok:
        raise ValueError(what)


# Masks and steps: their derivative is zero, so rules apply them to raw numbers.
def _step(x: Any) -> Any:
    """1 where x > 0 or x is NaN (PyTorch lets a NaN through), else 0."""
    if isinstance(x, np.ndarray):
        return ~(x <= 0)
    return 0.0 if x <= 0 else 1.0


def _sign0(x: Any) -> Any:
    """The sign of x, 0 at 0 and at NaN (abs' slope, as PyTorch)."""
    if isinstance(x, np.ndarray):
        return np.nan_to_num(np.sign(x))
    return 1.0 if x > 0 else (-1.0 if x < 0 else 0.0)


def _zero_rule(g: Any, out: Any, x: Any) -> Any:
    return g * 0.0


# ------------------------------------------------------------------ exponentials and logs
def _exp_float(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        raise OverflowError("overflows a float (largest argument ~709.78)") from None


exp = _op("exp", np.exp, _exp_float, "e^x")
exp.vjp(lambda g, out, x: g * out)


def _log_float(x: float) -> float:
    _needs(x > 0.0, "log is defined only for inputs > 0")
    return math.log(x)


log = _op("log", np.log, _log_float, "1/x", edge_safe=True)
log.vjp(lambda g, out, x: g / x)


def _sqrt_float(x: float) -> float:
    _needs(x >= 0.0, "sqrt is defined only for inputs >= 0")
    return math.sqrt(x)


# sqrt'(0) is infinite: inf there (with -0.0's sign), as x ** 0.5 gives.
sqrt = _op("sqrt", np.sqrt, _sqrt_float, "1/(2√x)", edge_safe=True)
sqrt.vjp(lambda g, out, x: g / (out * 2))


def _log1p_float(x: float) -> float:
    _needs(x > -1.0, "log1p is defined only for inputs > -1")
    return math.log1p(x)


log1p = _op("log1p", np.log1p, _log1p_float, "1/(1+x)", edge_safe=True)
log1p.vjp(lambda g, out, x: g / (x + 1))

expm1 = _op("expm1", np.expm1, math.expm1, "e^x")
expm1.vjp(lambda g, out, x: g * (out + 1))


def _log2_float(x: float) -> float:
    _needs(x > 0.0, "log2 is defined only for inputs > 0")
    return math.log2(x)


log2 = _op("log2", np.log2, _log2_float, "1/(x ln 2)", edge_safe=True)
log2.vjp(lambda g, out, x: g / (x * _LN2))


def _log10_float(x: float) -> float:
    _needs(x > 0.0, "log10 is defined only for inputs > 0")
    return math.log10(x)


log10 = _op("log10", np.log10, _log10_float, "1/(x ln 10)", edge_safe=True)
log10.vjp(lambda g, out, x: g / (x * _LN10))

exp2 = _op("exp2", np.exp2, lambda x: 2.0**x, "2^x ln 2")
exp2.vjp(lambda g, out, x: g * (out * _LN2))

# ------------------------------------------------------------------ powers
square = _op("square", np.square, lambda x: x * x, "2x")
square.vjp(lambda g, out, x: g * (x * 2))

reciprocal = _op("reciprocal", lambda x: 1 / x, lambda x: 1.0 / x, "-1/x²", edge_safe=True)
reciprocal.vjp(lambda g, out, x: -g * (out * out))


def _rsqrt_float(x: float) -> float:
    _needs(x > 0.0, "rsqrt is defined only for inputs > 0")
    return 1.0 / math.sqrt(x)


rsqrt = _op("rsqrt", lambda x: 1 / np.sqrt(x), _rsqrt_float, "-1/(2x^(3/2))", edge_safe=True)
rsqrt.vjp(lambda g, out, x: g * (out * out * out) * -0.5)

# ------------------------------------------------------------------ piecewise
abs = _op("abs", np.abs, math.fabs, "sign(x)")
abs.vjp(lambda g, out, x: g * _sign0(raw(x)))

relu = _op("relu", lambda x: np.maximum(x, 0), lambda x: 0.0 if x <= 0 else x, "1 if x > 0")
relu.vjp(lambda g, out, x: g * _step(raw(x)))
relu.value_op({}).backprop = _value._push_relu  # the hot path, tested equal to the rule

sign = _op("sign", _sign0, _sign0, "0")  # sign(NaN) = 0, as PyTorch
floor = _op("floor", np.floor, lambda x: float(np.floor(x)), "0")
ceil = _op("ceil", np.ceil, lambda x: float(np.ceil(x)), "0")
# Halves round to even, as NumPy, Python and PyTorch do.
round = _op("round", np.round, lambda x: float(np.round(x)), "0")
trunc = _op("trunc", np.trunc, lambda x: float(np.trunc(x)), "0")
for _flat in (sign, floor, ceil, round, trunc):
    _flat.vjp(_zero_rule)


def _leaky_relu(x: Any, negative_slope: float) -> Any:
    return np.where(x > 0, x, x * negative_slope)


leaky_relu = _op(
    "leaky_relu",
    _leaky_relu,
    lambda x, negative_slope: x if x > 0 else x * negative_slope,
    "1 if x > 0 else negative_slope",
    params={"negative_slope": 0.01},
)


@leaky_relu.vjp
def _leaky_relu_rule(g: Any, out: Any, x: Any, negative_slope: float) -> Any:
    return g * _choose(raw(x) > 0, 1.0, negative_slope)


def _elu(x: Any, alpha: float) -> Any:
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


elu = _op(
    "elu",
    _elu,
    lambda x, alpha: x if x > 0 else alpha * math.expm1(x),
    "1 if x > 0 else alpha e^x",
    params={"alpha": 1.0},
)


@elu.vjp
def _elu_rule(g: Any, out: Any, x: Any, alpha: float) -> Any:
    # alpha e^x for x <= 0 (not out + alpha, which cancels digits), computed as
    # e^-relu(-x) (that is e^min(x, 0)) so the branch not taken stays finite, and so that the
    # second derivative at 0 is PyTorch's 0 (relu's slope at 0 is 0); a NaN takes slope 1.
    return g * _choose(_not(raw(x) <= 0), 1.0, exp(-relu(-x)) * alpha)


def _not(condition: Any) -> Any:
    """Logical not of a comparison of raw numbers (a Python bool or a boolean array)."""
    return ~condition if isinstance(condition, np.ndarray) else not condition


def _choose(condition: Any, a: Any, b: Any) -> Any:
    """``a`` where ``condition`` holds, else ``b``, for numbers, arrays and nodes alike
    (the condition, made of raw numbers, is not differentiated)."""
    if not isinstance(condition, np.ndarray) or not condition.ndim:
        return a if condition else b
    from .tensor import Tensor, where

    if isinstance(a, Tensor) or isinstance(b, Tensor):
        return where(condition, a, b)
    return np.where(condition, a, b)


hardtanh = _op(
    "hardtanh",
    lambda x, min_val, max_val: np.clip(x, min_val, max_val),
    lambda x, min_val, max_val: min(max(x, min_val), max_val),
    "1 if min_val < x < max_val",
    params={"min_val": -1.0, "max_val": 1.0},
)


@hardtanh.vjp
def _hardtanh_rule(g: Any, out: Any, x: Any, min_val: float, max_val: float) -> Any:
    a = raw(x)
    return g * _choose(_not((a <= min_val) | (a >= max_val)), 1.0, 0.0)  # NaN passes


relu6 = _op(
    "relu6",
    lambda x: np.clip(x, 0.0, 6.0),
    lambda x: min(max(x, 0.0), 6.0),
    "1 if 0 < x < 6",
)


@relu6.vjp
def _relu6_rule(g: Any, out: Any, x: Any) -> Any:
    a = raw(x)
    return g * _choose(_not((a <= 0.0) | (a >= 6.0)), 1.0, 0.0)  # NaN passes, as PyTorch


hardsigmoid = _op(
    "hardsigmoid",
    lambda x: np.clip(x / 6.0 + 0.5, 0.0, 1.0),
    lambda x: min(max(x / 6.0 + 0.5, 0.0), 1.0),
    "1/6 if -3 < x < 3",
)


@hardsigmoid.vjp
def _hardsigmoid_rule(g: Any, out: Any, x: Any) -> Any:
    a = raw(x)
    return g * _choose((a > -3.0) & (a < 3.0), 1.0 / 6.0, 0.0)


hardswish = _op(
    "hardswish",
    lambda x: x * np.clip(x + 3.0, 0.0, 6.0) / 6.0,
    lambda x: x * min(max(x + 3.0, 0.0), 6.0) / 6.0,
    "0 if x ≤ -3, x/3 + 1/2 if x < 3, else 1",
)


@hardswish.vjp
def _hardswish_rule(g: Any, out: Any, x: Any) -> Any:
    a = raw(x)
    return g * _choose(a <= -3.0, 0.0, _choose(a < 3.0, x / 3.0 + 0.5, 1.0))  # NaN: 1


softsign = _op(
    "softsign",
    lambda x: x / (1.0 + np.abs(x)),
    lambda x: x / (1.0 + math.fabs(x)),
    "1/(1+|x|)²",
)


@softsign.vjp
def _softsign_rule(g: Any, out: Any, x: Any) -> Any:
    d = 1.0 + abs(x)
    return g / (d * d)


# SELU's constants (Klambauer et al. 2017), as PyTorch writes them.
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946

selu = _op(
    "selu",
    lambda x: _SELU_SCALE * _elu(x, _SELU_ALPHA),
    lambda x: _SELU_SCALE * (x if x > 0 else _SELU_ALPHA * math.expm1(x)),
    "scale if x > 0 else scale alpha e^x",
)


@selu.vjp
def _selu_rule(g: Any, out: Any, x: Any) -> Any:
    return _elu_rule(g, out, x, _SELU_ALPHA) * _SELU_SCALE


celu = _op(
    "celu",
    lambda x, alpha: np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0) / alpha)),
    lambda x, alpha: x if x > 0 else alpha * math.expm1(x / alpha),
    "1 if x > 0 else e^(x/alpha)",
    params={"alpha": 1.0},
)


@celu.vjp
def _celu_rule(g: Any, out: Any, x: Any, alpha: float) -> Any:
    return g * _choose(_not(raw(x) <= 0), 1.0, exp(-relu(-x) / alpha))  # as elu's


# ------------------------------------------------------------------ trigonometric, hyperbolic
sin = _op("sin", np.sin, math.sin, "cos(x)")
sin.vjp(lambda g, out, x: g * cos(x))
cos: Operation = _op("cos", np.cos, math.cos, "-sin(x)")
cos.vjp(lambda g, out, x: -g * sin(x))
tan = _op("tan", np.tan, math.tan, "1 + tan²(x)")
tan.vjp(lambda g, out, x: g * (out * out + 1))
tanh = _op("tanh", np.tanh, math.tanh, "1 - tanh²(x)")
tanh.vjp(lambda g, out, x: g * (1 - out * out))
sinh = _op("sinh", np.sinh, math.sinh, "cosh(x)")
sinh.vjp(lambda g, out, x: g * cosh(x))
cosh: Operation = _op("cosh", np.cosh, math.cosh, "sinh(x)")
cosh.vjp(lambda g, out, x: g * sinh(x))

arcsin = _op("arcsin", np.arcsin, math.asin, "1/√(1-x²)", edge_safe=True)
arcsin.vjp(lambda g, out, x: g / sqrt(1 - x * x))
arccos = _op("arccos", np.arccos, math.acos, "-1/√(1-x²)", edge_safe=True)
arccos.vjp(lambda g, out, x: -g / sqrt(1 - x * x))
arctan = _op("arctan", np.arctan, math.atan, "1/(1+x²)")
arctan.vjp(lambda g, out, x: g / (x * x + 1))
arcsinh = _op("arcsinh", np.arcsinh, math.asinh, "1/√(x²+1)")
arcsinh.vjp(lambda g, out, x: g / sqrt(x * x + 1))
arccosh = _op("arccosh", np.arccosh, math.acosh, "1/√(x²-1)", edge_safe=True)
arccosh.vjp(lambda g, out, x: g / sqrt(x * x - 1))
arctanh = _op("arctanh", np.arctanh, math.atanh, "1/(1-x²)", edge_safe=True)
arctanh.vjp(lambda g, out, x: g / (1 - x * x))


# ------------------------------------------------------------------ sigmoid family
def _sigmoid_array(x: np.ndarray) -> np.ndarray:
    # The textbook formula, bit-identical to the blog's NumPy code. Only where e ** -x
    # overflows (x < -709 in float64) is the warning silenced: there 1 / (1 + inf) = 0.
    if x.size and _min(x, None) < -_EXP_LIMIT.get(x.dtype.type, 80.0):
        with np.errstate(over="ignore"):
            return 1 / (1 + np.exp(-x))  # type: ignore[no-any-return]
    return 1 / (1 + np.exp(-x))  # type: ignore[no-any-return]


def _sigmoid_float(x: float) -> float:
    if x > -709.0:
        return 1.0 / (1.0 + math.exp(-x))  # the textbook formula, as the blog computes
    e = math.exp(x)  # here e ** -x would overflow; e / (1 + e) is the same value
    return e / (1.0 + e)


sigmoid = _op("sigmoid", _sigmoid_array, _sigmoid_float, "σ(x)(1-σ(x))")
sigmoid.vjp(lambda g, out, x: g * (out * (1 - out)))


def _logsigmoid_array(x: np.ndarray) -> np.ndarray:
    # min(x, 0) - log(1 + e^-|x|): no overflow for any x.
    return np.minimum(x, 0.0) - np.log1p(np.exp(-np.abs(x)))  # type: ignore[no-any-return]


logsigmoid = _op(
    "logsigmoid",
    _logsigmoid_array,
    lambda x: min(x, 0.0) - math.log1p(math.exp(-math.fabs(x))),
    "σ(-x)",
)
logsigmoid.vjp(lambda g, out, x: g * sigmoid(-x))


def _softplus_array(x: np.ndarray, beta: float, threshold: float) -> np.ndarray:
    bx = x * beta
    with np.errstate(over="ignore"):  # exp overflows only where the linear branch is taken
        return np.where(bx > threshold, x, np.log1p(np.exp(np.minimum(bx, threshold))) / beta)


def _softplus_float(x: float, beta: float, threshold: float) -> float:
    bx = x * beta
    return x if bx > threshold else math.log1p(math.exp(bx)) / beta


# As PyTorch: log(1 + e^(beta x)) / beta, and x itself where beta x > threshold.
softplus = _op(
    "softplus",
    _softplus_array,
    _softplus_float,
    "σ(beta x)",
    params={"beta": 1.0, "threshold": 20.0},
)


@softplus.vjp
def _softplus_rule(g: Any, out: Any, x: Any, beta: float, threshold: float) -> Any:
    return g * _choose(raw(x) * beta > threshold, 1.0, sigmoid(x * beta))


silu = _op("silu", lambda x: x * _sigmoid_array(x), lambda x: x * _sigmoid_float(x), "σ + xσ(1-σ)")


@silu.vjp
def _silu_rule(g: Any, out: Any, x: Any) -> Any:
    s = sigmoid(x)
    return g * (s * (1 + x * (1 - s)))


mish = _op(
    "mish",
    lambda x: x * np.tanh(_softplus_array(x, 1.0, 20.0)),
    lambda x: x * math.tanh(_softplus_float(x, 1.0, 20.0)),
    "tanh(softplus(x)) + x (1 - tanh²(softplus(x))) σ(x)",
    edge_safe=True,  # at x = ±inf the rule's inf * 0 is PyTorch's NaN
)


@mish.vjp
def _mish_rule(g: Any, out: Any, x: Any) -> Any:
    t = tanh(softplus(x))
    return g * (t + x * (1 - t * t) * sigmoid(x))


# ------------------------------------------------------------------ erf and gelu
_erf_each = np.frompyfunc(math.erf, 1, 1)


def _erf_array(x: np.ndarray) -> np.ndarray:
    # NumPy has no erf: math.erf element by element (exact to the last bit, not fast).
    dtype = x.dtype if x.dtype.kind == "f" else np.float64
    return np.asarray(_erf_each(x), dtype=dtype)


erf = _op("erf", _erf_array, math.erf, "2/√π e^(-x²)")
erf.vjp(lambda g, out, x: g * (exp(-(x * x)) * _TWO_OVER_SQRT_PI))

_SQRT_HALF = math.sqrt(0.5)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


def _check_approximate(approximate: str) -> None:
    if approximate not in ("none", "tanh"):
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")


def _gelu_array(x: np.ndarray, approximate: str) -> np.ndarray:
    _check_approximate(approximate)
    if approximate == "tanh":
        return 0.5 * x * (1 + np.tanh(_SQRT_2_OVER_PI * (x + 0.044715 * x**3)))
    return x * 0.5 * (1 + _erf_array(x * _SQRT_HALF))


def _gelu_float(x: float, approximate: str) -> float:
    _check_approximate(approximate)
    if approximate == "tanh":
        return 0.5 * x * (1 + math.tanh(_SQRT_2_OVER_PI * (x + 0.044715 * x**3)))
    return x * 0.5 * (1 + math.erf(x * _SQRT_HALF))


# As PyTorch: the exact x Φ(x), or its tanh approximation with approximate="tanh".
gelu = _op("gelu", _gelu_array, _gelu_float, "Φ(x) + x φ(x)", params={"approximate": "none"})


@gelu.vjp
def _gelu_rule(g: Any, out: Any, x: Any, approximate: str) -> Any:
    if approximate == "tanh":
        t = tanh((x + x * x * x * 0.044715) * _SQRT_2_OVER_PI)
        d_inner = (x * x * (3 * 0.044715) + 1) * _SQRT_2_OVER_PI
        return g * ((t + 1) * 0.5 + x * 0.5 * (1 - t * t) * d_inner)
    cdf = (erf(x * _SQRT_HALF) + 1) * 0.5
    pdf = exp(x * x * -0.5) * _INV_SQRT_2PI
    return g * (cdf + x * pdf)


# ------------------------------------------------------------------ two operands
def _logaddexp_float(a: float, b: float) -> float:
    if a != a or b != b:
        return math.nan
    if a == b:  # also both inf or both -inf, where a - b would be nan
        return a + _LN2
    return max(a, b) + math.log1p(math.exp(-math.fabs(a - b)))


logaddexp = _op(
    "logaddexp", np.logaddexp, _logaddexp_float, "σ(a-b), σ(b-a)", arity=2, edge_safe=True
)
# sigmoid(a - b) rather than exp(a - out): right where one operand is infinite.
logaddexp.vjp(lambda g, out, a, b: (g * sigmoid(a - b), g * sigmoid(b - a)))

arctan2 = _op("arctan2", np.arctan2, math.atan2, "b/(a²+b²), -a/(a²+b²)", arity=2, edge_safe=True)


@arctan2.vjp
def _arctan2_rule(g: Any, out: Any, a: Any, b: Any) -> Any:
    norm = a * a + b * b
    # At a = b = 0 the shares are 0 (with the signs of b and -a), as PyTorch gives.
    inverse = _choose(raw(norm) == 0, 0.0, reciprocal(norm))
    return (g * b * inverse, -g * a * inverse)


def _remainder_float(a: float, b: float) -> float:
    if b == 0.0:
        raise ZeroDivisionError("remainder by zero")
    return a % b


# a - b * floor(a / b): the sign of b, as Python's % and torch.remainder.
remainder = _op(
    "remainder", np.remainder, _remainder_float, "1, -floor(a/b)", arity=2, edge_safe=True
)
remainder.vjp(lambda g, out, a, b: (g * 1.0, -g * np.floor(raw(a) / raw(b))))


def _fmod_float(a: float, b: float) -> float:
    if b == 0.0:
        raise ZeroDivisionError("fmod by zero")
    return math.fmod(a, b)


# a - b * trunc(a / b): the sign of a, as C's fmod and torch.fmod.
fmod = _op("fmod", np.fmod, _fmod_float, "1, -trunc(a/b)", arity=2, edge_safe=True)
fmod.vjp(lambda g, out, a, b: (g * 1.0, -g * np.trunc(raw(a) / raw(b))))

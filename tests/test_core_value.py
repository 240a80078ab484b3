"""Value: every operation's forward, local gradients and backward, against analytic
derivatives and central finite differences (float64), plus exact edge cases."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any, NamedTuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd_core import Value
from autograd_core.testing import (
    away_from,
    finite_floats,
    gradcheck,
    numerical_grad,
    positive_floats,
    values,
)


def _sign(x: float) -> float:
    return 1.0 if x > 0 else -1.0 if x < 0 else 0.0


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


class Unary(NamedTuple):
    apply: Callable[[Any], Any]
    forward: Callable[[float], float]
    derivative: Callable[[float], float]
    domain: st.SearchStrategy[float]


UNARY: dict[str, Unary] = {
    "neg": Unary(lambda v: -v, lambda x: -x, lambda x: -1.0, finite_floats()),
    "abs": Unary(abs, abs, _sign, away_from((0.0,))),
    "exp": Unary(lambda v: v.exp(), math.exp, math.exp, finite_floats()),
    "log": Unary(lambda v: v.log(), math.log, lambda x: 1.0 / x, positive_floats()),
    "sqrt": Unary(lambda v: v.sqrt(), math.sqrt, lambda x: 0.5 / math.sqrt(x), positive_floats()),
    "tanh": Unary(
        lambda v: v.tanh(), math.tanh, lambda x: 1.0 - math.tanh(x) ** 2, finite_floats()
    ),
    "sigmoid": Unary(
        lambda v: v.sigmoid(),
        _sigmoid,
        lambda x: _sigmoid(x) * (1.0 - _sigmoid(x)),
        finite_floats(),
    ),
    "relu": Unary(
        lambda v: v.relu(),
        lambda x: max(x, 0.0),
        lambda x: 1.0 if x > 0 else 0.0,
        away_from((0.0,)),
    ),
    "sin": Unary(lambda v: v.sin(), math.sin, math.cos, finite_floats()),
    "cos": Unary(lambda v: v.cos(), math.cos, lambda x: -math.sin(x), finite_floats()),
}


class Binary(NamedTuple):
    apply: Callable[[Any, Any], Any]
    forward: Callable[[float, float], float]
    partials: Callable[[float, float], tuple[float, float]]
    left: st.SearchStrategy[float]
    right: st.SearchStrategy[float]


BINARY: dict[str, Binary] = {
    "+": Binary(
        lambda a, b: a + b,
        lambda a, b: a + b,
        lambda a, b: (1.0, 1.0),
        finite_floats(),
        finite_floats(),
    ),
    "-": Binary(
        lambda a, b: a - b,
        lambda a, b: a - b,
        lambda a, b: (1.0, -1.0),
        finite_floats(),
        finite_floats(),
    ),
    "*": Binary(
        lambda a, b: a * b,
        lambda a, b: a * b,
        lambda a, b: (b, a),
        finite_floats(),
        finite_floats(),
    ),
    "/": Binary(
        lambda a, b: a / b,
        lambda a, b: a / b,
        lambda a, b: (1.0 / b, -a / (b * b)),
        finite_floats(),
        away_from((0.0,), margin=0.2),
    ),
    "**": Binary(
        lambda a, b: a**b,
        lambda a, b: a**b,
        lambda a, b: (b * a ** (b - 1.0), a**b * math.log(a)),
        positive_floats(0.1, 5.0),
        finite_floats(-3.0, 3.0),
    ),
}

_REL = 1e-12


# ---------------------------------------------------------------------------- unary ops
@pytest.mark.parametrize("name", sorted(UNARY))
@given(data=st.data())
def test_unary_matches_finite_differences(name: str, data: st.DataObject) -> None:
    case = UNARY[name]
    x = data.draw(case.domain, label="x")
    assert gradcheck(case.apply, x)


@pytest.mark.parametrize("name", sorted(UNARY))
@given(data=st.data())
def test_unary_forward_backward_and_local_grads(name: str, data: st.DataObject) -> None:
    case = UNARY[name]
    x = data.draw(case.domain, label="x")
    v = Value(x)
    y = case.apply(v)
    assert isinstance(y, Value)
    assert y.data == pytest.approx(case.forward(x), rel=_REL, abs=1e-300)
    assert y.parents == (v,)
    assert y.op != "" and not y.is_leaf
    assert y.local_grads == pytest.approx((case.derivative(x),), rel=1e-9, abs=1e-300)
    y.backward()
    assert isinstance(v.grad, float)
    assert v.grad == pytest.approx(case.derivative(x), rel=1e-9, abs=1e-300)
    assert y.grad == 1.0


@given(values())
def test_values_strategy_gives_leaves_that_differentiate(v: Value) -> None:
    assert isinstance(v, Value) and v.is_leaf and v.grad == 0.0
    y = v * v + v.tanh()
    y.backward()
    assert v.grad == pytest.approx(2 * v.data + 1 - math.tanh(v.data) ** 2, rel=1e-12, abs=1e-12)


# ---------------------------------------------------------------------------- binary ops
@pytest.mark.parametrize("op", sorted(BINARY))
@given(data=st.data())
def test_binary_value_value(op: str, data: st.DataObject) -> None:
    case = BINARY[op]
    a = data.draw(case.left, label="a")
    b = data.draw(case.right, label="b")
    assert gradcheck(case.apply, a, b)
    va, vb = Value(a), Value(b)
    y = case.apply(va, vb)
    assert y.data == pytest.approx(case.forward(a, b), rel=_REL, abs=1e-300)
    assert y.op == op
    assert y.parents[0] is va and y.parents[1] is vb  # argument order kept
    da, db = case.partials(a, b)
    assert y.local_grads == pytest.approx((da, db), rel=1e-9, abs=1e-12)
    y.backward()
    assert va.grad == pytest.approx(da, rel=1e-9, abs=1e-12)
    assert vb.grad == pytest.approx(db, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("op", sorted(BINARY))
@given(data=st.data())
def test_binary_value_with_number_on_the_right(op: str, data: st.DataObject) -> None:
    case = BINARY[op]
    a = data.draw(case.left, label="a")
    b = data.draw(case.right, label="b")
    assert gradcheck(lambda v: case.apply(v, b), a)
    v = Value(a)
    y = case.apply(v, b)
    assert y.data == pytest.approx(case.forward(a, b), rel=_REL, abs=1e-300)
    assert y.parents[0] is v
    assert y.parents[1].is_constant and y.parents[1].data == b
    y.backward()
    assert v.grad == pytest.approx(case.partials(a, b)[0], rel=1e-9, abs=1e-12)
    assert y.parents[1].grad == 0.0  # numbers mixed in are not differentiated


@pytest.mark.parametrize("op", sorted(BINARY))
@given(data=st.data())
def test_binary_number_with_value_on_the_right(op: str, data: st.DataObject) -> None:
    case = BINARY[op]
    a = data.draw(case.left, label="a")
    b = data.draw(case.right, label="b")
    assert gradcheck(lambda v: case.apply(a, v), b)
    v = Value(b)
    y = case.apply(a, v)  # the reflected operator: number (op) Value
    assert isinstance(y, Value)
    assert y.data == pytest.approx(case.forward(a, b), rel=_REL, abs=1e-300)
    assert y.parents[1] is v
    assert y.parents[0].is_constant and y.parents[0].data == a
    y.backward()
    assert v.grad == pytest.approx(case.partials(a, b)[1], rel=1e-9, abs=1e-12)
    assert y.parents[0].grad == 0.0


@given(x=away_from((0.0,), margin=0.1, min_value=-4.0, max_value=4.0), n=st.integers(-3, 4))
def test_integer_power_of_any_sign(x: float, n: int) -> None:
    assert gradcheck(lambda v: v**n, x)
    v = Value(x)
    y = v**n
    assert y.data == pytest.approx(x**n, rel=_REL)
    y.backward()
    assert v.grad == pytest.approx(n * x ** (n - 1) if n else 0.0, rel=1e-9, abs=1e-12)


@given(x=finite_floats(-5.0, 5.0))
def test_two_to_the_value(x: float) -> None:
    v = Value(x)
    y = 2**v
    assert y.data == pytest.approx(2.0**x, rel=_REL)
    y.backward()
    assert v.grad == pytest.approx(2.0**x * math.log(2.0), rel=1e-12)
    assert gradcheck(lambda u: 2**u, x)


@given(x=finite_floats())
def test_unary_plus_is_identity(x: float) -> None:
    v = Value(x)
    assert (+v) is v


def test_numpy_scalars_mix_like_numbers() -> None:
    import numpy as np

    v = Value(3.0)
    cases = [
        (v * np.float64(2.0), 6.0),
        (np.float64(2.0) * v, 6.0),
        (v + np.int64(2), 5.0),
        (np.float32(2.0) - v, -1.0),
        (np.float64(2.0) ** v, 8.0),
    ]
    for y, expected in cases:
        assert isinstance(y, Value) and y.data == expected


# ---------------------------------------------------------------------------- exact cases
def test_blog_style_example_exact() -> None:
    # L = (a*b + c) * f with a=2, b=-3, c=10, f=-2 (micrograd's classic example)
    a, b, c, f = Value(2.0, "a"), Value(-3.0, "b"), Value(10.0, "c"), Value(-2.0, "f")
    e = a * b
    d = e + c
    L = d * f
    assert L.data == -8.0
    assert d.local_grads == (1.0, 1.0)
    assert L.local_grads == (-2.0, 4.0)
    L.backward()
    assert (a.grad, b.grad, c.grad, f.grad, d.grad, e.grad) == (6.0, -4.0, -2.0, 4.0, -2.0, -2.0)
    assert a.label == "a" and L.label is None


def test_relu_and_abs_derivative_at_zero_is_zero() -> None:
    for op in (lambda v: v.relu(), abs):
        v = Value(0.0)
        y = op(v)
        assert y.data == 0.0
        assert y.local_grads == (0.0,)
        y.backward()
        assert v.grad == 0.0


def test_relu_of_negative() -> None:
    v = Value(-2.5)
    y = v.relu()
    y.backward()
    assert y.data == 0.0 and v.grad == 0.0


@pytest.mark.parametrize("x", [1000.0, -1000.0, 1e308, -1e308, 710.0, -710.0])
def test_sigmoid_and_tanh_never_overflow_or_warn(x: float) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        v = Value(x)
        s = v.sigmoid()
        t = v.tanh()
        (s + t).backward()
    expected = 1.0 if x > 0 else math.exp(x)  # e**x underflows gracefully to 0
    assert s.data == pytest.approx(expected, rel=1e-12, abs=0.0)
    assert t.data == math.copysign(1.0, x)
    assert t.local_grads == (0.0,)
    assert s.local_grads[0] == pytest.approx(expected * (1.0 - expected), rel=1e-12, abs=0.0)
    assert v.grad == s.local_grads[0]
    if abs(x) >= 1000.0:
        assert s.data == (1.0 if x > 0 else 0.0) and v.grad == 0.0


def test_sigmoid_is_accurate_in_the_left_tail() -> None:
    # 1 / (1 + e**30) computed stably: relative accuracy, not just "close to 0".
    assert Value(-30.0).sigmoid().data == pytest.approx(9.357622968839299e-14, rel=1e-12)
    assert Value(0.0).sigmoid().data == 0.5


@pytest.mark.parametrize("x", [0.0, -1.0, -1e-300])
def test_log_outside_domain_names_op_and_value(x: float) -> None:
    with pytest.raises(ValueError) as info:
        Value(x).log()
    message = str(info.value)
    assert "log" in message and repr(x) in message


def test_sqrt_of_negative_names_op_and_value() -> None:
    with pytest.raises(ValueError) as info:
        Value(-1.0).sqrt()
    assert "sqrt" in str(info.value) and "-1.0" in str(info.value)


def test_sqrt_of_zero_forward_is_zero() -> None:
    assert Value(0.0).sqrt().data == 0.0


def test_exp_overflow_names_exp() -> None:
    with pytest.raises(OverflowError) as info:
        Value(1000.0).exp()
    assert "exp" in str(info.value) and "1000" in str(info.value)
    assert Value(709.0).exp().data == pytest.approx(math.exp(709.0))


def test_zero_to_negative_power_is_zero_division() -> None:
    with pytest.raises(ZeroDivisionError) as info:
        Value(0.0) ** -1
    assert "**" in str(info.value)


def test_negative_base_fractional_exponent_is_value_error() -> None:
    with pytest.raises(ValueError) as info:
        Value(-8.0) ** (1 / 3)
    assert "**" in str(info.value) and "-8.0" in str(info.value)


def test_division_by_zero_value() -> None:
    with pytest.raises(ZeroDivisionError):
        Value(1.0) / Value(0.0)
    with pytest.raises(ZeroDivisionError):
        1.0 / Value(0.0)


def test_sqrt_backward_at_zero_is_infinite_or_a_helpful_error() -> None:
    # The forward is fine (sqrt(0) = 0); d/dx sqrt(x) at 0 is +inf. Either the gradient
    # says so (as Tensor does) or the error names the operation.
    v = Value(0.0)
    y = v.sqrt()
    try:
        y.backward()
    except (ZeroDivisionError, ValueError, OverflowError) as exc:
        assert "sqrt" in str(exc), f"unhelpful error: {exc!r}"
    else:
        assert v.grad == math.inf


def test_pow_derivative_special_cases() -> None:
    v = Value(0.0)
    (v**2).backward()
    assert v.grad == 0.0
    v = Value(0.0)
    (v**1).backward()
    assert v.grad == 1.0
    v = Value(-3.0)
    (v**0).backward()
    assert v.grad == 0.0
    base, exponent = Value(0.0), Value(2.0)
    y = base**exponent
    y.backward()
    assert y.data == 0.0 and base.grad == 0.0 and exponent.grad == 0.0  # d/db at a=0: limit 0


def test_value_exponent_with_negative_base_has_a_nan_exponent_gradient() -> None:
    # As PyTorch: the forward is fine, d/db = a**b log(a) is undefined for a < 0, so nan.
    a, b = Value(-2.0), Value(2.0)
    y = a**b
    assert y.data == 4.0
    y.backward()
    assert a.grad == -4.0 and math.isnan(b.grad)


# ---------------------------------------------------------------------------- inspection
def test_inspection_attributes() -> None:
    x = Value(2, label="x")
    assert isinstance(x.data, float) and x.data == 2.0
    assert x.grad == 0.0 and x.label == "x" and x.op == "" and x.parents == ()
    assert x.local_grads == () and x.is_leaf and not x.is_constant
    y = x * 3
    assert y.op == "*" and isinstance(y.parents, tuple) and len(y.parents) == 2
    assert float(y) == 6.0 and y.item() == 6.0
    assert "data=6.0" in repr(y)
    with pytest.raises(TypeError):
        Value("2")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Value(x)  # type: ignore[arg-type]


def test_numerical_grad_agrees_on_a_composite() -> None:
    f = lambda a, b: (a * b).sin() + (a / b).exp() - b.sigmoid() * a.tanh()
    a, b = 0.7, -1.3
    numeric = numerical_grad(f, a, b)
    va, vb = Value(a), Value(b)
    f(va, vb).backward()
    assert va.grad == pytest.approx(numeric[0], rel=1e-7)
    assert vb.grad == pytest.approx(numeric[1], rel=1e-7)

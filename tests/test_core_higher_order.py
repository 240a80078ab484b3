"""Higher order: second derivatives of every unary op (Value and Tensor) against the analytic
ones, gradgradcheck over all ops, Hessian-vector products, the functional grad API."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograd_core import (
    Tensor,
    Value,
    concatenate,
    grad,
    maximum,
    minimum,
    stack,
    value_and_grad,
    where,
)
from autograd_core.testing import (
    away_from,
    finite_floats,
    gradgradcheck,
    numerical_grad,
    positive_floats,
    tensors,
)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


class Second(NamedTuple):
    apply: Callable[[Any], Any]
    second: Callable[[float], float]
    domain: st.SearchStrategy[float]


# d2/dx2 of each unary operation, written out by hand.
VALUE_SECOND: dict[str, Second] = {
    "neg": Second(lambda v: -v, lambda x: 0.0, finite_floats()),
    "abs": Second(abs, lambda x: 0.0, away_from((0.0,))),
    "exp": Second(lambda v: v.exp(), math.exp, finite_floats()),
    "log": Second(lambda v: v.log(), lambda x: -1.0 / x**2, positive_floats()),
    "sqrt": Second(lambda v: v.sqrt(), lambda x: -0.25 * x**-1.5, positive_floats()),
    "tanh": Second(
        lambda v: v.tanh(),
        lambda x: -2.0 * math.tanh(x) * (1.0 - math.tanh(x) ** 2),
        finite_floats(),
    ),
    "sigmoid": Second(
        lambda v: v.sigmoid(),
        lambda x: _sigmoid(x) * (1 - _sigmoid(x)) * (1 - 2 * _sigmoid(x)),
        finite_floats(),
    ),
    "relu": Second(lambda v: v.relu(), lambda x: 0.0, away_from((0.0,))),
    "sin": Second(lambda v: v.sin(), lambda x: -math.sin(x), finite_floats()),
    "cos": Second(lambda v: v.cos(), lambda x: -math.cos(x), finite_floats()),
    "square": Second(lambda v: v**2, lambda x: 2.0, finite_floats()),
    "cube": Second(lambda v: v**3, lambda x: 6.0 * x, finite_floats()),
    "reciprocal": Second(lambda v: 1 / v, lambda x: 2.0 / x**3, away_from((0.0,), 0.3)),
    "power_1.5": Second(lambda v: v**1.5, lambda x: 0.75 * x**-0.5, positive_floats()),
    "two_to_the": Second(
        lambda v: 2**v, lambda x: 2.0**x * math.log(2.0) ** 2, finite_floats(-5.0, 5.0)
    ),
}


@pytest.mark.parametrize("name", sorted(VALUE_SECOND))
@given(data=st.data())
def test_value_second_derivative_via_grad_of_grad(name: str, data: st.DataObject) -> None:
    case = VALUE_SECOND[name]
    x = data.draw(case.domain, label="x")
    d2 = grad(grad(case.apply))(x)
    assert isinstance(d2, float)
    assert d2 == pytest.approx(case.second(x), rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("name", sorted(VALUE_SECOND))
@given(data=st.data())
def test_value_second_derivative_via_create_graph(name: str, data: st.DataObject) -> None:
    case = VALUE_SECOND[name]
    x = data.draw(case.domain, label="x")
    v = Value(x)
    case.apply(v).backward(create_graph=True)
    first = v.grad
    assert isinstance(first, Value), "create_graph=True makes .grad a Value"
    v.zero_grad()
    if first.is_constant or first.is_leaf:
        second = 0.0  # the first derivative does not depend on x (e.g. neg, abs, relu)
    else:
        first.backward()
        second = v.grad
    assert isinstance(second, float)
    assert second == pytest.approx(case.second(x), rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("name", sorted(VALUE_SECOND))
@settings(max_examples=10)
@given(data=st.data())
def test_value_gradgradcheck_unary(name: str, data: st.DataObject) -> None:
    case = VALUE_SECOND[name]
    x = data.draw(case.domain, label="x")
    assert gradgradcheck(case.apply, x)


VALUE_BINARY: dict[str, tuple[Callable[[Any, Any], Any], tuple[float, float]]] = {
    "+": (lambda a, b: (a + b) * (a - b * 0.5), (0.7, -1.3)),
    "-": (lambda a, b: (a - b) * (a - b), (0.7, -1.3)),
    "*": (lambda a, b: a * b * a, (0.7, -1.3)),
    "/": (lambda a, b: a / b, (0.7, -1.3)),
    "number/": (lambda a, b: 3.0 / (a * b), (0.7, -1.3)),
    "**": (lambda a, b: a**b, (1.7, -1.3)),
    "number**": (lambda a, b: 1.5 ** (a * b), (0.7, -1.3)),
    "**number": (lambda a, b: (a * b) ** 3, (0.7, -1.3)),
    "mixed": (lambda a, b: (a * b).sin() + (a / b).exp() - b.sigmoid() * a.tanh(), (0.7, -1.3)),
}


@pytest.mark.parametrize("name", sorted(VALUE_BINARY))
def test_value_gradgradcheck_binary(name: str) -> None:
    fn, point = VALUE_BINARY[name]
    assert gradgradcheck(fn, *point)


# ---------------------------------------------------------------------------- grad(grad(...))
@given(x=finite_floats())
def test_grad_grad_grad_of_cube(x: float) -> None:
    f = lambda v: v**3
    assert grad(f)(x) == pytest.approx(3 * x * x, rel=1e-12, abs=1e-12)
    assert grad(grad(f))(x) == pytest.approx(6 * x, rel=1e-12, abs=1e-12)
    assert grad(grad(grad(f)))(x) == pytest.approx(6.0, rel=1e-12)


def test_grad_of_grad_at_exact_points() -> None:
    f = lambda v: v**3
    assert grad(grad(f))(2.0) == 12.0
    assert grad(grad(grad(f)))(2.0) == 6.0
    assert grad(grad(grad(grad(f))))(2.0) == 0.0
    assert grad(grad(grad(f)))(0.0) == 6.0
    assert grad(grad(lambda v: v.tanh()))(0.0) == 0.0


def test_grad_returns_values_for_values_and_numbers_for_numbers() -> None:
    f = lambda v: v * v * v
    assert isinstance(grad(f)(2.0), float)
    v = Value(2.0)
    g = grad(f)(v)
    assert isinstance(g, Value) and g.data == 12.0
    g.backward()
    assert v.grad == 12.0  # d/dv of 3 v**2 at 2


def test_grad_composes_with_a_closed_over_value() -> None:
    # d/dy [ d/dx (x * y)^2 ] = d/dy [ 2 x y^2 ] = 4 x y
    def inner(x: Any, y: Any) -> Any:
        return grad(lambda u: (u * y) ** 2)(x)

    assert grad(inner, argnums=1)(1.5, 2.0) == pytest.approx(4 * 1.5 * 2.0)


# ---------------------------------------------------------------------------- value_and_grad
def test_value_and_grad_with_argnums_tuples() -> None:
    f = lambda a, b, c: a * b + c**2
    value, grads = value_and_grad(f, argnums=(0, 2))(2.0, 3.0, 4.0)
    assert value == 22.0
    assert grads == (3.0, 8.0)
    value, grads = value_and_grad(f, argnums=(2, 0, 1))(2.0, 3.0, 4.0)
    assert grads == (8.0, 3.0, 2.0)
    value, g = value_and_grad(f, argnums=-1)(2.0, 3.0, 4.0)
    assert g == 8.0
    assert grad(f, argnums=1)(2.0, 3.0, 4.0) == 2.0


def test_value_and_grad_of_a_function_not_using_an_argument() -> None:
    value, grads = value_and_grad(lambda a, b: a * 2.0, argnums=(0, 1))(5.0, 7.0)
    assert value == 10.0 and grads == (2.0, 0.0)


def test_value_and_grad_with_arrays_and_tensors() -> None:
    f = lambda w, x: ((w @ x).tanh() ** 2).sum()
    w = np.array([[0.1, -0.2, 0.3], [0.5, 0.4, -0.6]])
    x = np.array([1.0, 2.0, -1.0])
    value, (gw, gx) = value_and_grad(f, argnums=(0, 1))(w, x)
    assert isinstance(value, float)
    assert isinstance(gw, np.ndarray) and gw.shape == w.shape
    assert isinstance(gx, np.ndarray) and gx.shape == x.shape
    numeric_w, numeric_x = numerical_grad(f, w, x)
    np.testing.assert_allclose(gw, numeric_w, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(gx, numeric_x, rtol=1e-6, atol=1e-9)
    assert value == pytest.approx(float(np.sum(np.tanh(w @ x) ** 2)), rel=1e-14)
    # Tensors in, differentiable Tensors out
    tw = Tensor(w, requires_grad=True)
    g = grad(f)(tw, x)
    assert isinstance(g, Tensor)
    np.testing.assert_allclose(g.data, numeric_w, rtol=1e-6, atol=1e-9)


def test_grad_of_grad_with_tensors_is_elementwise_second_derivative() -> None:
    x = np.array([-1.5, 0.2, 2.0])
    first = grad(lambda t: (t**3).sum())
    second = grad(lambda t: first(t).sum())
    np.testing.assert_allclose(first(x), 3 * x**2, rtol=1e-14)
    np.testing.assert_allclose(second(x), 6 * x, rtol=1e-14)


# ---------------------------------------------------------------------------- no side effects
def test_grad_does_not_modify_existing_grads() -> None:
    x = Value(2.0)
    y = x * x
    z = y * 3
    z.backward()
    before = (x.grad, y.grad, z.grad)
    # As in JAX, grad differentiates with respect to the argument: y and z, which the
    # function closes over, are held fixed even though they were computed from x.
    g = grad(lambda v: v * y + z)(x)
    assert g.data == y.data
    assert (x.grad, y.grad, z.grad) == before
    w = Value(5.0)
    assert grad(lambda v: v * y)(w).data == y.data  # a fresh input: y is a given number
    # and when the input is an interior node
    grad(lambda v: v * v)(y)
    assert (x.grad, y.grad, z.grad) == before


def test_grad_does_not_modify_existing_tensor_grads() -> None:
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    before = x.grad.copy()
    g = grad(lambda t: (t * x).sum())(x)  # d/dt with the closed-over x held fixed
    np.testing.assert_array_equal(g.data, x.data)
    np.testing.assert_array_equal(x.grad, before)
    assert y.grad == 1.0


def test_grad_under_no_grad_still_differentiates() -> None:
    from autograd_core import no_grad

    with no_grad():
        assert grad(lambda v: v * v)(3.0) == 6.0


# ---------------------------------------------------------------------------- create_graph
def test_create_graph_makes_grad_a_value_and_plain_backward_a_float() -> None:
    x = Value(3.0)
    (x**3).backward()
    assert type(x.grad) is float and x.grad == 27.0
    x = Value(3.0)
    (x**3).backward(create_graph=True)
    g = x.grad
    assert isinstance(g, Value) and g.data == 27.0
    x.zero_grad()
    g.backward()
    assert x.grad == 18.0


def test_create_graph_makes_grad_a_tensor_and_plain_backward_an_array() -> None:
    x = Tensor([1.0, 2.0], requires_grad=True)
    (x**3).sum().backward()
    assert type(x.grad) is np.ndarray
    x = Tensor([1.0, 2.0], requires_grad=True)
    (x**3).sum().backward(create_graph=True)
    g = x.grad
    assert isinstance(g, Tensor) and g.requires_grad
    np.testing.assert_array_equal(g.data, [3.0, 12.0])
    x.zero_grad()
    g.sum().backward()
    np.testing.assert_array_equal(x.grad, [6.0, 12.0])


# ---------------------------------------------------------------------------- Tensor unary
def _np_sigmoid(x: np.ndarray) -> np.ndarray:
    return np.exp(-np.logaddexp(0.0, -x))


TENSOR_SECOND: dict[str, tuple[Callable[[Any], Any], Callable[[np.ndarray], np.ndarray], Any]] = {
    "neg": (lambda t: -t, np.zeros_like, finite_floats()),
    "exp": (lambda t: t.exp(), np.exp, finite_floats()),
    "log": (lambda t: t.log(), lambda x: -1.0 / x**2, positive_floats()),
    "sqrt": (lambda t: t.sqrt(), lambda x: -0.25 * x**-1.5, positive_floats()),
    "abs": (lambda t: t.abs(), np.zeros_like, away_from((0.0,))),
    "tanh": (
        lambda t: t.tanh(),
        lambda x: -2 * np.tanh(x) * (1 - np.tanh(x) ** 2),
        finite_floats(),
    ),
    "sigmoid": (
        lambda t: t.sigmoid(),
        lambda x: _np_sigmoid(x) * (1 - _np_sigmoid(x)) * (1 - 2 * _np_sigmoid(x)),
        finite_floats(),
    ),
    "relu": (lambda t: t.relu(), np.zeros_like, away_from((0.0,))),
    "clip": (lambda t: t.clip(-1.0, 1.0), np.zeros_like, away_from((-1.0, 1.0))),
    "square": (lambda t: t**2, lambda x: np.full_like(x, 2.0), finite_floats()),
    "cube": (lambda t: t**3, lambda x: 6 * x, finite_floats()),
    "reciprocal": (lambda t: 1.0 / t, lambda x: 2 / x**3, away_from((0.0,), 0.3)),
    "two_to_the": (lambda t: 2.0**t, lambda x: 2.0**x * np.log(2.0) ** 2, finite_floats(-5, 5)),
    "x_relu_x": (lambda t: t * t.relu(), lambda x: 2.0 * (x > 0), away_from((0.0,))),
    "x_abs_x": (lambda t: t * t.abs(), lambda x: 2.0 * np.sign(x), away_from((0.0,))),
    "x_clip_x": (
        lambda t: t * t.clip(-1.0, 1.0),
        lambda x: 2.0 * (np.abs(x) < 1),
        away_from((-1.0, 1.0)),
    ),
}


@pytest.mark.parametrize("name", sorted(TENSOR_SECOND))
@given(data=st.data())
def test_tensor_second_derivative_elementwise(name: str, data: st.DataObject) -> None:
    apply, second, domain = TENSOR_SECOND[name]
    shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=2, max_side=3), label="shape")
    x = data.draw(tensors(shape, elements=domain), label="x")
    d1 = grad(lambda t: apply(t).sum())
    d2 = grad(lambda t: d1(t).sum())(x.data)
    assert isinstance(d2, np.ndarray) and d2.shape == x.shape and d2.dtype == np.float64
    np.testing.assert_allclose(d2, second(x.data), rtol=1e-9, atol=1e-12)
    # the same through backward(create_graph=True)
    apply(x).sum().backward(create_graph=True)
    g = x.grad
    assert isinstance(g, Tensor)
    x.zero_grad()
    if g.requires_grad:
        g.sum().backward()
        np.testing.assert_allclose(x.grad, second(x.data), rtol=1e-9, atol=1e-12)
    else:
        np.testing.assert_array_equal(second(x.data), 0.0)


# ---------------------------------------------------------------------------- gradgradcheck
_rng = np.random.default_rng(3)
_A = _rng.normal(size=(2, 3))
_B = _rng.normal(size=(3,))
_P = _rng.uniform(0.5, 2.0, size=(2, 3))
_M = _rng.normal(size=(3, 4))
_BATCH = _rng.normal(size=(2, 2, 3))
_DISTINCT = np.array([[0.5, -1.5, 2.0], [3.0, -0.25, 1.0]])


def _sq(t: Any) -> Any:
    return (t * t).sum()


TENSOR_OPS: dict[str, tuple[Callable[..., Any], tuple[np.ndarray, ...]]] = {
    "add": (lambda a, b: _sq(a + b), (_A, _B)),
    "sub": (lambda a, b: _sq(a - b), (_A, _B)),
    "mul": (lambda a, b: (a * b * a).sum(), (_A, _B)),
    "div": (lambda a, b: (a / b).sum(), (_A, _P)),
    "rdiv": (lambda a: (2.0 / a).sum(), (_P,)),
    "pow": (lambda a, b: (a**b).sum(), (_P, _B)),
    "pow_number": (lambda a: (a**3).sum() + (a**2).sum(), (_A,)),
    "rpow": (lambda a: (1.5**a).sum(), (_A,)),
    "neg": (lambda a: _sq(-a), (_A,)),
    "maximum": (lambda a, b: _sq(maximum(a, b)), (_A, _B)),
    "minimum": (lambda a, b: _sq(minimum(a, b)), (_A, _B)),
    "where": (lambda a, b: _sq(where(_A > 0, a, b)), (_A, _B)),
    "matmul_2d": (lambda a, m: _sq(a @ m), (_A, _M)),
    "matmul_vec": (lambda a, b: _sq(a @ b), (_A, _B)),
    "matmul_vec_vec": (lambda b, c: _sq(b @ c), (_B, _B * 2)),
    "matmul_batched": (lambda x, m: _sq(x @ m), (_BATCH, _M)),
    "sum_axis": (lambda a: _sq(a.sum(axis=0)), (_A,)),
    "mean_keepdims": (lambda a: _sq(a.mean(axis=1, keepdims=True) * a), (_A,)),
    "max": (lambda a: _sq(a.max(axis=1)), (_DISTINCT,)),
    "min": (lambda a: _sq(a.min()), (_DISTINCT,)),
    "reshape": (lambda a: _sq(a.reshape(3, 2) @ a), (_A,)),
    "transpose": (lambda a: _sq(a.T @ a), (_A,)),
    "transpose_axes": (lambda x: _sq(x.transpose(2, 0, 1) * x.transpose(2, 0, 1)), (_BATCH,)),
    "index_basic": (lambda a: _sq(a[::-1, 1:] * a[0, None, 1:]), (_A,)),
    "index_advanced": (lambda a: _sq(a[[0, 0, 1], [2, 2, 1]] * a[1, 0]), (_A,)),
    "index_mask": (lambda a: _sq(a[_A > 0] * a.sum()), (_A,)),
    "exp": (lambda a: a.exp().sum(), (_A,)),
    "log": (lambda a: a.log().sum(), (_P,)),
    "sqrt": (lambda a: a.sqrt().sum(), (_P,)),
    "abs": (lambda a: _sq(a.abs() * a), (_A,)),
    "tanh": (lambda a: a.tanh().sum(), (_A,)),
    "sigmoid": (lambda a: a.sigmoid().sum(), (_A,)),
    "relu": (lambda a: _sq(a.relu() * a), (_A,)),
    "clip": (lambda a: _sq(a.clip(-0.5, 0.5) * a), (_A,)),
    "softmax": (lambda a: (a.softmax() * _P).sum(), (_A,)),
    "softmax_axis0": (lambda a: (a.softmax(axis=0) * _P).sum(), (_A,)),
    "log_softmax": (lambda a: (a.log_softmax() * _P).sum(), (_A,)),
    "logsumexp": (lambda a: _sq(a.logsumexp(axis=1)), (_A,)),
    "logsumexp_all": (lambda a: a.logsumexp() * a.sum(), (_A,)),
    "concatenate": (lambda a, b: _sq(concatenate([a, b[None, :], a], axis=0)), (_A, _B)),
    "stack": (lambda a, p: _sq(stack([a, p * a], axis=1)), (_A, _P)),
    "broadcast_to": (lambda b: _sq(b.broadcast_to((2, 3)) * b), (_B,)),
}


@pytest.mark.parametrize("name", sorted(TENSOR_OPS))
def test_tensor_gradgradcheck(name: str) -> None:
    fn, inputs = TENSOR_OPS[name]
    assert gradgradcheck(fn, *inputs)


# ---------------------------------------------------------------------------- Hessian-vector
def _hvp_function(x: Tensor) -> Tensor:
    w = Tensor(np.array([[0.3, -0.2, 0.5], [0.1, 0.4, -0.3]]))
    return (w @ x).tanh().sum() + (x**3).sum() / 3.0 + (x.softmax() * Tensor(_B)).sum()


def test_hessian_vector_product_matches_finite_differences_of_the_gradient() -> None:
    x0 = np.array([0.4, -0.7, 1.1])
    v = np.array([1.0, -2.0, 0.5])
    x = Tensor(x0, requires_grad=True)
    _hvp_function(x).backward(create_graph=True)
    g = x.grad
    assert isinstance(g, Tensor)
    x.zero_grad()
    (g * v).sum().backward()
    hvp = x.grad

    def gradient_at(point: np.ndarray) -> np.ndarray:
        t = Tensor(point, requires_grad=True)
        _hvp_function(t).backward()
        return t.grad

    eps = 1e-5
    numeric = (gradient_at(x0 + eps * v) - gradient_at(x0 - eps * v)) / (2 * eps)
    np.testing.assert_allclose(hvp, numeric, rtol=1e-7, atol=1e-9)
    # and through the functional API
    hvp_fn = grad(lambda t: (grad(_hvp_function)(t) * v).sum())
    np.testing.assert_allclose(hvp_fn(x0), numeric, rtol=1e-7, atol=1e-9)


def test_full_hessian_of_a_quadratic_form_is_exact() -> None:
    a = np.array([[2.0, 1.0], [1.0, 3.0]])
    f = lambda t: (t @ (Tensor(a) @ t)) * 0.5
    for e in np.eye(2):
        row = grad(lambda t, e=e: (grad(f)(t) * e).sum())(np.array([0.3, -0.8]))
        # The Hessian does not depend on t: integers and halves, exact on any BLAS kernel.
        np.testing.assert_array_equal(row, a @ e)


def test_create_graph_with_float32_leaf_and_float64_constant() -> None:
    t = Tensor(np.ones(3, dtype=np.float32), requires_grad=True)
    (t * t * np.array([1.0, 2.0, 3.0])).sum().backward(create_graph=True)
    g = t.grad
    assert isinstance(g, Tensor) and g.dtype == np.float32
    np.testing.assert_array_equal(g.data, [2.0, 4.0, 6.0])
    t.zero_grad()
    g.sum().backward()
    assert t.grad.dtype == np.float32
    np.testing.assert_array_equal(t.grad, [2.0, 4.0, 6.0])


def test_create_graph_pow_at_zero_base_matches_plain_backward() -> None:
    for exponent in (0, 0.5, 1, 2, 3):
        plain, graph = Value(0.0), Value(0.0)
        (plain**exponent).backward()
        (graph**exponent).backward(create_graph=True)
        assert float(graph.grad.data) == plain.grad, exponent


def test_grad_of_the_same_node_at_two_positions_gives_the_partials() -> None:
    x = Value(3.0)
    ga, gb = grad(lambda a, b: a * b, argnums=(0, 1))(x, x)  # nodes in, nodes out
    assert (ga.data, gb.data) == (3.0, 3.0)
    assert grad(lambda a, b: a * b, argnums=(0, 1))(3.0, 3.0) == (3.0, 3.0)
    t = Tensor([1.0, 2.0], requires_grad=True)
    ta, tb = grad(lambda a, b: (a * b * b).sum(), argnums=(0, 1))(t, t)
    np.testing.assert_array_equal(ta.data, [1.0, 4.0])  # b * b
    np.testing.assert_array_equal(tb.data, [2.0, 8.0])  # 2 a b


@pytest.mark.parametrize("name", ["elu", "celu"])
@pytest.mark.parametrize("alpha", [1.0, 0.5])
@pytest.mark.parametrize("x", [0.0, -0.0])
def test_elus_second_derivative_at_zero_is_pytorchs(name: str, alpha: float, x: float) -> None:
    # PyTorch 2.13 (float64): F.elu at 0 has first derivative alpha (F.celu: 1) and second
    # derivative 0, the right-hand side's.
    from autograd_core import Tensor, Value, autograd

    first = alpha if name == "elu" else 1.0
    v = Value(x)
    (dv,) = autograd.grad(getattr(v, name)(alpha=alpha), [v], create_graph=True)
    (d2v,) = autograd.grad(dv, [v])
    assert (float(dv.data), float(d2v)) == (first, 0.0)
    t = Tensor([x], requires_grad=True)
    (dt,) = autograd.grad(getattr(t, name)(alpha=alpha).sum(), [t], create_graph=True)
    (d2t,) = autograd.grad(dt.sum(), [t])
    assert (dt.data.tolist(), d2t.data.tolist()) == ([first], [0.0])

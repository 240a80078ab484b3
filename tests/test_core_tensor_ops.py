"""Tensor: every operation's forward against NumPy and its gradient against central finite
differences (float64), over drawn shapes; gradients keep their input's shape and dtype."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograd_core import Tensor, concatenate, maximum, minimum, stack, where
from autograd_core.testing import (
    away_from,
    broadcastable_shapes,
    finite_floats,
    gradcheck,
    positive_floats,
    tensors,
)


def backprop(out: Tensor, *inputs: Tensor, seed: int = 0) -> np.ndarray:
    """Backward a random cotangent through ``out``; every input gets a gradient of its own
    shape and dtype. Returns the cotangent."""
    cot = np.random.default_rng(seed).uniform(0.5, 1.5, out.shape)
    (out * cot).sum().backward()
    for t in inputs:
        # (0-d results are checked to be real ndarrays in test_zero_dim_data_and_grad_are_arrays)
        assert isinstance(t.grad, (np.ndarray, np.generic)), f"grad is {type(t.grad).__name__}"
        assert np.shape(t.grad) == t.shape
        assert t.grad.dtype == t.dtype
    return cot


def unbroadcast(g: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Reference: sum ``g`` down to ``shape`` (written independently of the library)."""
    while g.ndim > len(shape):
        g = g.sum(axis=0)
    for i, n in enumerate(shape):
        if n == 1 and g.shape[i] != 1:
            g = g.sum(axis=i, keepdims=True)
    return g


# Values that never tie with each other: a = k + 1/4, b = j - 1/4 differ by at least 1/2.
_up = st.integers(-8, 8).map(lambda k: k + 0.25)
_down = st.integers(-8, 8).map(lambda k: k - 0.25)


class BinaryCase(NamedTuple):
    apply: Callable[[Any, Any], Any]
    numpy: Callable[[Any, Any], Any]
    left: st.SearchStrategy[float]
    right: st.SearchStrategy[float]
    partials: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


BINARY: dict[str, BinaryCase] = {
    "+": BinaryCase(
        lambda a, b: a + b,
        np.add,
        finite_floats(),
        finite_floats(),
        lambda a, b: (np.ones_like(a * b), np.ones_like(a * b)),
    ),
    "-": BinaryCase(
        lambda a, b: a - b,
        np.subtract,
        finite_floats(),
        finite_floats(),
        lambda a, b: (np.ones_like(a * b), -np.ones_like(a * b)),
    ),
    "*": BinaryCase(
        lambda a, b: a * b,
        np.multiply,
        finite_floats(),
        finite_floats(),
        lambda a, b: (b + 0 * a, a + 0 * b),
    ),
    "/": BinaryCase(
        lambda a, b: a / b,
        np.divide,
        finite_floats(),
        away_from((0.0,), margin=0.5),
        lambda a, b: (1 / b + 0 * a, -a / b**2),
    ),
    "**": BinaryCase(
        lambda a, b: a**b,
        np.power,
        positive_floats(0.5, 3.0),
        finite_floats(-2.0, 2.0),
        lambda a, b: (b * a ** (b - 1), a**b * np.log(a)),
    ),
    "maximum": BinaryCase(
        maximum,
        np.maximum,
        _up,
        _down,
        lambda a, b: ((a > b) + 0.0 * b, (b > a) + 0.0 * a),
    ),
    "minimum": BinaryCase(
        minimum,
        np.minimum,
        _up,
        _down,
        lambda a, b: ((a < b) + 0.0 * b, (b < a) + 0.0 * a),
    ),
}


# ---------------------------------------------------------------------------- binary ops
@pytest.mark.parametrize("op", sorted(BINARY))
@given(data=st.data())
def test_binary_op_over_broadcastable_shapes(op: str, data: st.DataObject) -> None:
    case = BINARY[op]
    shape_a, shape_b = data.draw(broadcastable_shapes(2), label="shapes")
    a = data.draw(tensors(shape_a, elements=case.left), label="a")
    b = data.draw(tensors(shape_b, elements=case.right), label="b")
    out = case.apply(a, b)
    assert isinstance(out, Tensor) and out.requires_grad
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out.data, case.numpy(a.data, b.data))
    cot = backprop(out, a, b)
    da, db = case.partials(a.data, b.data)
    np.testing.assert_allclose(a.grad, unbroadcast(cot * da, a.shape), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(b.grad, unbroadcast(cot * db, b.shape), rtol=1e-10, atol=1e-12)
    assert gradcheck(case.apply, a.data, b.data)


@pytest.mark.parametrize("op", sorted(BINARY))
@pytest.mark.parametrize("constant_kind", ["number", "array"])
@given(data=st.data())
def test_binary_op_with_constants_on_either_side(
    op: str, constant_kind: str, data: st.DataObject
) -> None:
    case = BINARY[op]
    shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=2, max_side=3), label="shape")
    a = data.draw(tensors(shape, elements=case.left), label="a")
    b = data.draw(tensors(shape, elements=case.right), label="b")
    if constant_kind == "number":
        left_const: Any = float(a.data.flat[0])
        right_const: Any = float(b.data.flat[0])
    else:
        left_const, right_const = a.data.copy(), b.data.copy()
    # Tensor (op) constant
    out = case.apply(a, right_const)
    assert isinstance(out, Tensor)
    np.testing.assert_array_equal(out.data, case.numpy(a.data, right_const))
    assert gradcheck(lambda t: case.apply(t, right_const), a.data)
    # constant (op) Tensor: the reflected operators (or the function's second argument)
    out = case.apply(left_const, b)
    assert isinstance(out, Tensor)
    np.testing.assert_array_equal(out.data, case.numpy(left_const, b.data))
    backprop(out, b)
    assert gradcheck(lambda t: case.apply(left_const, t), b.data)


def test_two_to_the_tensor() -> None:
    x = Tensor([-1.0, 0.0, 2.5], requires_grad=True)
    y = 2**x
    np.testing.assert_allclose(y.data, 2.0**x.data)
    y.sum().backward()
    np.testing.assert_allclose(x.grad, 2.0**x.data * np.log(2.0), rtol=1e-14)


def test_maximum_minimum_ties_share_the_gradient_evenly() -> None:
    a = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = Tensor([1.0, 5.0, 3.0], requires_grad=True)
    maximum(a, b).sum().backward()
    np.testing.assert_array_equal(a.grad, [0.5, 0.0, 0.5])
    np.testing.assert_array_equal(b.grad, [0.5, 1.0, 0.5])
    a.zero_grad()
    b.zero_grad()
    minimum(a, b).sum().backward()
    np.testing.assert_array_equal(a.grad, [0.5, 1.0, 0.5])
    np.testing.assert_array_equal(b.grad, [0.5, 0.0, 0.5])
    # broadcast tie: a scalar tied with two of three elements
    c = Tensor(2.0, requires_grad=True)
    d = Tensor([2.0, 2.0, 1.0], requires_grad=True)
    maximum(c, d).sum().backward()
    assert c.grad.shape == () and float(c.grad) == 2.0  # 0.5 + 0.5 + 1
    np.testing.assert_array_equal(d.grad, [0.5, 0.5, 0.0])


@given(data=st.data())
def test_where_over_broadcastable_shapes(data: st.DataObject) -> None:
    shape_c, shape_x, shape_y = data.draw(broadcastable_shapes(3), label="shapes")
    cond = data.draw(hnp.arrays(np.bool_, shape_c), label="cond")
    x = data.draw(tensors(shape_x), label="x")
    y = data.draw(tensors(shape_y), label="y")
    out = where(cond, x, y)
    np.testing.assert_array_equal(out.data, np.where(cond, x.data, y.data))
    cot = backprop(out, x, y)
    full = np.broadcast_to(cond, out.shape)
    np.testing.assert_allclose(x.grad, unbroadcast(cot * full, x.shape), rtol=1e-12)
    np.testing.assert_allclose(y.grad, unbroadcast(cot * ~full, y.shape), rtol=1e-12)
    assert gradcheck(lambda a, b: where(cond, a, b), x.data, y.data)


def test_where_accepts_a_comparison_tensor_and_numbers() -> None:
    x = Tensor([-2.0, 3.0, -1.0], requires_grad=True)
    out = where(x > 0, x, 0.0)
    np.testing.assert_array_equal(out.data, [0.0, 3.0, 0.0])
    out.sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 1.0, 0.0])


# ---------------------------------------------------------------------------- matmul
MATMUL_SHAPES = [
    ((3,), (3,)),
    ((2, 3), (3,)),
    ((3,), (3, 4)),
    ((2, 3), (3, 4)),
    ((5, 2, 3), (3, 4)),
    ((2, 3), (5, 3, 4)),
    ((5, 2, 3), (5, 3, 4)),
    ((2, 1, 2, 3), (4, 3, 2)),
    ((3,), (5, 3, 4)),
    ((5, 2, 3), (3,)),
    ((1, 3), (3, 1)),
]


@pytest.mark.parametrize(("shape_a", "shape_b"), MATMUL_SHAPES)
def test_matmul_shapes(shape_a: tuple[int, ...], shape_b: tuple[int, ...]) -> None:
    rng = np.random.default_rng(len(shape_a) * 10 + len(shape_b))
    a = Tensor(rng.normal(size=shape_a), requires_grad=True)
    b = Tensor(rng.normal(size=shape_b), requires_grad=True)
    out = a @ b
    expected = a.data @ b.data
    assert out.shape == expected.shape
    np.testing.assert_allclose(out.data, expected, rtol=1e-14)
    backprop(out, a, b)
    assert gradcheck(lambda x, y: x @ y, a.data, b.data)


def test_matmul_2d_gradient_exact() -> None:
    a = Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    b = Tensor([[5.0, 6.0], [7.0, 8.0]], requires_grad=True)
    g = np.array([[1.0, -1.0], [2.0, 0.5]])
    (a @ b).backward(g)
    # Small integers and halves: every partial sum is exact, whatever order or FMA the
    # CPU's BLAS kernel uses, so equality holds on every machine.
    np.testing.assert_array_equal(a.grad, g @ b.data.T)
    np.testing.assert_array_equal(b.grad, a.data.T @ g)


@given(data=st.data())
def test_matmul_batched_with_broadcast_batch_dims(data: st.DataObject) -> None:
    batch_a, batch_b = data.draw(broadcastable_shapes(2, max_dims=2, max_side=3), label="batch")
    n, k, m = data.draw(st.tuples(*[st.integers(1, 3)] * 3), label="n k m")
    a = data.draw(tensors(batch_a + (n, k)), label="a")
    b = data.draw(tensors(batch_b + (k, m)), label="b")
    out = a @ b
    np.testing.assert_allclose(out.data, a.data @ b.data, rtol=1e-12, atol=1e-12)
    backprop(out, a, b)
    assert gradcheck(lambda x, y: x @ y, a.data, b.data)


def test_matmul_with_arrays_on_either_side() -> None:
    w = np.arange(6.0).reshape(2, 3)
    x = Tensor(np.ones((3, 4)), requires_grad=True)
    out = w @ x  # reflected: ndarray @ Tensor
    assert isinstance(out, Tensor)
    np.testing.assert_array_equal(out.data, w @ x.data)  # integers: exact on any BLAS kernel
    out.sum().backward()
    np.testing.assert_array_equal(x.grad, w.T @ np.ones((2, 4)))
    assert gradcheck(lambda t: t @ w.T, np.ones((4, 3)))


# ---------------------------------------------------------------------------- reductions
def _axes(ndim: int) -> st.SearchStrategy[Any]:
    single = st.integers(-ndim, ndim - 1)
    several = st.lists(single, unique_by=lambda a: a % ndim, max_size=ndim).map(tuple)
    return st.none() | single | several


def _distinct_arrays(shape: tuple[int, ...]) -> st.SearchStrategy[np.ndarray]:
    # Distinct and at least 1 apart, so finite differences never cross a tie.
    return hnp.arrays(np.float64, shape, elements=st.integers(-60, 60).map(float), unique=True)


@pytest.mark.parametrize("name", ["sum", "mean", "max", "min"])
@given(data=st.data())
def test_reductions(name: str, data: st.DataObject) -> None:
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, max_side=4), label="shape")
    axis = data.draw(_axes(len(shape)), label="axis")
    keepdims = data.draw(st.booleans(), label="keepdims")
    array = data.draw(_distinct_arrays(shape), label="x")
    x = Tensor(array, requires_grad=True)
    out = getattr(x, name)(axis=axis, keepdims=keepdims)
    expected = getattr(np, name)(array, axis=axis, keepdims=keepdims)
    assert out.shape == np.shape(expected)
    np.testing.assert_allclose(out.data, expected, rtol=1e-14)
    backprop(out, x)
    assert gradcheck(lambda t: getattr(t, name)(axis=axis, keepdims=keepdims), array)


@pytest.mark.parametrize("name", ["sum", "mean", "max", "min"])
def test_reductions_of_a_zero_dim_tensor(name: str) -> None:
    x = Tensor(3.0, requires_grad=True)
    out = getattr(x, name)()
    assert out.shape == () and out.item() == 3.0
    out.backward()
    assert x.grad.shape == () and float(x.grad) == 1.0


def test_sum_and_mean_gradients_exact() -> None:
    x = Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    x.mean(axis=1).backward(np.array([3.0, 6.0]))
    np.testing.assert_array_equal(x.grad, [[1.0, 1.0, 1.0], [2.0, 2.0, 2.0]])
    x.zero_grad()
    x.sum(axis=(0, 1), keepdims=True).backward(np.array([[2.0]]))
    np.testing.assert_array_equal(x.grad, np.full((2, 3), 2.0))


def test_max_min_ties_share_the_gradient_evenly() -> None:
    x = Tensor([1.0, 3.0, 3.0, 2.0], requires_grad=True)
    x.max().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.5, 0.5, 0.0])
    y = Tensor([[1.0, 1.0, 1.0], [2.0, 0.0, 0.0]], requires_grad=True)
    y.max(axis=1).backward(np.array([3.0, 1.0]))
    np.testing.assert_array_equal(y.grad, [[1.0, 1.0, 1.0], [1.0, 0.0, 0.0]])
    y.zero_grad()
    y.min(axis=1, keepdims=True).backward(np.array([[6.0], [2.0]]))
    np.testing.assert_array_equal(y.grad, [[2.0, 2.0, 2.0], [0.0, 1.0, 1.0]])
    z = Tensor([[5.0, 1.0], [1.0, 5.0]], requires_grad=True)
    z.min().backward()
    np.testing.assert_array_equal(z.grad, [[0.0, 0.5], [0.5, 0.0]])


# ---------------------------------------------------------------------------- shape ops
@given(data=st.data())
def test_reshape(data: st.DataObject) -> None:
    x = data.draw(tensors(hnp.array_shapes(min_dims=0, max_dims=3, max_side=4)), label="x")
    target = data.draw(
        st.sampled_from([x.shape[::-1], (x.size,), (-1,), (1, x.size), (x.size, 1, 1)]),
        label="target",
    )
    out = x.reshape(target)
    np.testing.assert_array_equal(out.data, x.data.reshape(target))
    backprop(out, x)
    assert gradcheck(lambda t: t.reshape(target), x.data)
    assert gradcheck(lambda t: t.reshape(*target), x.data)


def test_reshape_gradient_exact() -> None:
    x = Tensor(np.arange(6.0), requires_grad=True)
    x.reshape(2, 3).backward(np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))
    np.testing.assert_array_equal(x.grad, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0])


@given(data=st.data())
def test_transpose_with_axes(data: st.DataObject) -> None:
    x = data.draw(tensors(hnp.array_shapes(min_dims=1, max_dims=4, max_side=3)), label="x")
    perm = tuple(data.draw(st.permutations(range(x.ndim)), label="perm"))
    out = x.transpose(perm)
    np.testing.assert_array_equal(out.data, x.data.transpose(perm))
    backprop(out, x)
    assert gradcheck(lambda t: t.transpose(perm), x.data)
    assert gradcheck(lambda t: t.transpose(*perm), x.data)
    negative = tuple(p - x.ndim for p in perm)
    np.testing.assert_array_equal(x.transpose(negative).data, x.data.transpose(perm))


@given(x=tensors(hnp.array_shapes(min_dims=0, max_dims=3, max_side=4)))
def test_dot_t_reverses_axes(x: Tensor) -> None:
    np.testing.assert_array_equal(x.T.data, x.data.T)
    np.testing.assert_array_equal(x.transpose().data, x.data.T)
    backprop(x.T, x)
    assert gradcheck(lambda t: t.T, x.data)


def test_transpose_gradient_exact() -> None:
    x = Tensor(np.zeros((2, 3, 4)), requires_grad=True)
    g = np.arange(24.0).reshape(4, 2, 3)
    x.transpose(2, 0, 1).backward(g)
    np.testing.assert_array_equal(x.grad, g.transpose(1, 2, 0))


# ---------------------------------------------------------------------------- indexing
_BASE = np.random.default_rng(7).normal(size=(4, 5, 3))

BASIC_KEYS: list[Any] = [
    1,
    -1,
    (2, 3),
    (1, 2, 0),
    slice(1, 3),
    (slice(None), 2),
    (Ellipsis, 0),
    (None, 1),
    (slice(None), None, slice(1, 4)),
    np.newaxis,
    slice(None, None, -1),
    (slice(3, 0, -2), slice(None), 1),
    (slice(None), slice(None, None, -2), slice(2, None, -1)),
]
ADVANCED_KEYS: list[Any] = [
    [0, 0, 2],
    np.array([3, 1, 3, 3]),
    (np.array([0, 1, 1]), np.array([2, 2, 2])),
    (slice(None), [1, 1, 4]),
    (np.array([[0, 1], [1, 0]]), slice(None), np.array([[2, 2], [0, 2]])),
    _BASE > 0,
    (_BASE[:, :, 0] > 0.2,),
    (slice(None), np.array([True, False, True, True, False])),
]


@pytest.mark.parametrize("key", BASIC_KEYS + ADVANCED_KEYS, ids=repr)
def test_indexing(key: Any) -> None:
    x = Tensor(_BASE, requires_grad=True)
    out = x[key]
    np.testing.assert_array_equal(out.data, _BASE[key])
    backprop(out, x)
    assert gradcheck(lambda t: t[key], _BASE)


def test_repeated_indices_accumulate() -> None:
    x = Tensor(np.arange(5.0), requires_grad=True)
    x[[0, 0, 0, 3, 3]].sum().backward()
    np.testing.assert_array_equal(x.grad, [3.0, 0.0, 0.0, 2.0, 0.0])
    y = Tensor(np.zeros((2, 3)), requires_grad=True)
    y[np.array([1, 1, 0]), np.array([2, 2, 2])].backward(np.array([1.0, 10.0, 100.0]))
    np.testing.assert_array_equal(y.grad, [[0.0, 0.0, 100.0], [0.0, 0.0, 11.0]])


def test_boolean_mask_indexing_exact() -> None:
    x = Tensor([[1.0, -2.0], [-3.0, 4.0]], requires_grad=True)
    picked = x[x.data > 0]
    np.testing.assert_array_equal(picked.data, [1.0, 4.0])
    picked.backward(np.array([5.0, 7.0]))
    np.testing.assert_array_equal(x.grad, [[5.0, 0.0], [0.0, 7.0]])
    x.zero_grad()
    x[x > 0].sum().backward()  # a comparison Tensor works as a mask too
    np.testing.assert_array_equal(x.grad, [[1.0, 0.0], [0.0, 1.0]])


def test_basic_index_gradient_exact_and_not_aliased() -> None:
    x = Tensor(np.zeros((3, 2)), requires_grad=True)
    x[::-1][0].backward(np.array([1.0, 2.0]))  # the last row, through a negative step
    np.testing.assert_array_equal(x.grad, [[0.0, 0.0], [0.0, 0.0], [1.0, 2.0]])
    x[1].backward(np.array([3.0, 4.0]))
    np.testing.assert_array_equal(x.grad, [[0.0, 0.0], [3.0, 4.0], [1.0, 2.0]])


# ---------------------------------------------------------------------------- elementwise
def _np_sigmoid(x: np.ndarray) -> np.ndarray:
    # Accurate on both sides (0.5 * (1 + tanh(x / 2)) cancels digits for negative x).
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


class UnaryCase(NamedTuple):
    apply: Callable[[Any], Any]
    numpy: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray], np.ndarray]
    domain: st.SearchStrategy[float]


UNARY: dict[str, UnaryCase] = {
    "neg": UnaryCase(lambda t: -t, np.negative, lambda x: -np.ones_like(x), finite_floats()),
    "exp": UnaryCase(lambda t: t.exp(), np.exp, np.exp, finite_floats()),
    "log": UnaryCase(lambda t: t.log(), np.log, lambda x: 1 / x, positive_floats()),
    "sqrt": UnaryCase(lambda t: t.sqrt(), np.sqrt, lambda x: 0.5 / np.sqrt(x), positive_floats()),
    "abs": UnaryCase(lambda t: t.abs(), np.abs, np.sign, away_from((0.0,))),
    "abs()": UnaryCase(abs, np.abs, np.sign, away_from((0.0,))),
    "tanh": UnaryCase(lambda t: t.tanh(), np.tanh, lambda x: 1 - np.tanh(x) ** 2, finite_floats()),
    "sigmoid": UnaryCase(
        lambda t: t.sigmoid(),
        _np_sigmoid,
        lambda x: _np_sigmoid(x) * (1 - _np_sigmoid(x)),
        finite_floats(),
    ),
    "relu": UnaryCase(
        lambda t: t.relu(),
        lambda x: np.maximum(x, 0.0),
        lambda x: (x > 0).astype(float),
        away_from((0.0,)),
    ),
    "clip": UnaryCase(
        lambda t: t.clip(-1.0, 1.0),
        lambda x: np.clip(x, -1.0, 1.0),
        lambda x: ((x >= -1) & (x <= 1)).astype(float),
        away_from((-1.0, 1.0)),
    ),
    "clip_low": UnaryCase(
        lambda t: t.clip(0.5),
        lambda x: np.maximum(x, 0.5),
        lambda x: (x >= 0.5).astype(float),
        away_from((0.5,)),
    ),
    "clip_high": UnaryCase(
        lambda t: t.clip(high=2.0),
        lambda x: np.minimum(x, 2.0),
        lambda x: (x <= 2.0).astype(float),
        away_from((2.0,)),
    ),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@given(data=st.data())
def test_elementwise(name: str, data: st.DataObject) -> None:
    case = UNARY[name]
    shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=3, max_side=4), label="shape")
    x = data.draw(tensors(shape, elements=case.domain), label="x")
    out = case.apply(x)
    assert out.shape == x.shape and out.dtype == np.float64
    np.testing.assert_allclose(out.data, case.numpy(x.data), rtol=1e-13, atol=1e-300)
    cot = backprop(out, x)
    np.testing.assert_allclose(x.grad, cot * case.derivative(x.data), rtol=1e-12, atol=1e-300)
    assert gradcheck(case.apply, x.data)


def test_relu_abs_clip_at_their_kinks() -> None:
    x = Tensor([0.0, 0.0], requires_grad=True)
    (x.relu() + x.abs()).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0])
    y = Tensor([-1.0, 1.0, 3.0], requires_grad=True)  # at the bounds the gradient passes
    y.clip(-1.0, 1.0).sum().backward()
    np.testing.assert_array_equal(y.grad, [1.0, 1.0, 0.0])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sigmoid_tanh_at_extremes_no_warnings(dtype: Any) -> None:
    data = np.array([1000.0, -1000.0, 0.0, 88.0, -88.0, 710.0, -710.0, 1e30, -1e30], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x = Tensor(data, requires_grad=True)
        s = x.sigmoid()
        t = x.tanh()
        (s + t).sum().backward()
    assert s.dtype == dtype and t.dtype == dtype and x.grad.dtype == dtype
    assert s.data[0] == 1.0 and s.data[1] == 0.0 and s.data[2] == 0.5
    assert s.data[7] == 1.0 and s.data[8] == 0.0
    assert np.all((s.data >= 0.0) & (s.data <= 1.0))
    wide = data.astype(np.float64)
    reference = np.exp(-np.logaddexp(0.0, -wide))  # 1 / (1 + e**-x), stably
    np.testing.assert_allclose(s.data, reference, rtol=1e-6, atol=1e-30)
    np.testing.assert_array_equal(t.data, np.sign(data))
    assert np.all(np.isfinite(x.grad))
    assert x.grad[0] == 0.0 and x.grad[1] == 0.0 and x.grad[2] == 1.25


# ---------------------------------------------------------------------------- softmax family
def _ref_logsumexp(x: np.ndarray, axis: Any, keepdims: bool) -> np.ndarray:
    m = np.max(x, axis=axis, keepdims=True)
    out = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis=axis)


@given(data=st.data())
def test_logsumexp(data: st.DataObject) -> None:
    x = data.draw(tensors(hnp.array_shapes(min_dims=1, max_dims=3, max_side=4)), label="x")
    axis = data.draw(_axes(x.ndim), label="axis")
    keepdims = data.draw(st.booleans(), label="keepdims")
    out = x.logsumexp(axis=axis, keepdims=keepdims)
    np.testing.assert_allclose(out.data, _ref_logsumexp(x.data, axis, keepdims), rtol=1e-13)
    backprop(out, x)
    assert gradcheck(lambda t: t.logsumexp(axis=axis, keepdims=keepdims), x.data)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@given(data=st.data())
def test_softmax_and_log_softmax(name: str, data: st.DataObject) -> None:
    x = data.draw(tensors(hnp.array_shapes(min_dims=1, max_dims=3, max_side=4)), label="x")
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1), label="axis")
    out = getattr(x, name)(axis=axis)
    log_sm = x.data - _ref_logsumexp(x.data, axis, True)
    expected = log_sm if name == "log_softmax" else np.exp(log_sm)
    np.testing.assert_allclose(out.data, expected, rtol=1e-12, atol=1e-15)
    backprop(out, x)
    assert gradcheck(lambda t: getattr(t, name)(axis=axis), x.data)


def test_softmax_default_axis_is_last() -> None:
    x = Tensor(np.arange(6.0).reshape(2, 3))
    np.testing.assert_allclose(x.softmax().data.sum(axis=-1), [1.0, 1.0])
    np.testing.assert_allclose(x.log_softmax().data, x.log_softmax(axis=1).data)


def test_softmax_family_stable_at_plus_minus_1000() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x = Tensor([1000.0, -1000.0, 0.0], requires_grad=True)
        sm = x.softmax()
        lsm = x.log_softmax()
        lse = x.logsumexp()
        np.testing.assert_array_equal(sm.data, [1.0, 0.0, 0.0])
        np.testing.assert_array_equal(lsm.data, [0.0, -2000.0, -1000.0])
        assert lse.item() == 1000.0
        lse.backward()
        np.testing.assert_array_equal(x.grad, [1.0, 0.0, 0.0])
        x.zero_grad()
        lsm[1].backward()
        np.testing.assert_array_equal(x.grad, [-1.0, 1.0, 0.0])
        x.zero_grad()
        sm[0].backward()
        np.testing.assert_array_equal(x.grad, [0.0, 0.0, 0.0])
        y = Tensor([[1000.0, 1000.0], [-1000.0, -1000.0]], requires_grad=True)
        out = y.logsumexp(axis=1)
        np.testing.assert_allclose(out.data, [1000.0 + np.log(2.0), -1000.0 + np.log(2.0)])
        out.sum().backward()
        # exp(x - lse) with lse rounded to the spacing of floats near 1000 (~1e-13)
        np.testing.assert_allclose(y.grad, np.full((2, 2), 0.5), rtol=1e-12)
        np.testing.assert_array_equal(y.softmax(axis=1).data, np.full((2, 2), 0.5))
        np.testing.assert_allclose(y.log_softmax(axis=0).data, [[0.0, 0.0], [-2000.0, -2000.0]])


# ---------------------------------------------------------------------------- joining
@pytest.mark.parametrize("join", ["concatenate", "stack"])
@given(data=st.data())
def test_concatenate_and_stack(join: str, data: st.DataObject) -> None:
    base = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, max_side=3), label="base")
    count = data.draw(st.integers(1, 3), label="count")
    if join == "concatenate":
        axis = data.draw(st.integers(-len(base), len(base) - 1), label="axis")
        sizes = data.draw(st.lists(st.integers(1, 3), min_size=count, max_size=count))
        shapes = [
            tuple(s if i == axis % len(base) else n for i, n in enumerate(base)) for s in sizes
        ]
    else:
        axis = data.draw(st.integers(-len(base) - 1, len(base)), label="axis")
        shapes = [base] * count
    parts = [data.draw(tensors(s), label=f"part{i}") for i, s in enumerate(shapes)]
    fn = concatenate if join == "concatenate" else stack
    out = fn(parts, axis=axis)
    np.testing.assert_array_equal(out.data, getattr(np, join)([p.data for p in parts], axis=axis))
    backprop(out, *parts)
    assert gradcheck(lambda *ts: fn(list(ts), axis=axis), *[p.data for p in parts])


def test_concatenate_stack_gradients_exact_with_a_reused_part() -> None:
    a = Tensor([1.0, 2.0], requires_grad=True)
    b = Tensor([3.0], requires_grad=True)
    concatenate([a, b, a]).backward(np.array([1.0, 2.0, 3.0, 4.0, 5.0]))
    np.testing.assert_array_equal(a.grad, [5.0, 7.0])
    np.testing.assert_array_equal(b.grad, [3.0])
    c = Tensor([1.0, 2.0], requires_grad=True)
    stack([c, c], axis=1).backward(np.array([[1.0, 2.0], [3.0, 4.0]]))
    np.testing.assert_array_equal(c.grad, [3.0, 7.0])
    d = Tensor(np.ones(2), requires_grad=True)
    out = stack([d, np.zeros(2)])  # arrays become constants
    out.sum().backward()
    np.testing.assert_array_equal(d.grad, [1.0, 1.0])


# ---------------------------------------------------------------------------- comparisons
COMPARISONS = {
    "<": (lambda a, b: a < b, np.less),
    "<=": (lambda a, b: a <= b, np.less_equal),
    ">": (lambda a, b: a > b, np.greater),
    ">=": (lambda a, b: a >= b, np.greater_equal),
    "==": (lambda a, b: a == b, np.equal),
    "!=": (lambda a, b: a != b, np.not_equal),
}


@pytest.mark.parametrize("op", sorted(COMPARISONS))
@given(data=st.data())
def test_comparisons_are_not_differentiable(op: str, data: st.DataObject) -> None:
    apply, ref = COMPARISONS[op]
    shape_a, shape_b = data.draw(broadcastable_shapes(2), label="shapes")
    small = st.integers(-2, 2).map(float)  # many ties, so == and <= are exercised
    a = data.draw(tensors(shape_a, elements=small), label="a")
    b = data.draw(tensors(shape_b, elements=small), label="b")
    for other, expected in ((b, ref(a.data, b.data)), (0.0, ref(a.data, 0.0))):
        out = apply(a, other)
        assert isinstance(out, Tensor)
        assert out.requires_grad is False
        assert out.is_leaf and out.parents == ()
        np.testing.assert_array_equal(out.data, expected)
    with pytest.raises(RuntimeError):
        apply(a, b).backward(np.ones(np.broadcast_shapes(a.shape, b.shape)))


# ---------------------------------------------------------------------------- float32
FLOAT32_OPS: dict[str, Callable[[Tensor], Tensor]] = {
    "add_number": lambda t: t + 2.5,
    "radd_number": lambda t: 2.5 + t,
    "rsub_int": lambda t: 3 - t,
    "mul_number": lambda t: t * 0.1,
    "div_number": lambda t: t / 3.0,
    "rdiv_number": lambda t: 1.0 / (t * t + 1.0),
    "pow_number": lambda t: (t * t + 1.0) ** 1.5,
    "rpow_number": lambda t: 2.0**t,
    "neg": lambda t: -t,
    "exp": lambda t: t.exp(),
    "log": lambda t: (t * t + 1.0).log(),
    "sqrt": lambda t: (t * t + 1.0).sqrt(),
    "abs": lambda t: t.abs(),
    "tanh": lambda t: t.tanh(),
    "sigmoid": lambda t: t.sigmoid(),
    "relu": lambda t: t.relu(),
    "clip": lambda t: t.clip(-0.5, 0.5),
    "sum": lambda t: t.sum(axis=0),
    "mean": lambda t: t.mean(),
    "max": lambda t: t.max(axis=1, keepdims=True),
    "min": lambda t: t.min(),
    "softmax": lambda t: t.softmax(),
    "log_softmax": lambda t: t.log_softmax(axis=0),
    "logsumexp": lambda t: t.logsumexp(axis=1),
    "matmul": lambda t: t @ t.T,
    "index": lambda t: t[[0, 0, 1], 1:],
    "reshape_T": lambda t: t.reshape(3, 2).T,
    "maximum": lambda t: maximum(t, 0.25),
    "where": lambda t: where(t.data > 0, t, t * t),
    "concatenate": lambda t: concatenate([t, t * 2.0], axis=1),
    "stack": lambda t: stack([t, -t]),
}


@pytest.mark.parametrize("name", sorted(FLOAT32_OPS))
def test_float32_stays_float32(name: str) -> None:
    fn = FLOAT32_OPS[name]
    data = np.array([[0.3, -1.2, 0.7], [1.1, 0.2, -0.4]], dtype=np.float32)
    x = Tensor(data, requires_grad=True)
    assert x.dtype == np.float32
    out = fn(x)
    assert out.dtype == np.float32, f"forward promoted to {out.dtype}"
    out.sum().backward()
    assert x.grad.dtype == np.float32 and x.grad.shape == x.shape
    # the same computation in float64 agrees to float32 precision
    x64 = Tensor(data.astype(np.float64), requires_grad=True)
    out64 = fn(x64)
    assert out64.dtype == np.float64
    out64.sum().backward()
    np.testing.assert_allclose(out.data, out64.data, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(x.grad, x64.grad, rtol=1e-4, atol=1e-5)


def test_float32_mixed_with_float64_array_gives_float32_gradient() -> None:
    x = Tensor(np.ones(3, dtype=np.float32), requires_grad=True)
    w = np.array([1.0, 2.0, 3.0])  # float64
    out = x * w
    assert out.dtype == np.result_type(np.float32, np.float64)  # NumPy's promotion
    out.sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad, [1.0, 2.0, 3.0])


def test_float32_binary_between_tensors() -> None:
    a = Tensor(np.full((2, 1), 2.0, dtype=np.float32), requires_grad=True)
    b = Tensor(np.arange(3, dtype=np.float32), requires_grad=True)
    out = a * b + a / (b + 1.0) - a**b
    assert out.dtype == np.float32
    out.sum().backward()
    assert a.grad.dtype == np.float32 and a.grad.shape == (2, 1)
    assert b.grad.dtype == np.float32 and b.grad.shape == (3,)


@pytest.mark.parametrize("op", sorted(BINARY))
@given(data=st.data())
def test_float32_binary_ops_over_broadcastable_shapes(op: str, data: st.DataObject) -> None:
    case = BINARY[op]
    shape_a, shape_b = data.draw(broadcastable_shapes(2), label="shapes")
    a = data.draw(tensors(shape_a, dtype=np.float32, elements=case.left), label="a")
    b = data.draw(tensors(shape_b, dtype=np.float32, elements=case.right), label="b")
    out = case.apply(a, b)
    assert out.dtype == np.float32
    cot = backprop(out, a, b)
    da, db = case.partials(a.data.astype(np.float64), b.data.astype(np.float64))
    np.testing.assert_allclose(a.grad, unbroadcast(cot * da, a.shape), rtol=2e-5, atol=1e-5)
    np.testing.assert_allclose(b.grad, unbroadcast(cot * db, b.shape), rtol=2e-5, atol=1e-5)


@given(x=tensors(shape=(2, 3), dtype=np.float32))
def test_tensors_strategy_float32(x: Tensor) -> None:
    assert x.dtype == np.float32 and x.requires_grad and x.shape == (2, 3)
    y = (x * x).sum()
    assert y.dtype == np.float32
    y.backward()
    np.testing.assert_allclose(x.grad, 2 * x.data, rtol=1e-6)


# ---------------------------------------------------------------------------- construction
def test_tensor_construction_and_inspection() -> None:
    t = Tensor([[1, 2, 3], [4, 5, 6]], label="t")
    assert t.dtype == np.float64 and t.shape == (2, 3) and t.ndim == 2 and t.size == 6
    assert t.grad is None and t.requires_grad is False and t.label == "t" and t.is_leaf
    assert t.numpy() is t.data
    assert t.T.shape == (3, 2)
    assert Tensor(3.5).item() == 3.5
    assert Tensor([1.0, 2.0], dtype=np.float32).dtype == np.float32
    assert Tensor(np.zeros(2, dtype=np.float32)).dtype == np.float32
    with pytest.raises(ValueError):
        t.item()
    with pytest.raises(TypeError):
        Tensor(["a", "b"])
    with pytest.raises(TypeError):
        Tensor([1, 2], requires_grad=True, dtype=np.int64)
    d = Tensor([1.0, 2.0], requires_grad=True).detach()
    assert d.requires_grad is False and d.is_leaf


def test_zero_dim_data_and_grad_are_arrays() -> None:
    # `.data` is an ndarray and `.grad` an ndarray (or None), also for 0-d Tensors, where
    # NumPy's arithmetic returns numpy scalars (np.float64) instead of 0-d arrays.
    a = Tensor(2.0, requires_grad=True)
    b = Tensor(3.0, requires_grad=True)
    for out in (a + b, a * b, a.exp(), a.sigmoid(), -a, a.sum(), (a * b).mean()):
        assert isinstance(out.data, np.ndarray), f"{out.op}: data is {type(out.data).__name__}"
    (a * b + a.exp()).backward()
    assert isinstance(a.grad, np.ndarray), f"grad is {type(a.grad).__name__}"
    assert isinstance(b.grad, np.ndarray), f"grad is {type(b.grad).__name__}"
    assert a.grad.shape == () and float(a.grad) == pytest.approx(3.0 + np.exp(2.0))


def test_broadcast_to() -> None:
    x = Tensor([[1.0], [2.0]], requires_grad=True)
    out = x.broadcast_to((3, 2, 4))
    np.testing.assert_array_equal(out.data, np.broadcast_to(x.data, (3, 2, 4)))
    out.sum().backward()
    np.testing.assert_array_equal(x.grad, [[12.0], [12.0]])
    assert gradcheck(lambda t: t.broadcast_to((3, 2, 4)), x.data)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_square_is_exactly_x_times_x_and_keeps_the_dtype(dtype: type) -> None:
    data = np.array([[-3.5, 0.1], [1e-3, 7.25]]).astype(dtype)
    t = Tensor(data, requires_grad=True)
    out = t**2
    assert out.dtype == data.dtype and np.array_equal(out.data, data * data)
    assert out.parents[1].item() == 2  # the exponent is still a constant node of the graph
    out.sum().backward()
    assert np.array_equal(t.grad, data * 2)


def test_squaring_a_mask_keeps_numpys_power_result_type() -> None:
    mask = np.array([True, False])
    assert (Tensor(mask) ** 2).dtype == np.power(mask, np.asarray(2)).dtype

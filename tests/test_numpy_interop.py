"""NumPy functions on Tensors record the graph (as MyGrad's): NumPy code written for arrays,
like the seed blog's, runs on Tensors unchanged and gets gradients."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ag
from autograd_core import Tensor, Value
from autograd_core.numpy_interop import FUNCTIONS, UFUNCS
from autograd_core.testing import gradcheck, gradgradcheck


def test_the_blogs_numpy_forward_runs_on_tensors_and_gets_the_same_gradients() -> None:
    rng = np.random.default_rng(48)
    X, Y = rng.normal(size=(2, 4)), np.array([[0.0, 1.0, 1.0, 0.0]])
    w, bias = rng.normal(size=(1, 2)), np.zeros((1, 1))

    def blog_cost(W: object, b: object) -> object:  # the blog's NumPy, untouched
        Z = np.dot(W, X) + b
        A = 1 / (1 + np.exp(-Z))
        return (1 / (2 * 4)) * np.sum(np.square(Y - A))

    W, b = Tensor(w, requires_grad=True), Tensor(bias, requires_grad=True)
    cost = blog_cost(W, b)
    assert isinstance(cost, Tensor)
    cost.backward()
    W2, b2 = Tensor(w, requires_grad=True), Tensor(bias, requires_grad=True)
    ((Y - (W2 @ X + b2).sigmoid()) ** 2).sum().__mul__(1 / 8).backward()
    np.testing.assert_allclose(W.grad, W2.grad, rtol=1e-12)
    np.testing.assert_allclose(b.grad, b2.grad, rtol=1e-12)
    assert float(cost.item()) == pytest.approx(float(blog_cost(w, bias)), rel=1e-12)


@pytest.mark.parametrize(
    "ufunc", sorted(UFUNCS, key=lambda u: u.__name__), ids=lambda u: u.__name__
)
def test_every_mapped_ufunc_records_and_matches_numpy(ufunc: np.ufunc) -> None:
    x = np.array([0.3, 0.6, 0.9]) + (1.0 if ufunc is np.arccosh else 0.0)
    y = np.array([0.5, 0.25, 2.0])
    args = (x,) if ufunc.nin == 1 else (x, y)
    expected = ufunc(*args)
    t = Tensor(x, requires_grad=True)
    out = ufunc(t, *args[1:])
    assert isinstance(out, Tensor)
    np.testing.assert_allclose(out.data, expected, rtol=1e-15)
    if out.requires_grad:
        out.sum().backward()
        assert t.grad.shape == x.shape
    if ufunc.nin == 2:  # the array on the left: NumPy hands the call to the Tensor
        left = ufunc(y, Tensor(x, requires_grad=True))
        np.testing.assert_allclose(left.data, ufunc(y, x), rtol=1e-15)


def test_array_functions_record() -> None:
    rng = np.random.default_rng(0)
    a = rng.normal(size=(2, 3))
    t = Tensor(a, requires_grad=True)
    for fn, expected in [
        (lambda v: np.sum(v, axis=0), a.sum(axis=0)),
        (lambda v: np.mean(v, axis=1, keepdims=True), a.mean(axis=1, keepdims=True)),
        (lambda v: np.max(v), a.max()),
        (lambda v: np.amin(v, axis=0), a.min(axis=0)),
        (lambda v: np.dot(v, a.T), a @ a.T),
        (lambda v: np.reshape(v, (3, 2)), a.reshape(3, 2)),
        (lambda v: np.transpose(v), a.T),
        (lambda v: np.clip(v, -0.5, 0.5), np.clip(a, -0.5, 0.5)),
        (lambda v: np.where(a > 0, v, 0.0), np.where(a > 0, a, 0.0)),
        (lambda v: np.concatenate([v, v], axis=0), np.concatenate([a, a])),
        (lambda v: np.stack([v, v]), np.stack([a, a])),
        (lambda v: np.square(v), a**2),
    ]:
        out = fn(t)
        assert isinstance(out, Tensor) and out.requires_grad
        np.testing.assert_allclose(out.data, expected, rtol=1e-12)
    assert set(FUNCTIONS) >= {np.sum, np.mean, np.dot, np.reshape, np.concatenate}


def test_inspecting_functions_see_the_numbers() -> None:
    t = Tensor([1.0, np.inf, 3.0], requires_grad=True)
    np.testing.assert_array_equal(np.isfinite(t), [True, False, True])
    assert np.argmax(Tensor([1.0, 5.0, 2.0])) == 1
    assert np.allclose(Tensor([1.0]), [1.0]) and np.shape(t) == (3,)
    np.testing.assert_allclose(Tensor([1.0, 2.0]), [1.0, 2.0])


def test_a_function_without_a_rule_raises_naming_it() -> None:
    t = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(TypeError, match=r"numpy.convolve has no derivative rule.*\(t.data\)"):
        np.convolve(t, t)
    with pytest.raises(TypeError, match="numpy.hypot has no derivative rule"):
        np.hypot(t, t)
    with pytest.raises(TypeError, match=r"numpy.add on a Tensor: the arguments \['out'\]"):
        np.add(t, 1.0, out=np.empty(2))
    with pytest.raises(TypeError, match=r"numpy.add.reduce.*t.sum"):
        np.add.reduce(t)


def test_numpy_on_values() -> None:
    v = Value(0.5)
    out = np.exp(v) * np.float64(2.0)
    assert isinstance(out, Value) and out.data == pytest.approx(2 * np.exp(0.5), rel=1e-15)
    out.backward()
    assert v.grad == pytest.approx(2 * np.exp(0.5), rel=1e-15)
    assert ag.tanh(0.5) == np.tanh(0.5)
    with pytest.raises(TypeError, match="a Value mixes only with Values and numbers"):
        np.ones(2) * Value(1.0)


def test_an_array_of_tensors_in_a_graph_is_refused_not_silently_dropped() -> None:
    x = Tensor(1.0, requires_grad=True)
    with pytest.raises(TypeError, match=r"would drop it from the graph.*stack\(\[x, y\]\)"):
        np.array([x, x])
    np.testing.assert_array_equal(np.asarray(Tensor([1.0, 2.0])), [1.0, 2.0])  # no graph
    with ag.no_grad():
        assert np.asarray(x).item() == 1.0  # nothing is recorded here anyway
    top = np.max(ag.stack([x, x]))
    top.backward()
    assert x.grad == 1.0


_R = np.random.default_rng(0)
A3, V3, M43 = _R.normal(size=(2, 3, 4)), _R.normal(size=3), _R.normal(size=(4, 3))
M23, M22 = _R.normal(size=(2, 3)), _R.normal(size=(2, 2))
COMPOSED = {
    "moveaxis": (lambda a: np.moveaxis(a, [0, 1], [-1, 0]), (A3,)),
    "rollaxis": (lambda a: np.rollaxis(a, 2, 0), (A3,)),
    "diff": (lambda a: np.diff(a, 2, axis=2), (A3,)),
    "atleast_2d": (lambda a: np.atleast_2d(a), (V3,)),
    "atleast_3d": (lambda a: np.atleast_3d(a), (M23,)),
    "kron": (lambda a, b: np.kron(a, b), (M23, M22)),
    "kron of ranks 1 and 2": (lambda a, b: np.kron(a, b), (V3, M23)),
    "cross": (lambda a, b: np.cross(a, b), (M43, V3)),
    "cross along axis 0": (lambda a, b: np.cross(a, b, axis=0), (M43.T, M43.T[::-1])),
    "array_split": (lambda a: np.array_split(a, 3, axis=2)[1], (A3,)),
    "hsplit": (lambda a: np.hsplit(a, 3)[2], (M23,)),
    "vsplit": (lambda a: np.vsplit(a, 2)[1], (M23,)),
    "dsplit": (lambda a: np.dsplit(a, 2)[0], (A3,)),
    "degrees": (lambda a: np.degrees(a) + np.deg2rad(a), (M23,)),
    "logaddexp2": (lambda a, b: np.logaddexp2(a, b), (M23, V3)),
    "trace with an offset": (lambda a: np.trace(a, 1), (A3[0],)),
    "trace of a stack": (lambda a: np.trace(a, 0, 1, 2), (A3,)),
    "real and conj": (lambda a: np.real(a) * np.conj(a) + np.imag(a), (M23,)),
}


@pytest.mark.parametrize("name", sorted(COMPOSED))
def test_numpy_functions_composed_of_our_operations(name: str) -> None:
    f, xs = COMPOSED[name]
    got = f(*[Tensor(x) for x in xs])
    expected = f(*xs)
    assert isinstance(got, Tensor) and got.shape == np.shape(expected)
    np.testing.assert_allclose(got.data, expected, rtol=1e-12, atol=1e-15)
    assert gradcheck(f, *xs) and gradgradcheck(f, *xs)


def test_fmax_fmin_skip_nan_and_send_the_gradient_to_the_one_chosen_as_pytorch() -> None:
    a = np.array([1.0, np.nan, 3.0, 2.0, np.nan])
    b = np.array([2.0, 1.0, np.nan, 2.0, np.nan])
    # torch.fmax / torch.fmin forward and backward (sum), PyTorch 2.13.
    for f, grad_a in [(np.fmax, [0, 0, 1, 1, 1]), (np.fmin, [1, 0, 1, 1, 1])]:
        ta, tb = Tensor(a, requires_grad=True), Tensor(b, requires_grad=True)
        out = f(ta, tb)
        np.testing.assert_array_equal(out.data, f(a, b))
        out.sum().backward()
        np.testing.assert_array_equal(ta.grad, grad_a)
        np.testing.assert_array_equal(tb.grad, 1 - np.array(grad_a))


def test_prod_keeps_every_axis_with_keepdims_and_no_axis_as_numpy() -> None:
    x = np.arange(1.0, 7.0).reshape(2, 3)
    got = np.prod(Tensor(x), keepdims=True)
    assert got.shape == (1, 1) and got.item() == 720.0
    assert gradcheck(lambda t: np.prod(t, keepdims=True), x)


def test_moveaxis_rollaxis_and_diff_refuse_what_numpy_refuses() -> None:
    x = Tensor(np.arange(24.0).reshape(2, 3, 4))
    with pytest.raises(ValueError, match="moveaxis: axis 5 is out of range"):
        np.moveaxis(x, 0, 5)
    with pytest.raises(ValueError, match="as many axes, each once"):
        np.moveaxis(x, [0, 1], [1, 1])
    with pytest.raises(ValueError, match="rollaxis: axis 7 is out of range"):
        np.rollaxis(x, 1, 7)
    with pytest.raises(ValueError, match="order must be non-negative"):
        np.diff(x, n=-1)
    with pytest.raises(TypeError, match=r"numpy.diff on a Tensor: the arguments \['prepend'\]"):
        np.diff(x, prepend=0.0)
    with pytest.raises(ValueError, match="diff: axis 5 is out of range"):
        np.diff(x, axis=5)

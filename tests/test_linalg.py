"""einsum, tensordot, cumsum, norm, masked_fill, scatter_add and t[idx] = v: forward equal to
NumPy's, gradients to second order against central differences, and the update rules."""

from __future__ import annotations

import numpy as np
import pytest
from tolerance import BLAS_RTOL

import autograd_core as ag
from autograd_core import Tensor, no_grad, shape
from autograd_core.testing import gradcheck, gradgradcheck

RNG = np.random.default_rng(5)
A, B, C = RNG.normal(size=(2, 3)), RNG.normal(size=(3, 4)), RNG.normal(size=(4,))


@pytest.mark.parametrize(
    ("spec", "operands"),
    [
        ("ij,jk->ik", (A, B)),
        ("ij,jk", (A, B)),  # implicit output: the letters used once
        ("ij->", (A,)),
        ("ij->ji", (A,)),
        ("ij,kl->il", (A, B)),  # j and k summed in one operand each
        ("bij,bjk->bik", (RNG.normal(size=(2, 2, 3)), RNG.normal(size=(2, 3, 2)))),
        ("i,i->", (C, C[::-1].copy())),
        ("ij,jk,k->i", (A, B, C)),
    ],
)
def test_einsum_matches_numpy_to_second_order(spec: str, operands: tuple[np.ndarray, ...]) -> None:
    out = ag.einsum(spec, *[Tensor(o, requires_grad=True) for o in operands])
    np.testing.assert_allclose(out.data, np.einsum(spec, *operands), rtol=1e-12)
    f = lambda *ts: ag.einsum(spec, *ts)  # noqa: E731
    assert gradcheck(f, *operands) and gradgradcheck(f, *operands)


def test_einsum_names_the_operands_and_axes_that_do_not_fit() -> None:
    with pytest.raises(ValueError, match="names 2 operands, got 1"):
        ag.einsum("ij,jk->ik", Tensor(A))
    with pytest.raises(ValueError, match="axis 'j' has sizes 3 and 2"):
        ag.einsum("ij,jk->ik", Tensor(A), Tensor(np.ones((2, 2))))


@pytest.mark.parametrize("axes", [1, ([1], [0]), (1, 0)])
def test_tensordot_is_numpys(axes: object) -> None:
    f = lambda a, b: ag.tensordot(a, b, axes)  # type: ignore[arg-type]  # noqa: E731
    np.testing.assert_allclose(f(Tensor(A), Tensor(B)).data, np.tensordot(A, B, axes), rtol=1e-12)
    assert gradgradcheck(f, A, B)


def test_cumsum_norm_and_masked_fill() -> None:
    np.testing.assert_allclose(ag.cumsum(Tensor(A), 1).data, np.cumsum(A, 1), rtol=1e-15)
    np.testing.assert_allclose(Tensor(A).cumsum().data, np.cumsum(A), rtol=1e-15)
    assert gradgradcheck(lambda t: t.cumsum(dim=0), A)
    np.testing.assert_allclose(Tensor(A).norm().data, np.linalg.norm(A), rtol=1e-15)
    assert gradgradcheck(lambda t: t.norm(dim=1), A)
    zero = Tensor(np.zeros(3), requires_grad=True)
    zero.norm().backward()
    np.testing.assert_array_equal(zero.grad, [0.0, 0.0, 0.0])  # PyTorch's subgradient at 0
    t = Tensor(A, requires_grad=True)
    filled = t.masked_fill(A > 0, -1.0)
    np.testing.assert_array_equal(filled.data, np.where(A > 0, -1.0, A))
    filled.sum().backward()
    np.testing.assert_array_equal(t.grad, (A <= 0).astype(float))
    with pytest.raises(TypeError, match="masked_fill: the mask must be booleans"):
        t.masked_fill(np.ones(A.shape), 0.0)


def test_scatter_add_is_pytorchs() -> None:
    index = np.array([[0, 1, 0], [1, 0, 0]])
    src = RNG.normal(size=(2, 3))
    out = Tensor(A).scatter_add(0, index, src)
    expected = A.copy()
    for i in range(2):
        for j in range(3):
            expected[index[i, j], j] += src[i, j]
    np.testing.assert_allclose(out.data, expected, rtol=1e-15)
    assert gradgradcheck(lambda t, s: t.scatter_add(0, index, s), A, src)
    with pytest.raises(ValueError, match="index must be integers of src's shape"):
        Tensor(A).scatter_add(0, index[:1], src)


def test_item_assignment_follows_the_rules_of_updates_in_place() -> None:
    x = Tensor(np.zeros(4))
    alias = x
    x[1:3] = 5.0  # nothing requires a gradient: written into x
    assert alias is x and x.data.tolist() == [0.0, 5.0, 5.0, 0.0]
    w = Tensor(np.ones(3), requires_grad=True)
    y = w * 2
    y[0] = w[1] * 10  # recorded, as PyTorch
    assert y.data.tolist() == [10.0, 2.0, 2.0]
    y.sum().backward()
    np.testing.assert_array_equal(w.grad, [0.0, 12.0, 2.0])
    with pytest.raises(RuntimeError, match=r"leaf that requires grad.*q = p.clone\(\)"):
        w[0] = 1.0
    with no_grad():
        w[0] = 7.0
    assert w.data.tolist() == [7.0, 1.0, 1.0] and w.requires_grad
    with pytest.raises(ValueError, match=r"a value of shape \(2,\) does not fit"):
        x[0:3] = np.ones(2)
    assert gradgradcheck(lambda t, v: shape._with_item(t * 1.0, (slice(0, 2),), v), A, A[:1])


def test_prod_is_exact_with_zero_factors_to_every_order() -> None:
    assert gradcheck(lambda t: t.prod(1), A) and gradgradcheck(lambda t: t.prod(dim=0), A)
    assert gradcheck(lambda t: t.prod(), A) and gradcheck(lambda t: t.prod(0, True), A)
    np.testing.assert_allclose(Tensor(A).prod(axis=1).data, np.prod(A, 1), rtol=1e-15)
    z = Tensor([[2.0, 0.0, 3.0], [0.0, 0.0, 1.0]], requires_grad=True)
    z.prod(1).sum().backward()
    np.testing.assert_array_equal(z.grad, [[0.0, 6.0, 0.0], [0.0, 0.0, 0.0]])  # PyTorch's
    assert gradgradcheck(lambda t: t.prod(1), z.data)
    # Second order without out / x: that form cancels two huge terms where x is tiny.
    tiny = np.array([[7.95e-143, 1.5, 0.5]])
    assert gradgradcheck(lambda t: t.prod(1), tiny) and gradgradcheck(lambda t: t.cumprod(1), tiny)


def test_writes_never_turn_an_inf_or_nan_being_replaced_into_nan() -> None:
    t = Tensor(np.array([np.inf, 1.0]))
    t[0] = 0.0
    assert t.data.tolist() == [0.0, 1.0]
    assert Tensor([np.nan, 1.0]).zero_().data.tolist() == [0.0, 0.0]
    assert Tensor([np.inf, 1.0]).fill_(0.5).data.tolist() == [0.5, 0.5]
    x = Tensor([1.0, 0.0, 2.0], requires_grad=True)
    with np.errstate(divide="ignore"):
        y = x.log()
    y[np.isinf(y.data)] = 0.0  # the replace-the-infs idiom, recorded
    np.testing.assert_allclose(y.data, [0.0, 0.0, np.log(2.0)], rtol=1e-15)
    y.sum().backward()
    # The replaced entry receives 0, which log's slope at 0 (inf) makes NaN: PyTorch too.
    np.testing.assert_array_equal(x.grad, [1.0, np.nan, 0.5])


def test_repeated_indices_in_an_assignment_keep_the_last_value() -> None:
    y = Tensor(np.zeros(3), requires_grad=True) * 1.0
    y[np.array([0, 0])] = Tensor([1.0, 2.0])
    assert y.data.tolist() == [2.0, 0.0, 0.0]  # NumPy and PyTorch
    z = Tensor(np.zeros(3))
    z[np.array([0, 0])] = np.array([1.0, 2.0])
    assert z.data.tolist() == [2.0, 0.0, 0.0]


def test_masked_fill_with_a_tensor_value_passes_it_a_gradient() -> None:
    value = Tensor([2.0], requires_grad=True)
    x = Tensor([1.0, 2.0], requires_grad=True)
    x.masked_fill(np.array([True, False]), value).sum().backward()
    assert value.grad.tolist() == [1.0] and x.grad.tolist() == [0.0, 1.0]


CUMPROD_CASES = [
    np.array([[1.5, 2.0, -0.5, 3.0], [0.7, 0.0, 2.0, 0.0]]),  # a first and a later zero
    np.array([[0.0, 0.0, 5.0, 0.0], [1.0, 0.0, 0.0, 2.0]]),
    np.zeros((1, 4)),
]


@pytest.mark.parametrize("x", CUMPROD_CASES)
@pytest.mark.parametrize("dim", [0, 1])
def test_cumprod_is_exact_with_zeros_to_every_order(x: np.ndarray, dim: int) -> None:
    np.testing.assert_array_equal(ag.cumprod(Tensor(x), dim).data, np.cumprod(x, axis=dim))
    assert gradcheck(lambda a: ag.cumprod(a, dim), x)
    assert gradgradcheck(lambda a: ag.cumprod(a, dim), x)


def test_cumprod_matches_pytorchs_gradient_at_zeros() -> None:
    # torch.cumprod(x, 1).backward(g) in PyTorch 2.13, float64.
    x = np.array([[2.0, 0.0, 3.0, 0.0]])
    g = np.array([[1.0, 10.0, 100.0, 1000.0]])
    t = Tensor(x, requires_grad=True)
    t.cumprod(1).backward(g)
    np.testing.assert_array_equal(t.grad, [[1.0, 2.0 * (10 + 3 * 100), 0.0, 0.0]])


def test_cumprod_flattens_without_a_dim_keeps_a_0d_tensor_and_is_numpys_too() -> None:
    m = Tensor([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(m.cumprod().data, [1.0, 2.0, 6.0, 24.0])
    np.testing.assert_array_equal(np.cumprod(m, axis=0).data, [[1.0, 2.0], [3.0, 8.0]])
    assert Tensor(2.0).cumprod(0).shape == () and Tensor(2.0).cumsum(0).shape == ()


EINSUM_FORMS = [
    ("...ij,jk->...ik", [(2, 3, 3), (3, 4)]),
    ("...ij,jk", [(2, 3, 3), (3, 4)]),  # implicit: the broadcast axes come first
    ("ij...,jk->ik...", [(3, 3, 2), (3, 4)]),
    ("...j,...j->...", [(5, 2, 3), (2, 3)]),  # broadcast across operands of other ranks
    ("ii->", [(3, 3)]),  # trace
    ("ii->i", [(3, 3)]),  # diagonal
    ("bii->b", [(2, 3, 3)]),
    ("iij->ij", [(3, 3, 2)]),
]


@pytest.mark.parametrize(("spec", "shapes"), EINSUM_FORMS)
def test_einsum_takes_ellipses_and_repeated_letters_as_numpy(spec: str, shapes: list) -> None:
    rng = np.random.default_rng(3)
    xs = [rng.normal(size=shape) for shape in shapes]
    got = ag.einsum(spec, *[Tensor(x) for x in xs])
    expected = np.einsum(spec, *xs)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got.data, expected, rtol=BLAS_RTOL)
    assert gradcheck(lambda *t: ag.einsum(spec, *t), *xs)
    assert gradgradcheck(lambda *t: ag.einsum(spec, *t), *xs)


def test_einsum_refuses_what_numpy_refuses_by_name() -> None:
    m = Tensor(np.ones((2, 3)))
    with pytest.raises(ValueError, match="repeats a letter in the output"):
        ag.einsum("ij->ii", m)
    with pytest.raises(ValueError, match="lengths 2 and 3; a diagonal needs equal lengths"):
        ag.einsum("ii", m)
    with pytest.raises(ValueError, match=r"write the broadcast axes as '\.\.\.'"):
        ag.einsum("i.j", m)

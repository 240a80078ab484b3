"""The composed operations (autograd_core/compose.py): each has a case here, checked against
NumPy's result and, through the operations it is made of, against central differences to
second order. A function of the module without a case fails a test."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import autograd_core as ag
from autograd_core import Tensor, compose
from autograd_core.testing import gradcheck, gradgradcheck

X23 = np.arange(1.0, 7.0).reshape(2, 3) / 7
X33 = np.arange(1.0, 10.0).reshape(3, 3) / 10
V3 = np.array([0.3, -1.2, 2.5])

# name -> (function of Tensors, inputs, NumPy's answer)
CASES: dict[str, tuple[Callable[..., Any], tuple[np.ndarray, ...], Callable[..., Any]]] = {
    "flip": (lambda t: t.flip(1), (X23,), lambda a: np.flip(a, 1)),
    "roll": (lambda t: t.roll(1, 1), (X23,), lambda a: np.roll(a, 1, 1)),
    "tile": (lambda t: t.tile((2, 1)), (X23,), lambda a: np.tile(a, (2, 1))),
    "repeat": (lambda t: t.repeat(1, 2), (X23,), lambda a: np.tile(a, (1, 2))),
    "repeat_interleave": (
        lambda t: t.repeat_interleave(2, 1),
        (X23,),
        lambda a: np.repeat(a, 2, 1),
    ),
    "expand": (
        lambda t: t[None].expand(3, -1, -1),
        (X23,),
        lambda a: np.broadcast_to(a, (3, 2, 3)),
    ),
    "split": (
        lambda t: ag.concatenate([p * (i + 1) for i, p in enumerate(t.split(2, 1))], 1),
        (X23,),
        lambda a: np.concatenate([a[:, :2], a[:, 2:] * 2], 1),
    ),
    "chunk": (
        lambda t: ag.concatenate([p * (i + 1) for i, p in enumerate(t.chunk(2, 0))], 0),
        (X23,),
        lambda a: np.concatenate([a[:1], a[1:] * 2], 0),
    ),
    "hstack": (lambda t: ag.hstack([t, t * 2]), (X23,), lambda a: np.hstack([a, a * 2])),
    "vstack": (lambda t: ag.vstack([t, t * 2]), (X23,), lambda a: np.vstack([a, a * 2])),
    "pad": (
        lambda t: t.pad(((1, 0), (0, 2)), 0.5),
        (X23,),
        lambda a: np.pad(a, ((1, 0), (0, 2)), constant_values=0.5),
    ),
    "tril": (lambda t: t.tril(-1), (X33,), lambda a: np.tril(a, -1)),
    "triu": (lambda t: t.triu(1), (X33,), lambda a: np.triu(a, 1)),
    "diagonal": (lambda t: t.diagonal(1), (X33,), lambda a: np.diagonal(a, 1)),
    "diag": (lambda t: ag.diag(t, -1), (V3,), lambda a: np.diag(a, -1)),
    "trace": (lambda t: t.trace(), (X33,), np.trace),
    "outer": (lambda a, b: ag.outer(a, b), (V3, V3[::-1].copy()), np.outer),
    "inner": (lambda a, b: ag.inner(a, b), (X23, X23 * 2), np.inner),
    "var": (lambda t: t.var(axis=1, ddof=1), (X23,), lambda a: np.var(a, axis=1, ddof=1)),
    "std": (lambda t: t.std(), (X23,), np.std),
    "sort": (
        lambda t: t.sort(dim=1, descending=True).values,
        (V3.reshape(1, 3),),
        lambda a: -np.sort(-a, 1),
    ),
    "take_along_axis": (
        lambda t: t.take_along_axis(np.array([[2, 0], [1, 1]]), 1),
        (X23,),
        lambda a: np.take_along_axis(a, np.array([[2, 0], [1, 1]]), 1),
    ),
    "gather": (
        lambda t: t.gather(0, np.array([[1, 0, 1]])),
        (X23,),
        lambda a: np.take_along_axis(a, np.array([[1, 0, 1]]), 0),
    ),
}
# Not differentiated: integers and booleans (name -> function, NumPy's answer).
POSITIONS: dict[str, tuple[Callable[[Tensor], Tensor], Callable[[np.ndarray], Any]]] = {
    "argmax": (lambda t: t.argmax(dim=1), lambda a: np.argmax(a, 1)),
    "argmin": (lambda t: t.argmin(), np.argmin),
    "any": (lambda t: (t > 0.5).any(axis=0), lambda a: np.any(a > 0.5, 0)),
    "all": (lambda t: (t > 0.1).all(), lambda a: np.all(a > 0.1)),
}


def test_every_composed_operation_has_a_case() -> None:
    assert sorted(compose.__all__) == sorted([*CASES, *POSITIONS])


@pytest.mark.parametrize("name", sorted(CASES))
def test_composed_operations_match_numpy_and_pass_gradcheck(name: str) -> None:
    fn, inputs, expected = CASES[name]
    out = fn(*[Tensor(x, requires_grad=True) for x in inputs])
    np.testing.assert_allclose(out.data, expected(*inputs), rtol=1e-13)
    assert gradcheck(fn, *inputs) and gradgradcheck(fn, *inputs)


@pytest.mark.parametrize("name", sorted(POSITIONS))
def test_positions_are_numpys_and_not_differentiated(name: str) -> None:
    fn, expected = POSITIONS[name]
    out = fn(Tensor(X23, requires_grad=True))
    np.testing.assert_array_equal(out.data, expected(X23))
    assert not out.requires_grad


def test_pytorch_and_numpy_spellings_of_the_disagreeing_ones() -> None:
    t = Tensor(X23, requires_grad=True)
    assert t.var(dim=1).data == pytest.approx(np.var(X23, 1, ddof=1))  # PyTorch: unbiased
    assert t.var(axis=1).data == pytest.approx(np.var(X23, 1))  # NumPy: ddof 0
    assert t.var(dim=1, unbiased=False).data == pytest.approx(np.var(X23, 1))
    assert t.var(dim=1, correction=0).data == pytest.approx(np.var(X23, 1))
    values, indices = t.sort(dim=1)
    np.testing.assert_array_equal(indices.data, np.argsort(X23, 1))
    np.testing.assert_array_equal(np.sort(t).data, np.sort(X23))  # NumPy's: values alone
    np.testing.assert_array_equal(np.repeat(t, 2, axis=0).data, np.repeat(X23, 2, axis=0))
    with pytest.raises(ValueError, match="repeat_interleave"):
        t.repeat(2)  # PyTorch needs a size per axis
    assert [p.shape for p in t.split([1, 2], dim=1)] == [(2, 1), (2, 2)]
    assert [p.shape for p in np.split(t, 3, axis=1)] == [(2, 1)] * 3  # NumPy: 3 sections
    assert [p.shape for p in np.split(t, [1], axis=1)] == [(2, 1), (2, 2)]  # cut at 1
    with pytest.raises(ValueError, match=r"split: sizes \[1, 1\] add up to 2"):
        t.split([1, 1], dim=1)
    with pytest.raises(ValueError, match="no degree of freedom"):
        Tensor([1.0]).var(ddof=1)
    with pytest.raises(TypeError, match="only mode='constant'"):
        np.pad(t, 1, mode="edge")


def test_triangles_and_diagonal_matrices_keep_infinities_out_of_the_zeros() -> None:
    causal = ag.triu(Tensor(np.full((3, 3), -np.inf)), 1)
    np.testing.assert_array_equal(causal.data, np.triu(np.full((3, 3), -np.inf), 1))
    np.testing.assert_array_equal(Tensor([[1.0, np.inf], [2.0, 3.0]]).tril().data, [[1, 0], [2, 3]])
    np.testing.assert_array_equal(ag.diag(Tensor([np.inf, 1.0])).data, [[np.inf, 0], [0, 1]])
    assert ag.diag(Tensor(np.ones(2000))).shape == (2000, 2000)  # placed, not an n**3 product


@pytest.mark.parametrize(
    "call",
    [
        lambda t: t.split(1),
        lambda t: t.chunk(2),
        lambda t: t.roll(1, 0),
        lambda t: t.repeat_interleave(2, 0),
        lambda t: t.var(dim=0),
        lambda t: t.topk(1),
    ],
)
def test_operations_along_an_axis_refuse_a_0d_tensor_clearly(call: Callable[[Tensor], Any]) -> None:
    with pytest.raises(ValueError, match="needs a Tensor with at least one axis"):
        call(Tensor(2.0))


def test_inner_with_a_0d_operand_scales_the_other_as_numpy_and_pytorch() -> None:
    t = Tensor([1.0, 2.0])
    np.testing.assert_array_equal(ag.inner(t, Tensor(2.0)).data, [2.0, 4.0])
    np.testing.assert_array_equal(np.inner(Tensor(3.0), t).data, [3.0, 6.0])


def test_pad_widths_that_do_not_fit_say_how_to_write_them() -> None:
    x = Tensor(np.zeros((2, 3)))
    assert ag.pad(x, ((0, 0), (1, 2))).shape == (2, 6)  # F.pad(x, (1, 2)) in NumPy's order
    with pytest.raises(ValueError, match=r"one pair per axis in NumPy's order.*F.pad"):
        ag.pad(x, (1, 2, 0, 1))

"""What a PyTorch user types first does what PyTorch does (or says what to write)."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ag
from autograd_core import Tensor
from autograd_core.testing import gradcheck


def grid() -> Tensor:
    return Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)


def test_two_axes_given_to_transpose_swap_as_in_pytorch() -> None:
    t = grid()
    np.testing.assert_array_equal(t.transpose(0, 1).data, t.data.T)  # NumPy: the identity
    np.testing.assert_array_equal(t.transpose(1, 0).data, t.data.T)
    cube = Tensor(np.arange(24.0).reshape(2, 3, 4))
    assert cube.transpose(0, 2).shape == (4, 3, 2) and cube.swapaxes(1, 2).shape == (2, 4, 3)
    assert cube.transpose((1, 0, 2)).shape == (3, 2, 4)  # a tuple is a permutation (NumPy)
    assert cube.permute(2, 0, 1).shape == (4, 2, 3) and cube.transpose().shape == (4, 3, 2)
    assert gradcheck(lambda x: x.transpose(0, 2) * np.arange(24.0).reshape(4, 3, 2), cube.data)
    with pytest.raises(ValueError, match=r"Tensor.t\(\): needs at most 2 axes"):
        cube.t()
    assert t.t().shape == (3, 2)


@pytest.mark.parametrize("name", ["sum", "mean", "logsumexp"])
def test_dim_and_keepdim_are_axis_and_keepdims(name: str) -> None:
    t = grid()
    ours = getattr(t, name)(dim=1, keepdim=True)
    numpy_style = getattr(t, name)(axis=1, keepdims=True)
    np.testing.assert_array_equal(ours.data, numpy_style.data)
    assert ours.shape == (2, 1)
    with pytest.raises(TypeError, match="not both"):
        getattr(t, name)(axis=0, dim=1)


def test_max_and_min_with_dim_return_values_and_indices_as_torch() -> None:
    t = Tensor([[1.0, 5.0, 5.0], [2.0, 0.0, 3.0]], requires_grad=True)
    values, indices = t.max(dim=1)
    np.testing.assert_array_equal(values.data, [5.0, 3.0])
    np.testing.assert_array_equal(indices.data, [1, 2])  # the first maximum
    values.sum().backward()
    np.testing.assert_array_equal(t.grad, [[0, 1, 0], [0, 0, 1]])  # to that one index
    low = t.min(dim=0, keepdim=True)
    assert low.values.shape == (1, 3) and low.indices.data.tolist() == [[0, 1, 1]]
    assert t.max(axis=1).shape == (2,)  # axis=: NumPy's values only, ties share


def test_softmax_takes_dim() -> None:
    t = grid()
    np.testing.assert_array_equal(t.softmax(dim=0).data, t.softmax(axis=0).data)
    np.testing.assert_array_equal(t.log_softmax(dim=0).data, t.log_softmax(0).data)


def test_shape_idioms() -> None:
    t = grid()
    assert t.view(3, 2).shape == (3, 2) and t.view(-1).shape == (6,)
    assert t.flatten().shape == (6,) and Tensor(np.ones((2, 3, 4))).flatten(1).shape == (2, 12)
    assert t.unsqueeze(0).shape == (1, 2, 3) and t.unsqueeze(-1).shape == (2, 3, 1)
    assert t.expand_dims(1).shape == (2, 1, 3)
    assert Tensor(np.ones((1, 3, 1))).squeeze().shape == (3,)
    assert Tensor(np.ones((1, 3))).squeeze(0).shape == (3,)
    assert t.squeeze(dim=0).shape == (2, 3)  # PyTorch leaves a longer axis in place
    with pytest.raises(ValueError, match="axis 0 has length 2, not 1"):
        t.squeeze(0)  # NumPy's spelling refuses, as NumPy does
    assert gradcheck(lambda x: x.unsqueeze(1).flatten() * np.arange(6.0), t.data)


def test_size_is_numpys_count_and_called_pytorchs_shape() -> None:
    t = grid()
    assert t.size == 6 and t.numel() == 6 and t.dim() == 2
    assert t.size() == (2, 3) and t.size(1) == 3 and t.size(-1) == 3


def test_small_idioms() -> None:
    t = grid()
    assert t.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    np.testing.assert_array_equal(t.pow(2).data, t.data**2)
    c = t.clone()
    assert c.data is not t.data and c.requires_grad
    c.sum().backward()
    np.testing.assert_array_equal(t.grad, np.ones((2, 3)))  # clone stays in the graph
    assert t.float().dtype == np.float32 and t.float().requires_grad
    assert t.double().dtype == np.float64 and t.long().dtype == np.int64
    assert not t.long().requires_grad  # integers are not differentiated
    x = Tensor([1.0, 2.0]).requires_grad_()
    assert x.requires_grad and x.requires_grad_(False) is x and not x.requires_grad
    with pytest.raises(RuntimeError, match=r"detach\(\)"):
        (grid() * 2).requires_grad_(False)
    with pytest.raises(TypeError, match="floating dtype"):
        Tensor(np.array([1, 2]), dtype=np.int64).requires_grad_()
    joined = ag.cat([t, t], dim=1)
    assert joined.shape == (2, 6)


def test_creation_functions() -> None:
    assert ag.zeros(2, 3).shape == (2, 3) and ag.zeros((2, 3)).shape == (2, 3)
    assert ag.ones(2, dtype=np.float32).dtype == np.float32
    assert ag.full((2, 2), 7.0).data.tolist() == [[7.0, 7.0], [7.0, 7.0]]
    assert ag.arange(4).data.tolist() == [0.0, 1.0, 2.0, 3.0]
    assert ag.arange(1, 2, 0.5).data.tolist() == [1.0, 1.5]
    assert ag.linspace(0, 1, 3).data.tolist() == [0.0, 0.5, 1.0]
    np.testing.assert_array_equal(ag.eye(2).data, np.eye(2))
    p = ag.zeros(3, requires_grad=True)
    assert p.requires_grad and p.dtype == np.float64
    assert ag.tensor([1.0], requires_grad=True).requires_grad
    np.testing.assert_array_equal(
        ag.randn(3, generator=7).data, np.random.default_rng(7).standard_normal(3)
    )
    rng = np.random.default_rng(2)
    np.testing.assert_array_equal(
        ag.rand(2, generator=rng).data, np.random.default_rng(2).random(2)
    )
    np.random.seed(48)
    first = ag.randn(2, 2).data
    np.random.seed(48)
    np.testing.assert_array_equal(first, np.random.randn(2, 2))  # the global stream, as the blog
    like = ag.zeros_like(ag.ones(2, dtype=np.float32))
    assert like.dtype == np.float32 and ag.ones_like(np.ones((2, 1))).shape == (2, 1)
    assert ag.full_like(ag.ones(3), 2.0).data.tolist() == [2.0] * 3
    assert ag.randn_like(ag.ones(4), generator=0).shape == (4,)
    assert ag.rand_like(ag.ones(4), generator=0).shape == (4,)
    with pytest.raises(TypeError, match="zeros: the shape must be non-negative integers"):
        ag.zeros(2.5)
    with pytest.raises(TypeError, match="generator must be a seed"):
        ag.rand(2, generator="x")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="step must not be 0"):
        ag.arange(0, 1, 0)


def test_pytorchs_method_names_are_the_operations_they_name() -> None:
    x = Tensor(np.arange(1.0, 7.0).reshape(2, 3), requires_grad=True)
    w = np.ones((3, 2))
    np.testing.assert_array_equal(x.matmul(w).data, x.data @ w)
    np.testing.assert_array_equal(x.mm(w).data, x.data @ w)
    assert Tensor([1.0, 2.0]).dot(Tensor([3.0, 4.0])).item() == 11.0
    for name, expected in [("add", x.data + 2), ("sub", x.data - 2), ("mul", x.data * 2)]:
        np.testing.assert_array_equal(getattr(x, name)(2).data, expected)
    np.testing.assert_array_equal(x.div(2).data, x.data / 2)
    np.testing.assert_array_equal(x.neg().data, -x.data)
    assert x.eq(x).data.all() and not x.ne(x).data.any() and x.gt(0).data.all()
    np.testing.assert_array_equal(x.clamp(min=2).data, np.clip(x.data, 2, None))
    np.testing.assert_array_equal(x.clamp(2, 4).data, np.clip(x.data, 2, 4))
    top = x.topk(2, dim=1)
    np.testing.assert_array_equal(top.values.data, [[3.0, 2.0], [6.0, 5.0]])
    np.testing.assert_array_equal(top.indices.data, [[2, 1], [2, 1]])
    assert x.to(np.float32).dtype == np.float32 and x.to("cpu") is x
    with pytest.raises(ValueError, match="on the CPU"):
        x.to("cuda")
    assert x.type(np.float32).dtype == np.float32
    assert x.new_zeros(2, 2).shape == (2, 2) and x.new_ones(3).data.tolist() == [1.0] * 3
    assert x.grad_fn is None and (x * 2).grad_fn.name == "mul"
    buffer = Tensor(np.ones(3))
    assert buffer.zero_() is buffer and buffer.data.tolist() == [0.0] * 3
    assert buffer.fill_(2.5).data.tolist() == [2.5] * 3
    with pytest.raises(RuntimeError, match="leaf that requires grad"):
        x.zero_()  # a parameter with grad mode on, as PyTorch
    assert ag.stack([x, x], dim=1).shape == (2, 2, 3)
    assert ag.concatenate([x, x], dim=1).shape == (2, 6)
    ag.manual_seed(3)
    first = ag.randn(2).data
    ag.manual_seed(3)
    np.testing.assert_array_equal(ag.randn(2).data, first)


def test_review_findings_behave_as_pytorch_or_say_what_to_write() -> None:
    import math

    x = np.array([[1.0, -2.0], [3.0, 4.0]])
    t = Tensor(x, requires_grad=True)
    assert t.norm(1).item() == 10.0 and t.norm(np.inf).item() == 4.0  # p first, as torch
    assert t.norm(3).item() == pytest.approx(np.linalg.norm(x.ravel(), 3), rel=1e-14)
    np.testing.assert_allclose(t.norm(2, dim=1).data, np.linalg.norm(x, axis=1), rtol=1e-15)
    values, indices = t.max(1)  # positional dim: PyTorch's pair
    assert values.data.tolist() == [1.0, 4.0] and indices.data.tolist() == [0, 1]
    assert t.max(axis=1).data.tolist() == [1.0, 4.0]
    with pytest.raises(TypeError, match="autograd_core.maximum"):
        t.max(t)
    constant = Tensor(np.ones(3), requires_grad=True)
    constant.std(dim=0).backward()
    assert constant.grad.tolist() == [0.0, 0.0, 0.0]  # PyTorch's, not NaN
    assert math.isnan(Tensor([3.0, np.nan, 1.0]).sort(descending=True).values.data[0])
    assert math.isnan(Tensor([1.0, np.nan, 2.0]).topk(1).values.item())
    assert np.take_along_axis(Tensor(np.ones((4, 5))), np.array([[0, 1]]), axis=1).shape == (4, 2)
    assert t.gather(1, np.array([[0], [1]])).data.tolist() == [[1.0], [4.0]]
    with pytest.raises(ValueError, match="a new leading axis needs a size"):
        Tensor([1.0, 2.0]).expand(-1, 2)
    with pytest.raises(TypeError, match="keepdim needs a dim"):
        t.prod(keepdim=True)
    assert Tensor(3.0).prod(0).item() == 3.0 and Tensor(3.0).flip(0).item() == 3.0
    assert t.flip(0, 1).data.tolist() == [[4.0, 3.0], [-2.0, 1.0]]
    assert ag.tensordot(t, t, dims=1).shape == (2, 2)
    np.testing.assert_array_equal(Tensor([-1.0, 2.0]).leaky_relu(0.2).data, [-0.2, 2.0])
    with pytest.raises(TypeError, match=r"leaky_relu: takes 1 operand\(s\) and the parameters"):
        ag.leaky_relu(Tensor([1.0]), 0.1, 0.2)
    with pytest.raises(ValueError, match=r"PyTorch's t.squeeze\(dim=0\)"):
        t.squeeze(0)
    assert np.copy(t).requires_grad  # np.copy keeps the graph (a clone)
    with pytest.raises(TypeError, match=r"numpy.nan_to_num has no derivative rule"):
        np.nan_to_num(t)
    with pytest.raises(TypeError, match=r"numpy.linalg.det has no derivative rule"):
        np.linalg.det(t)
    assert np.einsum("ij->", t).item() == 6.0 and np.prod(t).item() == -24.0
    assert np.linalg.norm(t).item() == pytest.approx(np.linalg.norm(x), rel=1e-15)
    v = ag.Value(0.0)
    v.sqrt().backward(create_graph=True)  # the slope at the edge, as a constant
    assert v.grad.data == math.inf


def test_a_users_operation_takes_parameters_with_defaults() -> None:
    @ag.differentiable(name="test_scaled")
    def scaled(x, k=2.0):  # type: ignore[no-untyped-def]
        return x * k

    scaled.vjp(lambda g, out, x, k: g * k)
    try:
        assert scaled.arity == 1 and scaled.params == {"k": 2.0}
        assert scaled(Tensor([1.0, 2.0])).data.tolist() == [2.0, 4.0]
        assert scaled(Tensor([1.0]), 3.0).data.tolist() == [3.0]
        v = ag.Value(1.0)
        out = scaled(v, k=4.0)
        out.backward()
        assert out.data == 4.0 and v.grad == 4.0
    finally:
        del ag.REGISTRY["test_scaled"]


def test_mm_takes_matrices_and_dot_vectors_as_in_pytorch_and_other_shapes_as_numpy() -> None:
    a, v = Tensor(np.ones((2, 3))), Tensor(np.arange(3.0))
    assert a.mm(Tensor(np.ones((3, 4)))).shape == (2, 4)
    assert v.dot(v).item() == 5.0
    with pytest.raises(
        ValueError, match=r"Tensor.mm: takes 2-D matrices.*\(2, 3\) and \(3,\).*a @ b"
    ):
        a.mm(v)
    # Beyond two vectors, where torch.dot refuses, a.dot(b) is NumPy's (np.dot).
    np.testing.assert_array_equal(a.dot(v).data, np.ones((2, 3)).dot(np.arange(3.0)))
    b = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_allclose(np.dot(a, Tensor(b)).data, np.ones((2, 3)).dot(b), rtol=1e-15)
    with pytest.raises(ValueError, match="lengths 3 and 2"):
        v.dot(Tensor([1.0, 2.0]))


def test_creation_infers_pytorchs_dtypes() -> None:
    assert ag.tensor([1, 2, 3]).dtype == np.int64  # torch.tensor([1, 2, 3]) is int64
    assert ag.tensor([1.0, 2.0]).dtype == np.float64  # the default float here
    assert ag.tensor([True, False]).dtype == np.bool_
    assert ag.tensor(np.float32([1.0])).dtype == np.float32  # an array keeps its dtype
    assert ag.arange(10).dtype == np.int64 and ag.arange(0, 1, 0.5).dtype == np.float64
    assert ag.full((2,), 4).dtype == np.int64 and ag.full((2,), 4.0).dtype == np.float64
    ints = ag.tensor(np.int32([1, 2]))
    assert ag.zeros_like(ints).dtype == np.int32 and ag.full_like(ints, 7).dtype == np.int32
    with pytest.raises(TypeError, match="rand_like: random numbers need a floating dtype"):
        ag.rand_like(ints)
    with pytest.raises(TypeError, match="floating dtype"):
        ag.tensor([1, 2], requires_grad=True)  # as torch: only floats require grad


def test_the_torch_namespace_spellings() -> None:
    array = np.arange(3.0)
    shared = ag.from_numpy(array)
    array[0] = 7.0  # the same memory, as torch.from_numpy
    assert shared.data[0] == 7.0 and ag.from_numpy(np.int32([1])).dtype == np.int32
    assert ag.zeros(2, dtype=ag.float32).dtype == np.float32 and ag.long is np.int64
    a = Tensor(np.ones((2, 3)), requires_grad=True)
    assert ag.matmul(a, Tensor(np.ones((3, 1)))).shape == (2, 1)
    np.testing.assert_allclose(ag.softmax(a, 1).data, np.full((2, 3), 1 / 3))
    x = Tensor(2.0, requires_grad=True)
    y = x**3
    (dx,) = ag.autograd.grad(y, x, create_graph=True)
    assert dx.item() == 12.0 and x.grad is None  # .grad left as it was
    (ddx,) = ag.autograd.grad(dx, [x])
    assert isinstance(ddx, Tensor) and float(ddx) == 12.0  # a Tensor, as torch gives
    unused = Tensor(1.0, requires_grad=True)
    with pytest.raises(RuntimeError, match="input 1 was not used.*allow_unused=True"):
        ag.autograd.grad(y, [x, unused])
    assert ag.autograd.grad(y, [x, unused], allow_unused=True)[1] is None
    with pytest.raises(TypeError, match="from_numpy: expected a numpy.ndarray"):
        ag.from_numpy([1.0])


def test_review_edges_softmax_of_integers_complex_and_numpy_scalars() -> None:
    with pytest.raises(TypeError, match=r"Tensor.softmax: needs a floating dtype, got int64"):
        ag.softmax(ag.tensor([1, 4]), 0)
    with pytest.raises(TypeError, match="complex numbers are not supported"):
        ag.tensor(1 + 2j)
    assert ag.tensor(np.float32(1.5)).dtype == np.float32
    assert ag.tensor([np.float32(1.0), np.float32(2.0)]).dtype == np.float32

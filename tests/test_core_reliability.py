"""The edges PyTorch gets right: powers at zero, 0-d reductions, huge logits, NaN, total
derivatives. The expected values are PyTorch 2.13's (float64), written out as facts."""

from __future__ import annotations

import gc
import math
import warnings
from collections.abc import Callable

import numpy as np
import pytest

from autograd_core import Tensor, Value, grad, maximum, minimum, no_grad
from autograd_core.engine import gradients

INF, NAN = math.inf, math.nan


def same(a: float, b: float) -> bool:
    """Equal, or both NaN (an exact comparison: these are IEEE limits, not roundings)."""
    return (math.isnan(a) and math.isnan(b)) or a == b


# ------------------------------------------------------------------ powers at zero
# (base, exponent, a ** b, d/da, d/db), from torch.pow's backward. (A list: as dict keys
# 0.0 and -0.0 would be one.)
POW_CASES = [
    (0.0, -3.0, INF, -INF, -INF),
    (0.0, -2.0, INF, -INF, -INF),
    (0.0, -0.5, INF, -INF, -INF),
    (-0.0, -3.0, -INF, -INF, INF),
    (-0.0, -2.0, INF, INF, -INF),
    (0.0, 0.0, 1.0, 0.0, 0.0),
    (0.0, 0.5, 0.0, INF, 0.0),
    (0.0, 1.0, 0.0, 1.0, 0.0),
    (0.0, 2.0, 0.0, 0.0, 0.0),
    (0.0, 3.0, 0.0, 0.0, 0.0),
    (0.0, NAN, NAN, NAN, NAN),
    (-2.0, 2.0, 4.0, -4.0, NAN),
    (-2.0, -3.0, -0.125, -0.1875, NAN),
    (-2.0, 0.5, NAN, NAN, NAN),
    (2.0, 0.0, 1.0, 0.0, math.log(2.0)),
    (2.0, 3.0, 8.0, 12.0, 8.0 * math.log(2.0)),
]


@pytest.mark.parametrize(("base", "exponent", "power", "d_base", "d_exponent"), POW_CASES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_tensor_pow_gradients_at_every_sign_and_zero_are_pytorchs(
    base: float, exponent: float, power: float, d_base: float, d_exponent: float, dtype: type
) -> None:
    x = Tensor(np.array([base], dtype), requires_grad=True)
    e = Tensor(np.array([exponent], dtype), requires_grad=True)
    with np.errstate(all="ignore"):  # the forward warns as NumPy does (0 ** -1 divides)
        y = (x**e).sum()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the backward is expected to reach these limits
        y.backward()
    expected = (power, d_base, d_exponent)
    got = (y.item(), float(x.grad[0]), float(e.grad[0]))
    assert all(same(g, float(dtype(w))) for g, w in zip(got, expected)), (got, expected)


@pytest.mark.parametrize(("base", "exponent", "power", "d_base", "d_exponent"), POW_CASES)
def test_value_pow_gradients_agree_or_the_forward_refuses(
    base: float, exponent: float, power: float, d_base: float, d_exponent: float
) -> None:
    expected = (power, d_base, d_exponent)
    x, e = Value(base), Value(exponent)
    if (base == 0 and exponent < 0) or (base < 0 and not float(exponent).is_integer()):
        # Value follows Python floats: 0.0 ** -1 and (-2) ** 0.5 raise at the forward.
        with pytest.raises((ZeroDivisionError, ValueError), match=r"\*\*"):
            x**e
        return
    y = x**e
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y.backward()
    got = (y.data, x.grad, e.grad)
    assert all(same(g, w) for g, w in zip(got, expected)), (got, expected)


def test_pow_second_order_at_zero_follows_the_same_limits() -> None:
    # d/dx of x ** 0.5 at 0 is inf; its create_graph form must give the same number.
    x = Value(0.0)
    y = x**0.5
    y.backward(create_graph=True)
    assert x.grad.data == INF
    t = Tensor([0.0, 4.0], requires_grad=True)
    (t**0.5).sum().backward(create_graph=True)
    np.testing.assert_array_equal(t.grad.data, [INF, 0.25])


def test_integer_tensor_to_a_negative_power_says_what_to_write() -> None:
    t = Tensor(np.array([1, 2]), dtype=np.int64)
    with pytest.raises(ValueError, match=r"Tensor \*\*.*negative.*float"):
        t**-1
    np.testing.assert_array_equal((t**2).data, [1, 4])


# ------------------------------------------------------------------ 0-d reductions
@pytest.mark.parametrize("name", ["sum", "mean", "max", "min", "logsumexp"])
@pytest.mark.parametrize("axis", [0, -1, (0,), (-1,)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_a_0d_reduction_over_axis_0_or_minus_1_is_the_element(
    name: str, axis: object, keepdims: bool
) -> None:
    t = Tensor(5.0, requires_grad=True)
    out = getattr(t, name)(axis=axis, keepdims=keepdims)
    assert out.shape == () and out.item() == 5.0
    out.backward()
    assert t.grad.shape == () and t.grad == 1.0


@pytest.mark.parametrize("name", ["sum", "mean", "max", "min", "logsumexp", "softmax"])
def test_a_0d_reduction_over_axis_1_is_out_of_range(name: str) -> None:
    with pytest.raises(ValueError, match=f"Tensor.{name}: axis 1 is out of range for 0 axes"):
        getattr(Tensor(5.0), name)(axis=1)


@pytest.mark.parametrize("axis", [1.0, "0", [0.5]])
def test_a_non_integer_axis_is_a_clear_type_error(axis: object) -> None:
    with pytest.raises(TypeError, match="Tensor.sum: axis must be an int"):
        Tensor([1.0, 2.0]).sum(axis=axis)  # type: ignore[arg-type]


# ------------------------------------------------------------------ huge logits
BIG = {np.float64: 1e308, np.float32: 3e38}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.filterwarnings("error")
def test_softmax_family_is_finite_and_silent_at_the_largest_floats(dtype: type) -> None:
    big = dtype(BIG[dtype])
    data = np.array([[big, -big, 0.0], [big, big, -big]], dtype)
    x = Tensor(data, requires_grad=True)
    weights = Tensor(np.array([1.0, 2.0, 3.0], dtype))
    (x.softmax(axis=-1) * weights).sum().backward()
    np.testing.assert_array_equal(x.softmax(axis=-1).data, [[1, 0, 0], [0.5, 0.5, 0]])
    np.testing.assert_array_equal(x.grad, [[0, 0, 0], [-0.25, 0.25, 0]])
    x.grad = None
    x.log_softmax(axis=-1).sum().backward()
    log_half = np.log(dtype(0.5))
    np.testing.assert_array_equal(
        x.log_softmax(axis=-1).data, [[0, -INF, -big], [log_half, log_half, -INF]]
    )
    np.testing.assert_array_equal(x.grad, [[-2, 1, 1], [-0.5, -0.5, 1]])
    x.grad = None
    lse = x.logsumexp(axis=-1)
    lse.backward(np.ones(2))
    np.testing.assert_array_equal(lse.data, [big, big])  # log 2 is below big's last digit
    # softmax(x), the exact derivative: tied maxima share (exp(x - lse) would give each 1).
    np.testing.assert_array_equal(x.grad, [[1, 0, 0], [0.5, 0.5, 0]])


@pytest.mark.filterwarnings("error")
def test_logsumexp_second_order_still_passes_gradgradcheck() -> None:
    from autograd_core.testing import gradgradcheck

    rng = np.random.default_rng(3)
    assert gradgradcheck(lambda t: t.logsumexp(axis=1).sum(), rng.normal(size=(3, 4)))
    assert gradgradcheck(lambda t: t.logsumexp(axis=(0, 1)), rng.normal(size=(2, 3)))


@pytest.mark.filterwarnings("error")
def test_empty_tensors_reduce_to_empty_results() -> None:
    rows = Tensor(np.zeros((0, 3)), requires_grad=True)
    assert rows.softmax(axis=-1).shape == (0, 3)
    assert rows.log_softmax(axis=-1).shape == (0, 3)
    assert rows.logsumexp(axis=-1).shape == (0,)
    assert rows.max(axis=1).shape == (0,) and rows.min(axis=-1).shape == (0,)
    cols = Tensor(np.zeros((3, 0)))
    np.testing.assert_array_equal(cols.logsumexp(axis=-1).data, [-INF] * 3)  # log(0), PyTorch
    assert rows[[]].shape == (0, 3)
    with pytest.raises(ValueError, match=r"Tensor.max: shape \(0, 3\) has no max over axes"):
        rows.max(axis=0)


# ------------------------------------------------------------------ NaN
@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        ([1.0, NAN, 3.0], "max", [0.0, 1.0, 0.0]),
        ([1.0, NAN, 3.0], "min", [0.0, 1.0, 0.0]),
        ([1.0, NAN, NAN], "max", [0.0, 0.5, 0.5]),
        ([3.0, 3.0, 1.0], "max", [0.5, 0.5, 0.0]),
    ],
)
def test_max_and_min_send_the_gradient_to_the_nan_as_pytorch(
    data: list[float], name: str, expected: list[float]
) -> None:
    x = Tensor(data, requires_grad=True)
    out = getattr(x, name)()
    assert math.isnan(out.item()) == any(math.isnan(v) for v in data)
    out.backward()
    np.testing.assert_array_equal(x.grad, expected)


def test_max_over_an_axis_with_a_nan_row() -> None:
    x = Tensor([[1.0, NAN, 3.0], [3.0, 3.0, 1.0]], requires_grad=True)
    x.max(axis=1).sum().backward()
    np.testing.assert_array_equal(x.grad, [[0, 1, 0], [0.5, 0.5, 0]])


def test_relu_of_nan_agrees_on_value_tensor_and_pytorch() -> None:
    # PyTorch: relu(nan) = nan with gradient 1 (its backward masks only x <= 0).
    data = [NAN, -1.0, 0.0, 2.0]
    t = Tensor(data, requires_grad=True)
    out = t.relu()
    out.sum().backward()
    np.testing.assert_array_equal(out.data, [NAN, 0.0, 0.0, 2.0])
    np.testing.assert_array_equal(t.grad, [1.0, 0.0, 0.0, 1.0])
    for x, forward, slope in zip(data, out.data, t.grad):
        v = Value(x)
        r = v.relu()
        r.backward()
        assert same(r.data, forward) and v.grad == slope and r.local_grads == (slope,)
        w = Value(x)
        w.relu().backward(create_graph=True)  # the graph rule too
        assert w.grad.data == slope


# ------------------------------------------------------------------ total derivatives
@pytest.mark.parametrize("make", [Value, lambda x: Tensor(x, requires_grad=True)])
def test_gradients_are_total_derivatives_like_torch_autograd_grad(
    make: Callable[[float], object],
) -> None:
    x = make(2.0)
    y = x * 3  # type: ignore[operator]
    z = y * x
    dx, dy = gradients(z, [x, y])
    assert float(dx) == 12.0 and float(dy) == 2.0  # dz/dx through y and directly; dz/dy = x
    (dy_only,) = gradients(z, [y])
    assert float(dy_only) == 2.0
    assert float(x.grad if isinstance(x, Value) else 0.0) == 0.0  # nothing was changed


def test_nested_grad_still_holds_closed_over_variables_fixed() -> None:
    f = lambda x: x**3
    assert grad(grad(grad(f)))(2.0) == 6.0
    # d/dx [ x * d/dy (x * y) ] = d/dx x**2 = 2x: the inner grad holds x fixed.
    outer = grad(lambda x: x * grad(lambda y: x * y)(x))
    assert outer(3.0) == 6.0


# ------------------------------------------------------------------ updates in place
def num(x: object) -> float:
    """The single number of a Value, a one-element array or Tensor (None: no gradient, 0)."""
    if x is None:
        return 0.0
    return float(np.asarray(getattr(x, "data", x)).reshape(-1)[0])


@pytest.mark.parametrize("make", [Value, lambda x: Tensor([x], requires_grad=True)])
def test_an_update_under_no_grad_changes_the_parameter_itself(
    make: Callable[[float], object],
) -> None:
    p = make(3.0)
    same_object = p
    (p * p).backward()  # type: ignore[operator, attr-defined]
    with no_grad():
        p -= 0.1 * p.grad  # type: ignore[operator, attr-defined]
        p *= 2  # type: ignore[operator]
    assert p is same_object and num(p.data) == pytest.approx((3.0 - 0.6) * 2, rel=1e-15)
    assert p.requires_grad  # type: ignore[attr-defined]


@pytest.mark.parametrize("make", [Value, lambda x: Tensor([x], requires_grad=True)])
@pytest.mark.parametrize("symbol", ["+=", "-=", "*=", "/=", "**="])
def test_an_in_place_update_of_a_parameter_with_grad_mode_on_raises(
    make: Callable[[float], object], symbol: str
) -> None:
    p = make(3.0)
    before = num(p.data)  # type: ignore[attr-defined]
    with pytest.raises(RuntimeError, match="leaf that requires grad.*no_grad"):
        exec(f"p {symbol} 2.0", {}, {"p": p})
    assert num(p.data) == before  # type: ignore[attr-defined]  # nothing half-changed


@pytest.mark.parametrize("make", [Value, lambda x: Tensor([x], requires_grad=True)])
def test_accumulating_a_loss_in_place_is_recorded(make: Callable[[float], object]) -> None:
    x = make(2.0)
    total = make(0.0) * 0  # type: ignore[operator]  # a computed node
    alias = total
    for k in range(1, 4):
        total += x * k  # type: ignore[operator]
    assert total is alias and num(total) == 12.0  # the same object, updated (as PyTorch)
    (total.sum() if isinstance(total, Tensor) else total).backward()
    assert num(x.grad) == 6.0  # type: ignore[attr-defined]  # 1 + 2 + 3


@pytest.mark.parametrize("make", [Value, lambda x: Tensor([x], requires_grad=True)])
def test_an_update_computed_from_the_node_itself_uses_its_old_numbers(
    make: Callable[[float], object],
) -> None:
    # micrograd's test_engine writes c += c + 1; PyTorch allows it on a computed node.
    x = make(0.5)
    c = x * 2  # type: ignore[operator]
    alias = c
    c += c * 3 + c.exp()  # type: ignore[operator]
    c *= c  # type: ignore[operator]
    assert c is alias
    (c.sum() if isinstance(c, Tensor) else c).backward()
    # PyTorch 2.13, float64, written out of place (c = c + (c * 3 + c.exp()); c = c * c):
    assert num(c) == pytest.approx(45.135310726603, rel=1e-14)
    assert num(x.grad) == pytest.approx(180.54124290641204, rel=1e-14)  # type: ignore[attr-defined]


def test_a_node_read_before_an_update_outside_the_operand_still_refuses() -> None:
    x = Value(0.5)
    c = x * 2
    q = c * 3  # reads c, but is not part of the update below
    c += 1.0
    with pytest.raises(RuntimeError, match="operand 0 of Value '\\*' was updated in place"):
        (q + c).backward()


@pytest.mark.parametrize("make", [Value, lambda x: Tensor([x], requires_grad=True)])
def test_backward_after_an_input_was_updated_in_place_names_the_node(
    make: Callable[[float], object],
) -> None:
    w = make(3.0)
    w.label = "w"  # type: ignore[attr-defined]
    loss = w * w  # type: ignore[operator]
    loss = loss.sum() if isinstance(loss, Tensor) else loss
    with no_grad():
        w -= 1.0  # type: ignore[operator]
    with pytest.raises(RuntimeError, match=r"operand 0 \('w'\) of (Value '\*'|Tensor 'mul') was"):
        loss.backward()
    assert num(w.grad) == 0.0  # type: ignore[attr-defined]  # the failed pass changed nothing
    again = w * w  # type: ignore[operator]
    (again.sum() if isinstance(again, Tensor) else again).backward()  # a new forward is fine
    assert num(w.grad) == 4.0  # type: ignore[attr-defined]


def test_a_constant_input_updated_in_place_is_caught_too() -> None:
    w = Tensor([1.0, 2.0], requires_grad=True)
    x = Tensor([3.0, 4.0])
    y = (w * x).sum()
    x += 1.0  # x requires no grad: allowed, and stamped
    with pytest.raises(RuntimeError, match="operand 1 of Tensor 'mul' was updated in place"):
        y.backward()


def test_an_update_in_place_keeps_shape_and_dtype_or_says_what_to_write() -> None:
    x = Tensor(np.ones(3, np.float32))
    x += np.ones(3)  # float64 operand: the result is stored in float32, as PyTorch
    assert x.dtype == np.float32 and x.data.tolist() == [2.0, 2.0, 2.0]
    with pytest.raises(ValueError, match=r"Tensor \+=: the result has shape \(2, 3\)"):
        x += np.ones((2, 3))
    mask = Tensor(np.array([True, False]))
    with pytest.raises(TypeError, match=r"Tensor \+=: the result is int64"):
        mask += 1
    view = Tensor([1.0, 2.0]).broadcast_to((2, 2))
    with pytest.raises(ValueError, match="read-only"):
        view += 1.0
    assert x.data.tolist() == [2.0, 2.0, 2.0]


# ------------------------------------------------------------------ clear errors
def test_bad_backward_and_clip_arguments_name_the_operation() -> None:
    t = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(TypeError, match=r"Tensor.backward\(grad\): grad must be numbers"):
        (t * 2).backward(grad="a")
    with pytest.raises(TypeError, match="Tensor.clip: low must be a number"):
        t.clip("a")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="Tensor.clip: high must be a number"):
        t.clip(0.0, "b")  # type: ignore[arg-type]
    t.grad = np.ones(3)
    with pytest.raises(TypeError, match=r"Tensor.grad: a leaf of shape \(2,\)"):
        (t * 2).sum().backward()


def test_a_value_grad_reset_to_none_means_zero_and_garbage_is_refused() -> None:
    v = Value(2.0)
    y = v * v
    v.grad = None
    y.backward()
    assert v.grad == 4.0
    v.grad = "x"
    with pytest.raises(TypeError, match="Value.grad: a leaf holds a gradient of type str"):
        y.backward()
    assert v.grad == "x"


# ------------------------------------------------------------------ memory
@pytest.mark.parametrize("kind", ["value", "tensor"])
def test_create_graph_in_a_loop_does_not_grow_with_the_cyclic_gc_off(kind: str) -> None:
    w = Value(0.5) if kind == "value" else Tensor(np.full((3, 3), 0.5), requires_grad=True)
    x = Value(2.0, requires_grad=False) if kind == "value" else Tensor(np.ones((2, 3)))

    def step() -> None:
        y = w * x if kind == "value" else x @ w
        loss = y.tanh() * y
        (loss if kind == "value" else loss.sum()).backward(create_graph=True)
        w.grad = None  # zero_grad: the leaf lets go of its gradient's graph

    enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(3):
            step()
        before = len(gc.get_objects())
        for _ in range(50):
            step()
        growth = len(gc.get_objects()) - before
    finally:
        if enabled:
            gc.enable()
    assert growth < 50, growth  # one leaked graph per step would be hundreds of objects


# ------------------------------------------------------------------ found by probing
def test_maximum_and_minimum_with_a_nan_give_both_operands_the_gradient_as_pytorch() -> None:
    for fn in (maximum, minimum):
        a = Tensor([NAN, 1.0, 2.0, 3.0], requires_grad=True)
        b = Tensor([1.0, NAN, 2.0, 0.0], requires_grad=True)
        fn(a, b).sum().backward()
        winner = [1.0, 0.0] if fn is maximum else [0.0, 1.0]  # at (3, 0)
        np.testing.assert_array_equal(a.grad, [1.0, 1.0, 0.5, winner[0]])
        np.testing.assert_array_equal(b.grad, [1.0, 1.0, 0.5, winner[1]])


def test_abs_of_nan_has_gradient_0_and_sqrt_of_minus_0_minus_inf() -> None:
    t = Tensor([NAN, -0.0, 2.0], requires_grad=True)
    t.abs().sum().backward()
    np.testing.assert_array_equal(t.grad, [0.0, 0.0, 1.0])  # PyTorch: sgn(nan) = 0
    v = Value(NAN)
    v.abs().backward()
    assert v.grad == 0.0
    z = Value(-0.0)
    z.sqrt().backward()
    assert z.grad == -INF  # 1 / (2 * -0.0), as Tensor and PyTorch
    s = Tensor([-0.0], requires_grad=True)
    with np.errstate(divide="ignore"):
        s.sqrt().sum().backward()
    assert s.grad[0] == -INF


def test_an_optimiser_step_counts_as_an_update_in_place() -> None:
    import nn

    layer = nn.Linear(2, 1, init="xavier", rng=np.random.default_rng(0))
    x = Tensor([[1.0, 2.0]])
    loss = layer(x).sum()
    loss.backward()
    nn.optim.SGD(layer.parameters(), lr=0.1).step()
    with pytest.raises(RuntimeError, match="updated in place"):
        loss.backward()  # PyTorch: "modified by an inplace operation"


def test_a_registered_parameter_updated_in_place_stays_registered() -> None:
    import nn

    lin = nn.Linear(2, 1, init="xavier", rng=np.random.default_rng(1))
    weight, before = lin.weight, lin.weight.data.copy()
    lin(Tensor([[1.0, 2.0]])).sum().backward()
    with no_grad():
        lin.weight -= 0.5 * lin.weight.grad  # PyTorch's manual SGD step
    assert lin.weight is weight and dict(lin.named_parameters())["weight"] is weight
    np.testing.assert_array_equal(weight.data, before - 0.5 * np.array([[1.0, 2.0]]))
    with pytest.raises(RuntimeError, match="leaf that requires grad"):
        lin.weight -= 1.0  # grad mode on

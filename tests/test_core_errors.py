"""Errors that help: mixing node types, non-numeric operands, shape mismatches, detect_anomaly,
and NumPy semantics (inf/nan, no exception) for Tensor outside detect_anomaly."""

from __future__ import annotations

import operator
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from autograd_core import (
    Tensor,
    Value,
    concatenate,
    detect_anomaly,
    grad,
    is_anomaly_enabled,
    maximum,
    minimum,
    stack,
    value_and_grad,
    where,
)

OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "**": operator.pow,
}


# ---------------------------------------------------------------------------- mixing types
@pytest.mark.parametrize("symbol", sorted(OPERATORS))
def test_value_with_tensor_names_both_types(symbol: str) -> None:
    op = OPERATORS[symbol]
    v = Value(2.0)
    t = Tensor([1.0, 2.0], requires_grad=True)
    for left, right in ((v, t), (t, v)):
        with pytest.raises(TypeError) as info:
            op(left, right)
        message = str(info.value)
        assert "Value" in message and "Tensor" in message, message
        assert symbol in message, message


def test_value_matmul_tensor_raises_type_error() -> None:
    with pytest.raises(TypeError) as info:
        Tensor([1.0]) @ Value(1.0)  # type: ignore[operator]
    assert "Value" in str(info.value) and "Tensor" in str(info.value)
    with pytest.raises(TypeError):
        Value(1.0) @ Tensor([1.0])  # type: ignore[operator]


def test_tensor_functions_reject_values() -> None:
    t = Tensor([1.0, 2.0])
    for call in (
        lambda: maximum(t, Value(1.0)),
        lambda: minimum(Value(1.0), t),
        lambda: where(np.array([True, False]), t, Value(1.0)),
        lambda: concatenate([t, Value(1.0)]),
        lambda: stack([t, Value(1.0)]),
    ):
        with pytest.raises(TypeError) as info:
            call()
        assert "Value" in str(info.value)


@pytest.mark.parametrize("symbol", sorted(OPERATORS))
@pytest.mark.parametrize("bad", ["a", None, [1.0], {"x": 1}, 1j], ids=repr)
def test_value_with_non_numeric_operand_names_the_op(symbol: str, bad: Any) -> None:
    op = OPERATORS[symbol]
    v = Value(2.0)
    for left, right in ((v, bad), (bad, v)):
        with pytest.raises(TypeError) as info:
            op(left, right)
        message = str(info.value)
        assert symbol in message, message
        assert type(bad).__name__ in message and "Value" in message, message


@pytest.mark.parametrize("symbol", sorted(OPERATORS))
@pytest.mark.parametrize("bad", ["a", None, {"x": 1}], ids=repr)
def test_tensor_with_non_numeric_operand_names_the_op(symbol: str, bad: Any) -> None:
    op = OPERATORS[symbol]
    t = Tensor([1.0, 2.0])
    for left, right in ((t, bad), (bad, t)):
        with pytest.raises(TypeError) as info:
            op(left, right)
        message = str(info.value)
        assert symbol in message and type(bad).__name__ in message, message


def test_value_rejects_bool_like_and_array_data() -> None:
    with pytest.raises(TypeError) as info:
        Value(np.array([1.0, 2.0]))  # type: ignore[arg-type]
    assert "Tensor" in str(info.value)  # tells the user what to use instead


# ---------------------------------------------------------------------------- shapes
SHAPE_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "**": operator.pow,
    "maximum": maximum,
    "minimum": minimum,
}


@pytest.mark.parametrize("name", sorted(SHAPE_OPS))
def test_incompatible_shapes_name_the_op_and_both_shapes(name: str) -> None:
    a = Tensor(np.ones((2, 3)), requires_grad=True)
    b = Tensor(np.ones(4), requires_grad=True)
    with pytest.raises(ValueError) as info:
        SHAPE_OPS[name](a, b)
    message = str(info.value)
    assert name in message and "(2, 3)" in message and "(4,)" in message, message
    with pytest.raises(ValueError) as info:
        SHAPE_OPS[name](a, np.ones((5, 1, 4)))  # with a NumPy array on the right
    assert "(2, 3)" in str(info.value) and "(5, 1, 4)" in str(info.value)


def test_where_shape_mismatch_names_shapes() -> None:
    with pytest.raises(ValueError) as info:
        where(np.ones((2, 3), dtype=bool), Tensor(np.ones(3)), Tensor(np.ones(2)))
    message = str(info.value)
    assert "where" in message and "(2, 3)" in message and "(2,)" in message


@pytest.mark.parametrize(
    ("shape_a", "shape_b"),
    [((2, 3), (4, 5)), ((3,), (4,)), ((2, 3), (2,)), ((4,), (3, 2)), ((5, 2, 3), (5, 4, 2))],
)
def test_matmul_mismatch_message(shape_a: tuple[int, ...], shape_b: tuple[int, ...]) -> None:
    with pytest.raises(ValueError) as info:
        Tensor(np.ones(shape_a)) @ Tensor(np.ones(shape_b))
    message = str(info.value)
    assert "@" in message and str(shape_a) in message and str(shape_b) in message, message


def test_matmul_of_0d_is_explained() -> None:
    with pytest.raises(ValueError) as info:
        Tensor(2.0) @ Tensor([1.0])
    assert "@" in str(info.value) and "()" in str(info.value)


def test_concatenate_stack_mismatch_names_shapes() -> None:
    with pytest.raises(ValueError) as info:
        concatenate([Tensor(np.ones((2, 3))), Tensor(np.ones((2, 4)))], axis=0)
    assert "(2, 3)" in str(info.value) and "(2, 4)" in str(info.value)
    with pytest.raises(ValueError) as info:
        stack([Tensor(np.ones(2)), Tensor(np.ones(3))])
    assert "(2,)" in str(info.value) and "(3,)" in str(info.value)


def test_reshape_and_reduction_errors() -> None:
    t = Tensor(np.ones((2, 3)))
    with pytest.raises(ValueError) as info:
        t.reshape(4, 2)
    assert "(2, 3)" in str(info.value) and "(4, 2)" in str(info.value)
    with pytest.raises(ValueError):
        t.sum(axis=2)
    with pytest.raises(ValueError, match="not a permutation"):
        t.permute(0, 0)
    assert t.transpose(0, 0).shape == (2, 3)  # two numbers swap, as in PyTorch: here, nothing
    with pytest.raises(ValueError):
        Tensor(np.ones((0, 2))).max()


# ---------------------------------------------------------------------------- grad API errors
def test_grad_api_errors() -> None:
    with pytest.raises(ValueError) as info:
        grad(lambda t: t * 2)(np.ones(3))
    assert "(3,)" in str(info.value)
    with pytest.raises(TypeError):
        grad(lambda v: 3.0)(1.0)
    with pytest.raises(IndexError):
        value_and_grad(lambda a: a, argnums=2)(1.0)
    with pytest.raises(TypeError):
        grad(lambda v: v)("x")


# ---------------------------------------------------------------------------- detect_anomaly
@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # NumPy's own warning
def test_detect_anomaly_forward_names_the_op() -> None:
    assert not is_anomaly_enabled()
    t = Tensor([1.0, -1.0], requires_grad=True)
    with detect_anomaly():
        assert is_anomaly_enabled()
        t.exp()  # finite: fine
        with pytest.raises(FloatingPointError) as info:
            t.log()
    assert not is_anomaly_enabled()
    assert "log" in str(info.value)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # NumPy's own warning
def test_detect_anomaly_forward_catches_division_by_zero() -> None:
    with detect_anomaly():
        with pytest.raises(FloatingPointError) as info:
            Tensor([1.0, 2.0]) / Tensor([1.0, 0.0])
    assert "div" in str(info.value) or "/" in str(info.value)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # NumPy's own warning
def test_detect_anomaly_backward_names_the_op() -> None:
    t = Tensor([0.0, 4.0], requires_grad=True)
    with detect_anomaly():
        y = t.sqrt().sum()  # forward is finite: sqrt(0) = 0
        with pytest.raises(FloatingPointError) as info:
            y.backward()  # d sqrt/dx at 0 is inf
    assert "sqrt" in str(info.value)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # NumPy's own warning
def test_detect_anomaly_backward_when_graph_built_outside() -> None:
    t = Tensor([0.0, 4.0], requires_grad=True)
    y = t.sqrt().sum()
    with detect_anomaly():
        with pytest.raises(FloatingPointError) as info:
            y.backward()
    assert "sqrt" in str(info.value)


def test_detect_anomaly_value_backward() -> None:
    v = Value(1e-160)
    z = v.sqrt()  # d/dv = 0.5 / 1e-80 = 5e79; times a huge upstream gives inf
    w = z * 1e300
    with detect_anomaly():
        with pytest.raises(FloatingPointError) as info:
            w.backward()
    assert "sqrt" in str(info.value)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # NumPy's own warning
def test_detect_anomaly_restores_after_exception_and_is_nestable() -> None:
    with pytest.raises(FloatingPointError):
        with detect_anomaly():
            with detect_anomaly():
                Tensor([-1.0]).sqrt()
    assert not is_anomaly_enabled()


def test_without_detect_anomaly_tensor_follows_numpy() -> None:
    t = Tensor([-1.0, 0.0, 4.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # NumPy may warn; it must not raise
        out = t.log()
        y = t.sqrt()
        d = Tensor([1.0]) / Tensor([0.0])
        y.sum().backward()
    assert np.isnan(out.data[0]) and out.data[1] == -np.inf and out.data[2] == np.log(4.0)
    assert np.isnan(y.data[0]) and y.data[1] == 0.0
    assert d.data[0] == np.inf
    assert np.isnan(t.grad[0]) and t.grad[1] == np.inf and t.grad[2] == 0.25

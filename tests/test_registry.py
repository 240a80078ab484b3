"""autograd_core.differentiable: a user's operation is declared once and works like a
built-in one on both node types, to any order, in drawings and in gradcheck."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

from autograd_core import REGISTRY, Tensor, Value, differentiable
from autograd_core.testing import gradcheck, gradgradcheck, positive_floats, tensors


@differentiable(name="test_smooth_abs", method=True, formula="x / √(x²+1)")
def smooth_abs(x):  # type: ignore[no-untyped-def]
    """sqrt(x² + 1) - 1"""
    return np.sqrt(x * x + 1.0) - 1.0


@smooth_abs.vjp
def _(g, out, x):  # type: ignore[no-untyped-def]
    return g * x / (out + 1.0)  # written with operators on nodes: second order works


def test_declaring_again_replaces_a_users_operation() -> None:
    # A notebook cell run twice declares the operation twice: the second one replaces it.
    @differentiable(name="twice", method=True)
    def first(x):  # type: ignore[no-untyped-def]
        return x * 2.0

    @differentiable(name="twice", method=True)
    def second(x):  # type: ignore[no-untyped-def]
        return x * 3.0

    try:
        assert REGISTRY["twice"] is second and Value(1.0).twice().data == 3.0  # type: ignore[attr-defined]
    finally:
        del REGISTRY["twice"], Value.twice, Tensor.twice  # type: ignore[attr-defined]


def teardown_module() -> None:
    del REGISTRY["test_smooth_abs"]
    del Value.test_smooth_abs, Tensor.test_smooth_abs  # type: ignore[attr-defined]


def test_a_declared_operation_takes_both_node_types_and_plain_numbers() -> None:
    assert REGISTRY["test_smooth_abs"] is smooth_abs and not smooth_abs.builtin
    v = Value(0.75)
    out = smooth_abs(v)
    assert out.op == "test_smooth_abs" and out.data == pytest.approx(0.25, rel=1e-15)
    out.backward()
    assert v.grad == pytest.approx(0.6, rel=1e-15) and out.local_grads == (v.grad,)
    t = Tensor([0.75, -0.75], requires_grad=True)
    t.test_smooth_abs().sum().backward()  # method=True made it a method of both types
    np.testing.assert_allclose(t.grad, [0.6, -0.6], rtol=1e-15)
    assert smooth_abs(0.75) == pytest.approx(0.25) and isinstance(smooth_abs(0.75), float)
    assert Value(0.75).test_smooth_abs().data == out.data  # type: ignore[attr-defined]


def test_a_declared_operation_passes_gradcheck_to_second_order() -> None:
    x = np.array([[-2.0, 0.5], [3.0, 0.1]])
    assert gradcheck(smooth_abs, x) and gradgradcheck(smooth_abs, x)
    assert gradcheck(smooth_abs, 0.3) and gradgradcheck(smooth_abs, 0.3)


@settings(max_examples=20, deadline=None)
@given(t=tensors(shape=(2, 3)), p=positive_floats())
def test_a_declared_operation_with_the_hypothesis_strategies(t: Tensor, p: float) -> None:
    assert gradcheck(lambda x: smooth_abs(x) * p, t)


def test_a_declared_operation_is_drawn() -> None:
    viz = pytest.importorskip("viz")
    pytest.importorskip("graphviz")
    out = smooth_abs(Value(0.75, label="x"))
    assert "test_smooth_abs" in viz.to_dot(out, edge_labels="local_grad").source


def test_declaring_mistakes_are_clear_errors() -> None:
    with pytest.raises(ValueError, match="'exp' is a built-in operation"):
        differentiable(lambda x: x, name="exp")
    with pytest.raises(ValueError, match="Value.backward exists already"):
        differentiable(lambda x: x, name="backward", method=True)
    assert "backward" not in REGISTRY

    @differentiable(name="no_rule_yet")
    def no_rule(x):  # type: ignore[no-untyped-def]
        return x * 2.0

    try:
        y = no_rule(Tensor([1.0], requires_grad=True))
        with pytest.raises(NotImplementedError, match="no_rule_yet: no derivative rule.*vjp"):
            y.sum().backward()
        with pytest.raises(TypeError, match="takes 1 operand"):
            no_rule(1.0, 2.0)
    finally:
        del REGISTRY["no_rule_yet"]


def test_errors_of_built_in_operations_name_them() -> None:
    import autograd_core as ag

    with pytest.raises(ValueError, match=r"Tensor logaddexp: shapes \(2,\) and \(3,\) do not"):
        ag.logaddexp(Tensor([1.0, 2.0]), Tensor([1.0, 2.0, 3.0]))
    with pytest.raises(ValueError, match="Tensor gelu: gelu: approximate must be"):
        ag.gelu(Tensor([1.0]), approximate="fast")
    with pytest.raises(ValueError, match="Value gelu.*approximate must be"):
        ag.gelu(Value(1.0), approximate="fast")
    with pytest.raises(TypeError, match=r"leaky_relu: unexpected argument\(s\) \['slope'\]"):
        ag.leaky_relu(Tensor([1.0]), slope=0.1)
    with pytest.raises(ValueError, match=r"Value log1p\(-2.0\): log1p is defined only"):
        Value(-2.0).log1p()
    with pytest.raises(TypeError, match="exp: needs numbers, arrays, Values or Tensors, got str"):
        ag.exp("a")
    with pytest.raises(TypeError, match="Value arctan2: unsupported operand str"):
        ag.arctan2(Value(1.0), "a")

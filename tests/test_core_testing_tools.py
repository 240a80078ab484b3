"""autograd_core.testing: gradcheck / gradgradcheck catch wrong gradients and explain them,
numerical_grad's shapes, the hypothesis strategies (expressions() fuzzing the engine), and
that importing the core pulls in neither graphviz nor hypothesis."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import autograd_core
from autograd_core import Tensor, Value
from autograd_core.testing import (
    Expression,
    GradcheckError,
    away_from,
    broadcastable_shapes,
    expressions,
    finite_floats,
    gradcheck,
    gradgradcheck,
    numerical_grad,
    positive_floats,
    tensors,
    values,
)


# ---------------------------------------------------------------------------- gradcheck
def test_gradcheck_catches_a_wrong_value_gradient_and_explains() -> None:
    wrong = lambda x: x * x.detach()  # analytic d/dx = x, true derivative 2x
    with pytest.raises(GradcheckError) as info:
        gradcheck(wrong, 1.5)
    message = str(info.value)
    assert "input 0" in message
    assert "analytic 1.5" in message
    assert "numeric" in message and "relative error" in message
    numeric = float(message.split("numeric ")[1].split(",")[0])
    assert numeric == pytest.approx(3.0, rel=1e-6)
    assert isinstance(info.value, AssertionError)  # pytest shows it as a failed assertion


def test_gradcheck_catches_a_wrong_tensor_gradient_and_names_the_element() -> None:
    x = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])

    def wrong(t: Tensor) -> Tensor:
        # right everywhere except element (1, 2), whose dependence is hidden by detach
        mask = np.zeros(x.shape)
        mask[1, 2] = 1.0
        return (t * (1 - mask) + t.detach() * mask).tanh().sum()

    with pytest.raises(GradcheckError) as info:
        gradcheck(wrong, x)
    message = str(info.value)
    assert "input 0" in message and "(1, 2)" in message, message
    assert "analytic 0.0" in message and "relative error 1" in message, message
    assert gradcheck(wrong, x, raise_exception=False) is False


def test_gradcheck_names_the_second_input() -> None:
    wrong = lambda a, b: a * b.detach() + b * 2.0  # d/db misses a
    with pytest.raises(GradcheckError) as info:
        gradcheck(wrong, 0.5, 3.0)
    assert "input 1" in str(info.value)


def test_gradcheck_passes_correct_functions() -> None:
    assert gradcheck(lambda a, b: (a * b).tanh() / (b * b + 1.0), 0.3, -1.2) is True
    assert gradcheck(lambda t: (t @ t.T).sigmoid(), np.arange(6.0).reshape(2, 3) / 6) is True
    assert gradcheck(lambda v: v * 0.0 + 1.0, 2.0) is True  # zero gradient


def test_gradcheck_tolerances_matter() -> None:
    slightly_wrong = lambda x: x * x + (x * 1e-4 - x.detach() * 1e-4)  # gradient off by 1e-4
    assert gradcheck(slightly_wrong, 1.0, atol=1e-3, rtol=1e-3)
    with pytest.raises(GradcheckError):
        gradcheck(slightly_wrong, 1.0, atol=1e-7, rtol=1e-7)


def test_gradcheck_works_on_float32_inputs_in_float64() -> None:
    x = np.array([0.1, 0.2, 0.3], dtype=np.float32)
    assert gradcheck(lambda t: (t * t * t).sum(), x)


def test_gradcheck_accepts_values_and_tensors_as_inputs() -> None:
    assert gradcheck(lambda a, b: a * b.exp(), Value(2.0), 0.5)
    assert gradcheck(lambda t, u: (t * u).sum(), Tensor([1.0, 2.0]), [3.0, 4.0])
    with pytest.raises(GradcheckError):
        gradcheck(lambda a: a * a.detach(), Value(2.0))


# ---------------------------------------------------------------------------- gradgradcheck
def test_gradgradcheck_passes_and_catches_a_wrong_second_derivative() -> None:
    assert gradgradcheck(lambda x: x.tanh() * x, 0.7)
    # First derivative right (the (x - x.detach())**2 term has zero value and zero slope
    # at every point), second derivative wrong (its analytic second derivative is 2).
    sneaky = lambda x: (x - x.detach()) ** 2 + x**3 / 3.0
    assert gradcheck(sneaky, 0.7)
    with pytest.raises(GradcheckError):
        gradgradcheck(sneaky, 0.7)
    x = np.array([0.5, -0.3])
    sneaky_tensor = lambda t: ((t - t.detach()) ** 2 + t**3 / 3.0).sum()
    assert gradcheck(sneaky_tensor, x)
    assert gradgradcheck(sneaky_tensor, x, raise_exception=False) is False


def test_gradgradcheck_two_inputs() -> None:
    assert gradgradcheck(lambda a, t: (t * a).tanh().sum() * a.sum(), np.array(0.4), [0.1, -0.5])
    assert gradgradcheck(lambda a, b: (a * b).tanh() * a, 0.4, -0.5)


# ---------------------------------------------------------------------------- numerical_grad
def test_numerical_grad_shapes_and_values() -> None:
    f = lambda a, t: (t * t).sum() * a
    ga, gt = numerical_grad(f, np.array(2.0), np.arange(6.0).reshape(2, 3))
    assert isinstance(ga, np.ndarray) and ga.shape == ()
    assert float(ga) == pytest.approx(55.0, rel=1e-8)
    assert isinstance(gt, np.ndarray) and gt.shape == (2, 3) and gt.dtype == np.float64
    np.testing.assert_allclose(gt, 4 * np.arange(6.0).reshape(2, 3), rtol=1e-8, atol=1e-7)
    g1, g2 = numerical_grad(lambda a, b: a * b * b, 2.0, 3.0)  # numbers give floats
    assert isinstance(g1, float) and isinstance(g2, float)
    assert g1 == pytest.approx(9.0, rel=1e-8) and g2 == pytest.approx(12.0, rel=1e-8)


def test_numerical_grad_non_scalar_output_is_reduced_consistently_with_gradcheck() -> None:
    (g,) = numerical_grad(lambda t: t * 2.0, np.ones(4))
    assert g.shape == (4,)
    # a fixed cotangent in [0.5, 1.5] times the derivative 2
    assert np.all((g >= 1.0 - 1e-6) & (g <= 3.0 + 1e-6))
    assert gradcheck(lambda t: t * 2.0, np.ones(4))


def test_numerical_grad_eps() -> None:
    (coarse,) = numerical_grad(lambda v: v**3, 1.0, eps=0.1)
    assert coarse == pytest.approx(3.0 + 0.01, rel=1e-9)  # central difference error eps**2


# ---------------------------------------------------------------------------- strategies
@given(x=positive_floats())
def test_positive_floats(x: float) -> None:
    assert x > 0 and math.isfinite(x)


@given(x=away_from((0.0, 1.0), margin=0.1))
def test_away_from(x: float) -> None:
    assert abs(x) >= 0.1 and abs(x - 1.0) >= 0.1


@given(x=finite_floats(-3.0, 3.0))
def test_finite_floats(x: float) -> None:
    assert -3.0 <= x <= 3.0 and math.isfinite(x)


@given(v=values(positive_floats()))
def test_values_with_elements(v: Value) -> None:
    assert isinstance(v, Value) and v.data > 0


@given(shapes=broadcastable_shapes(3))
def test_broadcastable_shapes_broadcast(shapes: tuple[tuple[int, ...], ...]) -> None:
    assert len(shapes) == 3
    np.broadcast_shapes(*shapes)  # raises if not broadcastable


@given(t=tensors(shape=st.sampled_from([(2,), (3, 1)]), elements=positive_floats()))
def test_tensors_shape_and_elements(t: Tensor) -> None:
    assert t.shape in ((2,), (3, 1)) and t.dtype == np.float64 and t.requires_grad
    assert np.all(t.data > 0)


def test_tensors_without_grad() -> None:
    @given(t=tensors(requires_grad=False))
    def inner(t: Tensor) -> None:
        assert not t.requires_grad

    inner()


def test_positive_floats_rejects_non_positive_minimum() -> None:
    with pytest.raises(ValueError):
        positive_floats(0.0)


# ---------------------------------------------------------------------------- expressions
@settings(max_examples=50)
@given(expr=expressions())
def test_expressions_gradcheck_on_values(expr: Expression) -> None:
    assert isinstance(expr, Expression) and len(expr.inputs) == expr.arity
    out = expr(*[Value(x) for x in expr.inputs])
    assert isinstance(out, Value) and math.isfinite(out.data)
    assert gradcheck(expr, *expr.inputs)


@settings(max_examples=30)
@given(expr=expressions())
def test_expressions_gradcheck_on_tensors(expr: Expression) -> None:
    arrays = [np.array([x, 0.5 * x - 0.3, -x]) for x in expr.inputs]
    assert gradcheck(expr, *arrays)


@settings(max_examples=30)
@given(expr=expressions())
def test_expressions_values_and_tensors_agree(expr: Expression) -> None:
    # The Tensor form of the 'sin' step is tanh (Tensor has no sin), so leave those out.
    assume(all(name != "sin" for name, _ in expr.steps))
    nodes = [Value(x) for x in expr.inputs]
    expr(*nodes).backward()
    ts = [Tensor(np.array([x]), requires_grad=True) for x in expr.inputs]
    out = expr(*ts)
    reference = expr(*[Value(x) for x in expr.inputs]).data
    assert out.item() == pytest.approx(reference, rel=1e-12, abs=1e-12)
    out.backward()
    for v, t in zip(nodes, ts):
        got = t.grad if t.grad is not None else np.zeros(1)
        assert got == pytest.approx([v.grad], rel=1e-9, abs=1e-12)


def test_expression_repr_and_call() -> None:
    expr = Expression(2, (("*", (0, 1)), ("tanh", (2,))), (0.5, -1.0))
    assert "x0" in repr(expr) and "tanh" in repr(expr)
    v = expr(Value(0.5), Value(-1.0))
    assert v.data == pytest.approx(math.tanh(-0.5))
    with pytest.raises(TypeError):
        expr(Value(1.0))


# ---------------------------------------------------------------------------- imports
# Run from the directory holding the package, so an uninstalled checkout works too.
_ROOT = str(Path(autograd_core.__file__).resolve().parents[1])


def test_import_pulls_in_neither_graphviz_nor_hypothesis() -> None:
    code = (
        "import autograd_core, autograd_core.testing, sys; "
        "assert 'graphviz' not in sys.modules and 'hypothesis' not in sys.modules, "
        "sorted(m for m in sys.modules if m.split('.')[0] in ('graphviz', 'hypothesis')); "
        "assert 'matplotlib' not in sys.modules"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=_ROOT
    )
    assert result.returncode == 0, result.stderr


def test_exact_import_line_from_the_issue() -> None:
    code = (
        "import autograd_core, sys; "
        "assert 'graphviz' not in sys.modules and 'hypothesis' not in sys.modules"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=_ROOT
    )
    assert result.returncode == 0, result.stderr


def test_testing_module_lists_its_public_names() -> None:
    import autograd_core.testing as testing

    for name in testing.__all__:
        assert getattr(testing, name) is not None
    with pytest.raises(AttributeError):
        testing.no_such_thing  # noqa: B018

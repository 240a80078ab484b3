"""``dot``: a weighted sum of Values as one node. It must give exactly the numbers and
gradients of the chain of ``*`` and ``+`` nodes it stands for, pass central differences,
differentiate twice, and treat constants, grad mode, anomaly mode and bad input as every
other Value operation does."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd_core import Tensor, Value, detect_anomaly, dot, engine, no_grad, scope
from autograd_core.testing import finite_floats, gradcheck, gradgradcheck


def _chain(weights: list[Value], inputs: list[Value], bias: Value | None) -> Value:
    """The same sum node by node, in the order dot promises: left to right, bias last."""
    z = weights[0] * inputs[0]
    for w, x in zip(weights[1:], inputs[1:]):
        z = z + w * x
    return z + bias if bias is not None else z


pairs = st.integers(1, 6).flatmap(
    lambda n: st.tuples(
        st.lists(finite_floats(), min_size=n, max_size=n),
        st.lists(finite_floats(), min_size=n, max_size=n),
    )
)


@given(pairs, st.one_of(st.none(), finite_floats()))
def test_same_number_and_gradients_as_the_chain_of_nodes(
    pair: tuple[list[float], list[float]], bias: float | None
) -> None:
    ws, xs = pair
    results = []
    for build in (dot, _chain):
        w = [Value(v) for v in ws]
        x = [Value(v) for v in xs]
        b = Value(bias) if bias is not None else None
        out = build(w, x, b)
        out.backward()
        leaves = w + x + ([b] if b is not None else [])
        results.append((out.data, [leaf.grad for leaf in leaves]))
    assert results[0] == results[1]  # exactly: same products, same order of additions


@given(st.data())
def test_a_value_used_several_times_gets_the_chains_gradient_exactly(data: st.DataObject) -> None:
    # Operands drawn from a pool of three Values, so weights, inputs and bias repeat; each
    # Value must sum its shares in the chain's order (an ulp apart otherwise).
    numbers = data.draw(st.lists(finite_floats(), min_size=3, max_size=3))
    n = data.draw(st.integers(1, 5))
    picks = data.draw(st.lists(st.integers(0, 2), min_size=2 * n + 1, max_size=2 * n + 1))
    results = []
    for build in (dot, _chain):
        pool = [Value(v) for v in numbers]
        ops = [pool[i] for i in picks]
        out = build(ops[:n], ops[n : 2 * n], ops[-1])
        out.backward()
        results.append((out.data, [v.grad for v in pool]))
    assert results[0] == results[1]


def test_the_reviewers_repeated_bias_case() -> None:
    grads = []
    for build in (dot, _chain):
        a = Value(1.0)
        build([a, a], [Value(-0.3, requires_grad=False)] * 2, a).backward()
        grads.append(a.grad)
    assert grads[0] == grads[1] == 1.0 + -0.3 + -0.3


def test_takes_any_iterables() -> None:
    w, x = [Value(2.0), Value(3.0)], [Value(4.0), Value(5.0)]
    assert dot(iter(w), (v for v in x), 1.0).data == 2.0 * 4.0 + 3.0 * 5.0 + 1.0


@given(pairs, finite_floats())
def test_matches_finite_differences(pair: tuple[list[float], list[float]], bias: float) -> None:
    ws, xs = pair
    n = len(ws)

    def f(*args: Value) -> Value:
        return dot(args[:n], args[n : 2 * n], args[-1]).sin()

    assert gradcheck(f, *ws, *xs, bias)


@given(pairs)
def test_second_derivatives(pair: tuple[list[float], list[float]]) -> None:
    ws, xs = pair
    n = len(ws)

    def f(*args: Value) -> Value:
        return dot(args[:n], args[n:]).sin()

    assert gradgradcheck(f, *ws, *xs)


def test_mixed_partial_of_a_product_is_one() -> None:
    w, x = Value(3.0), Value(-2.0)
    out = dot([w], [x], 5.0)
    (dw,) = engine.gradients(out, [w], create_graph=True)
    dw.backward()  # d/dx (d out/dw) = d x / dx = 1
    assert x.grad == 1.0


def test_parents_and_local_gradients_in_pairs() -> None:
    w0, x0, w1, x1, b = Value(2.0), Value(3.0), Value(-1.0), Value(4.0), Value(0.5)
    out = dot([w0, w1], [x0, x1], b)
    assert out.op == "dot"
    assert out.parents == (b, w0, x0, w1, x1)  # the bias first, as torch.addmm takes it
    assert out.local_grads == (1.0, 3.0, 2.0, 4.0, -1.0)
    assert out.data == 2.0 * 3.0 + -1.0 * 4.0 + 0.5
    without_bias = dot([w0, w1], [x0, x1])
    assert without_bias.parents == (w0, x0, w1, x1)
    assert without_bias.local_grads == (3.0, 2.0, 4.0, -1.0)


def test_numbers_are_constants_and_are_not_differentiated() -> None:
    w = Value(2.0)
    x = Value(5.0, requires_grad=False)
    out = dot([w, 3.0], [x, w], 1)
    assert out.data == 2.0 * 5.0 + 3.0 * 2.0 + 1.0
    out.backward()
    assert w.grad == 5.0 + 3.0
    assert x.grad == 0.0  # a constant input keeps its zero gradient
    assert [p.is_constant for p in out.parents] == [True, False, True, True, False]


def test_a_differentiable_operand_anywhere_records_the_node() -> None:
    # First and last operands constant, a parameter in between: still part of the graph.
    w = Value(2.0)
    out = dot([1.0, w], [Value(1.0, requires_grad=False), 4.0], 0.0)
    assert out.requires_grad
    out.backward()
    assert w.grad == 4.0
    assert dot([1.0, 2.0], [3.0, 4.0], 5.0).is_constant


def test_keeps_the_sign_of_a_negative_zero_sum() -> None:
    assert math.copysign(1.0, dot([Value(-0.0)], [Value(1.0)]).data) == -1.0
    assert math.copysign(1.0, dot([Value(-0.0)], [Value(1.0)], -0.0).data) == -1.0


def test_grad_mode_scope_and_anomaly_like_other_ops() -> None:
    w, x = Value(2.0), Value(3.0)
    with no_grad():
        assert dot([w], [x]).is_constant
    with scope("neuron"):
        assert dot([w], [x]).scope == ("neuron",)
    with detect_anomaly(), pytest.raises(FloatingPointError, match="dot"):
        dot([Value(1e308)], [Value(10.0)])
    with detect_anomaly():  # backward under anomaly mode takes the checked path
        out = dot([w], [x])
        out.backward()
    assert (w.grad, x.grad) == (3.0, 2.0)


@pytest.mark.parametrize(
    ("weights", "inputs", "message"),
    [
        ([Value(1.0)], [Value(1.0), Value(2.0)], "same, non-zero length; got 1 weights and 2"),
        ([], [], "same, non-zero length; got 0 weights and 0"),
        ([Tensor(np.ones(2))], [Value(1.0)], "dot: each weight must be a Value or a real number"),
        ([Value(1.0)], ["2"], "dot: each input must be a Value or a real number, got str"),
        ([Value(1.0)], [True], "dot: each input must be a Value or a real number, got bool"),
    ],
)
def test_bad_input_is_a_clear_error(weights: list, inputs: list, message: str) -> None:
    with pytest.raises((ValueError, TypeError), match=message):
        dot(weights, inputs)


def test_bad_bias_names_the_bias() -> None:
    with pytest.raises(TypeError, match="dot: the bias must be a Value or a real number, got list"):
        dot([Value(1.0)], [Value(1.0)], [1.0])  # type: ignore[arg-type]

"""viz.explain: the chain rule for one input, every path with its rules and numbers.

The blog's Part I neuron (``demos/hand_calculation.py``: z = w1*x1 + w2*x2 + b,
y_hat = sigmoid(z), L = 0.5 * (y - y_hat)**2 on x = (0, 0), y = 0, w = (0.1, 0.6), b = 0)
is explained for every weight and the bias, with the blog's numbers (dL/dy_hat = 0.5,
dy_hat/dz = 0.25, dz/dw = x), and the XOR network's first-layer weight through its chain of
vector-Jacobian products. Sums over paths are compared with ``.grad`` to a stated tolerance
(they add in another order than backward does).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from tolerance import BLAS_RTOL

import nn
import viz
from autograd_core import Tensor, Value, no_grad
from demos.common import XOR_X, XOR_Y
from demos.hand_calculation import constant, forward
from demos.xor_network import build


def neuron(x: tuple[float, float] = (0.0, 0.0), y: float = 0.0) -> dict[str, Value]:
    x1, x2, target = constant(x[0], "x1"), constant(x[1], "x2"), constant(y, "y")
    w1, w2, b = Value(0.1, label="w1"), Value(0.6, label="w2"), Value(0.0, label="b")
    y_hat, loss = forward(x1, x2, w1, w2, b, target)
    loss.backward()
    return {"x1": x1, "x2": x2, "w1": w1, "w2": w2, "b": b, "y_hat": y_hat, "L": loss}


# ---------------------------------------------------------------------------- Part I neuron
def test_the_bias_of_the_blogs_neuron_step_by_step() -> None:
    n = neuron()
    e = viz.explain(n["L"], n["b"])
    assert e.path_count == 1 and len(e.paths) == 1 and e.by_length == {}
    (path,) = e.paths
    assert path.nodes == ("L", "(y - ŷ)**2", "y - ŷ", "ŷ", "z", "b")
    # The blog's factors: dL/dy_hat = -(y - y_hat) = 0.5 (as 0.5 * 2(y - y_hat) * -1),
    # dy_hat/dz = y_hat(1 - y_hat) = 0.25, dz/db = 1.
    assert [s.value for s in path.steps] == [0.5, -1.0, -1.0, 0.25, 1.0]
    assert [s.rule for s in path.steps] == ["0.5", "2 (y - ŷ)", "-1", "σ(z)(1-σ(z))", "1"]
    assert path.steps[-1].definition == "z = w1·x1 + w2·x2 + b"
    assert path.contribution == 0.125 == e.total == n["b"].grad and e.agrees is True
    text = str(e)
    assert "product: 0.5 × -1 × -1 × 0.25 × 1 = 0.125" in text
    assert text.endswith("∂L/∂b = 0.125 (the sum over 1 path) = b.grad ✓")


@pytest.mark.parametrize("weight, x", [("w1", "x1"), ("w2", "x2")])
def test_each_weight_of_the_blogs_neuron_gets_zero_through_its_input(weight: str, x: str) -> None:
    n = neuron()
    e = viz.explain(n["L"], n[weight])
    (path,) = e.paths
    last = path.steps[-1]
    # "the local gradients (dz/dw1 and dz/dw2) are x1 and x2, both of which ... are zero"
    assert (last.child, last.parent, last.rule, last.value) == (f"{weight}·{x}", weight, x, 0.0)
    assert e.total == 0.0 == n[weight].grad and e.agrees is True
    assert f"∂{weight}·{x}/∂{weight}" in str(e)


@pytest.mark.parametrize("name", ["w1", "w2", "b"])
def test_every_parameter_agrees_with_grad_where_the_inputs_are_not_zero(name: str) -> None:
    n = neuron(x=(1.0, 1.0), y=1.0)
    y_hat = 1 / (1 + math.exp(-0.7))  # z = 0.1 + 0.6 + 0
    expected = (y_hat - 1.0) * y_hat * (1 - y_hat)  # by hand: dL/dy_hat * dy_hat/dz * dz/dp
    e = viz.explain(n["L"], n[name])
    assert e.total == pytest.approx(expected, rel=1e-12)
    assert e.total == pytest.approx(n[name].grad, rel=1e-12) and e.agrees is True
    assert e.paths[0].contribution == pytest.approx(expected, rel=1e-12)


def test_a_constant_input_is_explained_but_gets_no_gradient() -> None:
    n = neuron()
    e = viz.explain(n["L"], n["x1"])
    assert e.agrees is None and "x1 is a constant" in e.note
    assert e.paths[0].steps[-1].rule == "w1"
    assert e.total == pytest.approx(0.5 * -1 * -1 * 0.25 * 0.1, rel=1e-15)
    assert n["x1"].grad == 0.0


def test_grad_from_two_backward_passes_is_flagged() -> None:
    n = neuron()
    n["L"].backward()  # the bias's grad accumulates: 0.25
    e = viz.explain(n["L"], n["b"])
    assert e.total == 0.125 and e.agrees is False
    assert "b.grad = 0.25" in str(e) and "since it was last zeroed" in str(e)


# ---------------------------------------------------------------------------- paths
def test_an_operand_used_twice_is_two_paths_for_a_value() -> None:
    x = Value(3.0, label="x")
    y = x * x
    y.label = "y"
    y.backward()
    e = viz.explain(y, x)
    assert e.path_count == 2 and [p.contribution for p in e.paths] == [3.0, 3.0]
    assert [p.steps[0].rule for p in e.paths] == ["x", "x"] and e.total == 6.0 == x.grad


def test_the_blogs_shared_node_sums_its_paths() -> None:
    # The blog's "three very simple equations": b reached along two paths.
    a, b, c = Value(2.0, label="a"), Value(-3.0, label="b"), Value(4.0, label="c")
    d = a * b
    e_ = b + c
    f = d * e_
    d.label, e_.label, f.label = "d", "e", "f"
    f.backward()
    e = viz.explain(f, b)
    assert e.path_count == 2
    assert [p.nodes for p in e.paths] == [("f", "d", "b"), ("f", "e", "b")]
    # df/db = e * a + d * 1 = 1 * 2 + (-6) * 1
    assert [p.contribution for p in e.paths] == [2.0, -6.0] and e.total == -4.0 == b.grad


def test_millions_of_paths_are_counted_and_summed_never_listed() -> None:
    a = Value(1.5, label="a")
    node = a
    for _ in range(40):
        node = node + node  # 2**40 paths from the top down to a
    node.label = "top"
    node.backward()
    e = viz.explain(node, a, max_paths=3)
    assert e.path_count == 2**40 and len(e.paths) == 3
    assert e.by_length == {40: (2**40 - 3, 2.0**40 - 3)}
    assert e.total == 2.0**40 == a.grad and e.agrees is True
    text = str(e)
    assert len(text.splitlines()) < 80
    assert "The other 1,099,511,627,773 paths, by length:" in text
    assert "40 steps: 1,099,511,627,773 paths" in text


def test_paths_of_many_lengths_are_grouped() -> None:
    x = Value(0.5, label="x")
    node = x
    for _ in range(12):
        node = node * x  # x ** 13: paths of every length from 1 to 12
    node.label = "p"
    node.backward()
    e = viz.explain(node, x, max_paths=2)
    assert e.path_count == 13
    assert sum(n for n, _ in e.by_length.values()) == 11
    listed = sum(p.contribution for p in e.paths)
    rest = math.fsum(s for _, s in e.by_length.values())
    assert listed + rest == pytest.approx(x.grad, rel=1e-12)
    assert e.total == pytest.approx(13 * 0.5**12, rel=1e-12)
    assert "together they bring" in str(e)


def test_a_deep_chain_is_walked_without_recursion_and_shown_in_a_few_lines() -> None:
    x = Value(0.5, label="x")
    node = x
    for _ in range(20_000):
        node = node * 1.0
    node.label = "end"
    node.backward()
    e = viz.explain(node, x)
    assert e.path_count == 1 and len(e.paths[0].steps) == 20_000
    text = str(e)
    assert len(text.splitlines()) < 30 and "⋮ 19,989 more steps" in text
    assert e.total == 1.0 == x.grad


def test_a_node_outside_the_graph_has_no_path() -> None:
    x, q = Value(2.0, label="x"), Value(1.0, label="q")
    y = x * 2
    y.backward()
    e = viz.explain(y, q)
    assert e.path_count == 0 and e.paths == [] and e.total == 0.0
    assert "q is not in the graph" in str(e)


def test_the_root_itself_is_one_empty_path() -> None:
    x = Value(2.0, label="x")
    e = viz.explain(x, x, seed=3.0)
    assert e.path_count == 1 and e.paths[0].steps == () and e.total == 3.0


# ---------------------------------------------------------------------------- Tensors
def xor_cost() -> tuple[nn.Module, Tensor]:
    model = build((2, 3, 1))
    cost = nn.squared_error(model(Tensor(XOR_X, label="X")), Tensor(XOR_Y, label="Y"))
    cost.label = "cost"
    cost.backward()
    return model, cost


def test_the_xor_networks_first_weight_is_a_chain_of_vector_jacobian_products() -> None:
    model, cost = xor_cost()
    W1 = model[0][0].weight
    e = viz.explain(cost, W1)
    assert e.tensor and e.path_count == 1
    (path,) = e.paths
    ops = [s.op for s in path.steps]
    assert ops == ["mul", "sum", "pow", "sub", "sigmoid", "linear", "sigmoid", "linear"]
    shapes = [s.shape for s in path.steps]
    assert shapes == [(), (4, 1), (4, 1), (4, 1), (4, 1), (4, 3), (4, 3), (3, 2)]
    rules = [s.rule for s in path.steps]
    assert rules[5].endswith(" @ W2")  # upstream @ W: back through the second layer
    assert rules[7].endswith(".T @ X")  # upstream.T @ x: the first layer's weight
    assert "σ(" in rules[4] and "* 2 " in rules[2]
    np.testing.assert_allclose(path.contribution, W1.grad, rtol=BLAS_RTOL, atol=1e-15)
    np.testing.assert_allclose(e.total, W1.grad, rtol=BLAS_RTOL, atol=1e-15)
    assert e.agrees is True
    text = str(e)
    assert "g(W1) = g(X @ W1.T + b1).T @ X" in text and "(3, 2)" in text
    assert text.endswith("= W1.grad ✓")


def test_a_bias_sums_over_the_batch_axis() -> None:
    model, cost = xor_cost()
    b1 = model[0][0].bias
    e = viz.explain(cost, b1)
    assert e.paths[0].steps[-1].rule.endswith("summed over the batch axis")
    np.testing.assert_allclose(e.total, b1.grad, rtol=BLAS_RTOL, atol=1e-15)


def test_tensor_paths_sum_to_the_gradient() -> None:
    rng = np.random.default_rng(0)
    W = Tensor(rng.normal(size=(3, 2)), requires_grad=True, label="W")
    x = Tensor(rng.normal(size=(4, 2)), label="x")
    out = (x @ W.T).tanh().sum() + (W * W).sum()
    out.label = "out"
    out.backward()
    e = viz.explain(out, W)
    assert e.path_count == 2
    listed = e.paths[0].contribution + e.paths[1].contribution
    np.testing.assert_allclose(listed, W.grad, rtol=1e-12, atol=1e-15)
    # W * W: both operands are W, one push gives both shares.
    assert " + " in e.paths[1].steps[-1].rule
    np.testing.assert_allclose(e.paths[1].contribution, 2 * W.data, rtol=1e-15)


def test_a_non_scalar_root_needs_its_seed() -> None:
    W = Tensor(np.ones((2, 2)), requires_grad=True, label="W")
    y = W * 3.0
    with pytest.raises(ValueError, match=r"seed= an array of shape \(2, 2\)"):
        viz.explain(y, W)
    seed = np.array([[1.0, 2.0], [3.0, 4.0]])
    e = viz.explain(y, W, seed=seed)
    np.testing.assert_array_equal(e.total, 3.0 * seed)
    with pytest.raises(ValueError, match="seed has shape"):
        viz.explain(y, W, seed=np.ones(3))


def test_bad_arguments_say_what_to_pass() -> None:
    x = Value(1.0)
    with pytest.raises(TypeError, match="explain: root must be a Value or Tensor"):
        viz.explain(1.0, x)
    with pytest.raises(TypeError, match="explain: wrt must be a Value or Tensor"):
        viz.explain(x, "x")
    with pytest.raises(ValueError, match="max_paths must be a positive int"):
        viz.explain(x, x, max_paths=0)
    data = Tensor(np.ones(2), label="data")
    W = Tensor(np.ones(2), requires_grad=True)
    with pytest.raises(ValueError, match="data does not require grad"):
        viz.explain((data * W).sum(), data)


# ---------------------------------------------------------------------------- Jupyter
def test_jupyter_shows_typeset_maths() -> None:
    n = neuron()
    e = viz.explain(n["L"], n["b"])
    markdown = e._repr_markdown_()
    assert r"\frac{\partial \text{L}}{\partial \text{(y - ŷ)**2}}" in markdown
    assert "| factor | rule | value | where |" in markdown
    assert "`σ(z)(1-σ(z))`" in markdown and "b.grad ✓" in markdown
    latex = e._repr_latex_()
    assert latex.startswith("$$\\begin{aligned}") and latex.endswith("\\end{aligned}$$")
    assert r"\underbrace" in latex and r"\text{0.125}" in latex


def test_typeset_maths_escapes_any_label() -> None:
    a = Value(2.0, label="a_b$%{x}")
    y = a * a
    y.label = "y^2 & \\z"
    y.backward()
    e = viz.explain(y, a)
    latex = e._repr_latex_()
    assert r"a\_b\$\%\{x\}" in latex and r"y\^{}2 \& \backslash{}z" in latex
    assert "$" not in latex[2:-2].replace(r"\$", "")
    markdown = e._repr_markdown_()
    assert "a\\_b" in markdown


def test_a_graph_updated_in_place_since_is_refused_as_backward_refuses_it() -> None:
    w = Tensor([1.0, 2.0], requires_grad=True, label="w")
    loss = (w * w).sum()
    loss.backward()
    with no_grad():
        w -= 0.1 * w.grad
    with pytest.raises(RuntimeError) as refused:
        viz.explain(loss, w)
    with pytest.raises(RuntimeError) as backward:
        loss.backward()
    assert str(refused.value) == str(backward.value)


def test_a_share_summed_down_to_a_smaller_operand_says_so() -> None:
    w = Tensor(0.5, requires_grad=True, label="w")
    x = Tensor(np.arange(4.0), label="x")
    loss = (w * x).sum()
    loss.label = "loss"
    loss.backward()
    e = viz.explain(loss, w)
    assert e.paths[0].steps[-1].rule == "g(w * x) * x, summed to shape ()"
    assert e.total == pytest.approx(6.0) and e.agrees is True

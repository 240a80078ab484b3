"""Every operation a graph can hold has its derivative written out (for explain and viz)."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ag
from autograd_core import Tensor, Value
from autograd_core.formulas import (
    ATOM,
    CORE_FORMULAS,
    broadcasts,
    expression,
    formula,
    grouped,
    infix_symbol,
    local_formula,
    operand_names,
    precedence,
    vjp_formula,
    written,
)
from autograd_core.registry import REGISTRY


def _ops_of(root: object) -> set[str]:
    seen, stack, ops = set(), [root], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if node.parents:  # type: ignore[attr-defined]
            ops.add(node.op)  # type: ignore[attr-defined]
        stack.extend(node.parents)  # type: ignore[attr-defined]
    return ops


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_every_registered_operation_has_a_formula(name: str) -> None:
    op = REGISTRY[name]
    for i in range(op.arity):
        # An elementwise VJP is g times the local derivative, unless declared ("g / b").
        expected_start = "" if op.vjp_formula else "g * "
        assert local_formula(name, i) and vjp_formula(name, i).startswith(expected_start)
        assert "g" in vjp_formula(name, i)


def test_the_graphs_of_the_core_operations_are_all_written_out() -> None:
    a = Tensor(np.arange(1.0, 7.0).reshape(2, 3))
    w = Tensor(np.ones((4, 3)))
    b = Tensor(np.ones(4))
    parts = [
        a + 1,
        a - 1,
        a * 2,
        a / 2,
        -a,
        a**2,
        a.clip(2, 4),
        ag.maximum(a, 3),
        ag.minimum(a, 3),
        ag.where(a.data > 2, a, 0.0),
        a @ w.T,
        ag.linear(a, w, b),
        a.sum(),
        a.mean(),
        a.max(),
        a.min(),
        a.broadcast_to((2, 2, 3)),
        a.logsumexp(),
        a.softmax(),
        a.log_softmax(),
        a.astype(np.float32),
        a.reshape(3, 2),
        a.T,
        a.swapaxes(0, 1),
        a.flatten(),
        a[None].squeeze(0),
        a.unsqueeze(0),
        a[0],
        ag.concatenate([a, a]),
        ag.stack([a, a]),
        ag.einsum("ij->j", a),
        a.cumsum(0),
        a.prod(),
    ]
    for part in parts:
        for op in _ops_of(part):
            assert vjp_formula(op, 0), op
    x, y = Value(2.0), Value(3.0)
    for part in [x + y, x - y, x * y, x / y, -x, x**y, ag.dot([x], [y], x)]:
        for op in _ops_of(part):
            assert local_formula(op, 0), op


def test_formulas_name_their_operands_and_pick_per_operand() -> None:
    assert operand_names(1) == ("x",) and operand_names(2) == ("a", "b")
    assert operand_names(3, "linear") == ("x", "W", "b") and operand_names(3) == ("x1", "x2", "x3")
    assert local_formula("*", 0) == "b" and local_formula("*", 1) == "a"
    assert vjp_formula("matmul", 1) == "a.T @ g"
    assert local_formula("sigmoid", 0) == "σ(x)(1-σ(x))"
    assert local_formula("arctan2", 1) == "-a/(a²+b²)"
    assert local_formula("no such operation", 0) == ""


def test_written_puts_the_operands_names_in() -> None:
    assert written("*", 0, ["w1", "x1"]) == "x1" and written("*", 1, ["w1", "x1"]) == "w1"
    assert written("sigmoid", 0, ["z"]) == "σ(z)(1-σ(z))"
    assert written("sigmoid", 0, ["a + b"]) == "σ(a + b)(1-σ(a + b))"  # σ(x) has its own ()
    assert written("/", 1, ["u", "y - 1"]) == "-u/(y - 1)²"
    assert written("log", 0, ["x"]) == "1/x" and written("square", 0, ["t"]) == "2t"
    # the x of "exp" or "max_val" is not an operand
    assert written("hardtanh", 0, ["q"]) == "1 if min_val < q < max_val"
    assert written("elu", 0, ["q"]) == "1 if q > 0 else alpha e^q"
    assert written("maximum", 0, ["u", "3"]) == "1 where u > 3 (½ where equal)"


def test_written_vector_jacobian_products_name_the_upstream() -> None:
    assert written("linear", 0, ["X", "W1", "b1"], vjp=True, upstream="g(Z)") == "g(Z) @ W1"
    assert written("linear", 1, ["X", "W1", "b1"], vjp=True, upstream="g(Z)") == "g(Z).T @ X"
    assert written("matmul", 0, ["A", "B"], vjp=True, upstream="G") == "G @ B.T"
    assert written("sum", 0, ["v"], vjp=True, upstream="g(s)") == "g(s) broadcast back to v's shape"
    assert written("sigmoid", 0, ["z"], vjp=True, upstream="G") == "G * σ(z)(1-σ(z))"


def test_a_constant_exponent_is_written_as_a_number() -> None:
    assert written("**", 0, ["y - ŷ", "2"], constants={1: 2.0}) == "2 (y - ŷ)"
    assert written("pow", 0, ["t", "3"], constants={1: 3.0}) == "3 t^2"
    assert written("**", 0, ["t", "-0.5"], constants={1: -0.5}) == "(-0.5) t^(-1.5)"
    assert written("**", 0, ["t", "1"], constants={1: 1.0}) == "1"
    assert written("pow", 0, ["t", "2"], vjp=True, upstream="G", constants={1: 2.0}) == "G * 2 t"
    assert written("**", 0, ["t", "e"]) == "e t^(e-1)"  # an exponent that is a node


def test_dot_names_each_weights_input() -> None:
    operands = ["b", "w1", "x1", "w2", "x2"]  # dot keeps (bias, w1, x1, w2, x2)
    assert [written("dot", i, operands) for i in range(5)] == ["1", "x1", "w1", "x2", "w2"]


def test_expressions_take_only_the_parentheses_they_need() -> None:
    assert expression("*", ["0.5", "(y - ŷ)**2"], [ATOM, precedence("**")]) == "0.5 * (y - ŷ)**2"
    assert expression("**", ["y - ŷ", "2"], [precedence("-"), ATOM]) == "(y - ŷ)**2"
    assert expression("+", ["a + b", "c"], [precedence("+"), ATOM]) == "a + b + c"
    assert expression("-", ["a", "b - c"], [ATOM, precedence("-")]) == "a - (b - c)"
    assert expression("**", ["a**b", "c"], [precedence("**"), ATOM]) == "(a**b)**c"
    assert expression("**", ["-3", "x"]) == "(-3)**x"
    assert expression("neg", ["a + b"]) == "-(a + b)"
    assert expression("linear", ["X", "W1", "b1"]) == "X @ W1.T + b1"
    assert expression("sigmoid", ["z"]) == "sigmoid(z)"
    assert expression("mul", ["W", "2"]) == "W * 2"
    assert infix_symbol("pow") == "**" and infix_symbol("sigmoid") == ""
    assert grouped("w1·x1") == "w1·x1" and grouped("f(a, b)") == "f(a, b)"
    assert grouped("(a) + (b)") == "((a) + (b))" and grouped("-3") == "(-3)"


def test_no_formula_uses_an_operand_letter_as_a_word() -> None:
    # "½ on a tie" would put an operand's name in for the article.
    for op in CORE_FORMULAS:
        for text in formula(op).local + formula(op).vjp:  # type: ignore[union-attr]
            assert " a tie" not in text and " a copy" not in text, (op, text)


def test_elementwise_operations_are_the_ones_that_broadcast() -> None:
    assert broadcasts("mul") and broadcasts("+") and broadcasts("sigmoid")
    assert not broadcasts("matmul") and not broadcasts("sum") and not broadcasts("linear")

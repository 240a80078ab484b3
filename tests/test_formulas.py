"""Every operation a graph can hold has its derivative written out (for explain and viz)."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ag
from autograd_core import Tensor, Value
from autograd_core.formulas import local_formula, operand_names, vjp_formula
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
    arity = REGISTRY[name].arity
    for i in range(arity):
        assert local_formula(name, i) and vjp_formula(name, i).startswith("g * ")


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
    assert local_formula("*", 0) == "b" and local_formula("*", 1) == "a"
    assert vjp_formula("matmul", 1) == "a.T @ g"
    assert local_formula("sigmoid", 0) == "σ(x)(1-σ(x))"
    assert local_formula("arctan2", 1) == "-a/(a²+b²)"
    assert local_formula("no such operation", 0) == ""
